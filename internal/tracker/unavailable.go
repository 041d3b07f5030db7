package tracker

// Unavailable returns an EUNAVAILABLE error wrapping err: the database cannot be reached, is
// shutting down, is out of resources or did not answer in time, and trying again later may work.
// errors.Is and errors.As still find err through it.
func Unavailable(err error) *Error {
	return &Error{Code: EUNAVAILABLE, Message: "Sorry, the service is unavailable. Try again in a few minutes", Err: err}
}

// IsUnavailable reports whether err's chain holds an EUNAVAILABLE error.
func IsUnavailable(err error) bool { return ErrorCode(err) == EUNAVAILABLE }
