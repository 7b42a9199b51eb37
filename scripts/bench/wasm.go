package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
)

// wasmBar is the bar of invoking a wasm plugin: its requests/s through
// Riposte against the calls/s of its module run with wazero directly.
const wasmBar = 0.80

// wasmInput is the input of every wasm call.
const wasmInput = `{"text":"Rejoignez-nous, ils vous mentent"}`

// wasmModule is a module the scenario uploads and invokes.
type wasmModule struct {
	slug, title string
	file        string // its bytes, for wasmdirect
	prepared    string // the bytes Riposte compiles, when not the same
	bin         []byte
	sum         string // its SHA-256, as the upload answers it
}

// benchWASM measures wasm plugins: uploading a module (which compiles
// it), the first calls, invocations through Riposte against the same
// module run with wazero directly, and the first call after a restart.
// Three modules: the Go echo module as built by default, the same built
// with -ldflags="-s -w", and the minimal module (the floor of a call).
func benchWASM(ctx context.Context, b *bench) error {
	mods, err := b.wasmModules()
	if err != nil {
		return err
	}
	direct, err := b.build("./scripts/bench/wasmdirect")
	if err != nil {
		return err
	}
	concurrency := 2 * runtime.NumCPU() // Riposte's default RIPOSTE_WASM_CONCURRENCY
	data, err := os.MkdirTemp(b.dir, "data-")
	if err != nil {
		return err
	}
	env := []string{"RIPOSTE_INVOKE_RATE=1000000000", "RIPOSTE_WASM_CONCURRENCY=" + strconv.Itoa(concurrency)}
	rip, err := b.startRiposteIn(ctx, data, env...)
	if err != nil {
		return err
	}
	defer func() { rip.stop() }()
	token, err := login(rip.addr, adminEmail, adminPassword)
	if err != nil {
		return err
	}

	fmt.Println("### Upload and first calls")
	fmt.Println()
	fmt.Println("| module | size | upload (compiles) | first call | tenth call |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for i := range mods {
		m := &mods[i]
		up, err := uploadModule(rip.addr, token, m)
		if err != nil {
			return err
		}
		if err := createWASMPlugin(rip.addr, token, *m); err != nil {
			return err
		}
		calls, err := timeCalls(rip.addr, m.slug, 10)
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %s | %s | %s | %s |\n", m.title, sizeOf(len(m.bin)), ms(up), ms(calls[0]), ms(calls[9]))
	}
	fmt.Println("\nupload: POST /api/v1/modules as the administrator (hashing, checking, compiling, storing); calls: POST /api/v1/plugins/{slug}/invoke one after another, timed by the client")
	fmt.Println()

	// Steady state: each module run with wazero directly and through
	// Riposte, in alternating rounds.
	cache, err := os.MkdirTemp(b.dir, "wasmdirect-cache-")
	if err != nil {
		return err
	}
	wb := *b
	wb.conns = 4 * concurrency // enough to keep Riposte's executions busy, few enough to queue little
	type target struct {
		module  int
		name    string
		run     func() (load, error)
		cpu     func() string // per call
		strict  bool          // the baseline of the bar: the module as Riposte compiles it, memories as Riposte's
		riposte bool          // through Riposte, after its module's direct runs
	}
	var targets []target
	for i, m := range mods {
		variants := []struct {
			name    string
			file    string
			recycle bool
		}{
			{"wazero directly: the module as uploaded, wazero's memories", m.file, false},
			{"wazero directly: the module as uploaded, recycled memories", m.file, true},
		}
		if m.prepared != "" {
			variants = append(variants, struct {
				name    string
				file    string
				recycle bool
			}{"wazero directly: the module as Riposte compiles it (wasm.Prepare), recycled memories", m.prepared, true})
		}
		for j, v := range variants {
			var cpu time.Duration
			var calls int
			targets = append(targets, target{module: i, name: v.name, strict: j == len(variants)-1,
				run: func() (load, error) {
					r, err := b.runDirect(ctx, direct, v.file, cache, concurrency, v.recycle)
					cpu += r.CPU
					calls += r.Calls
					return r.load(), err
				},
				cpu: func() string { return perCall(cpu, float64(calls)) }})
		}
		script, err := b.luaRequests("invoke-"+m.slug, "POST", []string{"/api/v1/plugins/" + m.slug + "/invoke"},
			[]string{`{"input":` + wasmInput + `}`}, map[string]string{"Content-Type": "application/json"})
		if err != nil {
			return err
		}
		meter, requests := newCPUMeter(rip.cmd.Process.Pid), new(float64)
		targets = append(targets, target{module: i, name: "**Riposte**, POST /api/v1/plugins/" + m.slug + "/invoke", riposte: true,
			run: metered(b, meter, requests, func() (load, error) { return wb.wrk(ctx, "http://"+rip.addr, "-s", script) }),
			cpu: func() string { return meter.perRequest(0, *requests) }})
	}
	runs := make([]func() (load, error), len(targets))
	for i, t := range targets {
		runs[i] = t.run
	}
	ls, err := b.alternate(runs...)
	if err != nil {
		return err
	}
	fmt.Printf("### Invocations: Riposte against the module run with wazero directly, %d executions at once\n\n", concurrency)
	fmt.Println("| module | target | calls/s | p50 | p99 | CPU per call | Riposte ÷ this |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|")
	var failed []string
	var ratio, strict float64
	for i, t := range targets {
		// Riposte's row follows its module's direct rows.
		through := i
		for !targets[through].riposte {
			through++
		}
		l, rl := ls[i], ls[through]
		cmp := ""
		if i != through {
			cmp = fmt.Sprintf("%.2f×", rl.RPS/l.RPS)
		}
		if t.strict && t.module == 0 {
			ratio, strict = rl.RPS/l.RPS, l.RPS
		}
		fmt.Printf("| %s | %s | %.0f | %s | %s | %s | %s |\n", mods[t.module].title, t.name, l.RPS,
			l.P50.Round(time.Microsecond), l.P99.Round(time.Microsecond), t.cpu(), cmp)
		if l.Errors > 0 {
			failed = append(failed, fmt.Sprintf("%s, %s: %d errors", mods[t.module].title, t.name, l.Errors))
		}
	}
	verdict := "meets"
	if ratio < wasmBar {
		verdict = "MISSES"
	}
	fmt.Printf("\nmedians of %d rounds of %s; direct: scripts/bench/wasmdirect in its own process, %d workers, a fresh instance per call, "+
		"memory limit %d MiB (the default memory_mb); Riposte: wrk -t2 -c%d, RIPOSTE_WASM_CONCURRENCY=%d; "+
		"CPU per call: the direct process's, Riposte's alone (not wrk's)\n",
		b.rounds, b.duration, concurrency, plugins.DefaultMemoryMB, wb.conns, concurrency)
	fmt.Printf("\nratio for %s against the same compiled module run directly (%.0f calls/s): %.2f× (bar ≥ %.2f×): %s the bar\n\n",
		mods[0].title, strict, ratio, wasmBar, verdict)
	if len(failed) > 0 {
		return fmt.Errorf("%s", strings.Join(failed, "; "))
	}

	// A restart on the same data: the compiled code comes from the disk
	// cache. Then, for contrast, a restart without it.
	fmt.Println("### After a restart on the same data directory")
	fmt.Println()
	cacheDir := filepath.Join(data, "wasm-cache")
	before, err := listFiles(cacheDir)
	if err != nil {
		return err
	}
	fmt.Println("| start | to /readyz | first call | tenth call | compiled-code cache |")
	fmt.Println("|---|---:|---:|---:|---|")
	for _, c := range []struct {
		name  string
		empty bool
	}{{"same data, cache kept", false}, {"same data, cache emptied (recompiles)", true}} {
		rip.stop()
		if c.empty {
			if err := os.RemoveAll(cacheDir); err != nil {
				return err
			}
		}
		start := time.Now()
		if rip, err = b.startRiposteIn(ctx, data, env...); err != nil {
			return err
		}
		ready := time.Since(start)
		calls, err := timeCalls(rip.addr, mods[0].slug, 10)
		if err != nil {
			return err
		}
		after, err := listFiles(cacheDir)
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %s | %s | %s | %s |\n", c.name, ms(ready), ms(calls[0]), ms(calls[9]), compareFiles(before, after))
	}
	fmt.Printf("\ncalls to %s; before the restarts the cache held %d files, %s\n\n", mods[0].slug, len(before), sizeOf(int(totalSize(before))))
	return nil
}

