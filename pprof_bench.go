//go:build riposte_pprof

package main

import (
	"net/http"
	_ "net/http/pprof" // the profiles, on the default mux of the listener below
	"os"
	"runtime"
)

// A binary built with -tags riposte_pprof (scripts/bench -profile builds
// one) serves net/http/pprof on RIPOSTE_PPROF_ADDR, a loopback address,
// and records blocking and mutex contention. Released binaries have none
// of it.
func init() {
	addr := os.Getenv("RIPOSTE_PPROF_ADDR")
	if addr == "" {
		return
	}
	runtime.SetBlockProfileRate(10_000) // one blocking event per 10 µs spent blocked
	runtime.SetMutexProfileFraction(100)
	go http.ListenAndServe(addr, nil)
}
