package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// setDate fills in the day, month and year fields of the date input name.
func setDate(f url.Values, name, day, month, year string) {
	f.Set(name+"-day", day)
	f.Set(name+"-month", month)
	f.Set(name+"-year", year)
}

// dateParts returns the values of a date input's day, month and year fields, and which of them
// are marked wrong.
func dateParts(doc *goquery.Document, name string) (values, wrong []string) {
	for _, part := range []string{"day", "month", "year"} {
		in := doc.Find("#" + name + "-" + part)
		values = append(values, in.AttrOr("value", "?"))
		if in.AttrOr("aria-invalid", "") == "true" && in.HasClass("ds_input--error") {
			wrong = append(wrong, part)
		}
	}
	return values, wrong
}

// TestRoundDateInputs checks the round form's dates: the design system's date input, prefilled
// as its hint shows dates, and errors that say which part is wrong, mark only that part, keep
// what was typed, and link from the error summary to the first wrong field.
func TestRoundDateInputs(t *testing.T) {
	t.Parallel()
	app := newApp(t, withNow(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)))
	staffer := signIn(t, app, tracker.RoleStaff, "")

	rec, doc := staffer.get("/admin/rounds/new")
	mustStatus(t, "GET /admin/rounds/new", rec, http.StatusOK)
	for _, name := range []string{"opens", "deadline"} {
		fs := doc.Find("#" + name + "-day").Closest("fieldset")
		if got := text(fs.Find("legend")); got == "" {
			t.Errorf("%s: the date input has no legend", name)
		}
		if got := text(fs.Find(".ds_hint-text")); !strings.HasPrefix(got, "For example, 27 3 2027") {
			t.Errorf("%s: hint = %q", name, got)
		}
		if got := texts(fs.Find("label")); !slices.Equal(got, []string{"Day", "Month", "Year"}) {
			t.Errorf("%s: labels = %q", name, got)
		}
		if fs.Find(".ds_datepicker--multiple input[inputmode=numeric]").Length() != 3 {
			t.Errorf("%s: not the design system's three numeric fields", name)
		}
	}
	if got, _ := dateParts(doc, "opens"); !slices.Equal(got, []string{"6", "12", "2026"}) {
		t.Errorf("opens prefilled %q, want today as 6 12 2026, like the hint", got)
	}

	f := formOf(t, doc, "main form")
	f.Set("name", "Q3 2026-27")
	tests := []struct {
		name                 string
		opens, deadline      []string
		summary              []string
		hrefs                []string
		openWrong, deadWrong []string
	}{
		{"a month out of range", []string{"1", "10", "2026"}, []string{"15", "13", "2026"},
			[]string{"The deadline must be a real date"}, []string{"#deadline-month"}, nil, []string{"month"}},
		{"parts left out", []string{"", "10", ""}, []string{"15", "12", "26"},
			[]string{"The day the round opens must include a day and a year", "The deadline’s year must have 4 numbers, such as 2027"},
			[]string{"#opens-day", "#deadline-year"}, []string{"day", "year"}, []string{"year"}},
		{"no such day", []string{"31", "11", "2026"}, []string{"", "", ""},
			[]string{"The day the round opens must be a real date: November 2026 has 30 days", "Enter the deadline"},
			[]string{"#opens-day", "#deadline-day"}, []string{"day"}, []string{"day", "month", "year"}},
		{"deadline before opening", []string{"1", "10", "2026"}, []string{"30", "9", "2026"},
			[]string{"The deadline must be on or after the day the round opens, 1 October 2026"}, []string{"#deadline-day"}, nil, []string{"day", "month", "year"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setDate(f, "opens", tt.opens[0], tt.opens[1], tt.opens[2])
			setDate(f, "deadline", tt.deadline[0], tt.deadline[1], tt.deadline[2])
			rec, doc := staffer.postDoc("/admin/rounds/new", f)
			mustStatus(t, "open a round with "+tt.name, rec, http.StatusUnprocessableEntity)
			if got := texts(doc.Find(".ds_error-summary a")); !slices.Equal(got, tt.summary) {
				t.Errorf("error summary = %q, want %q", got, tt.summary)
			}
			var hrefs []string
			doc.Find(".ds_error-summary a").Each(func(_ int, a *goquery.Selection) { hrefs = append(hrefs, a.AttrOr("href", "")) })
			if !slices.Equal(hrefs, tt.hrefs) {
				t.Errorf("error summary links to %q, want %q", hrefs, tt.hrefs)
			}
			for _, d := range []struct {
				name        string
				typed, want []string
			}{{"opens", tt.opens, tt.openWrong}, {"deadline", tt.deadline, tt.deadWrong}} {
				values, wrong := dateParts(doc, d.name)
				if !slices.Equal(values, d.typed) {
					t.Errorf("%s shows %q, want what was typed, %q", d.name, values, d.typed)
				}
				if !slices.Equal(wrong, d.want) {
					t.Errorf("%s marks %q wrong, want %q", d.name, wrong, d.want)
				}
				fs := doc.Find("#" + d.name + "-day").Closest("fieldset")
				msg := fs.Find("#error-message-" + d.name)
				if (msg.Length() == 1) != (len(d.want) > 0) || (len(d.want) > 0 && !strings.Contains(fs.AttrOr("aria-describedby", ""), "error-message-"+d.name)) {
					t.Errorf("%s: inline message %q, fieldset described by %q", d.name, text(msg), fs.AttrOr("aria-describedby", ""))
				}
			}
		})
	}
	setDate(f, "opens", "1", "Oct", "2026")
	setDate(f, "deadline", "15", "12", "2026")
	rec = staffer.post("/admin/rounds/new", f)
	mustStatus(t, "open a round with good dates", rec, http.StatusSeeOther)
	roundPath := rec.Header().Get("Location")
	rec, doc = staffer.get(roundPath + "/edit")
	mustStatus(t, "GET the round's edit form", rec, http.StatusOK)
	if got, _ := dateParts(doc, "deadline"); !slices.Equal(got, []string{"15", "12", "2026"}) {
		t.Errorf("the edit form's deadline = %q, want 15 12 2026", got)
	}
	if doc.Find("#opens-day").Length() != 0 {
		t.Error("the edit form asks for the opening day again")
	}
}

