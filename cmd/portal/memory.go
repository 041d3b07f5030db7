package main

import "runtime/debug"

// defaultMemoryLimit is the soft limit on the memory the Go runtime holds (heap, stacks and its
// own bookkeeping: see runtime/debug.SetMemoryLimit) when GOMEMLIMIT is not set. Without a
// limit the collector lets garbage grow to as much again as the live heap before it runs, so a
// burst of password hashes (19 MiB each) or of large pages doubles what they hold. With one, it
// collects sooner as the limit nears and returns what it freed to the system, so the process
// stays near the limit however the load comes. Resident memory is that and about 25 MB of the
// executable's own pages (code and embedded static files): 64 MiB keeps the whole under 100 MB.
// The live heap of a serving portal is about 30 MB at most (16 MB of it the page cache, see
// PAGE_CACHE_MB), which leaves room for one password hash at a time (see
// password.DefaultConcurrency).
const defaultMemoryLimit = 64 << 20

// defaultGCPercent is how far the heap may grow past what is live before the collector runs
// (GOGC), when GOGC is not set: to three times, where the runtime's own default is twice. The
// live heap of a serving portal is small (10 to 30 MB) and a page makes hundreds of kilobytes of
// garbage, so at twice the collector ran dozens of times a second under load, and a page at
// national scale (the filtered list of 10,000 commitments) took a fifth more processor time for
// it. Five times saved little more than three, and let the heap stand 10 MB higher after a large
// download. The memory limit still bounds the whole: as the heap nears it, the collector runs
// sooner, whatever this says.
const defaultGCPercent = 200

// setMemoryDefaults sets the default soft memory limit unless GOMEMLIMIT sets one, and the
// default GC percent unless GOGC sets one (the runtime has read both already, before main).
func setMemoryDefaults(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
