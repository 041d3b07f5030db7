package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func renderHTML(t *testing.T, c templ.Component) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(renderHTML(t, c)))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// withChildren renders c with the given HTML as its children.
func withChildren(c templ.Component, html string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return c.Render(templ.WithChildren(ctx, templ.Raw(html)), w)
	})
}

const xss = `<script>alert("x")</script>`

func TestStatusTag(t *testing.T) {
	seen := map[string]string{}
	for _, status := range append(Statuses(), StatusNoUpdate) {
		doc := render(t, StatusTag(status))
		tag := doc.Find("strong.ds_tag")
		if tag.Length() != 1 {
			t.Fatalf("%q: %d tags", status, tag.Length())
		}
		if got := strings.TrimSpace(tag.Text()); got != StatusLabel(status) {
			t.Errorf("%q: text %q, want %q", status, got, StatusLabel(status))
		}
		class, _ := tag.Attr("class")
		var colour string
		for _, c := range strings.Fields(class) {
			if rest, ok := strings.CutPrefix(c, "ds_tag--"); ok {
				colour = rest
			}
		}
		if colour == "" || colour == "red" {
			t.Errorf("%q: colour %q; each status needs its own, and red is for overdue", status, colour)
		}
		if other, ok := seen[colour]; ok {
			t.Errorf("%q and %q share the colour %s", status, other, colour)
		}
		seen[colour] = status
	}
	want := map[string]string{
		"":                "No update yet",
		"not_started":     "Not started",
		"on_track":        "On track",
		"at_risk":         "At risk",
		"delayed":         "Delayed",
		"delivered":       "Delivered",
		"withdrawn":       "Withdrawn",
		"carried_forward": "Carried forward",
		"under_review":    "Under review",
	}
	for status, label := range want {
		if got := StatusLabel(status); got != label {
			t.Errorf("StatusLabel(%q) = %q, want %q", status, got, label)
		}
	}
	doc := render(t, StatusTag(xss))
	if doc.Find("script").Length() != 0 {
		t.Error("an unknown status was not escaped")
	}
	// The markup made once for each status is the element the pages have always had.
	for status, want := range map[string]string{
		StatusOnTrack: `<strong class="ds_tag ds_tag--green">On track</strong>`,
		"odd_<b>":     `<strong class="ds_tag">Odd &lt;b&gt;</strong>`,
	} {
		var b strings.Builder
		if err := StatusTag(status).Render(t.Context(), &b); err != nil || b.String() != want {
			t.Errorf("StatusTag(%q) = %q, %v; want %q", status, b.String(), err, want)
		}
	}
}

func TestStatusColoursExistInDesignSystem(t *testing.T) {
	css := string(assets()[dsCSS].data)
	for _, s := range statusStyles {
		if !strings.Contains(css, ".ds_tag--"+s.colour+"{") {
			t.Errorf("the design system has no .ds_tag--%s", s.colour)
		}
	}
	if !strings.Contains(css, ".ds_tag--red{") {
		t.Error("the design system has no .ds_tag--red")
	}
}

func TestOverdueTag(t *testing.T) {
	tag := render(t, OverdueTag()).Find("strong.ds_tag.ds_tag--red")
	if tag.Length() != 1 || strings.TrimSpace(tag.Text()) != "Overdue" {
		t.Errorf("overdue tag: %d tags, text %q", tag.Length(), tag.Text())
	}
}

func TestSummaryListEscapesValues(t *testing.T) {
	html := renderHTML(t, SummaryList(SummaryListProps{
		ID: "commitment",
		Rows: []SummaryRow{
			{Key: "Title", Value: Text(xss)},
			{Key: xss, Value: SummaryAnswer(xss), Action: &Link{Text: "Change", Href: "/commitments/1/edit"}},
			{Key: "Status", Value: StatusTag("on_track")},
			{Key: "Nothing"},
		},
	}))
	if strings.Contains(html, "<script") {
		t.Fatalf("user text was not escaped: %s", html)
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("escaped text missing: %s", html)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(html))
	if n := doc.Find("ul.ds_summary-list > li.ds_summary-list__item").Length(); n != 4 {
		t.Errorf("%d rows, want 4", n)
	}
	if got := doc.Find(".ds_summary-list__key").First().Text(); got != "Title" {
		t.Errorf("first key %q", got)
	}
	if doc.Find(".ds_summary-list__value strong.ds_tag--green").Length() != 1 {
		t.Error("component value not rendered")
	}
	action := doc.Find(".ds_summary-list__actions a")
	if action.Length() != 1 {
		t.Fatalf("%d actions, want 1", action.Length())
	}
	described, _ := action.Attr("aria-describedby")
	if doc.Find("#"+described+".ds_summary-list__key").Length() != 1 {
		t.Errorf("action describedby %q names no key", described)
	}
	if href, _ := action.Attr("href"); href != "/commitments/1/edit" {
		t.Errorf("action href %q", href)
	}
}

