package web

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func page(p LayoutProps, content string) templ.Component {
	return withChildren(Layout(p), content)
}

func TestLayoutHead(t *testing.T) {
	doc := render(t, page(LayoutProps{
		Title:       "Commitments",
		Description: "All commitments",
		Alternates: []AlternateLink{
			{Title: "Updates to all commitments", Href: "/updates.atom"},
			{Title: "CSV", Href: "/data/commitments.csv", Type: "text/csv"},
		},
	}, "<h1>Commitments</h1>"))

	if lang := doc.Find("html").AttrOr("lang", ""); lang != "en" {
		t.Errorf("lang %q", lang)
	}
	if title := doc.Find("head title").Text(); title != "Commitments – Delivery Tracker" {
		t.Errorf("title %q", title)
	}
	if d := doc.Find(`meta[name="description"]`).AttrOr("content", ""); d != "All commitments" {
		t.Errorf("description %q", d)
	}
	css := doc.Find(`link[rel="stylesheet"]`)
	if css.Length() != 2 || css.First().AttrOr("href", "") != AssetPath("ds/css/design-system.min.css") || css.Last().AttrOr("href", "") != AssetPath("app.css") {
		t.Errorf("stylesheets %v", css.Nodes)
	}
	feeds := doc.Find(`link[rel="alternate"]`)
	if feeds.Length() != 2 {
		t.Fatalf("%d alternates", feeds.Length())
	}
	if feeds.First().AttrOr("type", "") != "application/atom+xml" || feeds.First().AttrOr("href", "") != "/updates.atom" || feeds.First().AttrOr("title", "") != "Updates to all commitments" {
		t.Error("atom alternate wrong")
	}
	if feeds.Last().AttrOr("type", "") != "text/csv" {
		t.Error("alternate type not kept")
	}
	scripts := doc.Find("script")
	if scripts.Length() != 2 {
		t.Fatalf("%d scripts", scripts.Length())
	}
	if scripts.First().AttrOr("src", "") != AssetPath("ds/scripts/design-system.js") || scripts.Last().AttrOr("src", "") != AssetPath("app.js") {
		t.Error("scripts should be the design system then app.js")
	}
	scripts.Each(func(_ int, s *goquery.Selection) {
		if s.AttrOr("type", "") != "module" {
			t.Errorf("script %s is not a deferred module", s.AttrOr("src", ""))
		}
	})
	// Every URL in the head that points at /static/ is versioned and embedded.
	doc.Find("link[href^='/static/'], script[src^='/static/']").Each(func(_ int, s *goquery.Selection) {
		u := s.AttrOr("href", s.AttrOr("src", ""))
		name, v, ok := strings.Cut(strings.TrimPrefix(u, "/static/"), "?v=")
		if a, found := assets()[name]; !ok || !found || a.version() != v {
			t.Errorf("%s is not a versioned embedded asset", u)
		}
	})

	bare := render(t, page(LayoutProps{}, ""))
	if title := bare.Find("title").Text(); title != "Delivery Tracker" {
		t.Errorf("title without a page title %q", title)
	}
	if bare.Find(`link[rel="alternate"], link[rel="canonical"], meta[name="robots"], meta[property="og:url"]`).Length() != 0 {
		t.Error("optional head entries rendered")
	}
	if d := bare.Find(`meta[name="description"]`).AttrOr("content", ""); d != DefaultDescription {
		t.Errorf("description without one of the page's own %q, want the default", d)
	}
}

func TestLayoutSharingAndIndexing(t *testing.T) {
	content := func(doc *goquery.Document, sel string) string { return doc.Find(sel).AttrOr("content", "") }
	doc := render(t, page(LayoutProps{Title: "Commitment 4.2", Description: "What 4.2 delivers.",
		Canonical: "https://example.com/commitments/4.2"}, ""))
	want := map[string]string{
		`meta[property="og:title"]`:        "Commitment 4.2",
		`meta[property="og:description"]`:  "What 4.2 delivers.",
		`meta[property="og:url"]`:          "https://example.com/commitments/4.2",
		`meta[property="og:type"]`:         "website",
		`meta[property="og:site_name"]`:    ServiceName,
		`meta[property="og:locale"]`:       "en_GB",
		`meta[name="twitter:card"]`:        "summary",
		`meta[name="twitter:title"]`:       "Commitment 4.2",
		`meta[name="twitter:description"]`: "What 4.2 delivers.",
	}
	for sel, v := range want {
		if got := content(doc, sel); got != v {
			t.Errorf("%s = %q, want %q", sel, got, v)
		}
	}
	if got := doc.Find(`link[rel="canonical"]`).AttrOr("href", ""); got != "https://example.com/commitments/4.2" {
		t.Errorf("canonical %q", got)
	}
	if doc.Find(`meta[name="robots"]`).Length() != 0 {
		t.Error("an indexable page says noindex")
	}

	private := render(t, page(LayoutProps{Title: "Your account", Canonical: "https://example.com/account", NoIndex: true}, ""))
	if got := content(private, `meta[name="description"]`); got != "Your account. "+DefaultDescription {
		t.Errorf("description of a page without one %q, want its title and the service's", got)
	}
	if got := content(private, `meta[name="robots"]`); got != "noindex, nofollow" {
		t.Errorf("robots %q, want noindex, nofollow", got)
	}
	if private.Find(`link[rel="canonical"], meta[property="og:url"]`).Length() != 0 {
		t.Error("a page not to be indexed names a canonical address")
	}
}

