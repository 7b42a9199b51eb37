package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/search"
)

// scaleConfig is what the scale scenario runs: sizes × engines × databases.
type scaleConfig struct {
	sizes     []int
	engines   []string // embedded, meili
	databases []string // sqlite, postgres
	plot      string   // where the SVG goes ("" for none)
	keep      string   // where generated SQLite data is kept ("" for the bench's temporary directory)
	changes   int      // the relay's burst
}

// scaleRow is one size × engine × database.
type scaleRow struct {
	Size       int
	Engine     string
	Database   string
	Generate   time.Duration
	Kinds      map[string]load // search kind → over the API
	Direct     map[string]load // search kind → Meilisearch queried directly (meili rows)
	PluginGet  load            // GET /api/v1/plugins/{slug} over a hot set of the same size at every catalogue size
	PluginOnce load            // each plugin asked once: every answer read from the database
	OnceAsked  int             // how many plugins the once load asked
	Catalogue  load
	Reindex    time.Duration // as riposte reindex reports it
	DirectIdx  time.Duration // Meilisearch indexing the same documents sent directly (meili rows)
	CatchUp    time.Duration // last write of the burst → nothing pending
	Startup    time.Duration // exec → 200 on /readyz, on existing data
	// After /readyz: the first search answered, and the engine warm (a
	// pass of every query of the scenario, one at a time, with none slower
	// than warmSearch). The search loads run warm.
	FirstSearch, Warm time.Duration
	RSS, Peak         int64 // resident memory after the load, and its peak
	Anon, File        int64 // of RSS: anonymous memory (the heap), and file pages mapped (SQLite, the index)
	GenSummary        string
}

var searchKinds = []string{"typo", "multi-word", "filtered", "empty+facets"}

