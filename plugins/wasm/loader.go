package wasm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/riposte-civic/riposte/plugins"
)

// Modules gives the bytes of uploaded modules by their SHA-256 in
// hexadecimal. Module returns an error matching ErrModuleNotFound for a
// module it does not have; other errors are the server's.
type Modules interface {
	Module(ctx context.Context, sha256 string) ([]byte, error)
}

// ErrModuleNotFound is a module that Modules does not have.
var ErrModuleNotFound = errors.New("WebAssembly module not found")

// Loader is the runtime of plugins of type wasm: their modules come from
// mods the first time they are called, and run on h.
func (h *Host) Loader(mods Modules) plugins.Loader { return &loader{h: h, mods: mods} }

type loader struct {
	h    *Host
	mods Modules
}

// Load compiles the module of t, unless the host has it already. A module
// Modules does not have, or that cannot run, is plugins.ErrUnavailable.
func (l *loader) Load(ctx context.Context, t plugins.Target) (plugins.Plugin, error) {
	sum := t.Manifest.Runtime.ModuleSHA256()
	p := &plugin{h: l.h, manifest: t.Manifest, sum: sum, fetch: func(ctx context.Context) ([]byte, error) {
		bin, err := l.mods.Module(ctx, sum)
		if errors.Is(err, ErrModuleNotFound) {
			return nil, plugins.Fault(plugins.ErrUnavailable, fmt.Errorf("module sha256:%s is not on this server", sum))
		}
		return bin, err
	}}
	if err := p.warm(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// Plugin returns the plugin that m describes, running bin whatever m's
// runtime.module says: what the conformance suite and a plugin's own tests
// call, without a database. A bin that cannot run is a *ModuleError.
func (h *Host) Plugin(ctx context.Context, m *plugins.Manifest, bin []byte) (plugins.Plugin, error) {
	p := &plugin{h: h, manifest: m, sum: Digest(bin), fetch: func(context.Context) ([]byte, error) { return bin, nil }}
	_, release, err := h.modules.get(ctx, p.sum, p.fetch)
	if err != nil {
		return nil, err
	}
	release()
	return p, nil
}

// plugin is a wasm plugin: each call runs a fresh instance of its module.
type plugin struct {
	h        *Host
	manifest *plugins.Manifest
	sum      string
	fetch    func(context.Context) ([]byte, error)
}

var _ plugins.Plugin = (*plugin)(nil)

func (p *plugin) Manifest() *plugins.Manifest { return p.manifest }

// warm compiles the module now, so that the first call's time goes to
// running it. A stored module that cannot run is plugins.ErrUnavailable.
func (p *plugin) warm(ctx context.Context) error {
	_, release, err := p.h.modules.get(ctx, p.sum, p.fetch)
	if err != nil {
		return unavailable(err)
	}
	release()
	return nil
}

// Invoke runs a fresh instance of the module on input, within ctx and the
// manifest's memory_mb. Its errors are those of Host.Run.
func (p *plugin) Invoke(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
	c, release, err := p.h.modules.get(ctx, p.sum, p.fetch)
	if err != nil {
		return nil, unavailable(err)
	}
	defer release()
	return p.h.execute(ctx, c, input, p.manifest.Runtime.Memory(), p.manifest.Slug)
}

// unavailable marks a module that cannot run as the plugin's failure.
func unavailable(err error) error {
	var me *ModuleError
	if errors.As(err, &me) {
		return plugins.Fault(plugins.ErrUnavailable, err)
	}
	return err
}
