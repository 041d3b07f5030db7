package web

import (
	"strconv"
	"time"

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

// userState is how an account's state reads in lists, and the colour of its tag.
func userState(u tracker.User) (label, colour string) {
	switch {
	case u.Disabled():
		return "Disabled", "grey"
	case !u.HasPassword:
		return "Invited", "blue"
	default:
		return "Active", "green"
	}
}

func userStatus(u tracker.User) string {
	label, _ := userState(u)
	return label
}

func userStatusClass(u tracker.User) string {
	_, colour := userState(u)
	return tagClass(colour)
}

// UserForm is what an administrator typed to invite a user or change their role.
type UserForm struct {
	Email        string
	Name         string
	Role         string
	Organisation string
	Version      int
}

// InviteView is what the invitation form shows.
type InviteView struct {
	Form          UserForm
	Organisations []tracker.Organisation
	Errors        []FieldError
}

// UserView is what an account's page shows to an administrator.
type UserView struct {
	User          tracker.User
	Form          UserForm
	Organisations []tracker.Organisation
	// Self is true when the administrator is looking at their own account, which they may not
	// disable or demote.
	Self   bool
	Errors []FieldError
}

// LinkView is what the page showing a new single-use link says.
type LinkView struct {
	User    tracker.User
	Purpose tracker.TokenPurpose
	URL     string
	// Emailed is true when the link was sent to the user; MailFailed when sending was tried
	// and failed.
	Emailed    bool
	MailFailed bool
	// EmailSubject and EmailBody are the email the portal sends with the link, suggested for an
	// administrator to send themselves.
	EmailSubject string
	EmailBody    string
}

// Title returns the page's heading.
func (v LinkView) Title() string {
	if v.Purpose == tracker.TokenReset {
		return "Password reset link created"
	}
	return "Invitation created"
}

// Lifetime says how long the link lasts.
func (v LinkView) Lifetime() string {
	if v.Purpose == tracker.TokenReset {
		return "1 hour"
	}
	return "7 days"
}

// RoleOptions are the roles as radio options.
func RoleOptions() []Option {
	return []Option{
		{Value: string(tracker.RolePartner), Text: tracker.RolePartner.Label(), Hint: "Reports progress on the commitments their organisation leads"},
		{Value: string(tracker.RoleStaff), Text: tracker.RoleStaff.Label(), Hint: "Reviews and publishes updates, and edits commitments"},
		{Value: string(tracker.RoleAdmin), Text: tracker.RoleAdmin.Label(), Hint: "Everything staff can do, and manages accounts"},
	}
}

// OrganisationOptions are the organisations as select options, after an empty choice.
func OrganisationOptions(orgs []tracker.Organisation) []Option {
	opts := []Option{{Value: "", Text: "None (staff and administrators)"}}
	for _, o := range orgs {
		opts = append(opts, Option{Value: o.Code, Text: o.Name})
	}
	return opts
}

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// userRows are an account's details as summary list rows.
func userRows(u tracker.User) []SummaryRow {
	rows := []SummaryRow{
		{Key: "Email address", Value: Text(u.Email)},
		{Key: "Role", Value: Text(u.Role.Label())},
	}
	if u.OrganisationName != "" {
		rows = append(rows, SummaryRow{Key: "Organisation", Value: Text(u.OrganisationName)})
	}
	last := "Never"
	if u.LastSignInAt != nil {
		last = FormatTime(*u.LastSignInAt)
	}
	rows = append(rows, SummaryRow{Key: "Last signed in", Value: Text(last)},
		SummaryRow{Key: "Account created", Value: Text(FormatTime(u.CreatedAt))})
	return rows
}

// FormatTime shows a moment in UK time, as in "3 March 2026 at 2:05pm".
func FormatTime(t time.Time) string {
	return t.In(ukTime).Format("2 January 2006 at 3:04pm")
}

var ukTime = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// ForgotPasswordView is what the page asking for a reset link shows.
type ForgotPasswordView struct {
	Email  string
	Errors []FieldError
}

// AccountView is what a signed-in user's own account page shows.
type AccountView struct {
	User   tracker.User
	Errors []FieldError
	// Emails is how often the user gets each kind of email they receive.
	Emails map[string]tracker.Frequency
	// EmailErrors are the problems with the email choices sent.
	EmailErrors []FieldError
}
