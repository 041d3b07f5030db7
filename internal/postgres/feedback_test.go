package postgres_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestFeedback keeps feedback, lists it newest first, all of it or one page's, a page at a time,
// reads it all for a download, and deletes what is older than the retention.
func TestFeedback(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := clocktest.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	store := postgres.New(dbtest.Pool(t), postgres.WithClock(clock.Now))
	yes, no := true, false
	sent := []tracker.Feedback{
		{Page: "/commitments/4.2", Useful: &yes},
		{Page: "/", Useful: &no, Doing: "Looking for the overdue ones", WentWrong: "Could not find them"},
		{Page: "/commitments/4.2", WentWrong: "=HYPERLINK(\"x\")"},
		{WentWrong: "About the whole service"},
	}
	for _, f := range sent {
		if _, err := store.AddFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}
	if _, err := store.AddFeedback(ctx, tracker.Feedback{Page: "/"}); tracker.ErrorCode(err) == "" {
		t.Errorf("feedback that says nothing was kept (err %v)", err)
	}

	all, total, err := store.ListFeedback(ctx, postgres.FeedbackFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 4 || len(all) != 4 || all[0].WentWrong != "About the whole service" || all[3].Page != "/commitments/4.2" {
		t.Fatalf("all feedback (%d): %+v", total, all)
	}
	if !all[3].CreatedAt.Equal(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)) || tracker.FeedbackAnswer(all[3].Useful) != "Yes" ||
		tracker.FeedbackAnswer(all[2].Useful) != "No" || tracker.FeedbackAnswer(all[1].Useful) != "" {
		t.Errorf("feedback read back as %+v", all)
	}

	page, total, err := store.ListFeedback(ctx, postgres.FeedbackFilter{Page: "/commitments/4.2", Limit: 1, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(page) != 1 || tracker.FeedbackAnswer(page[0].Useful) != "Yes" {
		t.Errorf("second of 4.2's feedback, one a page: %d in all, %+v", total, page)
	}

	var read []string
	err = store.EachFeedback(ctx, postgres.FeedbackFilter{Page: "/commitments/4.2", Limit: 1}, func(f tracker.Feedback) error {
		read = append(read, fmt.Sprintf("%s %s %q", f.CreatedAt.Format("15:04"), tracker.FeedbackAnswer(f.Useful), f.WentWrong))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{`09:02  "=HYPERLINK(\"x\")"`, `09:00 Yes ""`}; fmt.Sprint(read) != fmt.Sprint(want) {
		t.Errorf("EachFeedback read %q, want %q (the limit does not apply)", read, want)
	}
	stop := fmt.Errorf("stop")
	n := 0
	if err := store.EachFeedback(ctx, postgres.FeedbackFilter{}, func(tracker.Feedback) error { n++; return stop }); err == nil || n != 1 {
		t.Errorf("EachFeedback went on after an error: %d read, err %v", n, err)
	}

	deleted, err := store.DeleteOldFeedback(ctx, time.Date(2026, 12, 6, 9, 2, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, total, _ := store.ListFeedback(ctx, postgres.FeedbackFilter{}); deleted != 2 || total != 2 {
		t.Errorf("deleted %d, %d left; want 2 and 2", deleted, total)
	}
}

// TestFormKey gives every caller, even at once, the same key, made once.
func TestFormKey(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := postgres.New(dbtest.Pool(t))
	keys := make([][]byte, 8)
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() { keys[i], errs[i] = store.FormKey(ctx, "feedback") })
	}
	wg.Wait()
	for i := range keys {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if len(keys[i]) != 32 || !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("key %d is %x, key 0 is %x", i, keys[i], keys[0])
		}
	}
	other, err := store.FormKey(ctx, "another form")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other, keys[0]) {
		t.Error("two purposes share a key")
	}
}
