package tracker

import (
	"strconv"
	"strings"
	"time"
)

// SessionEnd is why the portal ended someone's session.
type SessionEnd string

// Why a session ends.
const (
	// SessionIdle: it went unused for the idle timeout.
	SessionIdle SessionEnd = "idle"
	// SessionLifetime: the person signed in longer ago than a session may last.
	SessionLifetime SessionEnd = "lifetime"
	// SessionsEnded: every session of the account was ended, as a new password does.
	SessionsEnded SessionEnd = "sessions ended"
	// SessionDisabled: the account was disabled.
	SessionDisabled SessionEnd = "disabled"
	// SessionNoUser: the account no longer exists.
	SessionNoUser SessionEnd = "no such user"
)

// KeptFormTTL is how long what someone typed into a form sent after their session ended is
// kept for them to get back by signing in again.
const KeptFormTTL = 2 * time.Hour

// MaxKeptForms is the most forms kept for one account at once: keeping another lets the oldest
// go.
const MaxKeptForms = 10

// CanKeepForm reports whether what was typed into a form sent after a session ended this way may
// be kept for the account: only when the account is still known.
func CanKeepForm(end SessionEnd) bool {
	switch end {
	case SessionIdle, SessionLifetime, SessionsEnded, SessionDisabled:
		return true
	}
	return false
}

// SessionEndedMessage is what the sign-in page says to someone whose session ended this way,
// idle and lifetime being the session limits. kept says whether what they typed into the form
// they sent has been kept. It is "" for an end the person is not told about.
func SessionEndedMessage(end SessionEnd, idle, lifetime time.Duration, kept bool) string {
	var why string
	switch end {
	case SessionIdle:
		why = "You have been signed out because your session expired: you had not used Delivery Tracker for " + Duration(idle) + "."
	case SessionLifetime:
		why = "You have been signed out because your session expired: you signed in more than " + Duration(lifetime) + " ago."
	case SessionsEnded:
		why = "You have been signed out because your account was signed out everywhere, for example when its password was changed."
	case SessionDisabled:
		why = "You have been signed out because your account has been disabled."
		if kept {
			return why + " What you typed has not been saved, but it has been kept for " + Duration(KeptFormTTL) +
				". If your account is enabled again in that time, sign in here to get it back. If you think your account " +
				"should not have been disabled, contact an administrator of Delivery Tracker."
		}
		return why + " If you think it should not have been, contact an administrator of Delivery Tracker."
	default:
		return ""
	}
	if kept {
		return why + " What you typed has not been saved yet, but it has been kept: sign in again within " +
			Duration(KeptFormTTL) + " to get it back."
	}
	return why + " Sign in again to continue."
}

// MsgKeptFormOtherAccount says that a form kept when a session ended was typed by someone
// signed in as another account than the one now signed in.
const MsgKeptFormOtherAccount = "What was typed before signing in was typed by someone signed in as another account, so it has not " +
	"been shown to you. It has been deleted."

// KeptFormGone says that a form kept when a session ended is there no more: it was put back
// already, or its time ran out.
func KeptFormGone() string {
	return "What you typed before you were signed out is no longer kept: it has been put back already, or it was kept for " +
		Duration(KeptFormTTL) + " and then deleted. None of it was saved."
}

// FormPutBack is the banner over a form whose typed contents were put back after signing in
// again. button is the label of the button that sends it, or "" when that is not known.
func FormPutBack(button string) string {
	press := "press the button again"
	if button != "" {
		press = "press " + button + " again"
	}
	return "What you typed has been put back. It has not been saved yet: check it and " + press + "."
}

// SecretField reports whether a form field with the name holds a password, which is never kept or
// shown back: any field whose name has "password" in it, and the current password and the new
// one's confirmation on the forms that change a password.
func SecretField(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "password") || n == "current" || n == "confirm"
}

// KeepableFields returns what of a form may be kept for its sender: every field but secrets
// (see SecretField), or nil when nothing is left.
func KeepableFields(form map[string][]string) map[string][]string {
	var kept map[string][]string
	for name, vs := range form {
		if SecretField(name) || len(vs) == 0 {
			continue
		}
		if kept == nil {
			kept = map[string][]string{}
		}
		kept[name] = append([]string(nil), vs...)
	}
	return kept
}

// Duration says how long d is in words, to the minute: "30 minutes", "1 hour", "12 hours",
// "1 hour 30 minutes".
func Duration(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "less than a minute"
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if h > 0 {
		parts = append(parts, count(h, "hour", "hours"))
	}
	if m > 0 {
		parts = append(parts, count(m, "minute", "minutes"))
	}
	return strings.Join(parts, " ")
}

// count says "1 hour" or "3 hours".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// KeptForm is what someone typed into a form they sent after their session had ended, kept for
// them to get back once they sign in again as the same account.
type KeptForm struct {
	// UserID is the account whose session had ended: only it gets the form back.
	UserID int64
	// Path is the address of the form's page, where it is put back.
	Path string
	// Values are the form's fields as sent, secrets left out (see KeepableFields).
	Values map[string][]string
	// Reason is why the session had ended.
	Reason    SessionEnd
	CreatedAt time.Time
	ExpiresAt time.Time
}
