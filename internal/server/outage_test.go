package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
)

// The phases of an outage, as the load generator sees them when a request starts.
const (
	phaseUp        int32 = iota // the database runs
	phaseStopping               // the database is being stopped
	phaseDown                   // the database has stopped
	phaseStarting               // the database is starting again
	phaseRecovered              // /readyz has answered 200 again
)

var phaseNames = []string{"up", "stopping", "down", "starting", "recovered"}

type outcome struct {
	phase  int32 // when the request started
	end    int32 // when its response had been read
	path   string
	status int
	body   string
	err    error
}

// TestDatabaseOutage takes the database away from a serving portal under load and brings it
// back: pages answer 503 while it is away, in bounded time, /readyz fails and /healthz does not;
// once it is back the portal recovers by itself, and no request fails after that.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops a PostgreSQL cluster of its own")
	}
	cluster := dbtest.NewCluster(t)
	url := dbtest.NewDatabase(t, cluster.DatabaseURL("postgres"))
	ctx := context.Background()
	pool, err := postgres.Open(ctx, url, postgres.Config{StatementTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	srv := httptest.NewServer(server.New(server.Config{Store: postgres.New(pool), Now: nowFunc(fixedNow)}))
	t.Cleanup(srv.Close)

	// Every request must be answered well within the client's timeout: a timeout is a hang.
	client := &http.Client{Timeout: 15 * time.Second}
	get := func(path string) outcome {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			return outcome{path: path, err: err}
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return outcome{path: path, status: resp.StatusCode, body: string(b), err: err}
	}

	var phase atomic.Int32
	var mu sync.Mutex
	var results []outcome
	var perPhase [5]atomic.Int32
	stop := make(chan struct{})
	var wg sync.WaitGroup
	paths := []string{"/", "/priorities/digital-skills-and-leadership", "/commitments/4.2", "/organisations/CSO"}
	const workers, maxRequests = 4, 5000
	for w := range workers {
		wg.Go(func() {
			for i := range maxRequests {
				select {
				case <-stop:
					return
				default:
				}
				p := phase.Load()
				o := get(paths[(w+i)%len(paths)])
				o.phase, o.end = p, phase.Load()
				perPhase[p].Add(1)
				mu.Lock()
				results = append(results, o)
				mu.Unlock()
			}
		})
	}
	stopLoad := sync.OnceFunc(func() { close(stop); wg.Wait() })
	t.Cleanup(stopLoad)

	// waitFor polls until cond holds, failing the test after the deadline.
	waitFor := func(what string, deadline time.Duration, cond func() bool) {
		t.Helper()
		end := time.Now().Add(deadline)
		for !cond() {
			if time.Now().After(end) {
				t.Fatalf("after %s: %s", deadline, what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("load before the outage", time.Minute, func() bool { return perPhase[phaseUp].Load() >= 40 })

	phase.Store(phaseStopping)
	if err := cluster.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	phase.Store(phaseDown)
	waitFor("load during the outage", time.Minute, func() bool { return perPhase[phaseDown].Load() >= 40 })
	if o := get("/readyz"); o.err != nil || o.status != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz during the outage = %d %v, want 503", o.status, o.err)
	}
	if o := get("/healthz"); o.err != nil || o.status != http.StatusOK {
		t.Errorf("GET /healthz during the outage = %d %v, want 200", o.status, o.err)
	}

	phase.Store(phaseStarting)
	if err := cluster.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor("/readyz answers 200 again", 30*time.Second, func() bool {
		o := get("/readyz")
		return o.err == nil && o.status == http.StatusOK
	})
	phase.Store(phaseRecovered)
	waitFor("load after recovery", time.Minute, func() bool { return perPhase[phaseRecovered].Load() >= 100 })
	stopLoad()

	counts := map[string]int{}
	for _, o := range results {
		key := phaseNames[o.phase] + "-" + phaseNames[o.end] + " " + fmt.Sprint(o.status)
		if o.err != nil {
			key = phaseNames[o.phase] + "-" + phaseNames[o.end] + " error"
		}
		counts[key]++
		var problem string
		switch {
		case o.err != nil:
			problem = "failed: " + o.err.Error()
			if errors.Is(o.err, context.DeadlineExceeded) || strings.Contains(o.err.Error(), "Timeout") {
				problem = "hung: " + o.err.Error()
			}
		case (o.phase == phaseUp && o.end == phaseUp) || o.phase == phaseRecovered:
			if o.status != http.StatusOK {
				problem = fmt.Sprintf("status %d, want 200", o.status)
			}
		case o.phase == phaseDown && o.end == phaseDown:
			if o.status != http.StatusServiceUnavailable {
				problem = fmt.Sprintf("status %d, want 503", o.status)
			}
		default: // the database stopped or started during the request: either answer is right
			if o.status != http.StatusOK && o.status != http.StatusServiceUnavailable {
				problem = fmt.Sprintf("status %d, want 200 or 503", o.status)
			}
		}
		if o.err == nil && o.status == http.StatusServiceUnavailable &&
			!strings.Contains(o.body, "Sorry, the service is unavailable") {
			problem = "503 without the service unavailable page"
		}
		if problem != "" {
			t.Errorf("GET %s started while the database was %s, answered while %s: %s",
				o.path, phaseNames[o.phase], phaseNames[o.end], problem)
		}
	}
	t.Logf("responses by phase: %v", counts)
}
