package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// importSample is plugin i of a sample, under prefix: its versions, the
// last displayed, published when i is even.
func importSample(prefix string, i int, owner int64) store.ImportPlugin {
	slug := fmt.Sprintf("%s-%d", prefix, i)
	var versions []store.NewPluginVersion
	for v := range 1 + i%3 {
		ver := fmt.Sprintf("1.%d.0", v)
		versions = append(versions, store.NewPluginVersion{Version: ver, Key: ver,
			Manifest: fmt.Appendf(nil, `{"slug":%q,"version":%q}`, slug, ver), SHA256: fmt.Sprintf("sum-%d-%d", i, v), CreatedBy: owner})
	}
	last := versions[len(versions)-1]
	latest := store.Latest{Version: &last.Version, Manifest: last.Manifest, Runtime: "wasm", Name: fmt.Sprintf("Outil %d", i),
		Summary: "Un outil. أداة.", Categories: []string{"civic", []string{"data", "vote"}[i%2]}, Languages: []string{"fr", "ar"},
		Tags: []string{"open", "open", fmt.Sprintf("t%d", i)}, License: "MIT"}
	if i%4 == 1 {
		latest.Access = "vetted"
	}
	return store.ImportPlugin{Slug: slug, OwnerID: owner, Versions: versions, Latest: latest, Published: i%2 == 0,
		NameKeys: []string{prefix + "key" + fmt.Sprint(i), "nom" + fmt.Sprint(i) + prefix, ""}}
}

