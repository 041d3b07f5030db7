package web

import "github.com/scottish-government/delivery-tracker/internal/tracker"

// The licence of the open data.
const (
	LicenceName = "Open Government Licence v3.0"
	LicenceURL  = oglURL
)

// DataField documents one field of the open data: its name in JSON and as a CSV column, its
// JSON type and what it holds.
type DataField struct {
	Name        string
	Type        string
	Description string
}

// CommitmentFields documents each commitment in /commitments.json and each column of
// /commitments.csv, in column order.
var CommitmentFields = []DataField{
	{"ref", "string", "The commitment's reference in the plan, such as 4.2."},
	{"priority", "number", "The number of the priority area it belongs to."},
	{"priority_name", "string", "The name of the priority area."},
	{"what", "string", "What the plan commits to deliver, as the plan words it."},
	{"why", "list of strings", "Why, as the plan's bullet points. In CSV, one per line within the cell."},
	{"lead_lines", "list of strings", "Who leads it, each line exactly as the plan prints it. In CSV, one per line within the cell."},
	{"lead_organisations", "list of strings", "The codes of the organisations the lead lines name, such as NES, in order. In CSV, separated by semicolons."},
	{"due_month", "string", "The month the plan set for delivery, as year and month: 2024-03."},
	{"expected_month", "string or null", "The month delivery is now expected, where a published update revised it; otherwise null (empty in CSV)."},
	{"expected_in_words", "string", "When it is due, in words, as its page says it: \"Due March 2026\", or where the month was revised \"Expected September 2027 (was March 2026, 18 months later)\"."},
	{"status", "string or null", "The status of the latest published update: not_started, on_track, at_risk, delayed, delivered, withdrawn or carried_forward; null (empty in CSV) when there is no update yet."},
	{"status_label", "string", "The status as the site shows it, such as On track or No update yet."},
	{"overdue", "boolean", "true when the month it is expected by (expected_month, or else due_month) has passed and it is not delivered, withdrawn or carried forward. Judged when the file is made, in UK time."},
	{"last_published_at", "string or null", "When the latest update published through this site was published, in UTC (RFC 3339), such as 2026-03-05T10:00:00Z; null (empty in CSV) when there is none."},
	{"url", "string", "The address of the commitment's page."},
}

// UpdateFields documents each update in /updates.json and each column of /updates.csv.
var UpdateFields = []DataField{
	{"id", "number", "The update's number: it never changes, and numbers rise in the order updates were recorded."},
	{"commitment_ref", "string", "The reference of the commitment it reports on."},
	{"commitment_url", "string", "The address of the commitment's page."},
	{"status", "string", "The status it reported, as in the commitments' status field: one of the site's statuses, whatever words the report used. Use it to count or compare updates."},
	{"status_label", "string or null", "For progress taken from a published plan: the status exactly as that plan wrote it, such as On Track, Completed or Completed; Ongoing. Null (empty in CSV) for updates published through this site, which report one of the site's statuses and nothing else."},
	{"narrative", "string", "The progress reported, as written. Empty where a plan reported a status only."},
	{"expected_month", "string or null", "The month delivery was then expected, as year and month (2026-03), where the update gave one: the revised date, where it differs from due_month."},
	{"reported_by", "string", "Who reported it: the lead organisation, or the plan that published it."},
	{"organisation_code", "string or null", "The code of the organisation that reported it, for updates published through this site."},
	{"published_at", "string or null", "When it was published through this site, in UTC (RFC 3339). Null (empty in CSV) for progress taken from a published plan, whose day of publication is not recorded: see source_period."},
	{"source_title", "string or null", "For progress taken from a published plan: that plan's title."},
	{"source_period", "string or null", "For progress taken from a published plan: the plan's period, such as 2025-26."},
	{"source_url", "string or null", "For progress taken from a published plan: the page it was taken from."},
	{"evidence_url", "string or null", "A link the reporter gave as evidence of progress."},
	{"status_reason", "string or null", "Why the commitment was withdrawn or carried forward, for updates with those statuses: the reason as published."},
	{"carried_forward_to", "string or null", "For a carried forward commitment: the later plan it moved to."},
	{"timescale", "string or null", "For progress taken from a published plan: when that plan said delivery was then expected, in its own words, such as March 2026."},
	{"due_month", "string", "The month the commitment's plan set for delivery, as year and month: 2024-03. Where expected_month differs from it, the update revised the date."},
}

// FinderParams documents the parameters the commitments list and its exports accept.
var FinderParams = []DataField{
	{ParamQuery, "text", "Words to search for in what, why, lead lines and published progress (with English stemming: “pathway” finds “pathways”). Quote a phrase (\"learner pathways\"), put - before a word to exclude it, or give a reference such as 4.2."},
	{ParamPriority, "number", "A priority area's number."},
	{ParamStatus, "text, repeatable", "A status, as in the status field, or none for commitments with no update yet. Repeat it to include several: status=on_track&status=at_risk."},
	{ParamOrg, "text", "A lead organisation's code, such as NES."},
	{ParamDue, "text", "A financial year, such as 2024-25, or one of its quarters, such as 2024-25-q1 (April to June 2024): commitments expected in it."},
	{ParamOverdue, "yes", "Only overdue commitments."},
	{ParamUpdateDue, "yes", "Only commitments not yet delivered, withdrawn or carried forward that have had no update published through this site in the last 90 days."},
	{ParamSort, "text", "ref (the default, or the best match first when searching), due (soonest first) or updated (latest update first)."},
}

// DataView is what the open data page shows.
type DataView struct {
	Plan  tracker.Plan
	Plans []tracker.Plan
	// SiteURL is the site's public address, for examples of absolute addresses.
	SiteURL string
	// Catalogue describes the open data in JSON-LD (schema.org's DataCatalog and Dataset), for
	// catalogues and search engines that harvest it; nil leaves it out.
	Catalogue any
}
