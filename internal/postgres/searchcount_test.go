package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/demo"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestCountFromMonths: a search without text, a lead organisation or "due an update" is counted
// from the plan's (or priority area's) counts by month and status exactly as the database counts
// it, for every status, priority area, span of months and overdue condition, alone and together;
// and the others are not counted from them. A priority area's page, too, is counted as its months
// add up.
func TestCountFromMonths(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := dbtest.URL(t)
	if _, err := demo.Load(ctx, dbtest.Connect(t, url), demo.Options{Commitments: 300, Updates: 1500, Organisations: 8, Priorities: 3}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	store := postgres.New(dbtest.Connect(t, url), postgres.WithClock(func() time.Time { return now }))
	plan, err := store.PlanBySlug(ctx, demo.PlanSlug)
	if err != nil {
		t.Fatal(err)
	}
	priorities, err := store.Priorities(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	from, to := tracker.MonthOf(time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)), tracker.MonthOf(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	var searches []postgres.CommitmentSearch
	for _, priority := range append([]int64{0}, priorities[0].ID, priorities[2].ID) {
		for _, statuses := range [][]tracker.Status{nil, {tracker.OnTrack}, {tracker.NoUpdate}, {tracker.Delivered, tracker.AtRisk},
			{tracker.NoUpdate, tracker.Delayed}} {
			for _, due := range [][2]*tracker.Month{{}, {&from, nil}, {nil, &to}, {&from, &to}} {
				for _, overdue := range []int{0, 1, 2} {
					searches = append(searches, postgres.CommitmentSearch{PlanID: plan.ID, PriorityID: priority, Statuses: statuses,
						DueFrom: due[0], DueTo: due[1], Overdue: overdue == 1, NotOverdue: overdue == 2})
				}
			}
		}
	}
	months := map[int64][]postgres.MonthCount{}
	counted := 0
	for _, q := range searches {
		if months[q.PriorityID] == nil {
			if months[q.PriorityID], err = store.ExpectedMonthCounts(ctx, plan.ID, q.PriorityID); err != nil {
				t.Fatal(err)
			}
		}
		got, ok := q.CountFromMonths(months[q.PriorityID], now)
		page, err := store.SearchCommitments(ctx, q, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || got != page.Total {
			t.Errorf("%s: counted from the months %d (%v), by the database %d", describe(q), got, ok, page.Total)
		}
		counted += min(page.Total, 1)
		// Told the count, the search gives it back rather than counting again.
		q.Total = &got
		if again, err := store.SearchCommitments(ctx, q, 1, 0); err != nil || again.Total != got {
			t.Errorf("%s with its total known: %d, %v", describe(q), again.Total, err)
		}
	}
	// A priority area's page is counted by the database as its counts by month add up; told the
	// total, the page gives it back.
	for _, p := range priorities {
		ms, err := store.ExpectedMonthCounts(ctx, plan.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, mc := range ms {
			sum += mc.Count
		}
		f := postgres.CommitmentFilter{PlanID: plan.ID, PriorityID: p.ID, Limit: 5}
		if _, total, err := store.CommitmentsPage(ctx, f); err != nil || total != sum || sum == 0 {
			t.Errorf("area %d: the database counts %d (%v), its months %d", p.Number, total, err, sum)
		}
		f.Total = &sum
		if cs, total, err := store.CommitmentsPage(ctx, f); err != nil || total != sum || len(cs) != 5 {
			t.Errorf("area %d told its total %d: %d commitments, total %d, %v", p.Number, sum, len(cs), total, err)
		}
	}
	if counted < len(searches)/2 {
		t.Errorf("only %d of %d searches find any commitment: the sample is too small to tell", counted, len(searches))
	}
	for _, q := range []postgres.CommitmentSearch{{PlanID: plan.ID, Text: "digital"}, {PlanID: plan.ID, OrganisationID: 1},
		{PlanID: plan.ID, UpdateDue: true}} {
		if _, ok := q.CountFromMonths(months[0], now); ok {
			t.Errorf("%s is counted from the months", describe(q))
		}
	}
}

func describe(q postgres.CommitmentSearch) string {
	s := fmt.Sprintf("priority %d, statuses %q, overdue %v, not overdue %v", q.PriorityID, q.Statuses, q.Overdue, q.NotOverdue)
	if q.DueFrom != nil {
		s += ", from " + q.DueFrom.String()
	}
	if q.DueTo != nil {
		s += ", to " + q.DueTo.String()
	}
	if q.Text != "" || q.OrganisationID != 0 || q.UpdateDue {
		s += fmt.Sprintf(", text %q, organisation %d, update due %v", q.Text, q.OrganisationID, q.UpdateDue)
	}
	return s
}
