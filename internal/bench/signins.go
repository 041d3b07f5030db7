package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// The sign-in burst: this many sign-ins at once, each hashing with the real default argon2id
// parameters (19 MiB each), must keep the server's resident memory at most targetRSS, as every
// other load must.
const signInBurst = 256

// hashConcurrency returns how many password hashes the server lets run at once, as it logged
// when it started serving (its default depends on the memory limit it runs under).
func (s *server) hashConcurrency() (int, error) {
	data, err := os.ReadFile(s.log.Name())
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(data)) {
		var l struct {
			Msg             string `json:"msg"`
			HashConcurrency int    `json:"hash_concurrency"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "serving" && l.HashConcurrency > 0 {
			return l.HashConcurrency, nil
		}
	}
	return 0, fmt.Errorf("%s does not say how many password hashes run at once", s.log.Name())
}

// signInFigures are what the sign-in burst measured.
type signInFigures struct {
	concurrency       int // HASH_CONCURRENCY, the default on this machine
	signedIn, busy    int // 303s, and 503s with Retry-After
	other             []string
	p50, p99, slowest time.Duration
	rssBefore, hwm    int64
	took              time.Duration
	missing           string
}

// signIns starts a server over a database of signInBurst accounts, each with a password hashed
// with password.Default, and signs them all in at once, each from an address of its own (through
// TRUSTED_PROXIES and X-Forwarded-For), so that the throttle lets every attempt through and every
// one asks for a hash. It records the answers, their latency and the server's peak memory.
func (b *bench) signIns(ctx context.Context) error {
	f := &b.r.signIn
	dbURL, err := b.freshDatabase(ctx, "portal_bench_signin")
	if err != nil {
		return err
	}
	if _, err := b.portal(ctx, []string{"DATABASE_URL=" + dbURL, "LOG_FORMAT=text"}, "", "migrate"); err != nil {
		return err
	}
	const pw = "synthetic-bench-password-not-secret"
	if out, err := b.portal(ctx, []string{"DATABASE_URL=" + dbURL, "LOG_FORMAT=text"}, pw+"\n",
		"user", "add", "--email", signInEmail(0), "--name", "Bench sign-in 0 (synthetic)", "--role", "staff", "--password-stdin"); err != nil {
		if strings.Contains(out, "unknown command") {
			f.missing = "this build has no accounts"
			return nil
		}
		return err
	}
	if err := copyAccounts(ctx, dbURL, pw); err != nil {
		return err
	}
	s, err := b.serve(ctx, dbURL, "server-signin.log", "TRUSTED_PROXIES=127.0.0.1/32")
	if err != nil {
		return err
	}
	defer s.stop()
	// Let the server make its dummy hash, as it does after every start, before measuring.
	time.Sleep(500 * time.Millisecond)
	f.rssBefore, _ = s.memory()
	if f.concurrency, err = s.hashConcurrency(); err != nil {
		return err
	}

	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: signInBurst, DisableCompression: true},
	}
	defer client.CloseIdleConnections()
	start := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var took []time.Duration
	codes := map[string]int{}
	for i := range signInBurst {
		wg.Go(func() {
			form := url.Values{"email": {signInEmail(i)}, "password": {pw}}
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/sign-in", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.1.%d.%d", i/250, i%250+1))
			<-start
			t0 := time.Now()
			resp, err := client.Do(req)
			d := time.Since(t0)
			code := "error"
			if err == nil {
				code = fmt.Sprint(resp.StatusCode)
				if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
					code = "503 without Retry-After"
				}
				resp.Body.Close()
			}
			mu.Lock()
			took = append(took, d)
			codes[code]++
			mu.Unlock()
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	f.took = time.Since(t0)
	_, f.hwm = s.memory()
	slices.Sort(took)
	f.p50, f.p99, f.slowest = took[len(took)/2], took[(len(took)*99+99)/100-1], took[len(took)-1]
	f.signedIn, f.busy = codes["303"], codes["503"]
	for c, n := range codes {
		if c != "303" && c != "503" {
			f.other = append(f.other, fmt.Sprintf("%d × %s", n, c))
		}
	}
	slices.Sort(f.other)
	fmt.Fprintf(&b.raw, "BenchmarkSignInBurst/n=%d 1 %d ns/op %d p99-ns %d peak-rss-B\n", signInBurst, f.took.Nanoseconds(),
		f.p99.Nanoseconds(), f.hwm)
	b.logf("%d sign-ins at once (HASH_CONCURRENCY %d): %d signed in, %d busy (503), other %v; p50 %v, p99 %v; peak RSS %.1f MB",
		signInBurst, f.concurrency, f.signedIn, f.busy, f.other, f.p50.Round(time.Millisecond), f.p99.Round(time.Millisecond), mb(f.hwm))
	return nil
}

func signInEmail(i int) string { return fmt.Sprintf("bench-signin-%d@example.invalid", i) }

// copyAccounts makes the rest of the burst's accounts with the first one's password hash, which
// `portal user add` made with the default parameters.
func copyAccounts(ctx context.Context, dbURL, pw string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `INSERT INTO users (email, name, role, password_hash)
		SELECT format('bench-signin-%s@example.invalid', i), format('Bench sign-in %s (synthetic)', i), 'staff', u.password_hash
		FROM generate_series(1, $2::int - 1) AS i, users u WHERE u.email = $1`, signInEmail(0), signInBurst)
	if err != nil {
		return fmt.Errorf("copy accounts: %w", err)
	}
	return nil
}

// writeSignIn adds the sign-in burst to the report: its line in the targets table when target is
// true, its section otherwise.
func (b *bench) writeSignIn(p func(format string, args ...any), target bool) {
	f := b.r.signIn
	if f.concurrency == 0 {
		return
	}
	if target {
		if f.missing != "" {
			p("| %d sign-ins at once: resident memory at most 100 MB, no pile-up | %s | **not measured** |\n", signInBurst, f.missing)
			return
		}
		ok := f.hwm <= targetRSS && len(f.other) == 0 && f.signedIn > 0
		p("| %d sign-ins at once (default argon2id, 19 MiB each): resident memory at most 100 MB, every answer a sign-in or a quick 503 | peak %.1f MB; %d signed in, %d 503; p99 %s | %s |\n",
			signInBurst, mb(f.hwm), f.signedIn, f.busy, f.p99.Round(time.Millisecond), verdict(ok))
		return
	}
	if f.missing != "" {
		return
	}
	p("## Sign-ins at once\n\n")
	p("%d accounts, each with a password hashed with the default parameters (argon2id, 19 MiB, 2 passes), sign in\n", signInBurst)
	p("at once, each from an address of its own so that the throttle lets every attempt through. At most\n")
	p("`HASH_CONCURRENCY` hashes run at once (%d, the default on this machine); a sign-in that finds no slot\n", f.concurrency)
	p("free within 2 s gets a 503 with Retry-After.\n\n")
	other := "none"
	if len(f.other) > 0 {
		other = strings.Join(f.other, ", ")
	}
	p("| Signed in (303) | Busy (503) | Other | p50 | p99 | Slowest | All done in | RSS before | Peak RSS |\n")
	p("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	p("| %d | %d | %s | %s | %s | %s | %s | %.1f MB | %.1f MB |\n\n", f.signedIn, f.busy, other,
		f.p50.Round(time.Millisecond), f.p99.Round(time.Millisecond), f.slowest.Round(time.Millisecond),
		f.took.Round(time.Millisecond), mb(f.rssBefore), mb(f.hwm))
}
