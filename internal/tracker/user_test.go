package tracker

import (
	"testing"
	"time"
)

// TestCan runs every action for every kind of user, on a commitment of their own organisation
// and of another.
func TestCan(t *testing.T) {
	own, other := int64(1), int64(2)
	c := &Commitment{Ref: "4.2", Leads: []LeadLine{{Text: "NES", Organisations: []Organisation{{ID: own, Code: "NES"}}}}}
	disabledAt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	users := map[string]*User{
		"anonymous":          nil,
		"admin":              {Role: RoleAdmin},
		"staff":              {Role: RoleStaff},
		"partner (lead org)": {Role: RolePartner, OrganisationID: &own},
		"partner (other)":    {Role: RolePartner, OrganisationID: &other},
		"disabled admin":     {Role: RoleAdmin, DisabledAt: &disabledAt},
		"disabled staff":     {Role: RoleStaff, DisabledAt: &disabledAt},
		"disabled partner":   {Role: RolePartner, OrganisationID: &own, DisabledAt: &disabledAt},
	}
	allowed := map[Action][]string{
		ActionReport:           {"admin", "staff", "partner (lead org)"},
		ActionReview:           {"admin", "staff"},
		ActionPublishOwn:       {"admin", "staff"},
		ActionSetClosingStatus: {"admin", "staff"},
		ActionEditPlan:         {"admin", "staff"},
		ActionViewDashboard:    {"admin", "staff"},
		ActionManageUsers:      {"admin"},
		ActionReadAudit:        {"admin"},
		ActionReadFeedback:     {"admin", "staff"},
	}
	if len(allowed) != len(Actions) {
		t.Fatalf("the table covers %d actions, there are %d", len(allowed), len(Actions))
	}
	for _, a := range Actions {
		for name, u := range users {
			t.Run(string(a)+"/"+name, func(t *testing.T) {
				want := false
				for _, n := range allowed[a] {
					want = want || n == name
				}
				if got := Can(u, a, c); got != want {
					t.Errorf("Can(%s, %s, 4.2 led by org 1) = %v, want %v", name, a, got, want)
				}
			})
		}
	}
	// A partner with no commitment named may not report.
	if Can(users["partner (lead org)"], ActionReport, nil) {
		t.Error("a partner may report without a commitment")
	}
	// No lead organisation named: only staff may report.
	none := &Commitment{Ref: "4.4"}
	if Can(users["partner (lead org)"], ActionReport, none) || !Can(users["staff"], ActionReport, none) {
		t.Error("4.4 names no lead: partners must not report on it, staff may")
	}
}