// wasmModules builds the Go echo module (as built by default and with
// -ldflags="-s -w") and assembles the minimal module, in the bench's
// directory.
func (b *bench) wasmModules() ([]wasmModule, error) {
	echo := "./plugins/wasm/wasmtest/testdata/echo"
	var mods []wasmModule
	for _, v := range []struct {
		slug, title string
		flags       []string
	}{
		{"wasm-echo", "Go echo", nil},
		{"wasm-echo-sw", `Go echo, -ldflags="-s -w"`, []string{"-ldflags=-s -w"}},
	} {
		file := filepath.Join(b.dir, v.slug+".wasm")
		cmd := exec.Command("go", append(append([]string{"build", "-trimpath", "-o", file}, v.flags...), echo)...)
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("build %s: %v\n%s", v.slug, err, out)
		}
		bin, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		m := wasmModule{slug: v.slug, title: v.title, file: file, bin: bin}
		if prepared := wasm.Prepare(bin); !bytes.Equal(prepared, bin) {
			m.prepared = filepath.Join(b.dir, v.slug+"-prepared.wasm")
			if err := os.WriteFile(m.prepared, prepared, 0o644); err != nil {
				return nil, err
			}
		}
		mods = append(mods, m)
	}
	file := filepath.Join(b.dir, "wasm-minimal.wasm")
	bin := minimalModule()
	if err := os.WriteFile(file, bin, 0o644); err != nil {
		return nil, err
	}
	return append(mods, wasmModule{slug: "wasm-minimal", title: "minimal (hand-assembled)", file: file, bin: bin}), nil
}

