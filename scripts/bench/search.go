package main

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/riposte-civic/riposte/api/search"
)

const searchPlugins = 10_000

// meili starts a private Meilisearch with scripts/meili.sh and returns its
// URL, key and a stop function.
func (b *bench) meili(ctx context.Context) (string, string, func(), error) {
	state := filepath.Join(b.dir, "meili")
	cmd := b.command(ctx, upstreamCPU, "scripts/meili.sh", "start")
	cmd.Env = append(os.Environ(), "RIPOSTE_MEILI_STATE="+state)
	out, err := cmd.Output()
	if err != nil {
		return "", "", nil, fmt.Errorf("scripts/meili.sh start: %w", err)
	}
	env := map[string]string{}
	for line := range strings.Lines(string(out)) {
		k, v, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "export "), "=")
		env[k] = v
	}
	stop := func() {
		c := exec.Command("scripts/meili.sh", "stop")
		c.Env = append(os.Environ(), "RIPOSTE_MEILI_STATE="+state)
		c.Run()
	}
	return env["RIPOSTE_TEST_MEILI_URL"], env["RIPOSTE_TEST_MEILI_KEY"], stop, nil
}

// seedCorpus registers and publishes the generated plugins through the API.
func seedCorpus(addr, token string, c *corpus, n int) error {
	manifests := make([]string, n)
	for i := range manifests {
		manifests[i] = c.manifest(i, "1.0.0")
	}
	return parallel(n, 8, func(i int) error {
		slug := fmt.Sprintf("s-%d", i)
		if code, err := post("http://"+addr+"/api/v1/plugins", token, manifests[i]); err != nil || code != 201 {
			return fmt.Errorf("create %s: %d %v", slug, code, err)
		}
		if code, err := post("http://"+addr+"/api/v1/plugins/"+slug+"/publish", token, ""); err != nil || code != 200 {
			return fmt.Errorf("publish %s: %d %v", slug, code, err)
		}
		return nil
	})
}

// readiness is the part of /readyz the benchmarks watch.
type readiness struct {
	Search struct {
		Engine  string `json:"engine"`
		Pending int    `json:"pending"`
	} `json:"search"`
}

// waitIndexed waits until no plugin waits for the index and reports when.
func waitIndexed(ctx context.Context, addr string, limit time.Duration) (time.Time, error) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var r readiness
		if _, err := call("GET", "http://"+addr+"/readyz", "", nil, &r); err == nil && r.Search.Pending == 0 {
			return time.Now(), nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return time.Time{}, fmt.Errorf("the index did not catch up within %s", limit)
}

// luaRequests writes a wrk script cycling through requests.
func (b *bench) luaRequests(name string, method string, paths, bodies []string, headers map[string]string) (string, error) {
	var s strings.Builder
	s.WriteString("local paths = {\n")
	for _, p := range paths {
		fmt.Fprintf(&s, "  %q,\n", p)
	}
	s.WriteString("}\nlocal bodies = {\n")
	for _, body := range bodies {
		fmt.Fprintf(&s, "  %s,\n", luaString(body))
	}
	s.WriteString("}\nlocal headers = {")
	for k, v := range headers {
		fmt.Fprintf(&s, "[%q] = %q, ", k, v)
	}
	fmt.Fprintf(&s, "}\nlocal i = 0\nrequest = function()\n  i = i %% #paths + 1\n  return wrk.format(%q, paths[i], headers, bodies[i])\nend\n", method)
	path := filepath.Join(b.dir, name+".lua")
	return path, os.WriteFile(path, []byte(s.String()), 0o644)
}

// luaString quotes s for Lua as a long bracket string.
func luaString(s string) string {
	if s == "" {
		return "nil"
	}
	return "[==[" + s + "]==]"
}

