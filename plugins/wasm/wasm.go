// Package wasm runs plugins compiled to WebAssembly in a sandbox, with
// wazero: the runtime of plugins whose manifest says runtime.type wasm.
//
// A plugin is a WASI preview 1 command module (wasm32-wasip1). Each call
// runs a fresh instance of it: its standard input holds {"input": …}, and
// it answers {"output": …} on its standard output, the documents an http
// plugin receives and answers. Nothing carries over from one call to the
// next. The instance sees no file (nothing is mounted), no environment
// variable, no argument but the program name and no network; it may read
// the clocks, sleep and draw random numbers. Its memory is bounded by the
// plugin's memory_mb, its standard output by MaxOutput, its time by the
// context of the call, which closes the module when it ends.
//
// A Host holds what the calls share: one wazero runtime, the compiled
// modules (in memory, and on disk when Options.CacheDir is set, so that a
// restart does not compile again), and the limits on what runs at once: a
// number of executions and a memory budget. A call beyond them waits up to
// Options.Wait, then fails with plugins.ErrBusy.
//
// # Running a module without a server
//
// The server and anything that wants to run a module as the server does
// (a plugin's own tests, a benchmark) use the same calls:
//
//	host, err := wasm.NewHost(ctx, wasm.Options{})
//	defer host.Close(ctx)
//	mod, err := host.Check(ctx, bin, plugins.MaxMemoryMB) // what an upload checks
//	out, err := host.Run(ctx, bin, json.RawMessage(`{"text":"…"}`), wasm.Limits{Timeout: 2 * time.Second})
//	p, err := host.Plugin(ctx, manifest, bin) // a plugins.Plugin, for the conformance suite
//
// The registry runs plugins through host.Loader, which fetches a module's
// bytes from a Modules (the database) the first time it is called. Tests
// get modules from package wasmtest: built from Go sources with the Go
// toolchain (wasmtest.BuildDir), or assembled by hand.
//
// # What a call costs
//
// A module is compiled once per host (one to two seconds for a 3 MB module
// built by Go; a quarter of a second when the on-disk cache has it) and
// kept. Each call then instantiates the compiled module — allocating its
// memory, copying its data segments, filling its tables — and runs it: a
// few milliseconds for a module built by Go, most of them its runtime
// starting, less for TinyGo or Rust. Two things make a call cheaper than
// instantiating with wazero's defaults: the module is compiled with its
// data segments coalesced (see Prepare: Go writes tens of thousands, each
// of which wazero would evaluate on every call), and linear memories are
// recycled between calls, cleared first. The admission control, the
// capped output and the deadline cost microseconds.
package wasm

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/riposte-civic/riposte/plugins"
)

// Defaults of Options.
const (
	// DefaultMemoryBudgetMB is the default memory budget: the sum of the
	// memory_mb of the executions running at once.
	DefaultMemoryBudgetMB = 1024
	// DefaultWait is how long a call waits for room by default.
	DefaultWait = time.Second
	// DefaultCompiled is how many compiled modules a host keeps in memory
	// by default.
	DefaultCompiled = 64
)

// MaxOutput is the most a module may write to its standard output; more
// fails the call, and stops the module at once.
const MaxOutput = 1 << 20

// stderrHead is how much of a module's standard error is logged, when
// Options.LogStderr asks for it.
const stderrHead = 4 << 10

// programName is the only argument a module receives.
const programName = "plugin"

// Options configure a Host. The zero value is usable.
type Options struct {
	// Concurrency bounds the executions running at once; 0 means twice
	// the number of CPUs the process may use (GOMAXPROCS, which follows a
	// container's CPU quota).
	Concurrency int
	// MemoryMB bounds the sum of the memory limits (memory_mb) of the
	// executions running at once, in MiB; 0 means DefaultMemoryBudgetMB.
	// It must let the largest plugin run: at least plugins.MaxMemoryMB.
	MemoryMB int
	// Wait is how long a call waits for room among the running executions
	// before failing with plugins.ErrBusy; 0 means DefaultWait.
	Wait time.Duration
	// CacheDir keeps compiled code on disk, so that a restart does not
	// compile modules again; empty keeps it in memory only. The host
	// must be the only writer of the directory; it may be emptied while
	// no host runs.
	CacheDir string
	// Shared keeps compiled code in memory for several hosts of one
	// process, so that they compile each module once: tests that build
	// many hosts share one. When set, CacheDir is unused.
	Shared *Cache
	// Compiled bounds the compiled modules kept in memory; 0 means
	// DefaultCompiled. The least recently used are dropped first.
	Compiled int
	// Logger receives what LogStderr asks for; nil discards it.
	Logger *slog.Logger
	// LogStderr logs the first 4 KiB a module writes to its standard
	// error, at info level. For development only: a module may write its
	// input there. Otherwise standard error is discarded.
	LogStderr bool
}

