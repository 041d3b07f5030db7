package server

// The pages about the service itself, linked from every page's footer: the accessibility
// statement, the privacy notice, the cookies page and the contact page; and the feedback routes.

import (
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// DefaultContactEmail is where the contact page and the accessibility statement send people
// unless Config.ContactEmail says otherwise: the Scottish Government's Central Enquiry Unit,
// which passes an enquiry on to the team concerned.
const DefaultContactEmail = "ceu@gov.scot"

// infoRoutes adds the pages about the service and the feedback form, for everyone, and the
// feedback staff read.
func (s *Server) infoRoutes(r chi.Router) {
	for _, p := range infoPages {
		r.Get(p.path, s.publicPage(s.infoPage(p)))
	}
	s.form(r, paths.Feedback, s.feedbackForm, s.sendFeedback)
	r.Get(paths.FeedbackThanks, s.handle(s.feedbackThanks))
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionReadFeedback))
		r.Get(paths.AdminFeedback, s.handle(s.adminFeedback))
		r.Get(paths.AdminFeedbackCSV, s.handle(s.adminFeedbackCSV))
	})
}

// infoPage is a page about the service: its address, what it says in a sentence, and its view.
type infoPage struct {
	path, description string
	page              func(web.LayoutProps, web.InfoView) templ.Component
}

// infoPages are the pages about the service, in the order the sitemap lists them.
var infoPages = []infoPage{
	{paths.Accessibility, "How accessible Delivery Tracker is, the problems we know of, and how to report a problem " +
		"or ask for what you need in another format.", web.AccessibilityPage},
	{paths.Privacy, "What Delivery Tracker keeps about the people who use it, why, for how long, and your rights.", web.PrivacyPage},
	{paths.Cookies, "The cookies Delivery Tracker sets: only those it needs to work.", web.CookiesPage},
	{paths.Contact, "How to contact the team behind Delivery Tracker, send feedback or ask about your data.", web.ContactPage},
}

func (s *Server) infoPage(p infoPage) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := web.InfoView{SiteURL: s.siteURL(r), ContactEmail: s.contactEmail, Cookies: siteCookies(s.secure, s.idle, s.lifetime),
			SessionIdle: s.idle, SessionLifetime: s.lifetime, ResetAvailable: s.mailer != nil}
		l := s.layout(r)
		l.Description = p.description
		l.Canonical = s.siteURL(r) + p.path
		return s.page(w, r, http.StatusOK, p.page(l, v))
	}
}

// siteLinks gives a page the links every page has: the footer's, and the feedback link of the
// phase banner, about the page itself (which also turns on "Is this page useful?").
func siteLinks(l *web.LayoutProps) {
	l.FooterLinks = web.FooterLinks
	about := l.CurrentPath
	if about == paths.Feedback || strings.HasPrefix(about, paths.Feedback+"/") {
		about = ""
	}
	l.FeedbackURL = paths.FeedbackAbout(about, "")
}

// noticeCookieName is the name of the notice cookie (see noticeCookie) for a portal served over
// https or not.
func noticeCookieName(secure bool) string {
	if secure {
		return "__Host-notice"
	}
	return "notice"
}

// noticeCookieAge is how long a notice cookie lasts unless its message is shown first.
const noticeCookieAge = 5 * time.Minute

// siteCookies lists every cookie the portal sets, as the cookies page describes them: the
// session cookie and the notice cookie. A test fails any response that sets a cookie not listed
// here, so that a new cookie cannot go undocumented.
func siteCookies(secure bool, idle, lifetime time.Duration) []web.CookieInfo {
	return []web.CookieInfo{
		{Name: SessionCookieName(secure), Purpose: "Keeps you signed in, if you have an account. It holds a random code, not who you are.",
			Expires: "When you close your browser or sign out. Your session also ends after " + web.DurationWords(idle) +
				" without use, or " + web.DurationWords(lifetime) + " after you signed in."},
		{Name: noticeCookieName(secure), Purpose: "Shows a message on the next page you see after you sign out, your session ends or you set a password.",
			Expires: "After " + web.DurationWords(noticeCookieAge) + ", or as soon as the message is shown."},
	}
}

// CookieNames returns the names of the cookies a portal served over https (secure) or not may
// set: those its cookies page lists.
func CookieNames(secure bool) []string {
	var names []string
	for _, c := range siteCookies(secure, DefaultIdleTimeout, DefaultSessionLifetime) {
		names = append(names, c.Name)
	}
	return names
}
