package tracker

// Reading the audit log: what an entry's details say changed, the records they name, and the
// filters people narrow the log with.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AuditChange is one line of what an audit entry records: a field that changed, from Before to
// After, or, when Changed is false, a detail kept beside the change (such as the reason given),
// whose value is After.
type AuditChange struct {
	Field   string
	Before  string
	After   string
	Changed bool
}

// RecordKey names a record the audit log refers to: its kind ("plan", "user", ...) and ID.
type RecordKey struct {
	Kind string
	ID   string
}

// auditIDFields are the fields of audit details that hold the ID of another record, and the
// kind of that record, so that they can be shown by name.
var auditIDFields = map[string]string{
	"plan_id": "plan", "current_plan_id": "plan", "previous_id": "plan", "priority_id": "priority",
	"carried_forward_to": "commitment", "carried_forward_from": "commitment", "organisation_id": "organisation",
	"user_id": "user", "update": "update",
}

// auditHiddenFields change with every change and say nothing to a person reading the log.
var auditHiddenFields = map[string]bool{"version": true}

// AuditReferences returns the records an entry's details name by ID, for looking up their names.
func AuditReferences(details []byte) []RecordKey {
	var refs []RecordKey
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "before" || k == "after" {
					walk(key, x)
				} else {
					walk(k, x)
				}
			}
		case json.Number:
			if kind, ok := auditIDFields[key]; ok {
				refs = append(refs, RecordKey{kind, v.String()})
			}
		}
	}
	if m, ok := decodeDetails(details); ok {
		walk("", m)
	}
	return refs
}

// AuditChanges reads an audit entry's details into what a person needs to see: each field whose
// value differs between "before" and "after" (all of "after" for a new record), each field that
// is itself {"before": ..., "after": ...}, and then the other details, such as a reason. A
// record taken out of use keeps only "before", which is not listed. name gives the name of a
// record that a field names by ID (see AuditReferences), or "" to show the ID. Fields come in
// alphabetical order within each group; version numbers are left out.
func AuditChanges(details []byte, name func(RecordKey) string) []AuditChange {
	m, ok := decodeDetails(details)
	if !ok {
		if s := strings.TrimSpace(string(details)); s != "" && s != "{}" {
			return []AuditChange{{Field: "Details", After: s}}
		}
		return nil
	}
	show := func(field string, v any) string { return auditValue(field, v, name) }
	var changes, notes []AuditChange
	before, hasBefore := m["before"]
	after, hasAfter := m["after"]
	bm, bIsMap := before.(map[string]any)
	am, aIsMap := after.(map[string]any)
	switch {
	case hasAfter && (bIsMap || !hasBefore) && aIsMap:
		for _, k := range unionKeys(bm, am) {
			b, inB := bm[k]
			a, inA := am[k]
			if auditHiddenFields[k] || (inB && inA && sameJSON(a, b)) || (!hasBefore && emptyValue(a)) {
				continue
			}
			c := AuditChange{Field: FieldLabel(k), After: show(k, a), Changed: true}
			if inB {
				c.Before = show(k, b)
			}
			changes = append(changes, c)
		}
	case hasAfter && !aIsMap:
		if !hasBefore || !sameJSON(before, after) {
			changes = append(changes, AuditChange{Field: "Value", Before: show("", before), After: show("", after), Changed: true})
		}
	}
	for _, k := range sortedKeys(m) {
		if k == "before" || k == "after" {
			continue
		}
		v := m[k]
		if pair, ok := v.(map[string]any); ok && len(pair) <= 2 && hasAnyKey(pair, "before", "after") {
			if !sameJSON(pair["before"], pair["after"]) {
				changes = append(changes, AuditChange{Field: FieldLabel(k), Before: show(k, pair["before"]),
					After: show(k, pair["after"]), Changed: true})
			}
			continue
		}
		notes = append(notes, AuditChange{Field: FieldLabel(k), After: show(k, v)})
	}
	return append(changes, notes...)
}

// FormatAuditChanges writes the changes on one line each, as "Field: before → after", for a
// download.
func FormatAuditChanges(changes []AuditChange) string {
	lines := make([]string, len(changes))
	for i, c := range changes {
		if c.Changed {
			lines[i] = c.Field + ": " + c.Before + " → " + c.After
		} else {
			lines[i] = c.Field + ": " + c.After
		}
	}
	return strings.Join(lines, "\n")
}

// FieldLabel turns a field's name in the audit log into words: "as_written" is "As written",
// and a field holding the ID of a record, shown by its name, is named for the record:
// "current_plan_id" is "Current plan".
func FieldLabel(k string) string {
	if _, ok := auditIDFields[k]; ok {
		k = strings.TrimSuffix(k, "_id")
	}
	k = strings.ReplaceAll(k, "_", " ")
	if k == "" {
		return k
	}
	return strings.ToUpper(k[:1]) + k[1:]
}

func decodeDetails(details []byte) (map[string]any, bool) {
	d := json.NewDecoder(bytes.NewReader(details))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	return m, true
}

// auditValue shows one value: text as it is, nothing as "(none)", true and false as "yes" and
// "no", a list of plain values joined with commas, and the ID of a record by its name.
func auditValue(field string, v any, name func(RecordKey) string) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case string:
		if v == "" {
			return "(none)"
		}
		return v
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case json.Number:
		if kind, ok := auditIDFields[field]; ok && name != nil {
			if n := name(RecordKey{kind, v.String()}); n != "" {
				return n
			}
		}
		return v.String()
	case []any:
		if len(v) == 0 {
			return "(none)"
		}
		parts := make([]string, len(v))
		for i, x := range v {
			switch x.(type) {
			case map[string]any, []any:
				b, _ := json.Marshal(x)
				parts[i] = string(b)
			default:
				parts[i] = auditValue(field, x, name)
			}
		}
		return strings.Join(parts, ", ")
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	}
}

func emptyValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	}
	return false
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func hasAnyKey(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func unionKeys(a, b map[string]any) []string {
	seen := map[string]any{}
	for k := range a {
		seen[k] = nil
	}
	for k := range b {
		seen[k] = nil
	}
	return sortedKeys(seen)
}

// The fields of the audit log's filter form.
const (
	FieldAuditFrom = "from"
	FieldAuditTo   = "to"
)

// AuditPeriod is the span of time an audit log filter covers: from the start of From's day to
// the end of To's, in the UK. A zero time leaves that end open.
type AuditPeriod struct {
	From, To time.Time
}

// Since returns the first moment the period covers, or the zero time.
func (p AuditPeriod) Since() time.Time {
	if p.From.IsZero() {
		return time.Time{}
	}
	return DayStart(p.From)
}

// Until returns the moment just after the period ends (the start of the day after To), or the
// zero time.
func (p AuditPeriod) Until() time.Time {
	if p.To.IsZero() {
		return time.Time{}
	}
	return DayStart(p.To.AddDate(0, 0, 1))
}

// ParseAuditPeriod reads the dates of an audit log filter, each an optional date input (day,
// month and year) read as ParseDateInput reads it. The end may not be before the start.
func ParseAuditPeriod(from, to DateInput) (AuditPeriod, []FieldError) {
	var e fieldErrors
	p := AuditPeriod{From: e.date(FieldAuditFrom, from, "The start date", false), To: e.date(FieldAuditTo, to, "The end date", false)}
	if e == nil && !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
		e.add(DateField(FieldAuditTo, DateDay), "The end date must be the same as or after the start date")
	}
	return p, e
}
