// Command bench measures Riposte against baselines run in the same
// invocation, under the same load, and prints the ratios that
// docs/performance.md records.
//
//	go run ./scripts/bench                   every scenario
//	go run ./scripts/bench -run me,logins    some of them
//	go run ./scripts/bench -run invoke -pin  upstream servers on a CPU of their own
//	go run ./scripts/bench -run me,plugin-get -duration 5s -profile /tmp/prof
//	                                         the hot paths, with pprof profiles
//	go run ./scripts/bench -run scale -sizes 1000,10000,100000 -engines embedded,meili \
//	    -databases sqlite,postgres -plot docs/scale.svg
//	                                         cost curves on generated catalogues
//
// It needs wrk (Debian package wrk). Scenarios build their own binaries and
// start their own servers on free loopback ports, on throw-away data.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"time"
)

// scenario is one measurement.
type scenario struct {
	name string
	help string
	run  func(ctx context.Context, b *bench) error
}

func scenarios() []scenario {
	return []scenario{
		{"me", "authenticated GET /api/v1/me vs bare Gin and an SQLite point read", benchMe},
		{"logins", "100 concurrent sign-ins: answers and peak memory", benchLogins},
		{"plugin-get", "GET /api/v1/plugins/{slug} among 10,000 plugins, and its 304 revalidation, vs bare Gin and an SQLite point read", benchPluginGet},
		{"publish", "publishing versions on SQLite", benchPublish},
		{"judging", "assignment and leaderboard scale", benchJudging},
		{"pairwise", "pairwise judging: choosing a judge's next entry among 500, updating after a vote", benchPairwise},
		{"invoke", "plugin invocation: a compiled-in plugin vs bare Gin, an http plugin through Riposte vs called directly", benchInvoke},
		{"search", "search over 10,000 plugins: Meilisearch direct, API over Meilisearch, API embedded; reindex; relay", benchSearch},
		{"startup", "start-up to /readyz, on empty data and on existing data (PostgreSQL too with RIPOSTE_BENCH_DATABASE_URL)", benchStartup},
		{"web", "catalogue page with 20 results vs /api/v1/search for the same queries", benchWeb},
		{"scale", "cost curves: generated catalogues of -sizes plugins on -databases, searched on -engines; bars at 100,000", benchScale},
		{"wasm", "wasm plugins: upload, first calls, invocation vs the module run with wazero directly, restart", benchWASM},
	}
}

func main() {
	var (
		only     = flag.String("run", "", "comma-separated scenarios to run (default: all)")
		duration = flag.Duration("duration", 10*time.Second, "length of each wrk run")
		rounds   = flag.Int("rounds", 3, "alternating rounds per comparison; the median is reported")
		conns    = flag.Int("connections", 64, "wrk connections")
		pin      = flag.Bool("pin", false, "run Meilisearch and plugin servers on CPU 1, everything else on CPU 0 (needs taskset)")
		sizes    = flag.String("sizes", "1000,10000", "scale: catalogue sizes, comma-separated")
		engines  = flag.String("engines", "embedded,meili", "scale: search engines, comma-separated (embedded, meili)")
		dbs      = flag.String("databases", "sqlite,postgres", "scale: databases, comma-separated (sqlite, postgres; postgres on RIPOSTE_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)")
		plot     = flag.String("plot", "", "scale: where to write the SVG plot of the cost curves (e.g. docs/scale.svg)")
		keep     = flag.String("keep", "", "scale: keep the generated data directories (SQLite database, embedded index) under this directory")
		changes  = flag.Int("changes", 500, "scale: new versions in the relay's burst")
		profiles = flag.String("profile", "", "directory where me and plugin-get write CPU, allocation, blocking and mutex profiles of Riposte under load")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	b, err := newBench(*duration, *rounds, *conns)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	defer b.cleanup()
	b.pin = *pin
	if *profiles != "" {
		if err := os.MkdirAll(*profiles, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		b.profiles = *profiles
	}
	fmt.Printf("# scripts/bench, %s, %d × %s, %s, wrk %d connections, %s × %d rounds\n\n",
		time.Now().Format("2006-01-02"), runtime.NumCPU(), cpuModel(), runtime.Version(), *conns, *duration, *rounds)
	if b.pin {
		fmt.Printf("Pinned: Meilisearch and plugin servers on CPU %s; Riposte, the baselines and wrk on CPU %s.\n\n", upstreamCPU, frontCPU)
	}
	if b.scale, err = parseScale(*sizes, *engines, *dbs, *plot, *keep, *changes); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	want := strings.Split(*only, ",")
	failed := false
	for _, s := range scenarios() {
		if *only != "" && !slices.Contains(want, s.name) {
			continue
		}
		fmt.Printf("## %s: %s\n\n", s.name, s.help)
		if err := s.run(ctx, b); err != nil {
			fmt.Printf("FAILED: %v\n\n", err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// cpuModel names the processor, for the record.
func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimLeft(v, " \t:"))
		}
	}
	return runtime.GOARCH
}
