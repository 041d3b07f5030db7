package tracker

import "testing"

func TestCheckRole(t *testing.T) {
	orgs := []Organisation{{ID: 1, Code: "NHS-BOARDS", Name: "NHS boards"}}
	tests := []struct {
		name, role, org string
		want            []string
	}{
		{"staff", "staff", "", nil},
		{"admin", "admin", "", nil},
		{"partner", "partner", "NHS-BOARDS", nil},
		{"no role", "", "", []string{"role: Select a role"}},
		{"unknown role", "owner", "", []string{"role: Select a role"}},
		{"unknown organisation", "partner", "NOBODY", []string{"organisation: Select an organisation from the list"}},
		{"unknown both", "owner", "NOBODY", []string{"role: Select a role", "organisation: Select an organisation from the list"}},
		{"partner without one", "partner", "", []string{"organisation: Select the organisation the delivery partner reports for"}},
		{"staff with one", "staff", "NHS-BOARDS", []string{"organisation: Select None: only delivery partners belong to an organisation"}},
		{"no role with one", "", "NHS-BOARDS", []string{"role: Select a role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblems(t, CheckRole(tt.role, tt.org, orgs), tt.want)
		})
	}
}
