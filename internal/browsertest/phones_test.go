package browsertest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// phoneHeight is the height of a phone's screen 375 pixels wide.
const phoneHeight = 812

// TestPublicOnPhones reads the public pages on a phone: the charts' text is
// readable and never overlaps at any width, the finder's filters fold away
// behind one control until asked for, with or without JavaScript, and the
// pages print without navigation or forms, with full link addresses and the
// page's address and date at the foot.
func TestPublicOnPhones(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			opts := append([]browsertest.TabOption{browsertest.Viewport(browsertest.PhoneWidth, phoneHeight)}, mode.opts...)
			tab := browsertest.NewTab(t, srv.URL, opts...)

			tab.Open("/")
			if n := tab.CheckCharts("overview", browsertest.NarrowWidth, browsertest.PhoneWidth, browsertest.WideWidth); n != 2 {
				t.Errorf("the overview has %d charts, want 2", n)
			}
			for _, w := range []int64{browsertest.NarrowWidth, browsertest.PhoneWidth} {
				tab.Resize(w)
				if regions := tab.SidewaysScrolling(); len(regions) > 0 {
					t.Errorf("at %d pixels the overview has parts to scroll sideways: %q", w, regions)
				}
			}
			tab.Resize(browsertest.PhoneWidth)
			tab.CheckTabStops("overview on a phone")
			checkPrinted(t, tab, mode, "overview")
			tab.Open("/priorities/digital-skills-and-leadership")
			if n := tab.CheckCharts("priority area", browsertest.NarrowWidth, browsertest.PhoneWidth, browsertest.WideWidth); n != 1 {
				t.Errorf("the priority area has %d charts, want 1", n)
			}

			// The finder: its filters fold behind one control, and the
			// first result is on the first screen. With filters applied,
			// the control says how many.
			tab.Open("/commitments")
			if got := tab.Text(".app-finder__filters > summary"); got != "Filter results" {
				t.Errorf("with no filters applied the filters' control says %q, want Filter results", got)
			}
			if top := tab.BoxOf(".app-finder__result").Top; top > phoneHeight {
				t.Errorf("the first result starts %.0f pixels down, below the first screen of %d", top, phoneHeight)
			}
			tab.Open("/commitments?priority=4&status=none")
			if got := tab.Text(".app-finder__filters > summary"); got != "Filter results (2 filters applied)" {
				t.Errorf("the filters' control says %q, want Filter results (2 filters applied)", got)
			}
			if tab.Visible("#priority") {
				t.Error("at 375 pixels the filters are shown before they are asked for")
			}
			if control := tab.BoxOf(".app-finder__filters"); control.Bottom-control.Top > 60 {
				t.Errorf("folded, the filters take %.0f pixels of the screen, want one line", control.Bottom-control.Top)
			}
			tab.CheckTabStops("finder on a phone, filters folded")
			tab.CheckPage("finder on a phone, filters folded")
			mode.screenshots(tab, "finder-phone")
			tab.ClickSummary("Filter results")
			tab.WaitVisible("#priority")
			tab.CheckPage("finder on a phone, filters open")
			tab.Select("Priority area", "5. Digital Futures")
			if got := tab.ClickButton("Apply filters"); got != 200 {
				t.Fatalf("apply filters: status %d", got)
			}
			if got := tab.Path(); !strings.Contains(got, "priority=5") || !strings.Contains(got, "status=none") {
				t.Errorf("after applying the filters the finder is at %s, want priority 5 and no update yet", got)
			}
			if tab.Visible("#priority") {
				t.Error("after applying the filters they are shown again on a phone")
			}

			// Wider than 640 pixels, the filters are shown as they are,
			// without the control.
			tab.Resize(browsertest.WideWidth)
			if !tab.Visible("#priority") || tab.Visible(".app-finder__filters > summary") {
				t.Errorf("at 1280 pixels, filters shown %t and their control shown %t, want the filters alone",
					tab.Visible("#priority"), tab.Visible(".app-finder__filters > summary"))
			}
			checkPrinted(t, tab, mode, "filtered commitments")

			tab.Open("/organisations/NES")
			p := checkPrinted(t, tab, mode, "organisation")
			want := "/commitments/4.1 => \" (" + srv.URL + "/commitments/4.1)\""
			if !slices.Contains(p.PrintedAddresses(), want) {
				t.Errorf("the printed organisation page gives the links' addresses as %q, want %s among them", p.PrintedAddresses(), want)
			}
		})
	}
}

// checkPrinted checks the tab's page as printed, and the date at its foot:
// the day the server made the page, or with JavaScript the day it is
// printed.
func checkPrinted(t *testing.T, tab *browsertest.Tab, mode mode, state string) browsertest.Printed {
	t.Helper()
	p := tab.CheckPrint(state)
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	want := browsertest.DefaultNow.In(london).Format("2 January 2006")
	if tab.ScriptsEnabled() {
		want = time.Now().In(london).Format("2 January 2006")
	}
	if p.Date != want {
		t.Errorf("%s, printed %s, gives the date %q, want %q", state, mode.name, p.Date, want)
	}
	return p
}

// TestStaffPagesOnPhones reads the partner and staff pages' tables on
// phones: each row is a card, so that nothing, such as the "Report
// progress" links, is out of sight to the side at 375 or 320 pixels.
func TestStaffPagesOnPhones(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			admin := srv.CreateUser(t, tracker.RoleAdmin, "")
			opts := append([]browsertest.TabOption{browsertest.Viewport(browsertest.PhoneWidth, phoneHeight)}, mode.opts...)
			tab := browsertest.NewTab(t, srv.URL, opts...)
			tab.Open("/sign-in")
			tab.Fill("Email address", admin.Email)
			tab.Fill("Password", admin.Password)
			if got := tab.ClickButton("Sign in"); got != 200 {
				t.Fatalf("sign in: status %d", got)
			}

			for _, path := range []string{"/report", "/dashboard", "/admin/users", "/admin/audit", "/admin/plans",
				"/admin/plans/2023-24", "/admin/organisations"} {
				tab.Open(path)
				if tab.Count("table.app-table-cards") == 0 {
					t.Errorf("%s has no table of cards", path)
				}
				for _, w := range []int64{browsertest.PhoneWidth, browsertest.NarrowWidth} {
					tab.Resize(w)
					if out := tab.Overflow(); len(out) > 0 {
						t.Errorf("%s scrolls sideways at %d pixels: %q", path, w, out)
					}
					if regions := tab.SidewaysScrolling(); len(regions) > 0 {
						t.Errorf("at %d pixels, %s has parts to scroll sideways: %q", w, path, regions)
					}
				}
				tab.Resize(browsertest.PhoneWidth)
			}

			tab.Open("/report")
			link := tab.BoxOf(`tr[data-ref="4.1"] a.app-report-link`)
			if link.Left < 0 || link.Right > browsertest.PhoneWidth || link.Bottom <= link.Top {
				t.Errorf("at 375 pixels the link to report progress on 4.1 spans %.0f to %.0f pixels across, want it on screen", link.Left, link.Right)
			}
			mode.screenshots(tab, "report-list-phone")
			checkPrinted(t, tab, mode, "report list")
			tab.ClickLink("Report progress on commitment 4.1")
			checkPath(t, tab, "/report/4.1")
			checkPrinted(t, tab, mode, "report form")
		})
	}
}
