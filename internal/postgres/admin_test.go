package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/plancsv"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

var staffActor = tracker.Actor{Label: "test", RemoteAddr: "192.0.2.1"}

// auditDetails returns the details of the newest audit entry for the action on the record.
func auditDetails(t *testing.T, pool *pgxpool.Pool, action, recordID string) map[string]any {
	t.Helper()
	var raw []byte
	err := pool.QueryRow(context.Background(), `SELECT details FROM audit_log WHERE action = $1 AND record_id = $2
		ORDER BY id DESC LIMIT 1`, action, recordID).Scan(&raw)
	if err != nil {
		t.Fatalf("audit entry %s %s: %v", action, recordID, err)
	}
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func seedPlan(t *testing.T, store *postgres.Store) (tracker.Plan, map[int]tracker.Priority, map[string]tracker.Organisation) {
	t.Helper()
	ctx := context.Background()
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := store.Priorities(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	priorities := map[int]tracker.Priority{}
	for _, p := range ps {
		priorities[p.Number] = p
	}
	os, err := store.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	orgs := map[string]tracker.Organisation{}
	for _, o := range os {
		orgs[o.Code] = o
	}
	return plan, priorities, orgs
}

func TestCommitmentEdits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store := postgres.New(pool)
	plan, priorities, orgs := seedPlan(t, store)

	c, err := store.CreateCommitment(ctx, staffActor, plan.ID, tracker.Commitment{
		Ref: "4.6", PriorityID: priorities[4].ID, Deliver: "A new course", Why: []string{"Because"},
		Due:   tracker.Month{Year: 2025, Month: time.June},
		Leads: []tracker.LeadLine{{Text: "NES and LGDO", Organisations: []tracker.Organisation{orgs["NES"], orgs["LGDO"]}}, {Text: "Others"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.CommitmentByRef(ctx, plan.ID, "4.6")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != c.ID || got.Ordinal != 6 || len(got.Leads) != 2 || slices.Compare(got.LeadOrganisationCodes(), []string{"NES", "LGDO"}) != 0 {
		t.Errorf("created 4.6 = %+v", got)
	}
	if d := auditDetails(t, pool, "commitment.create", itoa(c.ID)); d["after"].(map[string]any)["deliver"] != "A new course" {
		t.Errorf("create audit = %v", d)
	}

	t.Run("duplicate ref", func(t *testing.T) {
		_, err := store.CreateCommitment(ctx, staffActor, plan.ID, tracker.Commitment{Ref: "4.2", PriorityID: priorities[4].ID,
			Deliver: "x", Due: tracker.Month{Year: 2025, Month: 1}})
		if f, _, ok := tracker.FieldOf(err); !ok || f != "ref" {
			t.Errorf("err = %v, want an error about ref", err)
		}
	})

	t.Run("update and conflict", func(t *testing.T) {
		edit := got
		edit.Deliver = "A better course"
		edit.Leads = []tracker.LeadLine{{Text: "CSO", Organisations: []tracker.Organisation{orgs["CSO"]}}}
		updated, err := store.UpdateCommitment(ctx, staffActor, edit)
		if err != nil {
			t.Fatal(err)
		}
		if updated.Version != got.Version+1 {
			t.Errorf("version = %d, want %d", updated.Version, got.Version+1)
		}
		d := auditDetails(t, pool, "commitment.update", itoa(c.ID))
		if d["before"].(map[string]any)["deliver"] != "A new course" || d["after"].(map[string]any)["deliver"] != "A better course" {
			t.Errorf("update audit = %v", d)
		}
		// Someone who started from the old version is refused.
		stale := got
		stale.Deliver = "Stale"
		if _, err := store.UpdateCommitment(ctx, staffActor, stale); !errors.Is(err, tracker.ErrConflict) {
			t.Errorf("stale update err = %v, want ErrConflict", err)
		}
		now, _ := store.CommitmentByID(ctx, c.ID)
		if now.Deliver != "A better course" || slices.Compare(now.LeadOrganisationCodes(), []string{"CSO"}) != 0 {
			t.Errorf("after stale update = %+v", now)
		}
	})

	t.Run("priority of another plan", func(t *testing.T) {
		other, err := store.CreatePlan(ctx, staffActor, postgres.NewPlan{Plan: tracker.Plan{Slug: "other", Title: "Other", Period: "2030-31"}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = store.CreateCommitment(ctx, staffActor, other.ID, tracker.Commitment{Ref: "4.1", PriorityID: priorities[4].ID,
			Deliver: "x", Due: tracker.Month{Year: 2025, Month: 1}})
		if f, _, ok := tracker.FieldOf(err); !ok || f != "priority" {
			t.Errorf("err = %v, want an error about priority", err)
		}
	})

	t.Run("retire", func(t *testing.T) {
		now, _ := store.CommitmentByID(ctx, c.ID)
		if err := store.RetireCommitment(ctx, staffActor, c.ID, now.Version-1, ""); !errors.Is(err, tracker.ErrConflict) {
			t.Errorf("retire at old version err = %v", err)
		}
		if err := store.RetireCommitment(ctx, staffActor, c.ID, now.Version, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := store.CommitmentByRef(ctx, plan.ID, "4.6"); !errors.Is(err, tracker.ErrNotFound) {
			t.Errorf("retired commitment still found: %v", err)
		}
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM commitments WHERE id = $1`, c.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("retired commitment was deleted: %d rows, %v", n, err)
		}
		refs, _ := store.RetiredRefs(ctx, plan.ID)
		if !slices.Equal(refs, []string{"4.6"}) {
			t.Errorf("retired refs = %q", refs)
		}
	})
}

func TestRetiredOrganisationLeavesPublicLeads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	plan, _, orgs := seedPlan(t, store)
	cso := orgs["CSO"]
	if err := store.RetireOrganisation(ctx, staffActor, cso.ID, cso.Version, ""); err != nil {
		t.Fatal(err)
	}
	c, err := store.CommitmentByRef(ctx, plan.ID, "4.5")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(c.LeadOrganisationCodes(), "CSO") || len(c.Leads) != 5 {
		t.Errorf("public 4.5 leads = %v: want CSO gone, the five lines kept", c.LeadOrganisationCodes())
	}
	edit, err := store.CommitmentForEdit(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(edit.LeadOrganisationCodes(), "CSO") {
		t.Errorf("4.5 for editing has lost CSO: %v", edit.LeadOrganisationCodes())
	}
	if _, err := store.OrganisationByCode(ctx, "CSO"); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("retired organisation's page: %v", err)
	}
}

func TestNextPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store := postgres.New(pool)
	old, _, _ := seedPlan(t, store)
	staff, err := store.CreateUser(ctx, staffActor, postgres.NewUser{Email: "staff@example.scot", Name: "Staff", Role: tracker.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	as := tracker.Actor{User: &staff}
	published := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	next, err := store.CreatePlan(ctx, staffActor, postgres.NewPlan{
		Plan:       tracker.Plan{Slug: "2024-25", Title: "Care in the Digital Age: Delivery Plan 2024-25", Period: "2024-25", PublishedOn: &published},
		PreviousID: old.ID, CopyPriorities: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreatePlan(ctx, staffActor, postgres.NewPlan{Plan: tracker.Plan{Slug: "2024-25", Title: "x", Period: "x"}}); err == nil {
		t.Error("a second plan took the slug 2024-25")
	} else if f, _, _ := tracker.FieldOf(err); f != "slug" {
		t.Errorf("duplicate slug err = %v", err)
	}
	ps, _ := store.Priorities(ctx, next.ID)
	if len(ps) != 6 || ps[3].Slug != "digital-skills-and-leadership" {
		t.Errorf("copied priorities = %+v", ps)
	}
	if aims, _ := store.Aims(ctx, next.ID); len(aims) != 3 {
		t.Errorf("copied %d aims, want 3", len(aims))
	}

	c41, _ := store.CommitmentByRef(ctx, old.ID, "4.1")
	c42, _ := store.CommitmentByRef(ctx, old.ID, "4.2") // delivered
	c45, _ := store.CommitmentByRef(ctx, old.ID, "4.5")
	if _, err := store.CarryForward(ctx, as, next.ID, []int64{c41.ID, c42.ID}); err == nil {
		t.Error("a delivered commitment was carried forward")
	}
	copies, err := store.CarryForward(ctx, as, next.ID, []int64{c41.ID, c45.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(copies) != 2 {
		t.Fatalf("copies = %+v", copies)
	}
	new41, err := store.CommitmentByRef(ctx, next.ID, "4.1")
	if err != nil {
		t.Fatal(err)
	}
	if new41.CarriedForwardFromID == nil || *new41.CarriedForwardFromID != c41.ID || new41.Status != c41.Status ||
		new41.Due != c41.ExpectedBy() || len(new41.Leads) != 1 || new41.PriorityNumber != 4 {
		t.Errorf("new 4.1 = %+v", new41)
	}
	was41, _ := store.CommitmentByRef(ctx, old.ID, "4.1")
	if was41.Status != tracker.CarriedForward || was41.CarriedForwardToID == nil || *was41.CarriedForwardToID != new41.ID ||
		was41.StatusReason != "Carried forward to Care in the Digital Age: Delivery Plan 2024-25 as commitment 4.1." {
		t.Errorf("old 4.1 = %+v", was41)
	}
	history, _ := store.PublishedUpdates(ctx, c41.ID)
	if len(history) == 0 || history[0].Status != tracker.CarriedForward || history[0].PublishedAt == nil ||
		history[0].CarriedForwardTo != next.Title || history[0].CarriedForwardPlanID == nil || *history[0].CarriedForwardPlanID != next.ID {
		t.Errorf("old 4.1 history does not start with the carried forward update: %+v", history)
	}
	if _, err := store.CarryForward(ctx, as, next.ID, []int64{c41.ID}); err == nil {
		t.Error("4.1 was carried forward twice")
	}

	// Make it current: / now shows 2024-25, and 2023-24 is still there by its slug.
	if err := store.RetirePlan(ctx, staffActor, old.ID, old.Version, ""); err == nil {
		t.Error("the current plan was retired")
	}
	if err := store.MakeCurrent(ctx, staffActor, next.ID, next.Version, ""); err != nil {
		t.Fatal(err)
	}
	current, _ := store.CurrentPlan(ctx)
	if current.ID != next.ID {
		t.Errorf("current plan = %s", current.Slug)
	}
	if p, err := store.PlanBySlug(ctx, "2023-24"); err != nil || p.IsCurrent {
		t.Errorf("2023-24 after the switch = %+v, %v", p, err)
	}
	if err := store.MakeCurrent(ctx, staffActor, next.ID, next.Version, ""); !errors.Is(err, tracker.ErrConflict) {
		t.Errorf("make current at an old version err = %v", err)
	}
}

func TestImportRoundTripAndConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store := postgres.New(pool)
	plan, _, _ := seedPlan(t, store)

	cs, err := store.Commitments(ctx, postgres.CommitmentFilter{PlanID: plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if err := plancsv.Write(&file, cs); err != nil {
		t.Fatal(err)
	}
	rows, errs := plancsv.Read(bytes.NewReader(file.Bytes()))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	target, fingerprint, err := store.ImportPlan(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	preview, errs := plancsv.Compare(rows, target)
	if len(errs) > 0 || !preview.Empty() || len(preview.Unchanged) != 6 {
		t.Fatalf("re-importing the seeded plan's export: errors %v, preview %+v", errs, preview)
	}

	// Change a deadline, add a commitment.
	edited := bytes.Replace(file.Bytes(), []byte("September 2024"), []byte("October 2024"), 1)
	edited = append(edited, []byte("4.6,4,A new one,,NES,NES,June 2025,\n")...)
	rows, errs = plancsv.Read(bytes.NewReader(edited))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	preview, errs = plancsv.Compare(rows, target)
	if len(errs) > 0 || len(preview.Create) != 1 || len(preview.Change) != 1 || preview.Change[0].After.Ref != "4.2" {
		t.Fatalf("preview = %+v, errors %v", preview, errs)
	}

	// Someone edits 4.1 between the preview and the import: nothing is written.
	c41, _ := store.CommitmentByRef(ctx, plan.ID, "4.1")
	c41.Deliver += " (edited)"
	if _, err := store.UpdateCommitment(ctx, staffActor, c41); err != nil {
		t.Fatal(err)
	}
	if err := store.ImportCommitments(ctx, staffActor, plan.ID, preview, fingerprint); !errors.Is(err, tracker.ErrConflict) {
		t.Fatalf("import after a change err = %v, want ErrConflict", err)
	}
	if _, err := store.CommitmentByRef(ctx, plan.ID, "4.6"); !errors.Is(err, tracker.ErrNotFound) {
		t.Error("a refused import created 4.6")
	}

	target, fingerprint, _ = store.ImportPlan(ctx, plan.ID)
	preview, _ = plancsv.Compare(rows, target)
	if err := store.ImportCommitments(ctx, staffActor, plan.ID, preview, fingerprint); err != nil {
		t.Fatal(err)
	}
	c42, _ := store.CommitmentByRef(ctx, plan.ID, "4.2")
	if c42.Due != (tracker.Month{Year: 2024, Month: time.October}) {
		t.Errorf("4.2 due = %v after import", c42.Due)
	}
	if _, err := store.CommitmentByRef(ctx, plan.ID, "4.6"); err != nil {
		t.Errorf("4.6 not created: %v", err)
	}
	d := auditDetails(t, pool, "plan.import", itoa(plan.ID))
	if created := d["created"].([]any); len(created) != 1 || created[0] != "4.6" {
		t.Errorf("import audit = %v", d)
	}
	// The file's 4.1 undoes the edit made meanwhile: that is what the second preview showed.
	if c41, _ := store.CommitmentByRef(ctx, plan.ID, "4.1"); c41.Deliver != cs[0].Deliver {
		t.Errorf("4.1 = %q", c41.Deliver)
	}
}

func TestRoundsAndCoverage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store, clock := storeAt(pool, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	plan, _, orgs := seedPlan(t, store)
	opens := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	r, err := store.CreateRound(ctx, staffActor, tracker.Round{PlanID: plan.ID, Name: "Q3 2026-27", Opens: opens,
		Deadline: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC), RemindBefore: []int{7}, RemindAfter: []int{3}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateRound(ctx, staffActor, tracker.Round{PlanID: plan.ID, Name: "Q4 2026-27", Opens: opens, Deadline: opens}); err == nil {
		t.Error("a second unclosed round was opened")
	} else if f, _, _ := tracker.FieldOf(err); f != "plan" {
		t.Errorf("second round err = %v", err)
	}
	got, err := store.OpenRound(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Q3 2026-27" || !slices.Equal(got.RemindBefore, []int{7}) || !got.Deadline.Equal(r.Deadline) {
		t.Errorf("open round = %+v", got)
	}
	clock.Set(time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC))
	if _, err := store.OpenRound(ctx, plan.ID); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("round open before its first day: %v", err)
	}
	clock.Set(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))

	// 4.3 (NES and others) is reported on in the round; 4.1's update was submitted before it opened.
	c41, _ := store.CommitmentByRef(ctx, plan.ID, "4.1")
	c43, _ := store.CommitmentByRef(ctx, plan.ID, "4.3")
	nes, lgdo := orgs["NES"].ID, orgs["LGDO"].ID
	for _, u := range []struct {
		id    int64
		state string
		org   int64
		at    time.Time
	}{
		{c41.ID, "submitted", nes, time.Date(2026, 9, 30, 22, 0, 0, 0, time.UTC)}, // 23:00 on 30 September in London
		{c43.ID, "submitted", nes, time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)},
		{c41.ID, "draft", lgdo, time.Date(2026, 10, 3, 9, 0, 0, 0, time.UTC)},
	} {
		if _, err := pool.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, organisation_id, submitted_at)
			VALUES ($1, $2, 'on_track', $3, $4)`, u.id, u.state, u.org, u.at); err != nil {
			t.Fatal(err)
		}
	}
	cov, err := store.Coverage(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var needing, reported []string
	for _, c := range cov.Commitments {
		needing = append(needing, c.Commitment.Ref)
		if c.Reported() {
			reported = append(reported, c.Commitment.Ref)
		}
	}
	// 4.2 and 5.1 are delivered.
	if !slices.Equal(needing, []string{"4.1", "4.3", "4.4", "4.5"}) || !slices.Equal(reported, []string{"4.3"}) {
		t.Errorf("needing %q, reported %q", needing, reported)
	}
	for _, o := range cov.Organisations {
		if o.Organisation.Code == "NES" && (len(o.Due) != 2 || len(o.Missing) != 1 || o.Missing[0].Ref != "4.1") {
			t.Errorf("NES coverage = %+v", o)
		}
	}

	if err := store.CloseRound(ctx, staffActor, r.ID, r.Version, ""); err != nil {
		t.Fatal(err)
	}
	if err := store.CloseRound(ctx, staffActor, r.ID, r.Version, ""); !errors.Is(err, tracker.ErrConflict) {
		t.Errorf("closing twice err = %v", err)
	}
	next, err := store.CreateRound(ctx, staffActor, tracker.Round{PlanID: plan.ID, Name: "Q4 2026-27",
		Opens: time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	// Q3 now ends when Q4 opens: 4.3's update on 2 October counts for Q4, not Q3.
	old, _ := store.RoundByID(ctx, r.ID)
	if old.Ends == nil || !old.Ends.Equal(next.Opens) {
		t.Errorf("Q3 ends = %v, want %v", old.Ends, next.Opens)
	}
	if rep, _ := store.ReportedInRound(ctx, old); len(rep) != 0 {
		t.Errorf("Q3 reported = %v, want none once Q4 opened on the day of 4.3's update", rep)
	}
}

func TestDeliverNextOncePerEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	store, _ := storeAt(dbtest.Pool(t), now)
	for i := range 20 {
		ok, err := store.Enqueue(ctx, tracker.Email{Kind: "test", Recipient: "p@example.org", Subject: "s", Body: "b", NotBefore: now},
			"key-"+itoa(int64(i)))
		if err != nil || !ok {
			t.Fatalf("enqueue %d: %v %v", i, ok, err)
		}
	}
	if ok, err := store.Enqueue(ctx, tracker.Email{Kind: "test", Recipient: "p@example.org", Subject: "s", Body: "b"}, "key-3"); ok || err != nil {
		t.Errorf("enqueue of a duplicate key = %v, %v; want false", ok, err)
	}
	var mu sync.Mutex
	sent := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				found, err := store.DeliverNext(ctx, func(_ context.Context, e tracker.Email) postgres.Delivery {
					mu.Lock()
					sent[e.ID]++
					mu.Unlock()
					return postgres.Delivery{Status: tracker.EmailSent}
				})
				if err != nil {
					t.Error(err)
					return
				}
				if !found {
					return
				}
			}
		})
	}
	wg.Wait()
	if len(sent) != 20 {
		t.Errorf("%d emails sent, want 20", len(sent))
	}
	for id, n := range sent {
		if n != 1 {
			t.Errorf("email %d sent %d times", id, n)
		}
	}
	es, total, err := store.Outbox(ctx, postgres.OutboxFilter{Status: tracker.EmailSent})
	if err != nil || total != 20 || len(es) != 20 || es[0].SentAt == nil || es[0].Attempts != 1 {
		t.Errorf("outbox sent = %d (%d), %v", total, len(es), err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
