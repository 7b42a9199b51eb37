package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// hotPlugins is how many published plugins plugin-get reads among.
const hotPlugins = 10_000

// target is one server and request under load in a hot-path scenario.
type target struct {
	name string
	run  func() (load, error)
	proc *process // the server, for its CPU time
	rip  bool     // Riposte (profiled), not a baseline
}

// ratioBar is a ratio a subject must reach against a baseline.
type ratioBar struct {
	subject, baseline int // indexes in the targets
	min               float64
}

// benchMe compares authenticated GET /api/v1/me with bare Gin and with the
// SQLite point read of an account.
func benchMe(ctx context.Context, b *bench) error {
	base, lite, rip, token, err := b.startHotServers(ctx)
	if err != nil {
		return err
	}
	defer base.stop()
	defer lite.stop()
	defer rip.stop()
	targets := []target{
		{name: "bare Gin GET /ping", proc: base, run: func() (load, error) { return b.wrk(ctx, "http://"+base.addr+"/ping") }},
		{name: "bare Gin + SQLite point read GET /users/{id}", proc: lite, run: func() (load, error) { return b.wrk(ctx, "http://"+lite.addr+"/users/1") }},
		{name: "riposte GET /api/v1/me (JWT, session)", proc: rip, rip: true, run: func() (load, error) {
			return b.wrk(ctx, "http://"+rip.addr+"/api/v1/me", "Authorization: Bearer "+token)
		}},
	}
	return b.hotRun(ctx, "me", targets, []ratioBar{{2, 0, 0.45}})
}

// benchPluginGet compares GET /api/v1/plugins/{slug}, over random slugs
// among 10,000 published plugins, and its revalidation with
// If-None-Match, with bare Gin and with the SQLite point read of a plugin
// row by primary key.
func benchPluginGet(ctx context.Context, b *bench) error {
	base, lite, rip, token, err := b.startHotServers(ctx)
	if err != nil {
		return err
	}
	defer base.stop()
	defer lite.stop()
	defer rip.stop()
	start := time.Now()
	if err := seedPlugins(rip.addr, token, hotPlugins); err != nil {
		return err
	}
	fmt.Printf("seeded %d published plugins through the API in %s\n\n", hotPlugins, time.Since(start).Round(time.Millisecond))
	random := func(name, prefix string) (string, error) {
		script := filepath.Join(b.dir, name+".lua")
		lua := fmt.Sprintf("math.randomseed(42)\nrequest = function()\n  return wrk.format(\"GET\", %q .. math.random(0, %d))\nend\n", prefix, hotPlugins-1)
		return script, os.WriteFile(script, []byte(lua), 0o644)
	}
	getScript, err := random("random-plugin", "/api/v1/plugins/p-")
	if err != nil {
		return err
	}
	rowScript, err := random("random-row", "/plugins/")
	if err != nil {
		return err
	}
	revalidate, err := b.revalidationScript(rip.addr)
	if err != nil {
		return err
	}
	targets := []target{
		{name: "bare Gin GET /ping", proc: base, run: func() (load, error) { return b.wrk(ctx, "http://"+base.addr+"/ping") }},
		{name: "bare Gin + SQLite point read GET /plugins/{id}", proc: lite, run: func() (load, error) { return b.wrk(ctx, "http://"+lite.addr, "-s", rowScript) }},
		{name: "riposte GET /api/v1/plugins/{slug}", proc: rip, rip: true, run: func() (load, error) { return b.wrk(ctx, "http://"+rip.addr, "-s", getScript) }},
		{name: "riposte GET /api/v1/plugins/{slug}, If-None-Match → 304", proc: rip, rip: true, run: func() (load, error) {
			return b.wrk(ctx, "http://"+rip.addr, "-s", revalidate)
		}},
	}
	return b.hotRun(ctx, "plugin-get", targets, []ratioBar{{2, 0, 0.45}, {2, 1, 1.0}, {3, 0, 0.6}})
}

// startHotServers starts bare Gin, the SQLite point-read baseline (with
// hotPlugins rows) and Riposte signed in as its administrator.
func (b *bench) startHotServers(ctx context.Context) (base, lite, rip *process, token string, err error) {
	if base, err = b.startBaseline(ctx); err != nil {
		return
	}
	if lite, err = b.startSQLiteBaseline(ctx); err != nil {
		base.stop()
		return
	}
	if rip, token, err = b.startRiposteAsAdmin(ctx); err != nil {
		base.stop()
		lite.stop()
	}
	return
}

// startSQLiteBaseline starts scripts/bench/sqlitebase on a new database of
// hotPlugins plugins whose manifests are the ones plugin-get registers.
func (b *bench) startSQLiteBaseline(ctx context.Context) (*process, error) {
	bin, addr, err := b.prepare("./scripts/bench/sqlitebase")
	if err != nil {
		return nil, err
	}
	data, err := os.MkdirTemp(b.dir, "sqlitebase-")
	if err != nil {
		return nil, err
	}
	manifest := filepath.Join(data, "manifest.json")
	if err := os.WriteFile(manifest, []byte(benchManifest("SLUG", "1.0.0")), 0o644); err != nil {
		return nil, err
	}
	return b.start(ctx, bin, []string{addr, filepath.Join(data, "base.db"), fmt.Sprint(hotPlugins), manifest}, nil, addr, "/ping")
}

