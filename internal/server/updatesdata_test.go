package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

// awkward are texts a CSV writer must get right: formulas to neutralise, fields to quote, line
// ends to normalise, leading spaces of every kind, and COPY's own end marker.
var awkward = []string{
	"plain", "", "=1+1", "+44 131", "-minus", "@at", "\tTab first", "\rCR first", " leading space",
	"\u00a0no-break space", "\u2003em space", "\u3000ideographic space", "\u0085next line", "\vvertical tab",
	"\fform feed", "a,b", `say "hi"`, "line one\nline two", "crlf\r\nend", "lone\rcr", `\.`, `\.x`,
	"ünïcödé, “quotes”", "-\n=", `="q",`, "trailing space ", "tab\tinside", "'already quoted",
}

// TestUpdatesCSVIsWhatTheCSVWriterWrites checks that /updates.csv, which the database writes
// with COPY, is byte for byte what the portal's CSV writer makes of the same updates (the byte
// order mark, the header, the formula guard, quoting and CR LF line ends), with awkward text in
// every free-text column of the seeded plan's updates.
func TestUpdatesCSVIsWhatTheCSVWriterWrites(t *testing.T) {
	t.Parallel()
	serving, owner := dbtest.ServingPool(t)
	ctx := t.Context()
	for i, s := range awkward {
		status, later := "withdrawn", any(nil)
		if i%2 == 1 {
			status, later = "carried_forward", s+" plan"
		}
		if _, err := owner.Exec(ctx, `
			INSERT INTO updates (commitment_id, state, status, status_label, narrative, expected_month, timescale,
			                     status_reason, carried_forward_plan, evidence_url, organisation_id, published_at)
			SELECT c.id, 'published', $2, nullif($1, ''), $1, CASE WHEN $3 % 3 = 0 THEN date '2026-05-01' END, $1,
			       $1, $4, 'https://evidence.example/' || $3 || '?a=b,c', o.id, now() - make_interval(days => $3)
			FROM commitments c JOIN plans p ON p.id = c.plan_id AND p.is_current
			LEFT JOIN organisations o ON o.code = 'NES' AND $3 % 2 = 0
			WHERE c.ref = '4.' || (1 + $3 % 3)`, s, status, i, later); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
	}
	if _, err := owner.Exec(ctx, `UPDATE organisations SET name = '=Evil, "Board"' WHERE code = 'NES'`); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(serving)
	s := newServer(Config{Store: store, BaseURL: "https://tracker.example"})
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// What the CSV writer makes of the updates, as /updates.csv was made before COPY.
	var want bytes.Buffer
	cw := newCSVWriter(&want)
	if err := cw.Write(append([]string{}, updateCSVHeader...)); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := store.EachPublishedUpdate(ctx, postgres.UpdateFilter{PlanID: plan.ID}, func(u postgres.PublishedUpdate) error {
		n++
		return cw.Write(updateFor("https://tracker.example", plan, u).csv())
	}); err != nil {
		t.Fatal(err)
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	if n < len(awkward) {
		t.Fatalf("%d updates, want at least %d", n, len(awkward))
	}

	rec := httptest.NewRecorder()
	s.routes().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/updates.csv", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /updates.csv = %d", rec.Code)
	}
	got := rec.Body.Bytes()
	if !bytes.Equal(got, want.Bytes()) {
		gl, wl := bytes.Split(got, []byte("\r\n")), bytes.Split(want.Bytes(), []byte("\r\n"))
		for i := range max(len(gl), len(wl)) {
			var g, w []byte
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if !bytes.Equal(g, w) {
				t.Fatalf("/updates.csv differs from the CSV writer's at line %d:\n got %q\nwant %q", i+1, g, w)
			}
		}
		t.Fatal("/updates.csv differs from the CSV writer's")
	}
}

// TestCSVAround checks the parts the CSV writer puts around a commitment's reference in its
// address, which the database copies around each reference: quoted, guarded or neither.
func TestCSVAround(t *testing.T) {
	for _, c := range []struct{ prefix, before, after string }{
		{"https://tracker.example/commitments/", "https://tracker.example/commitments/", ""},
		{"https://a.example/x,y/commitments/", `"https://a.example/x,y/commitments/`, `"`},
		{"=http://10.0.0.1/commitments/", "'=http://10.0.0.1/commitments/", ""},
	} {
		before, after := csvAround(c.prefix, "0.0")
		if before != c.before || after != c.after {
			t.Errorf("csvAround(%q) = %q, %q; want %q, %q", c.prefix, before, after, c.before, c.after)
		}
	}
}
