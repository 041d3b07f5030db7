package web

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestChartTextKeepsItsSize checks that a chart's picture is not scaled to its width, which would
// shrink its text on a small screen: it has no viewBox, its text is 12 pixels or more, and each
// bar's label has lines of its own above the bar.
func TestChartTextKeepsItsSize(t *testing.T) {
	c := Chart{ID: "c", Title: "T", Caption: "Due", Marker: "Q2 2025-26", Bars: []ChartBar{
		{Label: "Q1 2025-26", Counts: map[string]int{StatusOnTrack: 30, StatusNoUpdate: 1}},
		{Label: "Q2 2025-26", Counts: map[string]int{StatusDelivered: 3}},
		{Label: "6. Data-Driven Services and Insights, and a name long enough to wrap", Counts: map[string]int{}},
	}}
	for _, doc := range []*goquery.Document{render(t, StatusChart(c)), render(t, TimelineChart(c))} {
		svg := doc.Find("svg.app-chart__picture")
		if _, ok := svg.Attr("viewBox"); ok {
			t.Error("the picture has a viewBox, which scales its text with its width")
		}
		if svg.AttrOr("width", "") != "100%" {
			t.Errorf("the picture's width is %q, want 100%%", svg.AttrOr("width", ""))
		}
		doc.Find("svg text").Each(func(_ int, s *goquery.Selection) {
			size, err := strconv.ParseFloat(s.AttrOr("font-size", ""), 64)
			if err != nil || size < 12 {
				t.Errorf("%q has font-size %q, want 12 or more", s.Text(), s.AttrOr("font-size", ""))
			}
		})
		var labels []string
		doc.Find("text.app-chart__label").Each(func(_ int, s *goquery.Selection) { labels = append(labels, s.Text()) })
		want := []string{"Q1 2025-26", "Q2 2025-26 (now)", "6. Data-Driven Services and", "Insights, and a name long enough", "to wrap"}
		if !slices.Equal(labels, want) {
			t.Errorf("labels = %q, want %q", labels, want)
		}
		var counts []string
		doc.Find("text.app-chart__count").Each(func(_ int, s *goquery.Selection) { counts = append(counts, s.Text()) })
		// 1 of 31 is too narrow for its count at 320 pixels wide; 30 and 3 are not.
		if !slices.Equal(counts, []string{"30", "3"}) {
			t.Errorf("counts in segments = %q, want 30 and 3", counts)
		}
		if got := strings.TrimSpace(doc.Find("text.app-chart__total").Last().Text()); got != "None" {
			t.Errorf("the empty bar's total is %q, want None", got)
		}
	}
}

func TestWrapWords(t *testing.T) {
	for _, tt := range []struct {
		text  string
		width int
		want  []string
	}{
		{"", 10, []string{""}},
		{"Q1 2025-26", 34, []string{"Q1 2025-26"}},
		{"one two three", 7, []string{"one two", "three"}},
		{"a verylongwordindeed b", 5, []string{"a", "verylongwordindeed", "b"}},
	} {
		if got := wrapWords(tt.text, tt.width); !slices.Equal(got, tt.want) {
			t.Errorf("wrapWords(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}
