package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// addPlugin stores a plugin with one version showing name, summary and
// tags, published unless draft.
func addPlugin(t *testing.T, s *store.Store, owner int64, slug, name, summary string, tags []string, draft bool) {
	t.Helper()
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *store.Tx) error {
		id, err := tx.InsertPlugin(ctx, slug, owner)
		if err != nil {
			return err
		}
		v, err := tx.InsertVersion(ctx, id, store.NewPluginVersion{Version: "1.0.0", Key: "1.0.0", Manifest: []byte(`{}`), SHA256: "x", CreatedBy: owner})
		if err != nil {
			return err
		}
		err = tx.SetLatest(ctx, id, store.Latest{Version: &v.Version, Manifest: []byte(`{}`), Runtime: "none", Name: name, Summary: summary,
			Categories: []string{"research"}, Languages: []string{"fr"}, Tags: tags, License: "MIT"})
		if err != nil || draft {
			return err
		}
		return tx.PublishPlugin(ctx, id)
	})
	if err != nil {
		t.Fatalf("add %s: %v", slug, err)
	}
}

func TestPlainSearchFoldsCaseAndAccentsAndMatchesPrefixes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		u := newUser(t, s, "ada@example.org", "participant")
		addPlugin(t, s, u.ID, "vigie-rumeurs", "Vigie Rumeurs", "Repère les rumeurs qui se propagent pendant une crise", []string{"rumeurs", "desinformation"}, false)
		addPlugin(t, s, u.ID, "contre-propagande", "Contre-Propagande", "Désinformation : répondre aux discours de haine", []string{"contre-discours"}, false)
		addPlugin(t, s, u.ID, "abris", "ABRIS", "Hébergement d'urgence, 100% bénévole, Œuvre solidaire", []string{"urgence"}, false)
		addPlugin(t, s, u.ID, "brouillon", "Brouillon", "Désinformation en préparation", []string{"desinformation"}, true)
		typos := s.Dialect() == store.Postgres
		for _, tc := range []struct {
			name  string
			words []string
			want  []string
		}{
			{"a word without its accent finds the accented one", []string{"desinformation"}, []string{"contre-propagande", "vigie-rumeurs"}},
			{"an accented capital finds the word and the unaccented tag", []string{"Désinformation"}, []string{"contre-propagande", "vigie-rumeurs"}},
			{"the beginning of a word finds it", []string{"désinfo"}, []string{"contre-propagande", "vigie-rumeurs"}},
			{"case does not matter, in query or text", []string{"DÉSINFO"}, []string{"contre-propagande", "vigie-rumeurs"}},
			{"an accent in the text is ignored", []string{"hebergement"}, []string{"abris"}},
			{"a ligature matches its letters", []string{"oeuvre"}, []string{"abris"}},
			{"a capitalised name is found in lower case", []string{"abris"}, []string{"abris"}},
			{"every word is required", []string{"rumeur", "haine"}, nil},
			{"words may come from different fields", []string{"desinformation", "haine"}, []string{"contre-propagande"}},
			{"LIKE wildcards are plain characters", []string{"0%"}, []string{"abris"}},
			{"a wildcard alone matches nothing more", []string{"_%"}, nil},
			{"a word found nowhere finds nothing", []string{"vaccination"}, nil},
			{"short words tolerate no typo", []string{"abro"}, nil},
			{"one letter changed in a five-letter word is too far", []string{"prise"}, nil},
			{"a doubled letter is a typo tolerated on PostgreSQL", []string{"rummeur"}, when(typos, "vigie-rumeurs")},
			{"a typo in a long word is tolerated on PostgreSQL", []string{"desinformatoin"}, when(typos, "contre-propagande", "vigie-rumeurs")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res, err := s.SearchPlain(context.Background(), store.PlainSearch{Words: tc.words, Limit: 20, Facets: []string{"tag"}})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, src := range res.Sources {
					got = append(got, src.Slug)
				}
				slices.Sort(got)
				if strings.Join(got, ",") != strings.Join(tc.want, ",") || res.Total != len(tc.want) {
					t.Fatalf("%q found %v (total %d), want %v", tc.words, got, res.Total, tc.want)
				}
			})
		}
	})
}

// when returns slugs on a dialect that supports a feature, and none on one
// that does not.
func when(supported bool, slugs ...string) []string {
	if !supported {
		return nil
	}
	return slugs
}

