package server_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// finderTotal returns how many commitments the finder page says it found, checking that the
// page lists them (all of them when they fit on one page).
func finderTotal(t *testing.T, path string, doc *goquery.Document) int {
	t.Helper()
	heading := text(doc.Find("#results"))
	if heading == "No commitments found" {
		return 0
	}
	m := regexp.MustCompile(`(\d+) commitments?$`).FindStringSubmatch(heading)
	if m == nil {
		t.Fatalf("%s: results heading %q gives no count", path, heading)
	}
	n, _ := strconv.Atoi(m[1])
	if listed := doc.Find(".ds_search-result").Length(); listed != min(n, 25) {
		t.Errorf("%s: says %d found and lists %d", path, n, listed)
	}
	return n
}

// checkCountLinks follows every count link on the page at path (a[data-count]) and checks that
// the list it leads to has as many commitments as the link says. It returns the links' paths.
func checkCountLinks(t *testing.T, h http.Handler, path string) []string {
	t.Helper()
	rec, doc := get(t, h, path)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", path, rec.Code)
	}
	var hrefs []string
	doc.Find("main a[data-count]").Each(func(_ int, a *goquery.Selection) {
		want, err := strconv.Atoi(a.AttrOr("data-count", ""))
		if err != nil || want <= 0 {
			t.Errorf("%s: count link %q has data-count %q", path, text(a), a.AttrOr("data-count", ""))
			return
		}
		// The number a person reads is the number the link stands for.
		if shown := strings.Fields(text(a))[0]; shown != strconv.Itoa(want) {
			t.Errorf("%s: link %q shows %s, stands for %d", path, text(a), shown, want)
		}
		href := a.AttrOr("href", "")
		hrefs = append(hrefs, href)
		rec, list := get(t, h, href)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: count link %q to %s = %d", path, text(a), href, rec.Code)
			return
		}
		if got := finderTotal(t, href, list); got != want {
			t.Errorf("%s: link %q says %d, %s lists %d", path, text(a), want, href, got)
		}
	})
	return hrefs
}

// TestCountLinksGiveTheirCounts follows every figure and count on the overview and on each
// priority area's page, for the current plan and for an older one, and checks that the list
// each leads to has as many commitments as it says.
func TestCountLinksGiveTheirCounts(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 60)

	hrefs := checkCountLinks(t, e.h, "/")
	// Every kind of figure links: the headline figures, each priority area's count, overdue and
	// statuses, and the cells of both charts' tables.
	for _, want := range []string{"/commitments", "/commitments?status=delivered", "/commitments?overdue=no&status=at_risk&status=delayed",
		"/commitments?overdue=yes", "/commitments?overdue=no&status=none", "/commitments?priority=4", "/commitments?overdue=yes&priority=4",
		"/commitments?priority=4&status=on_track", "/commitments?priority=1&status=withdrawn", "/commitments?due=2025-26"} {
		if !slices.Contains(hrefs, want) {
			t.Errorf("the overview has no count linking to %s (links: %q)", want, hrefs)
		}
	}
	if len(hrefs) < 60 {
		t.Errorf("the overview has %d count links; want every figure and count", len(hrefs))
	}
	_, doc := get(t, e.h, "/")
	if n := doc.Find(".app-figure").Length(); n != doc.Find(".app-figure a[data-count]").Length() {
		t.Errorf("%d headline figures, %d of them links: every figure above none should link", n, doc.Find(".app-figure a[data-count]").Length())
	}

	var priorities []string
	doc.Find(".app-priority__title a").Each(func(_ int, a *goquery.Selection) { priorities = append(priorities, a.AttrOr("href", "")) })
	if len(priorities) != 6 {
		t.Fatalf("overview links to %d priority areas, want 6", len(priorities))
	}
	for _, p := range priorities {
		hrefs := checkCountLinks(t, e.h, p)
		if len(hrefs) == 0 {
			t.Errorf("%s has no count links", p)
		}
		for _, h := range hrefs {
			if !strings.Contains(h, "priority=") || !strings.Contains(h, "due=") {
				t.Errorf("%s: count link %s is not narrowed to the priority area and a quarter", p, h)
			}
		}
	}

	// An older plan's counts lead to its own lists.
	newCurrentPlan(t, e.pool)
	hrefs = checkCountLinks(t, e.h, "/plans/2023-24")
	if len(hrefs) < 60 {
		t.Errorf("the older plan's overview has %d count links", len(hrefs))
	}
	for _, h := range hrefs {
		if !strings.HasPrefix(h, "/plans/2023-24/commitments") {
			t.Errorf("the older plan's count links to %s, not its own list", h)
		}
	}
	checkCountLinks(t, e.h, "/plans/2023-24/priorities/digital-skills-and-leadership")
}

