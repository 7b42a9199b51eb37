package main

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseScaleRefusesWhatItCannotRun(t *testing.T) {
	if _, err := parseScale("1000,10000", "embedded,meili", "sqlite,postgres", "", "", 500); err != nil {
		t.Fatalf("valid flags: %v", err)
	}
	for _, bad := range [][3]string{{"1000,ten", "embedded", "sqlite"}, {"10", "embedded", "sqlite"},
		{"1000", "elastic", "sqlite"}, {"1000", "embedded", "mysql"}} {
		if _, err := parseScale(bad[0], bad[1], bad[2], "", "", 500); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if _, err := parseScale("1000", "embedded", "sqlite", "", "", 0); err == nil {
		t.Error("a burst of no change accepted")
	}
}

func TestScalePlotIsSVGWithACurvePerSeries(t *testing.T) {
	var rows []scaleRow
	for _, size := range []int{1000, 10000, 100000} {
		for _, engine := range []string{"embedded", "meili"} {
			rows = append(rows, scaleRow{Size: size, Engine: engine, Database: "sqlite",
				Kinds:     map[string]load{"typo": {P99: time.Duration(size) * time.Microsecond}},
				PluginGet: load{RPS: 1000}, PluginOnce: load{RPS: 500}, Reindex: time.Duration(size) * time.Millisecond, Peak: int64(size) << 10})
		}
	}
	svg := scalePlot(rows)
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v", err)
			}
			break
		}
		_ = tok
	}
	if n, want := strings.Count(string(svg), "<polyline"), 2*len(scalePanels); n != want {
		t.Fatalf("%d curves, want %d (two series in each of %d panels)", n, want, len(scalePanels))
	}
	if strings.Count(string(svg), "<circle") != 2*3*len(scalePanels) {
		t.Fatal("not a point per size on each curve")
	}
}

func TestGetPlanAsksAHotSetOfOneSizeAndTheRestOnce(t *testing.T) {
	for _, size := range []int{500, 1000, 10_000, 100_000} {
		hot, fresh := getPlan(size, 2016)
		if want := min(hotSet, size/2); len(hot) != want || len(fresh) == 0 {
			t.Fatalf("%d plugins: a hot set of %d, want %d, and %d asked once", size, len(hot), want, len(fresh))
		}
		all := slices.Concat(hot, fresh)
		slices.Sort(all)
		for i, id := range all {
			if id != i {
				t.Fatalf("%d plugins: the two loads do not ask each plugin exactly once (at %d: %d)", size, i, id)
			}
		}
		// Drawn over the whole catalogue, not its first plugins.
		if size > hotSet && slices.Max(hot) < size/2 {
			t.Fatalf("%d plugins: the hot set stops at s-%d", size, slices.Max(hot))
		}
		again, _ := getPlan(size, 2016)
		if !slices.Equal(hot, again) {
			t.Fatalf("%d plugins: another hot set for the same seed", size)
		}
	}
}

func TestOnceLoadAsksEachPathOnce(t *testing.T) {
	var (
		mu    sync.Mutex
		asked = map[string]int{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked[r.URL.Path]++
		mu.Unlock()
		if r.URL.Path == "/api/v1/plugins/s-7" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "{}")
	}))
	defer srv.Close()
	_, fresh := getPlan(1200, 1)
	paths := slugPaths(fresh)
	l, n, err := onceLoad(context.Background(), srv.URL, paths, 4, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(paths) || len(asked) != len(paths) {
		t.Fatalf("%d answered, %d paths asked, want %d", n, len(asked), len(paths))
	}
	for p, k := range asked {
		if k != 1 {
			t.Fatalf("%s asked %d times", p, k)
		}
	}
	wantErrs := 0
	if slices.Contains(paths, "/api/v1/plugins/s-7") {
		wantErrs = 1
	}
	if l.Errors != wantErrs || l.RPS <= 0 || l.P99 < l.P50 {
		t.Fatalf("load %+v, want %d errors, a rate and p50 ≤ p99", l, wantErrs)
	}
	// It stops when the time is up, whatever is left.
	if _, n, err := onceLoad(context.Background(), srv.URL, paths, 4, 0); err == nil || n != 0 {
		t.Fatalf("no time: %d asked, %v", n, err)
	}
}

func TestGetRatiosCompareEachLoadWithItself(t *testing.T) {
	small := scaleRow{Size: 10_000, PluginGet: load{RPS: 30_000}, PluginOnce: load{RPS: 8_000}}
	big := scaleRow{Size: 100_000, PluginGet: load{RPS: 27_000}, PluginOnce: load{RPS: 4_000}}
	got := getRatios(big, small)
	if len(got) != 2 || got[0].ratio != 0.9 || got[1].ratio != 0.5 || !strings.Contains(got[0].name, "1000") {
		t.Fatalf("ratios %+v", got)
	}
}

// Every row of the scale table has as many cells as its header, the
// start-up's first search and warm time among them.
func TestScaleTableRowsMatchItsHeader(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	printScaleTable([]scaleRow{{Size: 1000, Engine: "embedded", Database: "sqlite", Kinds: map[string]load{},
		Startup: 300 * time.Millisecond, FirstSearch: 42 * time.Millisecond, Warm: 1500 * time.Millisecond}}, 3)
	os.Stdout = stdout
	w.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(out), "\n")
	if len(lines) < 3 {
		t.Fatalf("no table:\n%s", out)
	}
	cells := func(line string) int { return strings.Count(line, "|") - 1 }
	for _, line := range lines[1:3] {
		if cells(line) != cells(lines[0]) {
			t.Errorf("%d cells, the header has %d:\n%s\n%s", cells(line), cells(lines[0]), lines[0], line)
		}
	}
	if !strings.Contains(lines[2], "| 42ms, 1.5s |") {
		t.Errorf("the first search and warm times are not in the row:\n%s", lines[2])
	}
}

// A load run for several rounds gives the run of median rate, and the
// errors of every run, so that one bad round is not hidden.
func TestRoundedKeepsTheMedianRunAndEveryError(t *testing.T) {
	b := &bench{rounds: 3}
	runs := []load{{RPS: 300, Errors: 0}, {RPS: 100, Errors: 2}, {RPS: 200, P99: time.Millisecond}}
	i := 0
	l, err := b.rounded(func() (load, error) {
		i++
		return runs[i-1], nil
	})
	if err != nil || i != 3 {
		t.Fatalf("%d runs, %v", i, err)
	}
	if l.RPS != 200 || l.P99 != time.Millisecond || l.Errors != 2 {
		t.Fatalf("got %+v, want the 200/s run with 2 errors", l)
	}
}
