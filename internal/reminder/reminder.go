// Package reminder runs the outbox. A Worker, run inside `portal serve`, queues a reporting round
// reminder for each partner whose organisation still has commitments to report on when a round's
// reminder day comes (or for the organisation's fallback contact address when it has no active
// partners), turns published changes into email alerts, queues the daily summaries
// once a day, and sends what the outbox holds (hand-off emails and reset links are queued by the
// changes themselves): through the mailer when one is configured, and otherwise records that it
// was not sent, so that staff can read what would have gone.
//
// Any number of instances may run a Worker on one database. Queuing is idempotent (each reminder
// has a key: round, reminder day and user) and sending claims each email (FOR UPDATE SKIP LOCKED,
// then a lease, committed) before sending it outside any transaction and then records the
// result, so each reminder is queued once and sent by one instance. An email whose result could
// not be recorded is sent again after the lease with the same Message-ID, its idempotency key.
package reminder

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/scottish-government/delivery-tracker/internal/mail"
	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Defaults of a Worker.
const (
	DefaultInterval    = time.Minute
	DefaultMaxAttempts = 5
	// NotConfigured is what the outbox records of an email when no mail server is configured.
	NotConfigured = "Not sent: SMTP is not configured"
	// sendTimeout bounds one attempt to hand an email to the mail server.
	sendTimeout = 30 * time.Second
	// batch bounds the emails one pass sends, so that a pass ends.
	batch = 200
)

// Worker queues and sends reminders.
type Worker struct {
	Store *postgres.Store
	// Mailer sends email; nil when no mail server is configured.
	Mailer mail.Mailer
	// BaseURL is the portal's public address, for links in the emails.
	BaseURL string
	// Interval is the time between passes; zero means DefaultInterval.
	Interval time.Duration
	// MaxAttempts is how often sending an email is tried before it is marked failed; zero means
	// DefaultMaxAttempts.
	MaxAttempts int
	Logger      *slog.Logger

	wakeOnce sync.Once
	wake     chan struct{}
}

func (w *Worker) wakeCh() chan struct{} {
	w.wakeOnce.Do(func() { w.wake = make(chan struct{}, 1) })
	return w.wake
}

// Wake asks for a pass as soon as the one under way, if any, ends: an email was queued that
// should not wait for the interval, such as a reset link.
func (w *Worker) Wake() {
	select {
	case w.wakeCh() <- struct{}{}:
	default:
	}
}

// now returns the time by the store's clock, which the outbox also judges by.
func (w *Worker) now() time.Time { return w.Store.Now() }

func (w *Worker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Run makes a pass at once and then every Interval until ctx ends. A failed pass is logged and
// tried again at the next interval.
func (w *Worker) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		queued, sent, err := w.RunOnce(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			w.logger().Warn("reminders", "err", err)
		case queued > 0 || sent > 0:
			w.logger().Info("reminders", "queued", queued, "delivered", sent)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wakeCh():
		}
	}
}

// RunOnce queues the reminders that are due, turns published changes into alerts, queues the
// daily summaries that are due, and then delivers what is due in the outbox. It returns how many
// reminders and summaries it queued and how many emails it handed on (sent, or recorded as not
// sent).
func (w *Worker) RunOnce(ctx context.Context) (queued, delivered int, err error) {
	queued, err = w.Queue(ctx)
	if err != nil {
		return queued, 0, err
	}
	for i := 0; i < batch; i++ {
		found, err := w.Store.ProcessAlertEvent(ctx)
		if err != nil {
			return queued, 0, err
		}
		if !found {
			break
		}
	}
	digests, err := w.Store.SendDigests(ctx)
	queued += digests
	if err != nil {
		return queued, 0, err
	}
	delivered, err = w.Deliver(ctx)
	return queued, delivered, err
}

// Queue adds to the outbox the reminders due now: for each round that is open and has reached a
// reminder day, one email to each active partner of each organisation with commitments not yet
// reported in the round, or, for an organisation with no active partners, one to the fallback
// contact address staff gave it. A reminder already queued is not queued again.
func (w *Worker) Queue(ctx context.Context) (int, error) {
	now := w.now()
	rounds, err := w.Store.UnclosedRounds(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rounds {
		m, ok := r.DueReminder(now)
		if !ok {
			continue
		}
		cov, err := w.Store.Coverage(ctx, r.ID)
		if err != nil {
			return n, err
		}
		for _, o := range cov.Organisations {
			if len(o.Missing) == 0 {
				continue
			}
			roundID := r.ID
			e := tracker.Email{Kind: tracker.EmailKindReminder, Subject: Subject(r, m), RoundID: &roundID,
				Reminder: m.Key(), NotBefore: now}
			var added bool
			for _, p := range o.Partners {
				userID := p.UserID
				e.Recipient, e.UserID = p.Email, &userID
				e.Body = Body(w.BaseURL, cov.Plan, r, m, o, p.Name)
				if added, err = w.Store.Enqueue(ctx, e, fmt.Sprintf("round:%d:%s:user:%d", r.ID, m.Key(), p.UserID)); err != nil {
					return n, err
				}
				if added {
					n++
				}
			}
			if contact := o.Contact(); contact != "" {
				e.Recipient, e.UserID = contact, nil
				e.Body = ContactBody(w.BaseURL, cov.Plan, r, m, o)
				if added, err = w.Store.Enqueue(ctx, e, fmt.Sprintf("round:%d:%s:organisation:%d", r.ID, m.Key(), o.Organisation.ID)); err != nil {
					return n, err
				}
				if added {
					n++
				}
			}
		}
	}
	return n, nil
}

// Deliver hands each email due in the outbox to the mailer, or records that it was not sent when
// there is none. A failed attempt is tried again later, waiting longer each time, until
// MaxAttempts.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	n := 0
	for n < batch {
		found, err := w.Store.DeliverNext(ctx, w.deliver)
		if err != nil || !found {
			return n, err
		}
		n++
	}
	return n, nil
}

