package wasm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
	"github.com/riposte-civic/riposte/plugins/wasm/wasmtest"
)

// shared is the compiled code the tests' hosts share, so that each module
// is compiled once per test binary.
var shared = wasm.NewCache()

// newHost returns a host for the test, closed when it ends.
func newHost(tb testing.TB, o wasm.Options) *wasm.Host {
	tb.Helper()
	if o.CacheDir == "" {
		o.Shared = shared
	}
	h, err := wasm.NewHost(context.Background(), o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.Close(context.Background()) })
	return h
}

// run runs the modes module in the given mode, with more input members.
func run(t *testing.T, h *wasm.Host, l wasm.Limits, mode string, more ...string) (json.RawMessage, error) {
	t.Helper()
	input := `{"mode":"` + mode + `"`
	for i := 0; i+1 < len(more); i += 2 {
		input += `,"` + more[i] + `":` + more[i+1]
	}
	return h.Run(t.Context(), wasmtest.Build(t, wasmtest.Modes), json.RawMessage(input+"}"), l)
}

func TestRunAnswersWithTheOutput(t *testing.T) {
	h := newHost(t, wasm.Options{})
	out, err := h.Run(t.Context(), wasmtest.Build(t, wasmtest.Echo), json.RawMessage(`{"text":"Portes ouvertes","n":[1,2]}`), wasm.Limits{})
	if err != nil || string(out) != `{"text":"Portes ouvertes","n":[1,2]}` {
		t.Fatalf("Run = %s, %v", out, err)
	}
	for range 3 {
		start := time.Now()
		_, err := h.Run(t.Context(), wasmtest.Build(t, wasmtest.Echo), json.RawMessage(`"again"`), wasm.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("a call of the Go echo module took %s", time.Since(start))
	}
}

// Every call runs a fresh instance: what one call left in the module's
// memory, the next does not see, even when calls overlap.
func TestEveryCallRunsAFreshInstance(t *testing.T) {
	h := newHost(t, wasm.Options{Concurrency: 4, Wait: time.Minute})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			out, err := run(t, h, wasm.Limits{}, "count", "text", strconv.Quote(strconv.Itoa(i)))
			if err != nil || string(out) != `{"calls":1,"text":"`+strconv.Itoa(i)+`"}` {
				t.Errorf("call %d = %s, %v; want its own fresh instance", i, out, err)
			}
		})
	}
	wg.Wait()
}

// A module that fails fails alone: the call says how, marked with the
// kind of failure the registry reports, and the next call works.
func TestRunReportsHowAModuleFailed(t *testing.T) {
	h := newHost(t, wasm.Options{})
	tests := []struct {
		name    string
		call    func(t *testing.T) error
		kind    error
		because string
	}{
		{"a non-zero exit", mode(h, "exit"), plugins.ErrMisbehaved, "exited with code 3"},
		{"a panic", mode(h, "panic"), plugins.ErrMisbehaved, "exited with code 2"},
		{"an answer that is not JSON", mode(h, "garbage"), plugins.ErrMisbehaved, "not a JSON object"},
		{"an answer without output", mode(h, "nooutput"), plugins.ErrMisbehaved, `no "output" member`},
		{"more memory than memory_mb", mode(h, "grow", "mb", "100"), plugins.ErrMisbehaved, "more than its 32 MiB of memory"},
		{"a trap", func(t *testing.T) error {
			_, err := h.Run(t.Context(), wasmtest.Trap(), nil, wasm.Limits{})
			return err
		}, plugins.ErrMisbehaved, "crashed: "},
		{"memory_mb below the module's minimum", func(t *testing.T) error {
			_, err := h.Run(t.Context(), wasmtest.MinMemory(48), nil, wasm.Limits{MemoryMB: 2})
			return err
		}, plugins.ErrRefused, "starts with 3 MiB of memory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(t)
			t.Log(err)
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.because) {
				t.Fatalf("error %v, want %v saying %q", err, tt.kind, tt.because)
			}
			if out, err := run(t, h, wasm.Limits{}, "echo", "text", `"next"`); err != nil || !strings.Contains(string(out), `"next"`) {
				t.Fatalf("the next call = %s, %v", out, err)
			}
		})
	}
}

// mode is a test call of the modes module on h with 32 MiB of memory.
func mode(h *wasm.Host, name string, more ...string) func(t *testing.T) error {
	return func(t *testing.T) error {
		_, err := run(t, h, wasm.Limits{MemoryMB: 32}, name, more...)
		return err
	}
}

