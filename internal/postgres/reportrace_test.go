package postgres_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// race runs f n times at once, releasing every goroutine together, and returns the errors.
func race(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

func split(errs []error) (ok int, conflicts []string, other []error) {
	for _, err := range errs {
		var ce *tracker.ConflictError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &ce):
			conflicts = append(conflicts, ce.Message)
		default:
			other = append(other, err)
		}
	}
	return ok, conflicts, other
}

func TestConcurrentPublishOfOneUpdate(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	publishRace(t, rp, "")
}

func TestConcurrentPublishOfTwoUpdates(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	nes := rp.user(tracker.RolePartner, "NES")
	lgdo := rp.user(tracker.RolePartner, "LGDO")
	staff1, staff2 := rp.user(tracker.RoleStaff, ""), rp.user(tracker.RoleStaff, "")
	a := rp.mustSave(nes, "4.2", tracker.ActionSubmit, report(tracker.OnTrack, "NES."))
	b := rp.mustSave(lgdo, "4.2", tracker.ActionSubmit, report(tracker.AtRisk, "LGDO."))
	c := rp.commitment("4.2")
	errs := race(2, func(i int) error {
		u, who := a, staff1
		if i == 1 {
			u, who = b, staff2
		}
		_, err := rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: who}, u.ID, u.Version, c.Version)
		return err
	})
	ok, conflicts, other := split(errs)
	if ok != 1 || len(conflicts) != 1 || len(other) > 0 {
		t.Fatalf("two updates of one commitment published at once: %d succeeded, conflicts %q, other %v", ok, conflicts, other)
	}
	if !strings.Contains(conflicts[0], "Another update for this commitment was published") {
		t.Errorf("loser told %q", conflicts[0])
	}
}

func TestConcurrentSubmissions(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	orgs := []string{"SG-DHCD", "LGDO", "NES", "SSSC", "DHI"} // every lead of 4.2
	var partners []*tracker.User
	var bases []tracker.ReportBase
	for _, code := range orgs {
		p := rp.user(tracker.RolePartner, code)
		partners = append(partners, p)
		bases = append(bases, rp.base("4.2", p))
	}
	errs := race(len(orgs), func(i int) error {
		_, err := rp.save(partners[i], "4.2", bases[i], tracker.ActionSubmit, report(tracker.OnTrack, orgs[i]+" reports."))
		return err
	})
	ok, conflicts, other := split(errs)
	if ok != 1 || len(conflicts) != len(orgs)-1 || len(other) > 0 {
		t.Fatalf("%d organisations submitting at once from one view: %d succeeded, conflicts %q, other %v", len(orgs), ok, conflicts, other)
	}
	queue, total, _ := rp.store.ReviewQueue(rp.ctx, 0)
	if len(queue) != 1 || total != 1 {
		t.Errorf("review queue holds %d updates (total %d), want 1", len(queue), total)
	}
}

func TestConcurrentReturnAndPublish(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	partner := rp.user(tracker.RolePartner, "NES")
	staff1, staff2 := rp.user(tracker.RoleStaff, ""), rp.user(tracker.RoleStaff, "")
	u := rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.OnTrack, "Submitted."))
	c := rp.commitment("4.1")
	errs := race(2, func(i int) error {
		var err error
		if i == 0 {
			_, err = rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: staff1}, u.ID, u.Version, c.Version)
		} else {
			_, err = rp.store.ReturnUpdate(rp.ctx, tracker.Actor{User: staff2}, u.ID, u.Version, "Add dates.")
		}
		return err
	})
	ok, conflicts, other := split(errs)
	if ok != 1 || len(conflicts) != 1 || len(other) > 0 {
		t.Fatalf("publish and return at once: %d succeeded, conflicts %q, other %v", ok, conflicts, other)
	}
	got, _ := rp.store.UpdateByID(rp.ctx, u.ID)
	if (errs[0] == nil) != (got.State == tracker.StatePublished) {
		t.Errorf("update is %s, but publish returned %v", got.State, errs[0])
	}
}

