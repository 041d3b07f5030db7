package reminder_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/mail/smtptest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/reminder"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestFallbackContactIsReminded: an organisation with commitments to report on and no active
// partners is reminded at the contact address staff gave it, through a real SMTP server; one
// with partners is not (its partners are), and one with neither is reminded by no one, as its
// coverage says.
func TestFallbackContactIsReminded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 8, 9, 0, 0, 0, london) // 7 days before the deadline
	store, r := setup(t, func() time.Time { return now })
	ctx := context.Background()
	actor := tracker.Actor{Label: "test"}
	for code, contact := range map[string]string{"CSO": "digital@cso.example", "NES": "office@nes.example"} {
		o, err := store.OrganisationByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		o.ContactEmail = contact
		if _, err := store.UpdateOrganisation(ctx, actor, o); err != nil {
			t.Fatal(err)
		}
	}
	cov, err := store.Coverage(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	reminded := map[string]string{}
	for _, o := range cov.Organisations {
		var who []string
		for _, p := range o.Partners {
			who = append(who, p.Email)
		}
		if c := o.Contact(); c != "" {
			who = append(who, "contact "+c)
		}
		if o.NoOneToRemind() {
			who = append(who, "no one")
		}
		reminded[o.Organisation.Code] = strings.Join(who, ", ")
	}
	for code, want := range map[string]string{"NES": "ann@nes.example, bob@nes.example", "CSO": "contact digital@cso.example",
		"CIVTECH": "cat@civtech.example", "LGDO": "no one"} {
		if reminded[code] != want {
			t.Errorf("%s is reminded at %q, want %q (all: %v)", code, reminded[code], want, reminded)
		}
	}

	relay := smtptest.Start(t)
	w := &reminder.Worker{Store: store, Mailer: relay.Mailer(t), BaseURL: "https://tracker.example"}
	queued, delivered, err := w.RunOnce(ctx)
	if err != nil || queued != 4 || delivered != 4 {
		t.Fatalf("RunOnce = %d queued, %d delivered, %v; want 4 and 4", queued, delivered, err)
	}
	var to []string
	for _, m := range relay.Wait(t, 4) {
		to = append(to, m.To...)
	}
	slices.Sort(to)
	if want := []string{"ann@nes.example", "bob@nes.example", "cat@civtech.example", "digital@cso.example"}; !slices.Equal(to, want) {
		t.Fatalf("reminders went to %q, want %q", to, want)
	}
	m := relay.To("digital@cso.example")[0]
	if !strings.HasPrefix(m.Subject, "Reminder: progress updates for Q3 2026-27") ||
		!strings.Contains(m.Text, "Dear colleague,") ||
		!strings.Contains(m.Text, "contact for Chief Scientist Office") ||
		!strings.Contains(m.Text, "4.5 ") || strings.Contains(m.Text, "4.1 ") ||
		!strings.Contains(m.Text, "https://tracker.example/commitments/4.5") || strings.Contains(m.Text, "/report") {
		t.Errorf("the contact's reminder:\n%s\n%s", m.Subject, m.Text)
	}

	// Queued once: another pass the same day sends nothing more.
	if queued, _, err := w.RunOnce(ctx); err != nil || queued != 0 {
		t.Errorf("a second pass queued %d (%v), want 0", queued, err)
	}
	// A partner account for CSO takes over from the contact at the next reminder.
	if _, err := store.CreateUser(ctx, actor, newPartner("fay@cso.example", "CSO")); err != nil {
		t.Fatal(err)
	}
	now = time.Date(2026, 12, 18, 9, 0, 0, 0, london)
	before := len(relay.Messages())
	if _, _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	var later []string
	for _, m := range relay.Messages()[before:] {
		later = append(later, m.To...)
	}
	if slices.Contains(later, "digital@cso.example") || !slices.Contains(later, "fay@cso.example") {
		t.Errorf("after CSO has a partner, reminders went to %q, want fay@cso.example and not the contact", later)
	}
}

// newPartner is a partner account of the organisation with the code, who has not set a password.
func newPartner(email, org string) postgres.NewUser {
	return postgres.NewUser{Email: email, Name: strings.Split(email, "@")[0], Role: tracker.RolePartner, OrganisationCode: org}
}
