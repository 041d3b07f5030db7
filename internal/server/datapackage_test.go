package server_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/demo"
	"github.com/scottish-government/delivery-tracker/internal/pgdev"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
)

// frictionless returns node and the NODE_PATH under which the Frictionless libraries pinned in
// web/package.json are installed (make web-deps), skipping the test without them, or failing it
// in CI (CI=true), which must install them.
func frictionless(t *testing.T) (node, nodePath string) {
	t.Helper()
	unavailable := func(msg string) {
		if v := strings.ToLower(os.Getenv("CI")); v == "true" || v == "1" {
			t.Fatalf("%s (CI=true, so this is a failure: the CI run must install it)", msg)
		}
		t.Skip(msg)
	}
	root, err := pgdev.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	node, err = exec.LookPath("node")
	if err != nil {
		unavailable("node not found: install Node.js to validate the data package")
	}
	nodePath = filepath.Join(root, "web", "node_modules")
	for _, pkg := range []string{"datapackage", "tableschema"} {
		if _, err := os.Stat(filepath.Join(nodePath, pkg, "package.json")); err != nil {
			unavailable("web/node_modules/" + pkg + " not found: run make web-deps")
		}
	}
	return node, nodePath
}

// validation is what testdata/validate-datapackage.js found.
type validation struct {
	Errors []string       `json:"errors"`
	Rows   map[string]int `json:"rows"`
}

// validate runs the Frictionless libraries on the data package at url and every resource in it.
func validate(t *testing.T, url string) validation {
	t.Helper()
	node, nodePath := frictionless(t)
	cmd := exec.CommandContext(t.Context(), node, filepath.Join("testdata", "validate-datapackage.js"), url)
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("validate %s: %v\n%s", url, err, out)
	}
	var v validation
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("validate %s: %v\n%s", url, err, out)
	}
	return v
}

// withClosingUpdates publishes, on the seeded plan, a withdrawal and a carry forward with their
// reasons, and updates whose text a CSV must quote or neutralise.
func withClosingUpdates(t *testing.T, owner *pgxpool.Pool) {
	t.Helper()
	_, err := owner.Exec(t.Context(), `
		INSERT INTO updates (commitment_id, state, status, narrative, expected_month, status_reason,
		                     carried_forward_plan, evidence_url, published_at)
		SELECT c.id, 'published', v.status, v.narrative, v.expected::date, v.reason, v.later,
		       'https://evidence.example/a,b?c="d"', now()
		FROM commitments c JOIN plans p ON p.id = c.plan_id AND p.is_current, (VALUES
			('4.1', 'withdrawn', '=1+1, "quoted"', NULL, 'No longer needed: the service moved,' || E'\n' || 'see 4.2', NULL),
			('4.2', 'carried_forward', ' leading space', '2026-09-01', '-Moved to the next plan', 'Delivery Plan 2025-26'),
			('4.3', 'delayed', E'line one\r\nline two', '2027-03-01', NULL, NULL)
		) AS v (ref, status, narrative, expected, reason, later)
		WHERE c.ref = v.ref`)
	if err != nil {
		t.Fatal(err)
	}
}

