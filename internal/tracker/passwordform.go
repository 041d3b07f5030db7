package tracker

import (
	"strconv"
	"time"
)

// CheckSignIn checks that the sign-in form has an email address and a password. It returns a
// message keyed by each field left empty: email or password.
func CheckSignIn(email, password string) []FieldError {
	var errs []FieldError
	if email == "" {
		errs = append(errs, FieldError{Field: "email", Message: "Enter your email address"})
	}
	if password == "" {
		errs = append(errs, FieldError{Field: "password", Message: "Enter your password"})
	}
	return errs
}

// SignInFailed is the one message, keyed by the field email, for every failed sign-in, so that
// it does not tell whether an account exists.
func SignInFailed() []FieldError {
	return []FieldError{{Field: "email", Message: "Enter a correct email address and password"}}
}

// SignInThrottled is the message, keyed by the field email, for a sign-in refused for wait
// while its account or address is locked: the wait is given in whole minutes, rounded up.
func SignInThrottled(wait time.Duration) []FieldError {
	minutes := int((wait + time.Minute - 1) / time.Minute)
	msg := "There have been too many attempts to sign in. Wait " + strconv.Itoa(minutes) + " minutes, then try again"
	if minutes == 1 {
		msg = "There have been too many attempts to sign in. Wait 1 minute, then try again"
	}
	return []FieldError{{Field: "email", Message: msg}}
}

// CheckCurrentPassword checks that a user changing their password has typed their current one.
// It returns a message keyed by the field current, or nil.
func CheckCurrentPassword(current string) []FieldError {
	if current == "" {
		return []FieldError{{Field: "current", Message: "Enter your current password"}}
	}
	return nil
}

// CurrentPasswordRefused is the message, keyed by the field current, for a current password
// that was not accepted: throttled when there have been too many wrong ones to check it.
func CurrentPasswordRefused(throttled bool) []FieldError {
	if throttled {
		return []FieldError{{Field: "current", Message: "There have been too many wrong passwords. Wait a few minutes, then try again"}}
	}
	return []FieldError{{Field: "current", Message: "Your current password is not correct"}}
}

// CheckNewPassword checks a new password typed twice, password and confirm. problem is what the
// check of the password's strength found, "" for nothing. It returns a message keyed by the
// field password or confirm, or nil.
func CheckNewPassword(problem, password, confirm string) []FieldError {
	switch {
	case problem != "":
		return []FieldError{{Field: "password", Message: problem}}
	case confirm != password:
		return []FieldError{{Field: "confirm", Message: "Enter the same password twice"}}
	}
	return nil
}

// CheckPasswordChange checks a new password as CheckNewPassword does, and that it differs from
// current, the password it replaces.
func CheckPasswordChange(problem, password, confirm, current string) []FieldError {
	if errs := CheckNewPassword(problem, password, confirm); errs != nil {
		return errs
	}
	if password == current {
		return []FieldError{{Field: "password", Message: "Choose a password different from your current one"}}
	}
	return nil
}
