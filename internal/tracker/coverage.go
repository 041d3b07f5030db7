package tracker

import "time"

// RoundState is how far a commitment's update has got in a reporting round.
type RoundState string

// The states of a commitment in a round, from least to furthest along.
const (
	// RoundNothingYet: no update on it has been started, submitted or published in the round.
	RoundNothingYet RoundState = "nothing"
	// RoundDraft: an organisation has saved a draft in the round and not submitted it.
	RoundDraft RoundState = "draft"
	// RoundReturned: staff returned an update to its organisation in the round, and it has not
	// been submitted again.
	RoundReturned RoundState = "returned"
	// RoundSubmitted: an update submitted in the round is waiting for review.
	RoundSubmitted RoundState = "submitted"
	// RoundPublished: an update was submitted or published in the round and is now published.
	RoundPublished RoundState = "published"
)

// RoundStates lists the states from least to furthest along.
var RoundStates = []RoundState{RoundNothingYet, RoundDraft, RoundReturned, RoundSubmitted, RoundPublished}

var roundStateLabels = labels[RoundState]{RoundNothingYet: "Nothing yet", RoundDraft: "Draft",
	RoundReturned: "Returned", RoundSubmitted: "Submitted", RoundPublished: "Published"}

// Label is the state in words, such as "Submitted".
func (s RoundState) Label() string { return roundStateLabels.of(s, string(s)) }

// rank orders the states: a later one is further along.
func (s RoundState) rank() int {
	for i, st := range RoundStates {
		if st == s {
			return i
		}
	}
	return 0
}

// Reported reports whether the state counts the commitment as reported in the round: an update
// has been submitted or published in it.
func (s RoundState) Reported() bool { return s == RoundSubmitted || s == RoundPublished }

// RoundUpdate is an update on a commitment of a round's plan that shows where the commitment
// stands in the round: a draft saved, an update returned, or one submitted or published, in the
// round (see Store.RoundUpdates).
type RoundUpdate struct {
	ID           int64
	CommitmentID int64
	State        UpdateState
	// Organisation is the organisation whose update it is; zero for one staff wrote themselves.
	Organisation Organisation
	// At is when it reached its state: saved, returned, submitted or published.
	At time.Time
}

// RoundState is the state in a round that the update gives its commitment.
func (u RoundUpdate) RoundState() RoundState {
	switch u.State {
	case StateDraft:
		return RoundDraft
	case StateReturned:
		return RoundReturned
	case StateSubmitted:
		return RoundSubmitted
	case StatePublished:
		return RoundPublished
	}
	return RoundNothingYet
}

// WithUpdates gives each commitment of the coverage its state in the round: that of the update
// furthest along among its updates in the round (the latest of those equally far), or
// RoundNothingYet. A commitment led by several organisations stands where the furthest of them
// does, as one update covers it for all of them.
func (c Coverage) WithUpdates(us []RoundUpdate) Coverage {
	best := map[int64]RoundUpdate{}
	for _, u := range us {
		b, ok := best[u.CommitmentID]
		if !ok || u.RoundState().rank() > b.RoundState().rank() ||
			(u.RoundState() == b.RoundState() && u.At.After(b.At)) {
			best[u.CommitmentID] = u
		}
	}
	cs := make([]CommitmentCoverage, len(c.Commitments))
	for i, cc := range c.Commitments {
		cc.State, cc.Update = RoundNothingYet, nil
		if u, ok := best[cc.Commitment.ID]; ok {
			cc.State, cc.Update = u.RoundState(), &u
		}
		cs[i] = cc
	}
	c.Commitments = cs
	return c
}

// Partner is an active partner account of an organisation: one reminded of a reporting round.
type Partner struct {
	UserID int64
	Email  string
	Name   string
	// Invited says that they have not set a password yet: they are reminded, and can sign in
	// once they have followed their invitation.
	Invited bool
}

// WithPartners gives each organisation of the coverage its record as stored, from orgs (lead
// lines carry only its code and name, not its contact address), and its active partner accounts,
// from the partners by organisation ID.
func (c Coverage) WithPartners(orgs []Organisation, byOrg map[int64][]Partner) Coverage {
	stored := make(map[int64]Organisation, len(orgs))
	for _, o := range orgs {
		stored[o.ID] = o
	}
	os := make([]OrganisationCoverage, len(c.Organisations))
	for i, o := range c.Organisations {
		if full, ok := stored[o.Organisation.ID]; ok {
			o.Organisation = full
		}
		o.Partners = byOrg[o.Organisation.ID]
		os[i] = o
	}
	c.Organisations = os
	return c
}

// Contact returns the organisation's fallback contact address when it is the one reminded of
// the round: the organisation has no active partner accounts and staff have given one. It returns
// "" otherwise.
func (o OrganisationCoverage) Contact() string {
	if len(o.Partners) > 0 {
		return ""
	}
	return o.Organisation.ContactEmail
}

// NoOneToRemind reports whether reminders of the round would reach no one at the organisation: it
// has no active partner accounts and no fallback contact address.
func (o OrganisationCoverage) NoOneToRemind() bool {
	return len(o.Partners) == 0 && o.Organisation.ContactEmail == ""
}

// NoOneToRemind returns how many of the coverage's organisations no reminder would reach.
func (c Coverage) NoOneToRemind() int {
	n := 0
	for _, o := range c.Organisations {
		if o.NoOneToRemind() {
			n++
		}
	}
	return n
}
