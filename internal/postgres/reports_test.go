package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// reporting is a seeded database with a store and the commitments of its current plan.
type reporting struct {
	t     *testing.T
	ctx   context.Context
	pool  *pgxpool.Pool
	store *postgres.Store
	clock *clocktest.Clock
	plan  tracker.Plan
	n     int
}

func newReporting(t *testing.T) *reporting {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store, clock := storeAt(pool, reportAt)
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &reporting{t: t, ctx: ctx, pool: pool, store: store, clock: clock, plan: plan}
}

// user adds a user of the role (a partner of the organisation with the code) straight into the
// database.
func (rp *reporting) user(role tracker.Role, orgCode string) *tracker.User {
	rp.t.Helper()
	rp.n++
	u := &tracker.User{Role: role, Name: fmt.Sprintf("%s %d", role, rp.n), Email: fmt.Sprintf("user%d@example.scot", rp.n)}
	if orgCode != "" {
		o, err := rp.store.OrganisationByCode(rp.ctx, orgCode)
		if err != nil {
			rp.t.Fatal(err)
		}
		u.OrganisationID, u.OrganisationCode, u.OrganisationName = &o.ID, o.Code, o.Name
	}
	err := rp.pool.QueryRow(rp.ctx, `INSERT INTO users (email, name, role, organisation_id) VALUES ($1, $2, $3, $4) RETURNING id`,
		u.Email, u.Name, string(u.Role), u.OrganisationID).Scan(&u.ID)
	if err != nil {
		rp.t.Fatal(err)
	}
	return u
}

func (rp *reporting) commitment(ref string) tracker.Commitment {
	rp.t.Helper()
	c, err := rp.store.CommitmentByRef(rp.ctx, rp.plan.ID, ref)
	if err != nil {
		rp.t.Fatal(err)
	}
	return c
}

// base is what a report form opened now by the author would carry.
func (rp *reporting) base(ref string, author *tracker.User) tracker.ReportBase {
	rp.t.Helper()
	c := rp.commitment(ref)
	mark, err := rp.store.SubmissionMark(rp.ctx, c.ID)
	if err != nil {
		rp.t.Fatal(err)
	}
	b := tracker.ReportBase{Version: c.Version, Seen: mark}
	if u, err := rp.store.OpenUpdate(rp.ctx, c.ID, author); err == nil {
		b.UpdateID, b.UpdateVersion = u.ID, u.Version
	} else if !errors.Is(err, tracker.ErrNotFound) {
		rp.t.Fatal(err)
	}
	return b
}

var reportAt = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func (rp *reporting) save(author *tracker.User, ref string, base tracker.ReportBase, action tracker.ReportAction, r tracker.Report) (tracker.Update, error) {
	return rp.store.SaveReport(rp.ctx, tracker.Actor{User: author, RemoteAddr: "192.0.2.1"}, postgres.ReportWrite{
		CommitmentID: rp.commitment(ref).ID, Report: r, Base: base, Action: action,
	})
}

func (rp *reporting) mustSave(author *tracker.User, ref string, action tracker.ReportAction, r tracker.Report) tracker.Update {
	rp.t.Helper()
	u, err := rp.save(author, ref, rp.base(ref, author), action, r)
	if err != nil {
		rp.t.Fatalf("%s %s on %s: %v", author.Name, action, ref, err)
	}
	return u
}