func TestLayoutStructure(t *testing.T) {
	doc := render(t, page(LayoutProps{Title: "Overview", CurrentPath: "/"}, "<h1>Overview</h1>"))

	skip := doc.Find("body > .ds_skip-links a.ds_skip-links__link")
	if skip.Length() != 1 || skip.Text() != "Skip to main content" {
		t.Fatal("no skip link first in the body")
	}
	target := strings.TrimPrefix(skip.AttrOr("href", ""), "#")
	if main := doc.Find("#" + target); main.Length() != 1 || !main.Is("main") {
		t.Errorf("skip link target #%s is not the main element", target)
	}
	if doc.Find("main").Length() != 1 || doc.Find("main h1").Text() != "Overview" {
		t.Error("content not in the one main element")
	}

	header := doc.Find("header.ds_site-header")
	home := header.Find(".ds_site-branding a.ds_site-branding__link")
	if home.Text() != "Delivery Tracker" || home.AttrOr("href", "") != "/" {
		t.Errorf("service name link %q %q", home.Text(), home.AttrOr("href", ""))
	}
	phase := header.Find(".ds_phase-banner")
	if phase.Find("strong.ds_tag").Text() != "Beta" || !strings.Contains(phase.Text(), "feedback will help us to improve it") {
		t.Errorf("phase banner %q", phase.Text())
	}
	if phase.Find("a").Length() != 0 {
		t.Error("feedback link without a FeedbackURL")
	}

	nav := header.Find(".ds_site-header__navigation nav.ds_site-navigation")
	var texts, hrefs []string
	nav.Find("a.ds_site-navigation__link").Each(func(_ int, a *goquery.Selection) {
		texts = append(texts, a.Text())
		hrefs = append(hrefs, a.AttrOr("href", ""))
	})
	if strings.Join(texts, "|") != "Overview|Commitments|Open data|Sign in" || strings.Join(hrefs, "|") != "/|/commitments|/data|/sign-in" {
		t.Errorf("navigation %v %v", texts, hrefs)
	}
	if cur := nav.Find(`li[aria-current="page"] a.ds_current`); cur.Length() != 1 || cur.Text() != "Overview" {
		t.Errorf("current link %q", cur.Text())
	}
	if header.Find("form").Length() != 0 || doc.Find(".app-site-header__user").Length() != 0 {
		t.Error("signed-out page shows sign-out form or user")
	}
	// The mobile menu works without JavaScript: a checkbox toggles it.
	if header.Find(`label.js-toggle-menu[for="menu"]`).Length() != 1 || header.Find(`input#menu[type="checkbox"] ~ nav.ds_site-navigation--mobile`).Length() != 1 {
		t.Error("mobile menu toggle missing")
	}

	footer := doc.Find("footer.ds_site-footer")
	if !strings.Contains(footer.Text(), "Contains public sector information licensed under the Open Government Licence v3.0.") {
		t.Errorf("attribution missing: %q", footer.Text())
	}
	if !strings.Contains(footer.Text(), "© Crown copyright") {
		t.Error("Crown copyright missing")
	}
	ogl := footer.Find(`a[href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"]`)
	if ogl.Length() != 2 {
		t.Errorf("%d licence links, want logo and text", ogl.Length())
	}
	if img := footer.Find(".ds_site-footer__copyright-logo img"); img.AttrOr("alt", "") != "Open Government Licence" || img.AttrOr("src", "") != AssetPath("images/ogl.svg") {
		t.Error("licence logo missing")
	}
	if footer.Find(".ds_site-footer__site-items").Length() != 0 {
		t.Error("footer links without FooterLinks")
	}
	if doc.Find(".ds_notification, nav[aria-label='Breadcrumb']").Length() != 0 {
		t.Error("flash or breadcrumbs without props")
	}
}

