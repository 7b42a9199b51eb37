package registry_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins/wasm"
	"github.com/riposte-civic/riposte/plugins/wasm/wasmtest"
)

// wasmRegistry returns a registry with a WebAssembly host, and a
// function that makes accounts.
func wasmRegistry(t *testing.T, st *store.Store) (*registry.Service, func(name string) auth.User) {
	t.Helper()
	h, err := wasm.NewHost(context.Background(), wasm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close(context.Background()) })
	reg := registry.New(st, false)
	reg.SetWASM(h)
	return reg, func(name string) auth.User {
		u, err := st.CreateUser(t.Context(), store.NewUser{Email: name + "@example.org", Name: name, Role: "participant"})
		if err != nil {
			t.Fatal(err)
		}
		return auth.User{ID: u.ID, Role: auth.RoleParticipant}
	}
}

// wasmManifest is a wasm plugin's manifest.
func wasmManifest(slug, version, sum string, memoryMB int) []byte {
	return []byte(`{"slug":"` + slug + `","name":"` + slug + `","version":"` + version + `","summary":"A sandboxed tool",
		"categories":["detection"],"languages":["fr"],"license":"MIT","repository":"https://example.org/tool",
		"maintainers":[{"name":"M","email":"m@example.org"}],
		"runtime":{"type":"wasm","module":"sha256:` + sum + `","memory_mb":` + strconv.Itoa(memoryMB) + `},
		"input_schema":{"type":"object"},"output_schema":{"type":"object"},"examples":[{"name":"empty","input":{}}]}`)
}

// fieldError returns the field an error names, or "" when it is not
// valid.Errors.
func fieldError(err error) string {
	var v valid.Errors
	if errors.As(err, &v) {
		return v[0].Field
	}
	return ""
}

// Only an account that uploaded a module may name it in a manifest; the
// same bytes uploaded again, by anyone, are the same module.
func TestOnlyAnUploaderMayNameAModule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		reg, user := wasmRegistry(t, st)
		ada, bob := user("ada"), user("bob")
		bin := wasmtest.MinMemory(2)
		sum := wasm.Digest(bin)
		for i, tt := range []struct {
			who     auth.User
			created bool
		}{{ada, true}, {ada, false}, {bob, false}} {
			m, created, err := reg.UploadModule(ctx, tt.who, bin)
			if err != nil || created != tt.created || m.SHA256 != sum || m.Size != int64(len(bin)) || m.MinMemoryPages != 2 {
				t.Fatalf("upload %d = %+v, %v, %v; want created %v", i, m, created, err, tt.created)
			}
			if i == 1 { // before bob uploads it
				_, err := reg.Create(ctx, bob, wasmManifest("outil-de-bob", "1.0.0", sum, 1))
				if fieldError(err) != "runtime.module" {
					t.Fatalf("bob names ada's module: %v, want a problem with runtime.module", err)
				}
			}
		}
		if _, err := reg.Create(ctx, bob, wasmManifest("outil-de-bob", "1.0.0", sum, 1)); err != nil {
			t.Fatalf("bob names the module he uploaded too: %v", err)
		}
		other := wasm.Digest(wasmtest.MinMemory(3))
		if _, err := reg.Create(ctx, ada, wasmManifest("outil-inconnu", "1.0.0", other, 1)); fieldError(err) != "runtime.module" {
			t.Fatalf("a module nobody uploaded: %v, want a problem with runtime.module", err)
		}
		if _, err := reg.Create(ctx, ada, wasmManifest("outil-d-ada", "1.0.0", sum, 0)); err != nil {
			t.Fatalf("ada names her module: %v", err)
		}
	})
}

// A version pins its module: the version resource names it, the same
// version with another module is refused, and a version whose memory_mb
// is below the module's minimum is refused.
func TestAVersionPinsItsModule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		reg, user := wasmRegistry(t, st)
		ada := user("ada")
		first, second, big := wasmtest.MinMemory(1), wasmtest.MinMemory(2), wasmtest.MinMemory(48)
		for _, bin := range [][]byte{first, second, big} {
			if _, _, err := reg.UploadModule(ctx, ada, bin); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := reg.Create(ctx, ada, wasmManifest("outil", "1.0.0", wasm.Digest(first), 1)); err != nil {
			t.Fatal(err)
		}
		v, err := reg.Version(ctx, ada, "outil", "1.0.0")
		if err != nil || v.ModuleSHA256 != wasm.Digest(first) {
			t.Fatalf("version 1.0.0 = %+v, %v; want module %s", v, err, wasm.Digest(first))
		}
		if _, err := reg.AddVersion(ctx, ada, "outil", wasmManifest("outil", "1.0.0", wasm.Digest(second), 1)); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("version 1.0.0 with another module: %v, want ErrConflict", err)
		}
		if _, err := reg.AddVersion(ctx, ada, "outil", wasmManifest("outil", "1.1.0", wasm.Digest(big), 2)); fieldError(err) != "runtime.memory_mb" {
			t.Fatalf("memory_mb below the module's 3 MiB: %v, want a problem with runtime.memory_mb", err)
		}
		v, err = reg.AddVersion(ctx, ada, "outil", wasmManifest("outil", "1.1.0", wasm.Digest(second), 1))
		if err != nil || v.ModuleSHA256 != wasm.Digest(second) {
			t.Fatalf("version 1.1.0 = %+v, %v", v, err)
		}
		if v, _ := reg.Version(ctx, ada, "outil", "1.0.0"); v.ModuleSHA256 != wasm.Digest(first) {
			t.Errorf("version 1.0.0 now runs %s", v.ModuleSHA256)
		}
	})
}

func TestUploadsAreCheckedAndLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		reg, user := wasmRegistry(t, st)
		reg.SetRegistrationOptions(registry.RegistrationOptions{CreatePerHour: 2})
		ada := user("ada")
		var me *wasm.ModuleError
		if _, _, err := reg.UploadModule(ctx, ada, wasmtest.Importing("env", "abort")); !errors.As(err, &me) || me.Problems[0].Path != "module.imports" {
			t.Fatalf("a module importing env.abort: %v", err)
		}
		for pages := range uint32(2) {
			if _, _, err := reg.UploadModule(ctx, ada, wasmtest.MinMemory(pages+1)); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := reg.UploadModule(ctx, ada, wasmtest.MinMemory(1)); err != nil {
			t.Errorf("uploading a module again is not another upload: %v", err)
		}
		var limited *auth.RateLimitError
		if _, _, err := reg.UploadModule(ctx, ada, wasmtest.MinMemory(3)); !errors.As(err, &limited) || limited.RetryAfter > time.Hour {
			t.Fatalf("a third module within the hour: %v, want a rate limit", err)
		}
		if _, _, err := registry.New(st, false).UploadModule(ctx, ada, wasmtest.MinMemory(1)); !errors.Is(err, registry.ErrNoWASM) {
			t.Errorf("a registry without a host: %v", err)
		}
	})
}
