package tracker

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Reviewing an update before it is published: what staff should check, the wording they may
// correct without returning the update, and the conversation about a return note.

// ReviewFlag is something a reviewer should check before publishing an update, in plain words.
type ReviewFlag struct {
	// Kind names the rule, for tests and styling: "past-month", "status-dates" or "gap".
	Kind    string
	Message string
}

// Review flag kinds.
const (
	FlagPastMonth   = "past-month"
	FlagStatusDates = "status-dates"
	FlagGap         = "gap"
)

// LongGap is how long since an organisation's last published update on a commitment a reviewer
// is told about: the same 90 days after which a commitment is due an update.
const LongGap = UpdateDueAfter

// ReviewFlags says what a reviewer should check in the update on the commitment before
// publishing it, at now: a revised month that has passed, a status that does not fit the dates,
// and a long gap since the organisation's last published update on the commitment
// (lastPublished, nil when it has published none through the portal).
func ReviewFlags(u Update, c Commitment, lastPublished *time.Time, now time.Time) []ReviewFlag {
	var flags []ReviewFlag
	add := func(kind, format string, args ...any) {
		flags = append(flags, ReviewFlag{Kind: kind, Message: fmt.Sprintf(format, args...)})
	}
	by := c.ExpectedBy()
	if u.Expected != nil {
		by = *u.Expected
	}
	switch {
	case u.Expected != nil && u.Expected.Passed(now) && u.Status != Delivered:
		add(FlagPastMonth, "The revised expected month, %s, has already passed. Publishing it would show the commitment as overdue.", u.Expected)
	case IsOverdue(u.Status, by, now):
		add(FlagStatusDates, "The commitment was expected by the end of %s, which has passed, but this update says %s, not Delivered.", by, u.Status.Label())
	}
	if u.Status == OnTrack && u.Expected != nil && c.Due.Before(*u.Expected) {
		add(FlagStatusDates, "The status is On track, but the revised expected month, %s, is %s after the due month, %s. At risk or Delayed may fit better.",
			u.Expected, MonthsBetween(c.Due, *u.Expected), c.Due)
	}
	if lastPublished != nil && now.Sub(*lastPublished) > LongGap {
		add(FlagGap, "%s last published an update on this commitment %s ago, on %s.", u.Reporter(), Since(*lastPublished, now),
			InUK(*lastPublished).Format("2 January 2006"))
	}
	return flags
}

// MonthsBetween says how many months from a to the later b, such as "1 month" or "18 months".
func MonthsBetween(a, b Month) string {
	n := (b.Year-a.Year)*12 + int(b.Month) - int(a.Month)
	if n == 1 {
		return "1 month"
	}
	return strconv.Itoa(n) + " months"
}

// Since says how long from then to now, as people say it: whole months from two months on
// ("5 months", "1 year and 2 months"), and days before that.
func Since(then, now time.Time) string {
	a, b := InUK(then), InUK(now)
	months := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		months--
	}
	if months < 2 {
		days := int(b.Sub(a) / (24 * time.Hour))
		if days == 1 {
			return "1 day"
		}
		return strconv.Itoa(days) + " days"
	}
	years, months := months/12, months%12
	count := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + one + "s"
	}
	switch {
	case years == 0:
		return count(months, "month")
	case months == 0:
		return count(years, "year")
	}
	return count(years, "year") + " and " + count(months, "month")
}

// Correction is a change of wording staff made to an update before publishing it.
type Correction struct {
	ID       int64
	UpdateID int64
	// Field is the field changed: FieldNarrative or FieldStatusReason.
	Field  string
	Before string
	After  string
	// ByID and ByName are the member of staff who made it; partners are not shown the name.
	ByID   *int64
	ByName string
	At     time.Time
}

// FieldLabel names the corrected field as people read it in a sentence: "progress" or "reason".
func (c Correction) FieldLabel() string {
	if c.Field == FieldStatusReason {
		return "reason"
	}
	return "progress"
}

// Changes lists the runs of words the correction changed.
func (c Correction) Changes() []WordChange { return WordChanges(c.Before, c.After) }

// CorrectionInput is what a reviewer typed to correct an update's wording.
type CorrectionInput struct {
	Narrative    string
	StatusReason string
}

// CorrectedField is one field a correction changes, from Before to After.
type CorrectedField struct {
	Field, Before, After string
}

