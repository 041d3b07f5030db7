package tracker

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz tests for everything that reads what people type or send. Each checks the promises its
// function makes, whatever the input: no panic, and output that the database and the pages can
// take. Seeds are in testdata/fuzz; `make fuzz` runs them for longer.

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"March 2024", "  september 2024 ", "MARCH 2024", "Marc 2024", "March 24",
		"March 2024 extra", "", "0 0", "Mai 2024", "March 02024", "March +202", "March -2024", "March 2024\x00",
		"March\u00a02024", "\xff 2024"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			if !m.IsZero() {
				t.Errorf("ParseMonth(%q) = %v with error %v, want the zero month", s, m, err)
			}
			return
		}
		if m.Month < time.January || m.Month > time.December || m.Year < 1900 || m.Year > 2200 {
			t.Fatalf("ParseMonth(%q) = %#v, out of range", s, m)
		}
		again, err := ParseMonth(m.String())
		if err != nil || again != m {
			t.Errorf("ParseMonth(%q) = %v, which reads back as %v, %v", s, m, again, err)
		}
		if !utf8.ValidString(m.String()) {
			t.Errorf("%#v prints as invalid UTF-8", m)
		}
	})
}

func FuzzNewMonth(f *testing.F) {
	f.Add(2024, 3)
	f.Add(1900, 1)
	f.Add(2200, 12)
	f.Add(2024, 0)
	f.Add(2024, 13)
	f.Add(-1, -1)
	f.Add(1<<62, 1<<62)
	f.Fuzz(func(t *testing.T, year, month int) {
		m, err := NewMonth(year, month)
		valid := month >= 1 && month <= 12 && year >= 1900 && year <= 2200
		if (err == nil) != valid {
			t.Fatalf("NewMonth(%d, %d) error = %v, want error %v", year, month, err, !valid)
		}
		if err != nil {
			return
		}
		if m.Year != year || int(m.Month) != month {
			t.Errorf("NewMonth(%d, %d) = %#v", year, month, m)
		}
		if got := MonthOf(m.First()); got != m {
			t.Errorf("MonthOf(%v.First()) = %v", m, got)
		}
		if q := m.Quarter(); q < 1 || q > 4 {
			t.Errorf("%v.Quarter() = %d", m, q)
		}
	})
}

