package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

var cli = tracker.Actor{Label: "test"}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	u, err := store.CreateUser(ctx, cli, postgres.NewUser{Email: " Jane@NES.Scot ", Name: " Jane ", Role: tracker.RolePartner, OrganisationCode: "NES", PasswordHash: "$argon2id$x"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "Jane@nes.scot" || u.Name != "Jane" || u.OrganisationCode != "NES" || !u.HasPassword || u.Role != tracker.RolePartner {
		t.Errorf("created %+v", u)
	}
	tests := []struct {
		name string
		nu   postgres.NewUser
		code string
	}{
		{"same email, other case", postgres.NewUser{Email: "jane@nes.scot", Name: "J", Role: tracker.RoleStaff}, tracker.ECONFLICT},
		{"partner without organisation", postgres.NewUser{Email: "p@x.scot", Name: "P", Role: tracker.RolePartner}, tracker.EINVALID},
		{"staff with organisation", postgres.NewUser{Email: "s@x.scot", Name: "S", Role: tracker.RoleStaff, OrganisationCode: "NES"}, tracker.EINVALID},
		{"unknown organisation", postgres.NewUser{Email: "q@x.scot", Name: "Q", Role: tracker.RolePartner, OrganisationCode: "NOPE"}, tracker.EINVALID},
		{"unknown role", postgres.NewUser{Email: "r@x.scot", Name: "R", Role: "owner"}, tracker.EINVALID},
	}
	for _, tt := range tests {
		if _, err := store.CreateUser(ctx, cli, tt.nu); tracker.ErrorCode(err) != tt.code {
			t.Errorf("%s: err = %v, want code %s", tt.name, err, tt.code)
		}
	}
	got, err := store.UserByEmail(ctx, "JANE@nes.scot")
	if err != nil || got.ID != u.ID {
		t.Errorf("UserByEmail = %v, %v", got.ID, err)
	}
	if _, err := store.UserByID(ctx, 999999); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("UserByID(missing) = %v, want ErrNotFound", err)
	}
	if _, _, err := store.Credentials(ctx, "nobody@x.scot"); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("Credentials(missing) = %v, want ErrNotFound", err)
	}
	var n int
	if err := store.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'user.create'
		AND record_type = 'user' AND record_id = $1 AND actor_email = 'test'`, postgres.RecordRef(u.ID)).Scan(&n); err != nil || n != 1 {
		t.Errorf("user.create audited %d times (%v), want 1", n, err)
	}
}

func TestLastAdminStays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	a, err := store.CreateUser(ctx, cli, postgres.NewUser{Email: "a@x.scot", Name: "A", Role: tracker.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetDisabled(ctx, cli, a.ID, true, 0, ""); !errors.Is(err, postgres.ErrLastAdmin) {
		t.Errorf("disable the last admin: %v, want ErrLastAdmin", err)
	}
	if _, err := store.ChangeRole(ctx, cli, a.ID, tracker.RoleStaff, "", 0); !errors.Is(err, postgres.ErrLastAdmin) {
		t.Errorf("demote the last admin: %v, want ErrLastAdmin", err)
	}
	b, err := store.CreateUser(ctx, cli, postgres.NewUser{Email: "b@x.scot", Name: "B", Role: tracker.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	// Two admins demote each other at once: exactly one succeeds.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, id := range []int64{a.ID, b.ID} {
		wg.Go(func() {
			_, errs[i] = store.ChangeRole(ctx, cli, id, tracker.RoleStaff, "", 0)
		})
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Errorf("concurrent demotions: %v and %v, want exactly one to succeed", errs[0], errs[1])
	}
	if ok, err := store.HasAdmin(ctx); !ok || err != nil {
		t.Errorf("HasAdmin = %v, %v", ok, err)
	}
}

func TestChangeRoleChecksVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	u, err := store.CreateUser(ctx, cli, postgres.NewUser{Email: "p@x.scot", Name: "P", Role: tracker.RolePartner, OrganisationCode: "NES"})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := store.ChangeRole(ctx, cli, u.ID, tracker.RolePartner, "CSO", u.Version)
	if err != nil || moved.OrganisationCode != "CSO" || moved.Version != u.Version+1 {
		t.Fatalf("move to CSO: %+v, %v", moved, err)
	}
	if _, err := store.ChangeRole(ctx, cli, u.ID, tracker.RoleStaff, "", u.Version); !errors.Is(err, postgres.ErrUserChanged) {
		t.Errorf("stale version: %v, want ErrUserChanged", err)
	}
	staff, err := store.ChangeRole(ctx, cli, u.ID, tracker.RoleStaff, "", moved.Version)
	if err != nil || staff.OrganisationID != nil || staff.Role != tracker.RoleStaff {
		t.Errorf("make staff: %+v, %v", staff, err)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	store, clock := storeAt(dbtest.Pool(t), now)
	// at sets the clock to t for the call that follows.
	at := func(t time.Time) *postgres.Store { clock.Set(t); return store }
	u, token, err := at(now).InviteUser(ctx, cli, postgres.NewUser{Email: "p@x.scot", Name: "P", Role: tracker.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	if u.HasPassword {
		t.Error("an invited user has a password")
	}
	var stored int
	if err := store.Pool().QueryRow(ctx, `SELECT count(*) FROM account_tokens WHERE token_hash::text LIKE '%' || $1 || '%'`, token).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("the token itself is stored (%d, %v)", stored, err)
	}
	la, err := at(now.Add(7*24*time.Hour-time.Second)).Token(ctx, token)
	if err != nil || la.Purpose != tracker.TokenInvite || la.User == nil || la.User.ID != u.ID {
		t.Errorf("Token within 7 days = %+v, %v", la, err)
	}
	if _, err := at(now.Add(7*24*time.Hour)).Token(ctx, token); err != tracker.ErrLinkInvalid {
		t.Errorf("Token after 7 days = %v, want ErrLinkInvalid", err)
	}
	if _, err := at(now).Token(ctx, "not-a-token"); err != tracker.ErrLinkInvalid {
		t.Errorf("Token(unknown) = %v, want ErrLinkInvalid", err)
	}
	if _, err := at(now.Add(time.Hour)).SetPasswordWithToken(ctx, cli, token, "$argon2id$h"); err != nil {
		t.Fatal(err)
	}
	if _, err := at(now.Add(time.Hour)).SetPasswordWithToken(ctx, cli, token, "$argon2id$h2"); err != tracker.ErrLinkInvalid {
		t.Errorf("second use = %v, want ErrLinkInvalid", err)
	}
	got, hash, err := store.Credentials(ctx, "p@x.scot")
	if err != nil || hash != "$argon2id$h" || got.SessionEpoch != u.SessionEpoch+1 {
		t.Errorf("after setting: hash %q epoch %d (was %d), %v", hash, got.SessionEpoch, u.SessionEpoch, err)
	}

	// A new reset link makes the older one useless; a reset link lasts an hour.
	r1, err := at(now).CreateToken(ctx, cli, tracker.TokenReset, &u.ID)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := at(now).CreateToken(ctx, cli, tracker.TokenReset, &u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := at(now).Token(ctx, r1); err != tracker.ErrLinkInvalid {
		t.Errorf("superseded reset link = %v, want ErrLinkInvalid", err)
	}
	if _, err := at(now.Add(time.Hour)).Token(ctx, r2); err != tracker.ErrLinkInvalid {
		t.Errorf("reset link after an hour = %v, want ErrLinkInvalid", err)
	}
	if _, err := at(now.Add(59*time.Minute)).Token(ctx, r2); err != nil {
		t.Errorf("reset link within the hour = %v", err)
	}
}

func TestFirstAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	store, clock := storeAt(dbtest.Pool(t), now)
	if ok, err := store.HasAdmin(ctx); ok || err != nil {
		t.Fatalf("HasAdmin on a new database = %v, %v", ok, err)
	}
	t1, err := store.CreateToken(ctx, cli, tracker.TokenFirstAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	t2, err := store.CreateToken(ctx, cli, tracker.TokenFirstAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(now.Add(24 * time.Hour))
	if _, err := store.CreateFirstAdmin(ctx, cli, t1, postgres.NewUser{Email: "a@x.scot", Name: "A", Role: tracker.RolePartner, OrganisationCode: "NES"}); err != tracker.ErrLinkInvalid {
		t.Errorf("after 24 hours = %v, want ErrLinkInvalid", err)
	}
	clock.Set(now)
	a, err := store.CreateFirstAdmin(ctx, cli, t1, postgres.NewUser{Email: "a@x.scot", Name: "A", Role: tracker.RolePartner, OrganisationCode: "NES"})
	if err != nil || a.Role != tracker.RoleAdmin || a.OrganisationID != nil {
		t.Fatalf("CreateFirstAdmin = %+v, %v", a, err)
	}
	// Once an admin exists, no other first-admin link works.
	if _, err := store.CreateFirstAdmin(ctx, cli, t2, postgres.NewUser{Email: "b@x.scot", Name: "B"}); err != tracker.ErrLinkInvalid {
		t.Errorf("second first admin = %v, want ErrLinkInvalid", err)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	if err := store.Audit(ctx, cli, postgres.AuditEntry{Action: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := store.Pool().Exec(ctx, sql); err == nil {
			t.Errorf("%s succeeded", sql)
		}
	}
}
