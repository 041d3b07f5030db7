package browsertest_test

import (
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestRestoreAndReadTheAuditLog has an administrator, on a portal that sends no email, restore a
// retired organisation (forgetting the reason first), create a password reset link and copy it
// with its button, then find the restore in the audit log by action and person and download
// what the filter shows.
func TestRestoreAndReadTheAuditLog(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t, func(c *server.Config) { c.Mailer = nil })
			admin := srv.CreateUser(t, tracker.RoleAdmin, "")
			staff := srv.CreateUser(t, tracker.RoleStaff, "")
			sssc, err := srv.Store.OrganisationByCode(t.Context(), "SSSC")
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.Store.RetireOrganisation(t.Context(), tracker.Actor{Label: "browser test"}, sssc.ID, sssc.Version, "Merged"); err != nil {
				t.Fatal(err)
			}
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)
			tab.Open("/")
			tab.SignIn(admin.Email, admin.Password)

			// Restore the retired organisation, listed apart from those in use.
			tab.Open("/admin/organisations")
			tab.CheckPage("organisations, one retired")
			mode.screenshots(tab, "admin-organisations-retired")
			tab.ClickLink("Restore " + sssc.Name)
			checkHeading(t, tab, "Restore "+sssc.Name)
			if got := tab.ClickButton("Restore organisation"); got != 422 {
				t.Fatalf("restore without a reason: status %d, want 422", got)
			}
			tab.CheckFormErrors("restore without a reason", "Enter the reason: it is kept in the audit log")
			tab.Fill("Reason", "The merger was called off")
			if got := tab.ClickButton("Restore organisation"); got != 200 {
				t.Fatalf("restore: status %d", got)
			}
			if got := tab.Notification(); !strings.Contains(got, sssc.Name+" has been restored") {
				t.Errorf("after restoring, the banner says %q", got)
			}
			if strings.Contains(tab.Text("main"), "Retired") {
				t.Error("the organisations page still has a retired section")
			}

			// A reset link to copy, with an email to send it with.
			tab.Open("/admin/users")
			tab.ClickLink(staff.Name)
			if got := tab.ClickButton("Create a password reset link"); got != 200 {
				t.Fatalf("create a reset link: status %d", got)
			}
			tab.CheckPage("reset link with a suggested email")
			mode.screenshots(tab, "admin-reset-link")
			link := tab.Value("Single-use link")
			if !strings.HasPrefix(link, srv.URL+"/set-password?token=") {
				t.Errorf("link = %q", link)
			}
			if body := tab.Value("Message"); !strings.Contains(body, "Dear "+staff.Name) || !strings.Contains(body, link) {
				t.Errorf("suggested email = %q", body)
			}
			if tab.ScriptsEnabled() {
				tab.PressButton("Copy link")
				tab.WaitVisible(".app-copy__status")
				if got := tab.Text(".app-copy__status"); !strings.HasPrefix(got, "Copied") {
					t.Errorf("after copying, the page says %q", got)
				}
				tab.CheckPage("reset link copied")
			} else if n := tab.Count("button"); tab.Count(".app-copy__button") != 0 || n == 0 {
				t.Errorf("without JavaScript: %d copy buttons", tab.Count(".app-copy__button"))
			}

			// The audit log, filtered to the restore, and its download. First, a change with
			// long values, which wrap rather than widen the table, at 1280 pixels and on a phone.
			long := strings.Repeat("https://example.com/a-very-long-address-without-spaces/", 8)
			if err := srv.Store.Audit(t.Context(), tracker.Actor{Label: "browser test"}, postgres.AuditEntry{Action: "plan.update",
				RecordType: "plan", RecordID: "1", Details: map[string]any{"before": map[string]any{"source_url": "https://www.gov.scot/"},
					"after": map[string]any{"source_url": long}}}); err != nil {
				t.Fatal(err)
			}
			tab.ClickLink("Audit log")
			for _, width := range []int64{1280, 375} {
				tab.Resize(width)
				if got := tab.SidewaysScrolling(); len(got) > 0 {
					t.Errorf("the audit log at %d pixels scrolls sideways: %q", width, got)
				}
			}
			tab.Resize(1280)
			mode.screenshots(tab, "admin-audit")
			tab.Select("Action", "organisation.restore")
			tab.Select("Who", admin.Name+" ("+admin.Email+")")
			if got := tab.ClickButton("Filter"); got != 200 {
				t.Fatalf("filter: status %d", got)
			}
			tab.CheckPage("audit log filtered to a restore")
			mode.screenshots(tab, "admin-audit-filtered")
			if got := tab.Texts(".app-audit__record"); len(got) != 1 || got[0] != sssc.Name {
				t.Errorf("records = %q, want %s by name", got, sssc.Name)
			}
			if got := tab.Text(".app-audit__details"); !strings.Contains(got, "Reason: The merger was called off") || strings.Contains(got, "{") {
				t.Errorf("what changed = %q", got)
			}
			d := tab.Download("Download these entries (CSV)")
			if !strings.HasPrefix(d.URL, "/admin/audit.csv?") || !strings.HasPrefix(string(d.Data), "\ufeffat,who,") {
				t.Errorf("download from %s starts %q", d.URL, string(d.Data[:min(len(d.Data), 20)]))
			}
			if lines := strings.Split(strings.TrimSpace(string(d.Data)), "\r\n"); len(lines) < 2 || !strings.Contains(string(d.Data), "organisation.restore") ||
				strings.Contains(string(d.Data), "user.create") {
				t.Errorf("download = %q, want the heading and the restore only", d.Data)
			}
		})
	}
}
