package server

import (
	"net/http"
	"strings"
	"time"
)

// A notice is a message for the next page, like a flash, for a visitor who has no session: one
// who has just signed out, whose session has expired, or who has just set a password. It is kept
// in a short-lived cookie of its own holding one of a few fixed codes, so that no session row is
// ever made for someone who has not signed in, and nothing a visitor sends is shown back.
const (
	noticeSignedOut   = "signed-out"
	noticeExpired     = "expired"
	noticePasswordSet = "password-set"
)

// notices are the messages for the notice codes.
var notices = map[string]string{
	noticeSignedOut:   "You have signed out.",
	noticeExpired:     "You have been signed out because your session expired. Sign in again to continue.",
	noticePasswordSet: "Your password has been set. Sign in with your email address and new password.",
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
	msg    string
}

// notice leaves the message with the code for the next page this visitor sees, this request's
// own if it shows one.
func (s *Server) notice(r *http.Request, code string) {
	box, _ := r.Context().Value(noticeKey).(*noticeBox)
	if box == nil {
		return
	}
	box.msg = notices[code]
	box.setCookie(code, box.cookie.MaxAge)
}

// pop returns the notice and, if there is one, takes its cookie away.
func (b *noticeBox) pop() string {
	msg := b.msg
	if msg != "" {
		b.msg = ""
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
