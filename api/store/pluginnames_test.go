package store_test

import (
	"slices"
	"testing"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// SimilarNames finds the same key, and with near the keys of a
// neighbouring length that share the first or last two characters, among
// the plugins of other owners that are not removed.
func TestSimilarNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ada, err := s.CreateUser(ctx, store.NewUser{Email: "ada@example.org", Name: "Ada", Role: "participant"})
		if err != nil {
			t.Fatal(err)
		}
		bob, err := s.CreateUser(ctx, store.NewUser{Email: "bob@example.org", Name: "Bob", Role: "participant"})
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			for slug, keys := range map[string][]string{
				"portes-ouvertes": {"portesouvertes", "portesouvertes"}, // slug and name alike: one row
				"abri":            {"abri", "abrisolidaire"},
				"retrait":         {"retrait"},
			} {
				id, err := tx.InsertPlugin(ctx, slug, ada.ID)
				if err != nil {
					return err
				}
				ids[slug] = id
				if err := tx.SetPluginNames(ctx, id, keys); err != nil {
					return err
				}
			}
			return tx.RemovePlugin(ctx, ids["retrait"], ada.ID, "gone")
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			key  string
			near bool
			want []string
		}{
			{"portesouvertes", false, []string{"portes-ouvertes/portesouvertes"}},
			{"portesouverte", false, nil},
			{"portesouverte", true, []string{"portes-ouvertes/portesouvertes"}},  // shares the head
			{"xortesouvertes", true, []string{"portes-ouvertes/portesouvertes"}}, // shares the tail
			{"abrisolidair", true, []string{"abri/abrisolidaire"}},
			{"abri", false, []string{"abri/abri"}},
			{"retrait", true, nil}, // removed
			{"zzzzzzzzzzzzzz", true, nil},
		} {
			found, err := s.SimilarNames(ctx, bob.ID, tc.key, tc.near)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range found {
				got = append(got, f.Slug+"/"+f.Key)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("SimilarNames(%q, near %v) = %q, want %q", tc.key, tc.near, got, tc.want)
			}
			if mine, _ := s.SimilarNames(ctx, ada.ID, tc.key, tc.near); len(mine) != 0 {
				t.Errorf("SimilarNames(%q) for the owner found her own plugins: %v", tc.key, mine)
			}
		}
		if missing, err := s.PluginsWithoutNames(ctx, 10); err != nil || len(missing) != 0 {
			t.Errorf("PluginsWithoutNames = %v, %v; want none", missing, err)
		}
	})
}
