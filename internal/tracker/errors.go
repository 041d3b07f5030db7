package tracker

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one kind of response.
const (
	ENOTFOUND     = "not_found"
	EINVALID      = "invalid"
	ECONFLICT     = "conflict"
	EUNAUTHORISED = "unauthorised"
	EFORBIDDEN    = "forbidden"
	EUNAVAILABLE  = "unavailable"
	EINTERNAL     = "internal"
)

// Error is a domain error: a code and a message fit to show people.
type Error struct {
	Code    string
	Message string
	// Field, for an EINVALID error about one thing someone entered, names it by the domain's
	// name (such as "ref"), so that a form can show the message beside it.
	Field string
	// Err is the error behind this one, if any, such as the database error of an EUNAVAILABLE
	// error: for logs and errors.Is and errors.As, never for a page.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("tracker: %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("tracker: %s: %s", e.Code, e.Message)
}

// Unwrap returns the error behind e, if any.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error about one field of what someone entered.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Message: fmt.Sprintf(format, args...), Field: field}
}

// FieldOf returns the field an EINVALID error in err's chain is about, and its message, or false
// if err is not about a field.
func FieldOf(err error) (field, message string, ok bool) {
	var e *Error
	if errors.As(err, &e) && e.Code == EINVALID && e.Field != "" {
		return e.Field, e.Message, true
	}
	return "", "", false
}

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = &Error{Code: ENOTFOUND, Message: "Page not found"}

// ErrConflict is returned when a record changed after the person changing it last read it: the
// version they started from is no longer the latest.
var ErrConflict = &Error{Code: ECONFLICT, Message: "Someone else changed this while you were working on it"}

// ErrorCode returns the code of the domain error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the domain error in err's chain, or a generic message:
// never the text of an internal error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Sorry, there is a problem with the service."
}