// A module that never ends is stopped when its time is up, and the next
// call runs as usual.
func TestAModuleIsStoppedWhenItsTimeIsUp(t *testing.T) {
	h := newHost(t, wasm.Options{})
	run(t, h, wasm.Limits{}, "echo") // compiled before the clock starts
	for _, tt := range []struct {
		name string
		call func() error
	}{
		{"a Go module spinning", func() error {
			_, err := run(t, h, wasm.Limits{Timeout: 100 * time.Millisecond}, "spin")
			return err
		}},
		{"a bare loop", func() error {
			_, err := h.Run(t.Context(), wasmtest.Loop(), nil, wasm.Limits{Timeout: 100 * time.Millisecond})
			return err
		}},
		{"a module sleeping", func() error {
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			_, err := h.Run(ctx, wasmtest.Build(t, wasmtest.Modes), json.RawMessage(`{"mode":"sleep","ms":60000}`), wasm.Limits{})
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := tt.call()
			took := time.Since(start)
			t.Logf("stopped after %s", took)
			if !errors.Is(err, plugins.ErrTimeout) {
				t.Fatalf("error %v, want ErrTimeout", err)
			}
			if took > time.Second {
				t.Errorf("stopped after %s, want about 100 ms", took)
			}
			if out, err := run(t, h, wasm.Limits{}, "echo", "text", `"after"`); err != nil || !strings.Contains(string(out), "after") {
				t.Fatalf("the next call = %s, %v", out, err)
			}
		})
	}
}

// A caller who goes away is told so, not that the plugin timed out.
func TestACanceledCallIsNotATimeout(t *testing.T) {
	h := newHost(t, wasm.Options{})
	run(t, h, wasm.Limits{}, "echo")
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := h.Run(ctx, wasmtest.Build(t, wasmtest.Modes), json.RawMessage(`{"mode":"spin"}`), wasm.Limits{})
	if !errors.Is(err, context.Canceled) || errors.Is(err, plugins.ErrTimeout) || errors.Is(err, plugins.ErrMisbehaved) {
		t.Fatalf("error %v, want context.Canceled alone", err)
	}
}

// The sandbox gives a module no file, no environment variable, no
// argument but the program name and no network; clocks and random
// numbers work.
func TestTheSandboxShowsNothingOfTheHost(t *testing.T) {
	t.Setenv("RIPOSTE_TEST_SECRET", "do-not-leak")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var connections atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connections.Add(1)
			c.Close()
		}
	}()
	h := newHost(t, wasm.Options{})
	out, err := run(t, h, wasm.Limits{}, "sandbox", "env", `"RIPOSTE_TEST_SECRET"`, "addr", strconv.Quote(ln.Addr().String()))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the module saw %s", out)
	var seen map[string]any
	if err := json.Unmarshal(out, &seen); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"passwd", "root", "env", "environ", "dialed"} {
		if v, ok := seen[leak]; ok {
			t.Errorf("the module saw %s: %v", leak, v)
		}
	}
	if args, _ := json.Marshal(seen["args"]); string(args) != `["plugin"]` {
		t.Errorf("the module's arguments are %s, want the program name alone", args)
	}
	if now, _ := time.Parse(time.RFC3339, seen["now"].(string)); time.Since(now).Abs() > time.Minute {
		t.Errorf("the module's clock says %v", seen["now"])
	}
	if seen["random"] == "0000000000000000" {
		t.Error("the module's random numbers are zeros")
	}
	if n := connections.Load(); n > 0 {
		t.Errorf("the module opened %d connections", n)
	}
}

// A module writing 10 MiB is stopped once it passes 1 MiB: the call fails
// and the process does not hold what it wrote.
func TestAFloodOfOutputIsStopped(t *testing.T) {
	h := newHost(t, wasm.Options{})
	for range 2 {
		run(t, h, wasm.Limits{}, "echo") // compiled, and a memory to recycle
	}
	rssBefore := rss()
	before := liveHeap()
	start := time.Now()
	_, err := run(t, h, wasm.Limits{}, "flood")
	took := time.Since(start)
	grown := liveHeap() - before
	rssGrown := rss() - rssBefore
	t.Logf("flood stopped after %s; the live heap grew by %d KiB, the RSS by %d KiB", took, grown>>10, rssGrown>>10)
	if !errors.Is(err, plugins.ErrMisbehaved) || !strings.Contains(err.Error(), "standard output") {
		t.Fatalf("error %v, want ErrMisbehaved about the output", err)
	}
	if grown > 8<<20 && !raceDetector { // sync.Pool drops memories at random under the race detector
		t.Errorf("the process holds %d KiB more after the module wrote 10 MiB", grown>>10)
	}
	if rssGrown > 8<<20 && !raceDetector {
		t.Errorf("the process's RSS grew by %d KiB while the module wrote 10 MiB", rssGrown>>10)
	}
}

