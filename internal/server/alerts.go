package server

// "Get updates" pages, and public email alerts: asking for them, confirming them, and the
// unsubscribe and manage links in every alert email, which are authenticated by their tokens.

import (
	"context"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/notify"
	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// alertRoutes adds the "Get updates" pages of every scope, for the current plan and every plan
// under /plans/{plan}, and the pages the links in alert emails open.
func (s *Server) alertRoutes(r chi.Router) {
	for _, prefix := range []string{"", paths.PlanPrefixPattern} {
		s.form(r, prefix+paths.GetUpdatesSuffix, s.getUpdates(tracker.ScopePlan), s.subscribe(tracker.ScopePlan))
		s.form(r, prefix+paths.PriorityPattern+paths.GetUpdatesSuffix, s.getUpdates(tracker.ScopePriority), s.subscribe(tracker.ScopePriority))
		s.form(r, prefix+paths.CommitmentPattern+paths.GetUpdatesSuffix, s.getUpdates(tracker.ScopeCommitment), s.subscribe(tracker.ScopeCommitment))
	}
	s.form(r, paths.OrganisationPattern+paths.GetUpdatesSuffix, s.getUpdates(tracker.ScopeOrganisation), s.subscribe(tracker.ScopeOrganisation))
	r.Get(paths.OrganisationPattern+"/updates.atom", s.handle(s.feed(s.organisationFeed)))
	r.Get(paths.AlertsCheckEmail, s.handle(s.checkEmail))
	s.alertLinkForm(r, paths.AlertsConfirm, "confirm", web.AlertConfirmPage, s.alertLinkDone(web.AlertConfirmPage, s.alertConfirm))
	s.alertLinkForm(r, paths.AlertsUnsubscribe, "unsubscribe", web.UnsubscribePage, s.alertLinkDone(web.UnsubscribePage, s.alertUnsubscribe))
	s.alertLinkForm(r, paths.AlertsManage, "manage", web.ManageAlertsPage, s.alertManage)
}

// updatesPage finds what the path names and describes its "Get updates" page, with the page's
// breadcrumbs.
func (s *Server) updatesPage(r *http.Request, scope tracker.AlertScope) (web.GetUpdatesView, notify.Target, []web.Breadcrumb, error) {
	var v web.GetUpdatesView
	var t notify.Target
	var crumbs []web.Breadcrumb
	here := web.Breadcrumb{Text: "Get updates"}
	site := s.siteURL(r)
	switch scope {
	case tracker.ScopePlan:
		plan, err := s.plan(r)
		if err != nil {
			return v, t, nil, err
		}
		crumbs = publicCrumbs(plan, here)
		t = notify.Target{Scope: scope, ID: plan.ID, Title: plan.Title, Path: paths.Overview(plan)}
		v = web.GetUpdatesView{Action: paths.GetUpdates(plan), FeedURL: site + paths.Feed(plan)}
		v.Data = planData(plan)
	case tracker.ScopePriority:
		plan, p, err := s.priorityInPath(r)
		if err != nil {
			return v, t, nil, err
		}
		crumbs = publicCrumbs(plan, priorityCrumb(plan, p.Number, p.Name, p.Slug), here)
		t = notify.Target{Scope: scope, ID: p.ID, Title: "Priority area " + strconv.Itoa(p.Number) + ": " + p.Name, Path: paths.Priority(plan, p.Slug)}
		v = web.GetUpdatesView{Action: paths.PriorityGetUpdates(plan, p.Slug), FeedURL: site + paths.PriorityFeed(plan, p.Slug)}
		v.Data = append([]web.Link{{Text: "This area’s commitments (CSV)", Href: paths.Commitments(plan) + ".csv?" + web.ParamPriority + "=" + strconv.Itoa(p.Number)}}, planData(plan)...)
	case tracker.ScopeCommitment:
		plan, c, err := s.commitmentInPath(r)
		if err != nil {
			return v, t, nil, err
		}
		crumbs = publicCrumbs(plan, priorityCrumb(plan, c.PriorityNumber, c.PriorityName, c.PrioritySlug),
			web.Breadcrumb{Text: "Commitment " + c.Ref, Href: paths.Commitment(plan, c.Ref)}, here)
		t = notify.Target{Scope: scope, ID: c.ID, Title: "Commitment " + c.Ref + ": " + c.Deliver, Path: paths.Commitment(plan, c.Ref)}
		v = web.GetUpdatesView{Action: paths.CommitmentGetUpdates(plan, c.Ref), FeedURL: site + paths.CommitmentFeed(plan, c.Ref)}
		v.Data = planData(plan)
	case tracker.ScopeOrganisation:
		plan, o, err := s.organisationInPath(r)
		if err != nil {
			return v, t, nil, err
		}
		crumbs = publicCrumbs(plan, web.Breadcrumb{Text: o.Name, Href: paths.Organisation(o.Code)}, here)
		t = notify.Target{Scope: scope, ID: o.ID, Title: o.Name, Path: paths.Organisation(o.Code)}
		v = web.GetUpdatesView{Action: paths.OrganisationGetUpdates(o.Code), FeedURL: site + paths.OrganisationFeed(o.Code)}
		v.Data = append([]web.Link{{Text: "Commitments " + o.Name + " leads (CSV)", Href: paths.Commitments(plan) + ".csv?" + web.ParamOrg + "=" + o.Code}}, planData(plan)...)
	}
	v.Title, v.Path = t.Title, t.Path
	return v, t, crumbs, nil
}

// planData are the open data of a plan's published updates.
func planData(plan tracker.Plan) []web.Link {
	return []web.Link{
		{Text: "Every published update of " + plan.Title + " (CSV)", Href: paths.Updates(plan) + ".csv"},
		{Text: "Every published update of " + plan.Title + " (JSON)", Href: paths.Updates(plan) + ".json"},
	}
}

func (s *Server) getUpdates(scope tracker.AlertScope) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, _, crumbs, err := s.updatesPage(r, scope)
		if err != nil {
			return err
		}
		l := s.layout(r)
		l.Breadcrumbs = crumbs
		return s.page(w, r, http.StatusOK, web.GetUpdatesPage(l, v))
	}
}