// newCurrentPlan makes a new plan, 2024-25, the current one, so that 2023-24 is an older plan.
func newCurrentPlan(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	tx, err := pool.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	for _, q := range []string{`UPDATE plans SET is_current = false`,
		`INSERT INTO plans (slug, title, period, strategy, licence, attribution, is_current)
		 VALUES ('2024-25', 'Care in the Digital Age: Delivery Plan 2024-25', '2024-25', '', 'Open Government Licence v3.0', '', true)`} {
		if _, err := tx.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// crumbs returns the page's breadcrumbs, each as "text" for the current page or "text=href".
func crumbs(doc *goquery.Document) []string {
	var out []string
	doc.Find(`nav[aria-label="Breadcrumb"] li.ds_breadcrumbs__item`).Each(func(_ int, li *goquery.Selection) {
		if a := li.Find("a"); a.Length() > 0 {
			out = append(out, text(a)+"="+a.AttrOr("href", ""))
		} else {
			out = append(out, text(li))
		}
	})
	return out
}

// TestPublicBreadcrumbs checks the breadcrumbs of every kind of public page below the top, of the
// current plan and an older one, and that every breadcrumb leads to a page.
func TestPublicBreadcrumbs(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	const home = "Home=/"
	const skills = "4. Digital Skills and Leadership"
	const older = "Care in the Digital Age: Delivery Plan 2023-24=/plans/2023-24"
	current := []struct {
		path string
		want []string
	}{
		{"/", nil},
		{"/priorities/digital-skills-and-leadership", []string{home, skills}},
		{"/commitments/4.2", []string{home, skills + "=/priorities/digital-skills-and-leadership", "Commitment 4.2"}},
		{"/organisations/NES", []string{home, "NHS Education for Scotland"}},
		{"/commitments", []string{home, "Commitments"}},
		{"/commitments?q=pathways&status=delivered", []string{home, "Commitments"}},
		{"/data", []string{home, "Open data"}},
		{"/about/statuses", []string{home, "What the statuses mean"}},
		{"/get-updates", []string{home, "Get updates"}},
		{"/priorities/digital-skills-and-leadership/get-updates", []string{home, skills + "=/priorities/digital-skills-and-leadership", "Get updates"}},
		{"/commitments/4.2/get-updates", []string{home, skills + "=/priorities/digital-skills-and-leadership", "Commitment 4.2=/commitments/4.2", "Get updates"}},
		{"/organisations/NES/get-updates", []string{home, "NHS Education for Scotland=/organisations/NES", "Get updates"}},
	}
	later := []struct {
		path string
		want []string
	}{
		{"/plans/2023-24", []string{home, "Care in the Digital Age: Delivery Plan 2023-24"}},
		{"/plans/2023-24/priorities/digital-skills-and-leadership", []string{home, older, skills}},
		{"/plans/2023-24/commitments/4.2", []string{home, older, skills + "=/plans/2023-24/priorities/digital-skills-and-leadership", "Commitment 4.2"}},
		{"/plans/2023-24/commitments", []string{home, older, "Commitments"}},
		{"/plans/2023-24/commitments/4.2/get-updates", []string{home, older, skills + "=/plans/2023-24/priorities/digital-skills-and-leadership",
			"Commitment 4.2=/plans/2023-24/commitments/4.2", "Get updates"}},
	}
	check := func(path string, want []string) {
		t.Helper()
		rec, doc := get(t, app, path)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, rec.Code)
		}
		if got := crumbs(doc); !slices.Equal(got, want) {
			t.Errorf("%s breadcrumbs = %q, want %q", path, got, want)
		}
		if want != nil && doc.Find(`nav[aria-label="Breadcrumb"] li[aria-current="page"]`).Length() != 1 {
			t.Errorf("%s: the last breadcrumb is not marked as the current page", path)
		}
		doc.Find(`nav[aria-label="Breadcrumb"] a`).Each(func(_ int, a *goquery.Selection) {
			if rec, _ := get(t, app, a.AttrOr("href", "")); rec.Code != http.StatusOK {
				t.Errorf("%s: breadcrumb %q leads to %d", path, text(a), rec.Code)
			}
		})
	}
	for _, tt := range current {
		check(tt.path, tt.want)
	}
	newCurrentPlan(t, app.Pool)
	for _, tt := range later {
		check(tt.path, tt.want)
	}
}

