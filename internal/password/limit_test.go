package password

import (
	"context"
	"errors"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := NewLimiter(1, 50*time.Millisecond)
	h, err := l.Hash(t.Context(), "correct horse battery staple", Fast)
	if err != nil {
		t.Fatal(err)
	}
	release, err := l.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := l.Verify(t.Context(), "correct horse battery staple", h); !errors.Is(err, ErrBusy) {
		t.Errorf("Verify with the only slot taken = %v, want ErrBusy", err)
	}
	if waited := time.Since(start); waited < 50*time.Millisecond || waited > time.Second {
		t.Errorf("waited %v for a slot, want about 50ms", waited)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := l.Hash(ctx, "x", Fast); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash with a cancelled context = %v, want context.Canceled", err)
	}
	// A slot freed while a hash waits is taken at once.
	go func() { time.Sleep(10 * time.Millisecond); release() }()
	l.wait = time.Minute
	if ok, err := l.Verify(t.Context(), "correct horse battery staple", h); !ok || err != nil {
		t.Errorf("Verify once the slot is free = %v, %v", ok, err)
	}
}

func TestDefaultConcurrency(t *testing.T) {
	if n := DefaultConcurrency(Default); n < 1 || n > DefaultMaxConcurrency {
		t.Errorf("DefaultConcurrency = %d, want 1 to %d", n, DefaultMaxConcurrency)
	}
	// With GOMEMLIMIT=60MiB, half holds one hash of 19 MiB.
	old := debug.SetMemoryLimit(60 << 20)
	defer debug.SetMemoryLimit(old)
	if n := DefaultConcurrency(Default); n != 1 {
		t.Errorf("DefaultConcurrency under a 60 MiB limit = %d, want 1", n)
	}
	// With 80 MiB, half holds two: one for each CPU of a 2-core machine.
	debug.SetMemoryLimit(80 << 20)
	if n, want := DefaultConcurrency(Default), min(runtime.GOMAXPROCS(0), 2); n != want {
		t.Errorf("DefaultConcurrency under an 80 MiB limit = %d, want %d", n, want)
	}
	// With GOMEMLIMIT=4GiB, one for each CPU, however many.
	debug.SetMemoryLimit(4 << 30)
	if n, want := DefaultConcurrency(Default), runtime.GOMAXPROCS(0); n != want {
		t.Errorf("DefaultConcurrency under a 4 GiB limit = %d, want %d (GOMAXPROCS)", n, want)
	}
}
