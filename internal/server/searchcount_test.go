package server_test

import "testing"

// TestOneWordSearchCountFollowsChanges checks the count of a search for one word, which the
// finder keeps per data version: right for each filter, and right again after a publish adds the
// word to a commitment.
func TestOneWordSearchCountFollowsChanges(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 60)
	counted := func(query string) string {
		t.Helper()
		_, doc := get(t, e.h, "/commitments?"+query)
		return text(doc.Find("#results"))
	}
	check := func(query, want string) {
		t.Helper()
		if got := counted(query); got != want {
			t.Errorf("/commitments?%s counts %q, want %q", query, got, want)
		}
	}
	check("q=zebrafish", "No commitments found")
	publish(t, e.pool, "4.1", "on_track", "The zebrafish study has begun.")
	check("q=zebrafish", "1 commitment")
	check("q=zebrafish&status=at_risk", "No commitments found")
	publish(t, e.pool, "4.2", "at_risk", "The zebrafish tanks are late.")
	check("q=zebrafish", "2 commitments")
	check("q=zebrafish&status=at_risk", "1 commitment")
	check("q=zebrafish&status=on_track", "1 commitment")
}
