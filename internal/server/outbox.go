package server

// The outbox of emails the portal has sent or will send, for staff.

import (
	"math"
	"net/http"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

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