func (w *Worker) deliver(ctx context.Context, e tracker.Email) postgres.Delivery {
	if w.Mailer == nil {
		return postgres.Delivery{Status: tracker.EmailSkipped, Error: NotConfigured}
	}
	sendCtx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	err := w.Mailer.Send(sendCtx, mail.Message{To: e.Recipient, Subject: e.Subject, Body: e.Body, HTML: e.HTML,
		ListUnsubscribe: e.ListUnsubscribe, ID: postgres.MessageID(e, w.host())})
	if err == nil {
		return postgres.Delivery{Status: tracker.EmailSent}
	}
	w.logger().Warn("email not sent", "email_id", e.ID, "attempt", e.Attempts+1, "err", err)
	max := w.MaxAttempts
	if max <= 0 {
		max = DefaultMaxAttempts
	}
	msg := limit("Attempt "+fmt.Sprint(e.Attempts+1)+" failed: "+err.Error(), 500)
	if e.Attempts+1 >= max {
		return postgres.Delivery{Status: tracker.EmailFailed, Error: msg}
	}
	return postgres.Delivery{Status: tracker.EmailPending, Error: msg, RetryAt: w.now().Add(Backoff(e.Attempts + 1))}
}

// host is the portal's host name, for Message-IDs.
func (w *Worker) host() string {
	if u, err := url.Parse(w.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "delivery-tracker.invalid"
}

// Backoff is how long to wait after the attempt-th failed attempt: 1, 4, 16, 64 minutes and so on,
// at most a day.
func Backoff(attempt int) time.Duration {
	d := time.Minute
	for i := 1; i < attempt && d < 24*time.Hour; i++ {
		d *= 4
	}
	return min(d, 24*time.Hour)
}

func limit(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Subject is the subject of a round's reminder.
func Subject(r tracker.Round, m tracker.Reminder) string {
	if m.After && m.Days > 0 {
		return "Overdue: progress updates for " + r.Name + " were due by " + tracker.FormatDate(r.Deadline)
	}
	return "Reminder: progress updates for " + r.Name + " are due by " + tracker.FormatDate(r.Deadline)
}

// Body is the text of a round's reminder to a partner of an organisation, listing the
// commitments it has not reported on yet.
func Body(baseURL string, plan tracker.Plan, r tracker.Round, m tracker.Reminder, o tracker.OrganisationCoverage, name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", name)
	writeReminder(&b, baseURL, plan, r, m, o, true)
	fmt.Fprintf(&b, "Sign in to report progress: %s\n\n", baseURL+paths.ReportList)
	b.WriteString("If someone else in your organisation has reported already, you can ignore this email.\n\n")
	b.WriteString("Delivery Tracker\n")
	return b.String()
}

// ContactBody is the text of a round's reminder to an organisation's fallback contact address,
// which staff gave because it has no active partner accounts: it lists the commitments the
// organisation has not reported on yet and asks for someone to be given an account.
func ContactBody(baseURL string, plan tracker.Plan, r tracker.Round, m tracker.Reminder, o tracker.OrganisationCoverage) string {
	var b strings.Builder
	b.WriteString("Dear colleague,\n\n")
	fmt.Fprintf(&b, "You get this email as the contact for %s in Delivery Tracker, because no one at %s has an account to report progress with.\n\n",
		o.Organisation.Name, o.Organisation.Name)
	writeReminder(&b, baseURL, plan, r, m, o, false)
	b.WriteString("To report progress, someone at your organisation needs an account: reply to the Scottish Government team that runs the plan, or to whoever asked you for updates, naming the person who should have one.\n\n")
	b.WriteString("Delivery Tracker\n")
	return b.String()
}

// writeReminder writes what every reminder of a round says: when updates are due, and the
// commitments the organisation has not reported on yet, each with the link to report on it (for a
// partner, report true) or to its public page.
func writeReminder(b *strings.Builder, baseURL string, plan tracker.Plan, r tracker.Round, m tracker.Reminder, o tracker.OrganisationCoverage, report bool) {
	if m.After && m.Days > 0 {
		fmt.Fprintf(b, "Progress updates for %s of %s were due by %s.", r.Name, plan.Title, tracker.FormatDate(r.Deadline))
	} else {
		fmt.Fprintf(b, "Progress updates for %s of %s are due by %s.", r.Name, plan.Title, tracker.FormatDate(r.Deadline))
	}
	fmt.Fprintf(b, " %s has not yet reported on %s:\n\n", o.Organisation.Name, plural(len(o.Missing), "this commitment", "these commitments"))
	for _, c := range o.Missing {
		fmt.Fprintf(b, "%s %s\n", c.Ref, c.Deliver)
		switch {
		case report && plan.IsCurrent:
			fmt.Fprintf(b, "%s\n", baseURL+paths.Report(c.Ref))
		case !report:
			fmt.Fprintf(b, "%s\n", baseURL+paths.Commitment(plan, c.Ref))
		}
		b.WriteString("\n")
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
