package tracker

// The messages of the page for a request that no page of the portal sends (400), and of a
// change refused because the record changed meanwhile.
const (
	// MsgBadReportAction answers a progress report sent with no known action.
	MsgBadReportAction = "Choose Save draft or Submit for review."
	// MsgBadReviewAction answers a review sent with no known decision.
	MsgBadReviewAction = "Choose Publish or Return to partner."
	// MsgBadImportData answers an import confirmed with a file that did not come back whole.
	MsgBadImportData = "The file to import was not sent back whole. Upload it again."
	// MsgQueryTooLong answers a web address whose query string is too long to read.
	MsgQueryTooLong = "The web address is too long."
	// MsgQueryInvalid answers a web address whose query string is not well formed.
	MsgQueryInvalid = "The web address is not valid."
	// MsgQueryText answers a web address with characters no page uses.
	MsgQueryText = "The web address contains characters that are not allowed."
	// MsgFormUnreadable answers a form body that is not well formed.
	MsgFormUnreadable = "The form could not be read."
	// MsgFormText answers a form with characters no form uses.
	MsgFormText = "The form contains characters that are not allowed, such as invisible control characters."
	// MsgChangedMeanwhile answers a confirmed action on a record that changed since the page
	// asking to confirm it was shown.
	MsgChangedMeanwhile = "It changed while you were looking at it: go back, check it and try again"
)
