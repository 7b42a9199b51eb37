package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

func TestVersionsAreImmutableInTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		var v store.PluginVersion
		err := s.InTx(ctx, func(tx *store.Tx) error {
			id, err := tx.InsertPlugin(ctx, "outil", u.ID)
			if err != nil {
				return err
			}
			v, err = tx.InsertVersion(ctx, id, store.NewPluginVersion{Version: "1.0.0", Key: "1.0.0", Manifest: []byte(`{}`), SHA256: "x", CreatedBy: u.ID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.InsertVersion(ctx, v.PluginID, store.NewPluginVersion{Version: "1.0.0+b", Key: "1.0.0", Manifest: []byte(`{}`), SHA256: "y", CreatedBy: u.ID})
			return err
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("same version key twice: %v, want ErrConflict", err)
		}
		for _, stmt := range []string{
			`UPDATE plugin_versions SET manifest = '{"forged":true}'`,
			`UPDATE plugin_versions SET sha256 = 'forged'`,
			`UPDATE plugin_versions SET version = '9.9.9'`,
			`DELETE FROM plugin_versions`,
			`DELETE FROM plugins`,
		} {
			if err := s.ExecForTest(ctx, stmt); err == nil {
				t.Errorf("the database allowed: %s", stmt)
			}
		}
		yanked, err := s.YankVersion(ctx, v.ID)
		if err != nil || !yanked.Yanked || string(yanked.Manifest) != `{}` || yanked.SHA256 != "x" {
			t.Fatalf("yank = %+v, %v", yanked, err)
		}
		if _, err := s.YankVersion(ctx, v.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second yank: %v, want ErrNotFound", err)
		}
	})
}
