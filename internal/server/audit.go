package server

// The audit log, for administrators.

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/web"
)

// auditPageSize is how many entries a page of the audit log lists.
const auditPageSize = 50

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	v := web.AuditView{Actor: strings.TrimSpace(q.Get("user")), RecordType: strings.TrimSpace(q.Get("record_type")),
		RecordID: strings.TrimSpace(q.Get("record_id"))}
	v.Page, _ = strconv.Atoi(q.Get("page"))
	v.Page = max(v.Page, 1)
	entries, total, err := s.store.AuditLog(ctx, postgres.AuditFilter{Actor: v.Actor, RecordType: v.RecordType,
		RecordID: v.RecordID, Limit: auditPageSize, Offset: (v.Page - 1) * auditPageSize})
	if err != nil {
		return err
	}
	if v.RecordTypes, err = s.store.AuditRecordTypes(ctx); err != nil {
		return err
	}
	v.Total = total
	v.Pages = (total + auditPageSize - 1) / auditPageSize
	v.PageURL = func(page int) string {
		p := paths.Audit(v.Actor, v.RecordType, v.RecordID)
		sep := "?"
		if strings.Contains(p, "?") {
			sep = "&"
		}
		return p + sep + "page=" + strconv.Itoa(page)
	}
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
