package tracker

import "time"

// Role is what a user may do in the portal.
type Role string

// The roles. Admins do everything staff do and manage accounts; partners belong to one
// organisation and report on the commitments whose lead lines name it.
const (
	RoleAdmin   Role = "admin"
	RoleStaff   Role = "staff"
	RolePartner Role = "partner"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleStaff, RolePartner}

// ParseRole returns the role named by s, or false if s names none.
func ParseRole(s string) (Role, bool) { return parse(s, Roles) }

var roleLabels = labels[Role]{RoleAdmin: "Administrator", RoleStaff: "Scottish Government staff",
	RolePartner: "Delivery partner"}

// Label returns the role as people read it.
func (r Role) Label() string { return roleLabels.of(r, "Unknown") }

// User is a person who signs in.
type User struct {
	ID               int64
	Email            string
	Name             string
	Role             Role
	OrganisationID   *int64
	OrganisationCode string
	OrganisationName string
	DisabledAt       *time.Time
	// HasPassword is false until the user has followed their invitation or set-password link.
	HasPassword bool
	// SessionEpoch moves whenever every session of the user must end: when the account is
	// disabled or its password set. A session remembers the epoch it started in.
	SessionEpoch int
	LastSignInAt *time.Time
	Version      int
	CreatedAt    time.Time
}

// Disabled reports whether the account may no longer sign in.
func (u *User) Disabled() bool { return u != nil && u.DisabledAt != nil }

// IsStaff reports whether the user is Scottish Government staff or an admin, and active.
func (u *User) IsStaff() bool {
	return u != nil && !u.Disabled() && (u.Role == RoleStaff || u.Role == RoleAdmin)
}

// IsAdmin reports whether the user is an active admin.
func (u *User) IsAdmin() bool { return u != nil && !u.Disabled() && u.Role == RoleAdmin }

// Action is something a user may ask to do.
type Action string

// ActionReport is writing, saving and submitting a progress update on a commitment: staff may,
// and partners on the commitments whose lead lines name their organisation.
const ActionReport Action = "report"

// The actions active staff may take.
const (
	// ActionReview is reading submitted updates and review notes, returning and publishing them.
	ActionReview Action = "review"
	// ActionPublishOwn is staff writing and publishing an update themselves.
	ActionPublishOwn Action = "publish_own"
	// ActionSetClosingStatus is setting Withdrawn or Carried forward, with a reason.
	ActionSetClosingStatus Action = "set_closing_status"
	// ActionEditPlan is creating, editing and retiring plans, priority areas, commitments and
	// organisations, importing commitments and running reporting rounds.
	ActionEditPlan Action = "edit_plan"
	// ActionViewDashboard is reading the staff dashboard.
	ActionViewDashboard Action = "view_dashboard"
)

// The actions only active admins may take.
const (
	// ActionManageUsers is inviting, changing and disabling accounts.
	ActionManageUsers Action = "manage_users"
	// ActionReadAudit is reading the audit log.
	ActionReadAudit Action = "read_audit"
	// ActionReadFeedback is reading and downloading the public's feedback.
	ActionReadFeedback Action = "read_feedback"
)

// Actions lists every action.
var Actions = []Action{ActionReport, ActionReview, ActionPublishOwn, ActionSetClosingStatus,
	ActionEditPlan, ActionViewDashboard, ActionManageUsers, ActionReadAudit, ActionReadFeedback}

// Can reports whether u may take the action. For ActionReport, c is the commitment concerned: a
// partner may report only on commitments whose lead lines name their organisation. Nobody who is
// signed out or disabled may do anything.
func Can(u *User, a Action, c *Commitment) bool {
	if u == nil || u.Disabled() {
		return false
	}
	switch a {
	case ActionReport:
		if u.IsStaff() {
			return true
		}
		return u.Role == RolePartner && c != nil && u.OrganisationID != nil && c.LedBy(*u.OrganisationID)
	case ActionReview, ActionPublishOwn, ActionSetClosingStatus, ActionEditPlan, ActionViewDashboard, ActionReadFeedback:
		return u.IsStaff()
	case ActionManageUsers, ActionReadAudit:
		return u.IsAdmin()
	}
	return false
}

// LedBy reports whether a lead line of the commitment names the organisation.
func (c Commitment) LedBy(organisationID int64) bool {
	for _, l := range c.Leads {
		for _, o := range l.Organisations {
			if o.ID == organisationID {
				return true
			}
		}
	}
	return false
}

// Actor is who is making a change and from where, for the audit log.
type Actor struct {
	// User is nil for changes made by the system or from the command line.
	User       *User
	RemoteAddr string
	// Label names a non-user actor, such as "command line" or "reminder worker".
	Label string
}

// UserID returns the acting user's ID, or nil.
func (a Actor) UserID() *int64 {
	if a.User == nil {
		return nil
	}
	return &a.User.ID
}

// Name returns how the audit log names the actor: the user's email, or the label.
func (a Actor) Name() string {
	if a.User != nil {
		return a.User.Email
	}
	return a.Label
}
