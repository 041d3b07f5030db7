package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/pgdev"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
)

// TestBackupAndRestore backs the portal's database up with pg_dump and restores it with
// pg_restore into a new database, as the README describes: the portal finds nothing to migrate
// there and serves the same pages as the serving role.
func TestBackupAndRestore(t *testing.T) {
	t.Parallel()
	binDir, err := pgdev.FindBinDir()
	if err != nil {
		t.Skipf("no PostgreSQL client programs: %v", err)
	}
	srcURL := dbtest.URL(t)
	dstURL := dbtest.EmptyURL(t)
	dump := filepath.Join(t.TempDir(), "portal.dump")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := func(tool string, args ...string) {
		t.Helper()
		out, err := exec.CommandContext(ctx, filepath.Join(binDir, tool), args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tool, err, out)
		}
	}
	run("pg_dump", "--format=custom", "--no-owner", "--file="+dump, "--dbname="+srcURL)
	run("pg_restore", "--no-owner", "--exit-on-error", "--dbname="+dstURL, dump)

	src := dbtest.Connect(t, srcURL)
	dst := dbtest.Connect(t, dstURL)
	var logs bytes.Buffer
	if err := postgres.Migrate(ctx, dst, slog.New(slog.NewJSONHandler(&logs, nil))); err != nil {
		t.Fatalf("migrate the restored database: %v", err)
	}
	if strings.Contains(logs.String(), "migration applied") {
		t.Errorf("the restored database needed migrations:\n%s", logs.String())
	}

	before := server.New(server.Config{Store: postgres.New(src, postgres.WithClock(nowFunc(fixedNow))), Now: nowFunc(fixedNow)})
	// The restored grants let the serving role serve it, and the audit log's chain holds.
	served := postgres.New(dbtest.Connect(t, dbtest.ServingURL(t, dstURL)), postgres.WithClock(nowFunc(fixedNow)))
	if chain, err := served.VerifyAuditChain(ctx); err != nil || chain.Break != nil {
		t.Errorf("the restored audit log: %+v, %v", chain, err)
	}
	after := server.New(server.Config{Store: served, Now: nowFunc(fixedNow)})
	for _, path := range []string{
		"/", "/priorities/digital-skills-and-leadership", "/commitments/4.2", "/commitments/4.5",
		"/organisations/CSO", "/plans/2023-24",
	} {
		want, got := httptest.NewRecorder(), httptest.NewRecorder()
		before.ServeHTTP(want, httptest.NewRequest(http.MethodGet, path, nil))
		after.ServeHTTP(got, httptest.NewRequest(http.MethodGet, path, nil))
		if want.Code != http.StatusOK {
			t.Errorf("GET %s before the backup = %d", path, want.Code)
			continue
		}
		if got.Code != want.Code || got.Body.String() != want.Body.String() {
			t.Errorf("GET %s after restore = %d with a different page (%d bytes, want %d)",
				path, got.Code, got.Body.Len(), want.Body.Len())
		}
	}
}
