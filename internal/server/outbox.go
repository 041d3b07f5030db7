package server

// The outbox of emails the portal has sent or will send, for staff.

import (
	"net/http"
	"strconv"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// outboxPageSize is how many emails a page of the outbox lists.
const outboxPageSize = 50

func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := postgres.OutboxFilter{Limit: outboxPageSize}
	v := web.OutboxView{Page: 1, Configured: s.mailer != nil}
	if st := q.Get("status"); st != "" {
		for _, known := range tracker.EmailStatuses {
			if string(known) == st {
				f.Status, v.Status = known, st
			}
		}
	}
	if id, err := strconv.ParseInt(q.Get("round"), 10, 64); err == nil && id > 0 {
		f.RoundID = id
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 && p < 100000 {
		v.Page = p
	}
	f.Offset = (v.Page - 1) * outboxPageSize
	emails, total, err := s.store.Outbox(r.Context(), f)
	if err != nil {
		return err
	}
	v.Emails, v.Total = emails, total
	v.Pages = (total + outboxPageSize - 1) / outboxPageSize
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
