package tracker

import (
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in      string
		want    Period
		first   Month
		last    Month
		label   string
		wantErr bool
	}{
		{"2024-25", Period{2024, 0}, Month{2024, time.April}, Month{2025, time.March}, "2024-25", false},
		{"2023-24-q4", Period{2023, 4}, Month{2024, time.January}, Month{2024, time.March}, "Q4 2023-24 (January to March 2024)", false},
		{" 2025-26-Q2 ", Period{2025, 2}, Month{2025, time.July}, Month{2025, time.September}, "Q2 2025-26 (July to September 2025)", false},
		{"2099-00-q1", Period{2099, 1}, Month{2099, time.April}, Month{2099, time.June}, "Q1 2099-00 (April to June 2099)", false},
		{"2024-26", Period{}, Month{}, Month{}, "", true},
		{"2024-25-q5", Period{}, Month{}, Month{}, "", true},
		{"2024-25-q", Period{}, Month{}, Month{}, "", true},
		{"2024", Period{}, Month{}, Month{}, "", true},
		{"abcd-ef", Period{}, Month{}, Month{}, "", true},
		{"", Period{}, Month{}, Month{}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePeriod(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParsePeriod(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if tt.wantErr {
				if ErrorCode(err) != EINVALID {
					t.Errorf("error code = %q, want %q", ErrorCode(err), EINVALID)
				}
				return
			}
			if got != tt.want {
				t.Errorf("ParsePeriod(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			first, last := got.Months()
			if first != tt.first || last != tt.last {
				t.Errorf("months = %v to %v, want %v to %v", first, last, tt.first, tt.last)
			}
			if got.Label() != tt.label {
				t.Errorf("label = %q, want %q", got.Label(), tt.label)
			}
			if back, err := ParsePeriod(got.String()); err != nil || back != got {
				t.Errorf("String() %q does not parse back: %+v, %v", got.String(), back, err)
			}
		})
	}
}

func TestPeriodOfAndContains(t *testing.T) {
	for m := (Month{2023, time.January}); m.Before(Month{2027, time.January}); m = m.Next() {
		for _, quarter := range []bool{false, true} {
			p := PeriodOf(m, quarter)
			if !p.Contains(m) {
				t.Errorf("PeriodOf(%v, %v) = %v does not contain it", m, quarter, p)
			}
			if p.FinancialYear() != m.FinancialYear() {
				t.Errorf("PeriodOf(%v) financial year %q, want %q", m, p.FinancialYear(), m.FinancialYear())
			}
			if quarter && p.Quarter != m.Quarter() {
				t.Errorf("PeriodOf(%v) quarter %d, want %d", m, p.Quarter, m.Quarter())
			}
			if p.Next().Contains(m) {
				t.Errorf("%v and the period after it both contain %v", p, m)
			}
		}
	}
	if got := (Period{2024, 4}).Next(); got != (Period{2025, 1}) {
		t.Errorf("after Q4 2024-25 comes %+v", got)
	}
}