func TestErrorSummary(t *testing.T) {
	if html := renderHTML(t, ErrorSummary(nil)); strings.TrimSpace(html) != "" {
		t.Errorf("no errors rendered %q", html)
	}
	errs := []FieldError{
		{Field: "title", Message: "Enter a title"},
		{Field: "summary", Message: "Summary must be 500 characters or fewer"},
		{Field: "status", Message: xss},
	}
	form := templ.Join(
		ErrorSummary(errs),
		TextInput(TextInputProps{Field: Field{ID: "title", Label: "Title", Error: ErrorFor(errs, "title")}}),
		Textarea(TextareaProps{Field: Field{ID: "summary", Label: "Summary", Error: ErrorFor(errs, "summary")}, MaxLength: 500}),
		Radios(RadiosProps{Field: Field{ID: "status", Label: "Status", Error: ErrorFor(errs, "status")}, Options: []Option{{Value: "on_track", Text: "On track"}, {Value: "delayed", Text: "Delayed"}}}),
	)
	html := renderHTML(t, form)
	if strings.Contains(html, "<script") {
		t.Fatal("error message not escaped")
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(html))
	summary := doc.Find("div.ds_error-summary#error-summary")
	if summary.Length() != 1 {
		t.Fatal("no error summary")
	}
	if v, _ := summary.Attr("tabindex"); v != "-1" {
		t.Errorf("tabindex %q, want -1", v)
	}
	if v, _ := summary.Attr("role"); v != "alert" {
		t.Errorf("role %q, want alert", v)
	}
	labelledBy, _ := summary.Attr("aria-labelledby")
	if doc.Find("#"+labelledBy).Text() != "There is a problem" {
		t.Errorf("aria-labelledby %q does not name the title", labelledBy)
	}
	links := summary.Find("ul.ds_error-summary__list a")
	if links.Length() != len(errs) {
		t.Fatalf("%d links, want %d", links.Length(), len(errs))
	}
	links.Each(func(i int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if href != "#"+errs[i].Field {
			t.Errorf("link %d href %q, want #%s", i, href, errs[i].Field)
		}
		target := doc.Find(href)
		if target.Length() != 1 || !target.Is("input, textarea, select") {
			t.Errorf("link %d: %s is not a form field", i, href)
		}
		if a.Text() != errs[i].Message {
			t.Errorf("link %d text %q", i, a.Text())
		}
	})
	// Each field shows its message and refers to it.
	for _, e := range errs {
		msg := doc.Find("#error-message-" + e.Field)
		if !msg.Is("p.ds_question__error-message") || msg.Text() != e.Message {
			t.Errorf("%s: error message %q", e.Field, msg.Text())
		}
	}
	if v, _ := doc.Find("#title").Attr("aria-invalid"); v != "true" {
		t.Error("title not marked invalid")
	}
	if doc.Find("#title").HasClass("ds_input--error") != true {
		t.Error("title has no error class")
	}
	if doc.Find(".ds_question--error").Length() != 3 {
		t.Errorf("%d questions in error, want 3", doc.Find(".ds_question--error").Length())
	}
}

func TestFieldErrorMessageEmpty(t *testing.T) {
	if html := renderHTML(t, FieldErrorMessage("x", "")); strings.TrimSpace(html) != "" {
		t.Errorf("empty message rendered %q", html)
	}
}

