package search_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/search/searchtest"
)

func TestBleveBehaviour(t *testing.T) {
	t.Parallel()
	searchtest.Run(t, func(t *testing.T) search.Engine {
		return openBleve(t, t.TempDir())
	})
}

func openBleve(tb testing.TB, dir string) *search.Bleve {
	tb.Helper()
	b, err := search.NewBleve(dir)
	if err != nil {
		tb.Fatalf("open embedded index: %v", err)
	}
	tb.Cleanup(func() { b.Close() })
	return b
}

// slugsFound returns, sorted, the slugs a search for text finds.
func slugsFound(tb testing.TB, e search.Engine, text string) []string {
	tb.Helper()
	r, err := e.Search(context.Background(), search.Query{Text: text, Sort: search.Relevance, Limit: search.MaxLimit})
	if err != nil {
		tb.Fatalf("search %q: %v", text, err)
	}
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Slug)
	}
	slices.Sort(out)
	return out
}

func TestBleveKeepsDocumentsAcrossRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := openBleve(t, dir)
	if err := b.Upsert(context.Background(), searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Search(context.Background(), search.Query{Text: "propaganda"}); !errors.Is(err, search.ErrUnavailable) {
		t.Errorf("search after close: %v, want ErrUnavailable", err)
	}

	b = openBleve(t, dir)
	if got := slugsFound(t, b, "rumoar"); !slices.Equal(got, []string{"rumour-checker"}) {
		t.Errorf("after reopening, rumoar finds %v", got)
	}
	revs, err := b.Revisions(context.Background())
	if err != nil || len(revs) != len(searchtest.Corpus()) {
		t.Errorf("revisions after reopening: %v %v", revs, err)
	}
	r, err := b.Search(context.Background(), search.Query{Text: "propaganda", Sort: search.Relevance, Limit: 1})
	if err != nil || len(r.Hits) != 1 || r.Hits[0].Name != "Propaganda Detector" || r.Hits[0].UpdatedAt.IsZero() {
		t.Errorf("documents after reopening: %+v %v", r.Hits, err)
	}
}

func TestBleveReindexSurvivesRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := openBleve(t, dir)
	if err := b.Upsert(context.Background(), searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	if err := b.Reindex(context.Background(), search.DocumentList(searchtest.Corpus()[:2])); err != nil {
		t.Fatal(err)
	}
	b.Close()

	b = openBleve(t, dir)
	if got := slugsFound(t, b, ""); !slices.Equal(got, []string{"detecteur-propagande", "propaganda-detector"}) {
		t.Errorf("after a reindex and a restart: %v", got)
	}
	if n := len(indexDirs(t, dir)); n != 1 {
		t.Errorf("%d index directories after a reindex, want 1", n)
	}
}

func TestBleveIgnoresAnInterruptedReindex(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := openBleve(t, dir)
	if err := b.Upsert(context.Background(), searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	b.Close()
	current := indexDirs(t, dir)

	// A reindex that stopped half-way: a complete index never pointed at,
	// a half-written one, and a pointer that was never renamed.
	otherDir := t.TempDir()
	other := openBleve(t, otherDir)
	if err := other.Upsert(context.Background(), searchtest.Corpus()[:1]); err != nil {
		t.Fatal(err)
	}
	other.Close()
	leftovers := []string{"index-0123456789abcdef", "index-fedcba9876543210"}
	complete := filepath.Join(otherDir, indexDirs(t, otherDir)[0])
	if err := os.CopyFS(filepath.Join(dir, leftovers[0]), os.DirFS(complete)); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, leftovers[1], "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "current-123.tmp"), []byte(leftovers[0]+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	b = openBleve(t, dir)
	if got := slugsFound(t, b, ""); len(got) != len(searchtest.Corpus()) {
		t.Errorf("after an interrupted reindex, the index holds %v", got)
	}
	if got := indexDirs(t, dir); !slices.Equal(got, current) {
		t.Errorf("index directories %v, want only %v", got, current)
	}
	if _, err := os.Stat(filepath.Join(dir, "current-123.tmp")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the unfinished pointer is still there: %v", err)
	}
}

func TestBleveSearchesWhileIndexing(t *testing.T) {
	t.Parallel()
	b := openBleve(t, t.TempDir())
	ctx := context.Background()
	corpus := searchtest.Corpus()
	if err := b.Upsert(ctx, corpus); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 4 {
		wg.Go(func() {
			for range 50 {
				if _, err := b.Search(ctx, search.Query{Text: "propaganda", Sort: search.Relevance, Limit: 5}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 20 {
			d := corpus[i%len(corpus)]
			d.Revision = int64(i + 2)
			if err := b.Upsert(ctx, []search.Document{d}); err != nil {
				errs <- err
			}
			if err := b.Delete(ctx, []string{"never-indexed"}); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := slugsFound(t, b, "rumoar"); !slices.Equal(got, []string{"rumour-checker"}) {
		t.Errorf("after concurrent updates, rumoar finds %v", got)
	}
}

// indexDirs lists the index directories under dir.
func indexDirs(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}
