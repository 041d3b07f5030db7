package web

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// ServiceName is the name of the service, shown in the site header and at
// the end of every page title.
const ServiceName = "Delivery Tracker"

// Link is a link with its text.
type Link struct {
	Text string
	Href string
}

// AlternateLink is an alternative representation of the page, such as an
// Atom feed, declared in the document head.
type AlternateLink struct {
	Title string
	Href  string
	Type  string // defaults to "application/atom+xml"
}

func (a AlternateLink) contentType() string {
	if a.Type == "" {
		return "application/atom+xml"
	}
	return a.Type
}

// User is the signed-in user as the header shows them.
type User struct {
	Name string
	Role string // shown after the name, for example "Editor"; optional
}

// LayoutProps configures Layout, the frame of every page.
type LayoutProps struct {
	// Title names the page. The document title is "<Title> – Delivery
	// Tracker", or just the service name when Title is empty.
	Title string
	// Description says in a sentence or two what the page shows. It is the
	// page's meta description and its description when shared (Open Graph
	// and Twitter card); without it, the title and DefaultDescription.
	Description string
	// Canonical is the page's own address, absolute (from BASE_URL): the
	// canonical link and og:url. Public pages set it; the others leave it
	// empty.
	Canonical string
	// Prev and Next are the absolute addresses of the previous and next pages of a list shown a
	// page at a time, for rel="prev" and rel="next" links; empty at either end.
	Prev, Next string
	// NoIndex asks search engines not to index the page nor follow its
	// links: the pages of signed-in users and of signing in.
	NoIndex bool
	// CurrentPath is the request path, used to mark the current navigation
	// link.
	CurrentPath string
	// User is the signed-in user, or nil. Signed-out visitors see a sign-in
	// link; signed-in users see their name, UserLinks and a sign-out button.
	User *User
	// UserLinks are navigation links shown only to signed-in users, after the
	// public ones.
	UserLinks []Link
	// HideSignIn removes the sign-in link for signed-out visitors, for
	// example on the sign-in page itself.
	HideSignIn bool
	// Breadcrumbs, when set, are shown above the main content.
	Breadcrumbs []Breadcrumb
	// Flash is a success message shown in a notification banner, for example
	// after an update has been saved.
	Flash string
	// Notice is a message that is not good news, shown in a notification
	// banner, for example that the session ended.
	Notice string
	// Session, for a signed-in user, says how long their session lasts
	// unused: pages with a form warn before it ends (with JavaScript).
	Session *SessionTimes
	// Alternates are extra <link rel="alternate"> entries, such as Atom feeds.
	Alternates []AlternateLink
	// FeedbackURL is the feedback link in the phase banner. Without it the
	// banner asks for feedback without a link.
	FeedbackURL string
	// FooterLinks are shown at the top of the site footer, for example the
	// accessibility statement and privacy notice.
	FooterLinks []Link
	// PageURL is the page's own address in full (BASE_URL and the path). A
	// printed page gives it at its foot, and prints the full address of each
	// link, made from its origin.
	PageURL string
	// Made is when the page was made: a printed page gives its date at its
	// foot until the page's script puts the date of printing in its place.
	Made time.Time
}

// DefaultDescription describes the service, for a page that gives no
// description of its own.
const DefaultDescription = "Delivery Tracker follows Scotland's digital health and care delivery plan in the open: " +
	"what was promised, who leads each commitment and how far it has got."

// description is the page's description: its own, or one made from its
// title and DefaultDescription.
func (p LayoutProps) description() string {
	switch {
	case p.Description != "":
		return p.Description
	case p.Title != "":
		return p.Title + ". " + DefaultDescription
	}
	return DefaultDescription
}

// canonical is the page's canonical address, or "" for a page not to be
// indexed: a canonical link would tell search engines the opposite.
func (p LayoutProps) canonical() string {
	if p.NoIndex {
		return ""
	}
	return p.Canonical
}

// shareTitle is the page's title when shared: the page's own, or the
// service's name.
func (p LayoutProps) shareTitle() string {
	if p.Title == "" {
		return ServiceName
	}
	return p.Title
}

// SessionTimes are the times of a signed-in user's session that pages with a
// form tell the browser, so that it warns before the session ends unused and
// offers to keep it going.
type SessionTimes struct {
	// Idle is how long the session lasts unused.
	Idle time.Duration
	// Warn is how long before it ends the warning shows.
	Warn time.Duration
	// KeepAlive is where the warning's button sends a POST that keeps the
	// session going.
	KeepAlive string
}

