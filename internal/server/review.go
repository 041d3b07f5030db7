package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// Staff review submitted updates on each update's own page, having read it whole: correct its
// wording, publish it, or return it to their partner with a note, and answer the partner's
// replies.

// reviewListLimit is how many waiting updates a page of /review lists, longest waiting first.
const reviewListLimit = 100

// reviewList is /review: the updates waiting for review, oldest first, reviewListLimit a page
// (?page=2 and on). A page past the end of the queue, which may have shortened since the link
// was followed, shows the last.
func (s *Server) reviewList(w http.ResponseWriter, r *http.Request) error {
	page := max(queryNumber(r.URL.Query(), web.ParamPage, 99999), 1)
	var us []tracker.Update
	var total, pages int
	read := func() (err error) {
		us, total, err = s.store.ReviewQueuePage(r.Context(), reviewListLimit, (page-1)*reviewListLimit)
		pages = max(pageCount(total, reviewListLimit), 1)
		return err
	}
	if err := read(); err != nil {
		return err
	}
	if len(us) == 0 && page > pages {
		page = pages
		if err := read(); err != nil {
			return err
		}
	}
	items, err := s.reviewItems(r, us)
	if err != nil {
		return err
	}
	l := s.layout(r)
	l.Title = "Review updates"
	if page > 1 {
		l.Title += " (page " + strconv.Itoa(page) + " of " + strconv.Itoa(pages) + ")"
	}
	return s.page(w, r, http.StatusOK, web.ReviewListPage(l, web.ReviewListView{Items: items, Total: total,
		Page: page, Pages: pages, First: (page-1)*reviewListLimit + 1}))
}

// reviewItems pairs each update with its commitment and plan, and says how long it has waited.
func (s *Server) reviewItems(r *http.Request, us []tracker.Update) ([]web.ReviewItem, error) {
	if len(us) == 0 {
		return nil, nil
	}
	ctx := r.Context()
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.CommitmentID
	}
	cs, err := s.store.Commitments(ctx, postgres.CommitmentFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]tracker.Commitment, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	planByID := make(map[int64]tracker.Plan, len(plans))
	for _, p := range plans {
		planByID[p.ID] = p
	}
	now := s.now()
	items := make([]web.ReviewItem, 0, len(us))
	for _, u := range us {
		c, ok := byID[u.CommitmentID]
		if !ok {
			continue // retired since
		}
		items = append(items, web.ReviewItem{
			Update: u, Commitment: c, Plan: planByID[c.PlanID], Waiting: u.Waiting(now),
			Stale: u.State == tracker.StateSubmitted && u.BaseVersion < c.Version, Overdue: c.Overdue(now),
		})
	}
	return items, nil
}

// reviewTarget reads the update the path names. Drafts are their authors' own and are not found
// here; neither is an update of a retired commitment.
func (s *Server) reviewTarget(r *http.Request) (web.ReviewItem, error) {
	u, err := byPathID(r, s.store.UpdateByID)
	if err == nil && u.State == tracker.StateDraft {
		err = tracker.ErrNotFound
	}
	if err != nil {
		return web.ReviewItem{}, err
	}
	items, err := s.reviewItems(r, []tracker.Update{u})
	if err != nil {
		return web.ReviewItem{}, err
	}
	if len(items) == 0 {
		return web.ReviewItem{}, tracker.ErrNotFound
	}
	return items[0], nil
}

// reviewUpdate is GET /review/{id}: one update with Publish and Return to partner.
func (s *Server) reviewUpdate(w http.ResponseWriter, r *http.Request) error {
	it, err := s.reviewTarget(r)
	if err != nil {
		return err
	}
	return s.renderReview(w, r, http.StatusOK, web.ReviewView{Item: it, Correction: correctionOf(it.Update)})
}

// correctionOf fills the Correct the wording form from the update as it is.
func correctionOf(u tracker.Update) tracker.CorrectionInput {
	return tracker.CorrectionInput{Narrative: u.Narrative, StatusReason: u.StatusReason}
}

// renderReview shows an update for review with the status, beside the commitment's newest
// published update.
func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, v web.ReviewView) error {
	history, err := s.store.PublishedUpdates(r.Context(), v.Item.Commitment.ID)
	if err != nil {
		return err
	}
	for i := range history {
		if history[i].ID != v.Item.Update.ID {
			v.Latest = &history[i]
			break
		}
	}
	v.ShowNames = true
	if err := s.reviewChecks(r, &v); err != nil {
		return err
	}
	l := s.formLayout(r, "Review the update on commitment "+v.Item.Commitment.Ref, len(v.Errors) > 0,
		web.Breadcrumb{Text: "Review updates", Href: paths.ReviewList}, web.Breadcrumb{Text: "Commitment " + v.Item.Commitment.Ref})
	return s.page(w, r, status, web.ReviewPage(l, v))
}