// allocated returns the bytes the process has allocated so far.
// liveHeap returns the bytes of heap still in use after a collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// rss returns the process's resident memory in bytes, or 0 where
// /proc/self/statm is not.
func rss() int64 {
	runtime.GC()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(fields[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// At most Concurrency executions run at once, within the memory budget;
// callers beyond wait briefly, then are told the host is busy.
func TestExecutionsStayWithinTheLimits(t *testing.T) {
	tests := []struct {
		name        string
		opts        wasm.Options
		memoryMB    int
		peakRunning int
	}{
		{"the number of executions", wasm.Options{Concurrency: 2, MemoryMB: 1024, Wait: 200 * time.Millisecond}, 64, 2},
		{"the memory budget", wasm.Options{Concurrency: 8, MemoryMB: 256, Wait: 200 * time.Millisecond}, 128, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHost(t, tt.opts)
			run(t, h, wasm.Limits{}, "echo")
			stop := watchRSS()
			var ok, busy atomic.Int32
			var wg sync.WaitGroup
			// The calls start together and the first ones sleep far longer
			// than the others may wait, so that a late goroutine on a busy
			// machine cannot take a freed place.
			start := make(chan struct{})
			for range 20 {
				wg.Go(func() {
					<-start
					_, err := run(t, h, wasm.Limits{MemoryMB: tt.memoryMB}, "sleep", "ms", "1500", "mb", "40")
					switch {
					case err == nil:
						ok.Add(1)
					case errors.Is(err, plugins.ErrBusy):
						busy.Add(1)
					default:
						t.Errorf("call failed: %v", err)
					}
				})
			}
			close(start)
			wg.Wait()
			grew := stop()
			s := h.Stats()
			t.Logf("%d calls answered, %d told busy; at most %d executions and %d MiB at once; RSS grew by %d MiB",
				ok.Load(), busy.Load(), s.PeakRunning, s.PeakMemoryMB, grew>>20)
			if s.PeakRunning != tt.peakRunning || s.PeakMemoryMB > tt.opts.MemoryMB {
				t.Errorf("peak %d executions, %d MiB; want %d, at most %d MiB", s.PeakRunning, s.PeakMemoryMB, tt.peakRunning, tt.opts.MemoryMB)
			}
			if ok.Load() != int32(tt.peakRunning) || busy.Load() != 20-int32(tt.peakRunning) {
				t.Errorf("%d answered and %d busy, want %d and %d", ok.Load(), busy.Load(), tt.peakRunning, 20-tt.peakRunning)
			}
			// The memory budget, and the memory limits of what ran at once,
			// bound the memory it took, give or take the Go runtime's own.
			// A memory that grows is copied, and the old copy is held until
			// the garbage collector takes it: twice the limits, at the peak.
			bound := min(tt.opts.MemoryMB, 2*s.PeakMemoryMB) + 32
			if grew > int64(bound)<<20 && !raceDetector {
				t.Errorf("RSS grew by %d MiB, more than %d MiB: the budget (%d MiB), or twice what the executions could reserve (%d MiB), and 32 MiB",
					grew>>20, bound, tt.opts.MemoryMB, s.PeakMemoryMB)
			}
			if s.Running != 0 || s.MemoryMB != 0 {
				t.Errorf("after the calls, %d executions and %d MiB still counted", s.Running, s.MemoryMB)
			}
		})
	}
}

// watchRSS samples the process's resident memory until stop, which
// returns how much it grew at most.
func watchRSS() (stop func() int64) {
	start := rss()
	var peak atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			b, _ := os.ReadFile("/proc/self/statm")
			if f := strings.Fields(string(b)); len(f) > 1 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				if n*int64(os.Getpagesize()) > peak.Load() {
					peak.Store(n * int64(os.Getpagesize()))
				}
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
	return func() int64 {
		close(done)
		wg.Wait()
		return max(peak.Load()-start, 0)
	}
}

// Check refuses what cannot run as a plugin, naming what is wrong.
func TestCheckRefusesWhatCannotRun(t *testing.T) {
	h := newHost(t, wasm.Options{})
	tests := []struct {
		name  string
		bin   []byte
		maxMB int
		path  string // "" when the module passes
	}{
		{"a Go plugin", wasmtest.Build(t, wasmtest.Echo), 256, ""},
		{"a minimal module", wasmtest.MinMemory(1), 256, ""},
		{"not WebAssembly", []byte("#!/bin/sh\necho hello\n"), 256, "module"},
		{"a text file that says wasm", []byte("(module)"), 256, "module"},
		{"a broken module", append(wasmtest.MinMemory(1), 0x0a, 0xff), 256, "module"},
		{"more memory than any plugin may have", wasmtest.MinMemory(4097), 256, "module.memory"},
		{"more memory than allowed here", wasmtest.MinMemory(64), 2, "module.memory"},
		{"an import from env", wasmtest.Importing("env", "abort"), 256, "module.imports"},
		{"a WASI function with another signature", wasmtest.Importing(wasm.WASI, "fd_write"), 256, "module.imports"},
		{"a WASI function that does not exist", wasmtest.Importing(wasm.WASI, "sock_listen"), 256, "module.imports"},
		{"a library without _start", wasmtest.WithoutStart(), 256, "module.exports"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := h.Check(t.Context(), tt.bin, tt.maxMB)
			var me *wasm.ModuleError
			switch {
			case tt.path == "" && err != nil:
				t.Fatalf("Check = %v", err)
			case tt.path == "":
				if m.SHA256 != wasm.Digest(tt.bin) || m.Size != int64(len(tt.bin)) || m.MinMemoryPages == 0 {
					t.Errorf("Check = %+v", m)
				}
			case !errors.As(err, &me) || !errors.Is(err, wasm.ErrInvalidModule):
				t.Fatalf("Check = %v, want a *ModuleError", err)
			case me.Problems[0].Path != tt.path:
				t.Errorf("problems %v, want one at %s", me.Problems, tt.path)
			default:
				t.Logf("%v", err)
			}
		})
	}
}

func TestCheckListsTheImports(t *testing.T) {
	h := newHost(t, wasm.Options{})
	m, err := h.Check(t.Context(), wasmtest.Build(t, wasmtest.Echo), plugins.MaxMemoryMB)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(m.Imports, " ")
	if !strings.Contains(joined, "wasi_snapshot_preview1.fd_write") || !strings.Contains(joined, "wasi_snapshot_preview1.proc_exit") {
		t.Errorf("imports %v", m.Imports)
	}
	for i := 1; i < len(m.Imports); i++ {
		if m.Imports[i-1] >= m.Imports[i] {
			t.Errorf("imports not sorted and unique: %v", m.Imports)
		}
	}
}

// modules is a Modules of a few modules, for the loader.
type modules struct {
	bins  map[string][]byte
	err   error
	calls atomic.Int32
}

func (m *modules) Module(_ context.Context, sum string) ([]byte, error) {
	m.calls.Add(1)
	if m.err != nil {
		return nil, m.err
	}
	bin, ok := m.bins[sum]
	if !ok {
		return nil, wasm.ErrModuleNotFound
	}
	return bin, nil
}

func manifest(sum string) *plugins.Manifest {
	return &plugins.Manifest{Slug: "echo", Runtime: plugins.Runtime{Type: plugins.RuntimeWASM, Module: "sha256:" + sum}}
}

func TestTheLoaderRunsStoredModules(t *testing.T) {
	h := newHost(t, wasm.Options{})
	echo := wasmtest.Build(t, wasmtest.Echo)
	mods := &modules{bins: map[string][]byte{wasm.Digest(echo): echo}}
	loader := h.Loader(mods)
	for range 2 {
		p, err := loader.Load(t.Context(), plugins.Target{ID: 1, Manifest: manifest(wasm.Digest(echo))})
		if err != nil {
			t.Fatal(err)
		}
		if out, err := p.Invoke(t.Context(), json.RawMessage(`[1]`)); err != nil || string(out) != "[1]" {
			t.Fatalf("Invoke = %s, %v", out, err)
		}
	}
	if n := mods.calls.Load(); n != 1 {
		t.Errorf("the module was read %d times, want once: it stays compiled", n)
	}
	_, err := loader.Load(t.Context(), plugins.Target{ID: 2, Manifest: manifest(strings.Repeat("0", 64))})
	if !errors.Is(err, plugins.ErrUnavailable) {
		t.Errorf("a module the server does not have: %v, want ErrUnavailable", err)
	}
	down := errors.New("database down")
	_, err = h.Loader(&modules{err: down}).Load(t.Context(), plugins.Target{ID: 3, Manifest: manifest(strings.Repeat("1", 64))})
	if !errors.Is(err, down) || errors.Is(err, plugins.ErrUnavailable) {
		t.Errorf("a failing database: %v, want the server's error as it is", err)
	}
}

// Plugin runs a module as the server would, without a database: what a
// plugin's own tests call.
func TestPluginRunsAModuleWithoutADatabase(t *testing.T) {
	h := newHost(t, wasm.Options{})
	echo := wasmtest.Build(t, wasmtest.Echo)
	p, err := h.Plugin(t.Context(), manifest(strings.Repeat("f", 64)), echo)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := p.Invoke(t.Context(), json.RawMessage(`{"ok":true}`)); err != nil || string(out) != `{"ok":true}` {
		t.Fatalf("Invoke = %s, %v", out, err)
	}
	if p.Manifest().Slug != "echo" {
		t.Errorf("Manifest() = %+v", p.Manifest())
	}
	if _, err := h.Plugin(t.Context(), manifest(""), wasmtest.WithoutStart()); !errors.Is(err, wasm.ErrInvalidModule) {
		t.Errorf("a module that cannot run: %v, want ErrInvalidModule", err)
	}
}

func TestCompiledModulesAreBounded(t *testing.T) {
	h := newHost(t, wasm.Options{Compiled: 2})
	for pages := range uint32(4) {
		if _, err := h.Check(t.Context(), wasmtest.MinMemory(pages+1), 256); err != nil {
			t.Fatal(err)
		}
	}
	if n := h.Stats().Compiled; n != 2 {
		t.Errorf("%d compiled modules kept, want 2", n)
	}
	// A module dropped from the cache is compiled again: it runs, and
	// fails to answer, having nothing to say.
	if _, err := h.Run(t.Context(), wasmtest.MinMemory(1), nil, wasm.Limits{}); !errors.Is(err, plugins.ErrMisbehaved) {
		t.Errorf("Run = %v, want ErrMisbehaved", err)
	}
}

// Compiled code goes to the cache directory, where the next host finds it:
// a restart does not compile the module again.
func TestCompiledCodeIsKeptOnDisk(t *testing.T) {
	dir := t.TempDir()
	h := newHost(t, wasm.Options{CacheDir: dir})
	if _, err := h.Check(t.Context(), wasmtest.MinMemory(1), 256); err != nil {
		t.Fatal(err)
	}
	h.Close(t.Context())
	written := cacheFiles(t, dir)
	if len(written) == 0 {
		t.Fatal("nothing was written to the cache directory")
	}
	restarted := newHost(t, wasm.Options{CacheDir: dir})
	if _, err := restarted.Check(t.Context(), wasmtest.MinMemory(1), 256); err != nil {
		t.Fatal(err)
	}
	if _, err := restarted.Run(t.Context(), wasmtest.MinMemory(1), nil, wasm.Limits{}); !errors.Is(err, plugins.ErrMisbehaved) {
		t.Errorf("Run = %v, want ErrMisbehaved: the module answers nothing", err)
	}
	if after := cacheFiles(t, dir); !maps.Equal(after, written) {
		t.Errorf("the next host wrote to the cache, compiling again: %v, then %v", written, after)
	}
}

// cacheFiles returns the size and modification time of each file under dir.
func cacheFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files[path] = fmt.Sprintf("%d bytes, %s", info.Size(), info.ModTime().Format(time.RFC3339Nano))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Standard error goes to the log only when asked, and only its first
// 4 KiB.
func TestStandardErrorIsLoggedOnlyInDevelopment(t *testing.T) {
	for _, logIt := range []bool{false, true} {
		t.Run("logged "+strconv.FormatBool(logIt), func(t *testing.T) {
			var logs bytes.Buffer
			h := newHost(t, wasm.Options{LogStderr: logIt, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			text := strings.Repeat("é", 3000)
			if _, err := run(t, h, wasm.Limits{}, "stderr", "text", strconv.Quote(text)); err != nil {
				t.Fatal(err)
			}
			got := logs.String()
			if logged := strings.Contains(got, "diagnostic: é"); logged != logIt {
				t.Errorf("standard error logged: %v, want %v", logged, logIt)
			}
			if len(got) > 5<<10 {
				t.Errorf("%d bytes logged, want the first 4 KiB", len(got))
			}
		})
	}
}

func TestNewHostRefusesOptionsThatCannotWork(t *testing.T) {
	for _, o := range []wasm.Options{{Concurrency: -1}, {MemoryMB: 100}, {Wait: -time.Second}} {
		if h, err := wasm.NewHost(t.Context(), o); err == nil {
			h.Close(t.Context())
			t.Errorf("NewHost(%+v) accepted", o)
		}
	}
}
