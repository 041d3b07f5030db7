package server

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// A plan's CSV files are described by a Frictionless Data Package (https://specs.frictionlessdata.io/),
// /datapackage.json beside them: a Table Schema for each file, giving every column's type (ref is a
// string, so that 4.10 is never read as 4.1), the statuses a status may take, primary and foreign
// keys, the licence and the sources. Each CSV names it in a Link header (rel="describedby").

// dataPackageJSON is a Tabular Data Package.
type dataPackageJSON struct {
	Profile     string             `json:"profile"`
	Name        string             `json:"name"`
	ID          string             `json:"id"`
	Title       string             `json:"title"`
	Description string             `json:"description"`
	Homepage    string             `json:"homepage"`
	Keywords    []string           `json:"keywords"`
	Licenses    []dataLicenceJSON  `json:"licenses"`
	Sources     []dataSourceJSON   `json:"sources"`
	Contributor []dataSourceJSON   `json:"contributors"`
	Resources   []dataResourceJSON `json:"resources"`
}

type dataLicenceJSON struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Title string `json:"title"`
}

type dataSourceJSON struct {
	Title string `json:"title"`
	Path  string `json:"path,omitempty"`
	Role  string `json:"role,omitempty"`
}

type dataResourceJSON struct {
	Profile     string          `json:"profile"`
	Name        string          `json:"name"`
	Path        string          `json:"path"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Format      string          `json:"format"`
	Mediatype   string          `json:"mediatype"`
	Encoding    string          `json:"encoding"`
	Dialect     dataDialectJSON `json:"dialect"`
	Schema      tableSchemaJSON `json:"schema"`
}

// dataDialectJSON is the CSV dialect every CSV of the portal is written in (see csvWriter).
type dataDialectJSON struct {
	Delimiter        string `json:"delimiter"`
	LineTerminator   string `json:"lineTerminator"`
	QuoteChar        string `json:"quoteChar"`
	DoubleQuote      bool   `json:"doubleQuote"`
	Header           bool   `json:"header"`
	SkipInitialSpace bool   `json:"skipInitialSpace"`
}

type tableSchemaJSON struct {
	Fields        []tableFieldJSON `json:"fields"`
	MissingValues []string         `json:"missingValues"`
	PrimaryKey    []string         `json:"primaryKey"`
	ForeignKeys   []foreignKeyJSON `json:"foreignKeys,omitempty"`
}

type tableFieldJSON struct {
	Name        string           `json:"name"`
	Type        string           `json:"type"`
	Format      string           `json:"format,omitempty"`
	Description string           `json:"description"`
	TrueValues  []string         `json:"trueValues,omitempty"`
	FalseValues []string         `json:"falseValues,omitempty"`
	Constraints *fieldConstraint `json:"constraints,omitempty"`
}

type fieldConstraint struct {
	Required bool     `json:"required,omitempty"`
	Unique   bool     `json:"unique,omitempty"`
	Pattern  string   `json:"pattern,omitempty"`
	Enum     []string `json:"enum,omitempty"`
}

type foreignKeyJSON struct {
	Fields    []string `json:"fields"`
	Reference struct {
		Resource string   `json:"resource"`
		Fields   []string `json:"fields"`
	} `json:"reference"`
}

// columnTypes gives the Table Schema type of each column of the CSV files that is not a plain
// string. Columns not named here, such as free text, are strings.
var columnTypes = map[string]tableFieldJSON{
	"ref":               {Type: "string", Constraints: &fieldConstraint{Required: true, Unique: true, Pattern: `^[0-9]+\.[0-9]+$`}},
	"commitment_ref":    {Type: "string", Constraints: &fieldConstraint{Required: true, Pattern: `^[0-9]+\.[0-9]+$`}},
	"id":                {Type: "integer", Constraints: &fieldConstraint{Required: true, Unique: true}},
	"priority":          {Type: "integer", Constraints: &fieldConstraint{Required: true}},
	"due_month":         {Type: "yearmonth", Constraints: &fieldConstraint{Required: true}},
	"expected_month":    {Type: "yearmonth"},
	"overdue":           {Type: "boolean", TrueValues: []string{"true"}, FalseValues: []string{"false"}, Constraints: &fieldConstraint{Required: true}},
	"last_published_at": {Type: "datetime"},
	"published_at":      {Type: "datetime"},
	"url":               {Type: "string", Format: "uri", Constraints: &fieldConstraint{Required: true}},
	"commitment_url":    {Type: "string", Format: "uri", Constraints: &fieldConstraint{Required: true}},
	"what":              {Type: "string", Constraints: &fieldConstraint{Required: true}},
	"reported_by":       {Type: "string", Constraints: &fieldConstraint{Required: true}},
}

// statusEnum is the statuses a status column may hold.
func statusEnum() []string {
	var e []string
	for _, st := range tracker.Statuses {
		e = append(e, string(st))
	}
	return e
}

// tableSchema returns the Table Schema of a CSV whose columns the fields document, in order.
func tableSchema(fields []web.DataField, primaryKey string) tableSchemaJSON {
	s := tableSchemaJSON{MissingValues: []string{""}, PrimaryKey: []string{primaryKey}}
	for _, f := range fields {
		t, ok := columnTypes[f.Name]
		if !ok {
			t = tableFieldJSON{Type: "string"}
		}
		t.Name, t.Description = f.Name, f.Description
		if f.Name == "status" {
			c := fieldConstraint{Enum: statusEnum()}
			// An update always has a status; a commitment has none until its first update.
			c.Required = !strings.Contains(f.Type, "null")
			t.Constraints = &c
		}
		s.Fields = append(s.Fields, t)
	}
	return s
}

// dataPackageFor returns the data package of a plan's CSV files, with absolute addresses under
// site.
func dataPackageFor(site string, plan tracker.Plan) dataPackageJSON {
	dialect := dataDialectJSON{Delimiter: ",", LineTerminator: "\r\n", QuoteChar: `"`, DoubleQuote: true, Header: true}
	commitments := tableSchema(web.CommitmentFields, "ref")
	updates := tableSchema(web.UpdateFields, "id")
	fk := foreignKeyJSON{Fields: []string{"commitment_ref"}}
	fk.Reference.Resource, fk.Reference.Fields = "commitments", []string{"ref"}
	updates.ForeignKeys = []foreignKeyJSON{fk}
	publisher := cmp.Or(plan.Attribution, "Scottish Government")
	p := dataPackageJSON{
		Profile: "tabular-data-package",
		Name:    "delivery-tracker-" + strings.ToLower(plan.Slug),
		ID:      site + paths.DataPackage(plan),
		Title:   plan.Title + ": commitments and published progress",
		Description: "The commitments of the " + plan.Title + " and every update on their progress published since, " +
			"as tracked in the open by Delivery Tracker. Fields are documented at " + site + paths.Data + ".",
		Homepage:    site + paths.Overview(plan),
		Keywords:    []string{"digital health and care", "delivery plan", "Scotland", "commitments", "progress"},
		Licenses:    []dataLicenceJSON{{Name: "OGL-UK-3.0", Path: web.LicenceURL, Title: web.LicenceName}},
		Sources:     []dataSourceJSON{{Title: "Delivery Tracker: " + plan.Title, Path: site + paths.Overview(plan)}},
		Contributor: []dataSourceJSON{{Title: publisher, Role: "publisher"}},
		Resources: []dataResourceJSON{
			{Profile: "tabular-data-resource", Name: "commitments", Path: site + paths.CommitmentsCSV(plan),
				Title:       "Commitments",
				Description: "Every commitment of the plan, with its current status.",
				Format:      "csv", Mediatype: "text/csv", Encoding: "utf-8", Dialect: dialect, Schema: commitments},
			{Profile: "tabular-data-resource", Name: "updates", Path: site + paths.UpdatesCSV(plan),
				Title: "Published updates",
				Description: "Every published update on the plan's commitments, oldest first, with the reasons for " +
					"withdrawing or carrying forward a commitment and the revised dates.",
				Format: "csv", Mediatype: "text/csv", Encoding: "utf-8", Dialect: dialect, Schema: updates},
		},
	}
	if plan.SourceURL != "" {
		p.Sources = append([]dataSourceJSON{{Title: plan.Title, Path: plan.SourceURL}}, p.Sources...)
	}
	return p
}

// describedBy adds the Link header naming the data package that describes a plan's CSV files.
func (s *Server) describedBy(w http.ResponseWriter, r *http.Request, plan tracker.Plan) {
	w.Header().Add("Link", "<"+s.siteURL(r)+paths.DataPackage(plan)+`>; rel="describedby"; type="application/json"`)
}

// dataPackage serves a plan's data package.
func (s *Server) dataPackage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	plan, err := s.plan(r)
	if err != nil {
		return err
	}
	version, err := s.reads(ctx).OpenDataVersion(ctx, plan.ID)
	if err != nil {
		return err
	}
	site := s.siteURL(r)
	if s.notModified(w, r, etag("datapackage", strconv.FormatInt(version.Version, 10), site), version.Changed) {
		return nil
	}
	b, err := json.MarshalIndent(dataPackageFor(site, plan), "", "  ")
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Access-Control-Allow-Origin", "*")
	_, err = w.Write(append(b, '\n'))
	return err
}
