package store_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// A module is stored once whoever uploads it, and each uploader is
// recorded.
func TestModulesAreStoredOnceWithEveryUploader(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada := newUser(t, s, "ada@example.org", "participant")
		bob := newUser(t, s, "bob@example.org", "participant")
		bin := []byte("\x00asm\x01\x00\x00\x00 and the rest")
		m := store.Module{SHA256: strings.Repeat("ab", 32), Size: int64(len(bin)), Imports: []string{"wasi_snapshot_preview1.fd_write"}, MinMemoryPages: 17}
		for _, tt := range []struct {
			by                   int64
			created, firstByThem bool
		}{{ada.ID, true, true}, {ada.ID, false, false}, {bob.ID, false, true}} {
			created, first, err := s.SaveModule(ctx, m, bin, tt.by)
			if err != nil || created != tt.created || first != tt.firstByThem {
				t.Fatalf("SaveModule by %d = %v, %v, %v; want %v, %v", tt.by, created, first, err, tt.created, tt.firstByThem)
			}
		}
		carol := newUser(t, s, "carol@example.org", "participant")
		for _, tt := range []struct {
			user     int64
			uploaded bool
		}{{ada.ID, true}, {bob.ID, true}, {carol.ID, false}} {
			got, uploaded, err := s.ModuleFor(ctx, m.SHA256, tt.user)
			if err != nil || uploaded != tt.uploaded || got.Size != m.Size || got.MinMemoryPages != 17 || !slices.Equal(got.Imports, m.Imports) || got.CreatedAt.IsZero() {
				t.Errorf("ModuleFor(user %d) = %+v, %v, %v; want uploaded %v", tt.user, got, uploaded, err, tt.uploaded)
			}
		}
		if got, err := s.ModuleBytes(ctx, m.SHA256); err != nil || !bytes.Equal(got, bin) {
			t.Errorf("ModuleBytes = %q, %v", got, err)
		}
		if _, err := s.ModuleBytes(ctx, strings.Repeat("0", 64)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an unknown module's bytes: %v, want ErrNotFound", err)
		}
		if _, _, err := s.ModuleFor(ctx, strings.Repeat("0", 64), ada.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an unknown module: %v, want ErrNotFound", err)
		}
	})
}

// A version's module is pinned: the pin never changes, and the module
// it names is never deleted nor changed.
func TestAPinnedModuleStaysAsItIs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		sum, other := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
		for _, h := range []string{sum, other} {
			if _, _, err := s.SaveModule(ctx, store.Module{SHA256: h, Size: 8}, []byte("\x00asm\x01\x00\x00\x00"), u.ID); err != nil {
				t.Fatal(err)
			}
		}
		var v store.PluginVersion
		err := s.InTx(ctx, func(tx *store.Tx) error {
			id, err := tx.InsertPlugin(ctx, "outil", u.ID)
			if err != nil {
				return err
			}
			if v, err = tx.InsertVersion(ctx, id, store.NewPluginVersion{Version: "1.0.0", Key: "1.0.0", Manifest: []byte(`{}`), SHA256: "x", CreatedBy: u.ID}); err != nil {
				return err
			}
			return tx.PinModule(ctx, v.ID, sum)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.Version(ctx, v.PluginID, "1.0.0"); err != nil || got.ModuleSHA256 != sum {
			t.Fatalf("Version = %+v, %v; want module %s", got, err, sum)
		}
		if err := s.PinModule(ctx, v.ID, other); err == nil {
			t.Error("a version was pinned to a second module")
		}
		if err := s.PinModule(ctx, v.ID+1000, strings.Repeat("ef", 32)); err == nil {
			t.Error("a version was pinned to a module that does not exist")
		}
		for _, stmt := range []string{
			`UPDATE plugin_version_modules SET module_sha256 = '` + other + `'`,
			`DELETE FROM plugin_version_modules`,
			`DELETE FROM modules WHERE sha256 = '` + sum + `'`,
			`UPDATE modules SET bytes = bytes || bytes`,
		} {
			if err := s.ExecForTest(ctx, stmt); err == nil {
				t.Errorf("the database allowed: %s", stmt)
			}
		}
		if got, err := s.Versions(ctx, v.PluginID); err != nil || got[0].ModuleSHA256 != sum {
			t.Errorf("Versions = %+v, %v", got, err)
		}
	})
}

func TestRecentModuleUploadsAreCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		start := time.Now().Add(-time.Minute)
		for _, h := range []string{"a", "b", "c"} {
			if _, _, err := s.SaveModule(ctx, store.Module{SHA256: strings.Repeat(h, 64)}, []byte{0}, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, ok, err := s.RecentModuleUpload(ctx, u.ID, start, 3); err != nil || !ok {
			t.Errorf("third most recent upload: %v, %v; want found", ok, err)
		}
		if _, ok, err := s.RecentModuleUpload(ctx, u.ID, start, 4); err != nil || ok {
			t.Errorf("fourth most recent upload: %v, %v; want none", ok, err)
		}
		if _, ok, err := s.RecentModuleUpload(ctx, u.ID, time.Now().Add(time.Minute), 1); err != nil || ok {
			t.Errorf("uploads after now: %v, %v; want none", ok, err)
		}
	})
}
