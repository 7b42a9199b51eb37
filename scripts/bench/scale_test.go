package main

import (
	"encoding/xml"
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
