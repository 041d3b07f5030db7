// Package paths is the one home of the portal's addresses: the route patterns the router
// registers and the functions that build a page's address for links, redirects, feeds and
// emails. The router, the views and the reminder emails all take their paths from here, and a
// test in internal/server walks the router to check that every builder names a real route.
package paths

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Addresses that take no parameters.
const (
	Home           = "/"
	Healthz        = "/healthz"
	Readyz         = "/readyz"
	Metrics        = "/metrics"
	Static         = "/static/*"
	PrintCSS       = "/print.css"
	Robots         = "/robots.txt"
	Sitemap        = "/sitemap.xml"
	SitemapParts   = "/sitemaps" // the parts of a sitemap too long for one file (SitemapPart)
	Data           = "/data"
	Statuses       = "/about/statuses"
	SignIn         = "/sign-in"
	SignOut        = "/sign-out"
	SetPassword    = "/set-password"
	ForgotPassword = "/forgot-password"
	Account        = "/account"
	AccountPwd     = "/account/password"
	KeepAlive      = "/account/keep-alive" // POST: keeps the session going (the idle warning's button)
	AccountEmails  = "/account/emails"
	ReportList     = "/report"
	ReviewList     = "/review"
	Dashboard      = "/dashboard"

	Accessibility  = "/accessibility"
	Privacy        = "/privacy"
	Cookies        = "/cookies"
	Contact        = "/contact"
	Feedback       = "/feedback"
	FeedbackThanks = "/feedback/thanks"

	AdminUsers         = "/admin/users"
	AdminNewUser       = "/admin/users/new"
	AdminAudit         = "/admin/audit"
	AdminAuditCSV      = "/admin/audit.csv"
	AdminPlans         = "/admin/plans"
	AdminNewPlan       = "/admin/plans/new"
	AdminOrganisations = "/admin/organisations"
	AdminNewOrg        = "/admin/organisations/new"
	AdminRounds        = "/admin/rounds"
	AdminNewRound      = "/admin/rounds/new"
	AdminOutbox        = "/admin/outbox"
	AdminFeedback      = "/admin/feedback"
	AdminFeedbackCSV   = "/admin/feedback.csv"
)

// Route patterns with parameters, as the router registers them. PlanPrefixPattern goes before a
// public pattern to give the same page of an older plan.
const (
	PlanPrefixPattern   = "/plans/{plan}"
	PriorityPattern     = "/priorities/{slug}"
	CommitmentPattern   = "/commitments/{ref}"
	OrganisationPattern = "/organisations/{code}"
	ReportPattern       = "/report/{ref}"
	ReportInPlanPattern = "/report/plans/{plan}/{ref}"
	ReplyPattern        = "/report/{ref}/reply"
	ReplyInPlanPattern  = "/report/plans/{plan}/{ref}/reply"
	ReviewPattern       = "/review/{id}"
	UserPattern         = "/admin/users/{id}"
	AdminPlanPattern    = "/admin/plans/{plan}"
	AdminPriorityPrefix = "/admin/priorities/{id}"
	AdminCommitPrefix   = "/admin/commitments/{id}"
	AdminOrgPrefix      = "/admin/organisations/{id}"
	AdminRoundPattern   = "/admin/rounds/{id}"
	AdminEmailPattern   = "/admin/outbox/{id}"
)

// Private are the addresses, with everything below them, that are not for search engines: the
// pages of signed-in users, signing in, the links of alert emails, the feedback form (one for
// every page), and the service's own health and metrics. robots.txt asks crawlers to keep out of
// them, and their responses are marked noindex.
var Private = []string{
	"/admin", Account, ReportList, ReviewList, Dashboard,
	SignIn, SignOut, SetPassword, ForgotPassword, "/alerts", Feedback,
	Healthz, Readyz, Metrics,
}

