package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// xss is text that would run script if a page printed it unescaped, in an element, in an
// attribute or as a link.
const xss = `<script>alert("xss")</script><img src=x onerror=alert(1)>'"&amp;`

// xssURL is a link that would run script if a page linked to it.
const xssURL = `javascript:alert(1)//`

// withXSS fills every text the public pages show with xss, and every stored link with xssURL
// or, where the database insists on http, a link that breaks out of its attribute.
func withXSS(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	for _, q := range []string{
		`UPDATE plans SET title = title || $1, strategy = $1, licence = $1, attribution = $1, source_url = $2`,
		`UPDATE aims SET text = $1`,
		`UPDATE priorities SET name = name || $1, tagline = $1, heading = $1, intro = $1, source_url = $2`,
		`UPDATE commitments SET deliver = $1, why = ARRAY[$1, $1], status_reason = $1, source_url = $2`,
		`UPDATE commitment_leads SET line = $1`,
		`UPDATE organisations SET name = $1, as_written = ARRAY[$1]`,
		// Published updates never change: add one to every commitment.
		`INSERT INTO updates (commitment_id, state, status, status_label, narrative, timescale, status_reason,
			source_title, source_period, source_url, evidence_url, published_at)
		SELECT id, 'published', 'on_track', $1, $1 || E'\n\n' || $1, $1, $1, $1, $1, $2,
			'https://example.com/"><script>alert(1)</script>', now() FROM commitments`,
	} {
		args := []any{xss, xssURL}
		if !strings.Contains(q, "$2") {
			args = args[:1]
		}
		if _, err := pool.Exec(context.Background(), q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// checkEscaped fails the test if the page at path could run script from the data, or does not
// show the text at all (which would prove nothing).
func checkEscaped(t *testing.T, path, body string) {
	t.Helper()
	doc := checkNoScript(t, path, body)
	if !strings.Contains(doc.Text(), `<script>alert("xss")</script>`) {
		t.Errorf("%s does not show the text at all, so the test proves nothing", path)
	}
}

// checkNoScript fails the test if the page at path could run script from the data.
func checkNoScript(t *testing.T, path, body string) *goquery.Document {
	t.Helper()
	if strings.Contains(body, `<script>alert`) || strings.Contains(body, `<img src=x`) {
		t.Errorf("%s prints the payload unescaped", path)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("%s: parse HTML: %v", path, err)
	}
	if n := doc.Find("script:not([src]), img[src=x]").Length(); n > 0 {
		t.Errorf("%s has %d injected elements", path, n)
	}
	doc.Find("*").Each(func(_ int, e *goquery.Selection) {
		for _, a := range e.Nodes[0].Attr {
			v := strings.ToLower(strings.TrimSpace(a.Val))
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("%s has an event handler attribute %s=%q", path, a.Key, a.Val)
			}
			if (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(v, "javascript:") {
				t.Errorf("%s links to %q", path, a.Val)
			}
		}
	})
	return doc
}

// TestPublicPagesEscapeEverything puts script in every text and link the public pages show and
// checks that no page runs it.
func TestPublicPagesEscapeEverything(t *testing.T) {
	t.Parallel()
	pool := dbtest.Pool(t)
	withXSS(t, pool)
	h := server.New(server.Config{Store: postgres.New(pool, postgres.WithClock(nowFunc(fixedNow))), Now: nowFunc(fixedNow)})
	for _, path := range []string{
		"/", "/plans/2023-24", "/priorities/digital-skills-and-leadership", "/commitments/4.2", "/commitments/4.5",
		"/organisations/CSO",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d", path, rec.Code)
			continue
		}
		checkEscaped(t, path, rec.Body.String())
	}
}

// sqlPayloads are SQL metacharacters and injections, as a parameter might carry them.
var sqlPayloads = []string{
	`'`, `''`, `"`, `\`, `;`, `--`, `/*`, `%`, `_`, `' OR '1'='1`, `' OR 1=1 --`, `4.2' --`,
	`'; DROP TABLE commitments; --`, `1; SELECT pg_sleep(10)`, `$1`, `@plan`, `E'\x00'`, `' UNION SELECT version() --`,
}

// TestSQLMetacharactersAreInert sends SQL in every path and query parameter of the public pages:
// each is answered as a page that does not exist or an ordinary page, and the data is untouched.
func TestSQLMetacharactersAreInert(t *testing.T) {
	t.Parallel()
	pool := dbtest.Pool(t)
	h := server.New(server.Config{Store: postgres.New(pool, postgres.WithClock(nowFunc(fixedNow))), Now: nowFunc(fixedNow)})
	count := func() (n int) {
		t.Helper()
		if err := pool.QueryRow(context.Background(),
			`SELECT (SELECT count(*) FROM commitments) + (SELECT count(*) FROM organisations) + (SELECT count(*) FROM updates)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	for _, p := range sqlPayloads {
		e := url.PathEscape(p)
		q := url.QueryEscape(p)
		for _, path := range []string{
			"/commitments/" + e, "/priorities/" + e, "/organisations/" + e, "/plans/" + e,
			"/plans/" + e + "/commitments/4.2", "/plans/2023-24/priorities/" + e,
			"/?plan=" + q + "&q=" + q + "&status=" + q + "&page=" + q,
			"/priorities/digital-skills-and-leadership?organisation=" + q + "&sort=" + q,
		} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			switch rec.Code {
			case http.StatusOK, http.StatusNotFound, http.StatusBadRequest:
			default:
				t.Errorf("GET %s = %d, want 200, 400 or 404", path, rec.Code)
			}
		}
	}
	if after := count(); after != before {
		t.Errorf("rows changed from %d to %d", before, after)
	}
}

// TestAccountPagesEscapeEverything gives every account a name that is script and checks that the
// pages showing people, and the forms that give back what was typed, run none of it.
func TestAccountPagesEscapeEverything(t *testing.T) {
	t.Parallel()
	h := newServer(t, fixedNow)
	admin := signIn(t, h, tracker.RoleAdmin, "")
	partner, _ := createUser(t, h, tracker.RolePartner, "NES")
	if _, err := appOf(t, h).Pool.Exec(context.Background(), `UPDATE users SET name = $1`, xss); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/account", "/admin/users", fmt.Sprintf("/admin/users/%d", partner.ID), "/admin/audit"} {
		rec, _ := admin.get(path)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d", path, rec.Code)
			continue
		}
		checkEscaped(t, path, rec.Body.String())
	}

	// Forms that are refused show what was typed again, escaped, in the field.
	for _, f := range []struct {
		c     *client
		path  string
		form  url.Values
		field string
	}{
		{anonymous(t, h), "/sign-in", url.Values{"email": {xss}, "password": {"x"}}, "email"},
		{admin, "/admin/users", url.Values{"email": {"not an address"}, "name": {xss}, "role": {"staff"}}, "name"},
		{admin, "/admin/users", url.Values{"email": {xss}, "name": {"Ada"}, "role": {xss}, "organisation": {xss}}, "email"},
	} {
		rec := f.c.post(f.path, f.form)
		body := rec.Body.String()
		if rec.Code < 400 || rec.Code >= 500 {
			t.Errorf("POST %s with %s = %d, want the form refused", f.path, f.field, rec.Code)
			continue
		}
		if strings.Contains(body, `<script>alert`) || strings.Contains(body, `<img src=x`) {
			t.Errorf("POST %s gives %s back unescaped", f.path, f.field)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if doc.Find("script:not([src]), img[src=x]").Length() > 0 {
			t.Errorf("POST %s: injected elements in the page", f.path)
		}
		if got := doc.Find(`[name="`+f.field+`"]`).AttrOr("value", ""); got != strings.TrimSpace(xss) {
			t.Errorf("POST %s: field %s given back as %q, want what was typed", f.path, f.field, got)
		}
	}
}

// TestReportedTextIsEscaped sends script as every text of a report, through the forms, and
// follows it to every page that shows it: the review queue, the review page, the dashboard, the
// partner's own pages and, once published, the public commitment page.
func TestReportedTextIsEscaped(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	staff := signIn(t, app, tracker.RoleStaff, "")
	evidence := `https://example.com/"><script>alert(1)</script>?q='onmouseover=alert(1)`
	form := with(partner.openForm("4.2"), "action", "submit", "status", "delayed", "narrative", xss+"\n\n"+xss,
		"evidence_url", evidence, "due_month", "6", "due_year", "2027")
	mustRedirect(t, "submit", partner.post("/report/4.2", form), "/report")
	u := openUpdate(t, app, partner, "4.2")
	// The reviewer returns it with a note that is script too, and the partner reads it.
	mustRedirect(t, "return", staff.post(fmt.Sprintf("/review/%d", u.ID), with(staff.reviewForm(u.ID, "return"), "note", xss)), "/review")
	for _, path := range []string{"/report", "/report/4.2"} {
		rec, _ := partner.get(path)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, rec.Code)
		}
		if path == "/report" {
			checkNoScript(t, "partner's "+path, rec.Body.String())
		} else {
			checkEscaped(t, "partner's "+path, rec.Body.String())
		}
	}
	mustRedirect(t, "resubmit", partner.post("/report/4.2", with(partner.openForm("4.2"), "action", "submit")), "/report")
	u = openUpdate(t, app, partner, "4.2")
	for _, path := range []string{"/review", "/dashboard", fmt.Sprintf("/review/%d", u.ID)} {
		rec, _ := staff.get(path)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, rec.Code)
		}
		if strings.HasPrefix(path, "/review/") {
			checkEscaped(t, path, rec.Body.String())
		} else {
			checkNoScript(t, path, rec.Body.String())
		}
	}
	mustRedirect(t, "publish", staff.post(fmt.Sprintf("/review/%d", u.ID), staff.reviewForm(u.ID, "publish")), "/review")
	for _, c := range []*client{anonymous(t, app), staff} {
		rec, doc := c.get("/commitments/4.2")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /commitments/4.2 = %d", rec.Code)
		}
		checkEscaped(t, "/commitments/4.2", rec.Body.String())
		if got := doc.Find(`a[rel~="nofollow"]`).AttrOr("href", ""); !strings.HasPrefix(got, "https://example.com/") {
			t.Errorf("evidence link = %q", got)
		}
	}
}

// TestStaffPagesEscapeEverything puts script in every stored text and link and checks the pages
// staff and admins use to manage and review them.
func TestStaffPagesEscapeEverything(t *testing.T) {
	t.Parallel()
	app := newApp(t, withNow(fixedNow))
	admin := signIn(t, app, tracker.RoleAdmin, "")
	withXSS(t, app.Pool)
	var commitmentID, priorityID, orgID int64
	if err := app.Pool.QueryRow(t.Context(), `SELECT c.id, c.priority_id, (SELECT id FROM organisations WHERE code = 'CSO')
		FROM commitments c WHERE ref = '4.5'`).Scan(&commitmentID, &priorityID, &orgID); err != nil {
		t.Fatal(err)
	}
	shown := []string{
		"/admin/plans/2023-24", "/admin/organisations",
		fmt.Sprintf("/admin/commitments/%d", commitmentID), fmt.Sprintf("/admin/commitments/%d/change/leads", commitmentID), fmt.Sprintf("/admin/priorities/%d/edit", priorityID),
		fmt.Sprintf("/admin/organisations/%d/edit", orgID),
	}
	for _, path := range append(shown, "/admin/plans", "/dashboard", "/review", "/report/4.5", "/admin/audit") {
		rec, _ := admin.get(path)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d", path, rec.Code)
			continue
		}
		if slices.Contains(shown, path) {
			checkEscaped(t, path, rec.Body.String())
		} else {
			checkNoScript(t, path, rec.Body.String())
		}
	}
}
