package server

// The audit log, for administrators, and the outbox of emails the portal has sent or will send,
// for staff.

import (
	"bufio"
	"context"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// auditPageSize is how many entries a page of the audit log shows; auditCSVBatch, how many the
// download reads from the database at a time.
const (
	auditPageSize = listPageSize
	auditCSVBatch = 1000
)

// auditRequest reads the audit log's filter from the query: what the page shows as typed, and
// the store's filter, or the problems with the dates typed.
func auditRequest(q url.Values) (paths.AuditQuery, postgres.AuditFilter, []tracker.FieldError) {
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	date := func(name string) tracker.DateInput {
		return tracker.DateInput{Day: get(tracker.DateField(name, tracker.DateDay)),
			Month: get(tracker.DateField(name, tracker.DateMonth)), Year: get(tracker.DateField(name, tracker.DateYear))}
	}
	aq := paths.AuditQuery{User: get("user"), Action: get("action"), RecordType: get("record_type"),
		RecordID: get("record_id"), From: date(tracker.FieldAuditFrom), To: date(tracker.FieldAuditTo)}
	period, problems := tracker.ParseAuditPeriod(aq.From, aq.To)
	f := postgres.AuditFilter{Actor: aq.User, Action: aq.Action, RecordType: aq.RecordType, RecordID: aq.RecordID,
		Since: period.Since(), Until: period.Until(), Limit: auditPageSize}
	f.Before, _ = postgres.ParseAuditCursor(q.Get("before"))
	if f.Before == nil {
		f.After, _ = postgres.ParseAuditCursor(q.Get("after"))
	}
	return aq, f, problems
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	aq, f, problems := auditRequest(r.URL.Query())
	v := web.AuditView{Query: aq, CSV: paths.AuditCSV(aq)}
	var err error
	if v.RecordTypes, err = s.store.AuditRecordTypes(ctx); err != nil {
		return err
	}
	if v.Actions, err = s.store.AuditActions(ctx); err != nil {
		return err
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	v.People = auditPeople(users, aq.User)
	if problems != nil {
		v.Errors = fieldErrors(problems)
		return s.page(w, r, http.StatusUnprocessableEntity, web.AuditPage(s.layout(r), v))
	}
	page, err := s.store.AuditLog(ctx, f)
	if err != nil {
		return err
	}
	if v.Entries, err = s.auditEntries(ctx, page.Entries); err != nil {
		return err
	}
	v.Matching, v.Capped = page.Matching, page.Capped
	if page.Newer != nil {
		v.NewerURL = paths.AuditList(aq, "", page.Newer.String())
	}
	if page.Older != nil {
		v.OlderURL = paths.AuditList(aq, page.Older.String(), "")
	}
	return s.page(w, r, http.StatusOK, web.AuditPage(s.layout(r), v))
}

// auditPeople are the choices of the filter by who acted: every account, by name, and whoever
// else the filter names (such as an address a failed sign-in typed).
func auditPeople(users []tracker.User, chosen string) []web.Option {
	opts := []web.Option{{Value: "", Text: "Anyone"}}
	found := chosen == ""
	for _, u := range users {
		opts = append(opts, web.Option{Value: u.Email, Text: u.Name + " (" + u.Email + ")"})
		found = found || strings.EqualFold(u.Email, chosen)
	}
	if !found {
		opts = append(opts, web.Option{Value: chosen, Text: chosen})
	}
	return opts
}

// auditEntries shows the entries with the names of the people and records they name, as they
// are now, and what changed field by field. The entries themselves are as stored.
func (s *Server) auditEntries(ctx context.Context, entries []postgres.AuditRecord) ([]web.AuditEntry, error) {
	var keys []tracker.RecordKey
	for _, e := range entries {
		keys = append(keys, tracker.RecordKey{Kind: e.RecordType, ID: e.RecordID})
		if e.ActorID != nil {
			keys = append(keys, tracker.RecordKey{Kind: "user", ID: postgres.RecordRef(*e.ActorID)})
		}
		keys = append(keys, tracker.AuditReferences(e.Details)...)
	}
	names, err := s.store.AuditNames(ctx, keys)
	if err != nil {
		return nil, err
	}
	name := func(k tracker.RecordKey) string { return names[k] }
	out := make([]web.AuditEntry, len(entries))
	for i, e := range entries {
		v := web.AuditEntry{At: web.FormatTime(e.At), ISOTime: isoTime(e.At), Actor: e.ActorEmail, ActorEmail: e.ActorEmail,
			Action: e.Action, RecordType: e.RecordType, RecordID: e.RecordID, RemoteAddr: e.RemoteAddr,
			Changes: tracker.AuditChanges(e.Details, name)}
		if e.ActorID != nil {
			if n := names[tracker.RecordKey{Kind: "user", ID: postgres.RecordRef(*e.ActorID)}]; n != "" {
				// The address is shown under the name.
				v.Actor = strings.TrimSuffix(n, " ("+e.ActorEmail+")")
			}
		}
		if e.RecordType != "" {
			v.Record = names[tracker.RecordKey{Kind: e.RecordType, ID: e.RecordID}]
			if v.Record == "" {
				v.Record = e.RecordType + " " + e.RecordID
			}
			v.RecordURL = paths.Audit("", e.RecordType, e.RecordID)
		}
		out[i] = v
	}
	return out, nil
}

// auditCSV downloads every entry the audit log's filter selects, newest first, as CSV that
// spreadsheets open safely (see csvWriter), with names as the page shows them and what changed
// a line a field. It reads the entries a batch at a time and writes each as it goes, so that a
// download of the whole log holds little in memory and runs no long statement.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, f, problems := auditRequest(r.URL.Query())
	if problems != nil {
		s.badRequest(w, r, problems[0].Message)
		return nil
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="audit-log-`+tracker.InUK(s.now()).Format("2006-01-02")+`.csv"`)
	h.Set("Cache-Control", "no-store")
	out := &countingWriter{w: w}
	bw := bufio.NewWriterSize(out, 64<<10)
	cw := newCSVWriter(bw)
	err := cw.Write([]string{"at", "who", "who_email", "from", "action", "record_kind", "record_id", "record", "what_changed"})
	if err == nil {
		err = s.store.EachAudit(ctx, f, auditCSVBatch, func(entries []postgres.AuditRecord) error {
			shown, err := s.auditEntries(ctx, entries)
			if err != nil {
				return err
			}
			for _, e := range shown {
				if err := cw.Write([]string{e.ISOTime, e.Actor, e.ActorEmail, e.RemoteAddr, e.Action, e.RecordType,
					e.RecordID, e.Record, tracker.FormatAuditChanges(e.Changes)}); err != nil {
					return err
				}
			}
			return cw.Flush()
		})
	}
	if err == nil {
		if err = cw.Flush(); err == nil {
			err = bw.Flush()
		}
	}
	if err != nil && out.n > 0 {
		// Part of the file has gone: drop the connection, so that the download fails rather
		// than ends early looking whole.
		s.logger.ErrorContext(ctx, "audit log download failed part way", "error", err)
		panic(http.ErrAbortHandler)
	}
	if err != nil {
		h.Del("Content-Disposition")
	}
	return err
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := web.OutboxView{Page: max(queryNumber(q, "page", 99999), 1), Configured: s.mailer != nil}
	f := postgres.OutboxFilter{RoundID: int64(queryNumber(q, "round", math.MaxInt)), Limit: listPageSize,
		Offset: (v.Page - 1) * listPageSize}
	if st, ok := tracker.ParseEmailStatus(q.Get("status")); ok {
		f.Status, v.Status = st, string(st)
	}
	emails, total, err := s.store.Outbox(r.Context(), f)
	if err != nil {
		return err
	}
	v.Emails, v.Total = emails, total
	v.Pages = pageCount(total, listPageSize)
	return s.page(w, r, http.StatusOK, web.OutboxPage(s.adminLayout(r), v))
}

func (s *Server) adminEmail(w http.ResponseWriter, r *http.Request) error {
	e, err := byPathID(r, s.store.EmailByID)
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, web.EmailPage(s.adminLayout(r, web.Breadcrumb{Text: "Outbox", Href: paths.AdminOutbox}, crumb(e.Subject)),
		web.EmailView{Email: e}))
}
