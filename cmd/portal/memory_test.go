package main

import (
	"runtime/debug"
	"testing"
)

// TestSetMemoryDefaults sets the default limit only where GOMEMLIMIT does not set one, and the
// default GC percent only where GOGC does not.
func TestSetMemoryDefaults(t *testing.T) {
	oldLimit := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(oldLimit)
	oldPercent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(oldPercent)
	debug.SetMemoryLimit(200 << 20) // as GOMEMLIMIT=200MiB would have set it
	debug.SetGCPercent(150)         // as GOGC=150 would have
	setMemoryDefaults(func(k string) string { return map[string]string{"GOMEMLIMIT": "200MiB", "GOGC": "150"}[k] })
	if got := debug.SetMemoryLimit(-1); got != 200<<20 {
		t.Errorf("with GOMEMLIMIT set, the limit = %d, want %d", got, 200<<20)
	}
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("with GOGC set, the GC percent = %d, want 150", got)
	}
	setMemoryDefaults(func(string) string { return "" })
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Errorf("without GOMEMLIMIT, the limit = %d, want %d", got, defaultMemoryLimit)
	}
	if got := debug.SetGCPercent(100); got != defaultGCPercent {
		t.Errorf("without GOGC, the GC percent = %d, want %d", got, defaultGCPercent)
	}
}
