package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// actionsOf returns the actions of the entries, in order.
func actionsOf(entries []postgres.AuditRecord) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Action)
	}
	return out
}

func TestAuditLogFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	// Each entry a day after the one before, from 1 December 2026 at noon.
	store, clock := storeAt(pool, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	plan, _, orgs := seedPlan(t, store)
	nes := orgs["NES"]
	c, err := store.CommitmentByRef(ctx, plan.ID, "4.2")
	if err != nil {
		t.Fatal(err)
	}
	alice := tracker.Actor{Label: "alice@example.com", RemoteAddr: "192.0.2.1"}
	bob := tracker.Actor{Label: "bob@example.com", RemoteAddr: "192.0.2.2"}
	steps := []struct {
		actor tracker.Actor
		entry postgres.AuditEntry
	}{
		{alice, postgres.AuditEntry{Action: "organisation.update", RecordType: "organisation", RecordID: postgres.RecordRef(nes.ID)}},
		{bob, postgres.AuditEntry{Action: "commitment.update", RecordType: "commitment", RecordID: postgres.RecordRef(c.ID)}},
		{alice, postgres.AuditEntry{Action: "commitment.update", RecordType: "commitment", RecordID: postgres.RecordRef(c.ID)}},
		{bob, postgres.AuditEntry{Action: "plan.update", RecordType: "plan", RecordID: postgres.RecordRef(plan.ID)}},
	}
	for _, s := range steps {
		if err := store.Audit(ctx, s.actor, s.entry); err != nil {
			t.Fatal(err)
		}
		clock.Advance(24 * time.Hour)
	}
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	period := func(from, to int) tracker.AuditPeriod { return tracker.AuditPeriod{From: day(from), To: day(to)} }
	tests := []struct {
		name string
		f    postgres.AuditFilter
		want []string
	}{
		{"by person", postgres.AuditFilter{Actor: "ALICE@example.com"}, []string{"commitment.update", "organisation.update"}},
		{"by action", postgres.AuditFilter{Action: "commitment.update"}, []string{"commitment.update", "commitment.update"}},
		{"by action and person", postgres.AuditFilter{Action: "commitment.update", Actor: "bob@example.com"}, []string{"commitment.update"}},
		{"by record ID", postgres.AuditFilter{RecordType: "commitment", RecordID: postgres.RecordRef(c.ID)}, []string{"commitment.update", "commitment.update"}},
		{"by commitment reference", postgres.AuditFilter{RecordType: "commitment", RecordID: "4.2"}, []string{"commitment.update", "commitment.update"}},
		{"by organisation code", postgres.AuditFilter{RecordType: "organisation", RecordID: "nes"}, []string{"organisation.update"}},
		{"by plan address", postgres.AuditFilter{RecordType: "plan", RecordID: plan.Slug}, []string{"plan.update"}},
		{"by kind of record", postgres.AuditFilter{RecordType: "plan"}, []string{"plan.update"}},
		{"from a day to a day, both whole", postgres.AuditFilter{Since: period(2, 3).Since(), Until: period(2, 3).Until()}, []string{"commitment.update", "commitment.update"}},
		{"from a day on", postgres.AuditFilter{Since: period(4, 4).Since()}, []string{"plan.update"}},
		{"until a day", postgres.AuditFilter{Until: period(1, 1).Until(), RecordType: "organisation"}, []string{"organisation.update"}},
		{"nothing matches", postgres.AuditFilter{Action: "commitment.update", Since: period(4, 4).Since()}, nil},
	}
	for _, tt := range tests {
		page, err := store.AuditLog(ctx, tt.f)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := actionsOf(page.Entries); !slices.Equal(got, tt.want) {
			t.Errorf("%s: actions %q, want %q", tt.name, got, tt.want)
		}
		if page.Matching != len(tt.want) || page.Capped {
			t.Errorf("%s: %d matching (capped %v), want %d", tt.name, page.Matching, page.Capped, len(tt.want))
		}
	}

	// The records and people the entries name, by name, as they are now.
	names, err := store.AuditNames(ctx, []tracker.RecordKey{{Kind: "organisation", ID: postgres.RecordRef(nes.ID)},
		{Kind: "commitment", ID: postgres.RecordRef(c.ID)}, {Kind: "plan", ID: postgres.RecordRef(plan.ID)},
		{Kind: "plan", ID: "999999"}, {Kind: "nothing", ID: "1"}, {Kind: "user", ID: "not a number"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names[tracker.RecordKey{Kind: "organisation", ID: postgres.RecordRef(nes.ID)}]; got != nes.Name {
		t.Errorf("organisation's name = %q, want %q", got, nes.Name)
	}
	if got := names[tracker.RecordKey{Kind: "plan", ID: postgres.RecordRef(plan.ID)}]; got != plan.Title {
		t.Errorf("plan's name = %q, want %q", got, plan.Title)
	}
	if got := names[tracker.RecordKey{Kind: "commitment", ID: postgres.RecordRef(c.ID)}]; len(got) < 10 || got[:4] != "4.2 " {
		t.Errorf("commitment's name = %q, want its reference and what it delivers", got)
	}
	if len(names) != 3 {
		t.Errorf("names = %v, want only the three records that exist", names)
	}
	actions, err := store.AuditActions(ctx)
	if err != nil || !slices.Contains(actions, "commitment.update") || !slices.Contains(actions, "plan.update") {
		t.Errorf("AuditActions = %q, %v", actions, err)
	}
}

func TestAuditLogKeysetPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Many entries at the same instant, and some at earlier ones: the pages break ties by ID.
	store, clock := storeAt(dbtest.Pool(t), time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	for i := range 25 {
		if i%10 == 0 {
			clock.Advance(time.Minute)
		}
		if err := store.Audit(ctx, tracker.Actor{Label: "nightly"}, postgres.AuditEntry{Action: "test." + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	var older []string
	f := postgres.AuditFilter{Actor: "nightly", Limit: 10}
	var pages []postgres.AuditPage
	for {
		page, err := store.AuditLog(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page)
		older = append(older, actionsOf(page.Entries)...)
		if page.Older == nil {
			break
		}
		f.Before = page.Older
	}
	var want []string
	for i := 24; i >= 0; i-- {
		want = append(want, "test."+strconv.Itoa(i))
	}
	if !slices.Equal(older, want) {
		t.Fatalf("paging older: %q, want %q", older, want)
	}
	if len(pages) != 3 || pages[0].Newer != nil || pages[1].Newer == nil || pages[0].Matching != 25 {
		t.Fatalf("pages: %d, first newer %v, second newer %v, matching %d", len(pages), pages[0].Newer, pages[1].Newer, pages[0].Matching)
	}
	// Back from the last page: the same pages, newest first.
	back, err := store.AuditLog(ctx, postgres.AuditFilter{Actor: "nightly", Limit: 10, After: pages[2].Newer})
	if err != nil {
		t.Fatal(err)
	}
	if got := actionsOf(back.Entries); !slices.Equal(got, actionsOf(pages[1].Entries)) || back.Newer == nil || back.Older == nil {
		t.Errorf("newer page from the last: %q (newer %v, older %v), want %q", got, back.Newer, back.Older, actionsOf(pages[1].Entries))
	}
	first, err := store.AuditLog(ctx, postgres.AuditFilter{Actor: "nightly", Limit: 10, After: back.Newer})
	if err != nil {
		t.Fatal(err)
	}
	if got := actionsOf(first.Entries); !slices.Equal(got, want[:10]) || first.Newer != nil {
		t.Errorf("newest page, reached going back: %q (newer %v)", got, first.Newer)
	}
	// A cursor survives its trip through an address.
	c, ok := postgres.ParseAuditCursor(pages[0].Older.String())
	if !ok || !c.At.Equal(pages[0].Older.At) || c.ID != pages[0].Older.ID {
		t.Errorf("cursor %v read back as %v, %v", pages[0].Older, c, ok)
	}
	for _, bad := range []string{"", "1", "x.1", "1.x", "1.0", "-5.3"} {
		if _, ok := postgres.ParseAuditCursor(bad); ok {
			t.Errorf("ParseAuditCursor(%q) accepted", bad)
		}
	}
	// Every entry, a page at a time.
	var all []string
	err = store.EachAudit(ctx, postgres.AuditFilter{Actor: "nightly"}, 7, func(es []postgres.AuditRecord) error {
		all = append(all, actionsOf(es)...)
		return nil
	})
	if err != nil || !slices.Equal(all, want) {
		t.Errorf("EachAudit: %q, %v", all, err)
	}
}

func TestRestoreRetiredRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store := postgres.New(pool)
	_, _, orgs := seedPlan(t, store)
	cso := orgs["CSO"]
	if err := store.RestoreOrganisation(ctx, staffActor, cso.ID, cso.Version, "Not retired"); !errors.Is(err, tracker.ErrConflict) {
		t.Errorf("restoring an organisation in use: %v, want ErrConflict", err)
	}
	if err := store.RetireOrganisation(ctx, staffActor, cso.ID, cso.Version, "Merged"); err != nil {
		t.Fatal(err)
	}
	if err := store.RestoreOrganisation(ctx, staffActor, cso.ID, cso.Version, "Too soon"); !errors.Is(err, tracker.ErrConflict) {
		t.Errorf("restoring at the version before it was retired: %v, want ErrConflict", err)
	}
	if err := store.RestoreOrganisation(ctx, staffActor, cso.ID, cso.Version+1, "Merger called off"); err != nil {
		t.Fatal(err)
	}
	if o, err := store.OrganisationByCode(ctx, "CSO"); err != nil || o.Version != cso.Version+2 {
		t.Errorf("restored organisation = %+v, %v", o, err)
	}
	d := auditDetails(t, pool, "organisation.restore", postgres.RecordRef(cso.ID))
	if d["reason"] != "Merger called off" {
		t.Errorf("audit details = %v", d)
	}
	if err := store.RestoreOrganisation(ctx, staffActor, 999999, 1, ""); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("restoring no organisation: %v", err)
	}

	// A plan that is not current.
	old, err := store.CreatePlan(ctx, staffActor, postgres.NewPlan{Plan: tracker.Plan{Slug: "2022-23", Title: "Old plan", Period: "2022-23"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.RetirePlan(ctx, staffActor, old.ID, old.Version, "Superseded"); err != nil {
		t.Fatal(err)
	}
	retired, err := store.RetiredPlans(ctx)
	if err != nil || len(retired) != 1 || retired[0].ID != old.ID {
		t.Fatalf("retired plans = %v, %v", retired, err)
	}
	p, err := store.RetiredPlanBySlug(ctx, "2022-23")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.RestorePlan(ctx, staffActor, p.ID, p.Version, "Still reported on"); err != nil {
		t.Fatal(err)
	}
	if p, err := store.PlanBySlug(ctx, "2022-23"); err != nil || p.IsCurrent {
		t.Errorf("restored plan = %+v, %v; want it back, not current", p, err)
	}
	if _, err := store.RetiredPlanBySlug(ctx, "2022-23"); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("restored plan is still retired: %v", err)
	}
	// The audit log's chain holds.
	chain, err := store.VerifyAuditChain(ctx)
	if err != nil || chain.Break != nil {
		t.Errorf("audit chain: %+v, %v", chain, err)
	}
}
