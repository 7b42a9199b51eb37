// Command wasmdirect is the baseline of the wasm scenario of scripts/bench:
// a WebAssembly plugin's module run with wazero directly, as a program
// embedding wazero would, with the sandbox Riposte gives its plugins and
// a fresh instance per call, by as many workers as Riposte runs executions
// at once. It calls the module for a duration and prints, as one JSON
// object, how many calls succeeded, their latencies and the CPU time the
// process used while calling.
//
// Linear memories are allocated as wazero does by default, or with
// -recycle taken from a pool of cleared memories, as Riposte does.
//
//	wasmdirect -module echo.wasm -cache DIR -concurrency 4 -duration 5s -input '{"text":"…"}' [-recycle] [-cpuprofile FILE]
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// Result is what wasmdirect prints.
type Result struct {
	Calls   int           `json:"calls"`
	Errors  int           `json:"errors"`
	Elapsed time.Duration `json:"elapsed"`
	P50     time.Duration `json:"p50"`
	P99     time.Duration `json:"p99"`
	CPU     time.Duration `json:"cpu"`     // user and system, while calling
	Compile time.Duration `json:"compile"` // CompileModule, from the cache when it has the module
	Error   string        `json:"error,omitempty"`
}

func main() {
	var (
		module      = flag.String("module", "", "the module's file")
		cache       = flag.String("cache", "", "compilation cache directory (empty: in memory)")
		concurrency = flag.Int("concurrency", 2*runtime.GOMAXPROCS(0), "calls running at once")
		duration    = flag.Duration("duration", 5*time.Second, "how long to call")
		input       = flag.String("input", `{}`, "the input of each call, a JSON value")
		memoryMB    = flag.Int("memory-mb", 256, "memory limit of an instance, in MiB")
		timeout     = flag.Duration("timeout", 10*time.Second, "deadline of each call")
		recycle     = flag.Bool("recycle", false, "recycle linear memories between calls, cleared, as Riposte does")
		cpuprofile  = flag.String("cpuprofile", "", "write a CPU profile of the calls to this file")
		workers     = flag.Int("compile-workers", 1, "goroutines compiling the module (wazero's experimental option)")
	)
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ctx := experimental.WithCompilationWorkers(context.Background(), *workers)
	r, err := run(ctx, *module, *cache, *concurrency, *duration, json.RawMessage(*input), *memoryMB, *timeout, *recycle)
	if err != nil {
		r.Error = err.Error()
	}
	json.NewEncoder(os.Stdout).Encode(r)
	if err != nil {
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(ctx context.Context, module, cacheDir string, concurrency int, duration time.Duration, input json.RawMessage, memoryMB int, timeout time.Duration, recycle bool) (Result, error) {
	bin, err := os.ReadFile(module)
	if err != nil {
		return Result{}, err
	}
	cache := wazero.NewCompilationCache()
	if cacheDir != "" {
		if cache, err = wazero.NewCompilationCacheWithDir(cacheDir); err != nil {
			return Result{}, err
		}
	}
	defer cache.Close(ctx)
	// Riposte's runtime: modules stop when their context ends, memory is
	// bounded, compiled code is cached.
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(uint32(memoryMB)*16).
		WithCompilationCache(cache))
	defer rt.Close(ctx)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		return Result{}, err
	}
	start := time.Now()
	code, err := rt.CompileModule(ctx, bin)
	if err != nil {
		return Result{}, err
	}
	r := Result{Compile: time.Since(start)}
	// Riposte's sandbox: no file, no environment, one argument, clocks,
	// sleep and random numbers.
	config := wazero.NewModuleConfig().WithName("").WithArgs("plugin").
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().WithRandSource(rand.Reader).WithOsyield(runtime.Gosched)
	stdin := make([]byte, 0, len(input)+10)
	stdin = append(append(append(stdin, `{"input":`...), input...), '}')
	var memories sync.Pool
	call := func() error {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if recycle {
			mem := &pooledMemory{pool: &memories}
			defer mem.release()
			ctx = experimental.WithMemoryAllocator(ctx, experimental.MemoryAllocatorFunc(
				func(_, maxBytes uint64) experimental.LinearMemory { mem.max = maxBytes; return mem }))
		}
		var stdout bytes.Buffer
		mod, err := rt.InstantiateModule(ctx, code, config.WithStdin(bytes.NewReader(stdin)).WithStdout(&stdout).WithStderr(io.Discard))
		if mod != nil {
			mod.Close(ctx)
		}
		var exit *sys.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 0) {
			return err
		}
		var answer struct {
			Output json.RawMessage `json:"output"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &answer); err != nil || answer.Output == nil {
			return fmt.Errorf("no output in %q", stdout.String())
		}
		return nil
	}
	if err := call(); err != nil { // before the clock: the first call's faults
		return r, err
	}

	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		latencies []time.Duration
		firstErr  error
	)
	cpu0 := cpuTime()
	start = time.Now()
	deadline := start.Add(duration)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			errs := 0
			var last error
			for time.Now().Before(deadline) {
				t := time.Now()
				if err := call(); err != nil {
					errs++
					last = err
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			r.Errors += errs
			if firstErr == nil {
				firstErr = last
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.Elapsed = time.Since(start)
	r.CPU = cpuTime() - cpu0
	r.Calls = len(latencies)
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		r.P50, r.P99 = latencies[n/2], latencies[min(n-1, n*99/100)]
	}
	if firstErr != nil {
		r.Error = firstErr.Error()
	}
	return r, nil
}

// pooledMemory is an instance's linear memory taken from, and given back
// to, a pool of memories cleared after use.
type pooledMemory struct {
	pool *sync.Pool
	buf  []byte
	max  uint64
}

func (m *pooledMemory) Reallocate(size uint64) []byte {
	if size > m.max {
		return nil
	}
	if m.buf == nil {
		if b, ok := m.pool.Get().(*[]byte); ok {
			m.buf = (*b)[:0]
		}
	}
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	grown := make([]byte, size, max(size, min(2*uint64(cap(m.buf)), m.max)))
	copy(grown, m.buf)
	m.buf = grown
	return grown
}

func (m *pooledMemory) Free() {}

func (m *pooledMemory) release() {
	if m.buf == nil {
		return
	}
	clear(m.buf)
	b := m.buf[:0]
	m.pool.Put(&b)
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
