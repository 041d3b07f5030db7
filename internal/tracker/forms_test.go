package tracker

import (
	"slices"
	"strings"
	"testing"
)

// problems writes field errors as "field: message", for comparing.
func problems(errs []FieldError) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Field+": "+e.Message)
	}
	return out
}

func checkProblems(t *testing.T, errs []FieldError, want []string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if got := problems(errs); !slices.Equal(got, want) {
		t.Errorf("problems:\n got  %q\n want %q", got, want)
	}
}

func TestParsePlan(t *testing.T) {
	good := PlanInput{Title: " Delivery plan 2024-25 ", Slug: " 2024-25 ", Period: "2024-25", Strategy: "Care in the digital age",
		PublishedOn: "4/8/2024", SourceURL: "https://www.gov.scot/plan", Licence: "OGL", Attribution: "Contains public sector information"}
	tests := []struct {
		name string
		edit func(*PlanInput)
		want []string
	}{
		{"good", func(*PlanInput) {}, nil},
		{"empty", func(in *PlanInput) { *in = PlanInput{} }, []string{
			"title: Enter the plan’s title", "period: Enter the period it covers", "slug: Enter the plan’s web address, such as 2024-25"}},
		{"too long", func(in *PlanInput) {
			in.Title, in.Period, in.Strategy = strings.Repeat("é", MaxTitle+1), strings.Repeat("x", MaxPeriod+1), strings.Repeat("s", MaxTitle+1)
			in.Licence, in.Attribution = strings.Repeat("l", MaxShortText+1), strings.Repeat("a", MaxShortText+1)
		}, []string{
			"title: The plan’s title must be 200 characters or fewer", "period: The period it covers must be 20 characters or fewer",
			"strategy: The strategy must be 200 characters or fewer", "licence: The licence must be 300 characters or fewer",
			"attribution: The attribution must be 300 characters or fewer"}},
		{"at the limits", func(in *PlanInput) {
			in.Title, in.Period = strings.Repeat("é", MaxTitle), strings.Repeat("x", MaxPeriod)
		}, nil},
		{"bad slug", func(in *PlanInput) { in.Slug = "-2024 25" }, []string{
			"slug: The web address must be lower-case letters, numbers and hyphens, starting with a letter or number"}},
		{"upper-case slug is lowered", func(in *PlanInput) { in.Slug = "PLAN-2024" }, nil},
		{"bad date", func(in *PlanInput) { in.PublishedOn = "31/2/2024" }, []string{
			"published_on: Enter the publication date as day, month and year, such as 4/8/2023"}},
		{"bad url", func(in *PlanInput) { in.SourceURL = "www.gov.scot" }, []string{
			"source_url: Enter a full web address starting with https://"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.edit(&in)
			_, errs := ParsePlan(in)
			checkProblems(t, errs, tt.want)
		})
	}
	p, _ := ParsePlan(PlanInput{Title: " T ", Slug: " PLAN-2024 ", PublishedOn: "4/8/2024"})
	if p.Title != "T" || p.Slug != "plan-2024" || p.PublishedOn == nil || FormatDate(*p.PublishedOn) != "4 August 2024" {
		t.Errorf("ParsePlan = %+v, want trimmed title, lower-case slug and 4 August 2024", p)
	}
	if p, _ := ParsePlan(PlanInput{}); p.PublishedOn != nil {
		t.Errorf("no date typed: PublishedOn = %v, want nil", p.PublishedOn)
	}
}

func TestParsePreviousPlan(t *testing.T) {
	plans := []Plan{{ID: 3}, {ID: 7}}
	tests := []struct {
		in     string
		wantID int64
		want   []string
	}{
		{"", 0, nil},
		{"7", 7, nil},
		{"8", 0, []string{"previous: Choose a plan from the list"}},
		{"x", 0, []string{"previous: Choose a plan from the list"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			id, errs := ParsePreviousPlan(tt.in, plans)
			if id != tt.wantID {
				t.Errorf("id = %d, want %d", id, tt.wantID)
			}
			checkProblems(t, errs, tt.want)
		})
	}
}

