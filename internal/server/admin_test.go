package server_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/mail"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// linkFrom returns the single-use link a link page shows, as a path with its query.
func linkFrom(t *testing.T, doc *goquery.Document) string {
	t.Helper()
	v, ok := doc.Find("input#link").Attr("value")
	if !ok {
		t.Fatal("no link on the page")
	}
	u, err := url.Parse(v)
	if err != nil || u.Path != "/set-password" || u.Query().Get("token") == "" {
		t.Fatalf("link %q is not a set-password link", v)
	}
	return u.RequestURI()
}

func TestInviteUser(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	admin := signIn(t, app, tracker.RoleAdmin, "")
	taken, _ := createUser(t, app, tracker.RoleStaff, "")
	rec, doc := admin.get("/admin/users/new")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /admin/users/new = %d", rec.Code)
	}
	checkPage(t, "/admin/users/new", doc, "Invite a user")
	if n := doc.Find(`select#organisation option`).Length(); n != 10 {
		t.Errorf("organisation choices = %d, want none and the 9 organisations", n)
	}

	tests := []struct {
		name string
		form url.Values
		want map[string]string
	}{
		{"empty", url.Values{}, map[string]string{"email": "Enter an email address", "name": "Enter a full name", "role": "Select a role"}},
		{"partner without organisation", url.Values{"email": {"p@nes.scot"}, "name": {"P"}, "role": {"partner"}},
			map[string]string{"organisation": "Select the organisation the delivery partner reports for"}},
		{"staff with organisation", url.Values{"email": {"s@gov.scot"}, "name": {"S"}, "role": {"staff"}, "organisation": {"NES"}},
			map[string]string{"organisation": "Select None: only delivery partners belong to an organisation"}},
		{"unknown organisation", url.Values{"email": {"p@nes.scot"}, "name": {"P"}, "role": {"partner"}, "organisation": {"NOPE"}},
			map[string]string{"organisation": "Select an organisation from the list"}},
		{"unknown role", url.Values{"email": {"p@nes.scot"}, "name": {"P"}, "role": {"owner"}}, map[string]string{"role": "Select a role"}},
		{"email taken", url.Values{"email": {strings.ToUpper(taken.Email)}, "name": {"T"}, "role": {"staff"}},
			map[string]string{"email": "An account with that email address already exists"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, doc := admin.postDoc("/admin/users", tt.form)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("status = %d, want 422", rec.Code)
			}
			for field, msg := range tt.want {
				if got := text(doc.Find("#error-message-" + field)); !strings.Contains(got, msg) {
					t.Errorf("%s error = %q, want %q", field, got, msg)
				}
			}
			if got := doc.Find("input#email").AttrOr("value", ""); got != tt.form.Get("email") {
				t.Errorf("email kept = %q, want %q", got, tt.form.Get("email"))
			}
		})
	}

	rec, doc = admin.postDoc("/admin/users", url.Values{"email": {"pat@nes.scot"}, "name": {"Pat Kerr"}, "role": {"partner"}, "organisation": {"NES"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("invite = %d", rec.Code)
	}
	checkPage(t, "POST /admin/users", doc, "Invitation created")
	if !strings.Contains(text(doc.Find("main")), "7 days") {
		t.Error("the page does not say how long the link lasts")
	}
	link := linkFrom(t, doc)
	pat := anonymous(t, app)
	pat.post("/set-password", url.Values{"token": {mustQuery(t, link, "token")}, "password": {"heather moss lantern"}, "confirm": {"heather moss lantern"}})
	pat.signInAs("pat@nes.scot", "heather moss lantern")
	if pat.User.Role != tracker.RolePartner || pat.User.OrganisationCode != "NES" {
		t.Errorf("invited user = %+v", pat.User)
	}
	_, doc = admin.get("/admin/users")
	var names []string
	doc.Find(".app-user").Each(func(_ int, s *goquery.Selection) { names = append(names, text(s.Find("td").First())) })
	if !slices.Contains(names, "Pat Kerr") {
		t.Errorf("users listed = %q", names)
	}
}

func mustQuery(t *testing.T, path, key string) string {
	t.Helper()
	u, err := url.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get(key)
}

func TestInviteByEmail(t *testing.T) {
	t.Parallel()
	var mailer mail.Recorder
	app := newApp(t, withConfig(func(c *server.Config) { c.Mailer = &mailer; c.BaseURL = "https://tracker.example.scot" }))
	admin := signIn(t, app, tracker.RoleAdmin, "")
	_, doc := admin.postDoc("/admin/users", url.Values{"email": {"jo@gov.scot"}, "name": {"Jo Bloggs"}, "role": {"staff"}})
	if got := text(doc.Find("main")); !strings.Contains(got, "We have emailed this link to jo@gov.scot") {
		t.Errorf("page = %q", got)
	}
	link := doc.Find("input#link").AttrOr("value", "")
	msgs := mailer.Messages()
	if len(msgs) != 1 || msgs[0].To != "jo@gov.scot" || !strings.Contains(msgs[0].Body, link) || !strings.HasPrefix(link, "https://tracker.example.scot/set-password?token=") {
		t.Errorf("sent %+v, want the link %q to jo@gov.scot", msgs, link)
	}
	// When the relay fails, the administrator is told and can still copy the link.
	mailer.Err = context.DeadlineExceeded
	rec, doc := admin.postDoc("/admin/users", url.Values{"email": {"kim@gov.scot"}, "name": {"Kim"}, "role": {"staff"}})
	if rec.Code != http.StatusOK || !strings.Contains(text(doc.Find("main")), "could not be sent") || doc.Find("input#link").Length() != 1 {
		t.Errorf("failed email: %d %q", rec.Code, text(doc.Find("main")))
	}
}

func TestChangeRoleAndDisable(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	admin := signIn(t, app, tracker.RoleAdmin, "")
	partner := signIn(t, app, tracker.RolePartner, "NES")
	path := "/admin/users/" + strconv.FormatInt(partner.User.ID, 10)
	rec, doc := admin.get(path)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", path, rec.Code)
	}
	checkPage(t, path, doc, partner.User.Name)
	version := doc.Find(`form[action$="/role"] input[name="version"]`).AttrOr("value", "")

	// A partner needs an organisation.
	rec, doc = admin.postDoc(path+"/role", url.Values{"role": {"partner"}, "organisation": {""}, "version": {version}})
	if rec.Code != http.StatusUnprocessableEntity || doc.Find("#error-message-organisation").Length() != 1 {
		t.Errorf("partner without organisation = %d", rec.Code)
	}
	// Move the partner to CIVTECH: they lose NES's commitments at once.
	rec = admin.post(path+"/role", url.Values{"role": {"partner"}, "organisation": {"CIVTECH"}, "version": {version}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != path {
		t.Fatalf("change organisation = %d %q", rec.Code, rec.Header().Get("Location"))
	}
	_, doc = admin.get(path)
	if got := text(doc.Find(".ds_notification")); !strings.Contains(got, "a delivery partner for CivTech (Digital Directorate)") {
		t.Errorf("banner = %q", got)
	}
	_, doc = partner.get("/")
	if got := text(doc.Find(".app-site-header__user")); !strings.Contains(got, "CivTech") {
		t.Errorf("partner's header after the move = %q", got)
	}
	// The old form is stale now.
	rec, doc = admin.postDoc(path+"/role", url.Values{"role": {"staff"}, "organisation": {""}, "version": {version}})
	if rec.Code != http.StatusConflict || !strings.Contains(text(doc.Find(".ds_error-summary")), "Someone else changed this account") {
		t.Errorf("stale form = %d %q", rec.Code, text(doc.Find(".ds_error-summary")))
	}

	// Disabling signs the user out at once; enabling lets them sign in again.
	_, doc = admin.get(path)
	rec, doc = admin.get(doc.Find(`a[href$="/disable"]`).AttrOr("href", "(no link to disable)"))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET the page confirming disabling = %d", rec.Code)
	}
	version = doc.Find(`form[action$="/disable"] input[name="version"]`).AttrOr("value", "")
	if rec := admin.post(path+"/disable", url.Values{"version": {version}, "reason": {"Left NES"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("disable = %d", rec.Code)
	}
	if rec, _ := partner.get("/admin/users"); !isSignInRedirect(rec) {
		t.Errorf("disabled partner still signed in: %d", rec.Code)
	}
	if rec := anonymous(t, app).post("/sign-in", url.Values{"email": {partner.User.Email}, "password": {partner.Password}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("disabled partner signs in: %d", rec.Code)
	}
	_, doc = admin.get(path)
	version = doc.Find(`form[action$="/enable"] input[name="version"]`).AttrOr("value", "")
	if rec := admin.post(path+"/enable", url.Values{"version": {version}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("enable = %d", rec.Code)
	}
	anonymous(t, app).signInAs(partner.User.Email, partner.Password)

	// An administrator cannot demote or disable themselves.
	self := "/admin/users/" + strconv.FormatInt(admin.User.ID, 10)
	_, doc = admin.get(self)
	if doc.Find(`a[href$="/disable"], form[action$="/role"]`).Length() != 0 {
		t.Error("an administrator is offered to disable or demote themselves")
	}
	for _, p := range []string{self + "/disable", self + "/role"} {
		if rec := admin.post(p, url.Values{"role": {"staff"}, "reason": {"Leaving"}}); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("POST %s on oneself = %d, want 422", p, rec.Code)
		}
	}
	if rec, _ := admin.get("/admin/users/999999"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown user = %d", rec.Code)
	}
}

func TestPasswordResetLink(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	admin := signIn(t, app, tracker.RoleAdmin, "")
	staff := signIn(t, app, tracker.RoleStaff, "")
	path := "/admin/users/" + strconv.FormatInt(staff.User.ID, 10)
	rec, doc := admin.postDoc(path+"/link", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("create reset link = %d", rec.Code)
	}
	checkPage(t, path+"/link", doc, "Password reset link created")
	link := linkFrom(t, doc)
	// The link lasts an hour.
	app.clock.Advance(61 * time.Minute)
	if rec, _ := anonymous(t, app).get(link); rec.Code != http.StatusNotFound {
		t.Errorf("reset link after an hour = %d, want 404", rec.Code)
	}
	app.clock.Advance(-61 * time.Minute)
	// Using it ends the user's other sessions.
	c := anonymous(t, app)
	if rec := c.post("/set-password", url.Values{"token": {mustQuery(t, link, "token")}, "password": {"granite otter meadow"}, "confirm": {"granite otter meadow"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("set password = %d", rec.Code)
	}
	if rec, _ := staff.get("/"); rec.Header().Get("Cache-Control") == "no-store" {
		t.Error("the old session survives a new password")
	}
	if rec := anonymous(t, app).post("/sign-in", url.Values{"email": {staff.User.Email}, "password": {staff.Password}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("old password = %d, want 401", rec.Code)
	}
	c.signInAs(staff.User.Email, "granite otter meadow")
}

func TestForgotPassword(t *testing.T) {
	t.Parallel()
	t.Run("without email", func(t *testing.T) {
		c := anonymous(t, newApp(t))
		if rec, _ := c.get("/forgot-password"); rec.Code != http.StatusNotFound {
			t.Errorf("GET /forgot-password without SMTP = %d, want 404", rec.Code)
		}
		if _, doc := c.get("/sign-in"); doc.Find(`a[href="/forgot-password"]`).Length() != 0 {
			t.Error("sign-in page offers a reset by email without SMTP")
		}
	})
	// Reset links go through the outbox, whose worker the server wakes when one is queued.
	queued := make(chan struct{}, 100)
	mapp := newMailApp(t, withConfig(func(c *server.Config) { c.EmailQueued = func() { queued <- struct{}{} } }))
	app := mapp.testApp
	u, _ := createUser(t, app, tracker.RolePartner, "NES")
	c := anonymous(t, app)
	if _, doc := c.get("/sign-in"); doc.Find(`a[href="/forgot-password"]`).Length() != 1 {
		t.Error("sign-in page lacks the reset link")
	}
	rec, doc := c.postDoc("/forgot-password", url.Values{"email": {"not an email"}})
	if rec.Code != http.StatusUnprocessableEntity || doc.Find("#error-message-email").Length() != 1 {
		t.Errorf("bad email = %d", rec.Code)
	}
	var pages []string
	for _, email := range []string{"nobody@example.scot", u.Email} {
		rec, doc := c.postDoc("/forgot-password", url.Values{"email": {email}})
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", email, rec.Code)
		}
		main, _ := doc.Find("main").Html()
		pages = append(pages, strings.ReplaceAll(main, email, "EMAIL"))
	}
	if pages[0] != pages[1] {
		t.Error("the answer differs for an unknown and a known address")
	}
	timeout := time.After(30 * time.Second)
	for len(mapp.smtp.To(u.Email)) == 0 {
		select {
		case <-queued:
			mapp.send(t)
		case <-timeout:
			t.Fatalf("no reset email reached the relay")
		}
	}
	got := mapp.smtp.Messages()
	if len(got) != 1 || got[0].To[0] != u.Email || got[0].Subject != "Reset your Delivery Tracker password" || got[0].HTML == "" {
		t.Fatalf("sent %d messages, want one reset email to %s", len(got), u.Email)
	}
	msgs := []struct{ Body string }{{Body: got[0].Text}}
	i := strings.Index(msgs[0].Body, "/set-password?token=")
	if i < 0 {
		t.Fatalf("no link in %q", msgs[0].Body)
	}
	link := strings.Fields(msgs[0].Body[i:])[0]
	if rec, doc := anonymous(t, app).get(link); rec.Code != http.StatusOK || text(doc.Find("h1")) != "Choose a new password" {
		t.Errorf("emailed link = %d %q", rec.Code, text(doc.Find("h1")))
	}
}

func TestAuditLogPage(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	admin := signIn(t, app, tracker.RoleAdmin, "")
	staff := signIn(t, app, tracker.RoleStaff, "")
	anonymous(t, app).post("/sign-in", url.Values{"email": {staff.User.Email}, "password": {"wrong guess here"}})
	admin.post("/admin/users/"+strconv.FormatInt(staff.User.ID, 10)+"/disable", url.Values{"version": {strconv.Itoa(staff.User.Version)}, "reason": {"Moved team"}})

	rec, doc := admin.get("/admin/audit")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /admin/audit = %d", rec.Code)
	}
	checkPage(t, "/admin/audit", doc, "Audit log")
	actions := texts(doc.Find(".app-audit__action"))
	for _, want := range []string{"sign_in", "sign_in.failed", "user.disable", "user.create"} {
		if !slices.Contains(actions, want) {
			t.Errorf("actions %q lack %q", actions, want)
		}
	}
	if actions[0] != "user.disable" {
		t.Errorf("newest entry = %q, want user.disable first", actions[0])
	}
	// People and records by name, as they are now; the address acted from; only what changed.
	first := doc.Find(".app-audit__entry").First()
	if got, want := text(first.Find(".app-audit__who")), admin.User.Name+" "+admin.User.Email; got != want {
		t.Errorf("who = %q, want %q", got, want)
	}
	if got := text(first.Find("td").Eq(0)); !strings.HasSuffix(got, "from 192.0.2.10") {
		t.Errorf("when = %q, want the address it came from", got)
	}
	if got, want := text(first.Find(".app-audit__record")), staff.User.Name+" ("+staff.User.Email+")"; got != want {
		t.Errorf("record = %q, want %q", got, want)
	}
	if got := texts(first.Find(".app-audit__changes li")); !slices.Equal(got, []string{"Disabled: no → changed to yes", "Reason: Moved team"}) {
		t.Errorf("what changed = %q", got)
	}
	if got := text(first.Find(".app-audit__details")); strings.Contains(got, "{") || strings.Contains(got, staff.User.Email) {
		t.Errorf("what changed shows JSON or fields that did not change: %q", got)
	}

	// By user: what the staff member did.
	_, doc = admin.get("/admin/audit?user=" + url.QueryEscape(strings.ToUpper(staff.User.Email)))
	if got := texts(doc.Find(".app-audit__action")); !slices.Equal(got, []string{"sign_in"}) {
		t.Errorf("by user: %q, want their one sign-in", got)
	}
	// By record: everything that happened to the staff member's account, by ID or address.
	for _, id := range []string{strconv.FormatInt(staff.User.ID, 10), staff.User.Email} {
		_, doc = admin.get("/admin/audit?record_type=user&record_id=" + url.QueryEscape(id))
		if got := texts(doc.Find(".app-audit__action")); !slices.Equal(got, []string{"user.disable", "sign_in.failed", "sign_in", "user.create"}) {
			t.Errorf("by record %s: %q", id, got)
		}
		if got := doc.Find(`select#record_type option[selected]`).AttrOr("value", ""); got != "user" {
			t.Errorf("record type kept = %q", got)
		}
	}
	// By action, with the download of the same entries.
	_, doc = admin.get("/admin/audit?action=user.disable")
	if got := texts(doc.Find(".app-audit__action")); !slices.Equal(got, []string{"user.disable"}) {
		t.Errorf("by action: %q", got)
	}
	if got := doc.Find(`a[href^="/admin/audit.csv"]`).AttrOr("href", ""); got != "/admin/audit.csv?action=user.disable" {
		t.Errorf("download of the filtered entries = %q", got)
	}
	if got := doc.Find(`select#user option`).Length(); got < 3 {
		t.Errorf("people to choose from: %d", got)
	}
}

func TestAuditLogPages(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	admin := signIn(t, app, tracker.RoleAdmin, "")
	for range 60 {
		if err := app.Store.Audit(t.Context(), tracker.Actor{Label: "nightly"}, postgresEntry("test.entry")); err != nil {
			t.Fatal(err)
		}
	}
	_, doc := admin.get("/admin/audit?user=Nightly")
	if n := doc.Find(".app-audit__entry").Length(); n != 50 {
		t.Errorf("page 1 has %d entries, want 50", n)
	}
	if got := text(doc.Find(".app-audit-count")); !strings.HasPrefix(got, "60 entries") {
		t.Errorf("count = %q", got)
	}
	if doc.Find(`.ds_pagination a[rel="prev"]`).Length() != 0 {
		t.Error("the newest page links to newer entries")
	}
	next := doc.Find(`.ds_pagination a[rel="next"]`).AttrOr("href", "")
	if !strings.HasPrefix(next, "/admin/audit?before=") || !strings.Contains(next, "user=Nightly") {
		t.Fatalf("older entries = %q", next)
	}
	_, doc = admin.get(next)
	if n := doc.Find(".app-audit__entry").Length(); n != 10 {
		t.Errorf("page 2 has %d entries, want 10", n)
	}
	if doc.Find(`.ds_pagination a[rel="next"]`).Length() != 0 {
		t.Error("the oldest page links to older entries")
	}
	prev := doc.Find(`.ds_pagination a[rel="prev"]`).AttrOr("href", "")
	_, doc = admin.get(prev)
	if n := doc.Find(".app-audit__entry").Length(); n != 50 || doc.Find(`.ds_pagination a[rel="prev"]`).Length() != 0 {
		t.Errorf("back to the newest: %d entries, newer link %d", n, doc.Find(`.ds_pagination a[rel="prev"]`).Length())
	}
	// A cursor that is not one is ignored: the newest page.
	if rec, doc := admin.get("/admin/audit?user=Nightly&before=x"); rec.Code != http.StatusOK || doc.Find(".app-audit__entry").Length() != 50 {
		t.Errorf("a bad cursor: %d", rec.Code)
	}
}

func TestClientAddressBehindProxy(t *testing.T) {
	t.Parallel()
	app := newApp(t, withConfig(func(c *server.Config) {
		c.TrustedProxies = []netipPrefix{mustPrefix("10.0.0.0/8")}
	}))
	u, pw := createUser(t, app, tracker.RoleStaff, "")
	tests := []struct {
		name, remote, xff, want string
	}{
		{"direct", "192.0.2.1:1000", "203.0.113.9", "192.0.2.1"},
		{"through the proxy", "10.1.2.3:1000", "203.0.113.9", "203.0.113.9"},
		{"spoofed first hop", "10.1.2.3:1000", "198.51.100.66, 203.0.113.9", "203.0.113.9"},
		{"two proxies", "10.1.2.3:1000", "203.0.113.9, 10.9.9.9", "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := anonymous(t, app)
			req := c.request(http.MethodPost, "/sign-in", url.Values{"email": {u.Email}, "password": {pw}})
			req.RemoteAddr = tt.remote
			req.Header.Set("X-Forwarded-For", tt.xff)
			if rec := c.do(req); rec.Code != http.StatusSeeOther {
				t.Fatalf("sign in = %d", rec.Code)
			}
			var got string
			if err := app.Pool.QueryRow(t.Context(), `SELECT remote_addr FROM audit_log WHERE action = 'sign_in' ORDER BY id DESC LIMIT 1`).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("recorded address = %q, want %q", got, tt.want)
			}
		})
	}
}