// benchScale generates catalogues of each size on each database and
// measures, on each engine, what docs/performance.md's Scale section
// records.
func benchScale(ctx context.Context, b *bench) error {
	cfg := b.scale
	saved := b.conns
	b.conns = 16
	defer func() { b.conns = saved }()
	var meiliURL, meiliKey string
	if contains(cfg.engines, "meili") {
		u, k, stop, err := b.meili(ctx)
		if err != nil {
			return err
		}
		defer stop()
		meiliURL, meiliKey = u, k
	}
	bin, err := b.build(".")
	if err != nil {
		return err
	}
	var rows []scaleRow
	var failed []string
	for _, size := range cfg.sizes {
		for _, db := range cfg.databases {
			parent := b.dir
			if cfg.keep != "" {
				parent = cfg.keep
			}
			data, err := os.MkdirTemp(parent, fmt.Sprintf("scale-%d-%s-", size, db))
			if err != nil {
				return err
			}
			dsn := "sqlite:" + filepath.Join(data, "riposte.db")
			var env []string
			spec := defaultSpec(size)
			if db == "postgres" {
				admin := os.Getenv("RIPOSTE_BENCH_DATABASE_URL")
				if admin == "" {
					admin = "postgres://postgres@127.0.0.1:5432/test"
				}
				u, drop, err := freshDatabase(ctx, admin, fmt.Sprintf("riposte_bench_scale_%d_%d", os.Getpid(), size))
				if err != nil {
					return err
				}
				defer drop()
				dsn = u
				env = append(env, "RIPOSTE_DATABASE_URL="+u)
				spec.Workers = 2
			}
			start := time.Now()
			summary, err := generate(ctx, dsn, spec, 2016)
			if err != nil {
				return fmt.Errorf("generate %d on %s: %w", size, db, err)
			}
			took := time.Since(start)
			fmt.Printf("generated on %s in %s: %s\n", db, took.Round(time.Millisecond), summary)
			b.bursts = 0
			for _, engine := range cfg.engines {
				e := append([]string{"RIPOSTE_DATA_DIR=" + data}, env...)
				if engine == "meili" {
					e = append(e, "RIPOSTE_MEILI_URL="+meiliURL, "RIPOSTE_MEILI_KEY="+meiliKey)
				}
				row, err := b.scaleRun(ctx, bin, size, engine, db, e, meiliURL, meiliKey)
				if err != nil {
					// The other measures go on; the scenario fails at the end.
					failed = append(failed, fmt.Sprintf("%d plugins, %s, %s: %v", size, engine, db, err))
					fmt.Println("FAILED:", failed[len(failed)-1])
					if ctx.Err() != nil {
						return ctx.Err()
					}
					continue
				}
				row.Generate, row.GenSummary = took, summary
				rows = append(rows, row)
				fmt.Println(row.line())
			}
		}
	}
	fmt.Println()
	printScaleTable(rows, b.rounds)
	printScaleBars(rows)
	if cfg.plot != "" && len(rows) > 0 {
		if err := os.WriteFile(cfg.plot, scalePlot(rows), 0o644); err != nil {
			return err
		}
		fmt.Printf("\nplot written to %s\n", cfg.plot)
	}
	fmt.Println()
	if len(failed) > 0 {
		return fmt.Errorf("%d of the runs failed:\n%s", len(failed), strings.Join(failed, "\n"))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var reindexed = regexp.MustCompile(`reindexed (\d+) plugins into \S+ in (\S+)`)

// scaleRun measures one engine on one generated catalogue.
func (b *bench) scaleRun(ctx context.Context, bin string, size int, engine, db string, env []string, meiliURL, meiliKey string) (scaleRow, error) {
	row := scaleRow{Size: size, Engine: engine, Database: db, Kinds: map[string]load{}, Direct: map[string]load{}}
	// Full reindex, the server stopped.
	reindex := func() (time.Duration, error) {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
		cmd := exec.CommandContext(rctx, bin, "reindex")
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			return 0, fmt.Errorf("riposte reindex: %v\n%s", err, out)
		}
		m := reindexed.FindStringSubmatch(string(out))
		if m == nil {
			return 0, fmt.Errorf("riposte reindex said:\n%s", out)
		}
		// The generated plugins, and the compiled-in ones once a server started.
		if n, _ := strconv.Atoi(m[1]); n < size {
			return 0, fmt.Errorf("riposte reindex indexed %s plugins, not the %d generated", m[1], size)
		}
		took, _ := time.ParseDuration(m[2])
		return took, nil
	}
	var err error
	if row.Reindex, err = reindex(); err != nil {
		return row, err
	}
	if engine == "meili" {
		// The first indexing on a Meilisearch just started is the slowest
		// (a third slower in a run of both orders at 10,000 plugins): the
		// peer indexes after that first reindex, and the reindex compared
		// with it comes after the peer. Meilisearch's own time varies by a
		// fifth from one indexing to the next at 100,000 plugins, so the two
		// alternate for the bench's rounds and each gives its median.
		var direct, through []time.Duration
		for range max(1, b.rounds) {
			d, err := meiliDirectIndex(ctx, meiliURL, meiliKey, size)
			if err != nil {
				return row, err
			}
			r, err := reindex()
			if err != nil {
				return row, err
			}
			direct, through = append(direct, d), append(through, r)
		}
		row.DirectIdx, row.Reindex = medianDuration(direct), medianDuration(through)
	}
	// Start-up on existing data.
	addr, err := freeAddr()
	if err != nil {
		return row, err
	}
	full := append([]string{"RIPOSTE_ADDR=" + addr, "RIPOSTE_SEED=false", "RIPOSTE_ADMIN_EMAIL=" + adminEmail,
		"RIPOSTE_ADMIN_PASSWORD=" + adminPassword, "RIPOSTE_SEARCH_RATE=0", "RIPOSTE_PLUGIN_CREATE_RATE=0"}, env...)
	pprofAddr := ""
	if b.profiles != "" {
		if pprofAddr, err = freeAddr(); err != nil {
			return row, err
		}
		full = append(full, "RIPOSTE_PPROF_ADDR="+pprofAddr)
	}
	begin := time.Now()
	p, err := b.start(ctx, bin, nil, full, addr, "/readyz")
	if err != nil {
		return row, err
	}
	row.Startup = time.Since(begin)
	ready := time.Now()
	p.pprof = pprofAddr
	defer p.stop()
	queries := scaleQueries(size)
	base := "http://" + addr
	if row.FirstSearch, row.Warm, err = warmUp(ctx, base, queries, ready); err != nil {
		return row, err
	}
	if _, err := waitIndexed(ctx, addr, 10*time.Minute); err != nil {
		return row, err
	}
	// The relay may have indexed something since (the compiled-in plugins,
	// registered at the first start on generated data): a write makes the
	// next search build the index's view again, which the loads would
	// otherwise meet in their first requests.
	if _, _, err = warmUp(ctx, base, queries, time.Now()); err != nil {
		return row, err
	}
	for _, kind := range searchKinds {
		paths := make([]string, len(queries[kind]))
		for i, q := range queries[kind] {
			paths[i] = "/api/v1/search?" + q.Encode()
		}
		script, err := b.luaRequests("scale-"+kind, "GET", paths, make([]string, len(paths)), map[string]string{})
		if err != nil {
			return row, err
		}
		label := fmt.Sprintf("scale-%d-%s-%s-search-%s", size, engine, db, kind)
		l, err := b.profiledWrk(ctx, p, label, base, script)
		if err != nil {
			return row, err
		}
		row.Kinds[kind] = l
		if engine == "meili" {
			bodies := make([]string, len(queries[kind]))
			for i, v := range queries[kind] {
				q, problems := search.ParseQuery(v)
				if len(problems) > 0 {
					return row, fmt.Errorf("query %v: %v", v, problems)
				}
				body, err := search.MeiliRequest(q)
				if err != nil {
					return row, err
				}
				bodies[i] = string(body)
			}
			direct, err := b.luaRequests("scale-direct-"+kind, "POST", repeat("/indexes/plugins/search", len(bodies)), bodies,
				map[string]string{"Authorization": "Bearer " + meiliKey, "Content-Type": "application/json"})
			if err != nil {
				return row, err
			}
			if row.Direct[kind], err = b.wrk(ctx, meiliURL, "-s", direct); err != nil {
				return row, err
			}
		}
	}
	// GET /api/v1/plugins/{slug}: the hot set asked in turn, then every
	// other plugin once (see getPlan); the second load asks none of the
	// first's, so that nothing it asks is kept yet.
	hot, fresh := getPlan(size, 2016)
	getScript, err := b.luaRequests("scale-get", "GET", slugPaths(hot), make([]string, len(hot)), map[string]string{})
	if err != nil {
		return row, err
	}
	if row.PluginGet, err = b.rounded(func() (load, error) {
		return b.profiledWrk(ctx, p, fmt.Sprintf("scale-%d-%s-%s-plugin-get", size, engine, db), base, getScript)
	}); err != nil {
		return row, err
	}
	if row.PluginOnce, row.OnceAsked, err = onceLoad(ctx, base, slugPaths(fresh), b.conns, b.duration); err != nil {
		return row, fmt.Errorf("plugin GET, each once: %w", err)
	}
	pages := []string{"/", "/?q=" + url.QueryEscape(queries["multi-word"][0].Get("q")), "/?category=detection", "/?language=ar"}
	pageScript, err := b.luaRequests("scale-catalogue", "GET", pages, make([]string, len(pages)), map[string]string{"Accept-Language": "fr-FR,fr;q=0.9"})
	if err != nil {
		return row, err
	}
	if row.Catalogue, err = b.rounded(func() (load, error) {
		return b.profiledWrk(ctx, p, fmt.Sprintf("scale-%d-%s-%s-catalogue", size, engine, db), base, pageScript)
	}); err != nil {
		return row, err
	}
	if row.RSS, row.Peak, row.Anon, row.File, err = p.rss(); err != nil {
		return row, err
	}
	if pss, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", p.cmd.Process.Pid)); err == nil {
		// RSS counts a file page once per mapping of it, and SQLite maps
		// its file once per connection; PSS counts it once.
		for line := range strings.Lines(string(pss)) {
			if strings.HasPrefix(line, "Pss") {
				fmt.Printf("%d plugins, %s, %s: %s", size, engine, db, strings.Join(strings.Fields(line), " ")+"\n")
			}
		}
	}
	if row.CatchUp, err = b.scaleCatchUp(ctx, p, size, b.scale.changes); err != nil {
		return row, err
	}
	for name, l := range map[string]load{"plugin GET": row.PluginGet, "plugin GET, each once": row.PluginOnce, "catalogue": row.Catalogue} {
		if l.Errors > 0 {
			return row, fmt.Errorf("%s: %d errors under load", name, l.Errors)
		}
	}
	for kind, l := range row.Kinds {
		if l.Errors > 0 {
			return row, fmt.Errorf("search %s: %d errors under load", kind, l.Errors)
		}
	}
	return row, nil
}

