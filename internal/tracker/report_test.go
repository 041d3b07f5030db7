package tracker

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestUpdateDue(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	tests := []struct {
		name string
		last *time.Time
		want bool
	}{
		{"never published in the portal", nil, true},
		{"published today", at(0), false},
		{"published 89 days ago", at(89 * 24 * time.Hour), false},
		{"published a second under 90 days ago", at(UpdateDueAfter - time.Second), false},
		{"published exactly 90 days ago", at(UpdateDueAfter), false},
		{"published a second over 90 days ago", at(UpdateDueAfter + time.Second), true},
		{"published 91 days ago", at(91 * 24 * time.Hour), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UpdateDue(tt.last, now); got != tt.want {
				t.Errorf("UpdateDue = %v, want %v", got, tt.want)
			}
			if got := (Commitment{LastPublishedAt: tt.last}).UpdateDue(now); got != tt.want {
				t.Errorf("Commitment.UpdateDue = %v, want %v", got, tt.want)
			}
			for _, st := range Statuses {
				want := tt.want && st.Open()
				if got := (Commitment{Status: st, LastPublishedAt: tt.last}).UpdateDue(now); got != want {
					t.Errorf("Commitment.UpdateDue with status %s = %v, want %v", st, got, want)
				}
			}
		})
	}
}

func TestParseReport(t *testing.T) {
	valid := ReportInput{Status: "on_track", Narrative: "Cohort 2 started.", DueMonth: "6", DueYear: "2026",
		EvidenceURL: "https://www.nes.scot.nhs.uk/report"}
	with := func(f func(*ReportInput)) ReportInput { in := valid; f(&in); return in }
	tests := []struct {
		name  string
		in    ReportInput
		staff bool
		want  map[string]string // field -> part of the message; nil for no errors
	}{
		{"valid", valid, false, nil},
		{"valid without optional fields", ReportInput{Status: "delayed", Narrative: "Waiting on funding."}, false, nil},
		{"nothing", ReportInput{}, false, map[string]string{FieldStatus: "Select a status", FieldNarrative: "Enter a progress narrative"}},
		{"unknown status", with(func(in *ReportInput) { in.Status = "overdue" }), false, map[string]string{FieldStatus: "from the list"}},
		{"partner withdraws", with(func(in *ReportInput) { in.Status = "withdrawn"; in.StatusReason = "x" }), false,
			map[string]string{FieldStatus: "Only Scottish Government staff can set Withdrawn"}},
		{"partner carries forward", with(func(in *ReportInput) { in.Status = "carried_forward" }), false,
			map[string]string{FieldStatus: "Only Scottish Government staff can set Carried forward"}},
		{"staff withdraw without reason", with(func(in *ReportInput) { in.Status = "withdrawn" }), true,
			map[string]string{FieldStatusReason: "Enter the reason the commitment is withdrawn"}},
		{"staff withdraw with reason", with(func(in *ReportInput) { in.Status = "withdrawn"; in.StatusReason = "Superseded." }), true, nil},
		{"staff carry forward without plan", with(func(in *ReportInput) { in.Status = "carried_forward"; in.StatusReason = "Moved." }), true,
			map[string]string{FieldCarriedForwardTo: "Enter the name of the later plan"}},
		{"staff carry forward", with(func(in *ReportInput) {
			in.Status = "carried_forward"
			in.StatusReason = "Moved."
			in.CarriedForwardTo = "Delivery Plan 2024-25"
		}), true, nil},
		{"narrative of spaces", with(func(in *ReportInput) { in.Narrative = " \r\n\t " }), false, map[string]string{FieldNarrative: "Enter a progress narrative"}},
		{"narrative at the limit", with(func(in *ReportInput) { in.Narrative = strings.Repeat("é", MaxNarrative) }), false, nil},
		{"narrative at the limit with CRLF", with(func(in *ReportInput) { in.Narrative = strings.Repeat("a\r\n", MaxNarrative/2-1) + "ab" }), false, nil},
		{"narrative over the limit", with(func(in *ReportInput) { in.Narrative = strings.Repeat("a", MaxNarrative+1) }), false,
			map[string]string{FieldNarrative: "5000 characters or fewer"}},
		{"month without year", with(func(in *ReportInput) { in.DueYear = "" }), false, map[string]string{FieldDueMonth: "must include a year"}},
		{"year without month", with(func(in *ReportInput) { in.DueMonth = "" }), false, map[string]string{FieldDueMonth: "must include a month"}},
		{"month 13", with(func(in *ReportInput) { in.DueMonth = "13" }), false, map[string]string{FieldDueMonth: "from 1 to 12"}},
		{"month words", with(func(in *ReportInput) { in.DueMonth = "June" }), false, map[string]string{FieldDueMonth: "from 1 to 12"}},
		{"two-digit year", with(func(in *ReportInput) { in.DueYear = "26" }), false, map[string]string{FieldDueMonth: "4 numbers"}},
		{"far year", with(func(in *ReportInput) { in.DueYear = "3026" }), false, map[string]string{FieldDueMonth: "between 2000 and 2100"}},
		{"javascript link", with(func(in *ReportInput) { in.EvidenceURL = "javascript:alert(1)" }), false, map[string]string{FieldEvidenceURL: "https://"}},
		{"ftp link", with(func(in *ReportInput) { in.EvidenceURL = "ftp://example.com/x" }), false, map[string]string{FieldEvidenceURL: "https://"}},
		{"relative link", with(func(in *ReportInput) { in.EvidenceURL = "/report.pdf" }), false, map[string]string{FieldEvidenceURL: "https://"}},
		{"link without host", with(func(in *ReportInput) { in.EvidenceURL = "https://" }), false, map[string]string{FieldEvidenceURL: "https://"}},
		{"link with credentials", with(func(in *ReportInput) { in.EvidenceURL = "https://u:p@example.com/" }), false, map[string]string{FieldEvidenceURL: "https://"}},
		{"link with spaces", with(func(in *ReportInput) { in.EvidenceURL = "https://example.com/a b" }), false, map[string]string{FieldEvidenceURL: "https://"}},
		{"http link", with(func(in *ReportInput) { in.EvidenceURL = "  http://example.com/a?b=c  " }), false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := ParseReport(tt.in, tt.staff)
			got := map[string]string{}
			for _, e := range errs {
				got[e.Field] = e.Message
			}
			if len(got) != len(tt.want) {
				t.Fatalf("errors = %v, want %v", got, tt.want)
			}
			for f, part := range tt.want {
				if !strings.Contains(got[f], part) {
					t.Errorf("error for %s = %q, want it to contain %q", f, got[f], part)
				}
			}
		})
	}
}

