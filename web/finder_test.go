package web

import (
	"strings"
	"testing"
)

func TestFinderFiltersQueryString(t *testing.T) {
	tests := []struct {
		f    FinderFilters
		want string
	}{
		{FinderFilters{}, ""},
		{FinderFilters{Page: 1, Sort: ""}, ""},
		{FinderFilters{Query: "a&b", Statuses: []string{"none", "on_track"}, Overdue: true, Page: 3},
			"?overdue=yes&page=3&q=a%26b&status=none&status=on_track"},
		{FinderFilters{Priority: "4", Org: "NES", Due: "2024-25-q1", UpdateDue: true, Sort: "due"},
			"?due=2024-25-q1&org=NES&priority=4&sort=due&update_due=yes"},
	}
	for _, tt := range tests {
		if got := tt.f.QueryString(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.f, got, tt.want)
		}
	}
	if (FinderFilters{Sort: "due", Page: 2}).Filtered() {
		t.Error("sort and page alone count as filters")
	}
}

func TestCheckboxes(t *testing.T) {
	doc := render(t, Checkboxes(CheckboxesProps{Field: Field{ID: "status", Name: "status", Label: "Status", Error: "Choose " + xss},
		Options: []CheckboxOption{{Value: "a", Text: "A", Checked: true}, {Name: "other", Value: "yes", Text: xss, Hint: "hint"}}}))
	inputs := doc.Find("input.ds_checkbox__input")
	if inputs.Length() != 2 || inputs.Eq(0).AttrOr("id", "") != "status" || inputs.Eq(1).AttrOr("name", "") != "other" {
		t.Errorf("inputs = %d, first id %q, second name %q", inputs.Length(), inputs.Eq(0).AttrOr("id", ""), inputs.Eq(1).AttrOr("name", ""))
	}
	if _, ok := inputs.Eq(0).Attr("checked"); !ok {
		t.Error("the first box is not checked")
	}
	if _, ok := inputs.Eq(1).Attr("checked"); ok {
		t.Error("the second box is checked")
	}
	if doc.Find(`label[for="status-2"]`).Text() != xss || strings.Contains(renderHTML(t, Checkboxes(CheckboxesProps{Options: []CheckboxOption{{Text: xss}}})), "<script>") {
		t.Error("labels are not escaped text")
	}
	if doc.Find("legend").Text() != "Status" || doc.Find("#error-message-status").Length() != 1 {
		t.Error("no legend or error message")
	}
}

func TestChartDescriptionHasEveryNumber(t *testing.T) {
	c := Chart{ID: "c", Title: "T", Caption: "Priority area", Bars: []ChartBar{
		{Label: "One", Counts: map[string]int{StatusOnTrack: 2, StatusNoUpdate: 1}},
		{Label: "Two", Counts: map[string]int{}},
	}}
	want := "3 commitments by priority area and status. One: 3 (1 no update yet, 2 on track); Two: none."
	if got := c.description(); got != want {
		t.Errorf("description = %q, want %q", got, want)
	}
	if got := (Chart{}).Total(); got != 0 {
		t.Errorf("empty chart total = %d", got)
	}
	doc := render(t, StatusChart(c))
	if n := doc.Find("g.app-chart__segment").Length(); n != 2 {
		t.Errorf("%d segments, want 2", n)
	}
	doc = render(t, TimelineChart(c))
	if n := doc.Find("g.app-chart__segment").Length(); n != 2 {
		t.Errorf("%d timeline segments, want 2", n)
	}
}
