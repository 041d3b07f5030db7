package server

// The feedback form, for everyone: "Is this page useful?" on every page leads here.

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// formKey is a key from the store for signing form fields, read once and kept.
type formKey struct {
	mu  sync.Mutex
	key []byte
}

// feedbackFormKey returns the key that signs the time each feedback form was shown, the same in
// every instance of the portal.
func (s *Server) feedbackFormKey(ctx context.Context) ([]byte, error) {
	s.feedbackKey.mu.Lock()
	defer s.feedbackKey.mu.Unlock()
	if s.feedbackKey.key == nil {
		key, err := s.store.FormKey(ctx, "feedback")
		if err != nil {
			return nil, err
		}
		s.feedbackKey.key = key
	}
	return s.feedbackKey.key, nil
}

// feedbackForm shows the feedback form about the page named by the path parameter, with the
// answer to "Is this page useful?" chosen by useful. It carries the signed time it was shown,
// so that a form sent back sooner than a person could fill it in is known for a program's.
func (s *Server) feedbackForm(w http.ResponseWriter, r *http.Request) error {
	key, err := s.feedbackFormKey(r.Context())
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := web.FeedbackView{Page: tracker.FeedbackPage(q.Get(tracker.FieldFeedbackPage)), Started: tracker.SignFormTime(key, s.now())}
	if u := q.Get(tracker.FieldFeedbackUseful); u == "yes" || u == "no" {
		v.Useful = u
	}
	// Each form carries the time it was shown: no cache may keep one.
	w.Header().Set("Cache-Control", "no-store")
	return s.page(w, r, http.StatusOK, web.FeedbackPage(s.layout(r), v))
}

// sendFeedback keeps the feedback sent, unless a program sent it: one that filled in the hidden
// field, or sent the form sooner than FeedbackMinFill after it was shown (or with a time that
// is not the portal's). Programs get the same answer as people, and nothing is kept. Each
// client may send FeedbackThrottle's allowance; what it sends beyond that comes back with a
// message, as does a form with problems or one shown too long ago, with what was typed.
func (s *Server) sendFeedback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	w.Header().Set("Cache-Control", "no-store")
	key, err := s.feedbackFormKey(ctx)
	if err != nil {
		return err
	}
	in := tracker.FeedbackInput{Page: r.PostFormValue(tracker.FieldFeedbackPage), Useful: r.PostFormValue(tracker.FieldFeedbackUseful),
		Doing: r.PostFormValue(tracker.FieldFeedbackDoing), WentWrong: r.PostFormValue(tracker.FieldFeedbackWrong)}
	page := tracker.FeedbackPage(in.Page)
	now := s.now()
	token := r.PostFormValue(tracker.FieldFeedbackStarted)
	fill := tracker.FillTooFast
	if shown, ok := tracker.FormTime(key, token); ok {
		fill = tracker.FeedbackFillTime(shown, now)
	}
	if trap := r.PostFormValue(tracker.FieldFeedbackTrap); trap != "" || fill == tracker.FillTooFast {
		s.logger.InfoContext(ctx, "feedback not kept: sent by a program", "trap_filled", trap != "", "too_fast", fill == tracker.FillTooFast)
		http.Redirect(w, r, paths.FeedbackThanksFor(page), http.StatusSeeOther)
		return nil
	}

	v := web.FeedbackView{Page: page, Useful: in.Useful, Doing: in.Doing, WentWrong: in.WentWrong, Started: token}
	if fill == tracker.FillExpired {
		// A new time, set back so that the form may be sent again at once.
		v.Started = tracker.SignFormTime(key, now.Add(-tracker.FeedbackMinFill))
		v.Errors = []web.FieldError{{Field: tracker.FieldFeedbackDoing, Message: tracker.MsgFeedbackExpired}}
		return s.page(w, r, http.StatusUnprocessableEntity, web.FeedbackPage(s.layout(r), v))
	}
	f, problems := tracker.ParseFeedback(in)
	if problems != nil {
		v.Errors = fieldErrors(problems)
		return s.page(w, r, http.StatusUnprocessableEntity, web.FeedbackPage(s.layout(r), v))
	}
	// Counted before anything is kept, so that forms sent at once are limited like forms sent
	// one after another.
	until, err := s.store.TakeAttempt(ctx, tracker.FeedbackThrottle(s.clientAddr(r), key), now)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		wait := max(until.Sub(now), time.Second)
		s.logger.WarnContext(ctx, "feedback throttled", "until", until)
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
		v.Errors = fieldErrors(tracker.FeedbackThrottled(wait))
		return s.page(w, r, http.StatusTooManyRequests, web.FeedbackPage(s.layout(r), v))
	}
	id, err := s.store.AddFeedback(ctx, f)
	if err != nil {
		return err
	}
	s.logger.InfoContext(ctx, "feedback kept", "feedback_id", id)
	http.Redirect(w, r, paths.FeedbackThanksFor(page), http.StatusSeeOther)
	return nil
}

// feedbackThanks thanks a visitor for their feedback, with a link back to the page it was
// about.
func (s *Server) feedbackThanks(w http.ResponseWriter, r *http.Request) error {
	v := web.FeedbackThanksView{Page: tracker.FeedbackPage(r.URL.Query().Get(tracker.FieldFeedbackPage))}
	return s.page(w, r, http.StatusOK, web.FeedbackThanksPage(s.layout(r), v))
}
