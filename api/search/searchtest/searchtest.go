package searchtest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/search"
)

// Open returns a new, empty engine for one test; it is closed by the test's
// cleanup.
type Open func(t *testing.T) search.Engine

// Run is the behaviour suite. Every engine must pass all of it.
func Run(t *testing.T, open Open) {
	t.Run("typos by word length", func(t *testing.T) { testTypos(t, loaded(t, open)) })
	t.Run("prefix on the last word", func(t *testing.T) { testPrefix(t, loaded(t, open)) })
	t.Run("all words, then relaxed", func(t *testing.T) { testRelaxed(t, loaded(t, open)) })
	t.Run("ranking", func(t *testing.T) { testRanking(t, loaded(t, open)) })
	t.Run("trust within relevance", func(t *testing.T) { testTrust(t, open) })
	t.Run("preferred category", func(t *testing.T) { testPreferCategory(t, open) })
	t.Run("french", func(t *testing.T) { testFrench(t, loaded(t, open)) })
	t.Run("arabic", func(t *testing.T) { testArabic(t, loaded(t, open)) })
	t.Run("filters", func(t *testing.T) { testFilters(t, loaded(t, open)) })
	t.Run("facets", func(t *testing.T) { testFacets(t, loaded(t, open)) })
	t.Run("facet counts match clicks", func(t *testing.T) {
		FacetsMatchClicks(t, loaded(t, open).Search, ClickQueries())
	})
	t.Run("every field", func(t *testing.T) { testEveryField(t, loaded(t, open)) })
	t.Run("sort and pages", func(t *testing.T) { testSortAndPages(t, loaded(t, open)) })
	t.Run("highlights", func(t *testing.T) { testHighlights(t, loaded(t, open)) })
	t.Run("no query language", func(t *testing.T) { testNoQueryLanguage(t, loaded(t, open)) })
	t.Run("upsert and delete", func(t *testing.T) { testUpsertDelete(t, loaded(t, open)) })
	t.Run("reindex", func(t *testing.T) { testReindex(t, loaded(t, open)) })
	t.Run("reindex that fails", func(t *testing.T) { testReindexFails(t, loaded(t, open)) })
}

func loaded(t *testing.T, open Open) search.Engine {
	t.Helper()
	e := open(t)
	if err := e.Upsert(ctx(t), Corpus()); err != nil {
		t.Fatalf("upsert corpus: %v", err)
	}
	return e
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func find(t *testing.T, e search.Engine, q search.Query) search.Result {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 50
	}
	if q.Sort == "" {
		q.Sort = search.Relevance
	}
	r, err := e.Search(ctx(t), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return r
}

func slugs(r search.Result) []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = h.Slug
	}
	return out
}

// expect checks that text finds (or not) a plugin.
func expect(t *testing.T, e search.Engine, text, slug string, found bool) {
	t.Helper()
	got := slugs(find(t, e, search.Query{Text: text}))
	if slices.Contains(got, slug) != found {
		verb := "finds"
		if !found {
			verb = "must not find"
		}
		t.Errorf("%q %s %s; got %v", text, verb, slug, got)
	}
}

func before(t *testing.T, r search.Result, first, second string) {
	t.Helper()
	s := slugs(r)
	i, j := slices.Index(s, first), slices.Index(s, second)
	if i < 0 || j < 0 || i > j {
		t.Errorf("%s should rank before %s; got %v", first, second, s)
	}
}

func testTypos(t *testing.T, e search.Engine) {
	// 1–4 letters: no typo. "bats" is one letter off "bots".
	expect(t, e, "bots", "bots-detection", true)
	expect(t, e, "bats", "bots-detection", false)
	// 5–8 letters: one typo, not two.
	expect(t, e, "rumoar", "rumour-checker", true)
	expect(t, e, "ramoar", "rumour-checker", false)
	// 9 letters and more: two typos, not three.
	expect(t, e, "propoganda", "propaganda-detector", true)
	expect(t, e, "prepagonda", "propaganda-detector", true)
	expect(t, e, "prepegonda", "propaganda-detector", false)
	// Typos in several words at once.
	expect(t, e, "propoganda detecton", "propaganda-detector", true)
}

func testPrefix(t *testing.T, e search.Engine) {
	expect(t, e, "propagan", "propaganda-detector", true)
	expect(t, e, "counter spee", "counter-speech-kit", true)
	expect(t, e, "propogan", "propaganda-detector", true) // a prefix with a typo
}

