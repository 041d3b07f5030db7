package tracker

import (
	"net/netip"
	"strings"
	"time"
)

// ThrottleRule limits failed sign-ins for one key: Free failures are allowed, then each further
// failure locks the key for Base, doubling with every failure up to Max. A key that sees no
// failure for Window starts counting again. Because a lock never lasts longer than Max, and
// attempts made while locked are refused without counting, nobody can lock an account for good.
type ThrottleRule struct {
	Key    string
	Free   int
	Base   time.Duration
	Max    time.Duration
	Window time.Duration
}

// Lock returns how long the key is locked after its failures-th failure: zero while failures are
// within Free.
func (r ThrottleRule) Lock(failures int) time.Duration {
	if failures <= r.Free {
		return 0
	}
	d := r.Base
	for i := r.Free + 1; i < failures && d < r.Max; i++ {
		d *= 2
	}
	return min(d, r.Max)
}

// SignInThrottle returns the rules a sign-in with the email address from the client address is
// subject to:
//   - the account from one address: 5 failures, then a lock of 1 minute doubling to 15;
//   - the account from anywhere: 10 failures an hour, then the same, so that attempts spread over
//     many addresses are slowed too;
//   - the address, for any account: 50 failures an hour (many people share an office's address),
//     then the same, against one address trying many accounts.
//
// The email address is used as typed (in lower case), whether or not an account has it, so that
// throttling tells nothing about which accounts exist. IPv6 addresses count by their /64 network,
// which one client usually holds whole.
func SignInThrottle(email, addr string) []ThrottleRule {
	account := strings.ToLower(NormaliseEmail(email))
	network := addr
	if a, err := netip.ParseAddr(addr); err == nil && a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		network = p.String()
	}
	return []ThrottleRule{
		{Key: "account+address:" + account + " " + network, Free: 5, Base: time.Minute, Max: 15 * time.Minute, Window: time.Hour},
		{Key: "account:" + account, Free: 10, Base: time.Minute, Max: 15 * time.Minute, Window: time.Hour},
		{Key: "address:" + network, Free: 50, Base: time.Minute, Max: 15 * time.Minute, Window: time.Hour},
	}
}

// ResetThrottle returns the rules a request for a password reset email is subject to: three an
// hour for an address, then a lock, so that nobody can flood a mailbox; and 20 an hour from one
// client address.
func ResetThrottle(email, addr string) []ThrottleRule {
	account := strings.ToLower(NormaliseEmail(email))
	return []ThrottleRule{
		{Key: "reset:" + account, Free: 3, Base: 15 * time.Minute, Max: time.Hour, Window: time.Hour},
		{Key: "reset-address:" + addr, Free: 20, Base: 15 * time.Minute, Max: time.Hour, Window: time.Hour},
	}
}
