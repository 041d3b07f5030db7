package tracker

import "strconv"

// Actions with a wide effect, such as disabling an account, making a plan current or retiring a
// record, are confirmed on a page of their own, which asks why. The reason is kept in the audit
// log with the change.

// FieldActionReason is the field of a confirmation page that says why the action is taken.
const FieldActionReason = "reason"

// MaxActionReason is the most characters the reason for a confirmed action may have.
const MaxActionReason = 1000

// ParseActionReason checks the reason typed on a confirmation page: required or not, and at most
// MaxActionReason characters. It returns the reason trimmed, with Unix line breaks.
func ParseActionReason(s string, required bool) (string, []FieldError) {
	reason := normaliseText(s)
	switch n := TextLength(reason); {
	case !ValidText(reason):
		return "", []FieldError{{Field: FieldActionReason, Message: "Reason " + invalidText}}
	case n == 0 && required:
		return "", []FieldError{{Field: FieldActionReason, Message: "Enter the reason: it is kept in the audit log"}}
	case n > MaxActionReason:
		return "", []FieldError{{Field: FieldActionReason, Message: "Reason must be " + strconv.Itoa(MaxActionReason) + " characters or fewer"}}
	}
	return reason, nil
}
