package tracker

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Staff change a commitment one field at a time, each on a small form of its own. A change to
// what the public sees asks for a short note, which the commitment's public page shows as an
// amendment: "Amended on 3 December 2026: corrected the lead organisation".

// CommitmentField is a field of a commitment that staff change on a form of its own.
type CommitmentField struct {
	// Slug names the field in the form's address, such as "what".
	Slug string
	// Label names the field on the commitment's page for staff, such as "What it will deliver".
	Label string
	// Public says that the public sees the field as text: a change to it needs a change note,
	// which the public page shows as an amendment.
	Public bool
	// keys are the form fields ParseCommitment keys this field's problems by; a key ending in
	// "-" is a prefix.
	keys []string
}

// The fields of a commitment staff change one at a time, in the order its page lists them.
var (
	FieldNumber   = CommitmentField{Slug: "number", Label: "Number", Public: true, keys: []string{"ref"}}
	FieldPriority = CommitmentField{Slug: "priority-area", Label: "Priority area", Public: true, keys: []string{"priority"}}
	FieldWhat     = CommitmentField{Slug: "what", Label: "What it will deliver", Public: true, keys: []string{"deliver"}}
	FieldWhy      = CommitmentField{Slug: "why", Label: "Why", Public: true, keys: []string{"why"}}
	FieldDue      = CommitmentField{Slug: "due", Label: "Due", Public: true, keys: []string{"due"}}
	FieldLeads    = CommitmentField{Slug: "leads", Label: "Who leads it", Public: true, keys: []string{"lead-"}}
	// FieldSource is where the commitment's text comes from: the public page links to it under
	// the plan's title, so changing the address changes no text the public reads.
	FieldSource = CommitmentField{Slug: "source", Label: "Page of the published plan", keys: []string{"source_url"}}

	CommitmentFields = []CommitmentField{FieldNumber, FieldPriority, FieldWhat, FieldWhy, FieldDue, FieldLeads, FieldSource}
)

// CommitmentFieldBySlug returns the field the slug names, and false if there is none.
func CommitmentFieldBySlug(slug string) (CommitmentField, bool) {
	for _, f := range CommitmentFields {
		if f.Slug == slug {
			return f, true
		}
	}
	return CommitmentField{}, false
}

// Owns reports whether a problem keyed key (see ParseCommitment) is about this field.
func (f CommitmentField) Owns(key string) bool {
	for _, k := range f.keys {
		if k == key || strings.HasSuffix(k, "-") && strings.HasPrefix(key, k) {
			return true
		}
	}
	return false
}

// FieldChangeNote is the form field of a change note.
const FieldChangeNote = "change_note"

// MaxChangeNote is the most characters a change note may have.
const MaxChangeNote = 200

// ParseChangeNote checks the note given for a change: required for a field the public sees, one
// line of at most MaxChangeNote characters. It returns the note trimmed, with runs of space made
// one.
func ParseChangeNote(s string, required bool) (string, []FieldError) {
	note := strings.Join(strings.Fields(s), " ")
	problem := func(msg string) (string, []FieldError) {
		return "", []FieldError{{Field: FieldChangeNote, Message: msg}}
	}
	switch n := TextLength(note); {
	case !ValidText(note):
		return problem("Change note " + invalidText)
	case n == 0 && required:
		return problem("Enter a change note saying what you changed, such as “corrected the lead organisation”")
	case n > MaxChangeNote:
		return problem("Change note must be " + strconv.Itoa(MaxChangeNote) + " characters or fewer")
	}
	return note, nil
}

// InputOf returns a commitment as its form shows it, every field as it would be typed.
func InputOf(c Commitment) CommitmentInput {
	in := CommitmentInput{Ref: c.Ref, Priority: strconv.FormatInt(c.PriorityID, 10), Deliver: c.Deliver,
		Why: strings.Join(c.Why, "\n"), SourceURL: c.SourceURL}
	if !c.Due.IsZero() {
		in.DueMonth, in.DueYear = strconv.Itoa(int(c.Due.Month)), strconv.Itoa(c.Due.Year)
	}
	for _, l := range c.Leads {
		li := LeadInput{Text: l.Text}
		for _, o := range l.Organisations {
			li.Orgs = append(li.Orgs, strconv.FormatInt(o.ID, 10))
		}
		in.Leads = append(in.Leads, li)
	}
	return in
}

// ParseCommitmentChange reads the form changing one field of a commitment: in is the commitment
// as it is, with that field's inputs as typed, and note the change note. It checks in as
// ParseCommitment does, and the note with ParseChangeNote, required when the field is public.
// It returns the commitment as it would be, the note, and the problems with the field and the
// note, in the order of the form.
func ParseCommitmentChange(f CommitmentField, in CommitmentInput, note string, priorities []Priority, orgs []Organisation) (Commitment, string, []FieldError) {
	c, all := ParseCommitment(in, priorities, orgs)
	var errs []FieldError
	for _, e := range all {
		if f.Owns(e.Field) {
			errs = append(errs, e)
		}
	}
	note, noteErrs := ParseChangeNote(note, f.Public)
	return c, note, append(errs, noteErrs...)
}

// Amendment is a change to what the public sees of a commitment, with the note staff gave.
type Amendment struct {
	ID           int64
	CommitmentID int64
	At           time.Time
	// Fields are what changed, as plancsv.Differences names them, such as "who leads it".
	Fields []string
	Note   string
}

// Notice is the amendment as the public page says it: "Amended on 3 December 2026: corrected
// the lead organisation".
func (a Amendment) Notice() string {
	return "Amended on " + FormatDate(InUK(a.At)) + ": " + a.Note
}

// DropBlankChoices returns ids without the empty values that a list of organisations left at
// "None" sends, in order.
func DropBlankChoices(ids []string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(s string) bool { return strings.TrimSpace(s) == "" })
}