// TestLeadOrganisationsSpelledOut checks that wherever public pages name a lead organisation by
// its abbreviation, they spell it out first, and that names printed in full stay as printed.
func TestLeadOrganisationsSpelledOut(t *testing.T) {
	t.Parallel()
	h := newServer(t, fixedNow)
	bareNES := regexp.MustCompile(`(^|[^(])NES\b`)
	for _, tt := range []struct{ path, sel string }{
		{"/commitments/4.1", ".app-lead"},
		{"/priorities/digital-skills-and-leadership", ".app-commitment"},
		{"/organisations/NES", ".app-commitment"},
		{"/commitments?org=NES", ".ds_search-result"},
	} {
		_, doc := get(t, h, tt.path)
		got := text(doc.Find(tt.sel))
		if !strings.Contains(got, "NHS Education for Scotland (NES)") {
			t.Errorf("%s does not spell out NES: %q", tt.path, got)
		}
		if bareNES.MatchString(got) {
			t.Errorf("%s names NES without spelling it out: %q", tt.path, got)
		}
	}
	_, doc := get(t, h, "/commitments/4.5")
	lines := texts(doc.Find(".app-lead"))
	for _, want := range []string{"Scottish Government Digital Health and Care Directorate and Chief Scientist Office (CSO)",
		"Local Government Digital Office (LGDO) and others, depending on the nature of the challenges."} {
		if !slices.Contains(lines, want) {
			t.Errorf("4.5 lead lines %q lack %q", lines, want)
		}
	}
	if href := doc.Find(`.app-lead a:contains("Local Government Digital Office (LGDO)")`).AttrOr("href", ""); href != "/organisations/LGDO" {
		t.Errorf("the spelled-out LGDO links to %q", href)
	}
}

// lastUpdated returns what a commitment's page says under "Last updated".
func lastUpdated(t *testing.T, c *client, ref string) string {
	t.Helper()
	_, doc := c.get("/commitments/" + ref)
	return text(doc.Find(".app-last-updated dd"))
}