func TestDashboard(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	staff := rp.user(tracker.RoleStaff, "")
	refs := func(cs []tracker.Commitment) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Ref)
		}
		return strings.Join(out, ",")
	}
	d, err := rp.store.DashboardLists(rp.ctx, rp.plan.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Until.IsZero() {
		t.Errorf("until = %v with nothing published through the portal, want never", d.Until)
	}
	// At 23 November 2026: 4.4 (March 2024), 4.5 (April 2024), 4.3 (December 2025) and 4.1 (March
	// 2026) are overdue, longest first; nothing has been published through the portal.
	if got := refs(d.Overdue); got != "4.4,4.5,4.3,4.1" || d.OverdueTotal != 4 {
		t.Errorf("overdue = %s (total %d)", got, d.OverdueTotal)
	}
	// 4.2 and 5.1 are delivered and owe no further update; the other four have had nothing
	// published through the portal.
	if got := refs(d.UpdateDue); got != "4.1,4.3,4.4,4.5" || d.UpdateDueTotal != 4 {
		t.Errorf("update due = %s (total %d)", got, d.UpdateDueTotal)
	}

	// Publishing 4.4 as delivered takes it off both lists for good; publishing 4.5 as on track
	// takes it off the update due list until 90 days have passed.
	rp.mustSave(staff, "4.4", tracker.ActionPublish, report(tracker.Delivered, "Done."))
	rp.mustSave(staff, "4.5", tracker.ActionPublish, report(tracker.OnTrack, "Challenges launched."))
	d, _ = rp.store.DashboardLists(rp.ctx, rp.plan.ID, 2)
	if got := refs(d.Overdue); got != "4.5,4.3" || d.OverdueTotal != 3 {
		t.Errorf("overdue after delivering 4.4 = %s (total %d), want the first 2 of 3", got, d.OverdueTotal)
	}
	if d.UpdateDueTotal != 2 {
		t.Errorf("update due after publishing 4.4 and 4.5 = %d, want 2", d.UpdateDueTotal)
	}
	// The lists hold until 90 days after those publications, when 4.5 is due an update again.
	if want := reportAt.Add(tracker.UpdateDueAfter); !d.Until.Equal(want) {
		t.Errorf("until = %v after publishing at %v, want %v", d.Until, reportAt, want)
	}
	later := reportAt.Add(tracker.UpdateDueAfter + time.Minute)
	rp.clock.Set(later)
	d, _ = rp.store.DashboardLists(rp.ctx, rp.plan.ID, 10)
	if got := refs(d.UpdateDue); got != "4.1,4.3,4.5" || d.UpdateDueTotal != 3 {
		t.Errorf("update due 90 days later = %s (total %d), want 4.5 back, last, and delivered 4.4 not", got, d.UpdateDueTotal)
	}
	if !d.Until.IsZero() {
		t.Errorf("until = %v 90 days later, with no publication recent enough to come due, want never", d.Until)
	}
	// The SQL agrees with the domain's rules.
	cs, _ := rp.store.Commitments(rp.ctx, postgres.CommitmentFilter{PlanID: rp.plan.ID})
	overdue, due := 0, 0
	for _, c := range cs {
		if c.Overdue(later) {
			overdue++
		}
		if c.UpdateDue(later) {
			due++
		}
	}
	if overdue != d.OverdueTotal || due != d.UpdateDueTotal {
		t.Errorf("domain counts overdue %d, update due %d; dashboard %d, %d", overdue, due, d.OverdueTotal, d.UpdateDueTotal)
	}
}

// publishRace has 8 reviewers publish one submitted update at once: one succeeds, the others are
// told who published it, and the commitment moves on once. how names the connection in messages.
func publishRace(t *testing.T, rp *reporting, how string) {
	t.Helper()
	partner := rp.user(tracker.RolePartner, "NES")
	const reviewers = 8
	var staff []*tracker.User
	for range reviewers {
		staff = append(staff, rp.user(tracker.RoleStaff, ""))
	}
	u := rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.AtRisk, "Cohort 3 delayed."))
	c := rp.commitment("4.1")
	errs := race(reviewers, func(i int) error {
		_, err := rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: staff[i]}, u.ID, u.Version, c.Version)
		return err
	})
	ok, conflicts, other := split(errs)
	if ok != 1 || len(conflicts) != reviewers-1 || len(other) > 0 {
		t.Fatalf("%d reviewers publishing one update%s: %d succeeded, conflicts %q, other errors %v", reviewers, how, ok, conflicts, other)
	}
	for _, msg := range conflicts {
		if !strings.HasPrefix(msg, "This update has already been published by staff ") {
			t.Errorf("loser told %q", msg)
		}
	}
	if after := rp.commitment("4.1"); after.Version != c.Version+1 || after.Status != tracker.AtRisk {
		t.Errorf("commitment after the race: version %d (want %d), status %s", after.Version, c.Version+1, after.Status)
	}
	if got := rp.auditActions("commitment", fmt.Sprint(c.ID)); len(got) != 1 {
		t.Errorf("commitment audited %d times, want once", len(got))
	}
}

// TestDashboardQueue checks the dashboard's review queue against the review queue's: the same
// updates in the same order, each with its commitment's words, and the same total, which leaves
// out an update whose commitment has been retired.
func TestDashboardQueue(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	partner := rp.user(tracker.RolePartner, "NES")
	for _, ref := range []string{"4.1", "4.3"} {
		rp.clock.Advance(time.Minute)
		rp.mustSave(partner, ref, tracker.ActionSubmit, report(tracker.OnTrack, "Going well."))
	}
	check := func(when string, wantTotal int) {
		t.Helper()
		d, err := rp.store.DashboardQueue(rp.ctx, rp.plan.Slug, 10)
		if err != nil {
			t.Fatal(err)
		}
		queue, total, err := rp.store.ReviewQueue(rp.ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if d.WaitingTotal != wantTotal || total != wantTotal || len(d.Waiting) != len(queue) {
			t.Fatalf("%s: dashboard %d waiting (total %d), review queue %d (total %d), want %d", when,
				len(d.Waiting), d.WaitingTotal, len(queue), total, wantTotal)
		}
		for i, w := range d.Waiting {
			c, err := rp.store.CommitmentByRef(rp.ctx, rp.plan.ID, w.Update.CommitmentRef)
			if err != nil {
				t.Fatal(err)
			}
			q := queue[i]
			if w.Update.ID != q.ID || w.Update.Reporter() != q.Reporter() || !w.Update.SubmittedAt.Equal(*q.SubmittedAt) ||
				w.Deliver != c.Deliver || w.Update.Waiting(rp.clock.Now()) != q.Waiting(rp.clock.Now()) {
				t.Errorf("%s: dashboard's %d is %+v (%q), review queue's %+v", when, i, w.Update, w.Deliver, q)
			}
		}
	}
	check("two submitted", 2)
	if _, err := rp.pool.Exec(rp.ctx, `UPDATE commitments SET retired_at = now() WHERE plan_id = $1 AND ref = '4.3'`, rp.plan.ID); err != nil {
		t.Fatal(err)
	}
	check("4.3 retired", 1)
}
