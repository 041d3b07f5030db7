package tracker

import (
	"errors"
	"testing"
)

func TestRoleOrganisationError(t *testing.T) {
	tests := []struct {
		role Role
		org  string
		want string
	}{
		{RolePartner, "NES", ""},
		{RoleStaff, "", ""},
		{RoleAdmin, "", ""},
		{Role("root"), "", "Choose a role"},
		{RolePartner, "", "Choose the organisation a delivery partner belongs to"},
		{RoleStaff, "NES", "Only delivery partners belong to an organisation"},
	}
	for _, tt := range tests {
		err := RoleOrganisationError(tt.role, tt.org)
		if got := messageOf(err); got != tt.want {
			t.Errorf("RoleOrganisationError(%q, %q) = %q, want %q", tt.role, tt.org, got, tt.want)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("code = %q, want %q", ErrorCode(err), EINVALID)
		}
	}
}

func TestReportPermission(t *testing.T) {
	org := int64(1)
	partner := &User{Role: RolePartner, OrganisationID: &org}
	staff := &User{Role: RoleStaff}
	tests := []struct {
		name   string
		user   *User
		action ReportAction
		status Status
		code   string
	}{
		{"signed out", nil, ActionDraft, OnTrack, EUNAUTHORISED},
		{"partner submits", partner, ActionSubmit, OnTrack, ""},
		{"partner publishes", partner, ActionPublish, OnTrack, EFORBIDDEN},
		{"partner withdraws", partner, ActionSubmit, Withdrawn, EFORBIDDEN},
		{"staff publish", staff, ActionPublish, OnTrack, ""},
		{"staff carry forward", staff, ActionPublish, CarriedForward, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(ReportPermission(tt.user, tt.action, tt.status)); got != tt.code {
				t.Errorf("code = %q, want %q", got, tt.code)
			}
		})
	}
}

func TestUnavailableWrapsItsCause(t *testing.T) {
	cause := errors.New("connection refused")
	err := Unavailable(cause)
	if !IsUnavailable(err) || !errors.Is(err, cause) || ErrorMessage(err) == "" || ErrorMessage(err) == cause.Error() {
		t.Errorf("Unavailable(%v) = %v (message %q)", cause, err, ErrorMessage(err))
	}
	if IsUnavailable(ErrNotFound) || IsUnavailable(cause) {
		t.Error("IsUnavailable is true of other errors")
	}
}
