package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// TestInfoPages finds the accessibility statement, the privacy notice, the cookies page and the
// contact page in the footer of every kind of page, and checks what each must say.
func TestInfoPages(t *testing.T) {
	t.Parallel()
	app := newApp(t, withConfig(func(c *server.Config) {
		c.ContactEmail = "delivery-tracker@gov.scot"
		c.IdleTimeout, c.SessionLifetime = 20*time.Minute, 8*time.Hour
	}))
	anon := anonymous(t, app)
	staff := signIn(t, app, tracker.RoleStaff, "")
	footer := map[string]string{"Accessibility": "/accessibility", "Privacy": "/privacy", "Cookies": "/cookies", "Contact": "/contact", "Feedback": "/feedback"}
	for _, from := range []struct {
		c    *client
		path string
	}{{anon, "/"}, {anon, "/commitments/4.2"}, {anon, "/no-such-page"}, {staff, "/admin/plans"}, {anon, "/sign-in"}} {
		_, doc := from.c.get(from.path)
		links := doc.Find("footer.ds_site-footer .ds_site-footer__site-items a")
		got := map[string]string{}
		links.Each(func(_ int, a *goquery.Selection) { got[a.Text()] = a.AttrOr("href", "") })
		for text, href := range footer {
			if got[text] != href {
				t.Errorf("%s: the footer links %q to %q, want %q", from.path, text, got[text], href)
			}
		}
	}

	pages := []struct {
		path, h1 string
		says     []string
	}{
		{"/accessibility", "Accessibility statement for Delivery Tracker", []string{
			"This website is run by the Scottish Government", "How accessible this website is",
			"What to do if you cannot access parts of this website", "Reporting accessibility problems with this website",
			"Enforcement procedure", "Equality and Human Rights Commission", "Equality Advisory and Support Service",
			"Technical information about this website’s accessibility", "Compliance status",
			"Non-accessible content", "What we are doing to improve accessibility", "Preparation of this accessibility statement",
			"This statement was prepared on", "delivery-tracker@gov.scot"}},
		{"/privacy", "Privacy notice", []string{
			"The Scottish Ministers (the Scottish Government) are the data controller", "dpo@gov.scot",
			"Accounts for staff and delivery partners", "Sessions", "The audit log", "Email alerts", "Feedback",
			"after 20 minutes without use, 8 hours after you signed in", "it is deleted 8 hours and 20 minutes after you signed in",
			"what you typed (never a password) is kept for 2 hours", "deleted 24 hours after the last attempt",
			"It is deleted, with the emails sent to it, when your last alert ends", "An alert you never confirm is deleted after 7 days", "We do not keep your internet address",
			"Feedback is deleted 2 years after it was sent", "An invitation link works for 7 days and a password reset link for 1 hour",
			"Article 6(1)(e)", "Information Commissioner’s Office"}},
		{"/cookies", "Cookies", []string{"strictly necessary", "If you do not sign in, the service sets no cookies."}},
		{"/contact", "Contact Delivery Tracker", []string{"delivery-tracker@gov.scot", "feedback form", "dpo@gov.scot"}},
	}
	for _, p := range pages {
		rec, doc := anon.get(p.path)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", p.path, rec.Code)
			continue
		}
		if got := doc.Find("main h1").Text(); got != p.h1 {
			t.Errorf("%s: h1 %q, want %q", p.path, got, p.h1)
		}
		if got := doc.Find("title").Text(); got != p.h1+" – Delivery Tracker" {
			t.Errorf("%s: title %q", p.path, got)
		}
		if got, want := crumbs(doc), []string{"Home=/", p.h1}; !slices.Equal(got, want) {
			t.Errorf("%s: breadcrumbs %q, want %q", p.path, got, want)
		}
		text := strings.Join(strings.Fields(doc.Find("main").Text()), " ")
		for _, s := range p.says {
			if !strings.Contains(text, s) {
				t.Errorf("%s does not say %q", p.path, s)
			}
		}
	}
	// The compliance status follows the known issues: each is listed with the criterion it fails,
	// and with none the statement says so.
	_, doc := anon.get("/accessibility")
	statement := strings.Join(strings.Fields(doc.Find("main").Text()), " ")
	issues := doc.Find(".app-info__issues li")
	if len(web.KnownAccessibilityIssues) == 0 {
		if issues.Length() != 0 || !strings.Contains(statement, "fully compliant with the Web Content Accessibility Guidelines version 2.2 AA standard") ||
			!strings.Contains(statement, "We know of no content on this website that is not accessible") {
			t.Errorf("no known issues, but the statement does not say it is fully compliant: %d listed", issues.Length())
		}
	} else if issues.Length() != len(web.KnownAccessibilityIssues) || !strings.Contains(issues.First().Text(), "success criterion") ||
		!strings.Contains(statement, "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard") {
		t.Errorf("%d non-compliances listed, want %d, partially compliant", issues.Length(), len(web.KnownAccessibilityIssues))
	}
	if doc.Find(`a[href="mailto:delivery-tracker@gov.scot"]`).Length() == 0 {
		t.Error("the statement gives no address to write to")
	}
}

// TestCookiesPageNamesEveryCookie checks that the cookies page names each cookie the portal sets,
// taking the names from the code: the session cookie and the notice cookie, over https and
// not. Every request the tests send through a client also fails if it sets a cookie the page
// does not list (client.do), so a new cookie cannot go undocumented.
func TestCookiesPageNamesEveryCookie(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		var opts []appOption
		if secure {
			opts = append(opts, withHTTPS())
		}
		app := newApp(t, opts...)
		names := server.CookieNames(secure)
		if !slices.Contains(names, server.SessionCookieName(secure)) || len(names) != 2 {
			t.Errorf("https %t: the cookies are %q, want the session cookie %q and the notice cookie", secure, names, server.SessionCookieName(secure))
		}
		_, doc := anonymous(t, app).get("/cookies")
		var listed []string
		doc.Find("table.app-cookies tbody tr").Each(func(_ int, tr *goquery.Selection) {
			listed = append(listed, tr.Find("td").First().Text())
			if strings.TrimSpace(tr.Find("td").Eq(1).Text()) == "" || strings.TrimSpace(tr.Find("td").Eq(2).Text()) == "" {
				t.Errorf("https %t: the cookie %q has no purpose or expiry", secure, tr.Find("td").First().Text())
			}
		})
		if !slices.Equal(listed, names) {
			t.Errorf("https %t: the cookies page lists %q, want %q", secure, listed, names)
		}

		// Signing in and out sets each of them, through client.do's check.
		c := signIn(t, app, tracker.RoleStaff, "")
		var set []string
		for _, ck := range c.post("/sign-out", nil).Result().Cookies() {
			set = append(set, ck.Name)
		}
		for _, name := range names {
			if !slices.Contains(set, name) {
				t.Errorf("https %t: signing out did not set %q (set %q): is it still used?", secure, name, set)
			}
		}
	}
}
