package browsertest_test

import (
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
)

// The seeded plan's pages the public journeys pass through.
const (
	planTitle    = "Care in the Digital Age: Delivery Plan 2023-24"
	priority4    = "4. Digital Skills and Leadership"
	commitment42 = "A refreshed programme supporting digital data leadership and skills via published Learning Pathways for specific staff groupings and career stages"
	commitment45 = "Launch health and social care themed 'Innovation for Wellbeing' challenges through CivTech 10."
)

// TestPublicBrowsing follows a member of the public from the overview to a
// priority area, one of its commitments with published progress, and an
// organisation that leads it, by clicking links, and checks every page on
// the way.
func TestPublicBrowsing(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)

			tab.Open("/")
			checkHeading(t, tab, planTitle)
			tab.CheckPage("overview")
			mode.screenshots(tab, "overview")

			// A headline figure leads to the commitments it counts.
			tab.ClickLink("4 overdue")
			checkPath(t, tab, "/commitments?overdue=yes")
			if got := tab.Text("#results"); got != "4 commitments" {
				t.Errorf("the 4 overdue lead to %q", got)
			}
			tab.ClickLink("Home")
			checkPath(t, tab, "/")

			tab.ClickLink(priority4)
			checkPath(t, tab, "/priorities/digital-skills-and-leadership")
			checkHeading(t, tab, "Digital Skills and Leadership")
			tab.CheckPage("priority area")
			mode.screenshots(tab, "priority")

			tab.ClickLink("4.2 " + commitment42)
			checkPath(t, tab, "/commitments/4.2")
			checkHeading(t, tab, commitment42)
			if got := tab.Count(".app-timeline__item"); got != 2 {
				t.Errorf("commitment 4.2 shows %d published updates, want 2", got)
			}
			tab.CheckPage("commitment with published progress")
			mode.screenshots(tab, "commitment")

			tab.ClickLink("NHS Education for Scotland (NES)")
			checkPath(t, tab, "/organisations/NES")
			checkHeading(t, tab, "NHS Education for Scotland")
			tab.CheckPage("organisation")
			mode.screenshots(tab, "organisation")

			tab.ClickLink("What the statuses mean")
			checkPath(t, tab, "/about/statuses")
			checkHeading(t, tab, "What the statuses mean")
			tab.CheckPage("what the statuses mean")
			mode.screenshots(tab, "statuses")
		})
	}
}

// TestPublicEmptyStates visits the public pages in their empty states: a
// priority area with no commitments, and a commitment with no published
// progress, whose lead organisation leads nothing else; and a page that does
// not exist.
func TestPublicEmptyStates(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)

			tab.Open("/")
			tab.ClickLink("1. Digital Access")
			checkPath(t, tab, "/priorities/digital-access")
			if main := tab.Text("main"); !strings.Contains(main, "The commitments for this priority area have not been entered in the tracker yet.") {
				t.Errorf("an empty priority area does not say it has no commitments: %q", main)
			}
			tab.CheckPage("priority area with no commitments")
			mode.screenshots(tab, "priority-empty")

			tab.ClickLink("Overview")
			checkPath(t, tab, "/")
			tab.ClickLink(priority4)
			tab.ClickLink("4.5 " + commitment45)
			checkPath(t, tab, "/commitments/4.5")
			if main := tab.Text("main"); !strings.Contains(main, "No progress has been published") {
				t.Errorf("commitment 4.5 does not say no progress has been published: %q", main)
			}
			tab.CheckPage("commitment with no published progress")

			tab.ClickLink("Chief Scientist Office (CSO)")
			checkPath(t, tab, "/organisations/CSO")
			checkHeading(t, tab, "Chief Scientist Office")
			tab.CheckPage("organisation leading one commitment")

			if got := tab.OpenStatus("/commitments/9.9"); got != 404 {
				t.Fatalf("a commitment that does not exist: status %d, want 404", got)
			}
			checkHeading(t, tab, "Page not found")
			tab.CheckPage("page not found")
			mode.screenshots(tab, "not-found")
		})
	}
}

// TestPublicKeyboard browses from the overview to a commitment with the
// keyboard alone: the skip link works, and the focus can be seen at every
// stop on the way.
func TestPublicKeyboard(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	tab := browsertest.NewTab(t, srv.URL)

	tab.Open("/")
	tab.CheckSkipLink()

	tab.Open("/")
	tab.TabToLink(priority4)
	if got := tab.PressAndLoad(browsertest.KeyEnter); got != 200 {
		t.Fatalf("Enter on the priority area's link: status %d", got)
	}
	checkPath(t, tab, "/priorities/digital-skills-and-leadership")
	tab.CheckSkipLink()
	tab.TabToLink("4.2 " + commitment42)
	if got := tab.PressAndLoad(browsertest.KeyEnter); got != 200 {
		t.Fatalf("Enter on the commitment's link: status %d", got)
	}
	checkPath(t, tab, "/commitments/4.2")
	// Every link on the page, to the footer, shows its focus.
	tab.TabToLink("Open Government Licence v3.0")
}

func checkPath(t *testing.T, tab *browsertest.Tab, want string) {
	t.Helper()
	if got := tab.Path(); got != want {
		t.Fatalf("the browser is on %s, want %s", got, want)
	}
}

func checkHeading(t *testing.T, tab *browsertest.Tab, want string) {
	t.Helper()
	if got := tab.Heading(); got != want {
		t.Errorf("h1 = %q, want %q", got, want)
	}
}

// TestNarrowMenuKeyboard tabs through the overview on a small screen, then
// opens the site menu with the keyboard alone and follows a link in it: the
// menu is the only way to the site's navigation at 320 pixels.
func TestNarrowMenuKeyboard(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			opts := append([]browsertest.TabOption{browsertest.Viewport(browsertest.NarrowWidth, 640)}, mode.opts...)
			tab := browsertest.NewTab(t, srv.URL, opts...)

			tab.Open("/")
			// Every stop on the page can be seen and has a name: nothing
			// hidden, such as the menu's checkbox beside its button, is
			// in the way.
			stops := tab.CheckTabStops("overview at 320 pixels")
			menus := 0
			for _, f := range stops {
				if f.Name == "Menu" {
					menus++
				}
			}
			if menus != 1 {
				t.Errorf("Tab stops at %d controls named Menu, want 1: %q", menus, stops)
			}

			tab.Open("/")
			menu := tab.TabTo("the menu control", func(f browsertest.Focus) bool { return f.Text == "Menu" })
			key := browsertest.KeyEnter
			if menu.Tag == "input" {
				key = browsertest.KeySpace // a checkbox
			}
			tab.Press(key)
			tab.WaitVisible("#mobile-navigation")
			tab.TabToLink("Sign in")
			if got := tab.PressAndLoad(browsertest.KeyEnter); got != 200 {
				t.Fatalf("Enter on Sign in: status %d", got)
			}
			checkPath(t, tab, "/sign-in")
		})
	}
}