func (rp *reporting) auditActions(recordType, recordID string) []string {
	rp.t.Helper()
	rows, err := rp.pool.Query(rp.ctx, `SELECT action FROM audit_log WHERE record_type = $1 AND record_id = $2 ORDER BY id`, recordType, recordID)
	if err != nil {
		rp.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			rp.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func month(y int, m time.Month) *tracker.Month { return &tracker.Month{Year: y, Month: m} }

func report(st tracker.Status, narrative string) tracker.Report {
	return tracker.Report{Status: st, Narrative: narrative}
}

func TestReportReturnResubmitPublish(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	partner := rp.user(tracker.RolePartner, "NES")
	staff := rp.user(tracker.RoleStaff, "")
	before := rp.commitment("4.1")

	draft := rp.mustSave(partner, "4.1", tracker.ActionDraft, tracker.Report{Status: tracker.AtRisk, Narrative: "First go.",
		Expected: month(2027, time.June), EvidenceURL: "https://example.com/nes"})
	if draft.State != tracker.StateDraft || draft.OrganisationCode != "NES" || draft.AuthorID == nil || *draft.AuthorID != partner.ID ||
		draft.SubmittedAt != nil || draft.BaseVersion != before.Version {
		t.Errorf("draft = %+v", draft)
	}
	submitted := rp.mustSave(partner, "4.1", tracker.ActionSubmit, tracker.Report{Status: tracker.AtRisk, Narrative: "Cohort 3 delayed.",
		Expected: month(2027, time.June), EvidenceURL: "https://example.com/nes"})
	if submitted.ID != draft.ID || submitted.State != tracker.StateSubmitted || submitted.SubmittedAt == nil || submitted.Submission == 0 {
		t.Errorf("submitted = %+v", submitted)
	}
	queue, _, err := rp.store.ReviewQueue(rp.ctx, 0)
	if err != nil || len(queue) != 1 || queue[0].ID != draft.ID {
		t.Fatalf("review queue = %+v, %v", queue, err)
	}

	returned, err := rp.store.ReturnUpdate(rp.ctx, tracker.Actor{User: staff}, submitted.ID, submitted.Version, "Say which cohort.")
	if err != nil {
		t.Fatal(err)
	}
	if returned.State != tracker.StateReturned || returned.ReviewNote != "Say which cohort." || returned.ReviewerName != staff.Name {
		t.Errorf("returned = %+v", returned)
	}
	open, err := rp.store.OpenUpdate(rp.ctx, before.ID, partner)
	if err != nil || open.ID != draft.ID || open.ReviewNote != "Say which cohort." {
		t.Errorf("partner's open update = %+v, %v", open, err)
	}
	if queue, _, _ := rp.store.ReviewQueue(rp.ctx, 0); len(queue) != 0 {
		t.Errorf("returned update still in the review queue")
	}

	resubmitted := rp.mustSave(partner, "4.1", tracker.ActionSubmit, tracker.Report{Status: tracker.AtRisk,
		Narrative: "Cohort 3 start delayed to June 2027.", Expected: month(2027, time.June)})
	if resubmitted.State != tracker.StateSubmitted || resubmitted.Submission <= submitted.Submission {
		t.Errorf("resubmitted = %+v", resubmitted)
	}
	published, err := rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: staff}, resubmitted.ID, resubmitted.Version, before.Version)
	if err != nil {
		t.Fatal(err)
	}
	if published.State != tracker.StatePublished || published.PublishedAt == nil || !published.PublishedAt.Equal(reportAt) ||
		published.PublishedVersion != before.Version+1 {
		t.Errorf("published = %+v", published)
	}
	after := rp.commitment("4.1")
	if after.Status != tracker.AtRisk || after.Expected == nil || *after.Expected != *month(2027, time.June) ||
		after.Version != before.Version+1 || after.LastPublishedAt == nil || !after.LastPublishedAt.Equal(reportAt) {
		t.Errorf("commitment after publishing = %+v", after)
	}
	history, err := rp.store.PublishedUpdates(rp.ctx, after.ID)
	if err != nil || len(history) == 0 || history[0].ID != published.ID || history[0].Narrative != "Cohort 3 start delayed to June 2027." {
		t.Errorf("history = %+v, %v", history, err)
	}
	if _, err := rp.store.OpenUpdate(rp.ctx, after.ID, partner); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("open update after publishing: %v, want ErrNotFound", err)
	}

	id := fmt.Sprint(draft.ID)
	want := []string{"update.draft", "update.submit", "update.return", "update.submit", "update.publish"}
	if got := rp.auditActions("update", id); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("audit of update %s = %q, want %q", id, got, want)
	}
	if got := rp.auditActions("commitment", fmt.Sprint(after.ID)); len(got) != 1 || got[0] != "commitment.publish_update" {
		t.Errorf("audit of commitment = %q", got)
	}
	// A published update never changes again: publishing or returning it once more is a conflict.
	if _, err := rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: staff}, published.ID, published.Version, after.Version); tracker.ErrorCode(err) != tracker.ECONFLICT {
		t.Errorf("publishing twice: %v, want conflict", err)
	}
	if _, err := rp.store.ReturnUpdate(rp.ctx, tracker.Actor{User: staff}, published.ID, published.Version, "x"); tracker.ErrorCode(err) != tracker.ECONFLICT {
		t.Errorf("returning a published update: %v, want conflict", err)
	}
}

