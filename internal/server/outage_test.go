package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
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
	t.Parallel()
	if testing.Short() {
		t.Skip("starts and stops a PostgreSQL cluster of its own")
	}
	cluster := dbtest.NewCluster(t)
	dbURL := dbtest.NewDatabase(t, cluster.DatabaseURL("postgres"))
	ctx := context.Background()
	pool, err := postgres.Open(ctx, dbURL, postgres.Config{StatementTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := postgres.ApplySettings(ctx, pool, postgres.Config{StatementTimeout: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, postgres.WithClock(nowFunc(fixedNow)))
	srv := httptest.NewServer(server.New(server.Config{Store: store, Now: nowFunc(fixedNow), Password: password.Fast}))
	t.Cleanup(srv.Close)

	// A partner signs in before the outage.
	const email, pw = "partner@example.scot", "a partner's long password 42"
	hash, err := password.Hash(pw, password.Fast)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateUser(ctx, tracker.Actor{Label: "test"}, postgres.NewUser{
		Email: email, Name: "Pat Partner", Role: tracker.RolePartner, OrganisationCode: "NES", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	partner := &http.Client{Timeout: 15 * time.Second, Jar: jar}
	if resp, err := partner.PostForm(srv.URL+"/sign-in", url.Values{"email": {email}, "password": {pw}}); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.Request.URL.Path != "/report" || len(jar.Cookies(resp.Request.URL)) == 0 {
		t.Fatalf("sign in before the outage ended at %s with status %d", resp.Request.URL, resp.StatusCode)
	}
	resp, err := partner.Get(srv.URL + "/report/4.2")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /report/4.2 before the outage = %d, %v", resp.StatusCode, err)
	}
	reportForm := formValues(t, doc, "form.app-report-form")

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

	clocktest.WaitFor(t, "load before the outage", time.Minute, func() bool { return perPhase[phaseUp].Load() >= 40 })

	phase.Store(phaseStopping)
	if err := cluster.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	phase.Store(phaseDown)
	clocktest.WaitFor(t, "load during the outage", time.Minute, func() bool { return perPhase[phaseDown].Load() >= 40 })
	if o := get("/readyz"); o.err != nil || o.status != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz during the outage = %d %v, want 503", o.status, o.err)
	}
	if o := get("/healthz"); o.err != nil || o.status != http.StatusOK {
		t.Errorf("GET /healthz during the outage = %d %v, want 200", o.status, o.err)
	}

	// Forms sent during the outage say nothing was saved, and give back what was typed.
	narrative := "Cohort 3 started in October <b>as planned</b>.\nSecond paragraph."
	report := with(reportForm, "action", "submit", "status", "delayed", "narrative", narrative, "due_month", "3", "due_year", "2027")
	var wantReport []string
	for name, vs := range report {
		for _, v := range vs {
			wantReport = append(wantReport, name+"="+v)
		}
	}
	var resend url.Values // the report as the page gives it back, to send again once the database is back
	for _, f := range []struct {
		name   string
		client *http.Client
		path   string
		form   url.Values
		want   []string // the fields given back, name=value
	}{
		{"sign-in", client, "/sign-in", url.Values{"email": {email}, "password": {pw}, "next": {"/report"}},
			[]string{"email=" + email, "next=/report"}},
		{"a signed-in partner's report", partner, "/report/4.2", report, wantReport},
	} {
		resp, err := f.client.PostForm(srv.URL+f.path, f.form)
		if err != nil {
			t.Errorf("POST %s during the outage: %v", f.path, err)
			continue
		}
		doc, err := goquery.NewDocumentFromReader(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(text(doc.Find(".ds_error-summary")), "has not been saved") {
			t.Errorf("%s during the outage = %d, %q; want 503 saying it was not saved", f.name, resp.StatusCode, text(doc.Find("h1")))
		}
		form := doc.Find(`main form[method="post"]`)
		if got := form.AttrOr("action", ""); got != f.path {
			t.Errorf("%s: the page sends the form again to %q, want %q", f.name, got, f.path)
		}
		var got []string
		form.Find("textarea, input[type=hidden]").Each(func(_ int, e *goquery.Selection) {
			v := e.AttrOr("value", "")
			if goquery.NodeName(e) == "textarea" {
				v = e.Text()
			}
			got = append(got, e.AttrOr("name", "")+"="+v)
		})
		slices.Sort(got)
		slices.Sort(f.want)
		if !slices.Equal(got, f.want) {
			t.Errorf("%s: the page gives back %q, want %q", f.name, got, f.want)
		}
		if html, _ := doc.Html(); strings.Contains(html, pw) {
			t.Errorf("%s: the page gives the password back", f.name)
		}
		if f.path == "/report/4.2" {
			if got := form.Find(`textarea[name="narrative"]`).Text(); got != narrative {
				t.Errorf("the narrative is not shown to copy: %q", got)
			}
			resend = formValues(t, doc, `main form[method="post"]`)
		}
	}

	phase.Store(phaseStarting)
	if err := cluster.Start(ctx); err != nil {
		t.Fatal(err)
	}
	clocktest.WaitFor(t, "/readyz answers 200 again", 30*time.Second, func() bool {
		o := get("/readyz")
		return o.err == nil && o.status == http.StatusOK
	})
	phase.Store(phaseRecovered)
	clocktest.WaitFor(t, "load after recovery", time.Minute, func() bool { return perPhase[phaseRecovered].Load() >= 100 })

	// The report kept during the outage, sent again, is saved.
	if resp, err := partner.PostForm(srv.URL+"/report/4.2", resend); err != nil {
		t.Errorf("sending the report again after the outage: %v", err)
	} else if resp.Body.Close(); resp.Request.URL.Path != "/report" || resp.StatusCode != http.StatusOK {
		t.Errorf("sending the report again after the outage ended at %s with status %d, want /report", resp.Request.URL.Path, resp.StatusCode)
	}
	var saved string
	if err := pool.QueryRow(ctx, `SELECT narrative FROM updates WHERE state = 'submitted'`).Scan(&saved); err != nil || saved != narrative {
		t.Errorf("after sending it again, the submitted report says %q (%v), want %q", saved, err, narrative)
	}
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