// checkDescribedBy fails when an aria-describedby names an element that is
// not in the document.
func checkDescribedBy(t *testing.T, doc *goquery.Document) {
	t.Helper()
	doc.Find("[aria-describedby]").Each(func(_ int, s *goquery.Selection) {
		ids, _ := s.Attr("aria-describedby")
		for _, id := range strings.Fields(ids) {
			if doc.Find("#"+id).Length() != 1 {
				t.Errorf("aria-describedby names %q, which is not on the page", id)
			}
		}
	})
	doc.Find("label[for]").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("for")
		if doc.Find("#"+id).Length() != 1 {
			t.Errorf("label for %q has no field", id)
		}
	})
}

func TestTextInputKeepsValue(t *testing.T) {
	doc := render(t, TextInput(TextInputProps{
		Field: Field{ID: "lead", Name: "lead_org", Label: "Lead organisation", Hint: "For example, NHS 24", Value: `A "quoted" <b>value</b>`, Error: "Too long"},
		Width: "fixed-20", Autocomplete: "organization",
	}))
	in := doc.Find("input#lead")
	checks := map[string]string{
		"name":         "lead_org",
		"type":         "text",
		"value":        `A "quoted" <b>value</b>`,
		"autocomplete": "organization",
		"aria-invalid": "true",
	}
	for attr, want := range checks {
		if got, _ := in.Attr(attr); got != want {
			t.Errorf("%s = %q, want %q", attr, got, want)
		}
	}
	if class, _ := in.Attr("class"); class != "ds_input ds_input--error ds_input--fixed-20" {
		t.Errorf("class %q", class)
	}
	if got, _ := in.Attr("aria-describedby"); got != "hint-text-lead error-message-lead" {
		t.Errorf("aria-describedby %q", got)
	}
	if doc.Find("label.ds_label[for=lead]").Text() != "Lead organisation" {
		t.Error("label missing")
	}
	checkDescribedBy(t, doc)

	plain := render(t, TextInput(TextInputProps{Field: Field{ID: "q", Label: "Search"}}))
	if _, ok := plain.Find("input").Attr("aria-describedby"); ok {
		t.Error("aria-describedby without hint or error")
	}
	if _, ok := plain.Find("input").Attr("aria-invalid"); ok {
		t.Error("aria-invalid without error")
	}
	if got, _ := plain.Find("input").Attr("name"); got != "q" {
		t.Errorf("name defaults to %q, want the id", got)
	}
}

func TestTextareaCharacterCount(t *testing.T) {
	doc := render(t, Textarea(TextareaProps{
		Field:     Field{ID: "summary", Label: "Summary", Hint: "What has happened since the last update", Value: "Line one\n" + xss},
		MaxLength: 500,
		Threshold: 75,
	}))
	wrapper := doc.Find(`[data-module="ds-character-count"]`)
	if wrapper.Length() != 1 {
		t.Fatal("no character count wrapper")
	}
	if v, _ := wrapper.Attr("data-maxlength"); v != "500" {
		t.Errorf("data-maxlength %q", v)
	}
	if v, _ := wrapper.Attr("data-threshold"); v != "75" {
		t.Errorf("data-threshold %q", v)
	}
	ta := wrapper.Find("textarea#summary")
	if ta.Text() != "Line one\n"+xss {
		t.Errorf("textarea value %q", ta.Text())
	}
	if _, ok := ta.Attr("maxlength"); ok {
		t.Error("maxlength would cut off pasted text without warning")
	}
	// Without JavaScript the count is as the server counted it when it served the page.
	hint := wrapper.Find("#character-count-summary")
	want := fmt.Sprintf("You have %d characters remaining", 500-tracker.TextLength("Line one\n"+xss))
	if strings.TrimSpace(hint.Text()) != want {
		t.Errorf("count hint %q, want %q", hint.Text(), want)
	}
	if got, _ := ta.Attr("aria-describedby"); got != "hint-text-summary character-count-summary" {
		t.Errorf("aria-describedby %q", got)
	}
	checkDescribedBy(t, doc)

	for value, want := range map[string]string{
		"":                      "You can enter up to 10 characters",
		"  ":                    "You can enter up to 10 characters",
		"123456789":             "You have 1 character remaining",
		"123\r\n6789\r\n0":      "You have 0 characters remaining",
		"12345678901":           "You have 1 character too many",
		strings.Repeat("é", 15): "You have 5 characters too many",
	} {
		doc := render(t, Textarea(TextareaProps{Field: Field{ID: "n", Label: "N", Value: value}, MaxLength: 10}))
		if got := strings.TrimSpace(doc.Find("#character-count-n").Text()); got != want {
			t.Errorf("count for %q = %q, want %q", value, got, want)
		}
	}

	plain := render(t, Textarea(TextareaProps{Field: Field{ID: "notes", Label: "Notes"}}))
	if plain.Find(`[data-module="ds-character-count"]`).Length() != 0 {
		t.Error("character count without MaxLength")
	}
	if v, _ := plain.Find("textarea").Attr("rows"); v != "5" {
		t.Errorf("rows %q", v)
	}
}