func TestParseReportValues(t *testing.T) {
	r, errs := ParseReport(ReportInput{Status: "carried_forward", Narrative: "  Line one.\r\n\r\nLine two.  ",
		DueMonth: " 06 ", DueYear: "2026", EvidenceURL: " https://example.com/x ", StatusReason: " Moved. ",
		CarriedForwardTo: "  Delivery   Plan 2024-25 "}, true)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if r.Status != CarriedForward || r.Narrative != "Line one.\n\nLine two." || r.Expected == nil ||
		*r.Expected != (Month{2026, time.June}) || r.EvidenceURL != "https://example.com/x" ||
		r.StatusReason != "Moved." || r.CarriedForwardTo != "Delivery Plan 2024-25" {
		t.Errorf("report = %+v", r)
	}
	// A reason typed for an open status is not kept.
	r, _ = ParseReport(ReportInput{Status: "on_track", Narrative: "x", StatusReason: "stray"}, true)
	if r.StatusReason != "" || r.CarriedForwardTo != "" || r.Expected != nil {
		t.Errorf("on track report kept %+v", r)
	}
}

func TestParseReviewNote(t *testing.T) {
	if _, errs := ParseReviewNote("  "); len(errs) != 1 || errs[0].Field != FieldNote {
		t.Errorf("empty note: %v", errs)
	}
	if _, errs := ParseReviewNote(strings.Repeat("a", MaxReviewNote+1)); len(errs) != 1 {
		t.Errorf("long note: %v", errs)
	}
	if note, errs := ParseReviewNote(" Please add the date.\r\n "); len(errs) != 0 || note != "Please add the date." {
		t.Errorf("note = %q, %v", note, errs)
	}
}

