package server

// The public's feedback, for staff: read a page at a time, filtered by the page it is about,
// and downloaded as CSV.

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// feedbackPageSize is how many pieces of feedback a page of the list shows.
const feedbackPageSize = 25

// msgFeedbackFilter is the message for a page filter that is not a page of this site.
const msgFeedbackFilter = "Enter the address of a page on this site, such as /commitments/4.2"

func (s *Server) adminFeedback(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := web.AdminFeedbackView{Typed: strings.TrimSpace(q.Get("path")), Current: 1}
	if v.Typed != "" {
		if v.Page = tracker.FeedbackPage(v.Typed); v.Page == "" {
			v.Errors = []web.FieldError{{Field: "path", Message: msgFeedbackFilter}}
			return s.page(w, r, http.StatusUnprocessableEntity, web.AdminFeedbackPage(s.adminLayout(r), v))
		}
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 && p < 100000 {
		v.Current = p
	}
	list, total, err := s.store.ListFeedback(r.Context(), postgres.FeedbackFilter{Page: v.Page, Limit: feedbackPageSize,
		Offset: (v.Current - 1) * feedbackPageSize})
	if err != nil {
		return err
	}
	v.Feedback, v.Total = list, total
	v.Pages = (total + feedbackPageSize - 1) / feedbackPageSize
	return s.page(w, r, http.StatusOK, web.AdminFeedbackPage(s.adminLayout(r), v))
}

// adminFeedbackCSV downloads the feedback the list shows, every page of it, newest first, as CSV
// that spreadsheets open safely (see csvWriter): a cell someone typed to look like a formula is
// shown as text.
func (s *Server) adminFeedbackCSV(w http.ResponseWriter, r *http.Request) error {
	typed := strings.TrimSpace(r.URL.Query().Get("path"))
	page := tracker.FeedbackPage(typed)
	if typed != "" && page == "" {
		s.badRequest(w, r, msgFeedbackFilter)
		return nil
	}
	var buf bytes.Buffer
	cw := newCSVWriter(&buf)
	if err := cw.Write([]string{"sent_at", "page", "useful", "what_they_were_doing", "what_went_wrong"}); err != nil {
		return err
	}
	err := s.store.EachFeedback(r.Context(), postgres.FeedbackFilter{Page: page}, func(f tracker.Feedback) error {
		return cw.Write([]string{isoTime(f.CreatedAt), f.Page, strings.ToLower(tracker.FeedbackAnswer(f.Useful)), f.Doing, f.WentWrong})
	})
	if err != nil {
		return err
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="feedback-`+tracker.InUK(s.now()).Format("2006-01-02")+`.csv"`)
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
	return nil
}
