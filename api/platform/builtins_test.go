package platform_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/platform"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/store"
)

// Registering the compiled-in plugins leaves the names of plugins that
// have none to RecordNames, which a server runs once it serves (looking
// for them reads every plugin); SyncBuiltins does both.
func TestRegisterBuiltinsLeavesMissingNamesToRecordNames(t *testing.T) {
	platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
		ctx := context.Background()
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		unnamed := func(want int) {
			t.Helper()
			list, err := e.Store.PluginsWithoutNames(ctx, 10)
			if err != nil || len(list) != want {
				t.Fatalf("plugins without names: %+v (%v), want %d", list, err, want)
			}
		}
		u, err := e.Store.CreateUser(ctx, store.NewUser{Email: "ada@example.org", Name: "Ada", Role: "participant", PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		for _, slug := range []string{"ancien-outil", "autre-outil"} {
			if _, err := e.Store.InsertPlugin(ctx, slug, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		unnamed(2)
		if err := platform.RegisterBuiltins(ctx, e.Registry, nil, log); err != nil {
			t.Fatal(err)
		}
		unnamed(2)
		if err := platform.RecordNames(ctx, e.Registry, log); err != nil {
			t.Fatal(err)
		}
		unnamed(0)
		if !strings.Contains(logs.String(), "plugins=2") {
			t.Errorf("log: %s, want the 2 plugins named", logs.String())
		}
		if _, err := e.Store.InsertPlugin(ctx, "nouvel-outil", u.ID); err != nil {
			t.Fatal(err)
		}
		e.SyncBuiltins()
		unnamed(0)
	})
}
