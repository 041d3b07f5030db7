package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const organisationColumns = `id, code, name, as_written, retired_at, version`

func scanOrganisation(row pgx.CollectableRow) (tracker.Organisation, error) {
	var o tracker.Organisation
	err := row.Scan(&o.ID, &o.Code, &o.Name, &o.AsWritten, &o.RetiredAt, &o.Version)
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

// AllOrganisations returns every organisation, retired ones too, by name.
func (s *Store) AllOrganisations(ctx context.Context) ([]tracker.Organisation, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+organisationColumns+` FROM organisations ORDER BY name, id`)
	os, err := pgx.CollectRows(rows, scanOrganisation)
	if err != nil {
		return nil, fmt.Errorf("postgres: all organisations: %w", err)
	}
	return os, nil
}

// OrganisationByID returns an organisation, retired or not. It returns tracker.ErrNotFound if
// there is none.
func (s *Store) OrganisationByID(ctx context.Context, id int64) (tracker.Organisation, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+organisationColumns+` FROM organisations WHERE id = $1`, id)
	o, err := pgx.CollectExactlyOneRow(rows, scanOrganisation)
	if err != nil {
		return tracker.Organisation{}, notFound(err, fmt.Sprintf("organisation %d", id))
	}
	return o, nil
}

// organisationRecord is what the audit log keeps of an organisation before and after a change.
func organisationRecord(o tracker.Organisation) map[string]any {
	return map[string]any{"code": o.Code, "name": o.Name, "as_written": nonNil(o.AsWritten), "version": o.Version}
}

// organisationWriteError turns the errors of writing an organisation into ones fit for a form.
func organisationWriteError(err error, o tracker.Organisation, op string) error {
	if isUniqueViolation(err) {
		return tracker.Invalid("code", "There is already an organisation with the code %s", o.Code)
	}
	var e *tracker.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// CreateOrganisation adds an organisation and audits it. It returns an EINVALID error about
// "code" if an organisation (even a retired one) has the code.
func (s *Store) CreateOrganisation(ctx context.Context, actor tracker.Actor, o tracker.Organisation) (tracker.Organisation, error) {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO organisations (code, name, as_written) VALUES ($1, $2, $3) RETURNING id, version`,
			o.Code, o.Name, nonNil(o.AsWritten)).Scan(&o.ID, &o.Version); err != nil {
			return err
		}
		return audit(ctx, tx, actor, AuditEntry{Action: "organisation.create", RecordType: "organisation",
			RecordID: fmt.Sprint(o.ID), Details: map[string]any{"after": organisationRecord(o)}})
	})
	if err != nil {
		return tracker.Organisation{}, organisationWriteError(err, o, "create organisation")
	}
	return o, nil
}

// UpdateOrganisation saves staff's changes to an organisation's name and the ways plans write
// it; its code, which addresses and files use, stays. o.Version must be the version they started
// from: if it has changed since, it returns tracker.ErrConflict and changes nothing. It returns
// tracker.ErrNotFound if there is no such organisation.
func (s *Store) UpdateOrganisation(ctx context.Context, actor tracker.Actor, o tracker.Organisation) (tracker.Organisation, error) {
	before, err := s.OrganisationByID(ctx, o.ID)
	if err != nil {
		return tracker.Organisation{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockVersion(ctx, tx, "organisations", o.ID, o.Version); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `UPDATE organisations SET name = $2, as_written = $3, version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING code, version`, o.ID, o.Name, nonNil(o.AsWritten)).Scan(&o.Code, &o.Version); err != nil {
			return err
		}
		return audit(ctx, tx, actor, AuditEntry{Action: "organisation.update", RecordType: "organisation",
			RecordID: fmt.Sprint(o.ID), Details: map[string]any{"before": organisationRecord(before), "after": organisationRecord(o)}})
	})
	if err != nil {
		return tracker.Organisation{}, organisationWriteError(err, o, fmt.Sprintf("update organisation %d", o.ID))
	}
	return o, nil
}

// RetireOrganisation takes an organisation out of use: public pages no longer show or link it,
// commitments' lead lines keep their text, and it can no longer be named as a lead. Partner
// accounts of it keep their organisation but have nothing to report on. It returns
// tracker.ErrConflict if the organisation is no longer at version, and tracker.ErrNotFound if
// there is no such organisation.
func (s *Store) RetireOrganisation(ctx context.Context, actor tracker.Actor, id int64, version int) error {
	before, err := s.OrganisationByID(ctx, id)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockVersion(ctx, tx, "organisations", id, version); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE organisations SET retired_at = now(), version = version + 1, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, AuditEntry{Action: "organisation.retire", RecordType: "organisation",
			RecordID: fmt.Sprint(id), Details: map[string]any{"before": organisationRecord(before)}})
	})
	if err != nil {
		return organisationWriteError(err, before, fmt.Sprintf("retire organisation %d", id))
	}
	return nil
}
