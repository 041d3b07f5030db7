package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const organisationColumns = `id, code, name, as_written, coalesce(contact_email, ''), retired_at, version`

func scanOrganisation(row pgx.CollectableRow) (tracker.Organisation, error) {
	var o tracker.Organisation
	err := row.Scan(&o.ID, &o.Code, &o.Name, &o.AsWritten, &o.ContactEmail, &o.RetiredAt, &o.Version)
	return o, err
}

// Organisations returns every organisation that is not retired, by name.
func (s *Store) Organisations(ctx context.Context) ([]tracker.Organisation, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+organisationColumns+` FROM organisations
		WHERE retired_at IS NULL ORDER BY name`)
	os, err := pgx.CollectRows(rows, scanOrganisation)
	return os, storeError("organisations", err, nil)
}

// OrganisationByCode returns the organisation with the code. It returns tracker.ErrNotFound if
// there is none.
func (s *Store) OrganisationByCode(ctx context.Context, code string) (tracker.Organisation, error) {
	return one(ctx, s.pool, fmt.Sprintf("organisation %q", code), scanOrganisation,
		`SELECT `+organisationColumns+` FROM organisations
		WHERE code = $1 AND retired_at IS NULL`, code)
}

// AllOrganisations returns every organisation, retired ones too, by name.
func (s *Store) AllOrganisations(ctx context.Context) ([]tracker.Organisation, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+organisationColumns+` FROM organisations ORDER BY name, id`)
	os, err := pgx.CollectRows(rows, scanOrganisation)
	return os, storeError("all organisations", err, nil)
}

// OrganisationByID returns an organisation, retired or not. It returns tracker.ErrNotFound if
// there is none.
func (s *Store) OrganisationByID(ctx context.Context, id int64) (tracker.Organisation, error) {
	return organisations.read(ctx, s.pool, id)
}

// organisationRecord is what the audit log keeps of an organisation before and after a change.
func organisationRecord(o tracker.Organisation) map[string]any {
	return map[string]any{"code": o.Code, "name": o.Name, "as_written": nonNil(o.AsWritten),
		"contact_email": o.ContactEmail, "version": o.Version}
}

// organisations is how an organisation is read and audited.
var organisations = record[tracker.Organisation]{table: organisationsTable, kind: "organisation",
	read:  readByID("organisation", scanOrganisation, `SELECT `+organisationColumns+` FROM organisations WHERE id = $1`),
	audit: organisationRecord, id: func(o tracker.Organisation) int64 { return o.ID }}

// CreateOrganisation adds an organisation and audits it. It returns
// tracker.ErrOrganisationCodeTaken if an organisation (even a retired one) has the code.
func (s *Store) CreateOrganisation(ctx context.Context, actor tracker.Actor, o tracker.Organisation) (tracker.Organisation, error) {
	return create(ctx, s, actor, organisations, "create organisation",
		violations{organisationsCodeKey: tracker.ErrOrganisationCodeTaken(o.Code)}, nil,
		func(tx pgx.Tx, at time.Time) (tracker.Organisation, error) {
			err := tx.QueryRow(ctx, `INSERT INTO organisations (code, name, as_written, contact_email, created_at, updated_at)
				VALUES ($1, $2, $3, nullif($4, ''), $5, $5) RETURNING id, version`,
				o.Code, o.Name, nonNil(o.AsWritten), o.ContactEmail, at).Scan(&o.ID, &o.Version)
			return o, err
		})
}

// UpdateOrganisation saves staff's changes to an organisation's name, the ways plans write it and
// its fallback contact address; its code, which addresses and files use, stays. o.Version must be the version they started
// from: if it has changed since, it returns tracker.ErrConflict and changes nothing. It returns
// tracker.ErrNotFound if there is no such organisation.
func (s *Store) UpdateOrganisation(ctx context.Context, actor tracker.Actor, o tracker.Organisation) (tracker.Organisation, error) {
	return change(ctx, s, actor, organisations, edit{id: o.ID, version: o.Version, action: "update",
		op: fmt.Sprintf("update organisation %d", o.ID)},
		func(tx pgx.Tx, at time.Time, _ tracker.Organisation) (tracker.Organisation, error) {
			err := tx.QueryRow(ctx, `UPDATE organisations SET name = $2, as_written = $3, contact_email = nullif($5, ''),
				version = version + 1, updated_at = $4
				WHERE id = $1 RETURNING code, version`, o.ID, o.Name, nonNil(o.AsWritten), at, o.ContactEmail).Scan(&o.Code, &o.Version)
			return o, err
		})
}

// RetireOrganisation takes an organisation out of use: public pages no longer show or link it,
// commitments' lead lines keep their text, and it can no longer be named as a lead. Partner
// accounts of it keep their organisation but have nothing to report on. It returns
// tracker.ErrConflict if the organisation is no longer at version, and tracker.ErrNotFound if
// there is no such organisation.
// The audit log keeps the reason given for it, unless it is empty.
func (s *Store) RetireOrganisation(ctx context.Context, actor tracker.Actor, id int64, version int, reason string) error {
	_, err := change(ctx, s, actor, organisations, edit{id: id, version: version, action: "retire",
		op: fmt.Sprintf("retire organisation %d", id), removes: true, details: reasonDetails(reason)},
		func(tx pgx.Tx, at time.Time, before tracker.Organisation) (tracker.Organisation, error) {
			_, err := tx.Exec(ctx, `UPDATE organisations SET retired_at = $2, version = version + 1, updated_at = $2 WHERE id = $1`, id, at)
			return before, err
		})
	return err
}
