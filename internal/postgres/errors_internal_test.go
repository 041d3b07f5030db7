package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestStoreError(t *testing.T) {
	taken := tracker.ErrPlanSlugTaken("2024-25")
	on := violations{plansSlugKey: taken, noRow: tracker.ErrPriorityNotInPlan}
	tests := []struct {
		name string
		err  error
		v    violations
		// want is the error expected exactly, or nil to check code alone.
		want error
		code string
	}{
		{"no error", nil, nil, nil, ""},
		{"domain error passes", tracker.ErrConflict, on, tracker.ErrConflict, tracker.ECONFLICT},
		{"wrapped domain error passes", fmt.Errorf("line 3: %w", tracker.ErrLinkInvalid), nil, nil, tracker.EINVALID},
		{"no rows", fmt.Errorf("scan: %w", pgx.ErrNoRows), nil, tracker.ErrNotFound, tracker.ENOTFOUND},
		{"no rows the caller names", pgx.ErrNoRows, on, tracker.ErrPriorityNotInPlan, tracker.EINVALID},
		{"named constraint", &pgconn.PgError{Code: "23505", ConstraintName: plansSlugKey}, on, taken, tracker.EINVALID},
		{"other constraint", &pgconn.PgError{Code: "23505", ConstraintName: "other_key"}, on, nil, tracker.EINTERNAL},
		{"statement timeout", &pgconn.PgError{Code: "57014"}, nil, nil, tracker.EUNAVAILABLE},
		{"server shutting down", &pgconn.PgError{Code: "57P01"}, nil, nil, tracker.EUNAVAILABLE},
		{"starting up", &pgconn.PgError{Code: "57P03"}, nil, nil, tracker.EUNAVAILABLE},
		{"too many connections", &pgconn.PgError{Code: "53300"}, nil, nil, tracker.EUNAVAILABLE},
		{"connection failure", &pgconn.PgError{Code: "08006"}, nil, nil, tracker.EUNAVAILABLE},
		{"lock timeout", &pgconn.PgError{Code: "55P03"}, nil, nil, tracker.EUNAVAILABLE},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, nil, nil, tracker.EUNAVAILABLE},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, nil, nil, tracker.EUNAVAILABLE},
		{"context deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), nil, nil, tracker.EUNAVAILABLE},
		{"context canceled", fmt.Errorf("query: %w", context.Canceled), nil, nil, tracker.EINTERNAL},
		{"syntax error", &pgconn.PgError{Code: "42601"}, nil, nil, tracker.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := storeError("test op", tt.err, tt.v)
			if tt.want != nil && got != tt.want {
				t.Errorf("storeError = %v, want %v", got, tt.want)
			}
			if code := tracker.ErrorCode(got); code != tt.code {
				t.Errorf("code = %q, want %q (err %v)", code, tt.code, got)
			}
			if tt.err == nil || tt.want != nil || errors.As(tt.err, new(*tracker.Error)) {
				return
			}
			// Errors that are not the domain's keep the original in the chain and name the operation.
			if !errors.Is(got, tt.err) {
				t.Errorf("%v does not wrap %v", got, tt.err)
			}
			if want := "postgres: test op: "; !strings.Contains(got.Error(), want) {
				t.Errorf("%q does not name the operation", got.Error())
			}
		})
	}
}

func TestClassify(t *testing.T) {
	down := &pgconn.PgError{Code: "57P01"}
	if got := Classify(down); tracker.ErrorCode(got) != tracker.EUNAVAILABLE || !errors.Is(got, down) {
		t.Errorf("Classify(shutdown) = %v", got)
	}
	other := errors.New("other")
	if got := Classify(other); got != other {
		t.Errorf("Classify(other) = %v, want it unchanged", got)
	}
	if got := Classify(nil); got != nil {
		t.Errorf("Classify(nil) = %v", got)
	}
}
