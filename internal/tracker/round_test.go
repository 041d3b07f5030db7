package tracker

import (
	"slices"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDueReminder(t *testing.T) {
	r := Round{Name: "Q3 2026-27", Opens: day(2026, 11, 1), Deadline: day(2026, 12, 15),
		RemindBefore: []int{7, 14}, RemindAfter: []int{3}}
	london, _ := time.LoadLocation("Europe/London")
	tests := []struct {
		name string
		now  time.Time
		want string // "" for none
	}{
		{"before opening", time.Date(2026, 10, 31, 12, 0, 0, 0, london), ""},
		{"opened, nothing due", time.Date(2026, 11, 20, 12, 0, 0, 0, london), ""},
		{"14 days before", time.Date(2026, 12, 1, 0, 0, 1, 0, london), "before-14"},
		{"8 days before", time.Date(2026, 12, 7, 23, 59, 0, 0, london), "before-14"},
		{"7 days before", time.Date(2026, 12, 8, 9, 0, 0, 0, london), "before-7"},
		{"deadline", time.Date(2026, 12, 15, 9, 0, 0, 0, london), "before-7"},
		{"3 days after", time.Date(2026, 12, 18, 9, 0, 0, 0, london), "after-3"},
		{"long after", time.Date(2027, 6, 1, 9, 0, 0, 0, london), "after-3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := r.DueReminder(tt.now)
			got := ""
			if ok {
				got = m.Key()
			}
			if got != tt.want {
				t.Errorf("DueReminder(%v) = %q, want %q", tt.now, got, tt.want)
			}
		})
	}
	closed := r
	closedAt := day(2026, 12, 10)
	closed.ClosedAt = &closedAt
	if m, ok := closed.DueReminder(time.Date(2026, 12, 18, 9, 0, 0, 0, london)); ok {
		t.Errorf("a closed round has reminder %v due", m)
	}
	// A round opened 3 days before its deadline never sends the 7- and 14-day reminders.
	late := r
	late.Opens = day(2026, 12, 12)
	var keys []string
	for _, m := range late.Reminders() {
		keys = append(keys, m.Key())
	}
	if !slices.Equal(keys, []string{"after-3"}) {
		t.Errorf("late round reminders = %q, want only after-3", keys)
	}
	if m, ok := late.DueReminder(time.Date(2026, 12, 12, 9, 0, 0, 0, london)); ok {
		t.Errorf("late round has %v due on its first day", m)
	}
}

func TestReminderLabels(t *testing.T) {
	tests := []struct {
		m    Reminder
		want string
	}{
		{Reminder{Days: 7}, "7 days before the deadline"},
		{Reminder{Days: 1}, "1 day before the deadline"},
		{Reminder{Days: 0}, "on the deadline"},
		{Reminder{Days: 3, After: true}, "3 days after the deadline"},
	}
	for _, tt := range tests {
		if got := tt.m.Label(); got != tt.want {
			t.Errorf("%+v label = %q, want %q", tt.m, got, tt.want)
		}
	}
}

func TestParseDays(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"", nil, false},
		{"7", []int{7}, false},
		{"7, 14", []int{14, 7}, false},
		{"3;3 1", []int{3, 1}, false},
		{"seven", nil, true},
		{"-1", nil, true},
		{"91", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseDays(tt.in)
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("ParseDays(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil {
			if back, _ := ParseDays(FormatDays(got)); !slices.Equal(back, got) {
				t.Errorf("FormatDays(%v) does not parse back", got)
			}
		}
	}
}

func TestCoverageOf(t *testing.T) {
	nes := Organisation{ID: 1, Code: "NES", Name: "NHS Education for Scotland"}
	lgdo := Organisation{ID: 2, Code: "LGDO", Name: "Local Government Digital Office"}
	cs := []Commitment{
		{ID: 1, Ref: "4.1", Status: OnTrack, Leads: []LeadLine{{Text: "NES", Organisations: []Organisation{nes}}}},
		{ID: 2, Ref: "4.2", Status: Delivered, Leads: []LeadLine{{Text: "NES", Organisations: []Organisation{nes}}}},
		{ID: 3, Ref: "4.3", Leads: []LeadLine{{Text: "LGDO", Organisations: []Organisation{lgdo}}, {Text: "NES", Organisations: []Organisation{nes}}}},
		{ID: 4, Ref: "4.4"},
	}
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	cov := CoverageOf(Plan{}, Round{Name: "Q3"}, cs, map[int64]time.Time{3: at})
	var refs []string
	for _, c := range cov.Commitments {
		refs = append(refs, c.Commitment.Ref)
	}
	if !slices.Equal(refs, []string{"4.1", "4.3", "4.4"}) {
		t.Errorf("commitments needing an update = %q, want 4.1, 4.3, 4.4 (4.2 is delivered)", refs)
	}
	if cov.Reported() != 1 || !cov.Commitments[1].Reported() || cov.Commitments[0].Reported() {
		t.Errorf("reported = %d, want only 4.3", cov.Reported())
	}
	if len(cov.Organisations) != 2 {
		t.Fatalf("organisations = %+v", cov.Organisations)
	}
	l, n := cov.Organisations[0], cov.Organisations[1]
	if l.Organisation.Code != "LGDO" || len(l.Due) != 1 || len(l.Missing) != 0 || l.Reported() != 1 {
		t.Errorf("LGDO coverage = %+v", l)
	}
	if n.Organisation.Code != "NES" || len(n.Due) != 2 || len(n.Missing) != 1 || n.Missing[0].Ref != "4.1" {
		t.Errorf("NES coverage = %+v", n)
	}
}

func TestValidateCommitment(t *testing.T) {
	ok := Commitment{Ref: "4.2", PriorityID: 1, Deliver: "Something", Due: Month{2024, time.March}}
	if ps := ValidateCommitment(ok); len(ps) != 0 {
		t.Fatalf("valid commitment has problems %v", ps)
	}
	tests := []struct {
		name  string
		edit  func(c *Commitment)
		field string
	}{
		{"no ref", func(c *Commitment) { c.Ref = "" }, "ref"},
		{"ref .0", func(c *Commitment) { c.Ref = "4.0" }, "ref"},
		{"no priority", func(c *Commitment) { c.PriorityID = 0 }, "priority"},
		{"blank deliver", func(c *Commitment) { c.Deliver = "  " }, "deliver"},
		{"long deliver", func(c *Commitment) { c.Deliver = string(make([]rune, MaxDeliverLength+1)) }, "deliver"},
		{"no due", func(c *Commitment) { c.Due = Month{} }, "due"},
		{"empty lead", func(c *Commitment) { c.Leads = []LeadLine{{Text: " "}} }, "leads"},
		{"bad url", func(c *Commitment) { c.SourceURL = "javascript:alert(1)" }, "source_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			ps := ValidateCommitment(c)
			if len(ps) != 1 || ps[0].Field != tt.field {
				t.Errorf("problems = %v, want one for %s", ps, tt.field)
			}
		})
	}
}
