package web

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Rendering benchmarks: each page type rendered into io.Discard from a view model the size of the
// seed plan's ("seed") and of the national-scale synthetic plan's ("national": 500 commitments
// in a priority area, 100 updates in a commitment's history). make bench runs them.

var benchPlan = tracker.Plan{ID: 1, Slug: "2023-24", Title: "Care in the Digital Age: Delivery Plan 2023-24",
	Period: "2023-24", Strategy: "Care in the Digital Age", IsCurrent: true,
	SourceURL: "https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/"}

func benchWords(n, seed int) string {
	words := strings.Fields("digital health care record platform national board patient access app referral " +
		"prescribing telehealth video identity security cloud standards consent research analytics dashboard")
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[(seed*7+i*13)%len(words)])
	}
	return b.String()
}

func benchCommitment(i int) tracker.Commitment {
	due := tracker.MonthOf(time.Date(2024, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC))
	published := time.Date(2026, 3, 1+i%28, 10, 0, 0, 0, time.UTC)
	statuses := []tracker.Status{tracker.OnTrack, tracker.AtRisk, tracker.Delayed, tracker.Delivered, tracker.NoUpdate}
	c := tracker.Commitment{ID: int64(i + 1), PlanID: 1, PriorityID: 4, PriorityNumber: 4, PrioritySlug: "digital-skills-and-leadership",
		PriorityName: "Digital Skills and Leadership", Ref: fmt.Sprintf("4.%d", i+1), Ordinal: i + 1,
		Deliver: benchWords(25, i), Why: []string{benchWords(30, i+1), benchWords(20, i+2), benchWords(25, i+3)},
		Due: due, Status: statuses[i%len(statuses)], LastPublishedAt: &published, Version: 3,
		SourceURL: benchPlan.SourceURL}
	if i%3 == 0 {
		m := tracker.MonthOf(due.First().AddDate(0, 6, 0))
		c.Expected = &m
	}
	for l := range 1 + i%3 {
		c.Leads = append(c.Leads, tracker.LeadLine{Text: benchWords(8, i+l), Organisations: []tracker.Organisation{
			{ID: int64(l + 1), Code: fmt.Sprintf("ORG-%d", l+1), Name: "Organisation " + benchWords(3, l)}}})
	}
	return c
}

func benchRows(n int) []CommitmentRow {
	rows := make([]CommitmentRow, n)
	for i := range rows {
		c := benchCommitment(i)
		rows[i] = CommitmentRow{Commitment: c, Overdue: i%4 == 1, URL: paths.Commitment(benchPlan, c.Ref)}
	}
	return rows
}

func benchHistory(n int) []tracker.Update {
	us := make([]tracker.Update, n)
	for i := range us {
		at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC).AddDate(0, 0, -7*i)
		org := int64(3)
		us[i] = tracker.Update{ID: int64(i + 1), CommitmentID: 1, CommitmentRef: "4.1", State: tracker.StatePublished,
			Status: tracker.OnTrack, Narrative: benchWords(60, i), PublishedAt: &at, OrganisationID: &org,
			OrganisationCode: "NES", OrganisationName: "NHS Education for Scotland", CreatedAt: at, UpdatedAt: at}
	}
	return us
}

func benchOverview(priorities int) Overview {
	v := Overview{Plan: benchPlan, Plans: []tracker.Plan{benchPlan}, Totals: tracker.StatusCounts{Total: 600, Overdue: 40,
		ByStatus: map[tracker.Status]int{tracker.OnTrack: 300, tracker.AtRisk: 100, tracker.Delayed: 50, tracker.Delivered: 150}}}
	for i := range 3 {
		v.Aims = append(v.Aims, tracker.Aim{Number: i + 1, Text: benchWords(40, i)})
	}
	for i := range priorities {
		v.Priorities = append(v.Priorities, PrioritySummary{
			Priority: tracker.Priority{ID: int64(i + 1), PlanID: 1, Number: i + 1, Slug: fmt.Sprintf("area-%d", i+1),
				Name: "Priority area " + benchWords(2, i), Tagline: benchWords(20, i)},
			Counts: tracker.StatusCounts{Total: 30, Overdue: 2, ByStatus: map[tracker.Status]int{tracker.OnTrack: 20, tracker.AtRisk: 10}}})
	}
	return v
}

func benchRender(b *testing.B, c templ.Component) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderOverview(b *testing.B) {
	l := LayoutProps{Title: benchPlan.Title, CurrentPath: "/"}
	b.Run("seed", func(b *testing.B) { benchRender(b, OverviewPage(l, benchOverview(6))) })
	b.Run("national", func(b *testing.B) { benchRender(b, OverviewPage(l, benchOverview(20))) })
}

