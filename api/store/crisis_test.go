package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

func TestCrisisIsStoredAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.Crisis(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before any crisis: %v, want ErrNotFound", err)
		}
		admin := newUser(t, s, "admin@example.org", "admin")
		expires := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		c := store.Crisis{Active: true, Title: map[string]string{"fr": "Attaque", "en": "Attack"},
			Message: map[string]string{"fr": "Restez chez vous"}, Region: "FR", ExpiresAt: expires,
			Links: []store.CrisisLink{{Label: "Préfecture", URL: "https://www.prefecturedepolice.interieur.gouv.fr"}}}
		if err := s.SetCrisis(ctx, c, &admin.ID); err != nil {
			t.Fatal(err)
		}
		got, err := s.Crisis(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Active || got.Title["en"] != "Attack" || got.Message["fr"] != "Restez chez vous" || got.Region != "FR" ||
			!got.ExpiresAt.Equal(expires) || len(got.Links) != 1 || got.Links[0].Label != "Préfecture" || *got.UpdatedBy != admin.ID {
			t.Fatalf("read back %+v", got)
		}
		if err := s.SetCrisis(ctx, store.Crisis{}, &admin.ID); err != nil {
			t.Fatal(err)
		}
		if got, err = s.Crisis(ctx); err != nil || got.Active || !got.ExpiresAt.IsZero() {
			t.Fatalf("after the end: %+v, %v", got, err)
		}
		log, _, err := s.ListAudit(ctx, store.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 2 || log[0].Action != "crisis.end" || log[1].Action != "crisis.set" ||
			log[1].Details["region"] != "FR" || *log[1].ActorID != admin.ID {
			t.Fatalf("audit log: %+v", log)
		}
	})
}

// addCategorised stores a published plugin in one category: the later
// one added is the newest (by time, then by id).
func addCategorised(t *testing.T, s *store.Store, owner int64, slug, category string) {
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
		err = tx.SetLatest(ctx, id, store.Latest{Version: &v.Version, Manifest: []byte(`{}`), Runtime: "none", Name: "Alerte " + slug,
			Summary: "Alerte", Categories: []string{category}, Languages: []string{"fr"}, License: "MIT"})
		if err != nil {
			return err
		}
		return tx.PublishPlugin(ctx, id)
	})
	if err != nil {
		t.Fatalf("add %s: %v", slug, err)
	}
}

func TestPlainSearchListsThePreferredCategoryFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		u := newUser(t, s, "ada@example.org", "participant")
		addCategorised(t, s, u.ID, "urgence", "emergency")
		addCategorised(t, s, u.ID, "recherche", "research")
		search := func(words []string, prefer string) []string {
			t.Helper()
			res, err := s.SearchPlain(context.Background(), store.PlainSearch{Words: words, Limit: 20,
				Facets: []string{"category"}, PreferCategory: prefer})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 2 || res.Facets["category"]["emergency"] != 1 {
				t.Fatalf("total %d, facets %v", res.Total, res.Facets)
			}
			var got []string
			for _, src := range res.Sources {
				got = append(got, src.Slug)
			}
			return got
		}
		for _, words := range [][]string{nil, {"alerte"}} {
			if got := search(words, ""); got[0] != "recherche" {
				t.Errorf("%v, no preference: %v, want the newest first", words, got)
			}
			if got := search(words, "emergency"); got[0] != "urgence" {
				t.Errorf("%v, emergency preferred: %v, want urgence first", words, got)
			}
		}
	})
}
