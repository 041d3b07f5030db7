package tracker

import (
	"slices"
	"testing"
	"time"
)

func TestCheckCarryForward(t *testing.T) {
	prev := int64(1)
	tests := []struct {
		name string
		to   Plan
		n    int
		want string
	}{
		{"follows a plan", Plan{Title: "Plan 2025", PreviousID: &prev}, 2, ""},
		{"follows none", Plan{Title: "Plan 2025"}, 2, "Plan 2025 does not follow another plan, so it has nothing to carry forward"},
		{"none chosen", Plan{Title: "Plan 2025", PreviousID: &prev}, 0, "Choose the commitments to carry forward"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckCarryForward(tt.to, tt.n)
			if got := messageOf(err); got != tt.want {
				t.Errorf("CheckCarryForward = %q, want %q", got, tt.want)
			}
			if err != nil {
				if field, _, _ := FieldOf(err); field != "commitments" {
					t.Errorf("field = %q, want commitments", field)
				}
			}
		})
	}
}

func messageOf(err error) string {
	if err == nil {
		return ""
	}
	return ErrorMessage(err)
}

func TestCarryForwardCopy(t *testing.T) {
	prev := int64(1)
	to := Plan{ID: 2, Title: "Plan 2025", PreviousID: &prev}
	priorities := map[int]int64{4: 40}
	revised := Month{Year: 2025, Month: 9}
	retired := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	later := int64(99)
	open := Commitment{ID: 7, PlanID: 1, PriorityID: 4, PriorityNumber: 4, Ref: "4.2", Ordinal: 2,
		Deliver: "Deliver it", Why: []string{"Because"}, Due: Month{Year: 2025, Month: 3}, Expected: &revised,
		Status: Delayed, StatusReason: "", SourceURL: "https://example.com/plan", Version: 5,
		Leads: []LeadLine{{Text: "NES and CSO", Organisations: []Organisation{{ID: 1, Code: "NES"}, {ID: 2, Code: "CSO", RetiredAt: &retired}}}}}
	with := func(f func(*Commitment)) Commitment { c := open; f(&c); return c }
	tests := []struct {
		name string
		old  Commitment
		want string
	}{
		{"open commitment", open, ""},
		{"no update yet", with(func(c *Commitment) { c.Status, c.Expected = NoUpdate, nil }), ""},
		{"another plan", with(func(c *Commitment) { c.PlanID = 3 }), "Commitment 4.2 is not in the plan Plan 2025 follows"},
		{"carried already", with(func(c *Commitment) { c.CarriedForwardToID = &later }), "Commitment 4.2 has been carried forward already"},
		{"delivered", with(func(c *Commitment) { c.Status = Delivered }), "Commitment 4.2 is Delivered, so it cannot be carried forward"},
		{"no priority area", with(func(c *Commitment) { c.PriorityNumber = 5 }), "Plan 2025 has no priority area 5 for commitment 4.2: add it first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := CarryForwardCopy(to, tt.old, priorities)
			if got := messageOf(err); got != tt.want {
				t.Fatalf("CarryForwardCopy error = %q, want %q", got, tt.want)
			}
			if err != nil {
				return
			}
			if c.ID != 0 || c.PlanID != 2 || c.PriorityID != 40 || c.Ref != "4.2" || c.Deliver != "Deliver it" ||
				!slices.Equal(c.Why, []string{"Because"}) || c.Due != tt.old.ExpectedBy() || c.Expected != nil ||
				c.Status != tt.old.Status || c.StatusReason != "" || c.SourceURL != "" || c.CarriedForwardToID != nil ||
				c.CarriedForwardFromID == nil || *c.CarriedForwardFromID != 7 {
				t.Errorf("copy = %+v", c)
			}
			if len(c.Leads) != 1 || c.Leads[0].Text != "NES and CSO" || len(c.Leads[0].Organisations) != 1 ||
				c.Leads[0].Organisations[0].Code != "NES" {
				t.Errorf("copy's leads = %+v, want the line with NES alone", c.Leads)
			}
		})
	}
}

func TestCarryForwardReport(t *testing.T) {
	to := Plan{ID: 2, Title: "Plan 2025"}
	r := CarryForwardReport(to, Commitment{Ref: "4.2"})
	if r.Status != CarriedForward || r.StatusReason != "Carried forward to Plan 2025 as commitment 4.2." ||
		r.Narrative != "" || r.CarriedForwardTo != "Plan 2025" ||
		r.CarriedForwardPlanID == nil || *r.CarriedForwardPlanID != 2 {
		t.Errorf("report = %+v", r)
	}
	if got := messageOf(CarryForwardRefTaken(to, "4.2")); got != "Plan 2025 already has a commitment 4.2" {
		t.Errorf("ref taken = %q", got)
	}
	if got := messageOf(CarryForwardUpdateOpen("4.2")); got != "You have an update in progress on commitment 4.2: submit or delete it first" {
		t.Errorf("update open = %q", got)
	}
}

func TestUpdateSentences(t *testing.T) {
	tests := []struct {
		name                       string
		u                          Update
		carriedTo, reason, narrate string
	}{
		{"carried forward by the portal now", Update{Status: CarriedForward, CarriedForwardTo: "Plan 2025",
			StatusReason: "Carried forward to Plan 2025 as commitment 4.2."}, "", "Carried forward to Plan 2025 as commitment 4.2.", ""},
		{"carried forward by the portal before: three sentences", Update{Status: CarriedForward, CarriedForwardTo: "Plan 2025",
			StatusReason: "Carried forward to Plan 2025.", Narrative: "Carried forward to Plan 2025 as commitment 4.2."},
			"", "", "Carried forward to Plan 2025 as commitment 4.2."},
		{"carried forward by staff with a reason of their own", Update{Status: CarriedForward, CarriedForwardTo: "Plan 2025",
			StatusReason: "The work continues next year.", Narrative: "The pilot ends in June."},
			"Plan 2025", "The work continues next year.", "The pilot ends in June."},
		{"narrative only", Update{Status: OnTrack, Narrative: "Going well."}, "", "", "Going well."},
		{"withdrawn, reason repeated in full", Update{Status: Withdrawn, StatusReason: "No funding.", Narrative: "No funding"},
			"", "No funding.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, r, n := tt.u.Sentences()
			if c != tt.carriedTo || r != tt.reason || n != tt.narrate {
				t.Errorf("Sentences() = %q, %q, %q; want %q, %q, %q", c, r, n, tt.carriedTo, tt.reason, tt.narrate)
			}
		})
	}
}

func TestCheckMakeCurrent(t *testing.T) {
	published := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	if err := CheckMakeCurrent(Plan{Title: "Plan 2025", PublishedOn: &published}); err != nil {
		t.Errorf("a published plan: %v", err)
	}
	err := CheckMakeCurrent(Plan{Title: "Plan 2025"})
	if got, want := messageOf(err), "Plan 2025 "+MsgNoPublicationDate; got != want || ErrorCode(err) != EINVALID {
		t.Errorf("a plan with no publication date: %q (%s), want %q", got, ErrorCode(err), want)
	}
}