// uploadModule uploads m, fills in its SHA-256, and returns how long the
// upload took.
func uploadModule(addr, token string, m *wasmModule) (time.Duration, error) {
	req, err := http.NewRequest("POST", "http://"+addr+"/api/v1/modules", bytes.NewReader(m.bin))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/wasm")
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var up struct{ SHA256 string }
	err = json.NewDecoder(res.Body).Decode(&up)
	took := time.Since(start)
	if err != nil || res.StatusCode != 201 {
		return 0, fmt.Errorf("upload %s: %d %v", m.slug, res.StatusCode, err)
	}
	m.sum = up.SHA256
	return took, nil
}

// createWASMPlugin registers and publishes a wasm plugin running m.
func createWASMPlugin(addr, token string, m wasmModule) error {
	manifest := fmt.Sprintf(`{"slug":%q,"name":"Bench %s","version":"1.0.0","summary":"Repeats a text","description":"A plugin for measurements.",
		"categories":["research"],"languages":["fr"],"license":"MIT","repository":"https://example.org/%s",
		"maintainers":[{"name":"Bench","email":"bench@example.org"}],"runtime":{"type":"wasm","module":"sha256:%s"},
		"input_schema":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":5000}}},
		"output_schema":{"type":"object","properties":{"text":{"type":"string"}}},
		"examples":[{"name":"hello","input":{"text":"bonjour"}}]}`, m.slug, m.slug, m.slug, m.sum)
	base := "http://" + addr + "/api/v1/plugins"
	if code, err := post(base, token, manifest); err != nil || code != 201 {
		return fmt.Errorf("create %s: %d %v", m.slug, code, err)
	}
	if code, err := post(base+"/"+m.slug+"/publish", token, ""); err != nil || code != 200 {
		return fmt.Errorf("publish %s: %d %v", m.slug, code, err)
	}
	return nil
}

