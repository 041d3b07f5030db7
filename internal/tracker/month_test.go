package tracker

import (
	"testing"
	"time"
)

func TestParseMonth(t *testing.T) {
	tests := []struct {
		in      string
		want    Month
		wantErr bool
	}{
		{"March 2024", Month{2024, time.March}, false},
		{"  september 2024 ", Month{2024, time.September}, false},
		{"December 2025", Month{2025, time.December}, false},
		{"Marc 2024", Month{}, true},
		{"March", Month{}, true},
		{"March 24", Month{}, true},
		{"March 2024 extra", Month{}, true},
		{"13 2024", Month{}, true},
		{"", Month{}, true},
		{"March +202", Month{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMonth(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseMonth(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseMonth(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if !tt.wantErr && ParseMonthMust(t, got.String()) != got {
				t.Errorf("String() of %v does not parse back", got)
			}
		})
	}
}

func ParseMonthMust(t *testing.T, s string) Month {
	t.Helper()
	m, err := ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMonthPassed(t *testing.T) {
	march := Month{2024, time.March}
	london, _ := time.LoadLocation("Europe/London")
	tests := []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2024, 3, 1, 0, 0, 0, 0, london), false},
		{time.Date(2024, 3, 31, 23, 59, 59, 0, london), false},
		{time.Date(2024, 4, 1, 0, 0, 0, 0, london), true},
		// 23:30 UTC on 31 March 2024 is already 1 April in London (BST).
		{time.Date(2024, 3, 31, 23, 30, 0, 0, time.UTC), true},
		{time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		if got := march.Passed(tt.now); got != tt.want {
			t.Errorf("March 2024 passed at %v = %v, want %v", tt.now, got, tt.want)
		}
	}
}

func TestOverdue(t *testing.T) {
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	march, june := Month{2024, time.March}, Month{2024, time.June}
	tests := []struct {
		name     string
		status   Status
		due      Month
		expected *Month
		want     bool
	}{
		{"no update, past", NoUpdate, march, nil, true},
		{"on track, past", OnTrack, march, nil, true},
		{"delayed, past", Delayed, march, nil, true},
		{"delivered, past", Delivered, march, nil, false},
		{"withdrawn, past", Withdrawn, march, nil, false},
		{"carried forward, past", CarriedForward, march, nil, false},
		{"on track, future", OnTrack, june, nil, false},
		{"revised to future", OnTrack, march, &june, false},
		{"revised to past", AtRisk, june, &march, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Commitment{Status: tt.status, Due: tt.due, Expected: tt.expected}
			if got := c.Overdue(now); got != tt.want {
				t.Errorf("Overdue = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFinancialYearAndQuarter(t *testing.T) {
	tests := []struct {
		m       Month
		year    string
		quarter int
	}{
		{Month{2024, time.March}, "2023-24", 4},
		{Month{2024, time.April}, "2024-25", 1},
		{Month{2024, time.September}, "2024-25", 2},
		{Month{2025, time.December}, "2025-26", 3},
		{Month{2026, time.January}, "2025-26", 4},
		{Month{2099, time.June}, "2099-00", 1},
	}
	for _, tt := range tests {
		if got := tt.m.FinancialYear(); got != tt.year {
			t.Errorf("%v financial year = %q, want %q", tt.m, got, tt.year)
		}
		if got := tt.m.Quarter(); got != tt.quarter {
			t.Errorf("%v quarter = %d, want %d", tt.m, got, tt.quarter)
		}
	}
}
