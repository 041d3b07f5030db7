// Package mail sends the portal's email: account invitations, password resets and, for other
// parts of the portal, reminders. SMTP sends through a relay with github.com/wneessen/go-mail;
// Recorder keeps messages in memory for tests.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is an email to one recipient: plain text, with an HTML alternative when HTML is set.
type Message struct {
	To      string
	Subject string
	Body    string
	// HTML, when set, is sent beside Body as multipart/alternative.
	HTML string
	// ListUnsubscribe, when set, is the one-click unsubscribe address (RFC 8058): the message
	// carries List-Unsubscribe and List-Unsubscribe-Post headers naming it.
	ListUnsubscribe string
	// ID, when set, is the Message-ID (without angle brackets): the same on every attempt to
	// send one email, so that a copy sent again after a failure can be recognised as the same.
	ID string
}

// Mailer sends messages.
type Mailer interface {
	// Send delivers the message to the relay, or returns why it could not.
	Send(ctx context.Context, m Message) error
}

// TLS modes for the connection to the relay.
const (
	// TLSStartTLS upgrades the connection with STARTTLS and refuses to send without it.
	TLSStartTLS = "starttls"
	// TLSImplicit connects with TLS from the start (SMTPS, usually port 465).
	TLSImplicit = "tls"
	// TLSNone sends in the clear: only for a relay on the same machine or in development.
	TLSNone = "none"
)

// Config says how to reach the SMTP relay.
type Config struct {
	Host     string
	Port     int // zero means 587, or 465 with TLSImplicit
	Username string
	Password string
	// From is the sender's address, such as "Delivery Tracker <no-reply@example.scot>".
	From string
	// TLS is TLSStartTLS (the default when empty), TLSImplicit or TLSNone.
	TLS     string
	Timeout time.Duration // zero means 15 seconds
}

// SMTP sends through a relay.
type SMTP struct {
	cfg  Config
	from string
}

// NewSMTP checks the configuration and returns a mailer for it. It does not connect.
func NewSMTP(cfg Config) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: no SMTP host")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender %q is not an email address", cfg.From)
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSStartTLS
	case TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return nil, fmt.Errorf("mail: TLS mode %q is none of starttls, tls and none", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == TLSImplicit {
			cfg.Port = 465
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if (cfg.Username == "") != (cfg.Password == "") {
		return nil, errors.New("mail: give both an SMTP username and password, or neither")
	}
	return &SMTP{cfg: cfg, from: from.String()}, nil
}

// Send delivers the message to the relay.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("mail: sender: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID)
	} else {
		msg.SetMessageID()
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if m.ListUnsubscribe != "" {
		msg.SetGenHeaderPreformatted("List-Unsubscribe", "<"+m.ListUnsubscribe+">")
		msg.SetGenHeaderPreformatted("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("mail: client for %s: %w", s.cfg.Host, err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s:%s: %w", s.cfg.Host, strconv.Itoa(s.cfg.Port), err)
	}
	return nil
}

// Recorder is a Mailer that keeps what it is asked to send, for tests. Err, when set, is returned
// by every Send, and nothing is kept.
type Recorder struct {
	mu   sync.Mutex
	sent []Message
	Err  error
	// sentCh is signalled after each message is kept.
	sentCh chan struct{}
}

// Send keeps the message.
func (r *Recorder) Send(ctx context.Context, m Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	r.sent = append(r.sent, m)
	if r.sentCh != nil {
		close(r.sentCh)
		r.sentCh = nil
	}
	return nil
}

// Messages returns what has been sent so far.
func (r *Recorder) Messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sent)
}

// Wait returns the messages once there are at least n, or what there is when ctx ends.
func (r *Recorder) Wait(ctx context.Context, n int) []Message {
	for {
		r.mu.Lock()
		if len(r.sent) >= n {
			out := slices.Clone(r.sent)
			r.mu.Unlock()
			return out
		}
		if r.sentCh == nil {
			r.sentCh = make(chan struct{})
		}
		ch := r.sentCh
		r.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return r.Messages()
		}
	}
}