// TestDataPackageValidates checks the data package of the seeded plan and of a national-scale
// sample under /plans/{slug}, and every row of every CSV they describe, with the Frictionless
// JavaScript libraries: no errors, and every row read. Each CSV names its package in a Link header.
func TestDataPackageValidates(t *testing.T) {
	t.Parallel()
	frictionless(t)
	serving, owner := dbtest.ServingPool(t)
	withClosingUpdates(t, owner)
	if _, err := demo.Load(t.Context(), owner, demo.Options{Commitments: 600, Updates: 4000, Organisations: 30, Priorities: 6}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Config{Store: postgres.New(serving, postgres.WithClock(nowFunc(fixedNow))), Now: nowFunc(fixedNow)}))
	t.Cleanup(srv.Close)

	for _, c := range []struct{ prefix, plan string }{{"", "is_current"}, {"/plans/" + demo.PlanSlug, "slug = '" + demo.PlanSlug + "'"}} {
		pkg := srv.URL + c.prefix + "/datapackage.json"
		var commitments, updates int
		if err := serving.QueryRow(context.Background(), `SELECT
			(SELECT count(*) FROM commitments c JOIN plans p ON p.id = c.plan_id WHERE p.`+c.plan+` AND c.retired_at IS NULL),
			(SELECT count(*) FROM updates u JOIN commitments c ON c.id = u.commitment_id JOIN plans p ON p.id = c.plan_id
			 WHERE p.`+c.plan+` AND c.retired_at IS NULL AND u.state = 'published')`).Scan(&commitments, &updates); err != nil {
			t.Fatal(err)
		}
		v := validate(t, pkg)
		for _, e := range v.Errors {
			t.Errorf("%s: %s", pkg, e)
		}
		if v.Rows["commitments"] != commitments || v.Rows["updates"] != updates || commitments == 0 || updates == 0 {
			t.Errorf("%s: read %v rows, want %d commitments and %d updates", pkg, v.Rows, commitments, updates)
		}
		for _, csv := range []string{"/commitments.csv", "/updates.csv"} {
			resp, err := http.Get(srv.URL + c.prefix + csv)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got, want := resp.Header.Get("Link"), "<"+pkg+`>; rel="describedby"; type="application/json"`; got != want {
				t.Errorf("%s Link = %q, want %q", c.prefix+csv, got, want)
			}
		}
	}
}

