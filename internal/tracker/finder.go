package tracker

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a UK financial year, April to March, or one of its quarters: the span a reader can
// ask for commitments due in.
type Period struct {
	// StartYear is the calendar year the financial year starts in: 2024 for 2024-25.
	StartYear int
	// Quarter is 1 (April to June) to 4 (January to March), or 0 for the whole year.
	Quarter int
}

// PeriodOf returns the financial year m falls in, or with quarter true its quarter.
func PeriodOf(m Month, quarter bool) Period {
	start := m.Year
	if m.Month < time.April {
		start--
	}
	p := Period{StartYear: start}
	if quarter {
		p.Quarter = m.Quarter()
	}
	return p
}

// ParsePeriod reads a period as the portal writes it in addresses: "2024-25" for a financial
// year and "2024-25-q1" for its first quarter. Case is forgiven.
func ParsePeriod(s string) (Period, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	year, q, hasQ := strings.Cut(s, "-q")
	bad := Errorf(EINVALID, "Choose a financial year such as 2024-25, or a quarter such as Q1 2024-25")
	if len(year) != 7 || year[4] != '-' {
		return Period{}, bad
	}
	start, err := strconv.Atoi(year[:4])
	if err != nil || start < 1900 || start > 2199 || year[5:] != fmt.Sprintf("%02d", (start+1)%100) {
		return Period{}, bad
	}
	p := Period{StartYear: start}
	if hasQ {
		if len(q) != 1 || q[0] < '1' || q[0] > '4' {
			return Period{}, bad
		}
		p.Quarter = int(q[0] - '0')
	}
	return p, nil
}

// String returns the period as addresses carry it: "2024-25" or "2024-25-q1".
func (p Period) String() string {
	s := fmt.Sprintf("%d-%02d", p.StartYear, (p.StartYear+1)%100)
	if p.Quarter != 0 {
		s += "-q" + strconv.Itoa(p.Quarter)
	}
	return s
}

// FinancialYear returns the financial year the period is or falls in, "2024-25".
func (p Period) FinancialYear() string {
	return fmt.Sprintf("%d-%02d", p.StartYear, (p.StartYear+1)%100)
}

// Label returns the period as people read it: "2024-25" or "Q1 2024-25 (April to June 2024)".
func (p Period) Label() string {
	if p.Quarter == 0 {
		return p.FinancialYear()
	}
	first, last := p.Months()
	return fmt.Sprintf("Q%d %s (%s to %s)", p.Quarter, p.FinancialYear(), first.Month, last)
}

// ShortLabel returns a quarter as "Q1 2024-25" and a year as "2024-25".
func (p Period) ShortLabel() string {
	if p.Quarter == 0 {
		return p.FinancialYear()
	}
	return fmt.Sprintf("Q%d %s", p.Quarter, p.FinancialYear())
}

// Months returns the first and last months of the period.
func (p Period) Months() (first, last Month) {
	first = Month{Year: p.StartYear, Month: time.April}
	n := 12
	if p.Quarter != 0 {
		first = MonthOf(first.First().AddDate(0, 3*(p.Quarter-1), 0))
		n = 3
	}
	last = MonthOf(first.First().AddDate(0, n-1, 0))
	return first, last
}

// Contains reports whether m falls in the period.
func (p Period) Contains(m Month) bool {
	first, last := p.Months()
	return !m.Before(first) && !last.Before(m)
}

// Next returns the period after p of the same length: the next quarter or financial year.
func (p Period) Next() Period {
	if p.Quarter == 0 {
		return Period{StartYear: p.StartYear + 1}
	}
	if p.Quarter == 4 {
		return Period{StartYear: p.StartYear + 1, Quarter: 1}
	}
	return Period{StartYear: p.StartYear, Quarter: p.Quarter + 1}
}