// subscribe asks for an email alert. It is counted against the address and the client before
// anything is looked up, and the answer is the same whether the address was subscribed already,
// is new, or was refused for asking too often: only a confirmation email, to the address itself,
// tells.
func (s *Server) subscribe(scope tracker.AlertScope) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, t, crumbs, err := s.updatesPage(r, scope)
		if err != nil {
			return err
		}
		f, problems := tracker.ParseSubscribe(r.PostFormValue("email"), r.PostFormValue("frequency"))
		if len(problems) > 0 {
			v.Email, v.Frequency, v.Errors = r.PostFormValue("email"), r.PostFormValue("frequency"), fieldErrors(problems)
			l := s.layout(r)
			l.Breadcrumbs = crumbs
			return s.page(w, r, http.StatusUnprocessableEntity, web.GetUpdatesPage(l, v))
		}
		until, err := s.store.TakeAttempt(r.Context(), tracker.AlertThrottle(f.Email, s.clientAddr(r)), s.now())
		if err != nil {
			return err
		}
		if until.IsZero() {
			if err := s.store.Subscribe(r.Context(), t, f); err != nil {
				return err
			}
		} else {
			s.logger.WarnContext(r.Context(), "alert subscription throttled", "until", until)
		}
		http.Redirect(w, r, paths.AlertsCheckEmail, http.StatusSeeOther)
		return nil
	}
}

func (s *Server) checkEmail(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, http.StatusOK, web.CheckEmailPage(s.layout(r)))
}

// alertLinkView reads the link the request's token (t) opens, if it is of one of the purposes.
func (s *Server) alertLinkView(w http.ResponseWriter, r *http.Request, purposes ...string) (web.AlertLinkView, error) {
	// The token authenticates: keep the page out of every cache.
	w.Header().Set("Cache-Control", "no-store")
	token := r.URL.Query().Get("t")
	if token == "" || len(token) > 100 {
		return web.AlertLinkView{}, tracker.ErrNotFound
	}
	l, err := s.store.AlertLink(r.Context(), token, purposes...)
	if err != nil {
		return web.AlertLinkView{}, err
	}
	return web.AlertLinkView{Token: token, Email: l.Email, Subscriptions: l.Subscriptions}, nil
}