// TestDataPackageDescribesTheCSVFiles checks the descriptor itself: ref a string, statuses
// enumerated, the keys, the licence and the sources, for the plan whose address it is at.
func TestDataPackageDescribesTheCSVFiles(t *testing.T) {
	t.Parallel()
	h := server.New(server.Config{Store: postgres.New(dbtest.Pool(t)), Now: nowFunc(fixedNow), BaseURL: "https://tracker.example"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/datapackage.json", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /datapackage.json = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var p struct {
		Licenses []struct{ Name, Path, Title string }
		Sources  []struct{ Title, Path string }
		Resource []struct {
			Name, Path string
			Schema     struct {
				Fields []struct {
					Name, Type  string
					Constraints struct{ Enum []string }
				}
				PrimaryKey  []string
				ForeignKeys []struct {
					Fields    []string
					Reference struct {
						Resource string
						Fields   []string
					}
				}
			}
		} `json:"resources"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Licenses) != 1 || p.Licenses[0].Name != "OGL-UK-3.0" || p.Licenses[0].Title != "Open Government Licence v3.0" {
		t.Errorf("licences = %+v", p.Licenses)
	}
	if len(p.Sources) < 2 || !strings.HasPrefix(p.Sources[0].Path, "https://www.gov.scot/") {
		t.Errorf("sources = %+v, want the published plan first", p.Sources)
	}
	types := map[string]string{}
	for _, r := range p.Resource {
		for _, f := range r.Schema.Fields {
			types[r.Name+"."+f.Name] = f.Type
			if f.Name == "status" && len(f.Constraints.Enum) != 7 {
				t.Errorf("%s.status enum = %v, want the 7 statuses", r.Name, f.Constraints.Enum)
			}
		}
		switch r.Name {
		case "commitments":
			if r.Path != "https://tracker.example/commitments.csv" || strings.Join(r.Schema.PrimaryKey, ",") != "ref" {
				t.Errorf("commitments: path %s, primary key %v", r.Path, r.Schema.PrimaryKey)
			}
		case "updates":
			fk := r.Schema.ForeignKeys
			if r.Path != "https://tracker.example/updates.csv" || strings.Join(r.Schema.PrimaryKey, ",") != "id" || len(fk) != 1 ||
				fk[0].Fields[0] != "commitment_ref" || fk[0].Reference.Resource != "commitments" || fk[0].Reference.Fields[0] != "ref" {
				t.Errorf("updates: path %s, primary key %v, foreign keys %+v", r.Path, r.Schema.PrimaryKey, fk)
			}
		}
	}
	for name, want := range map[string]string{"commitments.ref": "string", "updates.commitment_ref": "string", "commitments.priority": "integer",
		"commitments.due_month": "yearmonth", "commitments.overdue": "boolean", "updates.published_at": "datetime",
		"updates.status_reason": "string", "updates.carried_forward_to": "string", "updates.due_month": "yearmonth"} {
		if types[name] != want {
			t.Errorf("%s is %q, want %q", name, types[name], want)
		}
	}
}

// TestDataPageHasJSONLD checks that /data describes every plan's data for catalogues: a
// schema.org DataCatalog whose datasets each carry the licence and their downloads.
func TestDataPageHasJSONLD(t *testing.T) {
	t.Parallel()
	h := server.New(server.Config{Store: postgres.New(dbtest.Pool(t)), Now: nowFunc(fixedNow), BaseURL: "https://tracker.example"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/data", nil))
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	scripts := doc.Find(`script[type="application/ld+json"]`)
	if scripts.Length() != 1 {
		t.Fatalf("%d JSON-LD scripts, want 1", scripts.Length())
	}
	var c struct {
		Context string `json:"@context"`
		Type    string `json:"@type"`
		Dataset []struct {
			Type         string `json:"@type"`
			License      string `json:"license"`
			Distribution []struct {
				Type           string `json:"@type"`
				EncodingFormat string `json:"encodingFormat"`
				ContentURL     string `json:"contentUrl"`
			} `json:"distribution"`
		} `json:"dataset"`
	}
	if err := json.Unmarshal([]byte(scripts.Text()), &c); err != nil {
		t.Fatal(err)
	}
	if c.Context != "https://schema.org/" || c.Type != "DataCatalog" || len(c.Dataset) == 0 {
		t.Fatalf("JSON-LD = %+v", c)
	}
	d := c.Dataset[0]
	urls := map[string]string{}
	for _, x := range d.Distribution {
		urls[x.ContentURL] = x.EncodingFormat
	}
	if d.Type != "Dataset" || !strings.Contains(d.License, "open-government-licence/version/3") ||
		urls["https://tracker.example/commitments.csv"] != "text/csv" || urls["https://tracker.example/updates.csv"] != "text/csv" ||
		urls["https://tracker.example/datapackage.json"] == "" {
		t.Errorf("dataset = %+v", d)
	}
}

// TestUpdatesExportsGiveReasonsAndRevisedDates checks that both updates downloads carry why a
// commitment was withdrawn or carried forward, the plan it moved to, and the revised month beside
// the commitment's own.
func TestUpdatesExportsGiveReasonsAndRevisedDates(t *testing.T) {
	t.Parallel()
	serving, owner := dbtest.ServingPool(t)
	withClosingUpdates(t, owner)
	h := server.New(server.Config{Store: postgres.New(serving), Now: nowFunc(fixedNow), BaseURL: "https://tracker.example"})
	want := map[string]map[string]string{
		"withdrawn":       {"commitment_ref": "4.1", "status_reason": "No longer needed: the service moved,\nsee 4.2", "carried_forward_to": "", "expected_month": ""},
		"carried_forward": {"commitment_ref": "4.2", "status_reason": "-Moved to the next plan", "carried_forward_to": "Delivery Plan 2025-26", "expected_month": "2026-09"},
		"delayed":         {"commitment_ref": "4.3", "status_reason": "", "expected_month": "2027-03"},
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/updates.json", nil))
	var j struct{ Updates []map[string]any }
	if err := json.Unmarshal(rec.Body.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, u := range j.Updates {
		w, ok := want[u["status"].(string)]
		if !ok || u["published_at"] == nil {
			continue
		}
		found++
		for k, v := range w {
			got, _ := u[k].(string)
			if got != v {
				t.Errorf("updates.json %s %s = %q, want %q", u["status"], k, got, v)
			}
		}
		if due, _ := u["due_month"].(string); len(due) != 7 {
			t.Errorf("updates.json %s due_month = %q", u["status"], due)
		}
	}
	if found != len(want) {
		t.Errorf("updates.json has %d of the %d updates", found, len(want))
	}

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/updates.csv", nil))
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	found = 0
	for _, r := range rows[1:] {
		w, ok := want[r[col["status"]]]
		if !ok || r[col["published_at"]] == "" {
			continue
		}
		found++
		for k, v := range w {
			if v != "" && v[0] == '-' {
				v = "'" + v // the formula guard
			}
			if got := strings.ReplaceAll(r[col[k]], "\r\n", "\n"); got != v {
				t.Errorf("updates.csv %s %s = %q, want %q", r[col["status"]], k, got, v)
			}
		}
	}
	if found != len(want) {
		t.Errorf("updates.csv has %d of the %d updates", found, len(want))
	}
}