func seconds(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }

// PublicLinks are the navigation links everyone sees.
var PublicLinks = []Link{
	{Text: "Overview", Href: "/"},
	{Text: "Commitments", Href: paths.CurrentCommitments},
	{Text: "Open data", Href: paths.Data},
}

func (p LayoutProps) documentTitle() string {
	if p.Title == "" {
		return ServiceName
	}
	return p.Title + " – " + ServiceName
}

func (p LayoutProps) navLinks() []Link {
	links := append([]Link(nil), PublicLinks...)
	if p.User != nil {
		links = append(links, p.UserLinks...)
	}
	return links
}

// isCurrent reports whether the navigation link href is the current section:
// "/" only matches the home page, other links also match the pages below them.
func isCurrent(href, current string) bool {
	if current == "" {
		return false
	}
	if href == "/" {
		return current == "/"
	}
	return current == href || strings.HasPrefix(current, strings.TrimSuffix(href, "/")+"/")
}

// Breadcrumb is one step of a breadcrumb trail. The last breadcrumb is the
// current page; its Href may be empty.
type Breadcrumb struct {
	Text string
	Href string
}

// FieldError is a validation error for one form field. Field is the id of
// the input the error summary links to.
type FieldError struct {
	Field   string
	Message string
}

// ErrorFor returns the message for the field with the given id, or "".
func ErrorFor(errs []FieldError, field string) string {
	for _, e := range errs {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// FormTitle is the title of a form page: title, marked "Error: " when the
// form came back with errors, so that a screen reader says so first.
func FormTitle(title string, errs []FieldError) string {
	if len(errs) > 0 {
		return "Error: " + title
	}
	return title
}

// SummaryRow is one key and value of a summary list.
type SummaryRow struct {
	Key   string
	Value templ.Component
	// Action is an optional link for the row, such as "Change".
	Action *Link
}

// SummaryListProps configures SummaryList.
type SummaryListProps struct {
	// ID prefixes the ids of row keys, which action links refer to. It must
	// be unique on the page when more than one summary list has actions.
	ID   string
	Rows []SummaryRow
	// NoBorder removes the lines between rows.
	NoBorder bool
}

func (p SummaryListProps) keyID(i int) string {
	id := p.ID
	if id == "" {
		id = "summary"
	}
	return id + "-" + strconv.Itoa(i+1) + "-key"
}

// NotificationBannerProps configures NotificationBanner.
type NotificationBannerProps struct {
	// Title is a visually hidden heading and the region name that tell screen
	// reader users what the banner is, for example "Important" or "Success".
	Title string
	// Success uses the green success style.
	Success bool
}

// PaginationProps configures Pagination. Pages are numbered from 1.
type PaginationProps struct {
	Current int
	Total   int
	// URL gives the address of a page.
	URL func(page int) string
	// Label is the navigation landmark's accessible name; defaults to
	// "Pagination".
	Label string
}

func (p PaginationProps) label() string {
	if p.Label == "" {
		return "Pagination"
	}
	return p.Label
}

// pageItem is one entry of a pagination list: a page number, or 0 for an
// ellipsis.
type pageItem int

// pageItems lists which page numbers to show: the first and last pages, the
// current page and its neighbours, with 0 standing for an ellipsis wherever
// more than one page is left out.
func pageItems(current, total int) []pageItem {
	if total < 1 {
		return nil
	}
	current = min(max(current, 1), total)
	var items []pageItem
	prev := 0
	for n := 1; n <= total; n++ {
		if n != 1 && n != total && (n < current-1 || n > current+1) {
			continue
		}
		switch gap := n - prev - 1; {
		case gap == 1 && prev > 0:
			// A gap of a single page shows that page, not an ellipsis.
			items = append(items, pageItem(n-1))
		case gap > 1:
			items = append(items, 0)
		}
		items = append(items, pageItem(n))
		prev = n
	}
	return items
}

// Field describes what every form field helper needs, so that a page can
// re-render a form with what the user typed and the errors found.
type Field struct {
	ID    string // id of the (first) input; error summary links point here
	Name  string // form field name; defaults to ID
	Label string // label, or legend for groups of inputs
	Hint  string
	Value string
	Error string
}

func (f Field) name() string {
	if f.Name == "" {
		return f.ID
	}
	return f.Name
}

func (f Field) hintID() string  { return "hint-text-" + f.ID }
func (f Field) errorID() string { return "error-message-" + f.ID }

// describedBy lists the ids of the hint and error message, with any extra
// ids, for aria-describedby.
func (f Field) describedBy(extra ...string) string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.hintID())
	}
	if f.Error != "" {
		ids = append(ids, f.errorID())
	}
	for _, id := range extra {
		if id != "" {
			ids = append(ids, id)
		}
	}
	return strings.Join(ids, " ")
}

