package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

func TestDataVersionFollowsEveryCommittedChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store := postgres.New(pool)
	version := func() int64 {
		t.Helper()
		v, err := store.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	changes := []struct {
		name string
		sql  []string
	}{
		{"plan", []string{`UPDATE plans SET title = title || '.'`}},
		{"aim", []string{`UPDATE aims SET text = text || '.' WHERE number = 1`}},
		{"priority", []string{`UPDATE priorities SET tagline = tagline || '.' WHERE number = 1`}},
		{"organisation", []string{`UPDATE organisations SET name = name || '.' WHERE code = 'NES'`}},
		{"commitment", []string{`UPDATE commitments SET status = 'at_risk' WHERE ref = '4.4'`}},
		{"lead line", []string{`UPDATE commitment_leads SET line = line || '.' WHERE position = 1`}},
		{"lead organisation", []string{`DELETE FROM commitment_lead_organisations WHERE position = 2`}},
		{"published update", []string{`INSERT INTO updates (commitment_id, state, status, narrative, published_at)
			SELECT id, 'published', 'on_track', 'Published', now() FROM commitments WHERE ref = '4.4'`}},
		{"update becoming published", []string{
			`INSERT INTO updates (commitment_id, state, status, narrative, submitted_at)
			 SELECT id, 'submitted', 'on_track', 'Submitted', now() FROM commitments WHERE ref = '4.3'`,
			`UPDATE updates SET state = 'published', published_at = now() WHERE state = 'submitted'`,
		}},
		// Many statements over many rows in one transaction still count as one change.
		{"several tables", []string{
			`UPDATE commitments SET version = version + 1`,
			`UPDATE priorities SET version = version + 1`,
			`INSERT INTO updates (commitment_id, state, status, narrative, published_at)
			 SELECT id, 'published', 'on_track', 'Published', now() FROM commitments WHERE ref LIKE '4.%'`,
		}},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			before := version()
			err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				for _, sql := range c.sql {
					if _, err := tx.Exec(ctx, sql); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := version(); got != before+1 {
				t.Errorf("version after the change = %d, want %d", got, before+1)
			}
		})
	}

	t.Run("rolled back", func(t *testing.T) {
		before := version()
		rollback := errors.New("rollback")
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE commitments SET status = 'delayed'`); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if got := version(); got != before {
			t.Errorf("version after a rolled back change = %d, want %d", got, before)
		}
	})

	// Work the public does not see leaves the version alone: anyone could otherwise tell from
	// the public pages' ETags when it happens.
	unseen := []struct {
		name string
		sql  string
	}{
		{"draft", `INSERT INTO updates (commitment_id, state, status, narrative)
			SELECT id, 'draft', 'on_track', 'A draft' FROM commitments WHERE ref = '4.1'`},
		{"draft edited", `UPDATE updates SET narrative = 'edited' WHERE state = 'draft'`},
		{"submitted", `UPDATE updates SET state = 'submitted', submitted_at = now() WHERE state = 'draft'`},
		{"returned", `UPDATE updates SET state = 'returned', review_note = 'More', returned_at = now() WHERE state = 'submitted'`},
		{"draft deleted", `DELETE FROM updates WHERE state = 'returned'`},
		{"account", `INSERT INTO users (email, name, role) VALUES ('v@example.scot', 'V', 'staff')`},
		{"account changed", `UPDATE users SET name = 'W', last_sign_in_at = now()`},
		{"session", `INSERT INTO sessions (token, data, expiry) VALUES ('t', '\x00', now() + interval '1 hour')`},
		{"throttle", `INSERT INTO sign_in_throttle (key, failures, last_failure) VALUES ('k', 1, now())`},
		{"audit", `INSERT INTO audit_log (action) VALUES ('sign_in')`},
		{"feedback", `INSERT INTO feedback (page, useful) VALUES ('/', true)`},
	}
	for _, c := range unseen {
		t.Run(c.name, func(t *testing.T) {
			before := version()
			if _, err := pool.Exec(ctx, c.sql); err != nil {
				t.Fatal(err)
			}
			if got := version(); got != before {
				t.Errorf("version after an unpublished change = %d, want %d as before", got, before)
			}
		})
	}

	t.Run("no change", func(t *testing.T) {
		before := version()
		if _, err := pool.Exec(ctx, `UPDATE commitments SET status = 'delayed' WHERE ref = 'none'`); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Commitments(ctx, postgres.CommitmentFilter{}); err != nil {
			t.Fatal(err)
		}
		if got := version(); got != before {
			t.Errorf("version after reads only = %d, want %d", got, before)
		}
	})
}

// TestReplicaStatusOfAPrimary reads the status a read replica reports from a database that is
// not in recovery: its data version, and no lag. The status of a real streaming replica, paused
// and behind, is TestReadReplica's (internal/server).
func TestReplicaStatusOfAPrimary(t *testing.T) {
	t.Parallel()
	store := postgres.New(dbtest.Pool(t))
	want, err := store.DataVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.ReplicaStatus(t.Context())
	if err != nil || st.Version != want || st.Lag != 0 {
		t.Errorf("ReplicaStatus = %+v, %v; want version %d and no lag", st, err, want)
	}
}