func TestLaterPlan(t *testing.T) {
	p23 := Plan{ID: 1, Slug: "2023-24", Title: "Care in the Digital Age: Delivery Plan 2023-24", Period: "2023-24"}
	p22 := Plan{ID: 2, Slug: "2022-23", Title: "Delivery Plan 2022-23", Period: "2022-23"}
	p24 := Plan{ID: 3, Slug: "2024-25", Title: "Care in the Digital Age: Delivery Plan 2024-25", Period: "2024-25"}
	plans := []Plan{p23, p22, p24}
	tests := []struct {
		name    string
		want    int64
		wantErr bool
	}{
		{"2024-25", 3, false},
		{"care in the digital age: delivery plan 2024-25", 3, false},
		{"Delivery Plan 2026-27", 0, false},
		{"2023-24", 0, true},
		{"Delivery Plan 2022-23", 0, true},
	}
	for _, tt := range tests {
		p, msg := LaterPlan(tt.name, p23, plans)
		if (msg != "") != tt.wantErr {
			t.Errorf("LaterPlan(%q) message = %q, want error %v", tt.name, msg, tt.wantErr)
		}
		var got int64
		if p != nil {
			got = p.ID
		}
		if got != tt.want {
			t.Errorf("LaterPlan(%q) = plan %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestReportConflict(t *testing.T) {
	c := Commitment{ID: 1, Ref: "4.2", Version: 3}
	base := ReportBase{Version: 3, Seen: 10}
	own := &Update{ID: 7, State: StateDraft, Version: 2}
	ownBase := ReportBase{Version: 3, Seen: 10, UpdateID: 7, UpdateVersion: 2}
	returned := &Update{ID: 7, State: StateReturned, Version: 3, ReturnedAt: &time.Time{}}
	other := []Update{{ID: 8, State: StateSubmitted, Submission: 11}}
	moved := c
	moved.Version = 4
	tests := []struct {
		name      string
		base      ReportBase
		action    ReportAction
		c         Commitment
		open      *Update
		submitted []Update
		want      string // part of the message; "" for no conflict
	}{
		{"new report, nothing changed", base, ActionSubmit, c, nil, nil, ""},
		{"editing own draft, nothing changed", ownBase, ActionSubmit, c, own, nil, ""},
		{"publish, nothing changed", base, ActionPublish, c, nil, nil, ""},
		{"published since", base, ActionSubmit, moved, nil, nil, "changed since you opened"},
		{"published since, staff publishing", base, ActionPublish, moved, nil, nil, "changed since you opened"},
		{"published since, saving a draft", base, ActionDraft, moved, nil, nil, ""},
		{"another submitted since", base, ActionSubmit, c, nil, other, "submitted for review since"},
		{"another submitted since, saving a draft", base, ActionDraft, c, nil, other, ""},
		{"colleague started an update", base, ActionDraft, c, own, nil, "Someone else started"},
		{"colleague changed the draft", ReportBase{Version: 3, UpdateID: 7, UpdateVersion: 1}, ActionDraft, c, own, nil, "was changed since"},
		{"returned meanwhile", ownBase, ActionSubmit, c, returned, nil, "returned for changes"},
		{"own update published meanwhile", ownBase, ActionDraft, c, nil, nil, "has been published"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReportConflict(tt.base, tt.action, tt.c, tt.open, tt.submitted)
			if (got == "") != (tt.want == "") || !strings.Contains(got, tt.want) {
				t.Errorf("ReportConflict = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPublishConflict(t *testing.T) {
	c := Commitment{Version: 5}
	submitted := Update{State: StateSubmitted, Version: 2}
	tests := []struct {
		name          string
		u             Update
		updateVersion int
		commitment    int
		want          string
	}{
		{"ready", submitted, 2, 5, ""},
		{"already published", Update{State: StatePublished, Version: 3, ReviewerName: "Ann Reviewer"}, 2, 5, "already been published by Ann Reviewer"},
		{"already returned", Update{State: StateReturned, Version: 3}, 2, 5, "already been returned"},
		{"taken back", Update{State: StateDraft, Version: 3}, 2, 5, "taken back"},
		{"changed by author", Update{State: StateSubmitted, Version: 4}, 2, 5, "changed by its author"},
		{"another published since", submitted, 2, 4, "Another update for this commitment was published"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PublishConflict(tt.u, tt.updateVersion, c, tt.commitment)
			if (got == "") != (tt.want == "") || !strings.Contains(got, tt.want) {
				t.Errorf("PublishConflict = %q, want %q", got, tt.want)
			}
		})
	}
	if got := ReturnConflict(submitted, 2); got != "" {
		t.Errorf("ReturnConflict on a submitted update = %q", got)
	}
	if got := ReturnConflict(Update{State: StatePublished}, 2); !strings.Contains(got, "already been published") {
		t.Errorf("ReturnConflict on a published update = %q", got)
	}
}

func TestConflictErrorIsADomainConflict(t *testing.T) {
	var err error = &ConflictError{Message: "This update has already been published."}
	if ErrorCode(err) != ECONFLICT || ErrorMessage(err) != "This update has already been published." {
		t.Errorf("code %q message %q", ErrorCode(err), ErrorMessage(err))
	}
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Error("errors.As does not find the ConflictError")
	}
}

func TestTextLength(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "a\r\nb": 3, "a\nb": 3, "é—": 2} {
		if got := TextLength(s); got != want {
			t.Errorf("TextLength(%q) = %d, want %d", s, got, want)
		}
	}
}
