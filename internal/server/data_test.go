package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// fetch serves a GET request with the headers given as name, value pairs.
func fetch(t *testing.T, h http.Handler, path string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// readCSV checks that body is CSV as Excel wants it, a byte order mark and CRLF line ends, and
// returns its header and rows, each row as a map from column to cell.
func readCSV(t *testing.T, body []byte) ([]string, []map[string]string) {
	t.Helper()
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		t.Fatalf("CSV does not begin with a UTF-8 byte order mark: %q", body[:min(len(body), 20)])
	}
	body = body[3:]
	if i := bytes.IndexByte(body, '\n'); i < 1 || body[i-1] != '\r' {
		t.Error("CSV lines do not end with CRLF")
	}
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	var rows []map[string]string
	for _, r := range records[1:] {
		row := map[string]string{}
		for i, col := range records[0] {
			row[col] = r[i]
		}
		rows = append(rows, row)
	}
	return records[0], rows
}

// dbCommitment is a commitment as the database holds it, read with SQL of the test's own.
type dbCommitment struct {
	ref, priorityName, deliver, status string
	priority                           int
	why, leads, codes                  []string
	due                                time.Time
	expected, lastPublished            *time.Time
}

func dbCommitments(t *testing.T, e *finderEnv) map[string]dbCommitment {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `
		SELECT c.ref, p.number, p.name, c.deliver, c.why, c.due_month, c.expected_month, coalesce(c.status, ''),
		       c.last_published_at,
		       ARRAY(SELECT l.line FROM commitment_leads l WHERE l.commitment_id = c.id ORDER BY l.position),
		       ARRAY(SELECT o.code FROM commitment_leads l
		             JOIN commitment_lead_organisations clo ON clo.lead_id = l.id
		             JOIN organisations o ON o.id = clo.organisation_id
		             WHERE l.commitment_id = c.id ORDER BY l.position, clo.position)
		FROM commitments c JOIN priorities p ON p.id = c.priority_id JOIN plans pl ON pl.id = c.plan_id
		WHERE pl.is_current AND c.retired_at IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]dbCommitment{}
	for rows.Next() {
		var c dbCommitment
		if err := rows.Scan(&c.ref, &c.priority, &c.priorityName, &c.deliver, &c.why, &c.due, &c.expected, &c.status,
			&c.lastPublished, &c.leads, &c.codes); err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, code := range c.codes {
			if !slices.Contains(codes, code) {
				codes = append(codes, code)
			}
		}
		c.codes = codes
		out[c.ref] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func ym(t time.Time) string { return t.Format("2006-01") }

func TestCommitmentsCSV(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 50)
	rec := fetch(t, e.h, "/commitments.csv")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /commitments.csv = %d", rec.Code)
	}
	if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, "text/csv; charset=utf-8") {
		t.Errorf("Content-Type = %q", got)
	}
	if got := rec.Header().Get("Content-Disposition"); got != `attachment; filename="commitments-2023-24.csv"` {
		t.Errorf("Content-Disposition = %q", got)
	}
	header, rows := readCSV(t, rec.Body.Bytes())
	var names []string
	for _, f := range web.CommitmentFields {
		names = append(names, f.Name)
	}
	if !slices.Equal(header, names) {
		t.Errorf("CSV columns = %q,\nwant the documented fields %q", header, names)
	}
	db := dbCommitments(t, e)
	if len(rows) != len(db) {
		t.Fatalf("CSV has %d rows, the database %d commitments", len(rows), len(db))
	}
	var refs []string
	for _, row := range rows {
		refs = append(refs, row["ref"])
		c, ok := db[row["ref"]]
		if !ok {
			t.Errorf("CSV has %s, which the database does not", row["ref"])
			continue
		}
		status, expected, last := "", "", ""
		if c.status != "" {
			status = c.status
		}
		if c.expected != nil {
			expected = ym(*c.expected)
		}
		if c.lastPublished != nil {
			last = c.lastPublished.UTC().Format(time.RFC3339)
		}
		due := tracker.MonthOf(c.due)
		by := due
		if c.expected != nil {
			by = tracker.MonthOf(*c.expected)
		}
		want := map[string]string{
			"ref": c.ref, "priority": strconv.Itoa(c.priority), "priority_name": c.priorityName, "what": c.deliver,
			"why": strings.Join(c.why, "\n"), "lead_lines": strings.Join(c.leads, "\n"),
			"lead_organisations": strings.Join(c.codes, ";"), "due_month": ym(c.due), "expected_month": expected,
			"status": status, "status_label": tracker.Status(c.status).Label(),
			"overdue":           strconv.FormatBool(tracker.IsOverdue(tracker.Status(c.status), by, fixedNow)),
			"last_published_at": last, "url": "https://tracker.example.gov.scot/commitments/" + c.ref,
		}
		for col, w := range want {
			if row[col] != w {
				t.Errorf("%s %s = %q, want %q", c.ref, col, row[col], w)
			}
		}
	}
	if !slices.IsSortedFunc(refs, compareRefs) {
		t.Errorf("CSV rows are not in ref order: %q", refs)
	}
}

func TestCommitmentsJSON(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 50)
	rec := fetch(t, e.h, "/commitments.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /commitments.json = %d", rec.Code)
	}
	if got := rec.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := rec.Header().Get("Content-Disposition"); !strings.Contains(got, `filename="commitments-2023-24.json"`) {
		t.Errorf("Content-Disposition = %q", got)
	}
	var doc struct {
		Plan        map[string]string
		Licence     map[string]string
		Commitments []map[string]any
		Count       int
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("parse JSON: %v", err)
	}
	if doc.Licence["name"] != "Open Government Licence v3.0" || doc.Plan["slug"] != "2023-24" {
		t.Errorf("plan %v, licence %v", doc.Plan, doc.Licence)
	}
	db := dbCommitments(t, e)
	if doc.Count != len(db) || len(doc.Commitments) != len(db) {
		t.Fatalf("JSON has %d commitments (count %d), the database %d", len(doc.Commitments), doc.Count, len(db))
	}
	documented := map[string]bool{}
	for _, f := range web.CommitmentFields {
		documented[f.Name] = true
	}
	strs := func(v any) []string {
		var out []string
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		return out
	}
	for _, j := range doc.Commitments {
		for k := range j {
			if !documented[k] {
				t.Errorf("field %q is not documented on the data page", k)
			}
		}
		if len(j) != len(documented) {
			t.Errorf("%v has %d fields, %d are documented", j["ref"], len(j), len(documented))
		}
		c := db[j["ref"].(string)]
		if j["what"] != c.deliver || int(j["priority"].(float64)) != c.priority || j["due_month"] != ym(c.due) ||
			!slices.Equal(strs(j["why"]), c.why) || !slices.Equal(strs(j["lead_lines"]), c.leads) ||
			!slices.Equal(strs(j["lead_organisations"]), c.codes) {
			t.Errorf("%s = %v, database %+v", c.ref, j, c)
		}
		switch {
		case c.status == "" && j["status"] != nil, c.status != "" && j["status"] != c.status:
			t.Errorf("%s status = %v, want %q", c.ref, j["status"], c.status)
		case c.expected == nil && j["expected_month"] != nil, c.expected != nil && j["expected_month"] != ym(*c.expected):
			t.Errorf("%s expected_month = %v, want %v", c.ref, j["expected_month"], c.expected)
		case c.lastPublished == nil && j["last_published_at"] != nil,
			c.lastPublished != nil && j["last_published_at"] != c.lastPublished.UTC().Format(time.RFC3339):
			t.Errorf("%s last_published_at = %v, want %v", c.ref, j["last_published_at"], c.lastPublished)
		}
	}
}

// TestExportsHonourFilters checks that the exports hold exactly what the finder lists.
func TestExportsHonourFilters(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 120)
	for _, query := range []string{"status=on_track&status=none&sort=due", "q=telecare&overdue=yes", "org=NES&update_due=yes&sort=updated", "due=2025-26-q4&priority=4"} {
		t.Run(query, func(t *testing.T) {
			listed, _ := walk(t, e.h, "/commitments?"+query)
			if len(listed) == 0 {
				t.Fatal("the finder lists nothing: the case tests nothing")
			}
			if strings.Contains(query, "q=") {
				slices.SortFunc(listed, compareRefs)
			}
			_, rows := readCSV(t, fetch(t, e.h, "/commitments.csv?"+query).Body.Bytes())
			var csvRefs []string
			for _, r := range rows {
				csvRefs = append(csvRefs, r["ref"])
			}
			var doc struct{ Commitments []struct{ Ref string } }
			if err := json.Unmarshal(fetch(t, e.h, "/commitments.json?"+query).Body.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			var jsonRefs []string
			for _, c := range doc.Commitments {
				jsonRefs = append(jsonRefs, c.Ref)
			}
			if strings.Contains(query, "q=") {
				slices.SortFunc(csvRefs, compareRefs)
				slices.SortFunc(jsonRefs, compareRefs)
			}
			if !slices.Equal(csvRefs, listed) || !slices.Equal(jsonRefs, listed) {
				t.Errorf("finder lists %q\nCSV has %q\nJSON has %q", listed, csvRefs, jsonRefs)
			}
		})
	}
	rec := fetch(t, e.h, "/commitments.csv?status=bogus&due=soon")
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Choose statuses from the list") ||
		!strings.Contains(rec.Body.String(), "Choose a financial year") {
		t.Errorf("bad filters: %d %q", rec.Code, rec.Body.String())
	}
}

func TestUpdatesExports(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 30)
	ctx := context.Background()
	// Work in progress that the public must never see.
	if _, err := e.pool.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, review_note)
		SELECT id, s, 'at_risk', 'Unpublished ' || s, 'A private review note' FROM commitments,
		unnest(ARRAY['draft', 'submitted', 'returned']) AS s WHERE ref IN ('4.1', '4.4')`); err != nil {
		t.Fatal(err)
	}
	type dbUpdate struct {
		ref, status, narrative, period string
		published                      *time.Time
	}
	want := map[int64]dbUpdate{}
	rows, err := e.pool.Query(ctx, `SELECT u.id, c.ref, u.status, coalesce(u.narrative, ''), coalesce(u.source_period, ''), u.published_at
		FROM updates u JOIN commitments c ON c.id = u.commitment_id WHERE u.state = 'published'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var u dbUpdate
		if err := rows.Scan(&id, &u.ref, &u.status, &u.narrative, &u.period, &u.published); err != nil {
			t.Fatal(err)
		}
		want[id] = u
	}
	rows.Close()

	rec := fetch(t, e.h, "/updates.csv")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Disposition") != `attachment; filename="updates-2023-24.csv"` {
		t.Fatalf("GET /updates.csv = %d, %v", rec.Code, rec.Header())
	}
	if strings.Contains(rec.Body.String(), "Unpublished") || strings.Contains(rec.Body.String(), "review note") {
		t.Fatal("the updates CSV shows work that is not published")
	}
	header, csvRows := readCSV(t, rec.Body.Bytes())
	var names []string
	for _, f := range web.UpdateFields {
		names = append(names, f.Name)
	}
	if !slices.Equal(header, names) {
		t.Errorf("columns = %q, want the documented %q", header, names)
	}
	if len(csvRows) != len(want) {
		t.Errorf("CSV has %d updates, the database %d published", len(csvRows), len(want))
	}
	for _, r := range csvRows {
		id, _ := strconv.ParseInt(r["id"], 10, 64)
		u, ok := want[id]
		if !ok {
			t.Errorf("CSV has update %s, which is not published", r["id"])
			continue
		}
		published := ""
		if u.published != nil {
			published = u.published.UTC().Format(time.RFC3339)
		}
		if r["commitment_ref"] != u.ref || r["status"] != u.status || r["narrative"] != u.narrative ||
			r["source_period"] != u.period || r["published_at"] != published {
			t.Errorf("update %d: CSV %v, database %+v", id, r, u)
		}
	}

	rec = fetch(t, e.h, "/updates.json")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("GET /updates.json = %d, %v", rec.Code, rec.Header())
	}
	var doc struct {
		Updates []map[string]any
		Count   int
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Count != len(want) || len(doc.Updates) != len(want) {
		t.Errorf("JSON has %d updates (count %d), the database %d published", len(doc.Updates), doc.Count, len(want))
	}
	documented := map[string]bool{}
	for _, f := range web.UpdateFields {
		documented[f.Name] = true
	}
	for _, u := range doc.Updates {
		for k := range u {
			if !documented[k] {
				t.Errorf("update field %q is not documented", k)
			}
		}
		d := want[int64(u["id"].(float64))]
		if u["narrative"] != d.narrative || u["commitment_ref"] != d.ref {
			t.Errorf("JSON %v, database %+v", u, d)
		}
	}
}

func TestExportsConditionalGET(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 0)
	for _, path := range []string{"/commitments.csv", "/commitments.json?status=on_track", "/commitments.csv?update_due=yes", "/updates.csv", "/updates.json", "/updates.atom", "/commitments/4.1/updates.atom"} {
		t.Run(path, func(t *testing.T) {
			first := fetch(t, e.h, path)
			tag, modified := first.Header().Get("ETag"), first.Header().Get("Last-Modified")
			if first.Code != http.StatusOK || tag == "" || modified == "" {
				t.Fatalf("GET %s = %d, ETag %q, Last-Modified %q", path, first.Code, tag, modified)
			}
			if lm, err := http.ParseTime(modified); err != nil || lm.After(fixedNow) {
				t.Errorf("Last-Modified %q is not a date before now", modified)
			}
			if rec := fetch(t, e.h, path, "If-None-Match", tag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
				t.Errorf("If-None-Match the same tag: %d with %d bytes, want 304 and none", rec.Code, rec.Body.Len())
			}
			if rec := fetch(t, e.h, path, "If-None-Match", `"other", W/`+tag); rec.Code != http.StatusNotModified {
				t.Errorf("If-None-Match a list holding the weak tag: %d, want 304", rec.Code)
			}
			if rec := fetch(t, e.h, path, "If-Modified-Since", modified); rec.Code != http.StatusNotModified {
				t.Errorf("If-Modified-Since Last-Modified: %d, want 304", rec.Code)
			}
			if rec := fetch(t, e.h, path, "If-None-Match", `"other"`, "If-Modified-Since", modified); rec.Code != http.StatusOK {
				t.Errorf("If-None-Match another tag: %d, want 200 (If-None-Match decides)", rec.Code)
			}
			earlier := fixedNow.AddDate(-5, 0, 0).Format(http.TimeFormat)
			if rec := fetch(t, e.h, path, "If-Modified-Since", earlier); rec.Code != http.StatusOK {
				t.Errorf("If-Modified-Since long ago: %d, want 200", rec.Code)
			}
		})
	}

	// Publishing an update changes every representation.
	before := map[string]string{}
	paths := []string{"/commitments.csv", "/updates.json", "/updates.atom", "/priorities/digital-skills-and-leadership/updates.atom"}
	for _, p := range paths {
		before[p] = fetch(t, e.h, p).Header().Get("ETag")
	}
	if _, err := e.pool.Exec(context.Background(), `
		WITH u AS (INSERT INTO updates (commitment_id, state, status, narrative, published_at)
		           SELECT id, 'published', 'at_risk', 'Staff shortages', now() FROM commitments WHERE ref = '4.1'
		           RETURNING commitment_id, published_at)
		UPDATE commitments c SET status = 'at_risk', last_published_at = u.published_at, version = version + 1
		FROM u WHERE c.id = u.commitment_id`); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		rec := fetch(t, e.h, p, "If-None-Match", before[p])
		if rec.Code != http.StatusOK || rec.Header().Get("ETag") == before[p] {
			t.Errorf("after publishing, GET %s with the old tag = %d, tag %q", p, rec.Code, rec.Header().Get("ETag"))
		}
	}

	// Whether a commitment is overdue changes as months pass: so does the tag.
	tag := fetch(t, e.h, "/commitments.csv").Header().Get("ETag")
	monthOn := nowFunc(fixedNow.AddDate(0, 1, 0))
	later := server.New(server.Config{Store: postgres.New(e.pool, postgres.WithClock(monthOn)), Now: monthOn})
	if rec := fetch(t, later, "/commitments.csv", "If-None-Match", tag); rec.Code != http.StatusOK {
		t.Errorf("a month later, the old tag still matches: %d", rec.Code)
	}
}
