package reminder_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/mail"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/reminder"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

var london, _ = time.LoadLocation("Europe/London")

// setup opens a round on the seeded plan, due 15 December 2026 with reminders 7 days before and
// 3 days after, and makes partner accounts: two of NES (which leads 4.1 and 4.3, both open), one of
// CIVTECH (4.5), one of SSSC (only 4.2, delivered) and a disabled one of NES. The store, and so
// the workers over it, take the time from now.
func setup(t *testing.T, now func() time.Time) (*postgres.Store, tracker.Round) {
	t.Helper()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t), postgres.WithClock(now))
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	actor := tracker.Actor{Label: "test"}
	for _, u := range []struct{ email, org string }{
		{"ann@nes.example", "NES"}, {"bob@nes.example", "NES"}, {"cat@civtech.example", "CIVTECH"},
		{"dan@sssc.example", "SSSC"}, {"eve@nes.example", "NES"},
	} {
		user, err := store.CreateUser(ctx, actor, postgres.NewUser{Email: u.email, Name: strings.Split(u.email, "@")[0], Role: tracker.RolePartner, OrganisationCode: u.org})
		if err != nil {
			t.Fatal(err)
		}
		if u.email == "eve@nes.example" {
			if _, err := store.SetDisabled(ctx, actor, user.ID, true, user.Version, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	r, err := store.CreateRound(ctx, actor, tracker.Round{PlanID: plan.ID, Name: "Q3 2026-27",
		Opens: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC),
		RemindBefore: []int{7}, RemindAfter: []int{3}})
	if err != nil {
		t.Fatal(err)
	}
	return store, r
}

func recipients(ms []mail.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.To)
	}
	slices.Sort(out)
	return out
}