func BenchmarkRenderPriority(b *testing.B) {
	l := LayoutProps{Title: "Digital Skills and Leadership", CurrentPath: "/priorities/digital-skills-and-leadership"}
	p := tracker.Priority{ID: 4, PlanID: 1, Number: 4, Slug: "digital-skills-and-leadership", Name: "Digital Skills and Leadership",
		Tagline: benchWords(20, 1), Heading: "Digital Skills and Leadership", Intro: benchWords(120, 2)}
	b.Run("seed", func(b *testing.B) {
		benchRender(b, PriorityPage(l, PriorityView{Plan: benchPlan, Priority: p, Commitments: benchRows(5)}))
	})
	b.Run("national", func(b *testing.B) {
		benchRender(b, PriorityPage(l, PriorityView{Plan: benchPlan, Priority: p, Commitments: benchRows(500)}))
	})
}

func BenchmarkRenderCommitment(b *testing.B) {
	l := LayoutProps{Title: "Commitment 4.1", CurrentPath: "/commitments/4.1"}
	row := benchRows(1)[0]
	b.Run("seed", func(b *testing.B) {
		benchRender(b, CommitmentPage(l, CommitmentView{Plan: benchPlan, Row: row, History: benchHistory(2)}))
	})
	b.Run("national", func(b *testing.B) {
		benchRender(b, CommitmentPage(l, CommitmentView{Plan: benchPlan, Row: row, History: benchHistory(100)}))
	})
}

func BenchmarkRenderOrganisation(b *testing.B) {
	l := LayoutProps{Title: "NHS Education for Scotland", CurrentPath: "/organisations/NES"}
	o := tracker.Organisation{ID: 3, Code: "NES", Name: "NHS Education for Scotland"}
	b.Run("seed", func(b *testing.B) {
		benchRender(b, OrganisationPage(l, OrganisationView{Plan: benchPlan, Organisation: o, Commitments: benchRows(3)}))
	})
	b.Run("national", func(b *testing.B) {
		benchRender(b, OrganisationPage(l, OrganisationView{Plan: benchPlan, Organisation: o, Commitments: benchRows(150)}))
	})
}

func BenchmarkRenderNotFound(b *testing.B) {
	benchRender(b, NotFoundPage(LayoutProps{CurrentPath: "/nope"}))
}

// benchFinder is the commitments finder's first page of results with the filter form's choices:
// as at national scale, 200 lead organisations and a dozen priority areas to choose from.
func benchFinder(orgs, priorities int) CommitmentsView {
	v := CommitmentsView{Plan: benchPlan, Path: paths.Commitments(benchPlan), Total: 1200, Page: 1, Pages: 48,
		Filters: FinderFilters{Statuses: []string{string(tracker.AtRisk)}}}
	for i := range priorities {
		v.PriorityOptions = append(v.PriorityOptions, Option{Value: fmt.Sprint(i + 1), Text: fmt.Sprintf("%d. Priority area %s", i+1, benchWords(3, i))})
	}
	for _, s := range []tracker.Status{tracker.NotStarted, tracker.OnTrack, tracker.AtRisk, tracker.Delayed, tracker.Delivered} {
		v.StatusOptions = append(v.StatusOptions, Option{Value: string(s), Text: s.Label()})
	}
	for i := range orgs {
		v.OrganisationOptions = append(v.OrganisationOptions, Option{Value: fmt.Sprintf("ORG-%d", i), Text: "Organisation " + benchWords(3, i)})
	}
	for y := 2023; y < 2029; y++ {
		v.DueOptions = append(v.DueOptions, Option{Value: fmt.Sprint(y), Text: fmt.Sprintf("%d-%02d", y, (y+1)%100)})
	}
	v.SortOptions = []Option{{Value: "", Text: "Reference"}, {Value: "due", Text: "Due date"}}
	for _, r := range benchRows(FinderPerPage) {
		v.Results = append(v.Results, FinderResult{CommitmentRow: r, UpdateDue: r.Commitment.ID%5 == 0})
	}
	return v
}

func BenchmarkRenderFinder(b *testing.B) {
	l := LayoutProps{Title: "Commitments", CurrentPath: paths.Commitments(benchPlan)}
	b.Run("seed", func(b *testing.B) { benchRender(b, CommitmentsPage(l, benchFinder(12, 6))) })
	b.Run("national", func(b *testing.B) { benchRender(b, CommitmentsPage(l, benchFinder(200, 11))) })
}