func TestLayoutCurrentSection(t *testing.T) {
	for path, want := range map[string]string{
		"/":                  "Overview",
		"/commitments":       "Commitments",
		"/commitments/42":    "Commitments",
		"/data":              "Open data",
		"/data/commitments":  "Open data",
		"/database":          "",
		"/commitmentsx":      "",
		"/sign-in":           "Sign in",
		"/something-else/12": "",
	} {
		doc := render(t, page(LayoutProps{CurrentPath: path}, ""))
		cur := doc.Find(".ds_site-header__navigation a.ds_current")
		if got := cur.Text(); got != want {
			t.Errorf("%s: current %q, want %q", path, got, want)
		}
	}
}

func TestLayoutSignedIn(t *testing.T) {
	doc := render(t, page(LayoutProps{
		Title:       "Edit commitment",
		CurrentPath: "/manage/updates",
		User:        &User{Name: "Morag <b>MacLeod</b>", Role: "Editor"},
		UserLinks:   []Link{{Text: "Your updates", Href: "/manage/updates"}},
		Flash:       "Your update has been saved " + xss,
		Breadcrumbs: []Breadcrumb{{Text: "Overview", Href: "/"}, {Text: "Edit commitment"}},
		FeedbackURL: "/feedback",
		FooterLinks: []Link{{Text: "Accessibility", Href: "/accessibility"}},
	}, "<h1>Edit</h1>"))

	user := doc.Find(".app-site-header__user")
	if !strings.Contains(user.Text(), "Signed in as Morag <b>MacLeod</b>") || !strings.Contains(user.Text(), "(Editor)") {
		t.Errorf("user %q", user.Text())
	}
	if user.Find("b").Length() != 0 {
		t.Error("user name not escaped")
	}
	nav := doc.Find(".ds_site-header__navigation nav")
	if a := nav.Find(`a[href="/manage/updates"]`); a.Text() != "Your updates" || !a.HasClass("ds_current") {
		t.Error("user link missing or not current")
	}
	if nav.Find(`a[href="/sign-in"]`).Length() != 0 {
		t.Error("sign-in link while signed in")
	}
	form := nav.Find("form")
	if form.AttrOr("method", "") != "post" || form.AttrOr("action", "") != "/sign-out" {
		t.Errorf("sign-out form method %q action %q", form.AttrOr("method", ""), form.AttrOr("action", ""))
	}
	if b := form.Find(`button[type="submit"]`); b.Text() != "Sign out" {
		t.Error("sign-out button missing")
	}
	if form.Find("input").Length() != 0 {
		t.Error("sign-out form needs no token field")
	}

	flash := doc.Find(".ds_page__top .ds_notification.ds_notification--success")
	if !strings.Contains(flash.Text(), "Your update has been saved") {
		t.Errorf("flash %q", flash.Text())
	}
	if doc.Find("body script:not([src])").Length() != 0 || flash.Find("script").Length() != 0 {
		t.Error("flash not escaped")
	}
	crumbs := doc.Find(".ds_page__middle nav[aria-label='Breadcrumb'] li")
	if crumbs.Length() != 2 || crumbs.Last().AttrOr("aria-current", "") != "page" {
		t.Error("breadcrumbs missing")
	}
	if doc.Find(".ds_phase-banner a[href='/feedback']").Text() != "feedback" {
		t.Error("feedback link missing")
	}
	if doc.Find(".ds_site-footer__site-items a[href='/accessibility']").Text() != "Accessibility" {
		t.Error("footer link missing")
	}

	hidden := render(t, page(LayoutProps{HideSignIn: true}, ""))
	if hidden.Find(`a[href="/sign-in"]`).Length() != 0 {
		t.Error("HideSignIn ignored")
	}
	hiddenLinks := render(t, page(LayoutProps{UserLinks: []Link{{Text: "Manage", Href: "/manage"}}}, ""))
	if hiddenLinks.Find(`a[href="/manage"]`).Length() != 0 {
		t.Error("user links shown to a signed-out visitor")
	}
}

