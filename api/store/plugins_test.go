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

// Every change to a plugin raises its revision, and so the sum of all
// revisions; the listeners hear of each committed change, once.
func TestPluginChangesAreCountedAndHeard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		var heard [][]string
		s.OnPluginsChanged(func(slugs []string) { heard = append(heard, slugs) })
		sum := func() int64 {
			t.Helper()
			n, err := s.RevisionSum(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := sum()
		var v store.PluginVersion
		err := s.InTx(ctx, func(tx *store.Tx) error {
			id, err := tx.InsertPlugin(ctx, "outil", u.ID)
			if err != nil {
				return err
			}
			if v, err = tx.InsertVersion(ctx, id, store.NewPluginVersion{Version: "1.0.0", Key: "1.0.0", Manifest: []byte(`{}`), SHA256: "x", CreatedBy: u.ID}); err != nil {
				return err
			}
			version := "1.0.0"
			return tx.SetLatest(ctx, id, store.Latest{Version: &version, Manifest: []byte(`{}`), Runtime: "none", Name: "Outil"})
		})
		if err != nil {
			t.Fatal(err)
		}
		afterLatest := sum()
		if afterLatest <= before || len(heard) != 1 || heard[0][0] != "outil" {
			t.Fatalf("after SetLatest: sum %d → %d, heard %v", before, afterLatest, heard)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.YankVersion(ctx, v.ID)
			tx.PluginChanged("outil")
			return err
		})
		if err != nil || sum() <= afterLatest || len(heard) != 2 {
			t.Fatalf("after a yank: %v, sum %d, heard %v", err, sum(), heard)
		}
		// A transaction rolled back is not heard.
		_ = s.InTx(ctx, func(tx *store.Tx) error {
			tx.PluginChanged("outil")
			return errors.New("rolled back")
		})
		if len(heard) != 2 {
			t.Fatalf("a rolled-back change was heard: %v", heard)
		}
		// Revisions are read 64 at a time; unknown ids are left out.
		ids := []int64{v.PluginID, 999_999}
		for range 70 {
			ids = append(ids, v.PluginID)
		}
		revs, err := s.PluginRevisions(ctx, ids)
		if err != nil || len(revs) != 1 || revs[v.PluginID] < 2 {
			t.Fatalf("revisions = %v, %v", revs, err)
		}
	})
}

// The change counter moves with every committed change to a plugin, from
// whichever path it comes (a publication, an edition's results), and not
// with a change rolled back.
func TestPluginChangeCounterFollowsCommits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "grace@example.org", "participant")
		count := func() int64 {
			t.Helper()
			n, err := s.RevisionSum(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		start := count()
		var id int64
		if err := s.InTx(ctx, func(tx *store.Tx) (err error) { id, err = tx.InsertPlugin(ctx, "compteur", u.ID); return err }); err != nil {
			t.Fatal(err)
		}
		inserted := count()
		if inserted == start {
			t.Fatal("a new plugin did not move the counter")
		}
		_ = s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.PublishPlugin(ctx, id); err != nil {
				t.Fatal(err)
			}
			return errors.New("rolled back")
		})
		if got := count(); got != inserted {
			t.Fatalf("a rolled-back publication moved the counter: %d → %d", inserted, got)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.PublishPlugin(ctx, id) }); err != nil {
			t.Fatal(err)
		}
		if got := count(); got == inserted {
			t.Fatal("a publication did not move the counter")
		}
	})
}