// benchSearch measures search on 10,000 plugins: Meilisearch queried
// directly, /api/v1/search over Meilisearch and over the embedded engine,
// at 16 concurrent clients; a full embedded reindex; and the relay's
// catch-up after 1,000 updates.
func benchSearch(ctx context.Context, b *bench) error {
	meiliURL, meiliKey, stopMeili, err := b.meili(ctx)
	if err != nil {
		return err
	}
	defer stopMeili()
	c := newCorpus(2016)
	queries := c.queries(50)

	withMeili, err := b.startRiposte(ctx, "RIPOSTE_MEILI_URL="+meiliURL, "RIPOSTE_MEILI_KEY="+meiliKey)
	if err != nil {
		return err
	}
	defer withMeili.stop()
	embedded, err := b.startRiposte(ctx)
	if err != nil {
		return err
	}
	for _, p := range []*process{withMeili, embedded} {
		token, err := login(p.addr, adminEmail, adminPassword)
		if err != nil {
			return err
		}
		start := time.Now()
		if err := seedCorpus(p.addr, token, newCorpus(2016), searchPlugins); err != nil {
			return err
		}
		if _, err := waitIndexed(ctx, p.addr, 5*time.Minute); err != nil {
			return err
		}
		fmt.Printf("loaded %d plugins into riposte (%s) through the API and its relay in %s\n",
			searchPlugins, engineOf(p), time.Since(start).Round(time.Second))
	}

	for _, p := range []*process{withMeili, embedded} {
		if err := describeQueries(p, queries); err != nil {
			return err
		}
	}

	// A full reindex of the embedded engine, with the server stopped.
	embedded.stop()
	reindexTook, err := b.reindexEmbedded(ctx, embedded)
	if err != nil {
		return err
	}
	if embedded, err = b.restart(ctx, embedded); err != nil {
		return err
	}
	defer embedded.stop()

	bodies, err := meiliBodies(queries)
	if err != nil {
		return err
	}
	direct, err := b.luaRequests("meili-direct", "POST", repeat("/indexes/plugins/search", len(queries)), bodies,
		map[string]string{"Authorization": "Bearer " + meiliKey, "Content-Type": "application/json"})
	if err != nil {
		return err
	}
	apiPaths := make([]string, len(queries))
	for i, q := range queries {
		apiPaths[i] = "/api/v1/search?q=" + url.QueryEscape(q)
	}
	api, err := b.luaRequests("api-search", "GET", apiPaths, make([]string, len(queries)), map[string]string{})
	if err != nil {
		return err
	}
	// For reference: what a Go service that does nothing but pass the
	// same requests along costs.
	proxy, err := b.startProxy(ctx, meiliURL, "/health")
	if err != nil {
		return err
	}
	defer proxy.stop()
	saved := b.conns
	b.conns = 16
	defer func() { b.conns = saved }()
	var meiliRuns, apiMeiliRuns, apiEmbeddedRuns, proxyRuns []load
	// Where the CPU goes: Meilisearch's alone, then Meilisearch's and
	// Riposte's (or the proxy's) when Riposte (or the proxy) is in front.
	meiliPID := readPID(filepath.Join(b.dir, "meili", "pid"))
	directCPU, overCPU := newCPUMeter(meiliPID), newCPUMeter(meiliPID, withMeili.cmd.Process.Pid)
	proxyCPU := newCPUMeter(meiliPID, proxy.cmd.Process.Pid)
	var directReqs, overReqs, proxyReqs float64
	for range b.rounds {
		for _, run := range []struct {
			into *[]load
			run  func() (load, error)
		}{
			{&meiliRuns, metered(b, directCPU, &directReqs, func() (load, error) { return b.wrk(ctx, meiliURL, "-s", direct) })},
			{&apiMeiliRuns, metered(b, overCPU, &overReqs, func() (load, error) { return b.wrk(ctx, "http://"+withMeili.addr, "-s", api) })},
			{&proxyRuns, metered(b, proxyCPU, &proxyReqs, func() (load, error) { return b.wrk(ctx, "http://"+proxy.addr, "-s", direct) })},
			{&apiEmbeddedRuns, func() (load, error) { return b.wrk(ctx, "http://"+embedded.addr, "-s", api) }},
		} {
			l, err := run.run()
			if err != nil {
				return err
			}
			*run.into = append(*run.into, l)
		}
	}
	m, am, ae, pm := median(meiliRuns), median(apiMeiliRuns), median(apiEmbeddedRuns), median(proxyRuns)
	fmt.Println("| target (16 clients, 50 queries) | requests/s | p50 | p99 | errors |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, r := range []struct {
		name string
		l    load
	}{{"Meilisearch 1.21, queried directly", m}, {"`/api/v1/search` over Meilisearch", am}, {"`/api/v1/search`, embedded engine", ae},
		{"for reference: a bare reverse proxy (httputil) in front of Meilisearch", pm}} {
		fmt.Printf("| %s | %.0f | %s | %s | %d |\n", r.name, r.l.RPS, r.l.P50.Round(time.Microsecond), r.l.P99.Round(time.Microsecond), r.l.Errors)
	}
	fmt.Printf("\nCPU per search: Meilisearch %s when queried directly; over the API, Meilisearch %s and Riposte %s; through the bare proxy, Meilisearch %s and the proxy %s\n",
		directCPU.perRequest(0, directReqs), overCPU.perRequest(0, overReqs), overCPU.perRequest(1, overReqs),
		proxyCPU.perRequest(0, proxyReqs), proxyCPU.perRequest(1, proxyReqs))
	fmt.Printf("For reference, the bare proxy reaches %.2f× the direct requests/s.\n\n", pm.RPS/m.RPS)
	verdicts := []string{
		bar(fmt.Sprintf("API over Meilisearch %.2f× the direct requests/s", am.RPS/m.RPS), am.RPS/m.RPS >= 0.85, "≥ 0.85×"),
		bar(fmt.Sprintf("embedded p99 %.2f× the direct p99", float64(ae.P99)/float64(m.P99)), float64(ae.P99) <= 2*float64(m.P99), "≤ 2×"),
		bar(fmt.Sprintf("full embedded reindex of %d plugins in %s", searchPlugins, reindexTook.Round(time.Millisecond)), reindexTook <= 15*time.Second, "≤ 15 s"),
	}
	catchUp, writes, err := b.relayCatchUp(ctx, withMeili, c)
	if err != nil {
		return err
	}
	verdicts = append(verdicts, bar(fmt.Sprintf("relay caught up with 1,000 updates %s after the last write (writes took %s)",
		catchUp.Round(time.Millisecond), writes.Round(time.Millisecond)), catchUp <= 5*time.Second, "≤ 5 s"))
	for _, v := range verdicts {
		fmt.Println(v)
	}
	fmt.Println()
	if am.Errors+ae.Errors+m.Errors+pm.Errors > 0 {
		return fmt.Errorf("errors under load")
	}
	return nil
}

