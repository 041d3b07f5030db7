package main

import "testing"

func TestAttributeGivesEachSampleToTheInnermostPart(t *testing.T) {
	traces := `File: portal
Type: cpu
-----------+-------------------------------------------------------
      30ms   internal/runtime/syscall/linux.Syscall6
             syscall.write
             os.(*File).Write
             log/slog.(*JSONHandler).Handle
             github.com/x/internal/server.(*Server).accessLog.func1
             net/http.(*conn).serve
-----------+-------------------------------------------------------
     1.5s   internal/runtime/syscall/linux.Syscall6
             internal/poll.(*FD).Write
             net.(*conn).Write
             bufio.(*Writer).Flush
             net/http.(*conn).serve
-----------+-------------------------------------------------------
      20ms   net/textproto.CanonicalMIMEHeaderKey
             net/http.Header.Set
             github.com/x/internal/server.(*Server).securityHeaders.func1
             github.com/x/internal/server.(*Server).accessLog.func1
             net/http.(*conn).serve
-----------+-------------------------------------------------------
      10ms   runtime.scanobject
             runtime.gcBgMarkWorker
`
	total, parts := attribute(traces)
	if total < 1.559 || total > 1.561 {
		t.Errorf("total = %v s, want 1.56", total)
	}
	got := map[string]float64{}
	for _, p := range parts {
		got[p.name] = p.seconds
	}
	for name, want := range map[string]float64{
		profileParts[0].name:                1.5,
		"request log (slog, and its write)": 0.03,
		"security headers":                  0.02,
		"garbage collection (background)":   0.01,
	} {
		if d := got[name] - want; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s: %v s, want %v", name, got[name], want)
		}
	}
	if parts[0].name != profileParts[0].name {
		t.Errorf("largest first: got %q first", parts[0].name)
	}
}
