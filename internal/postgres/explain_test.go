package postgres_test

import (
	"context"
	"encoding/json"
	"errors"

	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/demo"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// EnvExplainURL names a database that already holds the synthetic plan (portal demo-data) on
// which TestListQueriesUseIndexes checks the plans, instead of loading a smaller one of its own:
// make bench runs it on the national-scale database.
const EnvExplainURL = "EXPLAIN_DATABASE_URL"

// bigTables are the tables that grow with every plan and every update: no list query may read
// them whole.
var bigTables = map[string]bool{"commitments": true, "updates": true, "audit_log": true, "commitment_last_reports": true,
	"commitment_terms": true}

// recorder is a pgx tracer that keeps every query a connection sends, with its arguments.
type recorder struct {
	mu      sync.Mutex
	queries []recorded
}

type recorded struct {
	sql  string
	args []any
}

func (r *recorder) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	sql, args := data.SQL, data.Args
	if len(args) > 0 {
		if rw, ok := args[0].(pgx.QueryRewriter); ok {
			var err error
			if sql, args, err = rw.RewriteQuery(ctx, conn, sql, args[1:]); err != nil {
				return ctx
			}
		}
	}
	r.mu.Lock()
	r.queries = append(r.queries, recorded{sql, args})
	r.mu.Unlock()
	return ctx
}

func (r *recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// The queries of a batch are recorded as the queries they are.
func (r *recorder) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (r *recorder) TraceBatchQuery(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchQueryData) {
	r.TraceQueryStart(ctx, conn, pgx.TraceQueryStartData{SQL: data.SQL, Args: data.Args})
}

func (r *recorder) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (r *recorder) take() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	q := r.queries
	r.queries = nil
	return q
}

// explainDatabase returns the URL of a database holding the synthetic plan: EXPLAIN_DATABASE_URL,
// or a fresh test database loaded with a few thousand commitments and a hundred thousand updates,
// enough that reading a whole big table costs the planner far more than an index.
func explainDatabase(t *testing.T) string {
	if url := os.Getenv(EnvExplainURL); url != "" {
		return url
	}
	url := dbtest.URL(t)
	pool := dbtest.Connect(t, url)
	o := demo.Options{Commitments: 2000, Updates: 100_000, Organisations: 60, Priorities: 8, AuditEntries: 20_000}
	if _, err := demo.Load(context.Background(), pool, o); err != nil {
		t.Fatal(err)
	}
	return url
}

