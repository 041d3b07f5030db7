// Package smtptest runs a real SMTP server in tests (github.com/emersion/go-smtp on
// 127.0.0.1:0), records the messages it accepts, decoded, and can refuse them with a temporary
// failure, as a relay that is down would.
package smtptest

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	portalmail "github.com/scottish-government/delivery-tracker/internal/mail"
)

// Message is a message the server accepted.
type Message struct {
	From   string
	To     []string
	Header mail.Header
	// Subject is the decoded subject.
	Subject string
	// Text and HTML are the decoded plain-text and HTML parts.
	Text, HTML string
	Raw        []byte
}

// Server is an SMTP server for one test.
type Server struct {
	Addr string
	srv  *smtp.Server

	mu       sync.Mutex
	msgs     []Message
	failing  bool
	refused  int
	changed  chan struct{}
	parseErr error
}

// Start starts a server on a free port of 127.0.0.1 and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{changed: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = l.Addr().String()
	go func() { _ = s.srv.Serve(l) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// Config returns the mail configuration that sends through the server.
func (s *Server) Config() portalmail.Config {
	host, port, _ := net.SplitHostPort(s.Addr)
	p, _ := strconv.Atoi(port)
	return portalmail.Config{Host: host, Port: p, From: "Delivery Tracker <no-reply@tracker.example>", TLS: portalmail.TLSNone}
}

// Mailer returns a mailer that sends through the server.
func (s *Server) Mailer(t testing.TB) *portalmail.SMTP {
	t.Helper()
	m, err := portalmail.NewSMTP(s.Config())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// SetFailing makes the server refuse every message with a temporary failure (451), or accept
// them again.
func (s *Server) SetFailing(failing bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = failing
}

// Refused returns how many messages the server refused while failing.
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// To returns the messages accepted so far for the address.
func (s *Server) To(addr string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		if slices.Contains(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

// Wait returns the messages once there are at least n, failing the test if they do not come
// within 10 seconds.
func (s *Server) Wait(t testing.TB, n int) []Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		s.mu.Lock()
		got, ch, perr := len(s.msgs), s.changed, s.parseErr
		s.mu.Unlock()
		if perr != nil {
			t.Fatalf("smtptest: %v", perr)
		}
		if got >= n {
			return s.Messages()
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("smtptest: %d messages arrived, want %d", got, n)
		}
	}
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }
func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	se.from = from
	return nil
}
func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := se.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		s.refused++
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Relay unavailable, try again later"}
	}
	m, err := parse(raw)
	if err != nil && s.parseErr == nil {
		s.parseErr = err
	}
	m.From, m.To = se.from, slices.Clone(se.to)
	s.msgs = append(s.msgs, m)
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

func parse(raw []byte) (Message, error) {
	m := Message{Raw: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return m, err
	}
	m.Header = msg.Header
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return m, err
	}
	return m, m.readPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

func (m *Message) readPart(contentType, encoding string, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := m.readPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
	return nil
}
