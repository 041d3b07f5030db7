package web

import (
	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// AuditView is what the audit log page shows.
type AuditView struct {
	Entries []AuditEntry
	// Query is the filter as typed; CSV the address of its download.
	Query       paths.AuditQuery
	CSV         string
	RecordTypes []string
	Actions     []string
	// People are the choices of who acted.
	People []Option
	Errors []FieldError
	// Matching is how many entries match, and Capped that there are more than that.
	Matching int
	Capped   bool
	// NewerURL and OlderURL are the addresses of the pages either side, "" where there is none.
	NewerURL, OlderURL string
}

// AuditEntry is an entry of the audit log as the page shows it: people and records by name.
type AuditEntry struct {
	At string
	// ISOTime is At as a download gives it.
	ISOTime string
	// Actor is the name of who acted, or the address or label the entry keeps when it names no
	// account that exists.
	Actor      string
	ActorEmail string
	Action     string
	RecordType string
	RecordID   string
	// Record names the record; RecordURL is the log filtered to it.
	Record     string
	RecordURL  string
	RemoteAddr string
	Changes    []tracker.AuditChange
}

func auditMatching(v AuditView) string {
	switch {
	case v.Capped:
		return "More than " + formatCount(v.Matching) + " entries"
	case v.Matching == 1:
		return "1 entry"
	}
	return formatCount(v.Matching) + " entries"
}

// formatCount writes a count with commas between thousands: 10,000.
func formatCount(n int) string {
	s := itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func valueOptions(any string, values []string) []Option {
	opts := []Option{{Value: "", Text: any}}
	for _, t := range values {
		opts = append(opts, Option{Value: t, Text: t})
	}
	return opts
}