// Reading the listed plugins in chunks gives each listed plugin once, in
// order, with its facets, as reading them all at once does, in chunks of
// at most n and never empty (a chunk of one is the draft's: skipped, not
// the end), and stops at the caller's error.
func TestEachListedSourceReadsInChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		for i := range 7 {
			addPlugin(t, s, u.ID, fmt.Sprintf("p-%d", i), fmt.Sprintf("P %d", i), "s", []string{fmt.Sprintf("t%d", i)}, i == 3)
		}
		all, err := s.ListedSources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 6 {
			t.Fatalf("%d listed plugins, want 6", len(all))
		}
		for _, n := range []int{1, 2, 4, 6, 100} {
			var got []store.SearchSource
			var sizes []int
			err := s.EachListedSource(ctx, n, func(chunk []store.SearchSource) error {
				got = append(got, chunk...)
				sizes = append(sizes, len(chunk))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(all) {
				t.Fatalf("chunks of %d: %d plugins (%v), want %d", n, len(got), sizes, len(all))
			}
			for i := range all {
				if got[i].Slug != all[i].Slug || !slices.Equal(got[i].Facets["tag"], all[i].Facets["tag"]) || len(got[i].Facets["tag"]) != 1 {
					t.Errorf("chunks of %d: plugin %d is %s %v, want %s %v", n, i, got[i].Slug, got[i].Facets, all[i].Slug, all[i].Facets)
				}
			}
			for _, size := range sizes {
				if size > n || size == 0 {
					t.Errorf("chunks of %d: sizes %v", n, sizes)
				}
			}
		}
		stop := errors.New("stop")
		calls := 0
		err = s.EachListedSource(ctx, 2, func([]store.SearchSource) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("after an error: %v, %d calls", err, calls)
		}
		if err := s.EachListedSource(ctx, 0, func([]store.SearchSource) error { return nil }); err == nil {
			t.Error("chunks of 0 accepted")
		}
	})
}

// On PostgreSQL, each statement that reads a chunk of the listed plugins
// reads that chunk's plugins, not every plugin after it: on a table never
// analysed (as after an import, before autovacuum comes by), a LIMIT over
// a filter the planner thinks selective made it read and sort every
// remaining plugin for each chunk, so that a reindex read the catalogue
// about size/n/2 times over.
func TestListedChunkReadsOnlyItsPluginsOnPostgres(t *testing.T) {
	s := storetest.Open(t, store.Postgres)
	ctx := context.Background()
	u := newUser(t, s, "ada@example.org", "participant")
	const size, n = 3000, 100
	err := s.InTx(ctx, func(tx *store.Tx) error {
		list := make([]store.ImportPlugin, size)
		for i := range list {
			list[i] = importSample("p", i, u.ID)
		}
		_, err := tx.ImportPlugins(ctx, list, false)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The chunk in the middle of the catalogue.
	var after, end int64
	if err := s.QueryRowForTest(ctx, `SELECT id FROM plugins ORDER BY id OFFSET $1 LIMIT 1`, size/2).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if err := s.QueryRowForTest(ctx, store.ListedChunkEnd, after, n).Scan(&end); err != nil {
		t.Fatal(err)
	}
	for name, q := range map[string]struct {
		sql  string
		args []any
	}{"end of the chunk": {store.ListedChunkEnd, []any{after, n}}, "chunk": {store.ListedChunk, []any{after, end}}} {
		var plan string
		if err := s.QueryRowForTest(ctx, `EXPLAIN (ANALYZE, FORMAT JSON) `+q.sql, q.args...).Scan(&plan); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var root []struct{ Plan planNode }
		if err := json.Unmarshal([]byte(plan), &root); err != nil || len(root) != 1 {
			t.Fatalf("%s: plan %s: %v", name, plan, err)
		}
		if read := root[0].Plan.rowsRead("plugins"); read > n {
			t.Errorf("%s: %.0f plugin rows read for a chunk of %d; plan:\n%s", name, read, n, plan)
		}
	}
}

// planNode is a node of PostgreSQL's EXPLAIN (ANALYZE, FORMAT JSON).
type planNode struct {
	Relation  string     `json:"Relation Name"`
	Rows      float64    `json:"Actual Rows"`
	Loops     float64    `json:"Actual Loops"`
	Filtered  float64    `json:"Rows Removed by Filter"`
	Rechecked float64    `json:"Rows Removed by Index Recheck"`
	Plans     []planNode `json:"Plans"`
}

// rowsRead is how many rows the scans of a table under n read.
func (n planNode) rowsRead(table string) float64 {
	read := 0.0
	if n.Relation == table {
		read += n.Rows*n.Loops + n.Filtered + n.Rechecked
	}
	for _, c := range n.Plans {
		read += c.rowsRead(table)
	}
	return read
}
