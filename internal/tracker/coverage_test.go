package tracker

import (
	"testing"
	"time"
)

func TestCoverageWithUpdates(t *testing.T) {
	nes := Organisation{ID: 1, Code: "NES", Name: "NHS Education for Scotland"}
	cso := Organisation{ID: 2, Code: "CSO", Name: "Chief Scientist Office", ContactEmail: "team@cso.example"}
	lead := func(os ...Organisation) []LeadLine { return []LeadLine{{Text: "leads", Organisations: os}} }
	cs := []Commitment{{ID: 1, Ref: "4.1", Leads: lead(nes)}, {ID: 2, Ref: "4.2", Leads: lead(nes, cso)},
		{ID: 3, Ref: "4.3", Leads: lead(cso)}, {ID: 4, Ref: "4.4", Leads: lead(nes)}, {ID: 5, Ref: "4.5"}}
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC) }
	us := []RoundUpdate{
		{ID: 10, CommitmentID: 1, State: StateDraft, At: day(2)},
		{ID: 11, CommitmentID: 2, State: StateReturned, Organisation: cso, At: day(9)},
		{ID: 12, CommitmentID: 2, State: StateSubmitted, Organisation: nes, At: day(3)}, // further along than returned
		{ID: 13, CommitmentID: 3, State: StatePublished, At: day(4)},
		{ID: 14, CommitmentID: 3, State: StateSubmitted, At: day(8)}, // published is further along
		{ID: 15, CommitmentID: 4, State: StateReturned, At: day(5)},
		{ID: 16, CommitmentID: 4, State: StateReturned, At: day(7)}, // the latest of two returned
	}
	cov := CoverageOf(Plan{}, Round{}, cs, nil).WithUpdates(us)
	want := map[string]struct {
		state  RoundState
		update int64
	}{"4.1": {RoundDraft, 10}, "4.2": {RoundSubmitted, 12}, "4.3": {RoundPublished, 13}, "4.4": {RoundReturned, 16}, "4.5": {RoundNothingYet, 0}}
	for _, c := range cov.Commitments {
		w := want[c.Commitment.Ref]
		var id int64
		if c.Update != nil {
			id = c.Update.ID
		}
		if c.State != w.state || id != w.update {
			t.Errorf("%s is %s by update %d, want %s by %d", c.Commitment.Ref, c.State, id, w.state, w.update)
		}
		if c.State.Reported() != (w.state == RoundSubmitted || w.state == RoundPublished) {
			t.Errorf("%s: Reported() = %v", c.Commitment.Ref, c.State.Reported())
		}
	}

	// Who is reminded: partners, else the contact address, else no one.
	bare := cso
	bare.ContactEmail = ""
	cov = cov.WithPartners([]Organisation{nes, cso}, map[int64][]Partner{1: {{UserID: 7, Email: "ann@nes.example"}}})
	for _, o := range cov.Organisations {
		switch o.Organisation.Code {
		case "NES":
			if len(o.Partners) != 1 || o.Contact() != "" || o.NoOneToRemind() {
				t.Errorf("NES = %+v", o)
			}
		case "CSO":
			if o.Contact() != "team@cso.example" || o.NoOneToRemind() {
				t.Errorf("CSO, with only a contact address = %+v", o)
			}
		}
	}
	if cov.NoOneToRemind() != 0 {
		t.Errorf("NoOneToRemind = %d, want 0", cov.NoOneToRemind())
	}
	cov = cov.WithPartners([]Organisation{nes, bare}, nil)
	if cov.NoOneToRemind() != 2 {
		t.Errorf("with no partners and no contact, NoOneToRemind = %d, want 2", cov.NoOneToRemind())
	}
	withContact := OrganisationCoverage{Organisation: cso, Partners: []Partner{{UserID: 8}}}
	if withContact.Contact() != "" {
		t.Error("the contact address is reminded although the organisation has a partner")
	}
}
