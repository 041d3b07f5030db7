package tracker

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ThrottleRule limits attempts for one key: Free attempts are let through, then the key is locked
// for Base; when a lock ends one more attempt is let through, and the lock after it doubles, up
// to Max. Attempts are counted as they are let through, before the password is checked, and a
// successful one is taken back. A key that lets nothing through for Window starts counting
// again. Because a lock never lasts longer than Max, and attempts made while locked are refused
// without counting, nobody can lock an account for good.
type ThrottleRule struct {
	Key    string
	Free   int
	Base   time.Duration
	Max    time.Duration
	Window time.Duration
}

// Lock returns how long the key is locked once failures attempts are counted against it and
// another arrives: zero while failures are within Free. The store locks a key as it lets through
// its n-th attempt for Lock(n+1), so that no attempt beyond the allowance is let through while
// those counted are being checked.
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
//   - the account from one address: 5 attempts, then a lock of 1 minute doubling to 15;
//   - the account from anywhere: 10 attempts an hour, then the same, so that attempts spread over
//     many addresses are slowed too;
//   - the address, for any account: 50 attempts an hour (many people share an office's address),
//     then the same, against one address trying many accounts.
//
// A successful sign-in clears the first two and is taken back from the third.
//
// The email address is used as typed (in lower case), whether or not an account has it, so that
// throttling tells nothing about which accounts exist. IPv6 addresses count by their /64 network,
// which one client usually holds whole.
func SignInThrottle(email, addr string) []ThrottleRule {
	account, network := throttleAccount(email), throttleNetwork(addr)
	return []ThrottleRule{
		{Key: "account+address:" + account + " " + network, Free: 5, Base: time.Minute, Max: 15 * time.Minute, Window: time.Hour},
		{Key: "account:" + account, Free: 10, Base: time.Minute, Max: 15 * time.Minute, Window: time.Hour},
		{Key: "address:" + network, Free: 50, Base: time.Minute, Max: 15 * time.Minute, Window: time.Hour},
	}
}

// ResetThrottle returns the rules a request for a password reset email is subject to: at most 3
// in any hour for an email address, so that nobody can flood a mailbox, and at most 20 in any hour
// from one client address. Each request is counted as it arrives, before anything is looked up,
// and the one that uses up the allowance locks the key for a whole hour.
func ResetThrottle(email, addr string) []ThrottleRule {
	return []ThrottleRule{hourly("reset:"+throttleAccount(email), 3), hourly("reset-address:"+addr, 20)}
}

// throttleAccount is the email address as throttling counts it: as typed, in lower case.
func throttleAccount(email string) string { return strings.ToLower(NormaliseEmail(email)) }

// throttleNetwork is the client address as throttling counts it: an IPv6 address by its /64
// network, which one client usually holds whole.
func throttleNetwork(addr string) string {
	if a, err := netip.ParseAddr(addr); err == nil && a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return addr
}

// hourly is a rule that lets free attempts through in any hour, and then locks the key for the
// rest of it.
func hourly(key string, free int) ThrottleRule {
	return ThrottleRule{Key: key, Free: free, Base: time.Hour, Max: time.Hour, Window: time.Hour}
}

// waitWords says how long to wait, in whole minutes rounded up: "1 minute", "45 minutes".
func waitWords(wait time.Duration) string {
	minutes := max(int((wait+time.Minute-1)/time.Minute), 1)
	if minutes == 1 {
		return "1 minute"
	}
	return strconv.Itoa(minutes) + " minutes"
}
