package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestChangesCheckTheVersion checks the one version check every change to a versioned record
// makes: a change from any version but the current one, zero included, is a conflict and
// changes nothing; a missing record is not found. Only accounts take 0 for "whatever version".
func TestChangesCheckTheVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	o, err := store.OrganisationByCode(ctx, "SSSC")
	if err != nil {
		t.Fatal(err)
	}
	for _, version := range []int{0, o.Version - 1, o.Version + 1} {
		if err := store.RetireOrganisation(ctx, staffActor, o.ID, version, ""); !errors.Is(err, tracker.ErrConflict) {
			t.Errorf("retire at version %d (current %d) = %v, want ErrConflict", version, o.Version, err)
		}
	}
	if _, err := store.OrganisationByCode(ctx, "SSSC"); err != nil {
		t.Errorf("after the conflicts the organisation is %v", err)
	}
	if err := store.RetireOrganisation(ctx, staffActor, 999999, 1, ""); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("retire a missing organisation = %v, want ErrNotFound", err)
	}
	if err := store.RetireOrganisation(ctx, staffActor, o.ID, o.Version, ""); err != nil {
		t.Fatal(err)
	}
	// A retired record takes no more changes.
	o.Version++
	o.Name = "Renamed"
	if _, err := store.UpdateOrganisation(ctx, staffActor, o); !errors.Is(err, tracker.ErrConflict) {
		t.Errorf("update a retired organisation = %v, want ErrConflict", err)
	}

	u, err := store.CreateUser(ctx, staffActor, postgres.NewUser{Email: "s@example.scot", Name: "S", Role: tracker.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetDisabled(ctx, staffActor, u.ID, true, u.Version+1, ""); !errors.Is(err, tracker.ErrUserChanged) {
		t.Errorf("disable at a stale version = %v, want ErrUserChanged", err)
	}
	if _, err := store.SetDisabled(ctx, staffActor, u.ID, true, 0, ""); err != nil {
		t.Errorf("disable at any version = %v", err)
	}
}
