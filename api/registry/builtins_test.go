package registry_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
	"github.com/riposte-civic/riposte/plugins"
)

// tool is a compiled-in plugin for these tests.
type tool struct{ m *plugins.Manifest }

func (t tool) Manifest() *plugins.Manifest { return t.m }
func (t tool) Invoke(context.Context, json.RawMessage) (json.RawMessage, error) {
	return json.RawMessage(`{}`), nil
}

func newTool(t *testing.T, slug, version string) tool {
	t.Helper()
	m, err := plugins.Check([]byte(`{"slug":"`+slug+`","name":"Tool","version":"`+version+`","summary":"A compiled-in tool",
		"description":"Does things.","categories":["emergency"],"languages":["fr"],"license":"MIT",
		"repository":"https://example.org/tool","maintainers":[{"name":"M","email":"m@example.org"}],
		"runtime":{"type":"builtin","builtin":"`+slug+`"},"input_schema":{"type":"object"},"output_schema":{"type":"object"},
		"examples":[{"name":"empty","input":{}}]}`), plugins.Options{AllowBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	return tool{m}
}

func actions(rs []registry.BuiltinSync) map[string]string {
	out := map[string]string{}
	for _, r := range rs {
		out[r.Slug] = r.Action
	}
	return out
}

func TestSyncBuiltins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		reg := registry.New(st, false)
		sync := func(ps ...plugins.Plugin) map[string]string {
			t.Helper()
			rs, err := reg.SyncBuiltins(ctx, ps)
			if err != nil {
				t.Fatal(err)
			}
			return actions(rs)
		}
		if got := sync(newTool(t, "alpha", "1.0.0"), newTool(t, "beta", "1.0.0")); got["alpha"] != "registered" || got["beta"] != "registered" {
			t.Fatalf("first start: %v", got)
		}
		p, err := reg.Get(ctx, auth.User{}, "alpha")
		if err != nil || p.Status != store.StatusPublished || *p.LatestVersion != "1.0.0" {
			t.Fatalf("alpha = %+v, %v", p, err)
		}
		owner, err := st.UserByID(ctx, p.OwnerID)
		if err != nil || owner.Email != registry.PlatformEmail || !owner.Disabled {
			t.Fatalf("owner = %+v, %v", owner, err)
		}
		if got := sync(newTool(t, "alpha", "1.0.0"), newTool(t, "beta", "1.0.0")); got["alpha"] != "unchanged" || got["beta"] != "unchanged" {
			t.Fatalf("restart: %v", got)
		}
		if got := sync(newTool(t, "alpha", "1.1.0")); got["alpha"] != "updated" {
			t.Fatalf("new version: %v", got)
		}
		if p, _ := reg.Get(ctx, auth.User{}, "alpha"); *p.LatestVersion != "1.1.0" {
			t.Fatalf("latest = %s", *p.LatestVersion)
		}
		if vs, total, err := reg.Versions(ctx, auth.User{}, "alpha", store.Page{Limit: 10}); err != nil || total != 2 || len(vs) != 2 {
			t.Fatalf("versions = %d, %v", total, err)
		}

		// A slug someone else holds, and a plugin taken down, are left alone.
		u, err := st.CreateUser(ctx, store.NewUser{Email: "someone@example.org", Name: "S", Role: "participant"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Create(ctx, auth.User{ID: u.ID, Role: auth.RoleParticipant}, []byte(`{"slug":"gamma","name":"Gamma","version":"1.0.0",
			"summary":"s","description":"d","categories":["emergency"],"languages":["fr"],"license":"MIT",
			"repository":"https://example.org/g","maintainers":[{"name":"M","email":"m@example.org"}],"runtime":{"type":"none"}}`)); err != nil {
			t.Fatal(err)
		}
		org := auth.User{ID: u.ID, Role: auth.RoleOrganizer}
		if err := reg.Remove(ctx, org, "beta", "test takedown"); err != nil {
			t.Fatal(err)
		}
		if got := sync(newTool(t, "beta", "2.0.0"), newTool(t, "gamma", "1.0.0")); got["beta"] != "skipped" || got["gamma"] != "skipped" {
			t.Fatalf("taken down and foreign: %v", got)
		}
		if p, _ := reg.Get(ctx, org, "gamma"); p.OwnerID != u.ID || *p.LatestVersion != "1.0.0" {
			t.Fatalf("gamma changed hands: %+v", p)
		}
	})
}
