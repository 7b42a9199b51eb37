package search

import (
	"context"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"
)

// snapshotDocs are documents with every kind of value an entry keeps.
func snapshotDocs() []Document {
	return []Document{
		{Slug: "a", Name: "Détecteur de propagande", Summary: "Repère les messages coordonnés", Description: "Un outil pour les élections",
			Tags: []string{"bots", "élections"}, Categories: []string{"detection", "reporting"}, Languages: []string{"fr"}, License: "MIT",
			Runtime: "wasm", Hackathons: []string{"h-2026"}, Badges: []string{"winner"}, Trust: 3, Revision: 7,
			Publisher: &Publisher{Slug: "org", Name: "Organisation", Verified: true}, UpdatedAt: time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)},
		{Slug: "b", Name: "كاشف الدعاية", Summary: "يكشف الرسائل المنسقة", Description: "أداة للانتخابات", Tags: []string{"دعاية"},
			Categories: []string{"detection"}, Languages: []string{"ar"}, License: "MIT", Runtime: "none", Restricted: true,
			Publisher: &Publisher{Slug: "o2", Name: "Autre"}, UpdatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Slug: "c", Name: "Sans date", Tags: []string{}, Categories: []string{}, Languages: []string{}, Hackathons: []string{}, Badges: []string{}},
	}
}

// entriesOf returns the entries of the engine's current index by slug,
// without what is filled lazily.
func entriesOf(t *testing.T, b *Bleve) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	for slug, e := range b.cur.docs {
		out[slug] = entry{doc: e.doc, sortKey: e.sortKey, updated: e.updated, lengths: e.lengths}
	}
	return out
}

// Closing the engine writes the entries of its index, and opening reads
// them back as they were, without reading the stored documents; searches
// answer the same.
func TestBleveOpenReadsTheEntriesWrittenOnClosing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	b, err := NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, snapshotDocs()); err != nil {
		t.Fatal(err)
	}
	want := entriesOf(t, b)
	wantRes, err := b.Search(ctx, Query{Text: "propagande", Filters: map[Field][]string{Category: {"detection"}}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	name := b.cur.name
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(entriesPath(dir, name)); err != nil {
		t.Fatalf("no entries written on closing: %v", err)
	}

	b, err = NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !b.cur.saved {
		t.Fatal("opening did not read the entries written on closing")
	}
	if got := entriesOf(t, b); !reflect.DeepEqual(got, want) {
		t.Fatalf("entries read back:\n%+v\nwritten:\n%+v", got, want)
	}
	if e := b.cur.docs["a"]; e.doc.Description != "" {
		t.Errorf("an entry keeps its description %q", e.doc.Description)
	}
	res, err := b.Search(ctx, Query{Text: "propagande", Filters: map[Field][]string{Category: {"detection"}}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	res.Took, wantRes.Took = 0, 0
	if !reflect.DeepEqual(res, wantRes) {
		t.Fatalf("search after opening: %+v, before closing %+v", res, wantRes)
	}
}

// A write after the entries were written makes them stale: an engine that
// stops without closing (a crash) opens with the documents stored in the
// index, the write included, and the stale file is not read.
func TestBleveOpenIgnoresStaleEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	b, err := NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, snapshotDocs()); err != nil {
		t.Fatal(err)
	}
	b.Close()
	b, err = NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !b.cur.saved {
		t.Fatal("opening did not read the entries written on closing")
	}
	if err := b.Upsert(ctx, []Document{{Slug: "d", Name: "Nouveau", Categories: []string{"emergency"}}}); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, []string{"b"}); err != nil {
		t.Fatal(err)
	}
	// Stop without closing: the index as written, the entries' file as it was.
	b.cur.idx.Close()

	b, err = NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.cur.saved {
		t.Fatal("opening read entries written before the last writes")
	}
	slugs := slices.Sorted(func(yield func(string) bool) {
		for s := range b.cur.docs {
			if !yield(s) {
				return
			}
		}
	})
	if !slices.Equal(slugs, []string{"a", "c", "d"}) {
		t.Fatalf("opened with %v, want a, c, d", slugs)
	}
}

// A file of entries that is damaged, or that another index wrote, is not
// read.
func TestDecodeEntriesRefusesWhatItDidNotWrite(t *testing.T) {
	t.Parallel()
	an, err := newAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*entry{}
	for _, d := range snapshotDocs() {
		docs[d.Slug] = an.entry(d, nil)
	}
	stamp := []byte("0123456789abcdef")
	data := encodeEntries(stamp, docs)
	got, ok := decodeEntries(data, stamp, an)
	if !ok || len(got) != len(docs) {
		t.Fatalf("round trip: %d entries, %v", len(got), ok)
	}
	for slug, e := range docs {
		g := got[slug]
		if !reflect.DeepEqual(g.doc, e.doc) || g.sortKey != e.sortKey || g.updated != e.updated || g.lengths != e.lengths {
			t.Errorf("%s read back as %+v, written as %+v", slug, g.doc, e.doc)
		}
	}
	if _, ok := decodeEntries(data, []byte("another stamp..."), an); ok {
		t.Error("entries of another stamp were read")
	}
	for _, n := range []int{0, 5, len(entriesMagic) + 3, len(data) / 2, len(data) - 1} {
		if _, ok := decodeEntries(data[:n], stamp, an); ok {
			t.Errorf("entries cut at %d bytes of %d were read", n, len(data))
		}
	}
	if _, ok := decodeEntries(append(slices.Clone(data), 0), stamp, an); ok {
		t.Error("entries followed by a byte more were read")
	}
}

// A reindex writes the entries of the index it builds: a server started
// after `riposte reindex` opens from them.
func TestBleveReindexWritesItsEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	b, err := NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Reindex(ctx, DocumentList(snapshotDocs())); err != nil {
		t.Fatal(err)
	}
	b.cur.idx.Close() // stop without closing the engine
	b, err = NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !b.cur.saved || len(b.cur.docs) != len(snapshotDocs()) {
		t.Fatalf("opened after a reindex: from its entries %v, %d documents", b.cur.saved, len(b.cur.docs))
	}
}