// TestTwoWorkersSendEachReminderOnce runs two workers on one database at once, each with a mailer
// of its own, several passes each: every partner who should be reminded gets exactly one email.
func TestTwoWorkersSendEachReminderOnce(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 8, 9, 0, 0, 0, london) // 7 days before the deadline
	store, _ := setup(t, func() time.Time { return now })
	ctx := context.Background()
	var mailers [2]mail.Recorder
	var wg sync.WaitGroup
	for i := range mailers {
		w := &reminder.Worker{Store: store, Mailer: &mailers[i], BaseURL: "https://tracker.example"}
		for range 3 {
			wg.Go(func() {
				if _, _, err := w.RunOnce(ctx); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	all := append(mailers[0].Messages(), mailers[1].Messages()...)
	want := []string{"ann@nes.example", "bob@nes.example", "cat@civtech.example"}
	if got := recipients(all); !slices.Equal(got, want) {
		t.Fatalf("reminders went to %q, want each of %q once", got, want)
	}
	for _, m := range all {
		if m.To == "ann@nes.example" {
			if !strings.HasPrefix(m.Subject, "Reminder: progress updates for Q3 2026-27 are due by 15 December 2026") ||
				!strings.Contains(m.Body, "4.1 Provide a Leading Digital Transformation") || !strings.Contains(m.Body, "4.3 ") ||
				strings.Contains(m.Body, "4.2 ") || !strings.Contains(m.Body, "https://tracker.example/report/4.1") {
				t.Errorf("NES reminder:\n%s\n%s", m.Subject, m.Body)
			}
		}
	}
	es, total, err := store.Outbox(ctx, postgres.OutboxFilter{})
	if err != nil || total != 3 {
		t.Fatalf("outbox holds %d emails (%v), want 3", total, err)
	}
	for _, e := range es {
		if e.Status != tracker.EmailSent || e.Attempts != 1 || e.Reminder != "before-7" {
			t.Errorf("outbox email = %+v", e)
		}
	}

	// NES reports on both its commitments; 3 days after the deadline only CIVTECH is reminded.
	plan, _ := store.CurrentPlan(ctx)
	nes, _ := store.OrganisationByCode(ctx, "NES")
	for _, ref := range []string{"4.1", "4.3"} {
		c, _ := store.CommitmentByRef(ctx, plan.ID, ref)
		if _, err := store.Pool().Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, organisation_id, submitted_at)
			VALUES ($1, 'submitted', 'on_track', 'Done', $2, '2026-12-10')`, c.ID, nes.ID); err != nil {
			t.Fatal(err)
		}
	}
	now = time.Date(2026, 12, 18, 9, 0, 0, 0, london)
	var later mail.Recorder
	w := &reminder.Worker{Store: store, Mailer: &later, BaseURL: "https://tracker.example"}
	if _, _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	ms := later.Messages()
	if got := recipients(ms); !slices.Equal(got, []string{"cat@civtech.example"}) {
		t.Fatalf("after the deadline, reminders went to %q", got)
	}
	if !strings.HasPrefix(ms[0].Subject, "Overdue:") {
		t.Errorf("after-deadline subject = %q", ms[0].Subject)
	}
}

func TestWithoutSMTPTheOutboxShowsWhatWouldHaveBeenSent(t *testing.T) {
	t.Parallel()
	store, r := setup(t, func() time.Time { return time.Date(2026, 12, 9, 9, 0, 0, 0, london) })
	ctx := context.Background()
	w := &reminder.Worker{Store: store, BaseURL: "https://tracker.example"}
	queued, delivered, err := w.RunOnce(ctx)
	if err != nil || queued != 3 || delivered != 3 {
		t.Fatalf("RunOnce = %d queued, %d delivered, %v; want 3 and 3", queued, delivered, err)
	}
	es, _, err := store.Outbox(ctx, postgres.OutboxFilter{RoundID: r.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Status != tracker.EmailSkipped || e.LastError != reminder.NotConfigured || e.Body == "" || e.SentAt != nil {
			t.Errorf("email without SMTP = %+v", e)
		}
	}
}

func TestFailedSendsAreRetriedThenMarkedFailed(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 9, 9, 0, 0, 0, london)
	store, _ := setup(t, func() time.Time { return now })
	ctx := context.Background()
	relay := &mail.Recorder{Err: errors.New("relay refused")}
	w := &reminder.Worker{Store: store, Mailer: relay, MaxAttempts: 2}
	if _, _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	es, _, _ := store.Outbox(ctx, postgres.OutboxFilter{Status: tracker.EmailPending})
	if len(es) != 3 || es[0].Attempts != 1 || !strings.Contains(es[0].LastError, "relay refused") ||
		!es[0].NotBefore.Equal(now.Add(reminder.Backoff(1))) {
		t.Fatalf("after a failed attempt: %+v", es)
	}
	// Not due again until the back-off has passed.
	if _, delivered, _ := w.RunOnce(ctx); delivered != 0 {
		t.Errorf("%d emails tried again before their time", delivered)
	}
	now = now.Add(2 * time.Minute)
	if _, delivered, _ := w.RunOnce(ctx); delivered != 3 {
		t.Errorf("%d emails tried again after the back-off, want 3", delivered)
	}
	failed, total, _ := store.Outbox(ctx, postgres.OutboxFilter{Status: tracker.EmailFailed})
	if total != 3 || failed[0].Attempts != 2 {
		t.Errorf("failed emails = %d: %+v", total, failed)
	}
	// The relay recovers: failed emails are not sent again, and the reminder is not queued again.
	relay.Err = nil
	now = now.Add(time.Hour)
	if queued, delivered, _ := w.RunOnce(ctx); queued != 0 || delivered != 0 || len(relay.Messages()) != 0 {
		t.Errorf("after failing: queued %d, delivered %d, sent %d", queued, delivered, len(relay.Messages()))
	}
}

func TestRunSendsUntilStopped(t *testing.T) {
	t.Parallel()
	store, _ := setup(t, func() time.Time { return time.Date(2026, 12, 9, 9, 0, 0, 0, london) })
	ctx, cancel := context.WithCancel(context.Background())
	var relay mail.Recorder
	w := &reminder.Worker{Store: store, Mailer: &relay, Interval: 10 * time.Millisecond}
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	waitCtx, stop := context.WithTimeout(ctx, time.Minute)
	got := relay.Wait(waitCtx, 3)
	stop()
	cancel()
	<-done
	if len(got) != 3 {
		t.Errorf("Run sent %d reminders, want 3", len(got))
	}
}

func TestBackoff(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: time.Minute, 2: 4 * time.Minute, 3: 16 * time.Minute, 10: 24 * time.Hour} {
		if got := reminder.Backoff(attempt); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", attempt, got, want)
		}
	}
}