// Host runs WebAssembly modules. It is safe for concurrent use. Close it
// when done.
type Host struct {
	rt        wazero.Runtime
	cache     closer              // the compilation cache, unless shared
	config    wazero.ModuleConfig // what every instance shares
	modules   *moduleCache
	gate      *gate
	memories  sync.Pool // of *[]byte: cleared linear memories to reuse
	wait      time.Duration
	log       *slog.Logger
	logStderr bool
	closing   sync.Once
}

// NewHost returns a host with the options o.
func NewHost(ctx context.Context, o Options) (*Host, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	shared, cache, err := o.cache()
	if err != nil {
		return nil, err
	}
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(pages(plugins.MaxMemoryMB)).
		WithCompilationCache(shared))
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		cache.Close(ctx)
		return nil, fmt.Errorf("wasm: WASI: %w", err)
	}
	h := &Host{rt: rt, cache: cache, gate: newGate(o.Concurrency, o.MemoryMB), wait: o.Wait,
		log: o.Logger, logStderr: o.LogStderr}
	h.modules = newModuleCache(o.Compiled, h.compile)
	h.config = wazero.NewModuleConfig().WithName("").WithArgs(programName).
		WithSysWalltime().WithSysNanotime().WithRandSource(rand.Reader).WithOsyield(runtime.Gosched)
	return h, nil
}

func (o Options) withDefaults() (Options, error) {
	switch {
	case o.Concurrency < 0:
		return o, errors.New("wasm: Concurrency must not be negative")
	case o.MemoryMB != 0 && o.MemoryMB < plugins.MaxMemoryMB:
		return o, fmt.Errorf("wasm: MemoryMB must be at least %d, the most a plugin may ask for", plugins.MaxMemoryMB)
	case o.Wait < 0 || o.Compiled < 0:
		return o, errors.New("wasm: Wait and Compiled must not be negative")
	}
	if o.Concurrency == 0 {
		o.Concurrency = 2 * runtime.GOMAXPROCS(0)
	}
	if o.MemoryMB == 0 {
		o.MemoryMB = DefaultMemoryBudgetMB
	}
	if o.Wait == 0 {
		o.Wait = DefaultWait
	}
	if o.Compiled == 0 {
		o.Compiled = DefaultCompiled
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// cache returns the compilation cache of a host, and what the host
// closes with itself: the same cache, or nothing when it is shared.
func (o Options) cache() (use wazero.CompilationCache, own closer, err error) {
	switch {
	case o.Shared != nil:
		return o.Shared.c, nopCloser{}, nil
	case o.CacheDir != "":
		c, err := wazero.NewCompilationCacheWithDir(o.CacheDir)
		if err != nil {
			return nil, nil, fmt.Errorf("wasm: compilation cache: %w", err)
		}
		return c, c, nil
	}
	c := wazero.NewCompilationCache()
	return c, c, nil
}

// Cache is compiled code kept in memory for several hosts (see
// Options.Shared).
type Cache struct{ c wazero.CompilationCache }

// NewCache returns an empty cache, to share between hosts.
func NewCache() *Cache { return &Cache{c: wazero.NewCompilationCache()} }

// Close releases the compiled code, once the hosts sharing it are closed.
func (c *Cache) Close(ctx context.Context) error { return c.c.Close(ctx) }

type closer interface{ Close(context.Context) error }

type nopCloser struct{}

func (nopCloser) Close(context.Context) error { return nil }

// Close stops every running module and releases the compiled code. Calls
// after Close fail. Closing again does nothing.
func (h *Host) Close(ctx context.Context) error {
	var err error
	h.closing.Do(func() {
		err = errors.Join(h.rt.Close(ctx), h.cache.Close(ctx))
	})
	return err
}

// Stats is what a host is running, and the most it ran at once.
type Stats struct {
	Running      int // executions running now
	PeakRunning  int // the most executions that ran at once
	MemoryMB     int // the memory_mb of the executions running now, summed
	PeakMemoryMB int // the most that sum has been
	Compiled     int // compiled modules kept in memory
}

// Stats reports what the host is running.
func (h *Host) Stats() Stats {
	s := h.gate.stats()
	s.Compiled = h.modules.len()
	return s
}

// pages converts MiB to WebAssembly pages of 64 KiB.
func pages(mb int) uint32 { return uint32(mb) * 16 }
