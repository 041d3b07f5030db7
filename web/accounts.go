package web

import (
	"strconv"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// SignInView is what the sign-in page shows: the email address typed, where to go once signed
// in, and any errors.
type SignInView struct {
	Email  string
	Next   string
	Errors []FieldError
	// ResetAvailable shows the link to reset a forgotten password by email.
	ResetAvailable bool
}

// SetPasswordView is what the page reached by a single-use link shows.
type SetPasswordView struct {
	Purpose tracker.TokenPurpose
	Token   string
	// User is the account the password is for; nil when creating the first administrator.
	User *tracker.User
	// Email and Name are asked for when creating the first administrator.
	Email  string
	Name   string
	Errors []FieldError
}

// Title returns the page's heading for the link's purpose.
func (v SetPasswordView) Title() string {
	switch v.Purpose {
	case tracker.TokenFirstAdmin:
		return "Create the first administrator account"
	case tracker.TokenReset:
		return "Choose a new password"
	default:
		return "Set your password"
	}
}

// PasswordHint explains the password policy wherever a password is chosen.
const PasswordHint = "Use 12 characters or more. A good way to make a strong password is to use three random words. Avoid common passwords and words that are easy to guess."

// UsersView is what the accounts page lists.
type UsersView struct {
	Users []tracker.User
}

// UserPath returns the address of an account's page.
func UserPath(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

// userStatus is how an account's state reads in lists.
func userStatus(u tracker.User) string {
	switch {
	case u.Disabled():
		return "Disabled"
	case !u.HasPassword:
		return "Invited"
	default:
		return "Active"
	}
}

func userStatusClass(u tracker.User) string {
	switch {
	case u.Disabled():
		return "ds_tag ds_tag--grey"
	case !u.HasPassword:
		return "ds_tag ds_tag--blue"
	default:
		return "ds_tag ds_tag--green"
	}
}
