package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestUserAdd(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.URL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "BASE_URL": "https://tracker.example.scot", "LOG_FORMAT": "text"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	store := postgres.New(dbtest.Connect(t, dbURL))

	t.Run("password from stdin", func(t *testing.T) {
		var out, errOut bytes.Buffer
		err := run(ctx, []string{"user", "add", "--email", "admin@example.scot", "--name", "Ada Admin", "--role", "admin", "--password-stdin"},
			getenv, strings.NewReader("purple kettle harbour\n"), &out, &errOut)
		if err != nil {
			t.Fatalf("%v\n%s", err, errOut.String())
		}
		u, hash, err := store.Credentials(ctx, "admin@example.scot")
		if err != nil || u.Role != tracker.RoleAdmin {
			t.Fatalf("created %+v, %v", u, err)
		}
		if ok, _ := password.Verify("purple kettle harbour", hash); !ok || !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Errorf("hash %q does not verify with OWASP parameters", hash)
		}
	})

	t.Run("link", func(t *testing.T) {
		var out, errOut bytes.Buffer
		err := run(ctx, []string{"user", "add", "--email", "p@nes.scot", "--name", "Pat Partner", "--role", "partner", "--org", "nes"},
			getenv, strings.NewReader(""), &out, &errOut)
		if err != nil {
			t.Fatalf("%v\n%s", err, errOut.String())
		}
		var link string
		for _, f := range strings.Fields(out.String()) {
			if strings.HasPrefix(f, "https://tracker.example.scot/set-password?token=") {
				link = f
			}
		}
		u, err := url.Parse(link)
		if link == "" || err != nil {
			t.Fatalf("no link in %q", out.String())
		}
		la, err := store.Token(ctx, u.Query().Get("token"))
		if err != nil || la.Purpose != tracker.TokenInvite || la.User.Email != "p@nes.scot" || la.User.OrganisationCode != "NES" {
			t.Errorf("link is for %+v, %v", la, err)
		}
	})

	bad := []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"weak password", []string{"--email", "x@example.scot", "--name", "X", "--role", "staff", "--password-stdin"}, "password1234\n", "too easy to guess"},
		{"partner without org", []string{"--email", "x@example.scot", "--name", "X", "--role", "partner"}, "", "--org"},
		{"bad role", []string{"--email", "x@example.scot", "--name", "X", "--role", "root"}, "", "--role"},
		{"bad email", []string{"--email", "x", "--name", "X", "--role", "staff"}, "", "--email"},
		{"taken email", []string{"--email", "ADMIN@example.scot", "--name", "X", "--role", "staff"}, "", "already exists"},
		{"unknown org", []string{"--email", "y@example.scot", "--name", "Y", "--role", "partner", "--org", "NOPE"}, "", "no organisation"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(ctx, append([]string{"user", "add"}, tt.args...), getenv, strings.NewReader(tt.stdin), &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestFirstAdminLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The store's clock runs ahead of the real one by ahead.
	var ahead atomic.Int64
	store := postgres.New(dbtest.Pool(t), postgres.WithClock(func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }))
	c := config{BaseURL: "https://tracker.example.scot", LogFormat: "json"}
	var logs bytes.Buffer
	if err := firstAdminLink(ctx, store, c, newLogger(c, &logs)); err != nil {
		t.Fatal(err)
	}
	var entry struct {
		Msg string `json:"msg"`
		URL string `json:"url"`
	}
	if err := json.Unmarshal(logs.Bytes(), &entry); err != nil {
		t.Fatalf("log %q: %v", logs.String(), err)
	}
	u, err := url.Parse(entry.URL)
	if err != nil || !strings.HasPrefix(entry.URL, "https://tracker.example.scot/set-password?token=") {
		t.Fatalf("logged %q", logs.String())
	}
	ahead.Store(int64(23 * time.Hour))
	la, err := store.Token(ctx, u.Query().Get("token"))
	if err != nil || la.Purpose != tracker.TokenFirstAdmin {
		t.Errorf("logged link: %+v, %v", la, err)
	}
	// Another start while the link is outstanding makes no second link.
	logs.Reset()
	if err := firstAdminLink(ctx, store, c, newLogger(c, &logs)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "token=") || !strings.Contains(logs.String(), "expires") {
		t.Errorf("second start with a link outstanding logged %q, want no new link and when the first expires", logs.String())
	}
	var links int
	if err := store.Pool().QueryRow(ctx, `SELECT count(*) FROM account_tokens WHERE purpose = 'first_admin'`).Scan(&links); err != nil || links != 1 {
		t.Errorf("first administrator links = %d %v, want 1", links, err)
	}
	ahead.Store(int64(25 * time.Hour))
	if _, err := store.Token(ctx, u.Query().Get("token")); err != tracker.ErrLinkInvalid {
		t.Errorf("logged link after 25 hours: %v, want ErrLinkInvalid", err)
	}
	// Once it has expired, the next start makes a new one.
	logs.Reset()
	if err := firstAdminLink(ctx, store, c, newLogger(c, &logs)); err != nil || !strings.Contains(logs.String(), "token=") {
		t.Errorf("start after the link expired: %v, logged %q, want a new link", err, logs.String())
	}
	ahead.Store(0)
	// Once an administrator exists, nothing is logged.
	if _, err := store.CreateUser(ctx, tracker.Actor{Label: "test"}, postgres.NewUser{Email: "a@gov.scot", Name: "A", Role: tracker.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	logs.Reset()
	if err := firstAdminLink(ctx, store, c, newLogger(c, &logs)); err != nil || logs.Len() != 0 {
		t.Errorf("with an admin: %v, logged %q", err, logs.String())
	}
}
