package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const organisationColumns = `id, code, name, as_written, version`

func scanOrganisation(row pgx.CollectableRow) (tracker.Organisation, error) {
	var o tracker.Organisation
	err := row.Scan(&o.ID, &o.Code, &o.Name, &o.AsWritten, &o.Version)
	return o, err
}

// Organisations returns every organisation that is not retired, by name.
func (s *Store) Organisations(ctx context.Context) ([]tracker.Organisation, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+organisationColumns+` FROM organisations
		WHERE retired_at IS NULL ORDER BY name`)
	os, err := pgx.CollectRows(rows, scanOrganisation)
	if err != nil {
		return nil, fmt.Errorf("postgres: organisations: %w", err)
	}
	return os, nil
}

// OrganisationByCode returns the organisation with the code. It returns tracker.ErrNotFound if
// there is none.
func (s *Store) OrganisationByCode(ctx context.Context, code string) (tracker.Organisation, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+organisationColumns+` FROM organisations
		WHERE code = $1 AND retired_at IS NULL`, code)
	o, err := pgx.CollectExactlyOneRow(rows, scanOrganisation)
	if err != nil {
		return tracker.Organisation{}, notFound(err, fmt.Sprintf("organisation %q", code))
	}
	return o, nil
}
