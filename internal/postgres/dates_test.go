package postgres_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestReportDatesAtFixedDates: the store refuses, writing nothing, a revised month before the
// current one (unless delivered, when it is the month of delivery and may not be in the future),
// and On track with a month later than due unless confirmed with a reason, which it keeps.
func TestReportDatesAtFixedDates(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	partner := rp.user(tracker.RolePartner, "NES")
	staff := rp.user(tracker.RoleStaff, "")
	rp.clock.Set(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC))

	refused := func(name string, author *tracker.User, ref string, r tracker.Report, field string) {
		t.Helper()
		_, err := rp.save(author, ref, rp.base(ref, author), tracker.ActionSubmit, r)
		if got, _, _ := tracker.FieldOf(err); got != field {
			t.Errorf("%s: %v, want an error about %s", name, err, field)
		}
		if _, err := rp.store.OpenUpdate(rp.ctx, rp.commitment(ref).ID, author); !errors.Is(err, tracker.ErrNotFound) {
			t.Errorf("%s: an update was written (%v)", name, err)
		}
	}
	// 4.1 is due March 2026.
	refused("January 2025 in December 2026", partner, "4.1",
		tracker.Report{Status: tracker.Delayed, Narrative: "x", Expected: month(2025, time.January)}, tracker.FieldDueMonth)
	refused("last month", partner, "4.1",
		tracker.Report{Status: tracker.Delayed, Narrative: "x", Expected: month(2026, time.November)}, tracker.FieldDueMonth)
	refused("delivered next month", partner, "4.1",
		tracker.Report{Status: tracker.Delivered, Narrative: "x", Expected: month(2027, time.January)}, tracker.FieldDueMonth)
	refused("on track 18 months late without a reason", partner, "4.1",
		tracker.Report{Status: tracker.OnTrack, Narrative: "x", Expected: month(2027, time.September)}, tracker.FieldOnTrackConfirm)
	refused("staff publish it too", staff, "4.1",
		tracker.Report{Status: tracker.OnTrack, Narrative: "x", Expected: month(2027, time.September)}, tracker.FieldOnTrackConfirm)

	u := rp.mustSave(partner, "4.1", tracker.ActionSubmit, tracker.Report{Status: tracker.OnTrack, Narrative: "Cohort 4 added.",
		Expected: month(2027, time.September), OnTrackReason: "The programme was extended by agreement."})
	if u.OnTrackReason != "The programme was extended by agreement." {
		t.Errorf("reason kept = %q", u.OnTrackReason)
	}
	queue, _, err := rp.store.ReviewQueue(rp.ctx, 0)
	if err != nil || len(queue) != 1 || queue[0].OnTrackReason != u.OnTrackReason {
		t.Errorf("review queue = %+v, %v", queue, err)
	}
	// Changed to Delayed, the reason no longer applies and goes.
	u = rp.mustSave(partner, "4.1", tracker.ActionSubmit, tracker.Report{Status: tracker.Delayed, Narrative: "Cohort 4 added.",
		Expected: month(2027, time.September)})
	if u.OnTrackReason != "" {
		t.Errorf("reason kept after choosing Delayed = %q", u.OnTrackReason)
	}

	// The month turns at midnight in the UK.
	rp.clock.Set(time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC))
	rp.mustSave(staff, "4.3", tracker.ActionDraft, tracker.Report{Status: tracker.Delayed, Narrative: "x", Expected: month(2026, time.December)})
	rp.clock.Set(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if _, err := rp.save(staff, "4.3", rp.base("4.3", staff), tracker.ActionDraft,
		tracker.Report{Status: tracker.Delayed, Narrative: "x", Expected: month(2026, time.December)}); tracker.ErrorCode(err) != tracker.EINVALID {
		t.Errorf("December 2026 on 1 January 2027: %v, want invalid", err)
	}
	rp.mustSave(staff, "4.3", tracker.ActionPublish, tracker.Report{Status: tracker.Delivered, Narrative: "Done.", Expected: month(2026, time.December)})

	// An update whose month passes while it waits for review is not published: staff return it.
	rp.clock.Set(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC))
	before := rp.commitment("4.1")
	u = rp.mustSave(partner, "4.1", tracker.ActionSubmit, tracker.Report{Status: tracker.Delayed, Narrative: "By Christmas.",
		Expected: month(2026, time.December)})
	rp.clock.Set(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
	_, err = rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: staff}, u.ID, u.Version, before.Version)
	if field, msg, _ := tracker.FieldOf(err); field != tracker.FieldNote || !strings.Contains(msg, "December 2026, which has passed") {
		t.Errorf("publishing a month passed while waiting: %v", err)
	}
	if after := rp.commitment("4.1"); after.Version != before.Version {
		t.Errorf("the commitment changed: version %d, was %d", after.Version, before.Version)
	}
}

// TestLastReport: each commitment carries where its status came from, for the public pages.
func TestLastReport(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	if r := rp.commitment("4.3").Reported; r == nil || r.Period != "2024-25" || r.At != nil {
		t.Errorf("4.3 reported = %+v, want the 2024-25 plan", r)
	}
	if r := rp.commitment("4.1").Reported; r == nil || r.Period != "2025-26" {
		t.Errorf("4.1 reported = %+v, want the 2025-26 plan", r)
	}
	if got := rp.commitment("4.3").LastReported(); got != "Last reported On track in the Delivery Plan 2024-25" {
		t.Errorf("4.3 last reported = %q", got)
	}
	staff := rp.user(tracker.RoleStaff, "")
	rp.mustSave(staff, "4.3", tracker.ActionPublish, tracker.Report{Status: tracker.AtRisk, Narrative: "x", Expected: month(2027, time.March)})
	r := rp.commitment("4.3").Reported
	if r == nil || r.At == nil || !r.At.Equal(reportAt) || r.By != "" {
		t.Errorf("4.3 reported after staff published = %+v", r)
	}
	all, err := rp.store.Commitments(rp.ctx, postgres.CommitmentFilter{PlanID: rp.plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if c.Status != tracker.NoUpdate && c.Reported == nil {
			t.Errorf("%s has a status but no last report", c.Ref)
		}
	}
}
