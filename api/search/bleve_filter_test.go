package search

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
	"time"
)

// Filtering without words (by bitmaps of the documents holding each value)
// gives, for every order, page, preferred category and combination of
// filters, what testing every document gives: the same total, the same
// disjunctive facet counts and the same page.
func TestBleveFilteringMatchesAFullScan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := NewBleve(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rnd := rand.New(rand.NewPCG(1, 2))
	cats := []string{"detection", "reporting", "education", "emergency"}
	langs := []string{"fr", "en", "ar"}
	tags := []string{"bots", "élections", "santé", "rumeurs", "climat"}
	pick := func(from []string, most int) []string {
		var out []string
		for _, v := range from {
			if len(out) < most && rnd.IntN(3) == 0 {
				out = append(out, v)
			}
		}
		return out
	}
	var docs []Document
	for i := range 400 {
		d := Document{Slug: fmt.Sprintf("p-%03d", i), Name: fmt.Sprintf("Outil %d", rnd.IntN(1000)), Summary: "Un outil",
			Categories: pick(cats, 2), Languages: pick(langs, 2), Tags: pick(tags, 3), License: []string{"MIT", "GPL-3.0"}[rnd.IntN(2)],
			Runtime: "none", Badges: pick([]string{"winner", "finalist"}, 1), Trust: rnd.IntN(4),
			UpdatedAt: time.Date(2026, 1, 1+rnd.IntN(60), 0, 0, 0, 0, time.UTC)}
		if i%50 == 0 {
			d.Categories = []string{"rare"}
		}
		docs = append(docs, d)
	}
	if err := b.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, []string{"p-007", "p-100"}); err != nil {
		t.Fatal(err)
	}
	withAndWithoutRankings(t, b, func(v *view, ready bool) { checkFiltering(t, v, ready) })
}

// withAndWithoutRankings runs check on the current view first without the
// catalogue's rankings (as if being made), then with them.
func withAndWithoutRankings(t *testing.T, b *Bleve, check func(v *view, ready bool)) {
	t.Helper()
	ix, err := b.current()
	if err != nil {
		t.Fatal(err)
	}
	v, r, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := range v.browseStarted {
		v.browseStarted[i].Store(true)
	}
	for _, ready := range []bool{false, true} {
		if ready {
			for _, order := range []Sort{Relevance, Newest, ByName} {
				v.browsing(order)
			}
		}
		check(v, ready)
	}
}

func checkFiltering(t *testing.T, v *view, ready bool) {
	t.Helper()
	filterSets := []map[Field][]string{
		nil,
		{Category: {"detection"}},
		{Category: {"rare"}},
		{Category: {"detection", "emergency"}, Language: {"fr"}},
		{Language: {"ar"}, Tag: {"bots"}},
		{Tag: {"santé", "climat"}},
		{Category: {"education"}, Language: {"en", "ar"}, License: {"MIT"}, Badge: {"winner"}},
		{Category: {"nothing"}},
		{Runtime: {"none"}, Category: {"rare", "reporting"}},
		{Field("unknown"): {"x"}},
	}
	for _, filters := range filterSets {
		for _, prefer := range []string{"", "emergency", "rare"} {
			for _, order := range []Sort{Relevance, Newest, ByName} {
				for _, page := range [][2]int{{0, 20}, {15, 10}, {0, MaxLimit}, {390, 20}, {3, 0}} {
					q := Query{Filters: filters, PreferCategory: prefer, Sort: order, Offset: page[0], Limit: page[1]}
					res, got := collect(v, nil, q, 0)
					want, wantPage := scan(v, nil, q, 0, order, page[0]+page[1], page[0])
					name := fmt.Sprintf("%v prefer %q %s %v (rankings ready: %v)", filters, prefer, order, page, ready)
					if res.Total != want.Total || !maps.EqualFunc(res.Facets, want.Facets, maps.Equal) {
						t.Fatalf("%s: total %d, facets %v; a full scan gives %d, %v", name, res.Total, res.Facets, want.Total, want.Facets)
					}
					if len(got) != len(wantPage) {
						t.Fatalf("%s: %d hits, a full scan gives %d", name, len(got), len(wantPage))
					}
					for i := range got {
						if got[i].e.doc.Slug != wantPage[i].e.doc.Slug {
							t.Fatalf("%s: hit %d is %s, a full scan gives %s", name, i, got[i].e.doc.Slug, wantPage[i].e.doc.Slug)
						}
					}
				}
			}
		}
	}
}

// A view's facet values and filter bitmaps are each document's own values,
// read back from the documents, after writes and a delete.
func TestBleveViewIndexesEveryValue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := NewBleve(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for i := range 60 {
		d := Document{Slug: fmt.Sprintf("p-%02d", i), Name: "Outil", Categories: []string{[]string{"detection", "education"}[i%2], "reporting"}[:1+i%2],
			Languages: []string{"fr"}, Tags: []string{fmt.Sprintf("t%d", i%7)}, License: []string{"", "MIT"}[i%2], Runtime: "none"}
		if i%5 == 0 {
			d.Categories = append(d.Categories, d.Categories[0]) // a value twice
		}
		if err := b.Upsert(ctx, []Document{d}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Delete(ctx, []string{"p-03"}); err != nil {
		t.Fatal(err)
	}
	ix, _ := b.current()
	v, r, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want := map[facetKey][]uint32{}
	live := 0
	for d, e := range v.entries {
		if e == nil {
			continue
		}
		live++
		var got, values []facetKey
		for _, id := range v.facetVals[v.facetStart[d]:v.facetStart[d+1]] {
			got = append(got, v.facetKeys[id])
		}
		for _, s := range fieldSpecs {
			for _, value := range s.values(&e.doc) {
				k := facetKey{s.field, value}
				if s.facet {
					values = append(values, k)
				}
				if l := want[k]; len(l) == 0 || l[len(l)-1] != uint32(d) {
					want[k] = append(l, uint32(d))
				}
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(values) {
			t.Fatalf("document %d (%s): facet values %v, want %v", d, e.doc.Slug, got, values)
		}
	}
	if live != 59 || int(v.filters.all.GetCardinality()) != live {
		t.Fatalf("%d documents, %d in the filter index; want 59", live, v.filters.all.GetCardinality())
	}
	if len(v.filters.values) != len(want) {
		t.Fatalf("%d values in the filter index, want %d", len(v.filters.values), len(want))
	}
	for k, docs := range want {
		if got := v.filters.values[k].ToArray(); fmt.Sprint(got) != fmt.Sprint(docs) {
			t.Errorf("%v: documents %v, want %v", k, got, docs)
		}
	}
	for id, k := range v.facetKeys {
		if v.filters.facets[id] != v.filters.values[k] {
			t.Errorf("facet %v: not its value's bitmap", k)
		}
	}
}