// TestLastUpdated checks what commitments and the overview say about when they last changed:
// the plan that last reported progress, or the plan's publication, until progress is published
// or a commitment amended through the portal, and then that day.
func TestLastUpdated(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	anon := anonymous(t, app)
	overviewChanged := func() string {
		_, doc := anon.get("/")
		return text(doc.Find(".app-data-changed dd"))
	}
	if got := lastUpdated(t, anon, "4.2"); got != "Reported in the Delivery Plan 2025-26" {
		t.Errorf("4.2 last updated = %q", got)
	}
	if got := lastUpdated(t, anon, "4.3"); got != "Reported in the Delivery Plan 2024-25" {
		t.Errorf("4.3 last updated = %q", got)
	}
	if got := lastUpdated(t, anon, "4.4"); got != "4 August 2023, when the plan was published" {
		t.Errorf("4.4 last updated = %q", got)
	}
	if got := overviewChanged(); got != "Reported in the Delivery Plan 2025-26" {
		t.Errorf("overview data last changed = %q", got)
	}

	// Progress published through the portal.
	staff := signIn(t, app, tracker.RoleStaff, "")
	mustRedirect(t, "publish on 4.4", staff.post("/report/4.4", with(staff.openForm("4.4"),
		"action", "publish", "status", "at_risk", "narrative", "Waiting for a supplier.")), "/commitments/4.4")
	if got := lastUpdated(t, anon, "4.4"); got != "23 November 2026" {
		t.Errorf("4.4 after publishing = %q, want 23 November 2026", got)
	}
	if got := lastUpdated(t, anon, "4.2"); got != "Reported in the Delivery Plan 2025-26" {
		t.Errorf("4.2 after another commitment's update = %q", got)
	}
	if got := overviewChanged(); got != "23 November 2026" {
		t.Errorf("overview after publishing = %q, want 23 November 2026", got)
	}

	// A commitment amended by staff, two days later.
	app.clock.Advance(48 * time.Hour)
	staff = signIn(t, app, tracker.RoleStaff, "")
	path := "/admin/commitments/" + strconv.FormatInt(commitmentID(t, app, "2023-24", "4.2"), 10) + "/change/what"
	rec, doc := staff.get(path)
	mustStatus(t, "GET "+path, rec, http.StatusOK)
	f := formOf(t, doc, "main form")
	f.Set("deliver", f.Get("deliver")+" (amended)")
	f.Set("change_note", "added a word")
	mustStatus(t, "amend 4.2", staff.post(path, f), http.StatusSeeOther)
	if got := lastUpdated(t, anon, "4.2"); got != "25 November 2026" {
		t.Errorf("4.2 after amending = %q, want 25 November 2026", got)
	}
	if got := overviewChanged(); got != "25 November 2026" {
		t.Errorf("overview after amending = %q, want 25 November 2026", got)
	}
	_, doc = anon.get("/commitments/4.2")
	if dt := doc.Find(".app-last-updated time").AttrOr("datetime", ""); dt != "2026-11-25" {
		t.Errorf("4.2 last updated datetime = %q", dt)
	}
}

// TestStatusesExplained checks the page that explains the statuses, and that every public page
// showing status tags links to it in words that make sense on their own.
func TestStatusesExplained(t *testing.T) {
	t.Parallel()
	h := newServer(t, fixedNow)
	rec, doc := get(t, h, "/about/statuses")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /about/statuses = %d", rec.Code)
	}
	checkPage(t, "/about/statuses", doc, "What the statuses mean")
	explained := map[string]string{}
	doc.Find("main .ds_summary-list__item").Each(func(_ int, item *goquery.Selection) {
		explained[text(item.Find(".ds_tag"))] = text(item.Find("dd"))
	})
	for _, s := range append([]tracker.Status{tracker.NoUpdate}, tracker.Statuses...) {
		if explained[s.Label()] != s.Meaning() || s.Meaning() == "" {
			t.Errorf("%s is explained as %q, want %q", s.Label(), explained[s.Label()], s.Meaning())
		}
	}
	if explained["Overdue"] != tracker.OverdueMeaning || explained["Update due"] != tracker.UpdateDueMeaning {
		t.Errorf("overdue and update due are explained as %q and %q", explained["Overdue"], explained["Update due"])
	}

	for _, path := range []string{"/", "/priorities/digital-skills-and-leadership", "/commitments/4.2", "/commitments/4.4",
		"/organisations/NES", "/commitments", "/commitments?status=delivered&sort=due"} {
		_, doc := get(t, h, path)
		if doc.Find("main .ds_tag").Length() == 0 {
			t.Errorf("%s shows no status tags", path)
			continue
		}
		link := doc.Find(`main a[href="/about/statuses"]`)
		if link.Length() == 0 {
			t.Errorf("%s shows status tags and no link to what they mean", path)
		}
		link.Each(func(_ int, a *goquery.Selection) {
			if got := text(a); got != "What the statuses mean" {
				t.Errorf("%s: link to the statuses reads %q", path, got)
			}
		})
	}
}

