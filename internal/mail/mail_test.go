package mail

import (
	"bufio"
	"context"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"
)

// relay is a minimal SMTP server that accepts one message and hands it over.
func relay(t *testing.T) (host string, port int, got <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		tp := textproto.NewConn(conn)
		_ = tp.PrintfLine("220 relay ready")
		var data strings.Builder
		for {
			line, err := tp.ReadLine()
			if err != nil {
				return
			}
			cmd := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
			switch cmd {
			case "EHLO", "HELO":
				_ = tp.PrintfLine("250-relay\r\n250 8BITMIME")
			case "DATA":
				_ = tp.PrintfLine("354 go ahead")
				r := bufio.NewReader(tp.DotReader())
				for {
					l, err := r.ReadString('\n')
					data.WriteString(l)
					if err != nil {
						break
					}
				}
				_ = tp.PrintfLine("250 queued")
				ch <- data.String()
			case "QUIT":
				_ = tp.PrintfLine("221 bye")
				return
			default:
				_ = tp.PrintfLine("250 ok")
			}
		}
	}()
	addr := ln.Addr().(*net.TCPAddr)
	return addr.IP.String(), addr.Port, ch
}

func TestSMTPSend(t *testing.T) {
	host, port, got := relay(t)
	m, err := NewSMTP(Config{Host: host, Port: port, From: "Delivery Tracker <no-reply@example.scot>", TLS: TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	err = m.Send(context.Background(), Message{To: "jo@example.scot", Subject: "Your invitation", Body: "Follow this link: https://example.scot/set-password?token=abc\n"})
	if err != nil {
		t.Fatal(err)
	}
	data := <-got
	for _, want := range []string{"To: <jo@example.scot>", "Subject: Your invitation", "From: \"Delivery Tracker\" <no-reply@example.scot>", "text/plain", "set-password?token=3Dabc"} {
		if !strings.Contains(data, want) {
			t.Errorf("message lacks %q:\n%s", want, data)
		}
	}
}

func TestSMTPRefusesPlainTextUnlessAsked(t *testing.T) {
	host, port, _ := relay(t)
	m, err := NewSMTP(Config{Host: host, Port: port, From: "no-reply@example.scot"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), Message{To: "jo@example.scot", Subject: "s", Body: "b"}); err == nil {
		t.Error("sent without STARTTLS to a relay that offers none")
	}
}

func TestNewSMTPChecksConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
		port int
	}{
		{"defaults", Config{Host: "smtp.example.scot", From: "a@example.scot"}, true, 587},
		{"implicit TLS", Config{Host: "smtp.example.scot", From: "a@example.scot", TLS: TLSImplicit}, true, 465},
		{"no host", Config{From: "a@example.scot"}, false, 0},
		{"bad from", Config{Host: "h", From: "nope"}, false, 0},
		{"bad TLS", Config{Host: "h", From: "a@example.scot", TLS: "maybe"}, false, 0},
		{"username alone", Config{Host: "h", From: "a@example.scot", Username: "u"}, false, 0},
	}
	for _, tt := range tests {
		m, err := NewSMTP(tt.cfg)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v", tt.name, err)
			continue
		}
		if tt.ok && m.cfg.Port != tt.port {
			t.Errorf("%s: port %s, want %d", tt.name, strconv.Itoa(m.cfg.Port), tt.port)
		}
	}
}

func TestRecorderWait(t *testing.T) {
	var r Recorder
	go func() { _ = r.Send(context.Background(), Message{To: "a@example.scot"}) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if got := r.Wait(ctx, 1); len(got) != 1 || got[0].To != "a@example.scot" {
		t.Errorf("Wait = %v", got)
	}
}