// TestPlanDateInput checks the plan form's optional publication date.
func TestPlanDateInput(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	rec, doc := staffer.get("/admin/plans/2023-24/edit")
	mustStatus(t, "GET the plan form", rec, http.StatusOK)
	f := formOf(t, doc, "main form")
	setDate(f, "published_on", "4", "", "2023")
	rec, doc = staffer.postDoc("/admin/plans/2023-24/edit", f)
	mustStatus(t, "save a date without a month", rec, http.StatusUnprocessableEntity)
	if got := texts(doc.Find(".ds_error-summary a")); !slices.Equal(got, []string{"The publication date must include a month"}) {
		t.Errorf("error summary = %q", got)
	}
	if href := doc.Find(".ds_error-summary a").AttrOr("href", ""); href != "#published_on-month" {
		t.Errorf("the error links to %q", href)
	}
	if values, wrong := dateParts(doc, "published_on"); !slices.Equal(values, []string{"4", "", "2023"}) || !slices.Equal(wrong, []string{"month"}) {
		t.Errorf("the date shows %q with %q wrong", values, wrong)
	}
	setDate(f, "published_on", "4", "8", "2023")
	rec = staffer.post("/admin/plans/2023-24/edit", f)
	mustStatus(t, "save the date", rec, http.StatusSeeOther)
	_, doc = staffer.get("/admin/plans/2023-24/edit")
	if values, _ := dateParts(doc, "published_on"); !slices.Equal(values, []string{"4", "8", "2023"}) {
		t.Errorf("the saved date shows as %q", values)
	}
}