// ImportPlugins leaves what the ordinary methods leave: the same plugins,
// versions, facets, name keys and outbox rows, read back through the
// store's getters; and the change counter moves.
func TestImportPluginsWritesWhatTheOrdinaryPathWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		other := newUser(t, s, "grace@example.org", "participant")
		const n = 7
		// The ordinary path.
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := range n {
				p := importSample("a", i, u.ID)
				id, err := tx.InsertPlugin(ctx, p.Slug, p.OwnerID)
				if err != nil {
					return err
				}
				for _, v := range p.Versions {
					if _, err := tx.InsertVersion(ctx, id, v); err != nil {
						return err
					}
				}
				if err := tx.SetLatest(ctx, id, p.Latest); err != nil {
					return err
				}
				if err := tx.SetPluginNames(ctx, id, p.NameKeys); err != nil {
					return err
				}
				if p.Published {
					if err := tx.PublishPlugin(ctx, id); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		before, err := s.RevisionSum(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var heard []string
		s.OnPluginsChanged(func(slugs []string) { heard = append(heard, slugs...) })
		var imported []store.ImportPlugin
		for i := range n {
			imported = append(imported, importSample("b", i, u.ID))
		}
		var ids []int64
		if err := s.InTx(ctx, func(tx *store.Tx) (err error) { ids, err = tx.ImportPlugins(ctx, imported, true); return err }); err != nil {
			t.Fatal(err)
		}
		if after, err := s.RevisionSum(ctx); err != nil || after == before {
			t.Fatalf("change counter %d → %d (%v): an import must move it", before, after, err)
		}
		if len(heard) != n {
			t.Errorf("listeners heard %v, want the %d imported plugins", heard, n)
		}

		same := func(what string, a, b any) {
			t.Helper()
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s:\nordinary %+v\nimported %+v", what, a, b)
			}
		}
		var slugs []string
		for i := range n {
			a, err := s.PluginBySlug(ctx, fmt.Sprintf("a-%d", i))
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.PluginBySlug(ctx, fmt.Sprintf("b-%d", i))
			if err != nil {
				t.Fatal(err)
			}
			if b.ID != ids[i] {
				t.Errorf("b-%d: id %d, ImportPlugins said %d", i, b.ID, ids[i])
			}
			if (a.PublishedAt == nil) != (b.PublishedAt == nil) {
				t.Errorf("%d: published at %v and %v", i, a.PublishedAt, b.PublishedAt)
			}
			va, err := s.Versions(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			vb, err := s.Versions(ctx, ids[i])
			if err != nil {
				t.Fatal(err)
			}
			if len(va) != len(vb) || len(vb) != len(imported[i].Versions) {
				t.Fatalf("%d: %d and %d versions, want %d", i, len(va), len(vb), len(imported[i].Versions))
			}
			for j := range va {
				for _, v := range []*store.PluginVersion{&va[j], &vb[j]} {
					v.ID, v.PluginID, v.CreatedAt = 0, 0, time.Time{}
					v.Manifest = []byte(strings.ReplaceAll(string(v.Manifest), `"a-`, `"b-`))
				}
				same(fmt.Sprintf("plugin %d, version %d", i, j), va[j], vb[j])
			}
			for _, p := range []*store.Plugin{&a, &b} {
				p.ID, p.Slug, p.PublishedAt, p.CreatedAt, p.UpdatedAt = 0, "", nil, time.Time{}, time.Time{}
				p.Manifest = []byte(strings.ReplaceAll(string(p.Manifest), `"a-`, `"b-`))
			}
			same(fmt.Sprintf("plugin %d", i), a, b)
			slugs = append(slugs, fmt.Sprintf("a-%d", i), fmt.Sprintf("b-%d", i))
		}

		// Facets and what the index is given.
		src, err := s.SearchSources(ctx, slugs)
		if err != nil {
			t.Fatal(err)
		}
		bySlug := map[string]store.SearchSource{}
		for _, x := range src {
			x.ID, x.UpdatedAt = 0, time.Time{}
			x.Manifest = []byte(strings.ReplaceAll(string(x.Manifest), `"a-`, `"b-`))
			slug := x.Slug
			x.Slug = ""
			bySlug[slug] = x
		}
		for i := range n {
			a, b := bySlug[fmt.Sprintf("a-%d", i)], bySlug[fmt.Sprintf("b-%d", i)]
			if len(b.Facets["tag"]) != 2 || len(b.Facets["category"]) != 2 {
				t.Errorf("b-%d facets %v", i, b.Facets)
			}
			same(fmt.Sprintf("search source %d", i), a, b)
		}

		// Name keys.
		for i := range n {
			for _, key := range []string{"bkey" + fmt.Sprint(i), "nom" + fmt.Sprint(i) + "b"} {
				m, err := s.SimilarNames(ctx, other.ID, key, false)
				if err != nil {
					t.Fatal(err)
				}
				if len(m) != 1 || m[0].Slug != fmt.Sprintf("b-%d", i) || m[0].Published != (i%2 == 0) {
					t.Errorf("similar names of %q: %+v", key, m)
				}
			}
		}
		if unnamed, err := s.PluginsWithoutNames(ctx, 100); err != nil || len(unnamed) != 0 {
			t.Errorf("plugins without names %+v, %v", unnamed, err)
		}

		// The outbox: the same rows, the same sequence numbers.
		work, err := s.ClaimIndexWork(ctx, 100, time.Now(), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		seq := map[string]int64{}
		for _, w := range work {
			seq[w.Slug] = w.Seq
		}
		for i := range n {
			a, b := fmt.Sprintf("a-%d", i), fmt.Sprintf("b-%d", i)
			if seq[a] == 0 || seq[a] != seq[b] {
				t.Errorf("outbox seq %s=%d, %s=%d", a, seq[a], b, seq[b])
			}
		}

		// The list and its category filter, through the facets.
		for _, cat := range []string{"civic", "vote"} {
			_, total, err := s.ListPlugins(ctx, store.PluginFilter{Category: cat}, store.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, p := range imported {
				if p.Published && slices.Contains(p.Latest.Categories, cat) {
					want += 2 // the imported plugin and its ordinary twin
				}
			}
			if total != want {
				t.Errorf("category %s: %d listed, want %d", cat, total, want)
			}
		}

		// By status, anonymous and organizer (whose conditions name the
		// viewer): the even plugins of each kind are published, the odd
		// ones drafts.
		published, drafts := 2*((n+1)/2), 2*(n/2)
		for _, c := range []struct {
			f    store.PluginFilter
			want int
		}{
			{store.PluginFilter{Status: store.StatusPublished}, published},
			{store.PluginFilter{Status: store.StatusDraft}, 0},
			{store.PluginFilter{Status: store.StatusRemoved}, 0},
			{store.PluginFilter{}, published},
			{store.PluginFilter{Status: store.StatusPublished, ViewerID: other.ID, Organizer: true}, published},
			{store.PluginFilter{Status: store.StatusDraft, ViewerID: other.ID, Organizer: true}, drafts},
			{store.PluginFilter{ViewerID: u.ID}, published + drafts},
		} {
			list, total, err := s.ListPlugins(ctx, c.f, store.Page{Limit: 100})
			if err != nil || total != c.want || len(list) != c.want {
				t.Errorf("%+v: %d listed, total %d (%v), want %d", c.f, len(list), total, err, c.want)
			}
		}

		// Without queue: nothing in the outbox; a slug taken: a conflict.
		if err := s.CompleteIndexWork(ctx, work); err != nil {
			t.Fatal(err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ImportPlugins(ctx, []store.ImportPlugin{importSample("c", 0, u.ID)}, false)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if w, err := s.ClaimIndexWork(ctx, 100, time.Now(), time.Minute); err != nil || len(w) != 0 {
			t.Errorf("an import without queue queued %+v (%v)", w, err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ImportPlugins(ctx, []store.ImportPlugin{importSample("d", 0, u.ID), importSample("a", 1, u.ID)}, true)
			return err
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("importing a slug taken: %v, want ErrConflict", err)
		}
		if _, err := s.PluginBySlug(ctx, "d-0"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a failed import left d-0: %v", err)
		}
	})
}

// An import larger than one statement holds (on SQLite a few dozen
// plugins, on PostgreSQL a thousand facets) writes every row: each
// plugin under the id returned for it, with its versions, facets and
// name keys.
func TestImportPluginsSpansStatements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		other := newUser(t, s, "grace@example.org", "participant")
		const n = 230
		var list []store.ImportPlugin
		for i := range n {
			list = append(list, importSample("m", i, u.ID))
		}
		var ids []int64
		if err := s.InTx(ctx, func(tx *store.Tx) (err error) { ids, err = tx.ImportPlugins(ctx, list, true); return err }); err != nil {
			t.Fatal(err)
		}
		if len(ids) != n {
			t.Fatalf("%d ids for %d plugins", len(ids), n)
		}
		var slugs []string
		for i, p := range list {
			got, err := s.PluginBySlug(ctx, p.Slug)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != ids[i] || got.Name != p.Latest.Name {
				t.Errorf("%s: id %d, name %q; ImportPlugins said id %d, name %q", p.Slug, got.ID, got.Name, ids[i], p.Latest.Name)
			}
			vs, err := s.Versions(ctx, ids[i])
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != len(p.Versions) || vs[len(vs)-1].Version != p.Versions[len(p.Versions)-1].Version {
				t.Errorf("%s: versions %+v, want %d", p.Slug, vs, len(p.Versions))
			}
			m, err := s.SimilarNames(ctx, other.ID, p.NameKeys[1], false)
			if err != nil {
				t.Fatal(err)
			}
			if len(m) != 1 || m[0].Slug != p.Slug {
				t.Errorf("similar names of %q: %+v, want %s", p.NameKeys[1], m, p.Slug)
			}
			slugs = append(slugs, p.Slug)
		}
		src, err := s.SearchSources(ctx, slugs)
		if err != nil {
			t.Fatal(err)
		}
		if len(src) != n {
			t.Fatalf("%d search sources for %d plugins", len(src), n)
		}
		for _, x := range src {
			var i int
			if _, err := fmt.Sscanf(x.Slug, "m-%d", &i); err != nil {
				t.Fatal(err)
			}
			if tags := x.Facets["tag"]; len(tags) != 2 || !slices.Contains(tags, fmt.Sprintf("t%d", i)) {
				t.Errorf("%s: tags %v", x.Slug, tags)
			}
		}
		work, err := s.ClaimIndexWork(ctx, 2*n, time.Now(), time.Minute)
		if err != nil || len(work) != n {
			t.Errorf("%d plugins queued (%v), want %d", len(work), err, n)
		}
	})
}