func TestParsePriority(t *testing.T) {
	good := PriorityInput{Number: "4", Name: "Digital Skills and Leadership", Tagline: "Skills", Heading: "Heading",
		Intro: "One\r\nTwo", SourceURL: "https://www.gov.scot/plan#4"}
	tests := []struct {
		name string
		edit func(*PriorityInput)
		want []string
	}{
		{"good", func(*PriorityInput) {}, nil},
		{"empty", func(in *PriorityInput) { *in = PriorityInput{} }, []string{
			"number: Enter the priority area’s number, such as 4", "name: Enter the priority area’s name"}},
		{"number out of range", func(in *PriorityInput) { in.Number = "100" }, []string{
			"number: The number must be a whole number from 1 to 99"}},
		{"number not a number", func(in *PriorityInput) { in.Number = "four" }, []string{
			"number: The number must be a whole number from 1 to 99"}},
		{"bad slug", func(in *PriorityInput) { in.Slug = "skills_and" }, []string{
			"slug: The web address must be lower-case letters, numbers and hyphens, starting with a letter or number"}},
		{"no slug can be made", func(in *PriorityInput) { in.Name = "…" }, []string{
			"slug: Enter the priority area’s web address, such as digital-skills-and-leadership"}},
		{"too long", func(in *PriorityInput) {
			in.Name, in.Tagline, in.Heading, in.Intro = strings.Repeat("n", MaxTitle+1), strings.Repeat("t", MaxShortText+1),
				strings.Repeat("h", MaxShortText+1), strings.Repeat("i", MaxIntro+1)
		}, []string{
			"name: The priority area’s name must be 200 characters or fewer", "tagline: What it aims for must be 300 characters or fewer",
			"heading: The heading must be 300 characters or fewer", "intro: The introduction must be 5000 characters or fewer"}},
		{"bad url", func(in *PriorityInput) { in.SourceURL = "ftp://x" }, []string{
			"source_url: Enter a full web address starting with https://"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.edit(&in)
			_, errs := ParsePriority(in)
			checkProblems(t, errs, tt.want)
		})
	}
	p, _ := ParsePriority(good)
	if p.Number != 4 || p.Slug != "digital-skills-and-leadership" || p.Intro != "One\nTwo" {
		t.Errorf("ParsePriority = %+v, want number 4, slug from the name, intro with Unix line breaks", p)
	}
}

func TestSlugOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Digital Skills and Leadership", "digital-skills-and-leadership"},
		{"  Data & Intelligence!  ", "data-intelligence"},
		{"Ça va", "a-va"},
		{"…", ""},
		{strings.Repeat("ab ", 40), strings.TrimRight(strings.Repeat("ab-", 27)[:80], "-")},
	}
	for _, tt := range tests {
		if got := SlugOf(tt.in); got != tt.want {
			t.Errorf("SlugOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := SlugOf(tt.in); got != "" && !ValidSlug(got) {
			t.Errorf("SlugOf(%q) = %q, not a valid slug", tt.in, got)
		}
	}
}

func TestParseOrganisation(t *testing.T) {
	tests := []struct {
		name  string
		in    OrganisationInput
		isNew bool
		want  []string
	}{
		{"good", OrganisationInput{Code: "nhs-boards", Name: "NHS Boards", AsWritten: "NHS Boards\r\n\r\nHealth Boards\n"}, true, nil},
		{"empty new", OrganisationInput{}, true, []string{
			"code: Enter a code for the organisation, such as NHS-BOARDS", "name: Enter the organisation’s name"}},
		{"code not asked when changing", OrganisationInput{Name: "NHS Boards"}, false, nil},
		{"bad code", OrganisationInput{Code: "NHS BOARDS", Name: "x"}, true, []string{
			"code: The code must be capital letters, numbers and hyphens, starting with a letter or number, 40 characters at most"}},
		{"long name", OrganisationInput{Name: strings.Repeat("n", MaxTitle+1)}, false, []string{
			"name: The organisation’s name must be 200 characters or fewer"}},
		{"too many ways", OrganisationInput{Name: "x", AsWritten: strings.Repeat("a\n", MaxAsWritten+1)}, false, []string{
			"as_written: Enter 20 ways of writing it or fewer"}},
		{"long line", OrganisationInput{Name: "x", AsWritten: "ok\n" + strings.Repeat("a", MaxShortText+1)}, false, []string{
			"as_written: Line 2 must be 300 characters or fewer"}},
		{"contact address", OrganisationInput{Name: "x", ContactEmail: " Team@NHS.example "}, false, nil},
		{"contact not an address", OrganisationInput{Name: "x", ContactEmail: "the team"}, false, []string{
			"contact_email: Enter an email address in the correct format, like name@example.com"}},
		{"contact with a name", OrganisationInput{Name: "x", ContactEmail: "Team <team@nhs.example>"}, false, []string{
			"contact_email: Enter an email address in the correct format, like name@example.com"}},
		{"contact too long", OrganisationInput{Name: "x", ContactEmail: strings.Repeat("a", 250) + "@nhs.example"}, false, []string{
			"contact_email: The contact address must be 254 characters or fewer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := ParseOrganisation(tt.in, tt.isNew)
			checkProblems(t, errs, tt.want)
		})
	}
	o, _ := ParseOrganisation(tests[0].in, true)
	if o.Code != "NHS-BOARDS" || !slices.Equal(o.AsWritten, []string{"NHS Boards", "Health Boards"}) {
		t.Errorf("ParseOrganisation = %+v, want upper-case code and two ways of writing it", o)
	}
	if o, _ := ParseOrganisation(OrganisationInput{Name: "x", ContactEmail: " Team@NHS.example "}, false); o.ContactEmail != "Team@nhs.example" {
		t.Errorf("contact address kept as %q, want it trimmed with its domain in lower case", o.ContactEmail)
	}
}

