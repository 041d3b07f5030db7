// Package web holds Delivery Tracker's look: the embedded static files and
// the templ components that render the Scottish Government Design System
// markup.
//
// # Static files
//
// web/static is embedded. web/static/ds is the built design system, copied
// from the pinned npm package by `make assets` and committed, so `go build`
// needs nothing but Go. web/static/app.css and app.js are the service's own.
//
// Mount StaticHandler at /static/ (with chi: r.Handle("/static/*", h)) and
// refer to files with AssetPath, which adds ?v=<content hash>:
//
//	<link rel="stylesheet" href={ web.AssetPath("app.css") }/>
//
// A URL whose v matches the file's hash is cached for a year as immutable; any
// other URL of the file (no v, or an old one) must be revalidated with its
// ETag. CSS, JS, SVG and other text files are sent gzip or brotli compressed
// when the client accepts it; each file is compressed once, on its first
// request. Files referred to by relative URL from CSS resolve because the
// path itself carries no hash.
//
// # Pages
//
// Every page renders inside Layout:
//
//	@web.Layout(web.LayoutProps{Title: "Commitments", CurrentPath: r.URL.Path}) {
//		@web.PageHeader("Commitments", "")
//		...
//	}
//
// Components take typed props and render design system markup with ds_ class
// names: StatusTag, OverdueTag, StatusesLink (to what the statuses mean, beside
// any status tags), SummaryList, ErrorSummary, FieldErrorMessage,
// NotificationBanner, Pagination, Breadcrumbs, InsetText, Details,
// PageHeader, and the form fields TextInput, Textarea (with character
// count), Radios, Select and MonthYearInput. Each form field takes a Field
// (id, name, label, hint, value, error) so a page can re-render what the user
// typed along with the errors found.
//
// No component writes inline script, inline style or event handler
// attributes, so the portal's Content-Security-Policy (script-src 'self',
// style-src 'self') holds. The design system's JavaScript is an ES module,
// loaded with app.js as <script type="module">, which runs after the page is
// parsed; pages work fully without it.
//
// Pages must work at 320 CSS pixels wide without scrolling sideways (the
// browser tests check). Put every ds_table in a TableScroll, so
// that a table wider than the screen scrolls within its box, and write
// visually hidden words of a link or button with their leading space as a Go
// string ({ " on commitment " + ref }), because templ drops white space at
// the start of an element.
package web
