package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// A notice is a message for the next page, like a flash, for a visitor who has no session: one
// who has just signed out, whose session has ended, or who has just set a password. It is kept
// in a short-lived cookie of its own holding one of a few fixed codes, so that no session row is
// ever made for someone who has not signed in, and nothing a visitor sends is shown back.
const (
	noticeSignedOut   = "signed-out"
	noticePasswordSet = "password-set"
	// noticeEnded and noticeKept begin the codes for a session that ended, followed by the code
	// of why (see endCodes): noticeKept when what the person typed into the form they sent was
	// kept.
	noticeEnded = "ended-"
	noticeKept  = "kept-"
)

// endCodes are the codes of why a session ended, as notice codes end with them.
var endCodes = map[tracker.SessionEnd]string{
	tracker.SessionIdle:     "idle",
	tracker.SessionLifetime: "lifetime",
	tracker.SessionsEnded:   "everywhere",
	tracker.SessionDisabled: "disabled",
}

// endedNotice returns the code of the notice for a session that ended for the reason, kept
// saying whether the form the person sent was kept; "" when the person is not told.
func endedNotice(reason tracker.SessionEnd, kept bool) string {
	code, ok := endCodes[reason]
	switch {
	case !ok:
		return ""
	case kept:
		return noticeKept + code
	default:
		return noticeEnded + code
	}
}

// noticeMessage is a notice: its text and whether it is important (shown as a notification)
// rather than good news (a success banner).
type noticeMessage struct {
	text      string
	important bool
}

// noticeText returns the notice with the code, the zero noticeMessage for a code there is none
// for.
func (s *Server) noticeText(code string) noticeMessage {
	switch code {
	case noticeSignedOut:
		return noticeMessage{text: "You have signed out."}
	case noticePasswordSet:
		return noticeMessage{text: "Your password has been set. Sign in with your email address and new password."}
	}
	for reason, c := range endCodes {
		switch code {
		case noticeEnded + c:
			return noticeMessage{text: tracker.SessionEndedMessage(reason, s.idle, s.lifetime, false), important: true}
		case noticeKept + c:
			return noticeMessage{text: tracker.SessionEndedMessage(reason, s.idle, s.lifetime, true), important: true}
		}
	}
	return noticeMessage{}
}

// noticeCookie returns the notice cookie's settings: like the session cookie's, and gone after
// five minutes.
func (s *Server) noticeCookie() http.Cookie {
	return http.Cookie{Name: noticeCookieName(s.secure), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		MaxAge: int(noticeCookieAge / time.Second), Secure: s.secure}
}

// noticeBox is the request's notice: the one its cookie brought or the request left, and the
// response's headers, so that showing the notice can take its cookie away before they are sent.
type noticeBox struct {
	header http.Header
	cookie http.Cookie
	msg    noticeMessage
}

// notice leaves the message with the code for the next page this visitor sees, this request's
// own if it shows one.
func (s *Server) notice(r *http.Request, code string) {
	box, _ := r.Context().Value(noticeKey).(*noticeBox)
	if box == nil || code == "" {
		return
	}
	box.msg = s.noticeText(code)
	box.setCookie(code, box.cookie.MaxAge)
}

// pop returns the notice and, if there is one, takes its cookie away.
func (b *noticeBox) pop() noticeMessage {
	msg := b.msg
	if msg.text != "" {
		b.msg = noticeMessage{}
		b.setCookie("", -1)
	}
	return msg
}

// setCookie sets the notice cookie on the response, in place of any set before.
func (b *noticeBox) setCookie(value string, maxAge int) {
	c := b.cookie
	c.Value, c.MaxAge = value, maxAge
	old := b.header.Values("Set-Cookie")
	b.header.Del("Set-Cookie")
	for _, v := range old {
		if !strings.HasPrefix(v, c.Name+"=") {
			b.header.Add("Set-Cookie", v)
		}
	}
	b.header.Add("Set-Cookie", c.String())
}
