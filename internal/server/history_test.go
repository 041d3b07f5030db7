package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestLongHistoryIsPaged shows a commitment's published history a page of 20 at a time, newest
// first, so that the page does not grow with the history; every update is on one page, in order.
func TestLongHistoryIsPaged(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	before, err := app.Store.PublishedUpdates(t.Context(), commitmentID(t, app, "2023-24", "4.2"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		publish(t, app.Pool, "4.2", "on_track", fmt.Sprintf("Synthetic progress number %d.", i+1))
	}
	total := len(before) + 25

	narratives := func(doc *goquery.Document) []string {
		var out []string
		doc.Find(".app-timeline__item").Each(func(_ int, li *goquery.Selection) { out = append(out, text(li)) })
		return out
	}
	rec, doc := get(t, app.Handler, "/commitments/4.2")
	first := narratives(doc)
	if rec.Code != http.StatusOK || len(first) != 20 {
		t.Fatalf("GET /commitments/4.2 = %d with %d updates, want 200 with 20", rec.Code, len(first))
	}
	if !strings.Contains(first[0], "Synthetic progress number 25.") || !strings.Contains(first[19], "Synthetic progress number 6.") {
		t.Errorf("the first page runs from %q to %q, want the newest 20, newest first", first[0], first[19])
	}
	if got, want := text(doc.Find(".app-list-page")), fmt.Sprintf("Showing updates 1 to 20 of %d, newest first.", total); got != want {
		t.Errorf("the first page says %q, want %q", got, want)
	}
	next, _ := doc.Find(`link[rel="next"]`).Attr("href")
	if !strings.HasSuffix(next, "/commitments/4.2?page=2") {
		t.Errorf(`rel="next" = %q, want the second page`, next)
	}
	if _, ok := doc.Find(`nav a[href="/commitments/4.2?page=2#history"]`).Attr("href"); !ok {
		t.Error("the first page has no link to the second page of progress")
	}

	rec, doc = get(t, app.Handler, "/commitments/4.2?page=2")
	second := narratives(doc)
	if rec.Code != http.StatusOK || len(second) != total-20 {
		t.Fatalf("GET /commitments/4.2?page=2 = %d with %d updates, want 200 with %d", rec.Code, len(second), total-20)
	}
	if !strings.Contains(second[0], "Synthetic progress number 5.") {
		t.Errorf("the second page starts with %q, want the 21st newest", second[0])
	}
	if title := doc.Find("title").Text(); !strings.Contains(title, "page 2 of 2") {
		t.Errorf("the second page's title is %q, want it to say page 2 of 2", title)
	}
	// The updates from before, the oldest, end the last page in the order of the whole history.
	for i, u := range before {
		if got := second[len(second)-len(before)+i]; u.Narrative != "" && !strings.Contains(got, strings.Join(strings.Fields(u.Narrative), " ")) {
			t.Errorf("update %d from the end of the history is %q, want %q", len(before)-i, got, u.Narrative)
		}
	}

	for _, p := range []string{"/commitments/4.2?page=3", "/commitments/4.2?page=0", "/commitments/4.2?page=two"} {
		if rec, _ := get(t, app.Handler, p); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, rec.Code)
		}
	}
	// A short history is one page, with no pagination.
	_, doc = get(t, app.Handler, "/commitments/4.4")
	if doc.Find(".app-list-page").Length() != 0 || doc.Find(`nav[aria-label="Pages of progress"]`).Length() != 0 {
		t.Error("a commitment with a short history shows pagination")
	}
}