func testRelaxed(t *testing.T, e search.Engine) {
	r := find(t, e, search.Query{Text: "propaganda unicorn"})
	if !slices.Contains(slugs(r), "propaganda-detector") {
		t.Errorf("no document has both words: the query must relax to find propaganda-detector; got %v", slugs(r))
	}
	r = find(t, e, search.Query{Text: "propaganda detector"})
	if s := slugs(r); len(s) == 0 || s[0] != "propaganda-detector" {
		t.Errorf("the document with every word must come first; got %v", s)
	}
	before(t, r, "propaganda-detector", "xss-name")
}

func testRanking(t *testing.T, e search.Engine) {
	// name > tags > summary > description.
	r := find(t, e, search.Query{Text: "propaganda"})
	before(t, r, "propaganda-detector", "counter-speech-kit")
	before(t, r, "xss-name", "counter-speech-kit")
	r = find(t, e, search.Query{Text: "detection"})
	before(t, r, "bots-detection", "propaganda-detector") // name before tag
	// Trust (accepted, awarded) raises a result within its band of
	// relevance (see testTrust).
	r = find(t, e, search.Query{Text: "alert relay"})
	before(t, r, "alert-relay-b", "alert-relay-a")
}

func testFrench(t *testing.T, e search.Engine) {
	expect(t, e, "l'élection", "elections-veille", true) // elision
	expect(t, e, "election", "elections-veille", true)   // accents
	expect(t, e, "élections", "elections-veille", true)  // plural
	expect(t, e, "desinformation", "elections-veille", true)
	expect(t, e, "ecole", "prevention-ecoles", true)
	expect(t, e, "radicalisation", "prevention-ecoles", true)
	expect(t, e, "d'un incident", "portes-ouvertes", true)
}

func testArabic(t *testing.T, e search.Engine) {
	expect(t, e, "الدعاية", "arabic-counter", true) // as written
	expect(t, e, "دعاية", "arabic-counter", true)   // without the article
	expect(t, e, "إرهاب", "arabic-counter", true)   // from الإرهابية: article, suffix
	expect(t, e, "ارهاب", "arabic-counter", true)   // alef without hamza
	expect(t, e, "الإنترنت", "arabic-counter", true)
	expect(t, e, "كتاب", "arabic-counter", false)
}

// want returns the corpus slugs passing filters, in corpus order.
func want(filters map[search.Field][]string) []string {
	var out []string
	for _, d := range Corpus() {
		if d.Matches(filters) {
			out = append(out, d.Slug)
		}
	}
	slices.Sort(out)
	return out
}

func testFilters(t *testing.T, e search.Engine) {
	cases := []map[search.Field][]string{
		{search.Category: {"detection"}, search.Language: {"fr"}},
		{search.Category: {"emergency", "reporting"}},
		{search.Badge: {"accepted"}},
		{search.Hackathon: {"paris-2016"}},
		{search.Runtime: {"builtin"}},
		{search.License: {"MIT"}, search.Language: {"ar"}},
		{search.Tag: {"bots"}},
		{search.Badge: {"award:public-choice"}, search.Category: {"emergency"}},
		{search.Category: {"weather"}},
		{search.Category: {`detection" OR categories = "research`}},
	}
	for _, f := range cases {
		got := slugs(find(t, e, search.Query{Filters: f}))
		slices.Sort(got)
		if w := want(f); !slices.Equal(got, w) {
			t.Errorf("filters %v: got %v, want %v", f, got, w)
		}
	}
	got := slugs(find(t, e, search.Query{Text: "propaganda", Filters: map[search.Field][]string{search.Language: {"fr"}}}))
	if slices.Contains(got, "propaganda-detector") || !slices.Contains(got, "detecteur-propagande") {
		t.Errorf("text with a filter: got %v", got)
	}
}

// facetsOf counts, over the given slugs, the values of each facet field.
func facetsOf(slugList []string) map[search.Field]map[string]int {
	out := map[search.Field]map[string]int{}
	for _, f := range search.FacetFields() {
		out[f] = map[string]int{}
	}
	for _, d := range Corpus() {
		if !slices.Contains(slugList, d.Slug) {
			continue
		}
		for _, f := range search.FacetFields() {
			for _, v := range d.Values(f) {
				out[f][v]++
			}
		}
	}
	return out
}

// facetsUnder counts each facet field's values over the corpus documents
// passing every filter but the field's own: values of one field are
// OR-ed, so ticking one adds to what the field's filter finds.
func facetsUnder(filters map[search.Field][]string) map[search.Field]map[string]int {
	out := map[search.Field]map[string]int{}
	for _, f := range search.FacetFields() {
		others := maps.Clone(filters)
		delete(others, f)
		out[f] = facetsOf(want(others))[f]
	}
	return out
}