func TestRadios(t *testing.T) {
	doc := render(t, Radios(RadiosProps{
		Field: Field{ID: "status", Label: "Status", Hint: "Choose one", Value: "delayed"},
		Options: []Option{
			{Value: "on_track", Text: "On track"},
			{Value: "delayed", Text: "Delayed", Hint: "Will miss the target date"},
			{Value: "delivered", Text: "Delivered"},
		},
		Inline: false,
	}))
	fs := doc.Find("fieldset.ds_question")
	if fs.Find("legend").Text() != "Status" {
		t.Error("legend missing")
	}
	inputs := fs.Find(".ds_radios.ds_field-group input.ds_radio__input[type=radio]")
	if inputs.Length() != 3 {
		t.Fatalf("%d radios", inputs.Length())
	}
	if id, _ := inputs.First().Attr("id"); id != "status" {
		t.Errorf("first radio id %q, want the field id", id)
	}
	checked := doc.Find("input[checked]")
	if checked.Length() != 1 || checked.AttrOr("value", "") != "delayed" {
		t.Errorf("checked: %d, value %q", checked.Length(), checked.AttrOr("value", ""))
	}
	inputs.Each(func(_ int, s *goquery.Selection) {
		if s.AttrOr("name", "") != "status" {
			t.Errorf("radio name %q", s.AttrOr("name", ""))
		}
	})
	checkDescribedBy(t, doc)
}

func TestSelect(t *testing.T) {
	doc := render(t, Select(SelectProps{
		Field:   Field{ID: "portfolio", Label: "Portfolio", Value: "b"},
		Options: []Option{{Value: "", Text: "All portfolios"}, {Value: "a", Text: "A"}, {Value: "b", Text: "B"}},
	}))
	sel := doc.Find(".ds_select-wrapper select.ds_select#portfolio")
	if sel.Length() != 1 {
		t.Fatal("no select")
	}
	selected := sel.Find("option[selected]")
	if selected.Length() != 1 || selected.Text() != "B" {
		t.Errorf("selected %d %q", selected.Length(), selected.Text())
	}
	checkDescribedBy(t, doc)
}

func TestMonthYearInput(t *testing.T) {
	doc := render(t, MonthYearInput(MonthYearProps{
		Field: Field{ID: "target", Name: "target", Label: "Target date", Hint: "For example, 3 2027", Error: "Enter a real month"},
		Month: "13", Year: "2027",
	}))
	month, year := doc.Find("input#target"), doc.Find("input#target-year")
	if month.AttrOr("name", "") != "target-month" || month.AttrOr("value", "") != "13" {
		t.Errorf("month input %v", month.Nodes)
	}
	if year.AttrOr("name", "") != "target-year" || year.AttrOr("value", "") != "2027" {
		t.Errorf("year input %v", year.Nodes)
	}
	named := render(t, MonthYearInput(MonthYearProps{Field: Field{ID: "due_month", Label: "Due"},
		MonthName: "due_month", YearName: "due_year", YearID: "due_year"}))
	if named.Find("input#due_month").AttrOr("name", "") != "due_month" || named.Find("input#due_year").AttrOr("name", "") != "due_year" ||
		named.Find(`label[for="due_year"]`).Length() != 1 {
		t.Errorf("named month and year inputs: %d inputs", named.Find("input").Length())
	}
	if month.AttrOr("inputmode", "") != "numeric" {
		t.Error("month not numeric")
	}
	if doc.Find("fieldset.ds_question--error legend").Text() != "Target date" {
		t.Error("legend missing")
	}
	checkDescribedBy(t, doc)
}
