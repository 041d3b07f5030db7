package postgres_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestStatusCountsAtFixedDates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, clock := storeAt(dbtest.Pool(t), time.Now())
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		now           time.Time
		overdue       int
		overdueInFour int
		overdueInFive int
	}{
		// April 2024 has not passed on its last day: only 4.4 (March 2024, no update) is overdue;
		// 5.1 (March 2024) is delivered.
		{"30 April 2024", time.Date(2024, 4, 30, 12, 0, 0, 0, time.UTC), 1, 1, 0},
		// From 1 May 2024, 4.5 (April 2024, no update) is overdue too.
		{"1 May 2024", time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC), 2, 2, 0},
		// By late 2026, 4.1 (March 2026) and 4.3 (December 2025), both on track, have passed.
		{"23 November 2026", time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), 4, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Set(tt.now)
			counts, err := store.StatusCounts(ctx, plan.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := counts[0].Overdue; got != tt.overdue {
				t.Errorf("plan overdue = %d, want %d", got, tt.overdue)
			}
			if got := counts[4].Overdue; got != tt.overdueInFour {
				t.Errorf("priority 4 overdue = %d, want %d", got, tt.overdueInFour)
			}
			if got := counts[5].Overdue; got != tt.overdueInFive {
				t.Errorf("priority 5 overdue = %d, want %d", got, tt.overdueInFive)
			}
		})
	}
	clock.Set(time.Now())
	counts, err := store.StatusCounts(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	total := counts[0]
	if total.Total != 6 || total.ByStatus[tracker.OnTrack] != 2 || total.ByStatus[tracker.Delivered] != 2 ||
		total.ByStatus[tracker.NoUpdate] != 2 {
		t.Errorf("plan counts = %+v, want 6: 2 on track, 2 delivered, 2 with no update", total)
	}
	for number, want := range map[int]int{1: 0, 2: 0, 3: 0, 4: 5, 5: 1, 6: 0} {
		sc, ok := counts[number]
		if !ok {
			t.Errorf("priority %d missing from counts", number)
		}
		if sc.Total != want {
			t.Errorf("priority %d has %d commitments, want %d", number, sc.Total, want)
		}
	}
}

func TestCommitmentsByOrganisation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code string
		want []string
	}{
		{"LGDO", []string{"4.2", "4.3", "4.5"}},
		{"NES", []string{"4.1", "4.2", "4.3"}},
		{"CSO", []string{"4.5"}},
		{"SG-DHCD", []string{"4.2", "4.3", "4.5", "5.1"}},
		{"DHI", []string{"4.2", "4.5", "5.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			o, err := store.OrganisationByCode(ctx, tt.code)
			if err != nil {
				t.Fatal(err)
			}
			cs, err := store.Commitments(ctx, postgres.CommitmentFilter{PlanID: plan.ID, OrganisationID: o.ID})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.Ref)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s leads %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}

func TestLeadLinesNameTheirOrganisations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := store.CommitmentByRef(ctx, plan.ID, "4.5")
	if err != nil {
		t.Fatal(err)
	}
	line := c.Leads[1]
	if line.Text != "Scottish Government Digital Health and Care Directorate and Chief Scientist Office (CSO)" {
		t.Fatalf("second lead line of 4.5 = %q", line.Text)
	}
	var codes []string
	for _, o := range line.Organisations {
		codes = append(codes, o.Code)
	}
	if !slices.Equal(codes, []string{"SG-DHCD", "CSO"}) {
		t.Errorf("second lead line of 4.5 names %q, want SG-DHCD and CSO", codes)
	}
	none, err := store.CommitmentByRef(ctx, plan.ID, "4.4")
	if err != nil {
		t.Fatal(err)
	}
	if len(none.Leads) != 0 {
		t.Errorf("4.4 has lead lines %+v, want none", none.Leads)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]error{}
	_, checks["commitment 9.9"] = store.CommitmentByRef(ctx, plan.ID, "9.9")
	_, checks["commitment ' OR 1=1 --"] = store.CommitmentByRef(ctx, plan.ID, "' OR 1=1 --")
	_, checks["organisation NOPE"] = store.OrganisationByCode(ctx, "NOPE")
	_, checks["priority nope"] = store.PriorityBySlug(ctx, plan.ID, "nope")
	_, checks["plan 1999-00"] = store.PlanBySlug(ctx, "1999-00")
	_, checks["commitment id 0"] = store.CommitmentByID(ctx, 0)
	for name, err := range checks {
		if !errors.Is(err, tracker.ErrNotFound) {
			t.Errorf("%s: err = %v, want ErrNotFound", name, err)
		}
	}
}

func TestPublishedUpdatesAndAuditLogCannotChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	var id int64
	if err := pool.QueryRow(ctx, `SELECT id FROM updates WHERE state = 'published' LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE updates SET narrative = 'changed' WHERE id = $1`, id); err == nil {
		t.Error("a published update was changed")
	}
	if _, err := pool.Exec(ctx, `DELETE FROM updates WHERE id = $1`, id); err == nil {
		t.Error("a published update was deleted")
	}
	if _, err := pool.Exec(ctx, `INSERT INTO audit_log (action, record_type, record_id) VALUES ('test', 'plan', '1')`); err != nil {
		t.Fatalf("append to audit log: %v", err)
	}
	for _, stmt := range []string{`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := pool.Exec(ctx, stmt); err == nil {
			t.Errorf("%s succeeded on the append-only audit log", stmt)
		}
	}
}