// alertPage is the page of a link in alert emails.
type alertPage func(web.LayoutProps, web.AlertLinkView) templ.Component

// alertLinkHandler answers a request with the link its token opens.
type alertLinkHandler func(w http.ResponseWriter, r *http.Request, v web.AlertLinkView) error

// alertLinkForm adds the page a link of the purpose in alert emails opens: GET shows it, and
// POST hands the link to send.
func (s *Server) alertLinkForm(r chi.Router, pattern, purpose string, page alertPage, send alertLinkHandler) {
	withLink := func(next alertLinkHandler) handlerFunc {
		return func(w http.ResponseWriter, r *http.Request) error {
			v, err := s.alertLinkView(w, r, purpose)
			if err != nil {
				return err
			}
			return next(w, r, v)
		}
	}
	s.form(r, pattern, withLink(func(w http.ResponseWriter, r *http.Request, v web.AlertLinkView) error {
		return s.page(w, r, http.StatusOK, page(s.layout(r), v))
	}), withLink(send))
}

// alertLinkDone does act with the link's token, then shows the page saying it is done.
func (s *Server) alertLinkDone(page alertPage, act func(ctx context.Context, token string) error) alertLinkHandler {
	return func(w http.ResponseWriter, r *http.Request, v web.AlertLinkView) error {
		if err := act(r.Context(), v.Token); err != nil {
			return err
		}
		v.Done = true
		return s.page(w, r, http.StatusOK, page(s.layout(r), v))
	}
}

// alertConfirm confirms the subscription of a confirm link.
func (s *Server) alertConfirm(ctx context.Context, token string) error {
	_, err := s.store.ConfirmAlert(ctx, token)
	return err
}

// alertUnsubscribe ends the subscriptions of an unsubscribe link. Its route takes the one-click
// POST of RFC 8058 (body List-Unsubscribe=One-Click, sent by the mail client or provider without
// cookies or an Origin) as well as the page's own button: the token in the address authenticates
// it, so the route is exempt from cross-origin protection (see crossOrigin).
func (s *Server) alertUnsubscribe(ctx context.Context, token string) error {
	return s.store.Unsubscribe(ctx, token, 0)
}

// alertManage changes how often one alert of the address comes, or stops one or all of them.
func (s *Server) alertManage(w http.ResponseWriter, r *http.Request, v web.AlertLinkView) error {
	ctx := r.Context()
	var err error
	id, _ := strconv.ParseInt(r.PostFormValue("subscription"), 10, 64)
	switch r.PostFormValue("action") {
	case "unsubscribe-all":
		err = s.store.Unsubscribe(ctx, v.Token, 0)
	case "unsubscribe":
		if id <= 0 {
			return tracker.ErrNotFound
		}
		err = s.store.Unsubscribe(ctx, v.Token, id)
	case "frequency":
		f, ok := tracker.ParseFrequency(r.PostFormValue("frequency"))
		if id <= 0 {
			return tracker.ErrNotFound
		}
		if !ok {
			for i, sub := range v.Subscriptions {
				if sub.ID == id {
					v.Errors = []web.FieldError{{Field: "frequency-" + strconv.Itoa(i+1), Message: "Choose at once or a daily summary"}}
				}
			}
			return s.page(w, r, http.StatusUnprocessableEntity, web.ManageAlertsPage(s.layout(r), v))
		}
		err = s.store.SetAlertFrequency(ctx, v.Token, id, f)
	default:
		return tracker.ErrNotFound
	}
	if err != nil {
		return err
	}
	if after, err := s.store.AlertLink(ctx, v.Token, "manage"); err == nil {
		v.Subscriptions = after.Subscriptions
		http.Redirect(w, r, paths.AlertLink("", paths.AlertsManage, v.Token), http.StatusSeeOther)
		return nil
	}
	// The address followed nothing more and has been deleted, with its links.
	v.Subscriptions = nil
	return s.page(w, r, http.StatusOK, web.ManageAlertsPage(s.layout(r), v))
}
