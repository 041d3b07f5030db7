package tracker

import (
	"fmt"
	"strings"
)

// Carrying forward: when a plan follows another, staff may carry open commitments of the
// previous plan into it. Each copy keeps the ref, what it will deliver, why and the lead lines
// (without organisations retired since), goes into the priority area with the same number, is due
// when the original is now expected, takes the original's status (its last published one) and
// links back to the original. The original gets a published update, status Carried forward,
// saying where it went, once.

// CarryForwardReason is the reason the carried-forward update gives, naming the plan that
// continues the commitment.
func CarryForwardReason(to Plan) string {
	return "Carried forward to " + to.Title + "."
}

// CheckCarryForward checks a request to carry n commitments forward into the plan to, before
// any is read: the plan must follow another, and at least one must be chosen.
func CheckCarryForward(to Plan, n int) error {
	if to.PreviousID == nil {
		return Invalid("commitments", "%s does not follow another plan, so it has nothing to carry forward", to.Title)
	}
	if n == 0 {
		return Invalid("commitments", "Choose the commitments to carry forward")
	}
	return nil
}

// ErrCarryForwardGone is returned when a commitment chosen to carry forward no longer exists.
var ErrCarryForwardGone = Invalid("commitments", "A chosen commitment no longer exists: check the list again")

// CarryForwardCopy returns the commitment that carries old forward into the plan to, whose
// priority areas in use are given by number (their IDs). The copy has no ID yet. It returns an
// EINVALID error about "commitments" if old is not in the plan to follows, has been carried
// forward already, is not open, or to has no priority area with old's number.
func CarryForwardCopy(to Plan, old Commitment, priorities map[int]int64) (Commitment, error) {
	switch {
	case to.PreviousID == nil || old.PlanID != *to.PreviousID:
		return Commitment{}, Invalid("commitments", "Commitment %s is not in the plan %s follows", old.Ref, to.Title)
	case old.CarriedForwardToID != nil:
		return Commitment{}, Invalid("commitments", "Commitment %s has been carried forward already", old.Ref)
	case !old.Status.Open():
		return Commitment{}, Invalid("commitments", "Commitment %s is %s, so it cannot be carried forward", old.Ref, old.Status.Label())
	case priorities[old.PriorityNumber] == 0:
		return Commitment{}, Invalid("commitments", "%s has no priority area %d for commitment %s: add it first", to.Title, old.PriorityNumber, old.Ref)
	}
	from := old.ID
	c := Commitment{
		PlanID: to.ID, PriorityID: priorities[old.PriorityNumber], PriorityNumber: old.PriorityNumber,
		PrioritySlug: old.PrioritySlug, PriorityName: old.PriorityName,
		Ref: old.Ref, Ordinal: old.Ordinal, Deliver: old.Deliver, Why: old.Why,
		Due: old.ExpectedBy(), Status: old.Status, CarriedForwardFromID: &from,
	}
	// Organisations retired since keep no place in the new plan.
	for _, l := range old.Leads {
		nl := LeadLine{Text: l.Text}
		for _, o := range l.Organisations {
			if o.RetiredAt == nil {
				nl.Organisations = append(nl.Organisations, o)
			}
		}
		c.Leads = append(c.Leads, nl)
	}
	return c, nil
}

// CarryForwardRefTaken is the error for carrying forward a commitment whose ref the plan to has
// already.
func CarryForwardRefTaken(to Plan, ref string) *Error {
	return Invalid("commitments", "%s already has a commitment %s", to.Title, ref)
}

// CarryForwardUpdateOpen is the error for carrying forward a commitment on which the member of
// staff doing it has an update in progress.
func CarryForwardUpdateOpen(ref string) *Error {
	return Invalid("commitments", "You have an update in progress on commitment %s: submit or delete it first", ref)
}

// CarryForwardReport is the update published on a commitment carried forward into the plan to as
// the commitment copy: status Carried forward, with one sentence, its reason, saying where it
// went and as which commitment, and no narrative to repeat it.
func CarryForwardReport(to Plan, copy Commitment) Report {
	planID := to.ID
	return Report{Status: CarriedForward,
		StatusReason:     fmt.Sprintf("Carried forward to %s as commitment %s.", to.Title, copy.Ref),
		CarriedForwardTo: to.Title, CarriedForwardPlanID: &planID}
}

// Sentences returns what a history of progress says of an update besides its status, each thing
// once: the later plan it was carried forward to (only when neither of the others names it), its
// reason and its narrative. Of a reason and a narrative where one only begins the other, as the
// portal once wrote when it carried a commitment forward, only the longer is kept.
func (u Update) Sentences() (carriedTo, reason, narrative string) {
	carriedTo, reason, narrative = u.CarriedForwardTo, u.StatusReason, u.Narrative
	bare := func(s string) string { return strings.TrimSuffix(strings.TrimSpace(s), ".") }
	if reason != "" && narrative != "" {
		switch r, n := bare(reason), bare(narrative); {
		case r == n:
			narrative = ""
		case strings.HasPrefix(n, r):
			reason = ""
		case strings.HasPrefix(r, n):
			narrative = ""
		}
	}
	if carriedTo != "" && (strings.Contains(reason, carriedTo) || strings.Contains(narrative, carriedTo)) {
		carriedTo = ""
	}
	return carriedTo, reason, narrative
}

// MsgNoPublicationDate is why a plan with no publication date cannot become the current plan.
const MsgNoPublicationDate = "has no publication date, so it cannot be made the current plan: add the date it was published under Change details first"

// CheckMakeCurrent checks that the plan may become the current plan: it must have been published
// (have a publication date). It returns an EINVALID error about "plan" if not.
func CheckMakeCurrent(p Plan) error {
	if p.PublishedOn == nil {
		return Invalid("plan", "%s %s", p.Title, MsgNoPublicationDate)
	}
	return nil
}
