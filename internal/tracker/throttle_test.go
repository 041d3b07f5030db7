package tracker

import (
	"strings"
	"testing"
	"time"
)

func TestThrottleRuleLock(t *testing.T) {
	r := ThrottleRule{Free: 5, Base: time.Minute, Max: 15 * time.Minute}
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {5, 0},
		{6, time.Minute}, {7, 2 * time.Minute}, {8, 4 * time.Minute}, {9, 8 * time.Minute},
		{10, 15 * time.Minute}, {11, 15 * time.Minute}, {1000, 15 * time.Minute},
	}
	for _, tt := range tests {
		if got := r.Lock(tt.failures); got != tt.want {
			t.Errorf("Lock(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}

func TestSignInThrottleKeys(t *testing.T) {
	a := SignInThrottle(" Jane@NES.scot ", "2001:db8:1:2:3:4:5:6")
	b := SignInThrottle("jane@nes.scot", "2001:db8:1:2:ffff::1")
	for i := range a {
		if a[i].Key != b[i].Key {
			t.Errorf("rule %d: keys %q and %q differ for one account and one /64", i, a[i].Key, b[i].Key)
		}
		if a[i].Max <= 0 || a[i].Max > 15*time.Minute {
			t.Errorf("rule %q may lock for %v: a lock must end within 15 minutes", a[i].Key, a[i].Max)
		}
	}
	c := SignInThrottle("jane@nes.scot", "192.0.2.1")
	if !strings.HasSuffix(c[2].Key, "192.0.2.1") || c[0].Key == a[0].Key || c[1].Key != a[1].Key {
		t.Errorf("keys = %q", []string{c[0].Key, c[1].Key, c[2].Key})
	}
}