func TestExpectedMonthAndClosingStatuses(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	staff := rp.user(tracker.RoleStaff, "")
	partner := rp.user(tracker.RolePartner, "NES")

	// 4.4 is due March 2024. A revised month is kept until another one is given; giving the plan's
	// own month again clears the revision.
	rp.mustSave(staff, "4.4", tracker.ActionPublish, tracker.Report{Status: tracker.Delayed, Narrative: "Moved.", Expected: month(2027, time.June)})
	if c := rp.commitment("4.4"); c.Expected == nil || *c.Expected != *month(2027, time.June) || !c.Revised() {
		t.Errorf("4.4 expected = %v", c.Expected)
	}
	rp.mustSave(staff, "4.4", tracker.ActionPublish, report(tracker.OnTrack, "Still June."))
	if c := rp.commitment("4.4"); c.Expected == nil || *c.Expected != *month(2027, time.June) || c.Status != tracker.OnTrack {
		t.Errorf("4.4 after an update without a month: %v %v", c.Status, c.Expected)
	}
	// A month before the current one is the month of delivery, for a delivered commitment only.
	rp.mustSave(staff, "4.4", tracker.ActionPublish, tracker.Report{Status: tracker.Delivered, Narrative: "Done on time after all.", Expected: month(2024, time.March)})
	if c := rp.commitment("4.4"); c.Expected != nil || c.Revised() {
		t.Errorf("4.4 expected after returning to the plan's month = %v", c.Expected)
	}

	rp.mustSave(staff, "4.4", tracker.ActionPublish, tracker.Report{Status: tracker.CarriedForward, Narrative: "Moved on.",
		StatusReason: "Continues in the next plan.", CarriedForwardTo: "Delivery Plan 2024-25"})
	c := rp.commitment("4.4")
	if c.Status != tracker.CarriedForward || c.StatusReason != "Continues in the next plan." || c.CarriedForwardTo != "Delivery Plan 2024-25" {
		t.Errorf("carried forward 4.4 = %+v", c)
	}
	if c.Overdue(reportAt) {
		t.Error("a carried forward commitment is overdue")
	}
	history, _ := rp.store.PublishedUpdates(rp.ctx, c.ID)
	if history[0].CarriedForwardTo != "Delivery Plan 2024-25" || history[0].StatusReason != "Continues in the next plan." {
		t.Errorf("latest 4.4 update = %+v", history[0])
	}
	rp.mustSave(staff, "4.4", tracker.ActionPublish, report(tracker.OnTrack, "Reinstated."))
	if c := rp.commitment("4.4"); c.StatusReason != "" || c.CarriedForwardTo != "" {
		t.Errorf("reason kept after reinstating: %+v", c)
	}

	// Partners may neither publish nor set a closing status, whatever the caller checked.
	_, err := rp.save(partner, "4.1", rp.base("4.1", partner), tracker.ActionPublish, report(tracker.OnTrack, "x"))
	if tracker.ErrorCode(err) != tracker.EFORBIDDEN {
		t.Errorf("partner publishing: %v, want forbidden", err)
	}
	_, err = rp.save(partner, "4.1", rp.base("4.1", partner), tracker.ActionSubmit,
		tracker.Report{Status: tracker.Withdrawn, Narrative: "x", StatusReason: "y"})
	if tracker.ErrorCode(err) != tracker.EFORBIDDEN {
		t.Errorf("partner withdrawing: %v, want forbidden", err)
	}
}