// TestProgressFromPublishedPlans checks how progress taken from the published plans reads: the
// plan named as where it was reported, and the plan's own words only where they say more than
// the status.
func TestProgressFromPublishedPlans(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	anon := anonymous(t, app)
	item := func(ref string, i int) *goquery.Selection {
		t.Helper()
		_, doc := anon.get("/commitments/" + ref)
		return doc.Find(".app-timeline__item").Eq(i)
	}
	for _, tt := range []struct {
		ref      string
		i        int
		heading  string
		ownWords string
	}{
		{"4.2", 0, "Reported in the Delivery Plan 2025-26", "The plan said: “Completed”"},
		{"4.2", 1, "Reported in the Delivery Plan 2024-25", ""},
		{"5.1", 0, "Reported in the Delivery Plan 2025-26", "The plan said: “Completed; Ongoing”"},
		{"4.1", 0, "Reported in the Delivery Plan 2025-26", ""},
	} {
		it := item(tt.ref, tt.i)
		all := text(it)
		if got := text(it.Find("h3")); got != tt.heading {
			t.Errorf("%s update %d heading = %q, want %q", tt.ref, tt.i, got, tt.heading)
		}
		if got := text(it.Find(".app-reported-status")); got != tt.ownWords {
			t.Errorf("%s update %d own words = %q, want %q", tt.ref, tt.i, got, tt.ownWords)
		}
		for _, jargon := range []string{"Reported by", "reported as", "Care in the Digital Age: Delivery Plan 2025-26 Status"} {
			if strings.Contains(all, jargon) {
				t.Errorf("%s update %d says %q: %q", tt.ref, tt.i, jargon, all)
			}
		}
	}

	// Progress published through the portal names who reported it.
	nes := signIn(t, app, tracker.RolePartner, "NES")
	staff := signIn(t, app, tracker.RoleStaff, "")
	mustRedirect(t, "NES submits", nes.post("/report/4.3", with(nes.openForm("4.3"),
		"action", "submit", "status", "on_track", "narrative", "Framework drafted.")), "/report")
	u := openUpdate(t, app, nes, "4.3")
	mustRedirect(t, "staff publish", staff.post("/review/"+strconv.FormatInt(u.ID, 10), staff.reviewForm(u.ID, "publish")), "/review")
	it := item("4.3", 0)
	if got := text(it.Find("h3")); got != "23 November 2026" {
		t.Errorf("published update heading = %q", got)
	}
	if !strings.Contains(text(it), "Reported by NHS Education for Scotland") || it.Find(".app-reported-status").Length() != 0 {
		t.Errorf("published update = %q", text(it))
	}
}

// TestPriorityAreaNotEntered checks that a priority area with no commitments says they have not
// been entered and links to where the published plan gives them.
func TestPriorityAreaNotEntered(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	anon := anonymous(t, app)
	const planURL = "https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/"
	_, doc := anon.get("/priorities/digital-access")
	note := doc.Find("main .app-not-entered")
	if !strings.HasPrefix(text(note), "The commitments for this priority area have not been entered in the tracker yet.") {
		t.Errorf("empty priority area says %q", text(note))
	}
	if a := note.Find("a"); text(a) != "Read them in the published plan" || a.AttrOr("href", "") != planURL {
		t.Errorf("empty priority area links %q to %q, want the published plan", text(a), a.AttrOr("href", ""))
	}
	if strings.Contains(text(doc.Find("main")), "No commitments") {
		t.Error("the empty priority area still says only that it has no commitments")
	}
	_, doc = anon.get("/")
	if got := text(doc.Find(".app-priority__count").First()); got != "Commitments not yet entered in the tracker" {
		t.Errorf("overview count of an empty priority area = %q", got)
	}

	// Where the priority area has a page of its own in the plan, the link goes there.
	const page = "https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/pages/3/"
	if _, err := app.Pool.Exec(context.Background(), `UPDATE priorities SET source_url = $1, version = version + 1 WHERE slug = 'digital-access'`, page); err != nil {
		t.Fatal(err)
	}
	_, doc = anon.get("/priorities/digital-access")
	if href := doc.Find("main .app-not-entered a").AttrOr("href", ""); href != page {
		t.Errorf("empty priority area with a page links to %q, want %q", href, page)
	}
	// A priority area with commitments says nothing of the kind.
	_, doc = anon.get("/priorities/digital-futures")
	if doc.Find(".app-not-entered").Length() != 0 {
		t.Error("a priority area with commitments says they have not been entered")
	}
}
