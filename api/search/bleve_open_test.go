package search

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBleveOpenGivesUpOnAnIndexInUse checks that opening an index another
// process holds fails after a while, saying so, instead of waiting forever
// on the index's file lock.
func TestBleveOpenGivesUpOnAnIndexInUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	held, err := NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()

	done := make(chan error, 1)
	go func() {
		b, err := newBleve(dir, 200*time.Millisecond)
		if err == nil {
			b.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "in use by another process") {
			t.Fatalf("opening an index in use: %v, want an error saying it is in use", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("opening an index in use still waits after 10s")
	}
}

// Opening an index reads each document's field lengths as stored with it
// instead of analysing the document again, and they are the lengths the
// document had when indexed; the words highlighted are analysed when a hit
// is shown.
func TestBleveOpenReadsStoredLengths(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	docs := []Document{
		{Slug: "a", Name: "Détecteur de propagande", Summary: "Repère les messages coordonnés", Description: "Un outil pour les élections municipales",
			Tags: []string{"bots", "élections"}, Categories: []string{"detection"}, Languages: []string{"fr"}, License: "MIT", Runtime: "none"},
		{Slug: "b", Name: "كاشف الدعاية", Summary: "يكشف الرسائل المنسقة", Description: "أداة للانتخابات", Tags: []string{"دعاية"},
			Categories: []string{"detection"}, Languages: []string{"ar"}, License: "MIT", Runtime: "none"},
	}
	b, err := NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	want := map[string][len(textFields)]int{}
	for _, d := range docs {
		want[d.Slug] = b.an.entry(cleaned(d), nil).lengths
	}
	name := b.cur.name
	b.Close()
	// Without the file of entries written on closing, opening reads the
	// stored documents.
	if err := os.Remove(entriesPath(dir, name)); err != nil {
		t.Fatal(err)
	}

	b, err = NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for slug, e := range b.cur.docs {
		if e.lengths != want[slug] || e.lengths[0] == 0 {
			t.Errorf("%s opened with lengths %v, indexed with %v", slug, e.lengths, want[slug])
		}
		if e.name != nil || e.summary != nil {
			t.Errorf("%s: its words were analysed on opening", slug)
		}
	}
	res, err := b.Search(ctx, Query{Text: "propagande", Limit: 10})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].Slug != "a" || !strings.Contains(res.Hits[0].Highlight.Name, "<em>propagande</em>") {
		t.Fatalf("search after opening: %+v, %v; want a first, its name highlighted", res.Hits, err)
	}
}

func TestDecodeLengthsRefusesWhatItDidNotWrite(t *testing.T) {
	t.Parallel()
	l := [len(textFields)]int{3, 0, 12, 48}
	if got, ok := decodeLengths(encodeLengths(l)); !ok || *got != l {
		t.Fatalf("round trip of %v: %v, %v", l, got, ok)
	}
	for _, bad := range []string{"", "1 2 3", "1 2 3 4 5", "1 x 3 4", "1 -2 3 4"} {
		if _, ok := decodeLengths([]byte(bad)); ok {
			t.Errorf("decodeLengths(%q) accepted it", bad)
		}
	}
}

// Browsing the whole catalogue (no words, no filter) gives, page by page
// and in each order, what ranking every document for the request gives;
// a change shows in the next view.
func TestBleveBrowsingMatchesAFullScan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := NewBleve(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var docs []Document
	for i := range 40 {
		docs = append(docs, Document{Slug: fmt.Sprintf("p-%02d", i), Name: fmt.Sprintf("Outil %d", (i*7)%40), Summary: "Un outil",
			Categories: []string{[]string{"detection", "reporting", "education"}[i%3]}, Languages: []string{"fr"}, License: "MIT",
			Runtime: "none", Trust: i % 3, UpdatedAt: time.Date(2026, 1, 1+i%9, 0, 0, 0, 0, time.UTC)})
	}
	if err := b.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	check := func(total int) {
		t.Helper()
		withAndWithoutRankings(t, b, func(v *view, _ bool) { checkBrowsing(t, v, total) })
	}
	check(40)
	if err := b.Upsert(ctx, []Document{{Slug: "p-new", Name: "Nouvel outil", Categories: []string{"emergency"}, Languages: []string{"ar"},
		License: "MIT", Runtime: "none", UpdatedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}}); err != nil {
		t.Fatal(err)
	}
	check(41)
	res, err := b.Search(ctx, Query{Sort: Newest, Limit: 1})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].Slug != "p-new" || res.Facets[Category]["emergency"] != 1 {
		t.Fatalf("newest after a change: %+v %v, %v; want p-new and its category counted", res.Hits, res.Facets, err)
	}
}

