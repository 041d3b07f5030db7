package postgres_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// planFile mirrors migrations/testdata/delivery-plan-2023-24.json.
type planFile struct {
	Plan struct {
		Slug, Title, Period, Published, Strategy, Source, Licence, Attribution string
	}
	Aims []struct {
		Number int
		Text   string
	}
	Priorities []struct {
		Number                 int
		Name, Tagline, Slug    string
		Intro, Heading, Source *string
		TaglinePage            *string `json:"tagline_2023_24_page"`
	}
	Organisations []struct {
		Code, Name string
		AsWritten  []string `json:"as_written"`
	}
	Commitments []struct {
		Ref               string
		Priority, Ordinal int
		Deliver           string
		Why, Leads        []string
		Due, Source       string
		LeadOrganisations []string `json:"lead_organisations"`
	}
}

// reportsFile mirrors migrations/testdata/progress-reported.json.
type reportsFile struct {
	Reports []struct {
		Ref              string
		ReportedIn       string  `json:"reported_in"`
		ReportedInPeriod string  `json:"reported_in_period"`
		Timescale        *string `json:"timescale"`
		ReportedStatus   string  `json:"reported_status"`
		Progress         *string `json:"progress"`
		Source           string
	}
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "migrations", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestSeedMatchesPublishedPlan checks, field by field, that the seeded database holds the
// published plan and the progress later plans reported, word for word.
func TestSeedMatchesPublishedPlan(t *testing.T) {
	t.Parallel()
	var want planFile
	readJSON(t, "delivery-plan-2023-24.json", &want)
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))

	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotPlan := []string{plan.Slug, plan.Title, plan.Period, plan.PublishedOn.Format("2006-01-02"), plan.Strategy,
		plan.SourceURL, plan.Licence, plan.Attribution}
	wantPlan := []string{want.Plan.Slug, want.Plan.Title, want.Plan.Period, want.Plan.Published, want.Plan.Strategy,
		want.Plan.Source, want.Plan.Licence, want.Plan.Attribution}
	if !slices.Equal(gotPlan, wantPlan) {
		t.Errorf("plan = %q,\nwant %q", gotPlan, wantPlan)
	}

	aims, err := store.Aims(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(aims) != len(want.Aims) || len(aims) != 3 {
		t.Fatalf("got %d aims, want %d", len(aims), len(want.Aims))
	}
	for i, a := range want.Aims {
		if aims[i].Number != a.Number || aims[i].Text != a.Text {
			t.Errorf("aim %d = %+v, want %+v", i, aims[i], a)
		}
	}

	priorities, err := store.Priorities(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(priorities) != len(want.Priorities) || len(priorities) != 6 {
		t.Fatalf("got %d priorities, want %d", len(priorities), len(want.Priorities))
	}
	for i, w := range want.Priorities {
		got := priorities[i]
		if got.Number != w.Number || got.Name != w.Name || got.Tagline != w.Tagline || got.Slug != w.Slug ||
			got.Intro != deref(w.Intro) || got.Heading != deref(w.Heading) || got.SourceURL != deref(w.Source) {
			t.Errorf("priority %d = %+v,\nwant %+v", w.Number, got, w)
		}
		if w.TaglinePage != nil && *w.TaglinePage != got.Tagline {
			t.Errorf("priority %d: the plan's page prints tagline %q, stored %q", w.Number, *w.TaglinePage, got.Tagline)
		}
	}

	orgs, err := store.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != len(want.Organisations) || len(orgs) != 9 {
		t.Fatalf("got %d organisations, want %d", len(orgs), len(want.Organisations))
	}
	for _, w := range want.Organisations {
		got, err := store.OrganisationByCode(ctx, w.Code)
		if err != nil {
			t.Errorf("organisation %s: %v", w.Code, err)
			continue
		}
		if got.Name != w.Name || !slices.Equal(got.AsWritten, w.AsWritten) {
			t.Errorf("organisation %s = %+v, want %+v", w.Code, got, w)
		}
	}

	all, err := store.Commitments(ctx, postgres.CommitmentFilter{PlanID: plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(want.Commitments) || len(all) != 6 {
		t.Fatalf("got %d commitments, want %d", len(all), len(want.Commitments))
	}
	for _, w := range want.Commitments {
		c, err := store.CommitmentByRef(ctx, plan.ID, w.Ref)
		if err != nil {
			t.Errorf("commitment %s: %v", w.Ref, err)
			continue
		}
		var lines []string
		for _, l := range c.Leads {
			lines = append(lines, l.Text)
		}
		switch {
		case c.PriorityNumber != w.Priority, c.Ordinal != w.Ordinal:
			t.Errorf("%s: priority %d position %d, want %d %d", w.Ref, c.PriorityNumber, c.Ordinal, w.Priority, w.Ordinal)
		case c.Deliver != w.Deliver:
			t.Errorf("%s: deliver = %q, want %q", w.Ref, c.Deliver, w.Deliver)
		case !slices.Equal(c.Why, w.Why):
			t.Errorf("%s: why = %q, want %q", w.Ref, c.Why, w.Why)
		case !slices.Equal(lines, w.Leads):
			t.Errorf("%s: lead lines = %q, want %q", w.Ref, lines, w.Leads)
		case c.Due.String() != w.Due:
			t.Errorf("%s: due = %q, want %q", w.Ref, c.Due, w.Due)
		case c.SourceURL != w.Source:
			t.Errorf("%s: source = %q, want %q", w.Ref, c.SourceURL, w.Source)
		case !slices.Equal(c.LeadOrganisationCodes(), w.LeadOrganisations):
			t.Errorf("%s: lead organisations = %q, want %q", w.Ref, c.LeadOrganisationCodes(), w.LeadOrganisations)
		}
	}
}

// TestSeedCarriesReportedProgress checks that every report from the later plans is published
// history of its commitment in the plan's own words, with no invented date, and that each
// commitment's current status follows its latest report.
func TestSeedCarriesReportedProgress(t *testing.T) {
	t.Parallel()
	var want reportsFile
	readJSON(t, "progress-reported.json", &want)
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string][]tracker.Update{}
	cs, err := store.Commitments(ctx, postgres.CommitmentFilter{PlanID: plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range cs {
		us, err := store.PublishedUpdates(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		byRef[c.Ref] = us
		total += len(us)
	}
	if total != len(want.Reports) {
		t.Fatalf("got %d published updates, want %d", total, len(want.Reports))
	}
	for _, w := range want.Reports {
		i := slices.IndexFunc(byRef[w.Ref], func(u tracker.Update) bool { return u.SourcePeriod == w.ReportedInPeriod })
		if i < 0 {
			t.Errorf("%s: no update reported in %s", w.Ref, w.ReportedInPeriod)
			continue
		}
		u := byRef[w.Ref][i]
		got := []string{u.SourceTitle, u.StatusLabel, u.Narrative, u.Timescale, u.SourceURL}
		exp := []string{w.ReportedIn, w.ReportedStatus, deref(w.Progress), deref(w.Timescale), w.Source}
		if !slices.Equal(got, exp) {
			t.Errorf("%s in %s = %q,\nwant %q", w.Ref, w.ReportedInPeriod, got, exp)
		}
		if u.PublishedAt != nil || u.AuthorID != nil {
			t.Errorf("%s in %s: published at %v by %v; a report taken from a plan has no known day or author",
				w.Ref, w.ReportedInPeriod, u.PublishedAt, u.AuthorID)
		}
		if w.Timescale != nil && (u.Expected == nil || u.Expected.String() != *w.Timescale) {
			t.Errorf("%s in %s: expected month %v, want %s", w.Ref, w.ReportedInPeriod, u.Expected, *w.Timescale)
		}
	}
	// History is newest first: the 2025-26 report before the 2024-25 one.
	if h := byRef["4.1"]; len(h) != 2 || h[0].SourcePeriod != "2025-26" || h[1].SourcePeriod != "2024-25" {
		t.Errorf("4.1 history order = %+v", h)
	}
	wantStatus := map[string]tracker.Status{
		"4.1": tracker.OnTrack, "4.2": tracker.Delivered, "4.3": tracker.OnTrack,
		"4.4": tracker.NoUpdate, "4.5": tracker.NoUpdate, "5.1": tracker.Delivered,
	}
	for _, c := range cs {
		if c.Status != wantStatus[c.Ref] {
			t.Errorf("%s status = %q, want %q", c.Ref, c.Status, wantStatus[c.Ref])
		}
		if c.Expected != nil {
			t.Errorf("%s expected month = %v, want none: no report moved a deadline", c.Ref, c.Expected)
		}
	}
}
