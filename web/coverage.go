package web

import (
	"strconv"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// noOneSentence warns that reminders reach no one at n organisations.
func noOneSentence(n int) string {
	if n == 1 {
		return "No one to remind at 1 organisation: it has no active partner accounts and no contact address, so no reminder of this round reaches it."
	}
	return "No one to remind at " + strconv.Itoa(n) + " organisations: they have no active partner accounts and no contact address, so no reminder of this round reaches them."
}

// roundStateTagClass is the colour of the tag of a commitment's state in a round.
func roundStateTagClass(s tracker.RoundState) string {
	switch s {
	case tracker.RoundDraft:
		return "ds_tag--blue"
	case tracker.RoundReturned:
		return "ds_tag--orange"
	case tracker.RoundSubmitted:
		return "ds_tag--purple"
	case tracker.RoundPublished:
		return "ds_tag--green"
	}
	return "ds_tag--grey"
}

// roundUpdateText says whose update gives a commitment its state in a round, and when it got
// there, such as "NHS Education for Scotland, 5 October 2026".
func roundUpdateText(u tracker.RoundUpdate) string {
	who := u.Organisation.Name
	if who == "" {
		who = "Scottish Government staff"
	}
	return who + ", " + formDate(u.At)
}
