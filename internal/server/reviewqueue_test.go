package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/demo"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestReviewQueuePages: a queue longer than a page is read a page at a time, longest waiting
// first, with the design system's pagination; each waiting update is on exactly one page, and a
// page past the end (the queue may have shortened since the link was followed) shows the last.
func TestReviewQueuePages(t *testing.T) {
	t.Parallel()
	// The newest update of one commitment in fifty waits for review: 102 of them.
	app := newDemoApp(t, demo.Options{Commitments: 5100, Updates: 5100, Organisations: 8, Priorities: 2})
	staff := signIn(t, app, tracker.RoleStaff, "")
	queue, total, err := app.Store.ReviewQueue(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if total != 102 || len(queue) != total {
		t.Fatalf("the synthetic plan has %d updates waiting (%d listed), want 102", total, len(queue))
	}
	listed := func(path string) ([]string, string) {
		t.Helper()
		rec, doc := staff.get(path)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, rec.Code)
		}
		var ids []string
		doc.Find(".app-review-list > li").Each(func(_ int, li *goquery.Selection) {
			ids = append(ids, li.AttrOr("id", ""))
		})
		return ids, strings.Join(strings.Fields(doc.Find("main").Text()), " ")
	}
	want := make([]string, len(queue))
	for i, u := range queue {
		want[i] = fmt.Sprintf("update-%d", u.ID)
	}

	first, text := listed("/review")
	if strings.Join(first, " ") != strings.Join(want[:100], " ") {
		t.Errorf("page 1 lists %d updates, not the 100 that have waited longest in order", len(first))
	}
	if !strings.Contains(text, "102 updates are waiting for review.") || !strings.Contains(text, "Showing the 100 that have waited longest.") {
		t.Errorf("page 1 does not say how many wait and which it shows: %q", text)
	}
	_, doc := staff.get("/review")
	nav := doc.Find(`nav.ds_pagination[aria-label="Pages of updates waiting for review"]`)
	if nav.Find(`a[rel="next"][href="/review?page=2"]`).Length() != 1 || nav.Find(`a[aria-current="page"]`).Text() == "" {
		t.Errorf("page 1 has no pagination to page 2")
	}

	second, text := listed("/review?page=2")
	if strings.Join(second, " ") != strings.Join(want[100:], " ") {
		t.Errorf("page 2 lists %q, want %q", second, want[100:])
	}
	if !strings.Contains(text, "Showing 101 to 102, longest waiting first.") {
		t.Errorf("page 2 does not say which it shows: %q", text)
	}
	if _, doc := staff.get("/review?page=2"); doc.Find("title").Text() == "" || !strings.Contains(doc.Find("title").Text(), "page 2 of 2") {
		t.Errorf("page 2's title %q does not say it is page 2 of 2", doc.Find("title").Text())
	}
	if got, _ := listed("/review?page=7"); strings.Join(got, " ") != strings.Join(want[100:], " ") {
		t.Errorf("a page past the end lists %q, want the last page", got)
	}
	for _, path := range []string{"/review?page=0", "/review?page=-3", "/review?page=two", "/review?page=99999999999"} {
		if got, _ := listed(path); strings.Join(got, " ") != strings.Join(want[:100], " ") {
			t.Errorf("%s does not list the first page", path)
		}
	}
}
