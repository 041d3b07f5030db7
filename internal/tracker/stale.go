package tracker

import (
	"strconv"
	"time"
)

// StalePageNotice is what a public page says when it is served from the portal's memory because
// the database cannot be reached: how old it is.
func StalePageNotice(age time.Duration) string {
	age = age.Round(time.Minute)
	switch {
	case age < time.Minute:
		return "We cannot check for changes at the moment. This page was last checked less than a minute ago."
	case age < 2*time.Minute:
		return "We cannot check for changes at the moment. This page was last checked 1 minute ago."
	case age < time.Hour:
		return "We cannot check for changes at the moment. This page was last checked " + strconv.Itoa(int(age/time.Minute)) + " minutes ago."
	default:
		return "We cannot check for changes at the moment. This page was last checked more than an hour ago."
	}
}
