package main

import (
	"encoding/xml"
	"io"
	"os"
	"strings"
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
				PluginGet: load{RPS: 1000}, Reindex: time.Duration(size) * time.Millisecond, Peak: int64(size) << 10})
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
		Startup: 300 * time.Millisecond, FirstSearch: 42 * time.Millisecond, Warm: 1500 * time.Millisecond}})
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
