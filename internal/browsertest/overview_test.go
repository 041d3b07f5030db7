package browsertest_test

import (
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/demo"
)

// TestOverviewOfManyAreas reads the overview of a plan of twenty priority
// areas, which shows them as one table rather than a chart and an entry each:
// it passes the accessibility checks at every width, on a phone nothing
// scrolls sideways, and each area's name leads to its page.
func TestOverviewOfManyAreas(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	if _, err := demo.Load(t.Context(), srv.Pool, demo.Options{Commitments: 400, Updates: 400, Organisations: 4, Priorities: 20}); err != nil {
		t.Fatal(err)
	}
	tab := browsertest.NewTab(t, srv.URL, browsertest.Viewport(browsertest.PhoneWidth, phoneHeight))
	tab.Open("/plans/" + demo.PlanSlug)
	tab.CheckPage("overview of twenty priority areas")
	tab.Screenshots("overview-many-areas")
	if n := tab.CheckCharts("overview of twenty priority areas", browsertest.NarrowWidth, browsertest.PhoneWidth, browsertest.WideWidth); n != 1 {
		t.Errorf("the overview of twenty areas has %d charts, want the timeline alone", n)
	}
	for _, w := range []int64{browsertest.NarrowWidth, browsertest.PhoneWidth} {
		tab.Resize(w)
		if regions := tab.SidewaysScrolling(); len(regions) > 0 {
			t.Errorf("at %d pixels the overview has parts to scroll sideways: %q", w, regions)
		}
	}
	if n := tab.Count(`#priorities ~ .app-table-scroll tbody th[scope="row"] a`); n != 20 {
		t.Errorf("the areas' table links to %d areas, want 20", n)
	}
	tab.ClickLink("20. Synthetic priority area 20")
	if got := tab.Heading(); got != "Synthetic priority area 20" {
		t.Errorf("the last area's link leads to %q", got)
	}
}
