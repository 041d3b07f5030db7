package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestPageItems(t *testing.T) {
	tests := []struct {
		current, total int
		want           string
	}{
		{1, 1, "1"},
		{1, 2, "1 2"},
		{1, 5, "1 2 … 5"},
		{3, 5, "1 2 3 4 5"},
		{4, 10, "1 2 3 4 5 … 10"},
		{5, 10, "1 … 4 5 6 … 10"},
		{7, 10, "1 … 6 7 8 9 10"},
		{10, 10, "1 … 9 10"},
		{50, 10, "1 … 9 10"},
		{0, 3, "1 2 3"},
		{1, 0, ""},
	}
	for _, tt := range tests {
		var parts []string
		for _, it := range pageItems(tt.current, tt.total) {
			if it == 0 {
				parts = append(parts, "…")
			} else {
				parts = append(parts, fmt.Sprint(int(it)))
			}
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("pageItems(%d, %d) = %q, want %q", tt.current, tt.total, got, tt.want)
		}
	}
}

func pageURL(n int) string { return fmt.Sprintf("/commitments?page=%d&q=a+b", n) }

func TestPagination(t *testing.T) {
	doc := render(t, Pagination(PaginationProps{Current: 5, Total: 10, URL: pageURL}))
	nav := doc.Find(`nav.ds_pagination[aria-label="Pagination"]`)
	if nav.Length() != 1 {
		t.Fatal("no pagination nav")
	}
	current := nav.Find(`[aria-current="page"]`)
	if current.Length() != 1 {
		t.Fatalf("%d current pages", current.Length())
	}
	if !current.HasClass("ds_current") || strings.TrimSpace(current.Text()) != "5" || current.AttrOr("href", "") != pageURL(5) {
		t.Errorf("current page: %q %q", current.Text(), current.AttrOr("href", ""))
	}
	prev := nav.Find(`a[rel="prev"]`)
	if prev.AttrOr("href", "") != pageURL(4) || prev.AttrOr("aria-label", "") != "Previous page" {
		t.Errorf("previous: %q", prev.AttrOr("href", ""))
	}
	next := nav.Find(`a[rel="next"]`)
	if next.AttrOr("href", "") != pageURL(6) || next.AttrOr("aria-label", "") != "Next page" {
		t.Errorf("next: %q", next.AttrOr("href", ""))
	}
	if n := nav.Find(".ds_pagination__link--ellipsis").Length(); n != 2 {
		t.Errorf("%d ellipses, want 2", n)
	}
	nav.Find(".ds_pagination__link--ellipsis").Each(func(_ int, s *goquery.Selection) {
		if s.Parent().AttrOr("aria-hidden", "") != "true" {
			t.Error("ellipsis not hidden from screen readers")
		}
	})
	last := nav.Find(`a[aria-label="Last page, page 10"]`)
	if last.AttrOr("href", "") != pageURL(10) {
		t.Error("no last page link")
	}
	if nav.Find(`use`).Length() != 2 {
		t.Error("previous and next need their chevrons")
	}

	first := render(t, Pagination(PaginationProps{Current: 1, Total: 3, URL: pageURL}))
	if first.Find(`a[rel="prev"]`).Length() != 0 {
		t.Error("previous link on the first page")
	}
	if first.Find(`a[rel="next"]`).AttrOr("href", "") != pageURL(2) {
		t.Error("next link on the first page")
	}
	lastPage := render(t, Pagination(PaginationProps{Current: 3, Total: 3, URL: pageURL, Label: "Commitments pages"}))
	if lastPage.Find(`a[rel="next"]`).Length() != 0 {
		t.Error("next link on the last page")
	}
	if lastPage.Find(`nav[aria-label="Commitments pages"]`).Length() != 1 {
		t.Error("custom label not used")
	}
	if html := renderHTML(t, Pagination(PaginationProps{Current: 1, Total: 1, URL: pageURL})); strings.TrimSpace(html) != "" {
		t.Errorf("single page rendered %q", html)
	}
}

func TestBreadcrumbs(t *testing.T) {
	doc := render(t, Breadcrumbs([]Breadcrumb{
		{Text: "Overview", Href: "/"},
		{Text: "Commitments", Href: "/commitments"},
		{Text: xss},
	}))
	items := doc.Find(`nav[aria-label="Breadcrumb"] ol.ds_breadcrumbs li.ds_breadcrumbs__item`)
	if items.Length() != 3 {
		t.Fatalf("%d items", items.Length())
	}
	if items.Find("a.ds_breadcrumbs__link").Length() != 2 {
		t.Error("want links on all but the current page")
	}
	last := items.Last()
	if last.AttrOr("aria-current", "") != "page" || last.Find("a").Length() != 0 {
		t.Error("current page should be marked and not linked")
	}
	if doc.Find("script").Length() != 0 {
		t.Error("breadcrumb text not escaped")
	}
	if html := renderHTML(t, Breadcrumbs(nil)); strings.TrimSpace(html) != "" {
		t.Errorf("empty breadcrumbs rendered %q", html)
	}
}

func TestNotificationBanner(t *testing.T) {
	doc := render(t, withChildren(NotificationBanner(NotificationBannerProps{Title: "Success", Success: true}), "<p>Saved</p>"))
	b := doc.Find("div.ds_notification.ds_notification--success")
	if b.Length() != 1 {
		t.Fatal("no success banner")
	}
	if b.AttrOr("role", "") != "region" || b.AttrOr("aria-label", "") != "Success" {
		t.Error("a titled banner should be a named region")
	}
	if b.Find("h2.visually-hidden").Text() != "Success" {
		t.Error("hidden title missing")
	}
	if b.Find(".ds_notification__text p").Text() != "Saved" {
		t.Error("children missing")
	}
	plain := render(t, withChildren(NotificationBanner(NotificationBannerProps{}), "<p>Notice</p>"))
	if plain.Find(".ds_notification--success, .ds_notification__icon, h2").Length() != 0 {
		t.Error("plain banner has success parts")
	}
}

func TestInsetTextAndDetails(t *testing.T) {
	doc := render(t, withChildren(InsetText(), "<p>Note</p>"))
	if doc.Find(".ds_inset-text .ds_inset-text__text p").Text() != "Note" {
		t.Error("inset text")
	}
	doc = render(t, withChildren(Details(xss), "<p>More</p>"))
	if doc.Find("details.ds_details summary.ds_details__summary").Text() != xss {
		t.Error("details summary")
	}
	if doc.Find("details .ds_details__text p").Text() != "More" {
		t.Error("details text")
	}
}

func TestPageHeader(t *testing.T) {
	doc := render(t, withChildren(PageHeader(xss, "Commitment"), `<strong class="ds_tag">On track</strong>`))
	h := doc.Find("header.ds_page-header")
	if h.Find("h1.ds_page-header__title").Text() != xss {
		t.Error("title missing or not escaped")
	}
	if h.Find(".ds_page-header__label.ds_content-label").Text() != "Commitment" {
		t.Error("label missing")
	}
	if h.Find(".ds_tag").Length() != 1 {
		t.Error("children missing")
	}
	if render(t, PageHeader("T", "")).Find(".ds_page-header__label").Length() != 0 {
		t.Error("empty label rendered")
	}
}
