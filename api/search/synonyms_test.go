package search_test

import (
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// crossLanguage are tools each described in one language only, and the
// queries in another language that must find them through the synonym
// groups: none of the query words is a typo or a prefix of the tool's.
var crossLanguage = struct {
	docs    []search.Document
	queries []struct{ pair, query, want string }
}{
	docs: []search.Document{
		{Slug: "carte-haine", Name: "Carte de la haine", Summary: "Cartographie des messages haineux, ville par ville", Languages: []string{"fr"}},
		{Slug: "hoax-radar", Name: "Hoax Radar", Summary: "Spots hoaxes spreading after an attack", Languages: []string{"en"}},
		{Slug: "signaler-contenu", Name: "Signaler un contenu", Summary: "Aide pas à pas pour signaler un contenu illicite", Languages: []string{"fr"}},
		{Slug: "shahadat", Name: "شهادات", Summary: "منصة تجمع شهادات الشباب", Languages: []string{"ar"}},
		{Slug: "volunteer-desk", Name: "Volunteer Desk", Summary: "Coordinates volunteers after a crisis", Languages: []string{"en"}},
		{Slug: "rasd", Name: "رصد", Summary: "أداة لرصد الشائعات أثناء الأزمات", Languages: []string{"ar"}},
	},
	queries: []struct{ pair, query, want string }{
		{"en to fr", "hate", "carte-haine"},
		{"fr to en", "rumeurs", "hoax-radar"},
		{"ar to fr", "إبلاغ", "signaler-contenu"},
		{"fr to ar", "témoignages", "shahadat"},
		{"ar to en", "متطوعين", "volunteer-desk"},
		{"en to ar", "rumours", "rasd"},
	},
}

// findsAcrossLanguages checks that every cross-language query finds its
// tool through search.
func findsAcrossLanguages(t *testing.T, searchFn func(q search.Query) (search.Result, error)) {
	t.Helper()
	for _, tc := range crossLanguage.queries {
		t.Run(tc.pair, func(t *testing.T) {
			res, err := searchFn(search.Query{Text: tc.query, Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Slug)
			}
			if !slices.Contains(got, tc.want) {
				t.Errorf("%q found %v, not %s", tc.query, got, tc.want)
			}
		})
	}
}

func crossLanguageDocs() []search.Document {
	docs := slices.Clone(crossLanguage.docs)
	for i := range docs {
		d := &docs[i]
		d.Categories, d.Tags, d.Runtime, d.License = []string{"research"}, []string{}, "none", "MIT"
		d.Hackathons, d.Badges, d.Revision = []string{}, []string{}, 1
		d.UpdatedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return docs
}

func TestEmbeddedFindsAcrossLanguages(t *testing.T) {
	b, err := search.NewBleve(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Upsert(t.Context(), crossLanguageDocs()); err != nil {
		t.Fatal(err)
	}
	findsAcrossLanguages(t, func(q search.Query) (search.Result, error) { return b.Search(t.Context(), q) })
}

func TestMeiliFindsAcrossLanguages(t *testing.T) {
	u, key := meiliServer(t)
	m := openMeili(t, u, key, uniqueIndex(t, u, key))
	if err := m.Upsert(t.Context(), crossLanguageDocs()); err != nil {
		t.Fatal(err)
	}
	findsAcrossLanguages(t, func(q search.Query) (search.Result, error) { return m.Search(t.Context(), q) })
}

func TestFallbackFindsAcrossLanguages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		owner, err := s.CreateUser(ctx, store.NewUser{Email: "ada@example.org", Name: "Ada", Role: "participant", PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range crossLanguage.docs {
			err := s.InTx(ctx, func(tx *store.Tx) error {
				id, err := tx.InsertPlugin(ctx, d.Slug, owner.ID)
				if err != nil {
					return err
				}
				v, err := tx.InsertVersion(ctx, id, store.NewPluginVersion{Version: "1.0.0", Key: "1.0.0", Manifest: []byte(`{}`), SHA256: "x", CreatedBy: owner.ID})
				if err != nil {
					return err
				}
				err = tx.SetLatest(ctx, id, store.Latest{Version: &v.Version, Manifest: []byte(`{}`), Runtime: "none", Name: d.Name,
					Summary: d.Summary, Categories: []string{"research"}, Languages: d.Languages, License: "MIT"})
				if err != nil {
					return err
				}
				return tx.PublishPlugin(ctx, id)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		svc := search.NewService(ctx, downEngine{}, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		findsAcrossLanguages(t, func(q search.Query) (search.Result, error) { return fromDatabase(ctx, svc, q) })
	})
}

func TestPlainWordsDropStopWordsAndAddSynonyms(t *testing.T) {
	words, synonyms := search.PlainWords("signaler une vidéo de propagande")
	if !slices.Equal(words, []string{"signaler", "vidéo", "propagande"}) {
		t.Errorf("words %q, want the query without its stop words", words)
	}
	if !slices.Contains(synonyms["signaler"], "report") || !slices.Contains(synonyms["propagande"], "دعاية") {
		t.Errorf("synonyms %q lack report for signaler, or دعاية for propagande", synonyms)
	}
	if words, _ := search.PlainWords("de la"); !slices.Equal(words, []string{"de", "la"}) {
		t.Errorf("a query of stop words only lost them: %q", words)
	}
}