// TestListQueriesUseIndexes runs every list query the store issues, for the seed plan and for a
// synthetic plan of thousands of commitments, and checks with EXPLAIN that none reads
// commitments, updates or the audit log from end to end. Add each new list query to calls.
func TestListQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := explainDatabase(t)
	rec := &recorder{}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = rec
	traced, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer traced.Close()
	// Explain on a connection set up as the portal's are (postgres.Open), so that the planner
	// weighs the plans as it does for the portal.
	plain, err := postgres.Open(ctx, url, postgres.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := postgres.ApplySettings(ctx, plain, postgres.Config{}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	store := postgres.New(traced, postgres.WithClock(func() time.Time { return now }))

	seed, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	synthetic, err := store.PlanBySlug(ctx, demo.PlanSlug)
	if err != nil {
		t.Fatal(err)
	}

	// A call marked planWide reads every commitment of a plan by its nature, such as the counts by
	// status: on the synthetic plan, which is nearly the whole table, reading the table is the
	// right plan, so only the seed plan, a small plan in a big table, is checked. A call with
	// wholeTable exempts its queries that start so and have no WHERE: they count or read a whole
	// table by definition.
	type call struct {
		name       string
		run        func(plan tracker.Plan) error
		planWide   bool
		wholeTable string
	}
	calls := []call{
		{name: "plans", run: func(tracker.Plan) error { _, err := store.Plans(ctx); return err }},
		{name: "aims", run: func(p tracker.Plan) error { _, err := store.Aims(ctx, p.ID); return err }},
		{name: "priorities", run: func(p tracker.Plan) error { _, err := store.Priorities(ctx, p.ID); return err }},
		{name: "status counts", planWide: true, run: func(p tracker.Plan) error { _, err := store.StatusCounts(ctx, p.ID); return err }},
		{name: "organisations", run: func(tracker.Plan) error { _, err := store.Organisations(ctx); return err }},
		{name: "commitments of a priority area", run: func(p tracker.Plan) error {
			ps, err := store.Priorities(ctx, p.ID)
			if err != nil || len(ps) == 0 {
				return err
			}
			rec.take()
			_, err = store.Commitments(ctx, postgres.CommitmentFilter{PlanID: p.ID, PriorityID: ps[len(ps)-1].ID})
			return err
		}},
		{name: "a later page of a priority area", run: func(p tracker.Plan) error {
			ps, err := store.Priorities(ctx, p.ID)
			if err != nil || len(ps) == 0 {
				return err
			}
			rec.take()
			_, err = store.Commitments(ctx, postgres.CommitmentFilter{PlanID: p.ID, PriorityID: ps[len(ps)-1].ID, Limit: 50, Offset: 100})
			return err
		}},
		{name: "commitments of an organisation", run: func(p tracker.Plan) error {
			code := "NES"
			if p.Slug == demo.PlanSlug {
				code = "DEMO-7"
			}
			o, err := store.OrganisationByCode(ctx, code)
			if err != nil {
				return err
			}
			rec.take()
			_, err = store.Commitments(ctx, postgres.CommitmentFilter{PlanID: p.ID, OrganisationID: o.ID})
			return err
		}},
		{name: "commitment by ref", run: func(p tracker.Plan) error {
			ref := "4.2"
			if p.Slug == demo.PlanSlug {
				ref = "3.17"
			}
			_, err := store.CommitmentByRef(ctx, p.ID, ref)
			return err
		}},
		{name: "published history", run: func(p tracker.Plan) error {
			ref := "4.2"
			if p.Slug == demo.PlanSlug {
				ref = "3.17"
			}
			c, err := store.CommitmentByRef(ctx, p.ID, ref)
			if err != nil {
				return err
			}
			rec.take()
			_, err = store.PublishedUpdates(ctx, c.ID)
			return err
		}},
		{name: "data version", run: func(tracker.Plan) error { _, err := store.DataVersion(ctx); return err }},
		{name: "review queue", run: func(tracker.Plan) error { _, _, err := store.ReviewQueue(ctx, 100); return err }},
		{name: "dashboard lists", planWide: true, run: func(p tracker.Plan) error { _, err := store.DashboardLists(ctx, p.ID, 50); return err }},
		{name: "dashboard queue", run: func(p tracker.Plan) error { _, err := store.DashboardQueue(ctx, p.Slug, 20); return err }},
		{name: "open updates of an organisation", run: func(p tracker.Plan) error {
			o, err := store.OrganisationByCode(ctx, leadCode(p))
			if err != nil {
				return err
			}
			rec.take()
			_, err = store.OrganisationOpenUpdates(ctx, o.ID)
			return err
		}},
		{name: "open update of a partner", run: func(p tracker.Plan) error {
			o, err := store.OrganisationByCode(ctx, leadCode(p))
			if err != nil {
				return err
			}
			c, err := store.CommitmentByRef(ctx, p.ID, someRef(p))
			if err != nil {
				return err
			}
			rec.take()
			partner := &tracker.User{ID: 1, Role: tracker.RolePartner, OrganisationID: &o.ID}
			if _, err := store.OpenUpdate(ctx, c.ID, partner); err != nil && !errors.Is(err, tracker.ErrNotFound) {
				return err
			}
			_, err = store.OpenUpdates(ctx, partner)
			return err
		}},
		{name: "submission mark", run: func(p tracker.Plan) error {
			c, err := store.CommitmentByRef(ctx, p.ID, someRef(p))
			if err != nil {
				return err
			}
			rec.take()
			_, err = store.SubmissionMark(ctx, c.ID)
			return err
		}},
		{name: "audit log", run: func(tracker.Plan) error {
			_, err := store.AuditLog(ctx, postgres.AuditFilter{})
			return err
		}},
		{name: "audit log, later page", run: func(tracker.Plan) error {
			_, err := store.AuditLog(ctx, postgres.AuditFilter{Before: &postgres.AuditCursor{At: now.AddDate(0, 0, -30), ID: 1 << 40}})
			return err
		}},
		{name: "audit log, newer page", run: func(tracker.Plan) error {
			_, err := store.AuditLog(ctx, postgres.AuditFilter{After: &postgres.AuditCursor{At: now.AddDate(0, 0, -30), ID: 1}})
			return err
		}},
		{name: "audit log of a user by address", run: func(tracker.Plan) error {
			_, err := store.AuditLog(ctx, postgres.AuditFilter{Actor: "Demo-Staff-3@example.invalid"})
			return err
		}},
		{name: "audit log of a user", run: func(tracker.Plan) error {
			_, err := store.AuditLog(ctx, postgres.AuditFilter{ActorID: 5})
			return err
		}},
		{name: "audit log of a record", run: func(tracker.Plan) error {
			_, err := store.AuditLog(ctx, postgres.AuditFilter{RecordType: "update", RecordID: "8"})
			return err
		}},
		{name: "audit log of an action in a week", run: func(tracker.Plan) error {
			_, err := store.AuditLog(ctx, postgres.AuditFilter{Action: "update.publish", Since: now.AddDate(0, 0, -14), Until: now.AddDate(0, 0, -7)})
			return err
		}},
		{name: "audit actions", run: func(tracker.Plan) error { _, err := store.AuditActions(ctx); return err }},
		{name: "audit record types", run: func(tracker.Plan) error { _, err := store.AuditRecordTypes(ctx); return err }},
		{name: "users", run: func(tracker.Plan) error { _, err := store.Users(ctx); return err }},
		{name: "reported in a round", planWide: true, run: func(p tracker.Plan) error {
			ends := now.AddDate(0, -1, 0)
			_, err := store.ReportedInRound(ctx, tracker.Round{ID: 1, PlanID: p.ID, Opens: now.AddDate(0, -4, 0), Ends: &ends})
			return err
		}},
		{name: "updates in a round", planWide: true, run: func(p tracker.Plan) error {
			ends := now.AddDate(0, -1, 0)
			_, err := store.RoundUpdates(ctx, tracker.Round{ID: 1, PlanID: p.ID, Opens: now.AddDate(0, -4, 0), Ends: &ends})
			return err
		}},
		{name: "partners of organisations", run: func(tracker.Plan) error {
			_, err := store.Partners(ctx, []int64{1, 2, 3})
			return err
		}},
		{name: "rounds", run: func(tracker.Plan) error { _, err := store.Rounds(ctx); return err }},
		{name: "outbox", run: func(tracker.Plan) error { _, _, err := store.Outbox(ctx, postgres.OutboxFilter{Limit: 50}); return err }},
		{name: "open data version", run: func(p tracker.Plan) error {
			_, err := store.OpenDataVersion(ctx, p.ID)
			return err
		}},
		{name: "expected month counts", run: func(p tracker.Plan) error { _, err := store.ExpectedMonthCounts(ctx, p.ID, 0); return err }},
		{name: "expected month counts of a priority area", run: func(p tracker.Plan) error {
			ps, err := store.Priorities(ctx, p.ID)
			if err != nil || len(ps) == 0 {
				return err
			}
			rec.take()
			_, err = store.ExpectedMonthCounts(ctx, p.ID, ps[len(ps)-1].ID)
			return err
		}},
		{name: "lead organisations", run: func(p tracker.Plan) error { _, err := store.LeadOrganisations(ctx, p.ID); return err }},
		{name: "feed of a plan", run: func(p tracker.Plan) error {
			_, err := store.FeedUpdates(ctx, postgres.UpdateFilter{PlanID: p.ID}, 50)
			return err
		}},
		{name: "feed of a commitment", run: func(p tracker.Plan) error {
			c, err := store.CommitmentByRef(ctx, p.ID, someRef(p))
			if err != nil {
				return err
			}
			rec.take()
			_, err = store.FeedUpdates(ctx, postgres.UpdateFilter{PlanID: p.ID, CommitmentID: c.ID}, 50)
			return err
		}},
		{name: "when a plan changed", planWide: true, run: func(p tracker.Plan) error {
			_, err := store.PlanChanged(ctx, p.ID)
			return err
		}},
		{name: "a commitment's history, amendments and when it changed", run: func(p tracker.Plan) error {
			c, err := store.CommitmentByRef(ctx, p.ID, someRef(p))
			if err != nil {
				return err
			}
			rec.take()
			_, err = store.CommitmentRecord(ctx, c.ID, 20, 0)
			return err
		}},
		{name: "export of every commitment", planWide: true, run: func(p tracker.Plan) error {
			return store.EachCommitment(ctx, postgres.CommitmentSearch{PlanID: p.ID, Sort: postgres.SortDue},
				func(tracker.Commitment) error { return nil })
		}},
	}
	// The finder's first page, and its export, for each kind of filter.
	for _, f := range []struct {
		name string
		q    postgres.CommitmentSearch
		org  bool // led by an organisation that leads commitments of the plan
	}{
		{"all, by ref", postgres.CommitmentSearch{}, false},
		{"all, by due date", postgres.CommitmentSearch{Sort: postgres.SortDue}, false},
		{"all, last updated first", postgres.CommitmentSearch{Sort: postgres.SortUpdated}, false},
		// A word no commitment has, and one a good part of the synthetic plan's commitments have
		// in their own words or their updates' narratives.
		{"search text", postgres.CommitmentSearch{Text: "hippogriffs", Sort: postgres.SortRelevance}, false},
		{"search a common word", postgres.CommitmentSearch{Text: "telehealth", Sort: postgres.SortRelevance}, false},
		{"a ref", postgres.CommitmentSearch{Text: "3.17", Sort: postgres.SortRelevance}, false},
		// Plain words are looked up in commitment_terms.
		{"search a word in nearly every commitment", postgres.CommitmentSearch{Text: "digital", Sort: postgres.SortRelevance}, false},
		{"search a word, with a status", postgres.CommitmentSearch{Text: "telehealth", Sort: postgres.SortRelevance,
			Statuses: []tracker.Status{tracker.OnTrack}}, false},
		{"search two words", postgres.CommitmentSearch{Text: "cyber resilience", Sort: postgres.SortRelevance}, false},
		{"search two words, with a status", postgres.CommitmentSearch{Text: "cyber resilience", Sort: postgres.SortRelevance,
			Statuses: []tracker.Status{tracker.OnTrack}}, false},
		{"a status", postgres.CommitmentSearch{Statuses: []tracker.Status{tracker.Delayed}}, false},
		{"overdue", postgres.CommitmentSearch{Overdue: true, Sort: postgres.SortDue}, false},
		{"update due", postgres.CommitmentSearch{UpdateDue: true, Sort: postgres.SortUpdated}, false},
		{"due in a quarter", postgres.CommitmentSearch{DueFrom: &tracker.Month{Year: 2026, Month: time.April}, DueTo: &tracker.Month{Year: 2026, Month: time.June}}, false},
		{"a lead organisation", postgres.CommitmentSearch{}, true},
		{"a lead organisation, with a status", postgres.CommitmentSearch{Statuses: []tracker.Status{tracker.OnTrack}}, true},
	} {
		calls = append(calls, call{name: "finder: " + f.name, run: func(p tracker.Plan) error {
			q := f.q
			q.PlanID = p.ID
			if f.org {
				if err := plain.QueryRow(ctx, `SELECT clo.organisation_id FROM commitment_lead_organisations clo
					JOIN commitment_leads l ON l.id = clo.lead_id JOIN commitments c ON c.id = l.commitment_id
					WHERE c.plan_id = $1 ORDER BY c.id LIMIT 1`, p.ID).Scan(&q.OrganisationID); err != nil {
					return err
				}
			}
			if _, err := store.SearchCommitments(ctx, q, 25, 0); err != nil {
				return err
			}
			if q.CountsApart() {
				// The count the finder keeps for the search.
				if _, err := store.CountSearch(ctx, q); err != nil {
					return err
				}
			}
			if q.Text == "" && len(q.Statuses) == 0 && !q.Overdue && !q.UpdateDue && q.DueFrom == nil {
				return nil // an export of the whole plan: see "export of every commitment"
			}
			return store.EachCommitment(ctx, q, func(tracker.Commitment) error { return nil })
		}})
	}

	for _, plan := range []tracker.Plan{seed, synthetic} {
		for _, c := range calls {
			t.Run(plan.Slug+"/"+c.name, func(t *testing.T) {
				rec.take()
				if err := c.run(plan); err != nil {
					t.Fatal(err)
				}
				queries := rec.take()
				if len(queries) == 0 {
					t.Fatal("the call sent no query")
				}
				if c.planWide && plan.Slug == demo.PlanSlug {
					t.Skip("reads the whole plan, which is nearly the whole table: checked on the seed plan")
				}
				for _, q := range queries {
					if c.wholeTable != "" && strings.HasPrefix(strings.TrimSpace(q.sql), c.wholeTable) &&
						!strings.Contains(q.sql, "WHERE") {
						continue
					}
					scans, text := seqScans(t, plain, q)
					if len(scans) > 0 {
						t.Errorf("sequential scan of %s in\n%s\nplan:\n%s", strings.Join(scans, ", "), q.sql, text)
					}
				}
			})
		}
	}
}

// leadCode is an organisation that leads commitments of the plan.
func leadCode(p tracker.Plan) string {
	if p.Slug == demo.PlanSlug {
		return "DEMO-7"
	}
	return "NES"
}

// someRef is a commitment of the plan.
func someRef(p tracker.Plan) string {
	if p.Slug == demo.PlanSlug {
		return "3.17"
	}
	return "4.2"
}

// seqScans explains the query with its arguments and returns the big tables its plan reads
// sequentially, with the plan as JSON.
func seqScans(t *testing.T, pool *pgxpool.Pool, q recorded) ([]string, string) {
	t.Helper()
	var out []byte
	if err := pool.QueryRow(context.Background(), "EXPLAIN (FORMAT JSON) "+q.sql, q.args...).Scan(&out); err != nil {
		t.Fatalf("explain %s: %v", q.sql, err)
	}
	var plans []struct{ Plan planNode }
	if err := json.Unmarshal(out, &plans); err != nil {
		t.Fatalf("explain %s: %v", q.sql, err)
	}
	var scans []string
	var walk func(n planNode)
	walk = func(n planNode) {
		if n.NodeType == "Seq Scan" && bigTables[n.RelationName] {
			scans = append(scans, n.RelationName)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	for _, p := range plans {
		walk(p.Plan)
	}
	return scans, string(out)
}

type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	Plans        []planNode `json:"Plans"`
}
