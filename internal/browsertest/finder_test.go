package browsertest_test

import (
	"slices"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
)

// TestPublicFinding follows a member of the public who searches for a commitment, narrows the
// list with filters, removes one of them, and finds nothing with a search that matches nothing.
// It works the same without JavaScript: the finder is one GET form.
func TestPublicFinding(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)
			refs := func() []string { return tab.Texts(".app-finder__result .app-commitment__ref") }

			tab.Open("/")
			tab.ClickLink("Commitments")
			checkPath(t, tab, "/commitments")
			checkHeading(t, tab, "Commitments")
			if got := tab.Count(".app-finder__result"); got != 6 {
				t.Errorf("the finder lists %d commitments, want all 6", got)
			}
			tab.CheckPage("commitments finder")
			mode.screenshots(tab, "finder")

			tab.Fill("Search commitments", "pathway")
			if got := tab.ClickButton("Search"); got != 200 {
				t.Fatalf("search: status %d", got)
			}
			if got := refs(); !slices.Equal(got, []string{"4.2"}) {
				t.Errorf("searching for pathway finds %q, want 4.2", got)
			}
			tab.CheckPage("search results")

			tab.Fill("Search commitments", "")
			tab.Choose("No update yet")
			tab.Select("Priority area", "4. Digital Skills and Leadership")
			if got := tab.ClickButton("Apply filters"); got != 200 {
				t.Fatalf("apply filters: status %d", got)
			}
			if got := refs(); !slices.Equal(got, []string{"4.4", "4.5"}) {
				t.Errorf("with no update yet in priority area 4: %q, want 4.4 and 4.5", got)
			}
			tab.CheckPage("filtered commitments")
			mode.screenshots(tab, "finder-filtered")

			tab.ClickLink("Remove the filter “Status: No update yet”")
			checkPath(t, tab, "/commitments?priority=4")
			if got := tab.Count(".app-finder__result"); got != 5 {
				t.Errorf("after removing the status filter: %d commitments, want the 5 in priority area 4", got)
			}

			tab.ClickLink("Clear all filters")
			tab.Fill("Search commitments", "zebra")
			tab.ClickButton("Search")
			if got := tab.Text("#results"); got != "No commitments found" {
				t.Errorf("a search that matches nothing says %q", got)
			}
			tab.CheckPage("no commitments found")
		})
	}
}