// warmSearch is the latency under which a search, alone, counts as warm.
const warmSearch = 50 * time.Millisecond

// warmUp searches, one at a time from ready on (200 on /readyz), every
// query of every kind in turn, and returns how long after ready the first
// search was answered, and the end of the first pass in which no search
// took longer than warmSearch: what a user meets right after start-up,
// apart from the steady state that the loads measure.
func warmUp(ctx context.Context, base string, queries map[string][]url.Values, ready time.Time) (first, warm time.Duration, err error) {
	var paths []string
	for _, kind := range searchKinds {
		for _, q := range queries[kind] {
			paths = append(paths, base+"/api/v1/search?"+q.Encode())
		}
	}
	c := &http.Client{Timeout: time.Minute}
	deadline := ready.Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		slowest := time.Duration(0)
		for _, path := range paths {
			if err := ctx.Err(); err != nil {
				return 0, 0, err
			}
			start := time.Now()
			res, err := c.Get(path)
			if err != nil {
				return 0, 0, err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return 0, 0, fmt.Errorf("GET %s: %d", path, res.StatusCode)
			}
			if first == 0 {
				first = time.Since(ready)
			}
			slowest = max(slowest, time.Since(start))
		}
		if slowest <= warmSearch {
			return first, time.Since(ready), nil
		}
	}
	return 0, 0, fmt.Errorf("searches were still slower than %s alone 5 minutes after /readyz", warmSearch)
}