// review is POST /review/{id}: publish the update, or return it to its partner with a note.
func (s *Server) review(w http.ResponseWriter, r *http.Request) error {
	it, err := s.reviewTarget(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	version, commitmentVersion := atoiOr0(f.Get("version")), atoiOr0(f.Get("commitment_version"))
	typed := f.Get("note")
	v := web.ReviewView{Item: it, Note: typed, Reply: f.Get(tracker.FieldReply), Correction: correctionOf(it.Update)}
	review := formSave{
		show: func(status int, errs formErrors) error {
			v.Errors = errs
			return s.renderReview(w, r, status, v)
		},
		// Show the update as it is now, with what happened to it, keeping any note typed.
		conflict: func(err error) error {
			var ce *tracker.ConflictError
			if !errors.As(err, &ce) {
				return err
			}
			fresh, err := s.reviewTarget(r)
			if err != nil {
				return err
			}
			cv := s.conflictView(s.user(r), ce)
			cv.Current = nil // the page shows the update as it is now
			v.Item, v.Conflict = fresh, cv
			if f.Get("action") != "correct" {
				v.Correction = correctionOf(fresh.Update)
			}
			return s.renderReview(w, r, http.StatusConflict, v)
		},
	}
	switch f.Get("action") {
	case "publish":
		review.button = "Publish"
		review.save = func() (saved, error) {
			_, err := s.store.PublishUpdate(ctx, s.actor(r), it.Update.ID, version, commitmentVersion)
			return saved{paths.ReviewList, "The update on commitment " + it.Commitment.Ref + " from " + it.Update.Reporter() + " has been published."}, err
		}
	case "return":
		review.button = "Return to partner"
		note, errs := tracker.ParseReviewNote(typed)
		review.errs = fieldErrors(errs)
		review.save = func() (saved, error) {
			_, err := s.store.ReturnUpdate(ctx, s.actor(r), it.Update.ID, version, note)
			return saved{paths.ReviewList, "The update on commitment " + it.Commitment.Ref + " has been returned to " + it.Update.Reporter() + " with your note."}, err
		}
	case "correct":
		review.button = "Save correction"
		v.Correction = tracker.CorrectionInput{Narrative: f.Get(tracker.FieldNarrative), StatusReason: f.Get(tracker.FieldStatusReason)}
		fields, errs := tracker.ParseCorrection(v.Correction, it.Update)
		review.errs = fieldErrors(errs)
		review.save = func() (saved, error) {
			_, err := s.store.CorrectUpdate(ctx, s.actor(r), it.Update.ID, version, fields)
			return saved{paths.Review(it.Update.ID) + "#publish", "Your correction to the update on commitment " + it.Commitment.Ref + " has been saved. It has not been published yet."}, err
		}
	case "answer":
		review.button = "Send answer"
		body, errs := tracker.ParseReply(v.Reply)
		review.errs = fieldErrors(errs)
		review.save = func() (saved, error) {
			_, err := s.store.Reply(ctx, s.actor(r), it.Update.ID, body)
			return saved{paths.Review(it.Update.ID), "Your answer has been added to the conversation with " + it.Update.Reporter() + "."}, err
		}
	default:
		s.badRequest(w, r, tracker.MsgBadReviewAction)
		return nil
	}
	return s.saveForm(w, r, review)
}

// reviewChecks adds to the review page what only staff read: what to check before publishing,
// the conversation with the partner and the wording corrected so far.
func (s *Server) reviewChecks(r *http.Request, v *web.ReviewView) error {
	ctx, u := r.Context(), v.Item.Update
	last, err := s.store.LastPublishedBy(ctx, u)
	if err != nil {
		return err
	}
	v.Flags = tracker.ReviewFlags(u, v.Item.Commitment, last, s.now())
	if v.Thread, err = s.store.Thread(ctx, u.ID); err != nil {
		return err
	}
	if v.Corrections, err = s.store.Corrections(ctx, u.ID); err != nil {
		return err
	}
	v.MayAnswer = tracker.MayReply(s.user(r), u)
	return nil
}
