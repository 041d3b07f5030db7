package main

import (
	"strings"
	"testing"
)

func TestSummariseGoBenchTakesTheMedianOfEachBenchmark(t *testing.T) {
	out := `goos: linux
pkg: github.com/scottish-government/delivery-tracker/web
BenchmarkRenderOverview/seed-2         	    1000	     30000 ns/op	   14592 B/op	     308 allocs/op
BenchmarkRenderOverview/seed-2         	    1000	     10000 ns/op	   14000 B/op	     300 allocs/op
BenchmarkRenderOverview/seed-2         	    1000	     20000 ns/op	   15000 B/op	     310 allocs/op
BenchmarkStore/DataVersion-2           	     100	    250000 ns/op	     432 B/op	       6 allocs/op
PASS
`
	got := summariseGoBench(out)
	want := []goBench{
		{name: "BenchmarkRenderOverview/seed", nsOp: 20000, bOp: 14592, allocsOp: 308},
		{name: "BenchmarkStore/DataVersion", nsOp: 250000, bOp: 432, allocsOp: 6},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %+v, want %+v", got[i], want[i])
		}
	}
}

func TestLoadRate(t *testing.T) {
	l := load{Requests: 5000, DurationUS: 2_000_000}
	if got := l.rps(); got != 2500 {
		t.Errorf("rps = %v, want 2500", got)
	}
}

func TestParseWrk(t *testing.T) {
	out := `Running 10s test @ http://127.0.0.1:1234/
  2 threads and 64 connections
WRKJSON {"requests":132710,"duration_us":10000000,"bytes":1201000000,"errors":0,"status_errors":2,"p50":4060,"p90":9000,"p95":14170,"p99":42350,"max":90000,"mean":4822.5}
`
	l, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if l.Requests != 132710 || l.P95 != 14170 || l.P99 != 42350 || l.StatusErrors != 2 || l.rps() != 13271 {
		t.Errorf("parsed %+v", l)
	}
	if _, err := parseWrk("no figures"); err == nil {
		t.Error("parsed figures out of nothing")
	}
}

func TestCSVRecordsCountsRecordsNotLines(t *testing.T) {
	in := "\ufeffref,why\r\n4.1,\"first\nsecond\"\r\n4.2,one\r\n"
	if got := csvRecords(strings.NewReader(in)); got != 3 {
		t.Errorf("records = %d, want 3 (a header and two rows, one with a line break in a cell)", got)
	}
}