// revalidationScript reads every plugin's ETag and writes a wrk script
// that revalidates them in turn.
func (b *bench) revalidationScript(addr string) (string, error) {
	paths, tags := make([]string, hotPlugins), make([]string, hotPlugins)
	err := parallel(hotPlugins, 8, func(i int) error {
		paths[i] = fmt.Sprintf("/api/v1/plugins/p-%d", i)
		res, err := client.Get("http://" + addr + paths[i])
		if err != nil {
			return err
		}
		drain(res)
		if tags[i] = res.Header.Get("ETag"); res.StatusCode != 200 || tags[i] == "" {
			return fmt.Errorf("GET %s: %d, ETag %q", paths[i], res.StatusCode, tags[i])
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	var s strings.Builder
	s.WriteString("local paths = {\n")
	for i := range paths {
		fmt.Fprintf(&s, "  {%q, %s},\n", paths[i], luaString(tags[i]))
	}
	s.WriteString("}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n" +
		"  return wrk.format(\"GET\", paths[i][1], {[\"If-None-Match\"] = paths[i][2]})\nend\n")
	path := filepath.Join(b.dir, "revalidate.lua")
	return path, os.WriteFile(path, []byte(s.String()), 0o644)
}

// hotRun alternates the targets for the bench's rounds, prints their
// medians with each server's CPU time per request (less sensitive than
// requests/s to other work on the machine) and every requests/s ratio
// against the baselines, checks the bars, and, with -profile, profiles
// each Riposte target.
func (b *bench) hotRun(ctx context.Context, scenario string, targets []target, bars []ratioBar) error {
	cpu := make([]time.Duration, len(targets))
	requests := make([]float64, len(targets))
	runs := make([]func() (load, error), len(targets))
	for i, t := range targets {
		runs[i] = meteredRun(b, t.proc, &cpu[i], &requests[i], t.run)
	}
	ls, err := b.alternate(runs...)
	if err != nil {
		return err
	}
	var baselines []int
	for i, t := range targets {
		if !t.rip {
			baselines = append(baselines, i)
		}
	}
	fmt.Print("| target | requests/s | p50 | p99 | errors | server CPU per request |")
	for _, j := range baselines {
		fmt.Printf(" ÷ %s |", targets[j].name)
	}
	fmt.Print("\n|---|---:|---:|---:|---:|---:|" + strings.Repeat("---:|", len(baselines)) + "\n")
	for i, t := range targets {
		perRequest := "–"
		if requests[i] > 0 {
			perRequest = fmt.Sprintf("%.1f µs", float64(cpu[i])/float64(time.Microsecond)/requests[i])
		}
		fmt.Printf("| %s | %.0f | %s | %s | %d | %s |", t.name, ls[i].RPS, ls[i].P50.Round(time.Microsecond), ls[i].P99.Round(time.Microsecond), ls[i].Errors, perRequest)
		for _, j := range baselines {
			fmt.Printf(" %.2f× |", ls[i].RPS/ls[j].RPS)
		}
		fmt.Println()
	}
	fmt.Println()
	failed := ""
	for _, br := range bars {
		ratio := ls[br.subject].RPS / ls[br.baseline].RPS
		verdict := "meets the bar"
		if ratio < br.min {
			verdict = "MISSES the bar"
		}
		fmt.Printf("%s ÷ %s: %.2f× (bar ≥ %.2f×): %s\n", targets[br.subject].name, targets[br.baseline].name, ratio, br.min, verdict)
	}
	fmt.Println()
	for i, t := range targets {
		if t.rip && ls[i].Errors > 0 {
			failed += fmt.Sprintf("%s answered %d errors under load; ", t.name, ls[i].Errors)
		}
	}
	if b.profiles != "" {
		for i, t := range targets {
			if t.rip {
				if err := b.profileRiposte(ctx, t.proc, fmt.Sprintf("%s-%d", scenario, i), t.run); err != nil {
					return err
				}
			}
		}
	}
	if failed != "" {
		return fmt.Errorf("%s", strings.TrimSuffix(failed, "; "))
	}
	return nil
}

// meteredRun adds the CPU time rip spends during run to used, and the
// requests it answered to requests.
func meteredRun(b *bench, rip *process, used *time.Duration, requests *float64, run func() (load, error)) func() (load, error) {
	return func() (load, error) {
		before := cpuTime(rip.cmd.Process.Pid)
		l, err := run()
		*used += cpuTime(rip.cmd.Process.Pid) - before
		*requests += l.RPS * b.duration.Seconds()
		return l, err
	}
}

// profileRiposte runs load once more while Riposte records CPU,
// allocation, blocking and mutex profiles over it, and writes them to the
// profile directory as NAME.KIND.pprof.
func (b *bench) profileRiposte(ctx context.Context, rip *process, name string, run func() (load, error)) error {
	seconds := max(1, int(b.duration.Seconds())-1)
	kinds := map[string]string{"profile": "cpu", "allocs": "allocs", "block": "block", "mutex": "mutex"} // path → file
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for kind, file := range kinds {
		wg.Go(func() {
			err := fetchProfile(ctx, fmt.Sprintf("http://%s/debug/pprof/%s?seconds=%d", rip.pprof, kind, seconds),
				filepath.Join(b.profiles, name+"."+file+".pprof"))
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		})
	}
	time.Sleep(100 * time.Millisecond) // the profiles start before the load
	if _, err := run(); err != nil {
		return err
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	fmt.Printf("profiles of %s: %s/%s.{cpu,allocs,block,mutex}.pprof\n\n", name, b.profiles, name)
	return nil
}

func fetchProfile(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("%s: %s", url, res.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, res.Body)
	return err
}
