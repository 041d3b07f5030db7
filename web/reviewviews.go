package web

import "github.com/scottish-government/delivery-tracker/internal/tracker"

// PrivateView is what staff and the update's own organisation may read about an update and the
// public never does: the conversation about its return notes and the wording staff corrected.
type PrivateView struct {
	// Thread is the conversation about the open update; ReplyURL, where to reply to it ("" when
	// the user may not).
	Thread   []tracker.Message
	ReplyURL string
	// OpenCorrections are staff's corrections of the open update; Latest, the latest published
	// update from the user's organisation that staff corrected, and LatestCorrections what they
	// changed.
	OpenCorrections   []tracker.Correction
	Latest            *tracker.Update
	LatestCorrections []tracker.Correction
	// Staff is true when the reader is staff, who see names.
	Staff bool
}

// ReplyView is what /report/{ref}/reply shows: the conversation about a returned update and the
// form to reply.
type ReplyView struct {
	Row    CommitmentRow
	Update tracker.Update
	Thread []tracker.Message
	Staff  bool
	// Reply is what was typed, with its errors.
	Reply  string
	Errors []FieldError
	Action string
	// Back is the report form the reply is about.
	Back string
}