// rounded runs a load for the bench's rounds and returns the run of median
// rate, with the errors of every run: the rates compared across catalogue
// sizes come from different processes, so they cannot alternate, and one
// run of each moves by a fifth on two shared CPUs.
func (b *bench) rounded(run func() (load, error)) (load, error) {
	var ls []load
	errs := 0
	for range max(1, b.rounds) {
		l, err := run()
		if err != nil {
			return load{}, err
		}
		ls, errs = append(ls, l), errs+l.Errors
	}
	m := median(ls)
	m.Errors = errs
	return m, nil
}

// profiledWrk runs wrk and, with -profile, takes a CPU profile of Riposte
// meanwhile.
func (b *bench) profiledWrk(ctx context.Context, p *process, label, base, script string) (load, error) {
	if b.profiles == "" || p.pprof == "" {
		return b.wrk(ctx, base, "-s", script)
	}
	type got struct {
		prof []byte
		err  error
	}
	ch := make(chan got, 1)
	secs := max(1, int(b.duration.Seconds())-1)
	go func() {
		c := &http.Client{Timeout: time.Duration(secs+30) * time.Second}
		res, err := c.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", p.pprof, secs))
		if err != nil {
			ch <- got{err: err}
			return
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		ch <- got{body, err}
	}()
	l, err := b.wrk(ctx, base, "-s", script)
	g := <-ch
	if g.err == nil {
		g.err = os.WriteFile(filepath.Join(b.profiles, label+".cpu.pprof"), g.prof, 0o644)
	}
	if err == nil {
		err = g.err
	}
	return l, err
}

// rss reads the process's resident set size now and at its peak, and
// what of it is anonymous memory and mapped files.
func (p *process) rss() (now, peak, anon, file int64, err error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0, 0, 0, err
	}
	for line := range strings.Lines(string(status)) {
		for name, into := range map[string]*int64{"VmRSS:": &now, "VmHWM:": &peak, "RssAnon:": &anon, "RssFile:": &file} {
			if v, ok := strings.CutPrefix(line, name); ok {
				n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				*into = n * 1024
			}
		}
	}
	return now, peak, anon, file, nil
}

