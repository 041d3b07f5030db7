package browsertest_test

import (
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestEmailAlerts follows a commitment by email: from its page to the Get updates page, with
// mistakes, the confirmation from the email, an alert when an update is published, and the page
// that manages the address's alerts, where they are stopped.
func TestEmailAlerts(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)
			const addr = "follower@example.org"

			tab.Open("/commitments/4.1")
			tab.ClickLink("Get emails about this commitment")
			checkHeading(t, tab, "Get updates")
			tab.CheckPage("get updates on a commitment")
			tab.Screenshots("get-updates")
			if got := tab.ClickButton("Get emails"); got != 422 {
				t.Fatalf("nothing filled in: status %d, want 422", got)
			}
			tab.CheckFormErrors("get updates with nothing filled in", "Enter an email address", "Choose how often you want emails")
			tab.Fill("Email address", addr)
			tab.Choose("At once")
			if got := tab.ClickButton("Get emails"); got != 200 {
				t.Fatalf("get emails: status %d, want 200", got)
			}
			checkHeading(t, tab, "Check your email")
			tab.CheckPage("check your email")

			tab.Open(srv.LinkTo(t, addr, "/alerts/confirm"))
			checkHeading(t, tab, "Confirm your email alert")
			tab.CheckPage("confirm an email alert")
			if got := tab.ClickButton("Confirm"); got != 200 {
				t.Fatalf("confirm: status %d, want 200", got)
			}
			checkHeading(t, tab, "Email alert confirmed")
			tab.CheckPage("email alert confirmed")

			// Staff publish an update: the alert comes, with the link that manages alerts.
			staff := srv.CreateUser(t, tracker.RoleStaff, "")
			plan, err := srv.Store.CurrentPlan(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			c, err := srv.Store.CommitmentByRef(t.Context(), plan.ID, "4.1")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Store.SaveReport(t.Context(), tracker.Actor{User: &staff.User}, postgres.ReportWrite{
				CommitmentID: c.ID, Report: tracker.Report{Status: tracker.Delayed, Narrative: "The second cohort starts later."},
				Base: tracker.ReportBase{Version: c.Version}, Action: tracker.ActionPublish,
			}); err != nil {
				t.Fatal(err)
			}
			tab.Open(srv.LinkTo(t, addr, "/alerts/manage"))
			checkHeading(t, tab, "Your email alerts")
			tab.CheckPage("manage email alerts")
			tab.Screenshots("manage-alerts")
			if !strings.Contains(tab.Text("main"), "Commitment 4.1") {
				t.Errorf("the manage page does not list the alert: %q", tab.Text("main"))
			}
			tab.Choose("In a daily summary")
			if got := tab.ClickButton("Save"); got != 200 {
				t.Fatalf("save: status %d, want 200", got)
			}
			tab.CheckPage("manage email alerts after a change")
			if got := tab.ClickButton("Stop all emails and delete my address"); got != 200 {
				t.Fatalf("stop all: status %d, want 200", got)
			}
			if !strings.Contains(tab.Text("main"), "You have no email alerts") {
				t.Errorf("after stopping all: %q", tab.Text("main"))
			}
			tab.CheckPage("every alert stopped")
		})
	}
}

// TestUnsubscribePage opens the unsubscribe link of an alert email and stops it with the button.
func TestUnsubscribePage(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	tab := browsertest.NewTab(t, srv.URL)
	const addr = "leaver@example.org"
	tab.Open("/organisations/NES")
	tab.ClickLink("Get emails about the commitments NHS Education for Scotland leads")
	tab.Fill("Email address", addr)
	tab.Choose("Daily summary")
	tab.ClickButton("Get emails")
	tab.Open(srv.LinkTo(t, addr, "/alerts/confirm"))
	tab.ClickButton("Confirm")
	// An alert to unsubscribe from: a daily summary the next day.
	staff := srv.CreateUser(t, tracker.RoleStaff, "")
	plan, _ := srv.Store.CurrentPlan(t.Context())
	c, err := srv.Store.CommitmentByRef(t.Context(), plan.ID, "4.2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Store.SaveReport(t.Context(), tracker.Actor{User: &staff.User}, postgres.ReportWrite{
		CommitmentID: c.ID, Report: tracker.Report{Status: tracker.AtRisk, Narrative: "Waiting for funding."},
		Base: tracker.ReportBase{Version: c.Version}, Action: tracker.ActionPublish,
	}); err != nil {
		t.Fatal(err)
	}
	// The publish becomes a line of today's summary now, as the worker would make it at once,
	// and the summary goes out the next day.
	for {
		found, err := srv.Store.ProcessAlertEvent(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !found {
			break
		}
	}
	srv.Clock.Advance(24 * 60 * 60 * 1e9)
	tab.Open(srv.LinkTo(t, addr, "/alerts/unsubscribe"))
	checkHeading(t, tab, "Stop these emails")
	tab.CheckPage("unsubscribe")
	if got := tab.ClickButton("Unsubscribe"); got != 200 {
		t.Fatalf("unsubscribe: status %d, want 200", got)
	}
	checkHeading(t, tab, "You have unsubscribed")
	tab.CheckPage("unsubscribed")
}
