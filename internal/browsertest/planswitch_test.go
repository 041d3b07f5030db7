package browsertest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestSwitchWithWorkInProgress is the switch to 2024-25 in the middle of a reporting round: the
// confirmation page lists the round still open and NES's returned update on 4.3, and after the
// switch NES still finds that update under Report progress and submits it again.
func TestSwitchWithWorkInProgress(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	partner := srv.CreateUser(t, tracker.RolePartner, "NES")
	staff := srv.CreateUser(t, tracker.RoleStaff, "")
	ctx, st := t.Context(), srv.Store
	asStaff, asPartner := tracker.Actor{User: &staff.User}, tracker.Actor{User: &partner.User}
	const note = "Say which boards have gone live."

	old, err := st.PlanBySlug(ctx, "2023-24")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateRound(ctx, asStaff, tracker.Round{PlanID: old.ID, Name: "Q3 2026-27",
		Opens: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	c43, err := st.CommitmentByRef(ctx, old.ID, "4.3")
	if err != nil {
		t.Fatal(err)
	}
	mark, err := st.SubmissionMark(ctx, c43.ID)
	if err != nil {
		t.Fatal(err)
	}
	up, err := st.SaveReport(ctx, asPartner, postgres.ReportWrite{CommitmentID: c43.ID, Action: tracker.ActionSubmit,
		Report: tracker.Report{Status: tracker.OnTrack, Narrative: "Half the boards are live."},
		Base:   tracker.ReportBase{Version: c43.Version, Seen: mark}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ReturnUpdate(ctx, asStaff, up.ID, up.Version, note); err != nil {
		t.Fatal(err)
	}
	published := time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC)
	next, err := st.CreatePlan(ctx, asStaff, postgres.NewPlan{PreviousID: old.ID, CopyPriorities: true,
		Plan: tracker.Plan{Slug: "2024-25", Title: "Care in the Digital Age: Delivery Plan 2024-25", Period: "2024-25", PublishedOn: &published}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CarryForward(ctx, asStaff, next.ID, []int64{c43.ID}); err != nil {
		t.Fatal(err)
	}

	// Staff make 2024-25 current, having read what it leaves in progress.
	s := browsertest.NewTab(t, srv.URL)
	s.Open("/")
	s.SignIn(staff.Email, staff.Password)
	s.Open("/admin/plans/2024-25")
	s.ClickLink("Make this the current plan")
	checkPath(t, s, "/admin/plans/2024-25/make-current")
	main := s.Text("main")
	for _, want := range []string{"Q3 2026-27", "Returned for changes", "NHS Education for Scotland", "4.3"} {
		if !strings.Contains(main, want) {
			t.Errorf("the confirmation page does not list %q: %q", want, main)
		}
	}
	s.CheckPage("make a plan current, with work in progress")
	s.Screenshots("admin-make-current-in-progress")
	s.Fill("Reason", "The 2024-25 plan has been published.")
	if got := s.ClickButton("Make this the current plan"); got != 200 {
		t.Fatalf("make 2024-25 current: status %d (errors %q)", got, s.ErrorSummary())
	}
	if got := s.Notification(); !strings.Contains(got, "is now the current plan") {
		t.Errorf("after the switch, the banner says %q", got)
	}

	// NES finds its returned update on 2023-24's 4.3, in the round still open, and finishes it.
	p := browsertest.NewTab(t, srv.URL)
	p.Open("/")
	p.SignIn(partner.Email, partner.Password)
	checkPath(t, p, "/report")
	if got := p.Text(".app-report-earlier"); got != "Care in the Digital Age: Delivery Plan 2023-24" {
		t.Errorf("/report's earlier plan = %q", got)
	}
	p.CheckPage("report list with an earlier plan's work")
	p.ClickLink("Change and resubmit on commitment 4.3")
	checkPath(t, p, "/report/plans/2023-24/4.3")
	if got := p.Text("main"); !strings.Contains(got, note) {
		t.Errorf("the returned update's form does not show the note: %q", got)
	}
	p.Fill("Progress", "Half the boards are live: Grampian, Lothian and Tayside.")
	if got := p.ClickButton("Submit for review"); got != 409 {
		t.Fatalf("resubmit after the carry forward: status %d, want 409 saying 4.3 was carried forward", got)
	}
	if got := p.Text(".app-conflict"); !strings.Contains(got, "Carried forward") {
		t.Errorf("the conflict says %q", got)
	}
	if got := p.ClickButton("Submit for review"); got != 200 {
		t.Fatalf("resubmit having read the change: status %d (errors %q)", got, p.ErrorSummary())
	}
	if got := p.Notification(); !strings.Contains(got, "Your update on commitment 4.3 has been submitted for review.") {
		t.Errorf("after resubmitting, the banner says %q", got)
	}
}
