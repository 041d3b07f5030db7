package tracker

import (
	"strings"
	"testing"
	"time"
)

func month(y int, m time.Month) Month { return Month{Year: y, Month: m} }

func TestCheckExpected(t *testing.T) {
	// 6 December 2026, and the first and last instants of December in the UK.
	mid := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	first := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC)
	// 31 May 2026 at 23:30 UTC is already June in the UK (BST).
	bst := time.Date(2026, 5, 31, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		name     string
		status   Status
		expected Month
		now      time.Time
		want     string // part of the message; "" for none
	}{
		{"a past month", OnTrack, month(2025, time.January), mid, "must be December 2026 or later"},
		{"last month", Delayed, month(2026, time.November), mid, "must be December 2026 or later"},
		{"this month", Delayed, month(2026, time.December), mid, ""},
		{"this month on its first day", AtRisk, month(2026, time.December), first, ""},
		{"last month on this month's first day", AtRisk, month(2026, time.November), first, "December 2026 or later"},
		{"this month on its last day", AtRisk, month(2026, time.December), last, ""},
		{"next month", NotStarted, month(2027, time.January), mid, ""},
		{"years ahead", Delayed, month(2030, time.March), mid, ""},
		{"May is past once June starts in the UK", Delayed, month(2026, time.May), bst, "June 2026 or later"},
		{"delivered last year", Delivered, month(2025, time.January), mid, ""},
		{"delivered this month", Delivered, month(2026, time.December), mid, ""},
		{"delivered next month", Delivered, month(2027, time.January), mid, "the month it was delivered: December 2026 or earlier"},
		{"delivered in June, early on its first day in the UK", Delivered, month(2026, time.June), bst, ""},
		{"withdrawn with a past month", Withdrawn, month(2026, time.January), mid, "December 2026 or later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckExpected(tt.status, tt.expected, tt.now)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("CheckExpected(%s, %s) = %q, want %q", tt.status, tt.expected, got, tt.want)
			}
		})
	}
}

func TestCheckReportDates(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	due := month(2026, time.March)
	later := month(2027, time.September)
	tests := []struct {
		name       string
		status     Status
		expected   *Month
		in         ReportInput
		prior      []FieldError
		want       map[string]string // field -> part of the message
		wantReason string
	}{
		{"no revised month", OnTrack, nil, ReportInput{}, nil, nil, ""},
		{"on track for a later month, not confirmed", OnTrack, &later, ReportInput{}, nil,
			map[string]string{FieldOnTrackConfirm: "Select At risk or Delayed, or confirm that it is on track for September 2027"}, ""},
		{"a reason without the box ticked", OnTrack, &later, ReportInput{OnTrackReason: "New funding"}, nil,
			map[string]string{FieldOnTrackConfirm: "March 2026"}, ""},
		{"confirmed without a reason", OnTrack, &later, ReportInput{OnTrackConfirm: Yes, OnTrackReason: "  "}, nil,
			map[string]string{FieldOnTrackReason: "on track for September 2027, 18 months later than it was due"}, ""},
		{"confirmed with a reason", OnTrack, &later, ReportInput{OnTrackConfirm: Yes, OnTrackReason: " The scope grew, by agreement.\r\n"}, nil,
			nil, "The scope grew, by agreement."},
		{"confirmed with too long a reason", OnTrack, &later, ReportInput{OnTrackConfirm: Yes, OnTrackReason: strings.Repeat("x", MaxOnTrackReason+1)}, nil,
			map[string]string{FieldOnTrackReason: "1000 characters or fewer"}, ""},
		{"delayed to a later month", Delayed, &later, ReportInput{}, nil, nil, ""},
		{"at risk to a later month, a reason typed is dropped", AtRisk, &later, ReportInput{OnTrackConfirm: Yes, OnTrackReason: "x"}, nil, nil, ""},
		{"on track for the month it was due", OnTrack, &due, ReportInput{}, nil,
			map[string]string{FieldDueMonth: "December 2026 or later"}, ""},
		{"on track for a past month is told the month first", OnTrack, ptr(month(2026, time.June)), ReportInput{}, nil,
			map[string]string{FieldDueMonth: "December 2026 or later"}, ""},
		{"on track for this month, later than due", OnTrack, ptr(month(2026, time.December)), ReportInput{}, nil,
			map[string]string{FieldOnTrackConfirm: "December 2026"}, ""},
		{"a month already wrong is not checked again", OnTrack, &later, ReportInput{},
			[]FieldError{{Field: FieldDueMonth, Message: "x"}}, nil, ""},
		{"a status already wrong is not checked", "", &later, ReportInput{},
			[]FieldError{{Field: FieldStatus, Message: "x"}}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Report{Status: tt.status, Expected: tt.expected, OnTrackReason: "left over"}
			errs := CheckReportDates(&r, tt.in, due, now, tt.prior)
			if len(errs) != len(tt.want) {
				t.Fatalf("errors = %v, want %v", errs, tt.want)
			}
			for _, e := range errs {
				if !strings.Contains(e.Message, tt.want[e.Field]) || tt.want[e.Field] == "" {
					t.Errorf("%s: %q, want it to contain %q", e.Field, e.Message, tt.want[e.Field])
				}
			}
			if r.OnTrackReason != tt.wantReason && len(errs) == 0 {
				t.Errorf("OnTrackReason = %q, want %q", r.OnTrackReason, tt.wantReason)
			}
			// The store's check agrees with the form's on every report the form lets through.
			if len(errs) == 0 && len(tt.prior) == 0 {
				if err := CheckDates(r, due, now); err != nil {
					t.Errorf("CheckDates = %v, want nil", err)
				}
			}
		})
	}
	// The store refuses what the form would have asked about.
	if err := CheckDates(Report{Status: OnTrack, Expected: &later}, due, now); ErrorCode(err) != EINVALID {
		t.Errorf("CheckDates on track later without a reason = %v, want EINVALID", err)
	}
	if field, _, _ := FieldOf(CheckDates(Report{Status: Delayed, Expected: ptr(month(2025, time.January))}, due, now)); field != FieldDueMonth {
		t.Errorf("CheckDates past month: field %q, want %q", field, FieldDueMonth)
	}
}

