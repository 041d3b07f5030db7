package web

import (
	"time"

	"github.com/scottish-government/delivery-tracker/internal/paths"
)

// FooterLinks are the links at the foot of every page: the statements every public service
// publishes, and how to reach the people who run it.
var FooterLinks = []Link{
	{Text: "Accessibility", Href: paths.Accessibility},
	{Text: "Privacy", Href: paths.Privacy},
	{Text: "Cookies", Href: paths.Cookies},
	{Text: "Contact", Href: paths.Contact},
	{Text: "Feedback", Href: paths.Feedback},
}

// InfoView is what the accessibility statement, privacy notice, cookies page and contact page
// say that depends on how the portal is set up.
type InfoView struct {
	// SiteURL is the site's public address (BASE_URL).
	SiteURL string
	// ContactEmail is where people write to the team that runs the service.
	ContactEmail string
	// Cookies are every cookie the portal sets.
	Cookies []CookieInfo
	// SessionIdle and SessionLifetime end a signed-in session: after this long without use, or
	// this long after signing in.
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	// ResetAvailable is true when people can ask for a password reset email.
	ResetAvailable bool
}

// CookieInfo describes a cookie the portal sets, for the cookies page.
type CookieInfo struct {
	Name    string
	Purpose string
	Expires string
}

// StatementDate is when the accessibility statement and privacy notice were prepared and last
// reviewed, and the service last tested for accessibility. Change it with them.
const StatementDate = "6 December 2026"

// AccessibilityIssue is a known way in which the service falls short of WCAG 2.2 AA, as the
// accessibility statement lists it.
type AccessibilityIssue struct {
	Problem string
	// Criterion names the WCAG 2.2 success criterion it fails, such as "4.1.2 Name, Role, Value".
	Criterion string
}

// KnownAccessibilityIssues are the accessibility problems known when the statement was last
// reviewed. Take an issue out in the change that fixes it, and review the statement's date.
var KnownAccessibilityIssues = []AccessibilityIssue{}

// DurationWords says a duration as a person would: "30 minutes", "12 hours", "7 days", "2
// years".
func DurationWords(d time.Duration) string {
	const day, year = 24 * time.Hour, 365 * 24 * time.Hour
	switch {
	case d >= year && d%year == 0:
		return plural(int(d/year), "year", "years")
	case d >= 2*day && d%day == 0:
		return plural(int(d/day), "day", "days")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour", "hours")
	case d > time.Hour && d%time.Minute == 0:
		return plural(int(d/time.Hour), "hour", "hours") + " and " + DurationWords(d%time.Hour)
	case d >= time.Minute:
		return plural(int(d/time.Minute), "minute", "minutes")
	}
	return plural(int(d/time.Second), "second", "seconds")
}