func TestReportNotFound(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	staff := rp.user(tracker.RoleStaff, "")
	actor := tracker.Actor{User: staff}
	checks := map[string]error{}
	_, checks["update 0"] = rp.store.UpdateByID(rp.ctx, 0)
	_, checks["publish 999999"] = rp.store.PublishUpdate(rp.ctx, actor, 999999, 1, 1)
	_, checks["return 999999"] = rp.store.ReturnUpdate(rp.ctx, actor, 999999, 1, "note")
	_, checks["save on commitment 999999"] = rp.store.SaveReport(rp.ctx, actor, postgres.ReportWrite{
		CommitmentID: 999999, Report: report(tracker.OnTrack, "x"), Action: tracker.ActionDraft})
	if _, err := rp.pool.Exec(rp.ctx, `UPDATE commitments SET retired_at = now() WHERE ref = '4.3'`); err != nil {
		t.Fatal(err)
	}
	var retired int64
	_ = rp.pool.QueryRow(rp.ctx, `SELECT id FROM commitments WHERE ref = '4.3'`).Scan(&retired)
	_, checks["save on a retired commitment"] = rp.store.SaveReport(rp.ctx, actor, postgres.ReportWrite{
		CommitmentID: retired, Report: report(tracker.OnTrack, "x"), Action: tracker.ActionDraft})
	for name, err := range checks {
		if !errors.Is(err, tracker.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
}

// TestNoLostWork covers every way a report form can be overtaken: each time nothing is written,
// the conflict says what changed, and sending again with the new base succeeds.
func TestNoLostWork(t *testing.T) {
	t.Parallel()
	t.Run("an update was published after the form was opened", func(t *testing.T) {
		t.Parallel()
		rp := newReporting(t)
		partner := rp.user(tracker.RolePartner, "NES")
		staff := rp.user(tracker.RoleStaff, "")
		opened := rp.base("4.1", partner)
		rp.mustSave(staff, "4.1", tracker.ActionPublish, report(tracker.Delayed, "Staff say delayed."))
		mine := report(tracker.OnTrack, "Partner says on track.")
		_, err := rp.save(partner, "4.1", opened, tracker.ActionSubmit, mine)
		var ce *tracker.ConflictError
		if !errors.As(err, &ce) {
			t.Fatalf("submit after a publication: %v, want a conflict", err)
		}
		if len(ce.Published) != 1 || ce.Published[0].Narrative != "Staff say delayed." || ce.Commitment.Status != tracker.Delayed ||
			ce.Commitment.Version != opened.Version+1 || len(ce.Commitment.Leads) == 0 {
			t.Errorf("conflict = %+v", ce)
		}
		if _, err := rp.store.OpenUpdate(rp.ctx, rp.commitment("4.1").ID, partner); !errors.Is(err, tracker.ErrNotFound) {
			t.Errorf("the conflicting submission was written: %v", err)
		}
		// A draft is never refused for that: it overwrites nothing.
		if _, err := rp.save(partner, "4.1", opened, tracker.ActionDraft, mine); err != nil {
			t.Errorf("saving a draft on an old version: %v", err)
		}
		// Sending again, deliberately, on the new version succeeds.
		again := rp.base("4.1", partner)
		if u, err := rp.save(partner, "4.1", again, tracker.ActionSubmit, mine); err != nil || u.State != tracker.StateSubmitted {
			t.Errorf("submit on the new version: %+v, %v", u, err)
		}
	})

	t.Run("another organisation submitted after the form was opened", func(t *testing.T) {
		t.Parallel()
		rp := newReporting(t)
		nes := rp.user(tracker.RolePartner, "NES")
		lgdo := rp.user(tracker.RolePartner, "LGDO")
		opened := rp.base("4.2", nes)
		other := rp.mustSave(lgdo, "4.2", tracker.ActionSubmit, report(tracker.AtRisk, "LGDO says at risk."))
		_, err := rp.save(nes, "4.2", opened, tracker.ActionSubmit, report(tracker.OnTrack, "NES says on track."))
		var ce *tracker.ConflictError
		if !errors.As(err, &ce) || len(ce.Submitted) != 1 || ce.Submitted[0].ID != other.ID || ce.Seen != other.Submission {
			t.Fatalf("submit after another organisation's submission: %+v, %v", ce, err)
		}
		opened.Seen = ce.Seen
		if _, err := rp.save(nes, "4.2", opened, tracker.ActionSubmit, report(tracker.OnTrack, "NES says on track.")); err != nil {
			t.Errorf("submit having seen the other submission: %v", err)
		}
		// A form opened after the other submission is not overtaken by it.
		lgdo2 := rp.user(tracker.RolePartner, "LGDO")
		if _, err := rp.save(lgdo2, "4.2", rp.base("4.2", lgdo2), tracker.ActionSubmit, report(tracker.AtRisk, "Still at risk.")); err != nil {
			t.Errorf("LGDO resubmitting its own update: %v", err)
		}
	})

	t.Run("a colleague changed the draft after the form was opened", func(t *testing.T) {
		t.Parallel()
		rp := newReporting(t)
		ann := rp.user(tracker.RolePartner, "NES")
		bob := rp.user(tracker.RolePartner, "NES")
		rp.mustSave(ann, "4.1", tracker.ActionDraft, report(tracker.OnTrack, "Ann's first words."))
		annOpened := rp.base("4.1", ann)
		rp.mustSave(bob, "4.1", tracker.ActionDraft, report(tracker.OnTrack, "Bob's words."))
		_, err := rp.save(ann, "4.1", annOpened, tracker.ActionDraft, report(tracker.OnTrack, "Ann's second words."))
		var ce *tracker.ConflictError
		if !errors.As(err, &ce) || ce.Current == nil || ce.Current.Narrative != "Bob's words." {
			t.Fatalf("saving over a colleague's change: %+v, %v", ce, err)
		}
		u, _ := rp.store.OpenUpdate(rp.ctx, rp.commitment("4.1").ID, ann)
		if u.Narrative != "Bob's words." {
			t.Errorf("draft = %q, want Bob's words kept", u.Narrative)
		}
	})

	t.Run("a colleague started an update after the form was opened", func(t *testing.T) {
		t.Parallel()
		rp := newReporting(t)
		ann := rp.user(tracker.RolePartner, "NES")
		bob := rp.user(tracker.RolePartner, "NES")
		annOpened := rp.base("4.1", ann)
		rp.mustSave(bob, "4.1", tracker.ActionDraft, report(tracker.OnTrack, "Bob's words."))
		_, err := rp.save(ann, "4.1", annOpened, tracker.ActionDraft, report(tracker.OnTrack, "Ann's words."))
		var ce *tracker.ConflictError
		if !errors.As(err, &ce) || ce.Current == nil || !strings.Contains(ce.Message, "started an update") {
			t.Fatalf("starting a second update: %+v, %v", ce, err)
		}
	})

	t.Run("the update was published while being edited", func(t *testing.T) {
		t.Parallel()
		rp := newReporting(t)
		partner := rp.user(tracker.RolePartner, "NES")
		staff := rp.user(tracker.RoleStaff, "")
		u := rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.OnTrack, "Submitted."))
		editing := rp.base("4.1", partner)
		if _, err := rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: staff}, u.ID, u.Version, editing.Version); err != nil {
			t.Fatal(err)
		}
		_, err := rp.save(partner, "4.1", editing, tracker.ActionSubmit, report(tracker.OnTrack, "Edited."))
		if !errors.As(err, new(*tracker.ConflictError)) || !strings.Contains(err.Error(), "has been published") {
			t.Errorf("editing a published update: %v", err)
		}
	})
}
