package tracker

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Month is a calendar month, the unit of every deadline in a plan ("March 2024").
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the month t falls in.
func MonthOf(t time.Time) Month {
	return Month{Year: t.Year(), Month: t.Month()}
}

// ParseMonth reads a month as plans print it, "March 2024". Case and surrounding space are
// forgiven; anything else is an error.
func ParseMonth(s string) (Month, error) {
	fields := strings.Fields(s)
	if len(fields) != 2 {
		return Month{}, fmt.Errorf("%q is not a month and year such as March 2024", s)
	}
	var m time.Month
	for i := time.January; i <= time.December; i++ {
		if strings.EqualFold(fields[0], i.String()) {
			m = i
		}
	}
	if m == 0 {
		return Month{}, fmt.Errorf("%q is not the name of a month", fields[0])
	}
	y, err := strconv.Atoi(fields[1])
	if err != nil || y < 1900 || y > 2200 || len(fields[1]) != 4 {
		return Month{}, fmt.Errorf("%q is not a four-digit year", fields[1])
	}
	return Month{Year: y, Month: m}, nil
}

// NewMonth checks a month number and year, as a form gives them, and returns the month.
func NewMonth(year, month int) (Month, error) {
	if month < 1 || month > 12 {
		return Month{}, fmt.Errorf("month must be between 1 and 12")
	}
	if year < 1900 || year > 2200 {
		return Month{}, fmt.Errorf("year must be between 1900 and 2200")
	}
	return Month{Year: year, Month: time.Month(month)}, nil
}

// String returns the month as plans print it, "March 2024".
func (m Month) String() string {
	if m.IsZero() {
		return ""
	}
	return fmt.Sprintf("%s %d", m.Month, m.Year)
}

// IsZero reports whether m is the zero Month.
func (m Month) IsZero() bool { return m.Year == 0 && m.Month == 0 }

// First returns midnight UTC on the first day of the month.
func (m Month) First() time.Time {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC)
}

// Next returns the month after m.
func (m Month) Next() Month {
	return MonthOf(m.First().AddDate(0, 1, 0))
}

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || (m.Year == o.Year && m.Month < o.Month)
}

// Passed reports whether the whole of m lies before now: from the first day of the next month
// on, in the UK's time zone.
func (m Month) Passed(now time.Time) bool {
	return m.Before(CurrentMonth(now))
}

// FinancialYear returns the UK financial year the month falls in, April to March, as "2023-24".
func (m Month) FinancialYear() string {
	start := m.Year
	if m.Month < time.April {
		start--
	}
	return fmt.Sprintf("%d-%02d", start, (start+1)%100)
}

// Quarter returns the quarter of the financial year, 1 (April to June) to 4 (January to March).
func (m Month) Quarter() int {
	return (int(m.Month)+8)%12/3 + 1
}

var uk = loadUK()

func loadUK() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return loc
}

// CurrentMonth returns the month now falls in, in the UK. Every month before it has passed.
func CurrentMonth(now time.Time) Month {
	return MonthOf(now.In(uk))
}

// InUK returns t in the UK's time zone, where the portal's days and months begin.
func InUK(t time.Time) time.Time {
	return t.In(uk)
}
