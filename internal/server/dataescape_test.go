package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/web"
)

func TestCSVNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 0)
	ctx := context.Background()
	if _, err := e.pool.Exec(ctx, `UPDATE commitments SET deliver = '=HYPERLINK("http://evil.example","click")',
		why = ARRAY['+44 123', '-1+1', '@SUM(A1)'] WHERE ref = '4.4'`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `INSERT INTO commitment_leads (commitment_id, position, line)
		SELECT id, 1, E'\tTabbed lead' FROM commitments WHERE ref = '4.4'`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, published_at)
		SELECT id, 'published', 'on_track', '=1+2', now() FROM commitments WHERE ref = '4.4'`); err != nil {
		t.Fatal(err)
	}
	_, rows := readCSV(t, fetch(t, e.h, "/commitments.csv?q=4.4").Body.Bytes())
	if len(rows) != 1 {
		t.Fatalf("%d rows for 4.4", len(rows))
	}
	for col, want := range map[string]string{
		"what":       `'=HYPERLINK("http://evil.example","click")`,
		"why":        "'+44 123\n-1+1\n@SUM(A1)",
		"lead_lines": "'\tTabbed lead",
	} {
		if rows[0][col] != want {
			t.Errorf("%s = %q, want %q", col, rows[0][col], want)
		}
	}
	_, updates := readCSV(t, fetch(t, e.h, "/updates.csv").Body.Bytes())
	found := false
	for _, u := range updates {
		if u["commitment_ref"] == "4.4" {
			found = true
			if u["narrative"] != "'=1+2" {
				t.Errorf("narrative = %q, want it neutralised", u["narrative"])
			}
		}
	}
	if !found {
		t.Error("the update on 4.4 is not in the CSV")
	}
	// JSON gives the text as it is.
	var doc struct{ Commitments []struct{ What string } }
	if err := json.Unmarshal(fetch(t, e.h, "/commitments.json?q=4.4").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Commitments) != 1 || doc.Commitments[0].What != `=HYPERLINK("http://evil.example","click")` {
		t.Errorf("JSON what = %+v", doc.Commitments)
	}
}

// TestExportsEscapeMarkup checks that markup in a commitment's text is data, never markup, in
// every format.
func TestExportsEscapeMarkup(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 0)
	payload := `<script>alert("x")</script>`
	ctx := context.Background()
	if _, err := e.pool.Exec(ctx, `UPDATE commitments SET deliver = $1 WHERE ref = '4.1'`, payload); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, published_at)
		SELECT id, 'published', 'on_track', $1, now() FROM commitments WHERE ref = '4.1'`, payload+" & more"); err != nil {
		t.Fatal(err)
	}
	rec := fetch(t, e.h, "/commitments.json?q=4.1")
	if strings.Contains(rec.Body.String(), "<script>") {
		t.Error("JSON carries markup unescaped")
	}
	var doc struct{ Commitments []struct{ What string } }
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || len(doc.Commitments) != 1 || doc.Commitments[0].What != payload {
		t.Errorf("JSON what = %+v (%v), want the text as written", doc.Commitments, err)
	}
	_, rows := readCSV(t, fetch(t, e.h, "/commitments.csv?q=4.1").Body.Bytes())
	if len(rows) != 1 || rows[0]["what"] != payload {
		t.Errorf("CSV what = %v, want the text as written", rows)
	}
	if got := fetch(t, e.h, "/commitments.csv").Header().Get("Content-Type"); strings.Contains(got, "html") {
		t.Errorf("CSV served as %q", got)
	}
	rec = fetch(t, e.h, "/commitments/4.1/updates.atom")
	if strings.Contains(rec.Body.String(), "<script>") {
		t.Error("the feed carries markup unescaped")
	}
	feed := parseFeed(t, rec.Body.Bytes())
	if len(feed.Entries) != 1 || !strings.Contains(feed.Entries[0].Content.Body, payload+" & more") {
		t.Errorf("feed content = %+v, want the narrative as written", feed.Entries)
	}
}

func TestDataPage(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 0)
	rec, doc := get(t, e.h, "/data")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /data = %d", rec.Code)
	}
	checkPage(t, "/data", doc, "Open data")
	main := text(doc.Find("main"))
	for _, f := range append(append([]web.DataField{}, web.CommitmentFields...), web.UpdateFields...) {
		if doc.Find("th code:contains('"+f.Name+"')").Length() == 0 {
			t.Errorf("field %q is not documented", f.Name)
		}
	}
	for _, s := range []string{"Open Government Licence v3.0", "not in the feeds", "304 Not Modified", "apostrophe"} {
		if !strings.Contains(main, s) {
			t.Errorf("the data page does not mention %q", s)
		}
	}
	for _, href := range []string{"/commitments.csv", "/commitments.json", "/updates.csv", "/updates.json", "/updates.atom"} {
		if doc.Find(`main a[href="`+href+`"]`).Length() == 0 {
			t.Errorf("the data page does not link to %s", href)
		}
		if rec := fetch(t, e.h, href); rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d", href, rec.Code)
		}
	}
	if doc.Find(`.ds_site-navigation__link.ds_current[href="/data"]`).Length() == 0 {
		t.Error("the navigation does not mark Open data as current")
	}
}
