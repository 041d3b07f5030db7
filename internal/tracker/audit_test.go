package tracker_test

import (
	"slices"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestAuditChanges(t *testing.T) {
	t.Parallel()
	names := func(k tracker.RecordKey) string {
		if k == (tracker.RecordKey{Kind: "plan", ID: "2"}) {
			return "Delivery Plan 2024-25"
		}
		return ""
	}
	ch := func(field, before, after string) tracker.AuditChange {
		return tracker.AuditChange{Field: field, Before: before, After: after, Changed: true}
	}
	note := func(field, value string) tracker.AuditChange { return tracker.AuditChange{Field: field, After: value} }
	tests := []struct {
		name, details string
		want          []tracker.AuditChange
	}{
		{"nothing", `{}`, nil},
		{"only what changed, without the version",
			`{"before": {"name": "NHS Education", "code": "NES", "as_written": ["NES"], "version": 1},
			  "after": {"name": "NHS Education for Scotland", "code": "NES", "as_written": ["NES", "NHS Education"], "version": 2}}`,
			[]tracker.AuditChange{ch("As written", "NES", "NES, NHS Education"), ch("Name", "NHS Education", "NHS Education for Scotland")}},
		{"a new record: every field with a value",
			`{"after": {"email": "a@example.com", "organisation": "", "disabled": false, "version": 1}, "password_set": false}`,
			[]tracker.AuditChange{ch("Disabled", "", "no"), ch("Email", "", "a@example.com"), note("Password set", "no")}},
		{"a field that is itself before and after, and notes",
			`{"commitment": "4.2", "state": {"before": "submitted", "after": "published"}, "status": "on_track"}`,
			[]tracker.AuditChange{ch("State", "submitted", "published"), note("Commitment", "4.2"), note("Status", "on_track")}},
		{"IDs of records by name",
			`{"before": {"current_plan_id": null}, "after": {"current_plan_id": 2}, "reason": "Published"}`,
			[]tracker.AuditChange{ch("Current plan", "(none)", "Delivery Plan 2024-25"), note("Reason", "Published")}},
		{"an ID without a name stays an ID", `{"before": {"plan_id": 3}, "after": {"plan_id": 2}}`,
			[]tracker.AuditChange{ch("Plan", "3", "Delivery Plan 2024-25")}},
		{"a record taken out of use lists only the reason",
			`{"before": {"name": "NES", "version": 3}, "reason": "Merged"}`, []tracker.AuditChange{note("Reason", "Merged")}},
		{"not an object", `[1, 2]`, []tracker.AuditChange{note("Details", "[1, 2]")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tracker.AuditChanges([]byte(tt.details), names); !slices.Equal(got, tt.want) {
				t.Errorf("AuditChanges(%s)\n got %+v\nwant %+v", tt.details, got, tt.want)
			}
		})
	}
}

func TestAuditReferences(t *testing.T) {
	t.Parallel()
	got := tracker.AuditReferences([]byte(`{"before": {"current_plan_id": 1}, "after": {"current_plan_id": 2, "name": 5}, "priority_id": 7}`))
	slices.SortFunc(got, func(a, b tracker.RecordKey) int { return compare(a.Kind+a.ID, b.Kind+b.ID) })
	want := []tracker.RecordKey{{"plan", "1"}, {"plan", "2"}, {"priority", "7"}}
	if !slices.Equal(got, want) {
		t.Errorf("AuditReferences = %v, want %v", got, want)
	}
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestFormatAuditChanges(t *testing.T) {
	t.Parallel()
	got := tracker.FormatAuditChanges([]tracker.AuditChange{{Field: "Name", Before: "A", After: "B", Changed: true}, {Field: "Reason", After: "Typo"}})
	if want := "Name: A → B\nReason: Typo"; got != want {
		t.Errorf("FormatAuditChanges = %q, want %q", got, want)
	}
}

func TestParseAuditPeriod(t *testing.T) {
	t.Parallel()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	in := func(d, m, y string) tracker.DateInput { return tracker.DateInput{Day: d, Month: m, Year: y} }
	tests := []struct {
		from, to   tracker.DateInput
		want       tracker.AuditPeriod
		wantFields []string
	}{
		{tracker.DateInput{}, tracker.DateInput{}, tracker.AuditPeriod{}, nil},
		{in("1", "12", "2026"), in("6", "Dec", "2026"), tracker.AuditPeriod{From: day(2026, 12, 1), To: day(2026, 12, 6)}, nil},
		{in("1", "6", "2026"), tracker.DateInput{}, tracker.AuditPeriod{From: day(2026, 6, 1)}, nil},
		{in("31", "2", "2026"), in("", "13", "2026"), tracker.AuditPeriod{}, []string{"from-day", "to-day"}},
		{in("1", "x", "2026"), tracker.DateInput{}, tracker.AuditPeriod{}, []string{"from-month"}},
		{in("6", "12", "2026"), in("1", "12", "2026"), tracker.AuditPeriod{From: day(2026, 12, 6), To: day(2026, 12, 1)}, []string{"to-day"}},
	}
	for _, tt := range tests {
		got, errs := tracker.ParseAuditPeriod(tt.from, tt.to)
		var fields []string
		for _, e := range errs {
			fields = append(fields, e.Field)
		}
		if !slices.Equal(fields, tt.wantFields) {
			t.Errorf("ParseAuditPeriod(%+v, %+v) errors on %v, want %v", tt.from, tt.to, fields, tt.wantFields)
		}
		if tt.wantFields == nil && got != tt.want {
			t.Errorf("ParseAuditPeriod(%+v, %+v) = %+v, want %+v", tt.from, tt.to, got, tt.want)
		}
	}
	// A day runs from midnight to midnight in the UK: in summer, 23:00 UTC the day before.
	p := tracker.AuditPeriod{From: day(2026, 6, 1), To: day(2026, 6, 1)}
	if got, want := p.Since(), time.Date(2026, 5, 31, 23, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Since = %v, want %v", got, want)
	}
	if got, want := p.Until(), time.Date(2026, 6, 1, 23, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Until = %v, want %v", got, want)
	}
}
