package registry_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
	"github.com/riposte-civic/riposte/plugins"
)

// named is a catalogue-only manifest.
func named(slug, name, version string) []byte {
	return []byte(`{"slug":"` + slug + `","name":"` + name + `","version":"` + version + `","summary":"A tool",
		"categories":["emergency"],"languages":["fr"],"license":"MIT","repository":"https://example.org/tool",
		"maintainers":[{"name":"M","email":"m@example.org"}],"runtime":{"type":"none"}}`)
}

// refused returns the fields a manifest error names, and its messages.
func refused(tb testing.TB, err error) ([]string, string) {
	tb.Helper()
	if err == nil {
		return nil, ""
	}
	var me *plugins.ManifestError
	if !errors.As(err, &me) {
		tb.Fatalf("%v, want a *plugins.ManifestError", err)
	}
	var paths, msgs []string
	for _, p := range me.Problems {
		paths = append(paths, p.Path)
		msgs = append(msgs, p.Message)
	}
	return paths, strings.Join(msgs, "; ")
}

func namesRegistry(t *testing.T, st *store.Store) (*registry.Service, func(name string, role auth.Role) auth.User) {
	t.Helper()
	return registry.New(st, false), func(name string, role auth.Role) auth.User {
		u, err := st.CreateUser(t.Context(), store.NewUser{Email: name + "@example.org", Name: name, Role: string(role), Verified: true})
		if err != nil {
			t.Fatal(err)
		}
		return auth.User{ID: u.ID, Email: u.Email, Role: role}
	}
}

// A slug or name confusable with another owner's plugin is refused,
// naming the field; the owner may reuse their own names.
func TestConfusableNamesAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		reg, user := namesRegistry(t, st)
		ada, bob := user("ada", auth.RoleParticipant), user("bob", auth.RoleParticipant)
		if _, err := reg.Create(ctx, ada, named("abri-solidaire", "Abri Solidaire", "1.0.0")); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Publish(ctx, ada, "abri-solidaire"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ slug, name, want string }{
			{"abri-paris", "\u0410bri Solidaire", "name"}, // a Cyrillic А
			{"abri-paris", "abri_solidaire", "name"},
			{"abri-paris", "AbriSolidaire", "name"},
			{"abri-solidair", "Abri Paris", "slug"},
			{"abri-paris", "Abri Solidaires", "name"},
			{"solidaire-abri", "Abri Solidaire", "name"},
		} {
			_, err := reg.Create(ctx, bob, named(tc.slug, tc.name, "1.0.0"))
			paths, msg := refused(t, err)
			if !slices.Equal(paths, []string{tc.want}) || !strings.Contains(msg, `"abri-solidaire"`) {
				t.Errorf("bob registers %s %q: refused %q (%s), want %s naming abri-solidaire", tc.slug, tc.name, paths, msg, tc.want)
			}
		}
		if _, err := reg.Create(ctx, bob, named("abri-paris", "Abri Paris", "1.0.0")); err != nil {
			t.Errorf("a distinct name: %v", err)
		}
		if _, err := reg.Create(ctx, ada, named("abri-solidaire-lyon", "Abri Solidaires", "1.0.0")); err != nil {
			t.Errorf("the owner reuses her own name: %v", err)
		}
		if _, err := reg.AddVersion(ctx, bob, "abri-paris", named("abri-paris", "Abri Solidaire", "1.1.0")); !slices.Equal(first(refused(t, err)), []string{"name"}) {
			t.Errorf("bob renames his plugin as ada's: %v, want name refused", err)
		}
		if _, err := reg.AddVersion(ctx, ada, "abri-solidaire", named("abri-solidaire", "Abri Solidaire", "1.1.0")); err != nil {
			t.Errorf("the owner publishes a new version: %v", err)
		}
	})
}

func first(a []string, _ string) []string { return a }

// Reserved names are the platform's: refused to participants and
// organizers, open to administrators and compiled-in plugins; a plugin
// keeps the name it has.
func TestReservedNamesAreThePlatforms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		reg, user := namesRegistry(t, st)
		bob, org, admin := user("bob", auth.RoleParticipant), user("org", auth.RoleOrganizer), user("root", auth.RoleAdmin)
		if _, err := reg.SyncBuiltins(ctx, []plugins.Plugin{newTool(t, "portes-ouvertes", "1.0.0")}); err != nil {
			t.Fatal(err)
		}
		for _, who := range []auth.User{bob, org} {
			if _, err := reg.Create(ctx, who, named("riposte-officiel", "Riposte Official", "1.0.0")); !slices.Equal(first(refused(t, err)), []string{"slug", "name"}) {
				t.Errorf("%s registers Riposte Official: %v, want slug and name refused", who.Email, err)
			}
			if _, err := reg.Create(ctx, who, named("portes-ouverte", "Portes", "1.0.0")); !slices.Equal(first(refused(t, err)), []string{"slug"}) {
				t.Errorf("%s registers a compiled-in plugin's slug, one letter off: %v, want slug refused", who.Email, err)
			}
		}
		if _, err := reg.Create(ctx, admin, named("riposte-officiel", "Riposte Official", "1.0.0")); err != nil {
			t.Fatalf("an administrator registers Riposte Official: %v", err)
		}
		if _, err := reg.AddVersion(ctx, admin, "riposte-officiel", named("riposte-officiel", "Riposte Official", "1.1.0")); err != nil {
			t.Errorf("an administrator publishes a new version: %v", err)
		}
		if _, err := reg.SyncBuiltins(ctx, []plugins.Plugin{newTool(t, "portes-ouvertes", "1.1.0")}); err != nil {
			t.Errorf("the platform updates its compiled-in plugin: %v", err)
		}
	})
}

// Removed plugins free their names; names recorded before keys were kept
// are recorded at start-up; a draft of another owner is not named.
func TestNameIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		reg, user := namesRegistry(t, st)
		ada, bob := user("ada", auth.RoleParticipant), user("bob", auth.RoleParticipant)
		p, err := reg.Create(ctx, ada, named("veille-canaux", "Veille Canaux", "1.0.0"))
		if err != nil {
			t.Fatal(err)
		}
		_, msg := refused(t, first2(reg.CheckManifest(ctx, auth.User{}, named("veille-canau", "Canal", "1.0.0"))))
		if msg == "" || strings.Contains(msg, "veille-canaux") {
			t.Errorf("a draft's name: %q, want refused without naming the draft", msg)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SetPluginNames(ctx, p.ID, nil) }); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.CheckManifest(ctx, bob, named("veille-canau", "Canal", "1.0.0")); err != nil {
			t.Fatalf("names without keys are not found: %v", err)
		}
		if n, err := reg.IndexNames(ctx); err != nil || n != 1 {
			t.Fatalf("IndexNames = %d, %v; want 1", n, err)
		}
		if _, err := reg.CheckManifest(ctx, bob, named("veille-canau", "Canal", "1.0.0")); err == nil {
			t.Fatal("IndexNames did not record the names")
		}
		if _, err := reg.CheckManifest(ctx, ada, named("veille-canau", "Canal", "1.0.0")); err != nil {
			t.Fatalf("the owner checks her own name: %v", err)
		}
		if err := reg.Remove(ctx, ada, "veille-canaux", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Create(ctx, bob, named("veille-canau", "Veille Canaux", "1.0.0")); err != nil {
			t.Errorf("the name of a removed plugin: %v", err)
		}
	})
}

func first2(_ *plugins.Manifest, err error) error { return err }