func questionClass(err string) string {
	if err != "" {
		return "ds_question ds_question--error"
	}
	return "ds_question"
}

// TextInputProps configures TextInput.
type TextInputProps struct {
	Field
	// Type is the input type; defaults to "text".
	Type string
	// Width is a design system width modifier such as "fixed-10" or
	// "fluid-three-quarters"; empty means full width.
	Width        string
	Autocomplete string
	// Spellcheck, when false, turns spell checking off (for names, emails).
	Spellcheck *bool
}

func (p TextInputProps) inputType() string { return cmp.Or(p.Type, "text") }

func inputClass(err, width string) string {
	c := "ds_input"
	if err != "" {
		c += " ds_input--error"
	}
	if width != "" {
		c += " ds_input--" + width
	}
	return c
}

// TextareaProps configures Textarea.
type TextareaProps struct {
	Field
	// Rows defaults to 5.
	Rows int
	// MaxLength, when above zero, adds the design system character count.
	// The limit is not enforced by the browser: the server must check it.
	MaxLength int
	// Threshold is the percentage of MaxLength after which the live count
	// appears; 0 shows it from the start.
	Threshold int
}

func (p TextareaProps) rows() int {
	if p.Rows <= 0 {
		return 5
	}
	return p.Rows
}

func (p TextareaProps) countID() string { return "character-count-" + p.ID }

// countMessage is the character count as the page is served, so that it
// works without JavaScript: the limit while the field is empty, then how many
// characters are left or how many too many, counted as the server counts them.
func (p TextareaProps) countMessage() string {
	n := tracker.TextLength(strings.TrimSpace(p.Value))
	switch left := p.MaxLength - n; {
	case n == 0:
		return "You can enter up to " + strconv.Itoa(p.MaxLength) + " characters"
	case left == 1:
		return "You have 1 character remaining"
	case left >= 0:
		return "You have " + strconv.Itoa(left) + " characters remaining"
	case left == -1:
		return "You have 1 character too many"
	default:
		return "You have " + strconv.Itoa(-left) + " characters too many"
	}
}

// Option is one choice of a radio group or select.
type Option struct {
	Value string
	Text  string
	Hint  string // radios only
}

// RadiosProps configures Radios. Field.Value is the selected option.
type RadiosProps struct {
	Field
	Options []Option
	Inline  bool // options side by side, for two short options such as Yes/No
	Small   bool // smaller radio buttons
}

// optionID is the id of the i-th radio: the first takes the field's id so
// that error summary links land on it.
func optionID(fieldID string, i int) string {
	if i == 0 {
		return fieldID
	}
	return fieldID + "-" + strconv.Itoa(i+1)
}

// SelectProps configures Select. Field.Value is the selected option.
type SelectProps struct {
	Field
	Options []Option
	// Width is a design system width modifier such as "fixed-20".
	Width string
}

// MonthYearProps configures MonthYearInput, a month and year pair such as a
// target delivery date. The month input takes Field.ID; the year input takes
// Field.ID + "-year" unless YearID is set. The inputs are named
// Name + "-month" and Name + "-year" unless MonthName and YearName are set.
type MonthYearProps struct {
	Field
	Month string
	Year  string
	// MonthName, YearName and YearID, when set, name the inputs and give the
	// year input its id, for forms whose fields are named otherwise (such as
	// due_month and due_year).
	MonthName string
	YearName  string
	YearID    string
}

func (p MonthYearProps) yearID() string { return cmp.Or(p.YearID, p.ID+"-year") }

func (p MonthYearProps) monthName() string { return cmp.Or(p.MonthName, p.name()+"-month") }

func (p MonthYearProps) yearName() string { return cmp.Or(p.YearName, p.name()+"-year") }
