package seed

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
)

// wasmFiles are the tools of wasm/ that run on Riposte: each folder's
// manifest and committed module.
//
//go:embed wasm/*/manifest.yaml wasm/*/*.wasm
var wasmFiles embed.FS

// tool is a WebAssembly tool of the seed: its manifest and the module the
// manifest pins.
type tool struct {
	dir    string // such as wasm/bonjour
	entry         // its one version
	module []byte
}

// parseTools reads the folders of wasm/ that hold a manifest: each
// manifest must be valid, of runtime type wasm, and pin one of the
// folder's committed modules.
func parseTools() ([]tool, error) {
	manifests, err := fs.Glob(wasmFiles, "wasm/*/manifest.yaml")
	if err != nil {
		return nil, err
	}
	var out []tool
	for _, name := range manifests {
		t, err := parseTool(path.Dir(name))
		if err != nil {
			return nil, fmt.Errorf("seed %s: %w", path.Dir(name), err)
		}
		out = append(out, t)
	}
	return out, nil
}

func parseTool(dir string) (tool, error) {
	data, err := wasmFiles.ReadFile(dir + "/manifest.yaml")
	if err != nil {
		return tool{}, err
	}
	m, err := plugins.Check(data, plugins.Options{})
	if err != nil {
		return tool{}, err
	}
	if m.Runtime.Type != plugins.RuntimeWASM {
		return tool{}, fmt.Errorf("runtime.type is %s: a tool of wasm/ runs as wasm", m.Runtime.Type)
	}
	modules, err := fs.Glob(wasmFiles, dir+"/*.wasm")
	if err != nil {
		return tool{}, err
	}
	want := m.Runtime.ModuleSHA256()
	for _, name := range modules {
		bin, err := wasmFiles.ReadFile(name)
		if err != nil {
			return tool{}, err
		}
		if wasm.Digest(bin) == want {
			return tool{dir: dir, entry: entry{slug: m.Slug, versions: []*plugins.Manifest{m}}, module: bin}, nil
		}
	}
	return tool{}, fmt.Errorf("no committed module is the runtime.module of manifest.yaml (sha256:%s; found %s): "+
		"after go generate, set runtime.module to the new module's SHA-256", want, strings.Join(modules, ", "))
}

// syncTool uploads a tool's module, as POST /api/v1/modules does — the
// same checks, kept once by its SHA-256 — then creates and publishes the
// plugin, whose version pins the module. The module is uploaded only
// when the plugin or its version is missing.
func syncTool(ctx context.Context, reg *registry.Service, owner auth.User, t tool) (outcome, string, error) {
	upload := func() error {
		if _, _, err := reg.UploadModule(ctx, owner, t.module); err != nil {
			return fmt.Errorf("module of %s (%s): %w", t.slug, t.dir, err)
		}
		return nil
	}
	o, why, err := syncPlugin(ctx, reg, owner, t.entry, upload)
	if errors.Is(err, registry.ErrNoWASM) {
		return skipped, "this server runs no WebAssembly host", nil
	}
	return o, why, err
}

// uploadNew uploads at once the modules of the tools not registered yet:
// checking a module compiles it, most of the time loading takes, and the
// compilations then share the CPUs. syncTool finds them uploaded.
func uploadNew(ctx context.Context, reg *registry.Service, owner auth.User, tools []tool) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, t := range tools {
		_, err := reg.Get(ctx, owner, t.slug)
		if !errors.Is(err, store.ErrNotFound) {
			continue // there already, or an error syncTool meets again
		}
		wg.Go(func() {
			_, _, err := reg.UploadModule(ctx, owner, t.module)
			if err != nil && !errors.Is(err, registry.ErrNoWASM) { // syncTool skips the tools then
				mu.Lock()
				errs = append(errs, fmt.Errorf("module of %s (%s): %w", t.slug, t.dir, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