// ParseCorrection checks a reviewer's corrected wording of the update: the same rules as the
// report form's. It returns the fields that change, none when nothing does.
func ParseCorrection(in CorrectionInput, u Update) ([]CorrectedField, []FieldError) {
	var errs []FieldError
	narrative := normaliseText(in.Narrative)
	if msg := checkReportText(narrative, "Progress narrative", "Enter a progress narrative", MaxNarrative); msg != "" {
		errs = append(errs, FieldError{Field: FieldNarrative, Message: msg})
	}
	reason := normaliseText(in.StatusReason)
	if u.Status.StaffOnly() {
		if msg := checkReportText(reason, "Reason", "Enter the reason", MaxReason); msg != "" {
			errs = append(errs, FieldError{Field: FieldStatusReason, Message: msg})
		}
	} else {
		reason = u.StatusReason
	}
	if errs != nil {
		return nil, errs
	}
	var out []CorrectedField
	if narrative != u.Narrative {
		out = append(out, CorrectedField{Field: FieldNarrative, Before: u.Narrative, After: narrative})
	}
	if reason != u.StatusReason {
		out = append(out, CorrectedField{Field: FieldStatusReason, Before: u.StatusReason, After: reason})
	}
	if out == nil {
		return nil, []FieldError{{Field: FieldNarrative, Message: "Change the wording before saving the correction, or publish the update as it is"}}
	}
	return out, nil
}

// WordChange is a run of words a correction replaced: Before is empty for words added, After for
// words taken out.
type WordChange struct {
	Before, After string
}

// WordChanges compares two texts word by word and returns each run of words that differs, in
// order. Texts too long to compare word by word are given as one change of the whole.
func WordChanges(before, after string) []WordChange {
	a, b := strings.Fields(before), strings.Fields(after)
	if len(a)*len(b) > 4_000_000 {
		return []WordChange{{Before: before, After: after}}
	}
	// lcs[i][j] is the length of the longest common run of a[i:] and b[j:].
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []WordChange
	var del, ins []string
	flush := func() {
		if del != nil || ins != nil {
			out = append(out, WordChange{Before: strings.Join(del, " "), After: strings.Join(ins, " ")})
			del, ins = nil, nil
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			flush()
			i++
			j++
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			ins = append(ins, b[j])
			j++
		default:
			del = append(del, a[i])
			i++
		}
	}
	flush()
	return out
}

// Describe says what the change did, in words: Changed “teh” to “the”, Added “soon”, Took out
// “very”.
func (w WordChange) Describe() string {
	switch {
	case w.Before == "":
		return "Added “" + w.After + "”"
	case w.After == "":
		return "Took out “" + w.Before + "”"
	}
	return "Changed “" + w.Before + "” to “" + w.After + "”"
}

// MessageKind is what a message in an update's conversation is.
type MessageKind string

// The kinds of message about an update.
const (
	// MessageReturn is staff's note returning the update.
	MessageReturn MessageKind = "return"
	// MessageReply is a partner's reply to a return note.
	MessageReply MessageKind = "reply"
	// MessageAnswer is staff answering a reply.
	MessageAnswer MessageKind = "answer"
)

// Message is one message of the conversation about an update: return notes, replies and
// answers. Staff and the update's organisation see them; the public never does.
type Message struct {
	ID       int64
	UpdateID int64
	Kind     MessageKind
	AuthorID *int64
	// AuthorName is shown to staff only; OrganisationName is the author's organisation for a
	// partner's reply.
	AuthorName       string
	OrganisationName string
	Body             string
	At               time.Time
}

// FromStaff reports whether the message was written by Scottish Government staff.
func (m Message) FromStaff() bool { return m.Kind != MessageReply }

// Heading says who wrote the message and what it is, for the reader: staff see names, partners
// see "Scottish Government staff" for staff.
func (m Message) Heading(staffReader bool) string {
	who := "Scottish Government staff"
	if !m.FromStaff() {
		who = m.OrganisationName
		if who == "" {
			who = "The partner"
		}
	}
	if staffReader && m.AuthorName != "" {
		who = m.AuthorName
		if !m.FromStaff() && m.OrganisationName != "" {
			who += " (" + m.OrganisationName + ")"
		}
	}
	switch m.Kind {
	case MessageReturn:
		return who + " returned the update with this note"
	case MessageReply:
		return who + " replied"
	}
	return who + " answered"
}

// MaxReply is the most characters a reply to a return note, or staff's answer, may have.
const MaxReply = MaxReviewNote

// ParseReply checks a reply to a return note (or staff's answer to one).
func ParseReply(s string) (string, []FieldError) {
	reply := normaliseText(s)
	switch n := TextLength(reply); {
	case !ValidText(reply):
		return "", []FieldError{{Field: FieldReply, Message: "Reply " + invalidText}}
	case n == 0:
		return "", []FieldError{{Field: FieldReply, Message: "Enter your reply"}}
	case n > MaxReply:
		return "", []FieldError{{Field: FieldReply, Message: "Reply must be " + strconv.Itoa(MaxReply) + " characters or fewer"}}
	}
	return reply, nil
}

// MayReply reports whether the user may reply to the return note of an update still in progress:
// staff may, and so may partners of the update's organisation, once it has been returned.
func MayReply(u *User, up Update) bool {
	if u == nil || u.Disabled() || up.State == StateDraft || up.State == StatePublished || up.ReturnedAt == nil {
		return false
	}
	if u.IsStaff() {
		return true
	}
	return u.Role == RolePartner && u.OrganisationID != nil && up.OrganisationID != nil && *u.OrganisationID == *up.OrganisationID
}
