package tracker

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Feedback is what a visitor told us about a page: whether it was useful (nil when they did not
// say), what they were doing and what went wrong. It holds no personal data: no address, session
// or account is kept with it.
type Feedback struct {
	ID int64
	// Page is the path of the page the feedback is about, such as /commitments/4.2, or "" when
	// it is about the service as a whole.
	Page      string
	Useful    *bool
	Doing     string
	WentWrong string
	CreatedAt time.Time
}

// Limits and times of the feedback form.
const (
	// MaxFeedbackText is the most characters each answer of the feedback form may have.
	MaxFeedbackText = 1200
	// MaxFeedbackPage is the longest page path feedback is kept against; a longer one is kept
	// as "".
	MaxFeedbackPage = 500
	// FeedbackMinFill is the least time between showing the feedback form and sending it: a form
	// sent sooner was filled in by a program, and is thanked for and thrown away.
	FeedbackMinFill = 2 * time.Second
	// FeedbackMaxAge is how long a feedback form stays valid once shown. One sent later comes
	// back to be sent again, with what was typed.
	FeedbackMaxAge = 24 * time.Hour
	// FeedbackRetention is how long feedback is kept before it is deleted.
	FeedbackRetention = 2 * 365 * 24 * time.Hour
	// ThrottleRetention is how long a throttle's count of attempts (sign-ins, reset requests,
	// feedback) is kept after the last attempt it counted.
	ThrottleRetention = 24 * time.Hour
)

// The names of the fields of the feedback form. FieldFeedbackTrap is the honeypot: hidden from
// people, so that only a program fills it in.
const (
	FieldFeedbackPage    = "path"
	FieldFeedbackUseful  = "useful"
	FieldFeedbackDoing   = "doing"
	FieldFeedbackWrong   = "went_wrong"
	FieldFeedbackStarted = "started"
	FieldFeedbackTrap    = "website"
)

// FeedbackInput is the feedback form as sent, every field as typed.
type FeedbackInput struct {
	Page      string
	Useful    string // "yes", "no" or ""
	Doing     string
	WentWrong string
}

// ParseFeedback checks the feedback form and returns the feedback it gives, or the problems
// found, each naming its field. Every answer is optional, but the form must say something: that
// the page was useful or not, or what the visitor was doing or what went wrong. A page path that
// is not a path on this site is dropped rather than shown as an error: nobody types it.
func ParseFeedback(in FeedbackInput) (Feedback, []FieldError) {
	f := Feedback{Page: FeedbackPage(in.Page), Doing: normaliseText(in.Doing), WentWrong: normaliseText(in.WentWrong)}
	var ps []FieldError
	switch in.Useful {
	case "":
	case "yes", "no":
		useful := in.Useful == "yes"
		f.Useful = &useful
	default:
		ps = append(ps, FieldError{Field: FieldFeedbackUseful, Message: "Select yes or no"})
	}
	for _, t := range []struct{ field, name, text string }{
		{FieldFeedbackDoing, "What you were doing", f.Doing},
		{FieldFeedbackWrong, "What went wrong", f.WentWrong},
	} {
		switch {
		case !ValidText(t.text):
			ps = append(ps, FieldError{Field: t.field, Message: t.name + " " + invalidText})
		case TextLength(t.text) > MaxFeedbackText:
			ps = append(ps, FieldError{Field: t.field, Message: t.name + " must be " + strconv.Itoa(MaxFeedbackText) + " characters or fewer"})
		}
	}
	if len(ps) == 0 && f.Useful == nil && f.Doing == "" && f.WentWrong == "" {
		if f.Page != "" {
			ps = append(ps, FieldError{Field: FieldFeedbackUseful, Message: "Select whether the page is useful, or tell us what you were doing or what went wrong"})
		} else {
			ps = append(ps, FieldError{Field: FieldFeedbackDoing, Message: "Tell us what you were doing or what went wrong"})
		}
	}
	if len(ps) > 0 {
		return Feedback{}, ps
	}
	return f, nil
}

// FeedbackPage returns the path of a page on this site that feedback is about, from the path or
// the full address of the page (so that staff may paste either into a filter): the path alone,
// without its query or fragment, which can hold what someone searched for. It returns "" for
// anything that is not a path on this site.
func FeedbackPage(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || !ValidText(raw) || strings.ContainsAny(raw, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") || (u.Scheme == "") != (u.Host == "") {
		return ""
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || len(p) > MaxFeedbackPage || !ValidText(p) {
		return ""
	}
	return p
}

// FeedbackAnswer is how the useful answer reads in a list or a download: "Yes", "No" or "".
func FeedbackAnswer(useful *bool) string {
	switch {
	case useful == nil:
		return ""
	case *useful:
		return "Yes"
	}
	return "No"
}

// FeedbackThrottle returns the rule sending feedback from one client is subject to: 10 forms in
// any hour, then a lock of an hour. The client's address (its /64 network for IPv6) is kept in
// the throttle only as a keyed hash, so that the count holds no address.
func FeedbackThrottle(addr string, key []byte) []ThrottleRule {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("feedback-throttle:" + throttleNetwork(addr)))
	return []ThrottleRule{
		{Key: "feedback:" + hex.EncodeToString(mac.Sum(nil)[:16]), Free: 10, Base: time.Hour, Max: time.Hour, Window: time.Hour},
	}
}

// SignFormTime returns a token that records when a form was shown, signed with key so that it
// cannot be made up: the time in Unix seconds, a dot and a MAC of it.
func SignFormTime(key []byte, shown time.Time) string {
	s := strconv.FormatInt(shown.Unix(), 10)
	return s + "." + formTimeMAC(key, s)
}

// FormTime returns the time a token made by SignFormTime records, and false for a token that
// was not made with key or is malformed.
func FormTime(key []byte, token string) (time.Time, bool) {
	s, mac, ok := strings.Cut(token, ".")
	if !ok || len(s) == 0 || len(s) > 12 {
		return time.Time{}, false
	}
	secs, err := strconv.ParseInt(s, 10, 64)
	if err != nil || secs < 0 || !hmac.Equal([]byte(mac), []byte(formTimeMAC(key, s))) {
		return time.Time{}, false
	}
	return time.Unix(secs, 0), true
}

func formTimeMAC(key []byte, secs string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("form-time:" + secs))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:18])
}

// FillTime is how long a form took to fill in, judged against the feedback form's limits.
type FillTime int

// The judgements of FeedbackFillTime.
const (
	// FillOK is a form sent in good time.
	FillOK FillTime = iota
	// FillTooFast is a form sent sooner than a person could: a program's.
	FillTooFast
	// FillExpired is a form shown too long ago, to be sent again.
	FillExpired
)

// FeedbackFillTime judges a feedback form shown at shown and sent at now.
func FeedbackFillTime(shown, now time.Time) FillTime {
	switch d := now.Sub(shown); {
	case d < FeedbackMinFill:
		return FillTooFast
	case d > FeedbackMaxAge:
		return FillExpired
	}
	return FillOK
}

// MsgFeedbackExpired asks a visitor to send a feedback form again that they opened too long ago.
const MsgFeedbackExpired = "This form was opened more than a day ago. Check your feedback and send it again"

// FeedbackThrottled is the message for a client that has sent too much feedback.
func FeedbackThrottled(wait time.Duration) []FieldError {
	return []FieldError{{Field: FieldFeedbackDoing, Message: "You have sent a lot of feedback in the last hour. Try again in " + waitWords(wait)}}
}