func TestErrorPages(t *testing.T) {
	tests := []struct {
		name  string
		c     templ.Component
		title string
	}{
		{"not found", NotFoundPage(LayoutProps{}), "Page not found"},
		{"service error", ServiceErrorPage(LayoutProps{}, "req-123"), "Sorry, there is a problem with the service"},
		{"unavailable", ServiceUnavailablePage(LayoutProps{}), "Sorry, the service is unavailable"},
		{"forbidden", ForbiddenPage(LayoutProps{}), "You do not have permission to view this page"},
	}
	for _, tt := range tests {
		doc := render(t, tt.c)
		h1 := doc.Find("h1")
		if h1.Length() != 1 {
			t.Errorf("%s: %d h1 elements, want 1", tt.name, h1.Length())
		}
		if h1.Text() != tt.title {
			t.Errorf("%s: h1 %q, want %q", tt.name, h1.Text(), tt.title)
		}
		if got := doc.Find("title").Text(); got != tt.title+" – Delivery Tracker" {
			t.Errorf("%s: title %q", tt.name, got)
		}
		if doc.Find("main#main-content h1").Length() != 1 {
			t.Errorf("%s: h1 not in main", tt.name)
		}
	}
	doc := render(t, NotFoundPage(LayoutProps{}))
	if doc.Find(`main a[href="/"]`).Length() != 1 {
		t.Error("404 page has no link home")
	}
	doc = render(t, ServiceErrorPage(LayoutProps{}, xss))
	if ref := doc.Find("main .app-reference"); ref.Text() != xss {
		t.Errorf("reference %q", ref.Text())
	}
	if doc.Find("body script").Length() != 0 {
		t.Error("request id not escaped")
	}
	if strings.Contains(renderHTML(t, ServiceErrorPage(LayoutProps{}, "")), "quote reference") {
		t.Error("reference sentence without a request id")
	}
}

// allComponents renders one of everything, with every option switched on.
func allComponents() map[string]templ.Component {
	errs := []FieldError{{Field: "a", Message: "Enter a"}}
	return map[string]templ.Component{
		"layout": page(LayoutProps{
			Title: "T", CurrentPath: "/", User: &User{Name: "N", Role: "R"}, UserLinks: []Link{{Text: "M", Href: "/m"}},
			Flash: "Saved", Breadcrumbs: []Breadcrumb{{Text: "A", Href: "/"}, {Text: "B"}},
			Alternates: []AlternateLink{{Title: "F", Href: "/f.atom"}}, FeedbackURL: "/feedback",
			FooterLinks: []Link{{Text: "Privacy", Href: "/privacy"}},
		}, "<p>content</p>"),
		"layout signed out":  page(LayoutProps{}, ""),
		"not found":          NotFoundPage(LayoutProps{}),
		"service error":      ServiceErrorPage(LayoutProps{}, "abc"),
		"unavailable":        ServiceUnavailablePage(LayoutProps{}),
		"forbidden":          ForbiddenPage(LayoutProps{}),
		"status tag":         StatusTag("on_track"),
		"overdue tag":        OverdueTag(),
		"summary list":       SummaryList(SummaryListProps{Rows: []SummaryRow{{Key: "K", Value: SummaryAnswer("V"), Action: &Link{Text: "Change", Href: "/c"}}}}),
		"error summary":      ErrorSummary(errs),
		"field error":        FieldErrorMessage("a", "Enter a"),
		"notification":       withChildren(NotificationBanner(NotificationBannerProps{Title: "Success", Success: true}), "<p>x</p>"),
		"pagination":         Pagination(PaginationProps{Current: 2, Total: 9, URL: pageURL}),
		"breadcrumbs":        Breadcrumbs([]Breadcrumb{{Text: "A", Href: "/"}, {Text: "B"}}),
		"inset text":         withChildren(InsetText(), "<p>x</p>"),
		"details":            withChildren(Details("More"), "<p>x</p>"),
		"icon":               Icon("menu"),
		"page header":        withChildren(PageHeader("Title", "Label"), "<p>x</p>"),
		"text input":         TextInput(TextInputProps{Field: Field{ID: "a", Label: "A", Hint: "H", Value: "V", Error: "E"}, Width: "fixed-10", Autocomplete: "off"}),
		"textarea":           Textarea(TextareaProps{Field: Field{ID: "b", Label: "B", Hint: "H", Value: "V", Error: "E"}, MaxLength: 10, Threshold: 50}),
		"radios":             Radios(RadiosProps{Field: Field{ID: "c", Label: "C", Hint: "H", Value: "1", Error: "E"}, Options: []Option{{Value: "1", Text: "One", Hint: "h"}, {Value: "2", Text: "Two"}}, Inline: true, Small: true}),
		"select":             Select(SelectProps{Field: Field{ID: "d", Label: "D", Hint: "H", Value: "1", Error: "E"}, Options: []Option{{Value: "1", Text: "One"}}, Width: "fixed-20"}),
		"month year":         MonthYearInput(MonthYearProps{Field: Field{ID: "e", Label: "E", Hint: "H", Error: "E"}, Month: "1", Year: "2027"}),
		"text":               Text("x"),
		"summary answer":     SummaryAnswer("x"),
		"textarea no count":  Textarea(TextareaProps{Field: Field{ID: "f", Label: "F"}}),
		"radios plain":       Radios(RadiosProps{Field: Field{ID: "g", Label: "G"}, Options: []Option{{Value: "1", Text: "One"}}}),
		"notification plain": withChildren(NotificationBanner(NotificationBannerProps{}), "<p>x</p>"),
		"feedback form": FeedbackPage(LayoutProps{FeedbackURL: "/feedback"}, FeedbackView{Page: "/x", Useful: "no",
			Errors: []FieldError{{Field: "doing", Message: "E"}, {Field: "useful", Message: "E"}}}),
		"feedback thanks": FeedbackThanksPage(LayoutProps{}, FeedbackThanksView{Page: "/x"}),
		"feedback list": AdminFeedbackPage(LayoutProps{FeedbackURL: "/feedback?path=%2Fadmin%2Ffeedback", CurrentPath: "/admin/feedback"},
			AdminFeedbackView{Page: "/x", Typed: "/x", Feedback: []tracker.Feedback{{Page: "/x", Doing: "d"}, {WentWrong: "w"}}, Total: 30, Current: 1, Pages: 2}),
		"accessibility": AccessibilityPage(LayoutProps{}, InfoView{ContactEmail: "a@b.scot"}),
		"privacy":       PrivacyPage(LayoutProps{}, InfoView{ContactEmail: "a@b.scot"}),
		"cookies":       CookiesPage(LayoutProps{}, InfoView{Cookies: []CookieInfo{{Name: "n", Purpose: "p", Expires: "e"}}}),
		"contact":       ContactPage(LayoutProps{}, InfoView{ContactEmail: "a@b.scot", ResetAvailable: true}),
	}
}