// scaleQueries returns the queries of each kind: 30 each, in the three
// languages.
func scaleQueries(size int) map[string][]url.Values {
	c := newCorpus(4242)
	out := map[string][]url.Values{}
	qs := c.queries(90)
	for i, q := range qs {
		switch {
		case i%3 == 1: // the corpus puts a typo in these
			out["typo"] = append(out["typo"], url.Values{"q": {q}})
		case len(strings.Fields(q)) > 1:
			out["multi-word"] = append(out["multi-word"], url.Values{"q": {q}})
		}
	}
	for i := range 30 {
		w := c.words([]string{"fr", "en", "ar"}[i%3], 1)[0]
		out["filtered"] = append(out["filtered"], url.Values{"q": {w}, "category": {benchCategories[i%len(benchCategories)]},
			"language": {[]string{"fr", "en", "ar"}[i%3]}})
	}
	out["empty+facets"] = []url.Values{{}, {"sort": {"newest"}}, {"sort": {"name"}}, {"category": {"detection"}}, {"badge": {"accepted"}}}
	_ = size
	return out
}

// scaleCatchUp publishes a new version of n plugins (at most a quarter of
// the catalogue: those the administrator owns) through the API, and
// returns how long the index took to reflect them after the last write.
func (b *bench) scaleCatchUp(ctx context.Context, p *process, size, n int) (time.Duration, error) {
	token, err := login(p.addr, adminEmail, adminPassword)
	if err != nil {
		return 0, err
	}
	c := newCorpus(77)
	n = min(n, size/4)
	// Each burst on a catalogue publishes the next major version.
	b.bursts++
	version := fmt.Sprintf("%d.0.0", 1+b.bursts)
	manifests := make([]string, n)
	for i := range manifests {
		manifests[i] = c.manifest(4*i, version)
	}
	err = parallel(n, 16, func(i int) error {
		code, err := post(fmt.Sprintf("http://%s/api/v1/plugins/s-%d/versions", p.addr, 4*i), token, manifests[i])
		if err != nil || code != 201 {
			return fmt.Errorf("version of s-%d: %d %v", 4*i, code, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	last := time.Now()
	done, err := waitIndexed(ctx, p.addr, 5*time.Minute)
	if err != nil {
		return 0, err
	}
	return done.Sub(last), nil
}

// meiliDirectIndex sends Meilisearch the documents Riposte indexed, read
// back from its live index, into a new index with the same settings, in
// requests of up to 50,000 documents already encoded, and returns how long Meilisearch took from the request to
// the task's success: the peer of riposte reindex over Meilisearch.
func meiliDirectIndex(ctx context.Context, base, key string, size int) (time.Duration, error) {
	do := func(method, path string, body []byte, out any) error {
		req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		res, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
		if out != nil {
			return json.Unmarshal(b, out)
		}
		return nil
	}
	wait := func(task struct {
		TaskUID int64 `json:"taskUid"`
	}) error {
		deadline := time.Now().Add(20 * time.Minute)
		for time.Now().Before(deadline) {
			var t struct {
				Status string          `json:"status"`
				Error  json.RawMessage `json:"error"`
			}
			if err := do("GET", fmt.Sprintf("/tasks/%d", task.TaskUID), nil, &t); err != nil {
				return err
			}
			switch t.Status {
			case "succeeded":
				return nil
			case "failed", "canceled":
				return fmt.Errorf("meilisearch task %d %s: %s", task.TaskUID, t.Status, t.Error)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
		return fmt.Errorf("meilisearch task %d did not end within 20 minutes", task.TaskUID)
	}
	type taskRef = struct {
		TaskUID int64 `json:"taskUid"`
	}
	var docs struct {
		Results []json.RawMessage `json:"results"`
	}
	if err := do("GET", fmt.Sprintf("/indexes/plugins/documents?limit=%d", size+1000), nil, &docs); err != nil {
		return 0, err
	}
	var settings json.RawMessage
	if err := do("GET", "/indexes/plugins/settings", nil, &settings); err != nil {
		return 0, err
	}
	const direct = "bench-direct"
	var t taskRef
	if err := do("DELETE", "/indexes/"+direct, nil, &t); err == nil {
		wait(t) // fails when there was no such index
	}
	// In requests of up to 50,000 documents, as riposte reindex sends them
	// (one request up to 50,000 plugins; 100,000 in one would near
	// Meilisearch's 100 MB payload limit).
	var bodies [][]byte
	for chunk := range slices.Chunk(docs.Results, 50_000) {
		body, err := json.Marshal(chunk)
		if err != nil {
			return 0, err
		}
		bodies = append(bodies, body)
	}
	start := time.Now()
	if err := do("POST", "/indexes", fmt.Appendf(nil, `{"uid":%q,"primaryKey":"slug"}`, direct), &t); err != nil {
		return 0, err
	}
	if err := wait(t); err != nil {
		return 0, err
	}
	if err := do("PATCH", "/indexes/"+direct+"/settings", settings, &t); err != nil {
		return 0, err
	}
	if err := wait(t); err != nil {
		return 0, err
	}
	var tasks []taskRef
	for _, body := range bodies {
		if err := do("POST", "/indexes/"+direct+"/documents", body, &t); err != nil {
			return 0, err
		}
		tasks = append(tasks, t)
	}
	for _, t := range tasks {
		if err := wait(t); err != nil {
			return 0, err
		}
	}
	took := time.Since(start)
	if err := do("DELETE", "/indexes/"+direct, nil, &t); err == nil {
		wait(t)
	}
	return took, nil
}

func (r scaleRow) line() string {
	return fmt.Sprintf("%d plugins, %s, %s: reindex %s, start-up %s (first search %s later, warm %s later), RSS %s (peak %s; anonymous %s, files %s), GET plugin %.0f/s (hot set), %.0f/s (each once, %d asked), catalogue %.0f/s, typo p99 %s, catch-up %s",
		r.Size, r.Engine, r.Database, r.Reindex.Round(time.Millisecond), r.Startup.Round(time.Millisecond),
		r.FirstSearch.Round(time.Millisecond), r.Warm.Round(time.Millisecond), mib(r.RSS),
		mib(r.Peak), mib(r.Anon), mib(r.File), r.PluginGet.RPS, r.PluginOnce.RPS, r.OnceAsked, r.Catalogue.RPS, r.Kinds["typo"].P99, r.CatchUp.Round(time.Millisecond))
}

func msText(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
}

func printScaleTable(rows []scaleRow, rounds int) {
	fmt.Println("| plugins | engine | database | typo p50 / p99, req/s | multi-word | filtered | empty + facets | GET plugin, hot set, req/s (p99) | GET plugin, each once, req/s (p99) | catalogue req/s (p99) | full reindex | Meilisearch direct | relay catch-up | start-up | first search, warm (after /readyz) | RSS (peak; anonymous + files) |")
	fmt.Println("|---:|---|---|---|---|---|---|---|---|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		var kinds []string
		for _, k := range searchKinds {
			l := r.Kinds[k]
			s := fmt.Sprintf("%s / %s, %.0f", msText(l.P50), msText(l.P99), l.RPS)
			if d, ok := r.Direct[k]; ok {
				s += fmt.Sprintf(" (direct %s / %s)", msText(d.P50), msText(d.P99))
			}
			kinds = append(kinds, s)
		}
		direct := "–"
		if r.DirectIdx > 0 {
			direct = r.DirectIdx.Round(time.Millisecond).String()
		}
		fmt.Printf("| %d | %s | %s | %s | %.0f (%s) | %.0f (%s) | %.0f (%s) | %s | %s | %s | %s | %s, %s | %s (%s; %s + %s) |\n", r.Size, r.Engine, r.Database,
			strings.Join(kinds, " | "), r.PluginGet.RPS, msText(r.PluginGet.P99), r.PluginOnce.RPS, msText(r.PluginOnce.P99),
			r.Catalogue.RPS, msText(r.Catalogue.P99),
			r.Reindex.Round(time.Millisecond), direct, r.CatchUp.Round(time.Millisecond), r.Startup.Round(time.Millisecond),
			r.FirstSearch.Round(time.Millisecond), r.Warm.Round(time.Millisecond), mib(r.RSS), mib(r.Peak), mib(r.Anon), mib(r.File))
	}
	fmt.Printf("\n16 clients (wrk), once the engine is warm (every query answered alone within %s; the time it took after /readyz is in its column); search kinds: 30 typo and multi-word queries, 30 filtered (category and language), 5 empty queries with facets; GET plugin: hot set, %d plugins (half the catalogue below 2,000) drawn over the whole catalogue, asked in turn (wrk); each once, every other plugin asked once in random order until all are asked or the run's time is up (16 connections, Go's HTTP client, so its rates are lower than wrk's at every size; compare them with each other); catalogue: 4 pages in French; one run of each, but GET plugin's hot set and the catalogue: the run of median rate of %d, and on Meilisearch, the full reindex and Meilisearch's own indexing alternate %d times, each the median; relay catch-up: %s\n",
		msText(warmSearch), hotSet, max(1, rounds), max(1, rounds), "from the last of a burst of new versions published through the API to nothing pending on /readyz")
}

// printScaleBars lists the bars at the largest size measured, with
// PASS or MISS (the bars are set at 100,000 plugins).
func printScaleBars(rows []scaleRow) {
	largest := 0
	for _, r := range rows {
		largest = max(largest, r.Size)
	}
	find := func(size int, engine, db string) (scaleRow, bool) {
		for _, r := range rows {
			if r.Size == size && r.Engine == engine && r.Database == db {
				return r, true
			}
		}
		return scaleRow{}, false
	}
	pass := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "MISS"
	}
	fmt.Printf("\nBars at %d plugins", largest)
	if largest != 100_000 {
		fmt.Print(" (set for 100,000: indicative only)")
	}
	fmt.Println(":")
	for _, db := range []string{"sqlite", "postgres"} {
		emb, okE := find(largest, "embedded", db)
		mei, okM := find(largest, "meili", db)
		if okE {
			for _, k := range searchKinds {
				p99 := emb.Kinds[k].P99
				fmt.Printf("- %s: embedded search %s p99 %s ≤ 50 ms: %s\n", db, k, msText(p99), pass(p99 <= 50*time.Millisecond))
				if okM {
					peer := mei.Kinds[k].P99
					fmt.Printf("- %s: embedded search %s p99 %s ≤ over Meilisearch %s (direct %s): %s\n", db, k, msText(p99), msText(peer),
						msText(mei.Direct[k].P99), pass(p99 <= peer))
				}
			}
			fmt.Printf("- %s: full reindex, embedded, %s ≤ 60 s: %s\n", db, emb.Reindex.Round(time.Millisecond), pass(emb.Reindex <= time.Minute))
		}
		if okM && mei.DirectIdx > 0 {
			ratio := float64(mei.Reindex) / float64(mei.DirectIdx)
			fmt.Printf("- %s: reindex through Riposte to Meilisearch %s, %.2f× Meilisearch's own %s ≤ 1.2×: %s\n", db,
				mei.Reindex.Round(time.Millisecond), ratio, mei.DirectIdx.Round(time.Millisecond), pass(ratio <= 1.2))
		}
		for _, engine := range []string{"embedded", "meili"} {
			big, ok1 := find(largest, engine, db)
			small, ok2 := find(largest/10, engine, db)
			if !ok1 {
				continue
			}
			if ok2 {
				for _, r := range getRatios(big, small) {
					fmt.Printf("- %s, %s: GET plugin, %s, at %d %.2f× its rate at %d ≥ 0.8×: %s\n", db, engine, r.name, largest, r.ratio, largest/10, pass(r.ratio >= 0.8))
				}
				c := big.Catalogue.RPS / small.Catalogue.RPS
				fmt.Printf("- %s, %s: catalogue page at %d %.2f× its rate at %d ≥ 0.8×: %s\n", db, engine, largest, c, largest/10, pass(c >= 0.8))
			}
			fmt.Printf("- %s, %s: start-up on existing data %s ≤ 1 s: %s\n", db, engine, big.Startup.Round(time.Millisecond), pass(big.Startup <= time.Second))
			fmt.Printf("- %s, %s: after /readyz, first search answered in %s, warm in %s (no bar)\n", db, engine,
				big.FirstSearch.Round(time.Millisecond), big.Warm.Round(time.Millisecond))
			if engine == "embedded" {
				fmt.Printf("- %s, embedded: resident memory %s (peak %s; anonymous %s, mapped files %s) ≤ 1 GiB: %s\n", db,
					mib(big.RSS), mib(big.Peak), mib(big.Anon), mib(big.File), pass(big.Peak <= 1<<30))
			}
		}
	}
}

type getRatio struct {
	name  string
	ratio float64
}

// getRatios are the bar's ratios for GET /api/v1/plugins/{slug} between
// two sizes: the hot set's (the same share of repeats at both), and each
// plugin asked once's (reads from the database only).
func getRatios(big, small scaleRow) []getRatio {
	return []getRatio{
		{hotName(small.Size, big.Size), big.PluginGet.RPS / small.PluginGet.RPS},
		{"each plugin once", big.PluginOnce.RPS / small.PluginOnce.RPS},
	}
}

func hotName(small, big int) string {
	a, b := min(hotSet, small/2), min(hotSet, big/2)
	if a == b {
		return fmt.Sprintf("hot set of %d", a)
	}
	return fmt.Sprintf("hot set of %d and %d", a, b)
}

// parseScale reads the scale scenario's flags.
func parseScale(sizes, engines, dbs, plot, keep string, changes int) (scaleConfig, error) {
	cfg := scaleConfig{plot: plot, keep: keep, changes: changes}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 100 {
			return cfg, fmt.Errorf("-sizes: %q is not a size of at least 100", s)
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	for _, e := range strings.Split(engines, ",") {
		if e != "embedded" && e != "meili" {
			return cfg, fmt.Errorf("-engines: %q is neither embedded nor meili", e)
		}
		cfg.engines = append(cfg.engines, e)
	}
	for _, d := range strings.Split(dbs, ",") {
		if d != "sqlite" && d != "postgres" {
			return cfg, fmt.Errorf("-databases: %q is neither sqlite nor postgres", d)
		}
		cfg.databases = append(cfg.databases, d)
	}
	if changes < 1 {
		return cfg, fmt.Errorf("-changes: at least 1")
	}
	return cfg, nil
}