func testFacets(t *testing.T, e search.Engine) {
	for _, f := range []map[search.Field][]string{nil, {search.Category: {"detection"}}, {search.Language: {"fr", "ar"}, search.Runtime: {"http"}},
		{search.Category: {"counter-speech"}, search.Tag: {"rumour", "templates"}}} {
		r := find(t, e, search.Query{Filters: f, Limit: 2})
		w := want(f)
		if r.Total != len(w) || len(r.Hits) != min(2, len(w)) {
			t.Errorf("filters %v: total %d and %d hits, want %d and %d", f, r.Total, len(r.Hits), len(w), min(2, len(w)))
		}
		checkFacets(t, r.Facets, facetsUnder(f))
	}
	r := find(t, e, search.Query{Text: "pharos"})
	checkFacets(t, r.Facets, facetsOf([]string{"signalement"}))
}

// testEveryField filters on each value of each filterable field, and finds
// the documents having it, whose hits show it, and counts them when the
// field is a facet: a field an engine does not index, filter, count or
// return fails here.
func testEveryField(t *testing.T, e search.Engine) {
	for _, f := range search.Fields() {
		values := map[string]bool{}
		for _, d := range Corpus() {
			for _, v := range d.Values(f) {
				values[v] = true
			}
		}
		if len(values) < 2 {
			t.Errorf("the corpus gives %s fewer than two values: give it more", f)
		}
		facet := slices.Contains(search.FacetFields(), f)
		for v := range values {
			filters := map[search.Field][]string{f: {v}}
			r := find(t, e, search.Query{Filters: filters})
			got, w := slugs(r), want(filters)
			slices.Sort(got)
			if !slices.Equal(got, w) {
				t.Errorf("%s=%s: got %v, want %v", f, v, got, w)
			}
			for _, h := range r.Hits {
				if !slices.Contains(h.Values(f), v) {
					t.Errorf("%s=%s: hit %s shows %s %v", f, v, h.Slug, f, h.Values(f))
				}
			}
			if _, counted := r.Facets[f]; counted != facet || facet && r.Facets[f][v] != len(w) {
				t.Errorf("%s=%s: facet counts %v, want %d (a facet: %v)", f, v, r.Facets[f], len(w), facet)
			}
		}
	}
}

func checkFacets(t *testing.T, got, want map[search.Field]map[string]int) {
	t.Helper()
	for _, f := range search.FacetFields() {
		g := maps.Clone(got[f])
		maps.DeleteFunc(g, func(_ string, n int) bool { return n == 0 })
		if !maps.Equal(g, want[f]) {
			t.Errorf("facet %s: got %v, want %v", f, got[f], want[f])
		}
	}
}

func testSortAndPages(t *testing.T, e search.Engine) {
	all := Corpus()
	byName := slices.Clone(all)
	slices.SortStableFunc(byName, func(a, b search.Document) int {
		return strings.Compare(search.SortKey(a.Name), search.SortKey(b.Name))
	})
	r := find(t, e, search.Query{Sort: search.ByName, Limit: 100})
	got := slugs(r)
	for i := range byName {
		// Equal names may come in either order.
		if i < len(got) && search.SortKey(byName[i].Name) != search.SortKey(docBySlug(got[i]).Name) {
			t.Fatalf("sort=name: got %v", got)
		}
	}
	r = find(t, e, search.Query{Sort: search.Newest, Limit: 3})
	if s := slugs(r); !slices.Equal(s, []string{"alert-relay-b", "alert-relay-a", "civic-hub"}) || r.Total != len(all) {
		t.Errorf("sort=newest: %v (total %d)", s, r.Total)
	}
	page := find(t, e, search.Query{Sort: search.Newest, Limit: 3, Offset: 3})
	if s := slugs(page); !slices.Equal(s, []string{"prevention-ecoles", "xss-name", "hate-map"}) || page.Total != len(all) {
		t.Errorf("second page: %v (total %d)", s, page.Total)
	}
	if r := find(t, e, search.Query{Sort: search.Newest, Limit: 5, Offset: 100}); len(r.Hits) != 0 || r.Total != len(all) {
		t.Errorf("past the end: %v (total %d)", slugs(r), r.Total)
	}
	// Sorting keeps the text's matches only.
	r = find(t, e, search.Query{Text: "alert relay", Sort: search.ByName})
	if s := slugs(r); len(s) != 2 {
		t.Errorf("sort=name with text: %v", s)
	}
}

func docBySlug(slug string) search.Document {
	for _, d := range Corpus() {
		if d.Slug == slug {
			return d
		}
	}
	return search.Document{}
}

