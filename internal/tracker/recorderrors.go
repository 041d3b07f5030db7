package tracker

// The errors a change to a record can meet when it clashes with records already kept: the store
// chooses which one a violated constraint means, and these say it in words. The field of each
// EINVALID error is the domain's name for what was entered.

// ErrPlanSlugTaken is the error for a plan whose address another plan (even a retired one) has.
func ErrPlanSlugTaken(slug string) *Error {
	return Invalid("slug", "There is already a plan with the address %s: choose another", slug)
}

// ErrRetireCurrentPlan is returned for an attempt to retire the current plan.
var ErrRetireCurrentPlan = Invalid("plan", "The current plan cannot be retired: make another plan current first")

// ErrPrioritySlugTaken is the error for a priority area whose address another of the plan's has.
func ErrPrioritySlugTaken(slug string) *Error {
	return Invalid("slug", "The plan already has a priority area with the address %s", slug)
}

// ErrPriorityNumberTaken is the error for a priority area whose number another of the plan's has.
func ErrPriorityNumberTaken(number int) *Error {
	return Invalid("number", "The plan already has a priority area %d", number)
}

// ErrPriorityInUse is the error for retiring a priority area that still holds n commitments.
func ErrPriorityInUse(n int) *Error {
	return Invalid("priority", "The priority area still has %d commitments: move or retire them first", n)
}

// ErrOrganisationCodeTaken is the error for an organisation whose code another (even a retired
// one) has.
func ErrOrganisationCodeTaken(code string) *Error {
	return Invalid("code", "There is already an organisation with the code %s", code)
}

// ErrNoSuchOrganisation is the error for an organisation code that names no organisation in use.
func ErrNoSuchOrganisation(code string) *Error {
	return Errorf(EINVALID, "There is no organisation with the code %s", code)
}

// ErrCommitmentRefTaken is the error for a commitment whose ref another of the plan's (even a
// retired one) has.
func ErrCommitmentRefTaken(ref string) *Error {
	return Invalid("ref", "The plan already has a commitment %s: choose another number", ref)
}

// ErrPriorityNotInPlan is returned for a commitment put in a priority area that is not one of its
// plan's in use.
var ErrPriorityNotInPlan = Invalid("priority", "Choose a priority area of this plan")

// ErrRoundNotClosed is returned for a round opened on a plan that has a round not yet closed.
var ErrRoundNotClosed = Invalid("plan", "The plan already has a round that is not closed: close it before opening another")

// ErrRoundNameTaken is the error for a round whose name another of the plan's rounds has.
func ErrRoundNameTaken(name string) *Error {
	return Invalid("name", "The plan already has a round called %s", name)
}

// ErrRoundPlan is returned for a round opened on a plan that does not exist or is retired.
var ErrRoundPlan = Invalid("plan", "Choose a plan")

// ErrEmailTaken is returned when an account with the email address exists already.
var ErrEmailTaken = Errorf(ECONFLICT, "An account with that email address already exists")

// ErrLastAdmin is returned for a change that would leave no active administrator.
var ErrLastAdmin = Errorf(ECONFLICT, "There must always be at least one active administrator")

// ErrUserChanged is returned when the account was changed by someone else since the form was
// shown.
var ErrUserChanged = Errorf(ECONFLICT, "Someone else changed this account while you were working on it. Check the details and try again")

// RoleOrganisationError returns what is wrong with giving an account the role and, when
// organisation is not "", the organisation with that code: partners, and only partners, belong
// to an organisation. It returns nil when they fit together.
func RoleOrganisationError(role Role, organisation string) error {
	if _, ok := ParseRole(string(role)); !ok {
		return Errorf(EINVALID, "Choose a role")
	}
	if role == RolePartner && organisation == "" {
		return Errorf(EINVALID, "Choose the organisation a delivery partner belongs to")
	}
	if role != RolePartner && organisation != "" {
		return Errorf(EINVALID, "Only delivery partners belong to an organisation")
	}
	return nil
}

// ReportPermission returns why the user may not save a report with the status as the action asks,
// or nil if they may: they must be signed in, and only staff publish their own updates or set a
// staff-only status. Whether they may report on the commitment at all is Can's ActionReport.
func ReportPermission(u *User, a ReportAction, s Status) error {
	if u == nil {
		return Errorf(EUNAUTHORISED, "Sign in to report progress")
	}
	if a == ActionPublish && !Can(u, ActionPublishOwn, nil) {
		return Errorf(EFORBIDDEN, "Only Scottish Government staff can publish updates")
	}
	if s.StaffOnly() && !Can(u, ActionSetClosingStatus, nil) {
		return Errorf(EFORBIDDEN, "Only Scottish Government staff can set %s", s.Label())
	}
	return nil
}

// ErrUpdateStartedTwice is the conflict of two people of one organisation starting an update on
// the same commitment at the same instant.
func ErrUpdateStartedTwice() *ConflictError {
	return &ConflictError{Message: "Someone else started an update for this commitment at the same time. Check it before you send yours."}
}
