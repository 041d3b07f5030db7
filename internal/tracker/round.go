package tracker

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Round is a reporting round: staff ask the partners of a plan's commitments for an update by a
// deadline. A commitment is reported in the round once an update on it has been submitted or
// published since the round opened (and before the plan's next round opened). Reminders go to the
// partners whose organisations still have commitments to report on, a set number of days before
// and after the deadline, until the round is closed.
type Round struct {
	ID       int64
	PlanID   int64
	PlanSlug string
	Name     string
	// Opens and Deadline are dates: midnight UTC of the day, a day in the UK. The round is open
	// from the start of Opens; updates are due by the end of Deadline.
	Opens    time.Time
	Deadline time.Time
	// RemindBefore and RemindAfter are the days before and after the deadline on which reminders
	// go out, such as [7] and [3].
	RemindBefore []int
	RemindAfter  []int
	ClosedAt     *time.Time
	// Ends is when the next round of the plan opens, if one has: updates after it count there.
	Ends      *time.Time
	Version   int
	CreatedAt time.Time
}

// MaxReminderDays bounds how far from the deadline a reminder may be set.
const MaxReminderDays = 90

// Closed reports whether staff have closed the round: no more reminders go out.
func (r Round) Closed() bool { return r.ClosedAt != nil }

// Date returns the day t falls on in the UK, as midnight UTC: the form in which rounds keep dates.
func Date(t time.Time) time.Time {
	u := InUK(t)
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
}

// Open reports whether the round is open on the UK day of now: it has opened and is not closed.
func (r Round) Open(now time.Time) bool {
	return !r.Closed() && !Date(now).Before(r.Opens)
}

// Overdue reports whether, at now, the deadline has passed: it is the day after the deadline or
// later in the UK.
func (r Round) Overdue(now time.Time) bool {
	return Date(now).After(r.Deadline)
}

// Reminder is a point in a round's schedule at which reminders go out: Days before or after the
// deadline.
type Reminder struct {
	Days  int
	After bool
}

// Key names the reminder uniquely within its round, such as "before-7" or "after-3".
func (m Reminder) Key() string {
	if m.After {
		return "after-" + strconv.Itoa(m.Days)
	}
	return "before-" + strconv.Itoa(m.Days)
}

// Label says when the reminder goes out, such as "7 days before the deadline".
func (m Reminder) Label() string {
	var when string
	switch m.Days {
	case 0:
		return "on the deadline"
	case 1:
		when = "1 day"
	default:
		when = strconv.Itoa(m.Days) + " days"
	}
	if m.After {
		return when + " after the deadline"
	}
	return when + " before the deadline"
}

// On returns the date the reminder goes out for a deadline.
func (m Reminder) On(deadline time.Time) time.Time {
	if m.After {
		return deadline.AddDate(0, 0, m.Days)
	}
	return deadline.AddDate(0, 0, -m.Days)
}

// Reminders returns the round's schedule in date order, leaving out any point that falls before
// the round opens.
func (r Round) Reminders() []Reminder {
	var out []Reminder
	seen := map[string]bool{}
	add := func(m Reminder) {
		if m.Days == 0 {
			m.After = false
		}
		if seen[m.Key()] || m.On(r.Deadline).Before(r.Opens) {
			return
		}
		seen[m.Key()] = true
		out = append(out, m)
	}
	for _, d := range r.RemindBefore {
		add(Reminder{Days: d})
	}
	for _, d := range r.RemindAfter {
		add(Reminder{Days: d, After: true})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].On(r.Deadline).Before(out[j].On(r.Deadline)) })
	return out
}

// DueReminder returns the reminder that should go out at now, if any: the latest point of the
// schedule whose day has come. Earlier points that were missed (the round opened late, or no
// worker ran) are superseded by it, so partners never get a burst of stale reminders. A closed
// round, or one that has not opened, has none.
func (r Round) DueReminder(now time.Time) (Reminder, bool) {
	if !r.Open(now) {
		return Reminder{}, false
	}
	today := Date(now)
	var due Reminder
	found := false
	for _, m := range r.Reminders() {
		if !m.On(r.Deadline).After(today) {
			due, found = m, true
		}
	}
	return due, found
}