// IsPrivate reports whether path is one of Private or below one.
func IsPrivate(path string) bool {
	for _, p := range Private {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// planPrefix returns the path prefix of a plan's pages: none for the current plan, whose pages
// live at the root, and /plans/{slug} for the others, so that old plans keep stable addresses.
func planPrefix(p tracker.Plan) string {
	if p.IsCurrent || p.Slug == "" {
		return ""
	}
	return "/plans/" + url.PathEscape(p.Slug)
}

// Overview returns the address of a plan's overview.
func Overview(p tracker.Plan) string {
	if pre := planPrefix(p); pre != "" {
		return pre
	}
	return Home
}

// Priority returns the address of a priority area's page.
func Priority(p tracker.Plan, slug string) string {
	return planPrefix(p) + "/priorities/" + url.PathEscape(slug)
}

// Commitment returns the address of a commitment's page.
func Commitment(p tracker.Plan, ref string) string {
	return planPrefix(p) + "/commitments/" + url.PathEscape(ref)
}

// InEarlierPlan returns the address, under the plan's prefix, of the page of a plan that is not
// current at rootPath, the address the same page of the current plan has: "/commitments/1.1"
// becomes "/plans/2023-24/commitments/1.1".
func InEarlierPlan(p tracker.Plan, rootPath string) string {
	return "/plans/" + url.PathEscape(p.Slug) + rootPath
}

// Organisation returns the address of an organisation's page.
func Organisation(code string) string { return "/organisations/" + url.PathEscape(code) }

// Commitments returns the address of a plan's commitments finder.
func Commitments(p tracker.Plan) string { return planPrefix(p) + "/commitments" }

// Updates returns the address of a plan's published updates without its extension: add ".csv",
// ".json" or ".atom".
func Updates(p tracker.Plan) string { return planPrefix(p) + "/updates" }

// CommitmentsCSV returns the address of the CSV of a plan's commitments.
func CommitmentsCSV(p tracker.Plan) string { return Commitments(p) + ".csv" }

// UpdatesCSV returns the address of the CSV of a plan's published updates.
func UpdatesCSV(p tracker.Plan) string { return Updates(p) + ".csv" }

// DataPackagePattern is the address of a plan's Frictionless Data Package, under the plan's
// prefix for an older plan.
const DataPackagePattern = "/datapackage.json"

// DataPackage returns the address of the Frictionless Data Package describing a plan's CSV
// files.
func DataPackage(p tracker.Plan) string { return planPrefix(p) + DataPackagePattern }

// Feed returns the address of the Atom feed of a plan's published updates.
func Feed(p tracker.Plan) string { return Updates(p) + ".atom" }

// PriorityFeed returns the address of the Atom feed of a priority area's published updates.
func PriorityFeed(p tracker.Plan, slug string) string { return Priority(p, slug) + "/updates.atom" }

// CommitmentFeed returns the address of the Atom feed of a commitment's published updates.
func CommitmentFeed(p tracker.Plan, ref string) string {
	return Commitment(p, ref) + "/updates.atom"
}

// Report returns the address of the progress report form for a commitment of the current plan.
func Report(ref string) string { return ReportList + "/" + url.PathEscape(ref) }

// ReportIn returns the address of the progress report form for a commitment of a plan: Report's
// for the current plan, and for an earlier one, whose updates in progress are still finished
// after the switch, an address under /report/plans/{slug}.
func ReportIn(p tracker.Plan, ref string) string {
	if p.IsCurrent || p.Slug == "" {
		return Report(ref)
	}
	return ReportList + "/plans/" + url.PathEscape(p.Slug) + "/" + url.PathEscape(ref)
}

// Reply returns the address of the page where a partner replies to the return note of their
// update on a commitment of the current plan.
func Reply(ref string) string { return Report(ref) + "/reply" }

// ReplyIn returns the address of the page where a partner replies to the return note of their
// update on a commitment of a plan, current or earlier (see ReportIn).
func ReplyIn(p tracker.Plan, ref string) string { return ReportIn(p, ref) + "/reply" }

// Review returns the address of a submitted update's review page.
func Review(updateID int64) string { return ReviewList + "/" + id(updateID) }

// User returns the address of an account's page.
func User(userID int64) string { return AdminUsers + "/" + id(userID) }

// InvitePartner returns the address of the invitation form, ready to invite a delivery partner
// of the organisation with the code.
func InvitePartner(orgCode string) string { return withQuery(AdminNewUser, "org", orgCode) }

// UserAction returns the address of an action on an account: "role", "disable", "enable" or
// "link".
func UserAction(userID int64, action string) string { return User(userID) + "/" + action }

// Audit returns the address of the audit log filtered by who acted and by record.
func Audit(actor, recordType, recordID string) string {
	return AuditList(AuditQuery{User: actor, RecordType: recordType, RecordID: recordID}, "", "")
}

// AuditQuery is a filter of the audit log as its address gives it: who acted (an email
// address), the action, the kind of record and the record, and the first and last days.
type AuditQuery struct {
	User, Action, RecordType, RecordID string
	// From and To are the first and last days as typed into their date inputs.
	From, To tracker.DateInput
}

func (q AuditQuery) values() url.Values {
	v := url.Values{}
	for _, p := range [][2]string{{"user", q.User}, {"action", q.Action}, {"record_type", q.RecordType},
		{"record_id", q.RecordID}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	for name, in := range map[string]tracker.DateInput{tracker.FieldAuditFrom: q.From, tracker.FieldAuditTo: q.To} {
		for part, value := range map[string]string{tracker.DateDay: in.Day, tracker.DateMonth: in.Month, tracker.DateYear: in.Year} {
			if value != "" {
				v.Set(tracker.DateField(name, part), value)
			}
		}
	}
	return v
}

// AuditList returns the address of the audit log filtered by q, at the page of entries older
// than the cursor before, or newer than the cursor after (both "" for the newest).
func AuditList(q AuditQuery, before, after string) string {
	v := q.values()
	if before != "" {
		v.Set("before", before)
	}
	if after != "" {
		v.Set("after", after)
	}
	if len(v) == 0 {
		return AdminAudit
	}
	return AdminAudit + "?" + v.Encode()
}

// AuditCSV returns the address of the download of every entry of the audit log q selects.
func AuditCSV(q AuditQuery) string {
	v := q.values()
	if len(v) == 0 {
		return AdminAuditCSV
	}
	return AdminAuditCSV + "?" + v.Encode()
}

// AdminPlan returns the address of the page where staff manage a plan.
func AdminPlan(slug string) string { return AdminPlans + "/" + url.PathEscape(slug) }

// AdminPlanAction returns the address of an action on a plan, such as "edit", "import" or
// "commitments/new".
func AdminPlanAction(slug, action string) string { return AdminPlan(slug) + "/" + action }

// StaffExportCSV and StaffExportXLSX are the actions on a plan (see AdminPlanAction) that
// download its commitments in the import format, as CSV and as an Excel workbook.
const (
	StaffExportCSV  = "commitments.csv"
	StaffExportXLSX = "commitments.xlsx"
)

// AdminCommitment returns the address of an action on a commitment, such as "retire".
func AdminCommitment(commitmentID int64, action string) string {
	return AdminCommitmentPage(commitmentID) + "/" + action
}

// AdminCommitmentPage returns the address of a commitment's page for staff: every field, each
// with a link to change it.
func AdminCommitmentPage(commitmentID int64) string { return "/admin/commitments/" + id(commitmentID) }

// AdminCommitmentChangePrefix goes before a field's slug (tracker.CommitmentField) in the
// address of the form that changes that field of a commitment.
const AdminCommitmentChangePrefix = "/change/"

// AdminCommitmentField returns the address of the form that changes one field of a commitment,
// named by its slug, such as "what".
func AdminCommitmentField(commitmentID int64, slug string) string {
	return AdminCommitmentPage(commitmentID) + AdminCommitmentChangePrefix + slug
}

// AdminPriority returns the address of an action on a priority area: "edit" or "retire".
func AdminPriority(priorityID int64, action string) string {
	return "/admin/priorities/" + id(priorityID) + "/" + action
}

// AdminOrganisation returns the address of an action on an organisation: "edit", "retire" or
// "restore".
func AdminOrganisation(orgID int64, action string) string {
	return AdminOrganisations + "/" + id(orgID) + "/" + action
}

// AdminRound returns the address of a reporting round's page.
func AdminRound(roundID int64) string { return AdminRounds + "/" + id(roundID) }

// AdminRoundAction returns the address of an action on a reporting round: "edit" or "close".
func AdminRoundAction(roundID int64, action string) string { return AdminRound(roundID) + "/" + action }

// AdminEmail returns the address of an email in the outbox.
func AdminEmail(emailID int64) string { return AdminOutbox + "/" + id(emailID) }

// CurrentCommitments is the address of the current plan's commitments finder.
const CurrentCommitments = "/commitments"

// SignInAs is the sign-in page with the email address filled in.
func SignInAs(email string) string { return SignIn + "?" + url.Values{"email": {email}}.Encode() }

// SetPasswordLink returns the address, under baseURL, where the holder of an invitation or reset
// token sets a password.
func SetPasswordLink(baseURL, token string) string {
	return baseURL + SetPassword + "?token=" + url.QueryEscape(token)
}

// FeedbackAbout returns the address of the feedback form about the page at path ("" for the
// service as a whole), with the answer to "Is this page useful?" ("yes", "no" or "") chosen.
func FeedbackAbout(path, useful string) string {
	return withQuery(Feedback, "path", path, "useful", useful)
}

// FeedbackThanksFor returns the address of the page thanking a visitor for feedback about the
// page at path, which leads back to it.
func FeedbackThanksFor(path string) string { return withQuery(FeedbackThanks, "path", path) }

// AdminFeedbackList returns the address of a page (from 1) of the feedback staff read, about the
// page at path or, for "", about every page.
func AdminFeedbackList(path string, page int) string {
	n := ""
	if page > 1 {
		n = strconv.Itoa(page)
	}
	return withQuery(AdminFeedback, "path", path, "page", n)
}

// AdminFeedbackDownload returns the address of the CSV of the feedback about the page at path,
// or about every page for "".
func AdminFeedbackDownload(path string) string { return withQuery(AdminFeedbackCSV, "path", path) }

// withQuery returns base with a query of the given names and values, leaving out those whose value
// is "", and with no "?" when none is left.
func withQuery(base string, namesAndValues ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(namesAndValues); i += 2 {
		if v := namesAndValues[i+1]; v != "" {
			q.Set(namesAndValues[i], v)
		}
	}
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}

// Public email alerts and the "Get updates" pages.
const (
	// AlertsCheckEmail is the page shown after asking for an email alert.
	AlertsCheckEmail = "/alerts/check-email"
	// AlertsConfirm, AlertsUnsubscribe and AlertsManage are opened by the links in alert emails,
	// with the link's token as the parameter t.
	AlertsConfirm     = "/alerts/confirm"
	AlertsUnsubscribe = "/alerts/unsubscribe"
	AlertsManage      = "/alerts/manage"
	// GetUpdatesSuffix ends the address of a "Get updates" page.
	GetUpdatesSuffix = "/get-updates"
)

// GetUpdates returns the address of the "Get updates" page of a plan.
func GetUpdates(p tracker.Plan) string { return planPrefix(p) + GetUpdatesSuffix }

// PriorityGetUpdates returns the address of the "Get updates" page of a priority area.
func PriorityGetUpdates(p tracker.Plan, slug string) string {
	return Priority(p, slug) + GetUpdatesSuffix
}

// CommitmentGetUpdates returns the address of the "Get updates" page of a commitment.
func CommitmentGetUpdates(p tracker.Plan, ref string) string {
	return Commitment(p, ref) + GetUpdatesSuffix
}

// OrganisationGetUpdates returns the address of the "Get updates" page of an organisation.
func OrganisationGetUpdates(code string) string { return Organisation(code) + GetUpdatesSuffix }

// OrganisationFeed returns the address of the Atom feed of the updates published on the
// commitments an organisation leads.
func OrganisationFeed(code string) string { return Organisation(code) + "/updates.atom" }

// AlertLink returns the address, under baseURL, of an alert link's page (AlertsConfirm,
// AlertsUnsubscribe or AlertsManage) with its token.
func AlertLink(baseURL, page, token string) string {
	return baseURL + page + "?t=" + url.QueryEscape(token)
}

// Paged returns the address of a page of the list at base: base itself for the first page, and
// base with ?page=N for the others.
func Paged(base string, page int) string {
	if page <= 1 {
		return base
	}
	return base + "?page=" + strconv.Itoa(page)
}

// SitemapPart is the nth part, from 1, of a sitemap listed by a sitemap index at Sitemap.
func SitemapPart(n int) string { return SitemapParts + "/" + strconv.Itoa(n) + ".xml" }
