package web

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// The parameters of the commitments finder, /commitments, and of its CSV and JSON exports.
const (
	ParamQuery     = "q"
	ParamPriority  = "priority"
	ParamStatus    = "status"
	ParamOrg       = "org"
	ParamDue       = "due"
	ParamOverdue   = "overdue"
	ParamUpdateDue = "update_due"
	ParamSort      = "sort"
	ParamPage      = "page"
	// StatusNone is the status parameter's value for commitments with no update yet.
	StatusNone = "none"
	// Yes is the value of a ticked yes/no filter, such as overdue=yes.
	Yes = "yes"
	// No is the overdue filter's value that leaves overdue commitments out.
	No = "no"
)

// FinderPerPage is how many commitments the finder shows on a page.
const FinderPerPage = 25

// FinderFilters is what a reader asked the commitments finder for, as they typed it.
type FinderFilters struct {
	Query    string
	Priority string   // a priority area's number
	Statuses []string // status values, StatusNone for no update yet
	Org      string   // an organisation's code
	Due      string   // a financial year such as "2024-25" or quarter such as "2024-25-q1"
	Overdue  bool
	// NotOverdue leaves out overdue commitments (overdue=no): the overview's count of each
	// status links to it, since an overdue commitment is counted as overdue instead.
	NotOverdue bool
	UpdateDue  bool
	Sort       string // "ref", "due", "updated" or "relevance"; empty for the default
	Page       int    // from 1; 0 means the first
}

// Values returns the filters as URL parameters, in a stable order, leaving out defaults.
func (f FinderFilters) Values() url.Values {
	v := url.Values{}
	if f.Query != "" {
		v.Set(ParamQuery, f.Query)
	}
	if f.Priority != "" {
		v.Set(ParamPriority, f.Priority)
	}
	for _, s := range f.Statuses {
		v.Add(ParamStatus, s)
	}
	if f.Org != "" {
		v.Set(ParamOrg, f.Org)
	}
	if f.Due != "" {
		v.Set(ParamDue, f.Due)
	}
	if f.Overdue {
		v.Set(ParamOverdue, Yes)
	} else if f.NotOverdue {
		v.Set(ParamOverdue, No)
	}
	if f.UpdateDue {
		v.Set(ParamUpdateDue, Yes)
	}
	if f.Sort != "" {
		v.Set(ParamSort, f.Sort)
	}
	if f.Page > 1 {
		v.Set(ParamPage, strconv.Itoa(f.Page))
	}
	return v
}

// QueryString returns the filters as a query string with its "?", or "" when there are none.
func (f FinderFilters) QueryString() string {
	if q := f.Values().Encode(); q != "" {
		return "?" + q
	}
	return ""
}

// Filtered reports whether any filter or search text narrows the list.
func (f FinderFilters) Filtered() bool {
	f.Sort, f.Page = "", 0
	return len(f.Values()) > 0
}

// Count returns how many filters narrow the list, not counting the search text: a filter of
// several statuses counts each.
func (f FinderFilters) Count() int {
	n := len(f.Statuses)
	for _, set := range []bool{f.Priority != "", f.Org != "", f.Due != "", f.Overdue, f.NotOverdue, f.UpdateDue} {
		if set {
			n++
		}
	}
	return n
}

// ActiveFilter is a filter in force, with the address of the same results without it.
type ActiveFilter struct {
	Group     string
	Label     string
	RemoveURL string
}

// FinderResult is a commitment as the finder lists it.
type FinderResult struct {
	CommitmentRow
	UpdateDue bool
}

// CommitmentsView is what the commitments finder shows.
type CommitmentsView struct {
	Plan tracker.Plan
	// Path is the finder's address for the plan.
	Path    string
	Filters FinderFilters
	Errors  []FieldError
	// The choices the filter form offers.
	PriorityOptions     []Option
	StatusOptions       []Option
	OrganisationOptions []Option
	DueOptions          []Option
	SortOptions         []Option
	Active              []ActiveFilter
	Results             []FinderResult
	Total               int
	// Page is the page shown, from 1; Pages is how many there are.
	Page, Pages int
}

// URL returns the finder's address with the filters.
func (v CommitmentsView) URL(f FinderFilters) string { return v.Path + f.QueryString() }

func (v CommitmentsView) pageURL(n int) string {
	f := v.Filters
	f.Page = n
	return v.URL(f)
}

// ExportURL returns the address of the results as CSV or JSON (ext "csv" or "json"): every
// result, not just this page.
func (v CommitmentsView) ExportURL(ext string) string {
	f := v.Filters
	f.Page = 0
	return v.Path + "." + ext + f.QueryString()
}

func (v CommitmentsView) first() int { return (v.Page-1)*FinderPerPage + 1 }

func (v CommitmentsView) last() int { return min(v.Page*FinderPerPage, v.Total) }

// filterErrors reports whether a filter has an error, which opens the folded filters.
func (v CommitmentsView) filterErrors() bool {
	for _, e := range v.Errors {
		if e.Field != "q" {
			return true
		}
	}
	return false
}

func (v CommitmentsView) statusChecked(value string) bool {
	return slices.Contains(v.Filters.Statuses, value)
}
