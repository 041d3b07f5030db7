package tracker

// CheckRole checks the role and organisation chosen for an account, as the user form sends them:
// role must name a role, and organisation must be "" (none) or the code of one of orgs, chosen
// for a delivery partner and for no one else. It returns a message for each field that is wrong,
// keyed by its field: role or organisation.
func CheckRole(role, organisation string, orgs []Organisation) []FieldError {
	var errs fieldErrors
	r, ok := ParseRole(role)
	if !ok {
		errs.add("role", "Select a role")
	}
	known := organisation == ""
	for _, o := range orgs {
		known = known || o.Code == organisation
	}
	switch {
	case !known:
		errs.add("organisation", "Select an organisation from the list")
	case ok && r == RolePartner && organisation == "":
		errs.add("organisation", "Select the organisation the delivery partner reports for")
	case ok && r != RolePartner && organisation != "":
		errs.add("organisation", "Select None: only delivery partners belong to an organisation")
	}
	return errs
}

// CheckRoleChange checks that an administrator, actorID, may change the role of the user
// userID: nobody may change their own. It returns a message keyed by the field role, or nil.
func CheckRoleChange(actorID, userID int64) []FieldError {
	if actorID == userID {
		return []FieldError{{Field: "role", Message: "You cannot change your own role"}}
	}
	return nil
}

// CheckDisable checks that an administrator, actorID, may disable or enable the account of the
// user userID: nobody may disable their own. It returns a message keyed by the field role, or
// nil.
func CheckDisable(actorID, userID int64) []FieldError {
	if actorID == userID {
		return []FieldError{{Field: "role", Message: "You cannot disable your own account"}}
	}
	return nil
}

// CheckLinkFor checks that a single-use link may be made for u: not while the account is
// disabled. It returns a message keyed by the field role, or nil.
func CheckLinkFor(u *User) []FieldError {
	if u.Disabled() {
		return []FieldError{{Field: "role", Message: "Enable the account before creating a link for it"}}
	}
	return nil
}