func TestParseRound(t *testing.T) {
	plans := []Plan{{ID: 5}}
	good := RoundInput{Plan: "5", Name: "Q3 2026-27", Opens: "1/10/2026", Deadline: "15/12/2026", RemindBefore: "7, 14", RemindAfter: "3"}
	existing := &Round{PlanID: 5, Opens: day(2026, 10, 1)}
	tests := []struct {
		name     string
		edit     func(*RoundInput)
		existing *Round
		want     []string
	}{
		{"good", func(*RoundInput) {}, nil, nil},
		{"empty", func(in *RoundInput) { *in = RoundInput{} }, nil, []string{
			"plan: Choose the plan the round is for", "name: Enter a name for the round, such as Q3 2026-27",
			"opens: Enter the day the round opens, such as 1/10/2026", "deadline: Enter the deadline, such as 15/12/2026"}},
		{"unknown plan", func(in *RoundInput) { in.Plan = "6" }, nil, []string{"plan: Choose the plan the round is for"}},
		{"long name", func(in *RoundInput) { in.Name = strings.Repeat("n", MaxRoundName+1) }, nil, []string{
			"name: A name for the round, such as Q3 2026-27 must be 100 characters or fewer"}},
		{"bad dates", func(in *RoundInput) { in.Opens, in.Deadline = "1 Oct", "soon" }, nil, []string{
			"opens: Enter the day the round opens as day, month and year, such as 1/10/2026",
			"deadline: Enter the deadline as day, month and year, such as 15/12/2026"}},
		{"deadline before opening", func(in *RoundInput) { in.Deadline = "30/9/2026" }, nil, []string{
			"deadline: The deadline must be on or after the day the round opens, 1 October 2026"}},
		{"deadline on opening day", func(in *RoundInput) { in.Deadline = "1/10/2026" }, nil, nil},
		{"bad reminders", func(in *RoundInput) { in.RemindBefore, in.RemindAfter = "seven", "91" }, nil, []string{
			"remind_before: Enter whole numbers of days from 0 to 90, separated by commas, such as 14, 7",
			"remind_after: Enter whole numbers of days from 0 to 90, separated by commas, such as 3"}},
		{"changing ignores plan and opening", func(in *RoundInput) { in.Plan, in.Opens = "", "" }, existing, nil},
		{"changing keeps the opening day", func(in *RoundInput) { in.Deadline = "30/9/2026" }, existing, []string{
			"deadline: The deadline must be on or after the day the round opens, 1 October 2026"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.edit(&in)
			_, errs := ParseRound(in, plans, tt.existing)
			checkProblems(t, errs, tt.want)
		})
	}
	rd, _ := ParseRound(good, plans, nil)
	if rd.PlanID != 5 || rd.Opens != day(2026, 10, 1) || rd.Deadline != day(2026, 12, 15) ||
		!slices.Equal(rd.RemindBefore, []int{14, 7}) || !slices.Equal(rd.RemindAfter, []int{3}) {
		t.Errorf("ParseRound = %+v", rd)
	}
}
