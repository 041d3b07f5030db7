package tracker

import (
	"strings"
	"unicode/utf8"
)

// OrganisationInput is the organisation form as submitted, every field as typed. AsWritten holds
// the ways plans write the organisation's name, one a line.
type OrganisationInput struct {
	Code         string
	Name         string
	AsWritten    string
	ContactEmail string
}

// ParseOrganisation checks an organisation as staff type it. It trims the fields, upper-cases the
// code and splits AsWritten into its non-blank lines. isNew says whether the organisation is being
// added: only then is the code asked for and checked, as it cannot change afterwards. It returns
// the organisation (ID and version unset) and a message for each field that is wrong, in the order
// of the form, each keyed by its field: code, name, as_written or contact_email. The contact
// address is optional; given, it must be an email address (EmailProblem). The organisation is only
// fit to save when there are none.
func ParseOrganisation(in OrganisationInput, isNew bool) (Organisation, []FieldError) {
	o := Organisation{Code: strings.ToUpper(strings.TrimSpace(in.Code)), Name: strings.TrimSpace(in.Name),
		AsWritten: SplitLines(in.AsWritten), ContactEmail: NormaliseEmail(in.ContactEmail)}
	var errs fieldErrors
	if isNew {
		errs.shaped("code", o.Code, ValidCode, "Enter a code for the organisation, such as NHS-BOARDS",
			"The code must be capital letters, numbers and hyphens, starting with a letter or number, 40 characters at most")
	}
	errs.text("name", o.Name, "the organisation’s name", true, MaxTitle)
	switch {
	case len(o.AsWritten) > MaxAsWritten:
		errs.add("as_written", "Enter %d ways of writing it or fewer", MaxAsWritten)
	default:
		for i, a := range o.AsWritten {
			if utf8.RuneCountInString(a) > MaxShortText {
				errs.add("as_written", "Line %d must be %d characters or fewer", i+1, MaxShortText)
				break
			}
		}
	}
	if o.ContactEmail != "" {
		if p := EmailProblem(o.ContactEmail); p != "" {
			errs.add("contact_email", "%s", strings.Replace(p, "Email address", "The contact address", 1))
		}
	}
	return o, errs
}
