package main

import (
	"runtime/debug"
	"testing"
)

// TestSetMemoryLimit sets the default limit only where GOMEMLIMIT does not set one.
func TestSetMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	debug.SetMemoryLimit(200 << 20) // as GOMEMLIMIT=200MiB would have set it
	setMemoryLimit(func(k string) string { return map[string]string{"GOMEMLIMIT": "200MiB"}[k] })
	if got := debug.SetMemoryLimit(-1); got != 200<<20 {
		t.Errorf("with GOMEMLIMIT set, the limit = %d, want %d", got, 200<<20)
	}
	setMemoryLimit(func(string) string { return "" })
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Errorf("without GOMEMLIMIT, the limit = %d, want %d", got, defaultMemoryLimit)
	}
}