func ptr[T any](v T) *T { return &v }

func TestExpectedWording(t *testing.T) {
	due := month(2026, time.March)
	tests := []struct {
		expected *Month
		want     string
	}{
		{nil, "Due March 2026"},
		{&due, "Due March 2026"},
		{ptr(month(2027, time.September)), "Expected September 2027 (was March 2026, 18 months later)"},
		{ptr(month(2026, time.April)), "Expected April 2026 (was March 2026, 1 month later)"},
		{ptr(month(2025, time.December)), "Expected December 2025 (was March 2026, 3 months earlier)"},
	}
	for _, tt := range tests {
		if got := ExpectedWording(tt.expected, due); got != tt.want {
			t.Errorf("ExpectedWording(%v) = %q, want %q", tt.expected, got, tt.want)
		}
	}
	if got := RevisedWording(month(2025, time.January), month(2024, time.March)); got != "January 2025 (was March 2024, 10 months later)" {
		t.Errorf("RevisedWording = %q", got)
	}
}

func TestLastReported(t *testing.T) {
	at := time.Date(2025, 6, 2, 23, 30, 0, 0, time.UTC) // 3 June in the UK
	tests := []struct {
		name string
		c    Commitment
		want string
	}{
		{"none", Commitment{}, "No progress has been reported yet"},
		{"in a plan", Commitment{Status: OnTrack, Reported: &LastReport{Period: "2025-26"}}, "Last reported On track in the Delivery Plan 2025-26"},
		{"through the portal", Commitment{Status: AtRisk, Reported: &LastReport{At: &at, By: "NHS Education for Scotland"}},
			"Last reported At risk on 3 June 2025, by NHS Education for Scotland"},
		{"by staff", Commitment{Status: OnTrack, Reported: &LastReport{At: &at}}, "Last reported On track on 3 June 2025"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.LastReported(); got != tt.want {
				t.Errorf("LastReported() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckPublishDates(t *testing.T) {
	jan := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
	dec := month(2026, time.December)
	tests := []struct {
		name string
		u    Update
		want bool // refused
	}{
		{"no month", Update{Status: Delayed}, false},
		{"a month that passed while waiting", Update{Status: Delayed, Expected: &dec}, true},
		{"this month", Update{Status: Delayed, Expected: ptr(month(2027, time.January))}, false},
		{"delivered last month", Update{Status: Delivered, Expected: &dec}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPublishDates(tt.u, jan)
			if field, _, _ := FieldOf(err); (err != nil) != tt.want || err != nil && field != FieldNote {
				t.Errorf("CheckPublishDates = %v, want refused %v", err, tt.want)
			}
		})
	}
}
