package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestDeliverNextSendsOutsideTheTransaction checks that an email is claimed and committed before
// it is handed on, so that sending holds no lock or connection, and that when its result cannot
// be recorded it is not sent again until the claim's lease has passed, and then with the same
// Message-ID.
func TestDeliverNextSendsOutsideTheTransaction(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	pool := dbtest.Pool(t)
	store, clock := storeAt(pool, now)
	if ok, err := store.Enqueue(ctx, tracker.Email{Kind: "test", Recipient: "p@example.org", Subject: "s", Body: "b", NotBefore: now}, "k"); !ok || err != nil {
		t.Fatalf("enqueue: %v %v", ok, err)
	}

	var ids []string
	sendCtx, cancel := context.WithCancel(ctx)
	found, err := store.DeliverNext(sendCtx, func(_ context.Context, e tracker.Email) postgres.Delivery {
		ids = append(ids, postgres.MessageID(e, "tracker.example.scot"))
		// The claim is committed: the row is not locked, and no other instance gets the email.
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM outbox WHERE id = $1 FOR UPDATE NOWAIT`, e.ID).Scan(&id); err != nil {
			t.Errorf("the email's row while it is being sent: %v, want it unlocked", err)
		}
		if again, err := store.DeliverNext(ctx, func(context.Context, tracker.Email) postgres.Delivery {
			t.Error("an email being sent was handed on again")
			return postgres.Delivery{Status: tracker.EmailSent}
		}); again || err != nil {
			t.Errorf("DeliverNext while the email is being sent = %v, %v; want nothing due", again, err)
		}
		// The result cannot be recorded.
		cancel()
		return postgres.Delivery{Status: tracker.EmailSent}
	})
	if !found || err == nil {
		t.Fatalf("DeliverNext whose result could not be recorded = %v, %v; want found and an error", found, err)
	}
	deliverNothing := func(context.Context, tracker.Email) postgres.Delivery {
		t.Error("an email was sent again within its lease")
		return postgres.Delivery{Status: tracker.EmailSent}
	}
	clock.Set(now.Add(postgres.ClaimLease - time.Second))
	if again, err := store.DeliverNext(ctx, deliverNothing); again || err != nil {
		t.Errorf("DeliverNext within the lease = %v, %v; want nothing due", again, err)
	}
	clock.Set(now.Add(postgres.ClaimLease + time.Second))
	found, err = store.DeliverNext(ctx, func(_ context.Context, e tracker.Email) postgres.Delivery {
		ids = append(ids, postgres.MessageID(e, "tracker.example.scot"))
		if e.Attempts != 1 {
			t.Errorf("attempts before the second = %d, want 1", e.Attempts)
		}
		return postgres.Delivery{Status: tracker.EmailSent}
	})
	if !found || err != nil {
		t.Fatalf("DeliverNext after the lease = %v, %v", found, err)
	}
	if len(ids) != 2 || ids[0] != ids[1] {
		t.Errorf("Message-IDs of the two attempts = %q, want the same twice", ids)
	}
	es, total, err := store.Outbox(ctx, postgres.OutboxFilter{Status: tracker.EmailSent})
	if err != nil || total != 1 || es[0].Attempts != 2 || es[0].SentAt == nil {
		t.Errorf("sent emails = %d %+v %v, want one, after 2 attempts", total, es, err)
	}
	if again, err := store.DeliverNext(ctx, deliverNothing); again || err != nil {
		t.Errorf("DeliverNext once sent = %v, %v; want nothing due", again, err)
	}
}
