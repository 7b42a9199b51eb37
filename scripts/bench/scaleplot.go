package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// panel is one chart of the scale plot: a measure against the catalogue's
// size, one line per engine and database.
type panel struct {
	title string
	unit  string
	value func(scaleRow) float64
}

var scalePanels = []panel{
	{"search p99, typo", "ms", func(r scaleRow) float64 { return msOf(r.Kinds["typo"].P99) }},
	{"search p99, multi-word", "ms", func(r scaleRow) float64 { return msOf(r.Kinds["multi-word"].P99) }},
	{"search p99, filtered", "ms", func(r scaleRow) float64 { return msOf(r.Kinds["filtered"].P99) }},
	{"search p99, empty + facets", "ms", func(r scaleRow) float64 { return msOf(r.Kinds["empty+facets"].P99) }},
	{"GET /api/v1/plugins/{slug}, hot set", "req/s", func(r scaleRow) float64 { return r.PluginGet.RPS }},
	{"GET /api/v1/plugins/{slug}, each once", "req/s", func(r scaleRow) float64 { return r.PluginOnce.RPS }},
	{"catalogue page", "req/s", func(r scaleRow) float64 { return r.Catalogue.RPS }},
	{"full reindex", "s", func(r scaleRow) float64 { return r.Reindex.Seconds() }},
	{"relay catch-up", "s", func(r scaleRow) float64 { return r.CatchUp.Seconds() }},
	{"start-up on existing data", "s", func(r scaleRow) float64 { return r.Startup.Seconds() }},
	{"resident memory, peak", "MiB", func(r scaleRow) float64 { return float64(r.Peak) / (1 << 20) }},
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

var seriesColours = []string{"#1b6ca8", "#d95f02", "#1b9e77", "#7570b3"}

// scalePlot draws the cost curves as SVG: a panel per measure, the size
// on a log scale, a line per engine and database.
func scalePlot(rows []scaleRow) []byte {
	type key struct{ engine, db string }
	var series []key
	var sizes []int
	for _, r := range rows {
		if k := (key{r.Engine, r.Database}); !slices.Contains(series, k) {
			series = append(series, k)
		}
		if !slices.Contains(sizes, r.Size) {
			sizes = append(sizes, r.Size)
		}
	}
	slices.Sort(sizes)
	const (
		cols, pw, ph = 2, 420, 220
		left, top    = 60, 40
		iw, ih       = pw - left - 20, ph - top - 40
	)
	rowsN := (len(scalePanels) + cols - 1) / cols
	w, h := cols*pw, rowsN*ph+40
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", w, h, w, h)
	fmt.Fprintf(&s, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	for i, k := range series {
		x := 20 + i*200
		fmt.Fprintf(&s, `<line x1="%d" y1="20" x2="%d" y2="20" stroke="%s" stroke-width="2"/><text x="%d" y="24">%s, %s</text>`+"\n",
			x, x+20, seriesColours[i%len(seriesColours)], x+25, k.engine, k.db)
	}
	lo, hi := math.Log10(float64(sizes[0])), math.Log10(float64(sizes[len(sizes)-1]))
	if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	for pi, p := range scalePanels {
		ox, oy := (pi%cols)*pw+left, 40+(pi/cols)*ph+top
		maxV := 0.0
		for _, r := range rows {
			maxV = max(maxV, p.value(r))
		}
		if maxV == 0 {
			maxV = 1
		}
		maxV = niceCeil(maxV)
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-weight="bold">%s (%s)</text>`+"\n", ox, oy-12, p.title, p.unit)
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>`+"\n", ox, oy, iw, ih)
		for t := 0; t <= 4; t++ {
			y := oy + ih - t*ih/4
			fmt.Fprintf(&s, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#eee"/><text x="%d" y="%d" text-anchor="end">%s</text>`+"\n",
				ox, y, ox+iw, y, ox-4, y+4, trimFloat(maxV*float64(t)/4))
		}
		xOf := func(size int) float64 { return float64(ox) + (math.Log10(float64(size))-lo)/(hi-lo)*float64(iw) }
		for _, size := range sizes {
			fmt.Fprintf(&s, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", xOf(size), oy+ih+14, sizeLabel(size))
		}
		for si, k := range series {
			var pts []string
			for _, size := range sizes {
				for _, r := range rows {
					if r.Size == size && r.Engine == k.engine && r.Database == k.db {
						y := float64(oy+ih) - p.value(r)/maxV*float64(ih)
						pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(size), y))
					}
				}
			}
			c := seriesColours[si%len(seriesColours)]
			fmt.Fprintf(&s, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), c)
			for _, pt := range pts {
				xy := strings.Split(pt, ",")
				fmt.Fprintf(&s, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", xy[0], xy[1], c)
			}
		}
	}
	fmt.Fprintf(&s, `<text x="%d" y="%d" fill="#555">plugins (log scale); 16 clients; scripts/bench -run scale</text>`+"\n", 20, h-8)
	s.WriteString("</svg>\n")
	return []byte(s.String())
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func trimFloat(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	if v >= 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

func sizeLabel(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}
