package registry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
)

// ErrNoWASM is a registry without a WebAssembly host asked to take a
// module.
var ErrNoWASM = errors.New("registry: this server runs no WebAssembly host")

// SetWASM gives the registry its WebAssembly host: plugins of runtime
// type wasm run on it, their modules read from the database, and uploaded
// modules are checked and compiled by it. Call it once, before serving;
// the caller closes the host after the registry's last use.
func (s *Service) SetWASM(h *wasm.Host) {
	s.wasm = h
	s.inv.runtimes[plugins.RuntimeWASM] = h.Loader(storedModules{s.store})
}

// storedModules gives the wasm runtime the modules' bytes.
type storedModules struct{ st *store.Store }

func (m storedModules) Module(ctx context.Context, sha256 string) ([]byte, error) {
	bin, err := m.st.ModuleBytes(ctx, sha256)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", wasm.ErrModuleNotFound, err)
	}
	return bin, err
}

// UploadModule checks a WebAssembly module and keeps it for the caller,
// who may then name it in a manifest's runtime.module. It reports whether
// the module is new to the server; the same bytes again, from anyone, are
// the same module. Errors: *wasm.ModuleError when the module cannot run as
// a plugin; *auth.RateLimitError when the caller uploaded too many modules
// in the last hour (as many as the plugins it may register); ErrNoWASM.
func (s *Service) UploadModule(ctx context.Context, u auth.User, bin []byte) (store.Module, bool, error) {
	if s.wasm == nil {
		return store.Module{}, false, ErrNoWASM
	}
	sum := wasm.Digest(bin)
	m, uploaded, err := s.store.ModuleFor(ctx, sum, u.ID)
	switch {
	case err == nil && uploaded:
		return m, false, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return store.Module{}, false, err
	}
	if err := s.checkUploadRate(ctx, u); err != nil {
		return store.Module{}, false, err
	}
	if errors.Is(err, store.ErrNotFound) { // stored modules were checked when first uploaded
		info, err := s.wasm.Check(ctx, bin, plugins.MaxMemoryMB)
		if err != nil {
			return store.Module{}, false, err
		}
		m = store.Module{SHA256: info.SHA256, Size: info.Size, Imports: info.Imports, MinMemoryPages: int(info.MinMemoryPages)}
	}
	var created bool
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if created, _, err = tx.SaveModule(ctx, m, bin, u.ID); err != nil {
			return err
		}
		m, _, err = tx.ModuleFor(ctx, sum, u.ID)
		return err
	})
	return m, created, err
}

// checkUploadRate refuses an upload beyond the caller's allowance: as
// many modules in any hour as the plugins it may register.
func (s *Service) checkUploadRate(ctx context.Context, u auth.User) error {
	if s.createPerHour <= 0 || u.Is(auth.RoleOrganizer) {
		return nil
	}
	at, over, err := s.store.RecentModuleUpload(ctx, u.ID, time.Now().Add(-time.Hour), s.createPerHour)
	if err != nil || !over {
		return err
	}
	return &auth.RateLimitError{RetryAfter: max(time.Until(at.Add(time.Hour)), time.Second)}
}

// pinModule makes a wasm version run the module its manifest names, for
// good. Only an account that uploaded the module may name it, and the
// manifest's memory_mb must hold the module's own minimum: otherwise
// valid.Errors naming the field.
func pinModule(ctx context.Context, tx *store.Tx, u auth.User, m *plugins.Manifest, v *store.PluginVersion) error {
	if m.Runtime.Type != plugins.RuntimeWASM {
		return nil
	}
	sum := m.Runtime.ModuleSHA256()
	mod, uploaded, err := tx.ModuleFor(ctx, sum, u.ID)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && !uploaded:
		return valid.Errors{{Field: "runtime.module", Message: "names a module you have not uploaded: upload it first (POST /api/v1/modules), then use the sha256 the upload answers"}}
	case err != nil:
		return err
	case mod.MinMemoryPages > m.Runtime.Memory()*16:
		return valid.Errors{{Field: "runtime.memory_mb", Message: fmt.Sprintf(
			"must be at least %d: the module starts with that much memory (MiB)", (mod.MinMemoryPages+15)/16)}}
	}
	if err := tx.PinModule(ctx, v.ID, sum); err != nil {
		return err
	}
	v.ModuleSHA256 = sum
	return nil
}