// ParseDays reads a list of whole days such as "7" or "14, 7" as a form gives it. Empty means
// none.
func ParseDays(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q is not a whole number of days", f)
		}
		if n > MaxReminderDays {
			return nil, fmt.Errorf("%d days is more than %d", n, MaxReminderDays)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out, nil
}

// FormatDays writes a list of days as ParseDays reads it.
func FormatDays(days []int) string {
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ", ")
}

// CommitmentCoverage is whether a commitment has been reported on in a round.
type CommitmentCoverage struct {
	Commitment Commitment
	// ReportedAt is when an update was first submitted or published in the round; nil means not
	// yet reported.
	ReportedAt *time.Time
	// State is how far its update in the round has got, and Update that update (nil for
	// RoundNothingYet); see Coverage.WithUpdates.
	State  RoundState
	Update *RoundUpdate
}

// Reported reports whether an update on the commitment has come in during the round.
func (c CommitmentCoverage) Reported() bool { return c.ReportedAt != nil }

// OrganisationCoverage is how far an organisation has reported on the commitments it leads in a
// round.
type OrganisationCoverage struct {
	Organisation Organisation
	// Due lists the commitments it leads that need an update in the round; Missing, those of
	// them not yet reported.
	Due     []Commitment
	Missing []Commitment
	// Partners are its active partner accounts, who are reminded; see Coverage.WithPartners.
	Partners []Partner
}

// Reported returns how many of the organisation's commitments have been reported on.
func (o OrganisationCoverage) Reported() int { return len(o.Due) - len(o.Missing) }

// Coverage is a round's progress: every commitment that needs an update and whether it has one,
// and the same by lead organisation.
type Coverage struct {
	Plan          Plan
	Round         Round
	Commitments   []CommitmentCoverage
	Organisations []OrganisationCoverage
}

// Reported returns how many commitments have been reported on in the round.
func (c Coverage) Reported() int {
	n := 0
	for _, cc := range c.Commitments {
		if cc.Reported() {
			n++
		}
	}
	return n
}

// NeedsUpdate reports whether a commitment is asked for an update in a reporting round: its
// delivery is still open (not delivered, withdrawn or carried forward).
func NeedsUpdate(c Commitment) bool { return c.Status.Open() }

// CoverageOf works out a round of the plan's coverage from the plan's commitments and when each
// was reported on in the round. Commitments that do not need an update are left out. An update covers the
// commitment for every organisation that leads it. Organisations come in the order they first
// appear, then sorted by name; commitments keep their order.
func CoverageOf(plan Plan, r Round, cs []Commitment, reported map[int64]time.Time) Coverage {
	cov := Coverage{Plan: plan, Round: r}
	byOrg := map[int64]*OrganisationCoverage{}
	var order []int64
	for _, c := range cs {
		if !NeedsUpdate(c) {
			continue
		}
		cc := CommitmentCoverage{Commitment: c}
		if at, ok := reported[c.ID]; ok {
			cc.ReportedAt = &at
		}
		cov.Commitments = append(cov.Commitments, cc)
		seen := map[int64]bool{}
		for _, l := range c.Leads {
			for _, o := range l.Organisations {
				if seen[o.ID] {
					continue
				}
				seen[o.ID] = true
				oc := byOrg[o.ID]
				if oc == nil {
					oc = &OrganisationCoverage{Organisation: o}
					byOrg[o.ID] = oc
					order = append(order, o.ID)
				}
				oc.Due = append(oc.Due, c)
				if !cc.Reported() {
					oc.Missing = append(oc.Missing, c)
				}
			}
		}
	}
	for _, id := range order {
		cov.Organisations = append(cov.Organisations, *byOrg[id])
	}
	sort.SliceStable(cov.Organisations, func(i, j int) bool {
		return cov.Organisations[i].Organisation.Name < cov.Organisations[j].Organisation.Name
	})
	return cov
}

// DayStart returns the moment a date (midnight UTC standing for a day) begins in the UK.
func DayStart(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, uk)
}

// FormatDate writes a date as people read it: "15 December 2026".
func FormatDate(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format("2 January 2006")
}