// describeQueries prints how many plugins the queries find on a server.
func describeQueries(p *process, queries []string) error {
	found, total := 0, 0
	for _, q := range queries {
		var res struct {
			Total int `json:"total"`
		}
		if code, err := call("GET", "http://"+p.addr+"/api/v1/search?q="+url.QueryEscape(q), "", nil, &res); err != nil || code != 200 {
			return fmt.Errorf("search %q: %d %v", q, code, err)
		}
		total += res.Total
		if res.Total > 0 {
			found++
		}
	}
	fmt.Printf("on riposte (%s), %d of the %d queries find plugins, %d on average\n", engineOf(p), found, len(queries), total/len(queries))
	return nil
}

func bar(what string, ok bool, limit string) string {
	if ok {
		return "- " + what + " (bar " + limit + "): meets the bar"
	}
	return "- " + what + " (bar " + limit + "): MISSES the bar"
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// meiliBodies are the direct queries: the very requests the API's adapter
// sends Meilisearch for the same searches.
func meiliBodies(queries []string) ([]string, error) {
	out := make([]string, len(queries))
	for i, q := range queries {
		b, err := search.MeiliRequest(search.Query{Text: q, Limit: 20})
		if err != nil {
			return nil, err
		}
		out[i] = string(b)
	}
	return out, nil
}

func engineOf(p *process) string {
	var r readiness
	call("GET", "http://"+p.addr+"/readyz", "", nil, &r)
	return r.Search.Engine
}

// reindexEmbedded runs `riposte reindex` on a stopped server's data.
func (b *bench) reindexEmbedded(ctx context.Context, p *process) (time.Duration, error) {
	bin, err := b.build(".")
	if err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, bin, "reindex")
	cmd.Env = p.cmd.Env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("riposte reindex: %v\n%s", err, out)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		fmt.Println(sc.Text())
	}
	return took, nil
}

// restart starts a stopped server again on its data.
func (b *bench) restart(ctx context.Context, p *process) (*process, error) {
	var env []string
	for _, e := range p.cmd.Env {
		if strings.HasPrefix(e, "RIPOSTE_") {
			env = append(env, e)
		}
	}
	return b.start(ctx, p.cmd.Path, nil, env, p.addr, "/readyz")
}

// relayCatchUp publishes a new version of 1,000 plugins and measures how
// long the index takes to reflect them all after the last write.
func (b *bench) relayCatchUp(ctx context.Context, p *process, c *corpus) (time.Duration, time.Duration, error) {
	token, err := login(p.addr, adminEmail, adminPassword)
	if err != nil {
		return 0, 0, err
	}
	manifests := make([]string, 1000)
	for i := range manifests {
		manifests[i] = c.manifest(i, "1.1.0")
	}
	var failed atomic.Int64
	start := time.Now()
	err = parallel(len(manifests), 16, func(i int) error {
		code, err := post(fmt.Sprintf("http://%s/api/v1/plugins/s-%d/versions", p.addr, i), token, manifests[i])
		if err != nil || code != 201 {
			failed.Add(1)
			return fmt.Errorf("version of s-%d: %d %v", i, code, err)
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	lastWrite := time.Now()
	done, err := waitIndexed(ctx, p.addr, time.Minute)
	if err != nil {
		return 0, 0, err
	}
	return done.Sub(lastWrite), lastWrite.Sub(start), nil
}