// A strict Content-Security-Policy (script-src 'self', no 'unsafe-inline')
// is enforced, so no component may use inline script, event handler
// attributes, javascript: URLs or inline styles.
func TestNoInlineScript(t *testing.T) {
	for name, c := range allComponents() {
		doc := render(t, c)
		doc.Find("script").Each(func(_ int, s *goquery.Selection) {
			if _, ok := s.Attr("src"); !ok || strings.TrimSpace(s.Text()) != "" {
				t.Errorf("%s: inline script %q", name, s.Text())
			}
		})
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, a := range s.Nodes[0].Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") {
					t.Errorf("%s: event handler attribute %s=%q on <%s>", name, a.Key, a.Val, s.Nodes[0].Data)
				}
				if key == "style" {
					t.Errorf("%s: inline style on <%s>", name, s.Nodes[0].Data)
				}
				if (key == "href" || key == "src" || key == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					t.Errorf("%s: javascript: URL", name)
				}
			}
		})
		if doc.Find("style").Length() != 0 {
			t.Errorf("%s: inline style element", name)
		}
	}
}

// Ids must be unique on a page, and every id reference must resolve.
func TestIDsUniqueAndReferencesResolve(t *testing.T) {
	for name, c := range allComponents() {
		doc := render(t, c)
		seen := map[string]bool{}
		doc.Find("[id]").Each(func(_ int, s *goquery.Selection) {
			id := s.AttrOr("id", "")
			if seen[id] {
				t.Errorf("%s: duplicate id %q", name, id)
			}
			seen[id] = true
		})
		for _, attr := range []string{"aria-describedby", "aria-labelledby", "aria-controls", "for"} {
			doc.Find("[" + attr + "]").Each(func(_ int, s *goquery.Selection) {
				for _, id := range strings.Fields(s.AttrOr(attr, "")) {
					if !seen[id] {
						t.Errorf("%s: %s names missing id %q", name, attr, id)
					}
				}
			})
		}
	}
}

func TestUserLinkSanitised(t *testing.T) {
	doc := render(t, page(LayoutProps{User: &User{Name: "N"}, UserLinks: []Link{{Text: "Bad", Href: "javascript:alert(1)"}}}, ""))
	if href := doc.Find(".ds_site-header__navigation a:contains('Bad')").AttrOr("href", ""); strings.HasPrefix(href, "javascript:") {
		t.Errorf("javascript: link kept: %q", href)
	}
}