func checkBrowsing(t *testing.T, v *view, total int) {
	t.Helper()
	for _, order := range []Sort{Relevance, Newest, ByName} {
		for _, page := range [][2]int{{0, 20}, {15, 10}, {35, 20}, {60, 5}} {
			q := Query{Sort: order, Offset: page[0], Limit: page[1]}
			res, got := collect(v, nil, q, 0)
			want, wantPage := scan(v, nil, q, 0, order, page[0]+page[1], page[0])
			if res.Total != total || want.Total != total || !maps.EqualFunc(res.Facets, want.Facets, maps.Equal) {
				t.Fatalf("%s %v: total %d, facets %v; a full scan gives %d, %v", order, page, res.Total, res.Facets, want.Total, want.Facets)
			}
			if len(got) != len(wantPage) {
				t.Fatalf("%s %v: %d hits, a full scan gives %d", order, page, len(got), len(wantPage))
			}
			for i := range got {
				if got[i].e.doc.Slug != wantPage[i].e.doc.Slug {
					t.Fatalf("%s %v: hit %d is %s, a full scan gives %s", order, page, i, got[i].e.doc.Slug, wantPage[i].e.doc.Slug)
				}
			}
		}
	}
}

// A new snapshot of the same documents (here a merge) is answered from the
// current view, on the snapshot it was built on, while the view of the new
// snapshot is built in the background; it answers the same. A write that
// ended is seen at once.
func TestBleveAnswersASnapshotOfTheSameDocumentsFromItsView(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	an, err := newAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	b := &Bleve{dir: t.TempDir(), an: an, scratch: sync.Pool{New: func() any { return new(scratch) }}}
	ix, err := b.create()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.destroy(b.dir)
	for batch := range 3 {
		var docs []Document
		for i := range 10 {
			docs = append(docs, Document{Slug: fmt.Sprintf("p-%d-%d", batch, i), Name: fmt.Sprintf("Outil %d", i),
				Summary: "Un outil de vérification", Categories: []string{"detection"}, Languages: []string{"fr"}, License: "MIT", Runtime: "none"})
		}
		if err := ix.upsert(ctx, an, docs); err != nil {
			t.Fatal(err)
		}
	}
	slugs := func(v *view) string {
		t.Helper()
		res, err := b.search(v, Query{Text: "outil", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.Slug)
		}
		// Equal scores rank by document number, which a merge changes.
		slices.Sort(out)
		return fmt.Sprint(res.Total, out)
	}
	first, r, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	want := slugs(first)
	r.Close()
	if err := ix.compact(ctx); err != nil {
		t.Fatal(err)
	}
	v, r, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	if v != first || r != first.snap {
		t.Fatal("a view was built before answering a snapshot of the same documents")
	}
	if got := slugs(v); got != want {
		t.Fatalf("the held view answers %s, it answered %s", got, want)
	}
	r.Close()
	adv, err := ix.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		cur, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		v := ix.view.Load()
		fits := v.snap == cur
		cur.Close()
		if fits {
			if got := slugs(v); got != want {
				t.Fatalf("the new view answers %s, the former %s", got, want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the view of the new snapshot was not built within 30 s")
		}
	}
	if err := ix.upsert(ctx, an, []Document{{Slug: "p-new", Name: "Outil neuf", License: "MIT", Runtime: "none"}}); err != nil {
		t.Fatal(err)
	}
	v, r, err = ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := slugs(v); !strings.Contains(got, "p-new") {
		t.Fatalf("after a write: %s, without the new document", got)
	}
}
