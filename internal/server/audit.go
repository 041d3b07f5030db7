package server

// The audit log, for administrators, and the outbox of emails the portal has sent or will send,
// for staff.

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// auditQuery reads which entries of the audit log the query asks for: its filters and page.
func auditQuery(q url.Values) web.AuditView {
	v := web.AuditView{Actor: strings.TrimSpace(q.Get("user")), RecordType: strings.TrimSpace(q.Get("record_type")),
		RecordID: strings.TrimSpace(q.Get("record_id")), Page: max(queryNumber(q, "page", math.MaxInt), 1)}
	v.PageURL = func(page int) string { return paths.AuditPage(v.Actor, v.RecordType, v.RecordID, page) }
	return v
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	v := auditQuery(r.URL.Query())
	ctx := r.Context()
	entries, total, err := s.store.AuditLog(ctx, postgres.AuditFilter{Actor: v.Actor, RecordType: v.RecordType,
		RecordID: v.RecordID, Limit: listPageSize, Offset: (v.Page - 1) * listPageSize})
	if err != nil {
		return err
	}
	if v.RecordTypes, err = s.store.AuditRecordTypes(ctx); err != nil {
		return err
	}
	v.Total = total
	v.Pages = pageCount(total, listPageSize)
	for _, e := range entries {
		v.Entries = append(v.Entries, web.AuditEntry{At: web.FormatTime(e.At), Actor: e.ActorEmail, Action: e.Action,
			RecordType: e.RecordType, RecordID: e.RecordID, RemoteAddr: e.RemoteAddr, Details: compactJSON(e.Details)})
	}
	return s.page(w, r, http.StatusOK, web.AuditPage(s.layout(r), v))
}

// compactJSON shows an entry's details on one line, or nothing for an empty object.
func compactJSON(b json.RawMessage) string {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return string(b)
	}
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return ""
	}
	out, err := json.Marshal(v)
	if err != nil {
		return string(b)
	}
	return string(out)
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
