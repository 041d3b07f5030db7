package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/deploy"
)

// TestRollingRestartBehindHAProxy runs three instances behind HAProxy, configured from
// internal/deploy/haproxy.cfg.tmpl, and restarts each in turn under load: no request fails.
func TestRollingRestartBehindHAProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts three portals under load")
	}
	deploy.Binary(t, "haproxy", "haproxy", "/usr/sbin/haproxy")
	dbURL := dbtest.URL(t)
	env := []string{"DRAIN_DELAY=3s", "REMINDER_INTERVAL=0"}
	var addrs []string
	procs := make([]*process, 3)
	for i := range procs {
		port, err := deploy.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		procs[i] = startPortal(t, dbURL, append(env, "ADDR="+addrs[i])...)
	}
	lb := "http://" + deploy.HAProxy(t, addrs)
	client := &http.Client{Timeout: 30 * time.Second}
	clocktest.WaitFor(t, "HAProxy sends requests to the portals", 30*time.Second, func() bool {
		code, _, err := getStatus(client, lb+"/readyz")
		return err == nil && code == http.StatusOK
	})

	var ok, failed atomic.Int64
	var mu sync.Mutex
	var failures []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	paths := []string{"/", "/commitments/4.2", "/priorities/digital-skills-and-leadership", "/commitments.csv"}
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				path := paths[(w+i)%len(paths)]
				resp, err := client.Get(lb + path)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					failed.Add(1)
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s %s: %v", time.Now().Format("15:04:05.000"), path, err))
					mu.Unlock()
					continue
				}
				ok.Add(1)
			}
		})
	}

	time.Sleep(time.Second)
	for i := range procs {
		before := ok.Load()
		if err := procs[i].cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := procs[i].waitExit(t, time.Minute); err != nil {
			t.Errorf("portal %d exited with %v", i, err)
		}
		procs[i] = startPortal(t, dbURL, append(env, "ADDR="+addrs[i])...)
		// HAProxy takes it back after two good checks, half a second apart.
		clocktest.WaitFor(t, "the new instance answers /readyz", 30*time.Second, func() bool {
			code, _, err := getStatus(client, procs[i].url("/readyz"))
			return err == nil && code == http.StatusOK
		})
		time.Sleep(1500 * time.Millisecond)
		if ok.Load() == before {
			t.Errorf("no request succeeded while portal %d restarted", i)
		}
	}
	close(stop)
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d requests failed during the rolling restart; the first: %q", n, n+ok.Load(), failures[:min(len(failures), 5)])
	}
	t.Logf("%d requests, none failed", ok.Load())
}
