package browsertest_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
)

// TestPublicDownloads downloads the open data as a member of the public
// does: the whole plan's commitments from the open data page, then only
// those a filter of the finder leaves, as CSV and as JSON.
func TestPublicDownloads(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)

			tab.Open("/")
			tab.ClickLink("Open data")
			checkPath(t, tab, "/data")
			tab.CheckPage("open data")
			mode.screenshots(tab, "open-data")
			all := tab.Download("CSV")
			if !strings.HasSuffix(all.Filename, ".csv") {
				t.Errorf("the commitments download is named %q, want a .csv file", all.Filename)
			}
			if got := csvRefs(t, all.Data); !slices.Equal(got, []string{"4.1", "4.2", "4.3", "4.4", "4.5", "5.1"}) {
				t.Errorf("the commitments CSV has %q, want the plan's 6 commitments", got)
			}

			tab.ClickLink("Commitments")
			tab.Choose("No update yet")
			if got := tab.ClickButton("Apply filters"); got != 200 {
				t.Fatalf("apply filters: status %d", got)
			}
			some := tab.Download("CSV")
			if got := csvRefs(t, some.Data); !slices.Equal(got, []string{"4.4", "4.5"}) {
				t.Errorf("the filtered CSV has %q, want 4.4 and 4.5", got)
			}
			if got := tab.ClickLinkStatus("JSON"); got != 200 {
				t.Fatalf("the filtered JSON: status %d", got)
			}
			if body := tab.Text("body"); !strings.Contains(body, `"4.4"`) || strings.Contains(body, `"4.2"`) {
				t.Errorf("the filtered JSON does not hold just 4.4 and 4.5: %.300s", body)
			}
		})
	}
}

// csvRefs returns the ref column of a commitments CSV.
func csvRefs(t *testing.T, data []byte) []string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("the download is not CSV: %v: %.200s", err, data)
	}
	col := slices.Index(rows[0], "ref")
	if col < 0 {
		t.Fatalf("the CSV has no ref column: %q", rows[0])
	}
	var refs []string
	for _, r := range rows[1:] {
		refs = append(refs, r[col])
	}
	return refs
}