func testHighlights(t *testing.T, e search.Engine) {
	r := find(t, e, search.Query{Text: "propaganda"})
	for _, h := range r.Hits {
		switch h.Slug {
		case "propaganda-detector":
			if h.Highlight.Name != "<em>Propaganda</em> Detector" || !strings.Contains(h.Highlight.Summary, "<em>propaganda</em>") {
				t.Errorf("highlight = %+v", h.Highlight)
			}
		case "xss-name":
			if h.Highlight.Name != "&lt;script&gt;alert(1)&lt;/script&gt; <em>Propaganda</em> Watch" {
				t.Errorf("unsafe highlight = %q", h.Highlight.Name)
			}
			if h.Highlight.Summary != "Escapes HTML &amp; keeps it as text" {
				t.Errorf("summary without a match = %q", h.Highlight.Summary)
			}
		}
		if h.Name == "" || h.UpdatedAt.IsZero() || h.Revision == 0 {
			t.Errorf("hit lacks its document: %+v", h)
		}
	}
}

func testNoQueryLanguage(t *testing.T, e search.Engine) {
	for _, text := range []string{"status:draft", "*", "name:x OR y", "/.*/", "a AND b", `"unterminated`, `\`, "+-!(){}[]^~*?:",
		"slug = portes-ouvertes", strings.Repeat("a ", search.MaxQueryLen/2)} {
		if _, err := e.Search(ctx(t), search.Query{Text: text, Limit: 10, Sort: search.Relevance}); err != nil {
			t.Errorf("%.40q: %v", text, err)
		}
	}
}

func testUpsertDelete(t *testing.T, e search.Engine) {
	d := docBySlug("hate-map")
	d.Name, d.Summary, d.Tags, d.Revision = "Carte des messages haineux", "Cartographie par ville", []string{"carte"}, 2
	if err := e.Upsert(ctx(t), []search.Document{d}); err != nil {
		t.Fatal(err)
	}
	expect(t, e, "carte haineux", "hate-map", true)
	expect(t, e, "city", "hate-map", false) // in the old summary only ("hate map" is now found through synonyms)
	if err := e.Delete(ctx(t), []string{"hate-map", "never-indexed"}); err != nil {
		t.Fatal(err)
	}
	expect(t, e, "carte haineux", "hate-map", false)
	revs, err := e.Revisions(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != len(Corpus())-1 || revs["portes-ouvertes"] != 1 {
		t.Errorf("revisions = %v", revs)
	}
	if r := find(t, e, search.Query{}); r.Total != len(Corpus())-1 {
		t.Errorf("total after a delete: %d", r.Total)
	}
}

// A reindex whose reading fails after a first chunk leaves the live index
// as it was.
func testReindexFails(t *testing.T, e search.Engine) {
	failed := errors.New("the database went away")
	docs := func(ctx context.Context, fn func([]search.Document) error) error {
		if err := fn(Corpus()[:2]); err != nil {
			return err
		}
		return failed
	}
	if err := e.Reindex(ctx(t), docs); !errors.Is(err, failed) {
		t.Fatalf("reindex: %v, want the reading's error", err)
	}
	if r := find(t, e, search.Query{Limit: 100}); r.Total != len(Corpus()) {
		t.Errorf("after a failed reindex: %d documents, want the %d indexed before", r.Total, len(Corpus()))
	}
}

func testReindex(t *testing.T, e search.Engine) {
	subset := Corpus()[:5]
	stop := make(chan struct{})
	var (
		wg       sync.WaitGroup
		failures []error
		mu       sync.Mutex
	)
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := e.Search(ctx(t), search.Query{Text: "propaganda", Limit: 5, Sort: search.Relevance}); err != nil {
				mu.Lock()
				failures = append(failures, err)
				mu.Unlock()
			}
		}
	})
	// In chunks of two, as a reindex reads the database in chunks.
	chunks := func(ctx context.Context, fn func([]search.Document) error) error {
		for chunk := range slices.Chunk(subset, 2) {
			if err := fn(chunk); err != nil {
				return err
			}
		}
		return nil
	}
	err := e.Reindex(ctx(t), chunks)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if len(failures) > 0 {
		t.Errorf("%d searches failed during the reindex, first: %v", len(failures), failures[0])
	}
	r := find(t, e, search.Query{Limit: 100})
	got := slugs(r)
	slices.Sort(got)
	var w []string
	for _, d := range subset {
		w = append(w, d.Slug)
	}
	slices.Sort(w)
	if !slices.Equal(got, w) {
		t.Errorf("after reindex: %v, want %v", got, w)
	}
	revs, _ := e.Revisions(ctx(t))
	if len(revs) != len(subset) {
		t.Errorf("revisions after reindex: %v", revs)
	}
}