// timeCalls invokes slug n times, one after another, and returns how
// long each took.
func timeCalls(addr, slug string, n int) ([]time.Duration, error) {
	var took []time.Duration
	for range n {
		start := time.Now()
		code, err := post("http://"+addr+"/api/v1/plugins/"+slug+"/invoke", "", `{"input":`+wasmInput+`}`)
		if err != nil || code != 200 {
			return nil, fmt.Errorf("invoke %s: %d %v", slug, code, err)
		}
		took = append(took, time.Since(start))
	}
	return took, nil
}

// directResult is what wasmdirect prints.
type directResult struct {
	Calls   int
	Errors  int
	Elapsed time.Duration
	P50     time.Duration
	P99     time.Duration
	CPU     time.Duration
	Compile time.Duration
	Error   string
}

func (r directResult) load() load {
	if r.Elapsed <= 0 {
		return load{}
	}
	return load{RPS: float64(r.Calls) / r.Elapsed.Seconds(), P50: r.P50, P99: r.P99, Errors: r.Errors}
}

// runDirect runs wasmdirect on module for the bench's duration, on the
// CPU Riposte runs on when the bench is pinned, with the memory limit of
// the plugins (the default memory_mb), recycling memories or not.
func (b *bench) runDirect(ctx context.Context, bin, module, cache string, concurrency int, recycle bool) (directResult, error) {
	cmd := b.command(ctx, frontCPU, bin, "-module", module, "-cache", cache, "-concurrency", strconv.Itoa(concurrency),
		"-duration", b.duration.String(), "-input", wasmInput, "-memory-mb", strconv.Itoa(plugins.DefaultMemoryMB),
		"-recycle="+strconv.FormatBool(recycle))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var r directResult
	if jerr := json.Unmarshal(stdout.Bytes(), &r); jerr != nil {
		return r, fmt.Errorf("wasmdirect: %v %v\n%s%s", err, jerr, stdout.Bytes(), stderr.Bytes())
	}
	if err != nil || r.Calls == 0 {
		return r, fmt.Errorf("wasmdirect: %v %s", err, r.Error)
	}
	return r, nil
}

// cacheFile is a file of the compiled-code cache.
type cacheFile struct {
	size    int64
	modTime time.Time
}

// listFiles lists the files under dir, by path.
func listFiles(dir string) (map[string]cacheFile, error) {
	files := map[string]cacheFile{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files[path] = cacheFile{info.Size(), info.ModTime()}
		return nil
	})
	if os.IsNotExist(err) {
		return files, nil
	}
	return files, err
}

// compareFiles says how after differs from before.
func compareFiles(before, after map[string]cacheFile) string {
	var added, changed int
	for path, f := range after {
		if old, ok := before[path]; !ok {
			added++
		} else if old != f {
			changed++
		}
	}
	removed := 0
	for path := range before {
		if _, ok := after[path]; !ok {
			removed++
		}
	}
	if added+changed+removed == 0 {
		return fmt.Sprintf("unchanged: %d files, none written", len(after))
	}
	return fmt.Sprintf("%d of %d files written (compiled again), %d of the earlier files gone", added+changed, len(after), removed)
}

func totalSize(files map[string]cacheFile) int64 {
	var n int64
	for _, f := range files {
		n += f.size
	}
	return n
}

func ms(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func perCall(cpu time.Duration, calls float64) string {
	if calls <= 0 {
		return "?"
	}
	return fmt.Sprintf("%.2f ms", float64(cpu)/float64(time.Millisecond)/calls)
}

func sizeOf(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}