// The database's CHECK constraints on the same identifiers (migrations/00001_schema.sql): a value
// a validator accepts must also satisfy the database.
var (
	dbRef  = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)
	dbSlug = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	dbCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]*$`)
)

func FuzzIdentifiers(f *testing.F) {
	for _, s := range []string{"4.2", "10.15", "digital-skills-and-leadership", "NHS-BOARDS", "4.2' OR 1=1 --",
		"../../etc/passwd", "%00", "4.2\n", "a\x00", "\xff", strings.Repeat("9", 300), "ÄÖ", "-a", "A--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidRef(s) && (!dbRef.MatchString(s) || len(s) > 7) {
			t.Errorf("ValidRef(%q) but the database would refuse it", s)
		}
		if ValidSlug(s) && (!dbSlug.MatchString(s) || len(s) > 100) {
			t.Errorf("ValidSlug(%q) but the database would refuse it", s)
		}
		if ValidCode(s) && (!dbCode.MatchString(s) || len(s) > 40) {
			t.Errorf("ValidCode(%q) but the database would refuse it", s)
		}
		if (ValidRef(s) || ValidSlug(s) || ValidCode(s)) && url.PathEscape(s) != s {
			t.Errorf("%q is a valid identifier that needs escaping in a path", s)
		}
		if st, ok := ParseStatus(s); ok && (string(st) != s || !slices.Contains(Statuses, st)) {
			t.Errorf("ParseStatus(%q) = %q", s, st)
		}
		if a, ok := ParseReportAction(s); ok && string(a) != s {
			t.Errorf("ParseReportAction(%q) = %q", s, a)
		}
	})
}

func FuzzValidText(f *testing.F) {
	for _, s := range []string{"", "plain", "a\x00b", "\xff", "\xed\xa0\x80", "é", "\u2028", "<script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidText(s) != (utf8.ValidString(s) && !strings.Contains(s, "\x00")) {
			t.Errorf("ValidText(%q) = %v", s, ValidText(s))
		}
	})
}

var reportFields = []string{FieldStatus, FieldNarrative, FieldDueMonth, FieldDueYear, FieldEvidenceURL,
	FieldStatusReason, FieldCarriedForwardTo}

func FuzzParseReport(f *testing.F) {
	f.Add("on_track", "Going well.", "", "", "", "", "", false)
	f.Add("delayed", "Slipped.\r\nSee the board paper.", "3", "2026", "https://www.gov.scot/publications/x/", "", "", false)
	f.Add("withdrawn", "No longer needed.", "", "", "", "Superseded by 2.1", "", true)
	f.Add("carried_forward", "Moves on.", "", "", "", "Not finished in time", "Delivery Plan 2024-25", true)
	f.Add("withdrawn", "x", "", "", "", "", "", false)
	f.Add("deleted", "x", "13", "99999", "javascript:alert(1)", "", "", false)
	f.Add("on_track", "a\x00b", "03", "2026", "http://user:pass@example.com", "", "", false)
	f.Add("on_track", "\xff\xfe", "", "2026", "https://", "", "", false)
	f.Add("on_track", "a\x00b", "", "", "", "", "", false)
	f.Add("withdrawn", "x", "", "", "https://example.com/\xff", "\xff", "", true)
	f.Add("carried_forward", "x", "", "", "", "r", "plan\x00", true)
	f.Add(" on_track ", strings.Repeat("é", MaxNarrative+1), "+3", "0x7e", "HTTPS://EXAMPLE.COM/a b", "", "", true)
	f.Add("on_track", "<script>alert(1)</script>", "12", "2100", "https://example.com/?q='; DROP TABLE updates; --", "", "", false)
	f.Fuzz(func(t *testing.T, status, narrative, month, year, evidence, reason, planName string, staff bool) {
		in := ReportInput{Status: status, Narrative: narrative, DueMonth: month, DueYear: year,
			EvidenceURL: evidence, StatusReason: reason, CarriedForwardTo: planName}
		r, errs := ParseReport(in, staff)
		for _, e := range errs {
			if !slices.Contains(reportFields, e.Field) || e.Message == "" {
				t.Errorf("ParseReport(%+v) gave error %+v", in, e)
			}
		}
		if len(errs) > 0 {
			return
		}
		if _, ok := ParseStatus(string(r.Status)); !ok || (r.Status.StaffOnly() && !staff) {
			t.Errorf("ParseReport(%+v) accepted status %q (staff %v)", in, r.Status, staff)
		}
		for name, s := range map[string]string{"narrative": r.Narrative, "reason": r.StatusReason,
			"plan name": r.CarriedForwardTo, "evidence link": r.EvidenceURL} {
			if !ValidText(s) {
				t.Errorf("ParseReport accepted a %s the database cannot store: %q", name, s)
			}
		}
		if n := TextLength(r.Narrative); n == 0 || n > MaxNarrative {
			t.Errorf("ParseReport accepted a narrative of %d characters", n)
		}
		if TextLength(r.StatusReason) > MaxReason || TextLength(r.CarriedForwardTo) > MaxPlanName {
			t.Errorf("ParseReport accepted an over-long reason or plan name: %+v", r)
		}
		if r.Status.StaffOnly() && r.StatusReason == "" {
			t.Errorf("ParseReport accepted %s without a reason", r.Status)
		}
		if r.Expected != nil && (r.Expected.Year < 2000 || r.Expected.Year > 2100 || r.Expected.Month < 1 || r.Expected.Month > 12) {
			t.Errorf("ParseReport accepted month %#v", *r.Expected)
		}
		if r.EvidenceURL != "" {
			u, err := url.Parse(r.EvidenceURL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
				!(strings.HasPrefix(r.EvidenceURL, "http://") || strings.HasPrefix(r.EvidenceURL, "https://")) {
				t.Errorf("ParseReport accepted evidence link %q", r.EvidenceURL)
			}
		}
	})
}

func FuzzParseReviewNote(f *testing.F) {
	for _, s := range []string{"Please add the board paper.", "", "  \r\n ", "a\x00b", "\xff", strings.Repeat("x", MaxReviewNote+1)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		note, errs := ParseReviewNote(s)
		if len(errs) > 0 {
			if len(errs) != 1 || errs[0].Field != FieldNote || errs[0].Message == "" {
				t.Errorf("ParseReviewNote(%q) errors = %+v", s, errs)
			}
			return
		}
		if n := TextLength(note); n == 0 || n > MaxReviewNote || !ValidText(note) {
			t.Errorf("ParseReviewNote(%q) accepted %q", s, note)
		}
	})
}

func FuzzAccountChecks(f *testing.F) {
	for _, s := range [][2]string{
		{"name@example.scot", "Ada Lovelace"}, {" Name@Example.SCOT ", "  Ada  "}, {"", ""},
		{"a@b", "a\x00b"}, {"\"x\"@example.com", "\xff"}, {"<script>@example.com", "<script>alert(1)</script>"},
		{"x@example.com\r\nBcc: y@example.com", "Ada\nLovelace"}, {"Ada <ada@example.com>", "\u202eevil"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, email, name string) {
		if EmailProblem(email) == "" {
			e := NormaliseEmail(email)
			if !ValidText(e) || len(e) > MaxEmailLength || !strings.Contains(e, "@") || strings.ContainsAny(e, "\r\n<>") {
				t.Errorf("EmailProblem accepted %q as %q", email, e)
			}
		}
		if NameProblem(name) == "" {
			n := strings.TrimSpace(name)
			if !ValidText(n) || n == "" || utf8.RuneCountInString(n) > MaxNameLength || strings.ContainsAny(n, "\r\n\t") {
				t.Errorf("NameProblem accepted %q", name)
			}
		}
	})
}

func FuzzValidateCommitment(f *testing.F) {
	f.Add("4.2", "Learning pathways for staff", "Skills\nLeadership", "NES\nSG", "https://www.gov.scot/publications/plan/")
	f.Add("4.2", "a\x00b", "", "", "")
	f.Add("x", "", "\xff", "\r\n", "javascript:alert(1)")
	f.Add("10.99", strings.Repeat("d", MaxDeliverLength+1), "<script>", "NES\x00", "HTTPS://EXAMPLE.COM/a b")
	f.Fuzz(func(t *testing.T, ref, deliver, why, leads, source string) {
		c := Commitment{Ref: ref, PriorityID: 1, Deliver: deliver, Why: SplitLines(why), Due: Month{2024, time.March}, SourceURL: source}
		for _, l := range SplitLines(leads) {
			c.Leads = append(c.Leads, LeadLine{Text: l})
		}
		if errs := ValidateCommitment(c); len(errs) > 0 {
			return
		}
		texts := append([]string{c.Ref, c.Deliver, c.SourceURL}, c.Why...)
		for _, l := range c.Leads {
			texts = append(texts, l.Text)
		}
		for _, s := range texts {
			if !ValidText(s) {
				t.Errorf("ValidateCommitment accepted text the database cannot store: %q", s)
			}
		}
		if !dbRef.MatchString(c.Ref) {
			t.Errorf("ValidateCommitment accepted ref %q, which the database refuses", c.Ref)
		}
		if l := strings.ToLower(c.SourceURL); c.SourceURL != "" && !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
			t.Errorf("ValidateCommitment accepted source link %q", c.SourceURL)
		}
	})
}

func FuzzDates(f *testing.F) {
	for _, s := range []string{"15/12/2026", "15 12 2026", "2026-12-15", "15 December 2026", "31/02/2026", "0/0/0",
		"15/12/99999", "7, 14", "-1", "99999999999999999999", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if days, err := ParseDays(s); err == nil {
			if !slices.IsSortedFunc(days, func(a, b int) int { return b - a }) || len(slices.Compact(slices.Clone(days))) != len(days) ||
				slices.ContainsFunc(days, func(n int) bool { return n < 0 || n > MaxReminderDays }) {
				t.Errorf("ParseDays(%q) = %v, want distinct days, longest first", s, days)
			}
			if back, err := ParseDays(FormatDays(days)); err != nil || !slices.Equal(back, days) {
				t.Errorf("ParseDays(%q) = %v, which reads back as %v, %v", s, days, back, err)
			}
		}
		// The same text in each field of a date input, and split into them at spaces.
		fields := strings.Fields(s)
		inputs := []DateInput{{s, s, s}, {s, "", ""}}
		if len(fields) == 3 {
			inputs = append(inputs, DateInput{fields[0], fields[1], fields[2]})
		}
		for _, in := range inputs {
			d, derr := ParseDateInput(in, "The date", true)
			switch {
			case derr == nil && (d.Hour() != 0 || d.Location() != time.UTC || d.Year() < MinDateYear || d.Year() > MaxDateYear):
				t.Errorf("ParseDateInput(%q) = %v", in, d)
			case derr == nil && DateInputOf(d) != (DateInput{strings.TrimLeft(strings.TrimSpace(in.Day), "0"), DateInputOf(d).Month, strings.TrimSpace(in.Year)}):
				t.Errorf("ParseDateInput(%q) = %v, which is prefilled as %+v", in, d, DateInputOf(d))
			case derr != nil && (derr.Message == "" || len(derr.Parts) == 0 || !slices.Equal(WrongDateParts(in), derr.Parts)):
				t.Errorf("ParseDateInput(%q) error %+v, WrongDateParts %q", in, derr, WrongDateParts(in))
			}
		}
		if r, ok := ParseRole(s); ok && string(r) != s {
			t.Errorf("ParseRole(%q) = %q", s, r)
		}
	})
}
