package plugins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Plugin is a tool Riposte invokes. A tool compiled into Riposte is one,
// whose manifest says runtime type builtin and the id it registers under
// (runtime.builtin); for other runtimes, their Loader makes one of a
// stored manifest.
type Plugin interface {
	// Manifest describes the plugin; a compiled-in plugin's must pass
	// Validate with AllowBuiltin.
	Manifest() *Manifest
	// Invoke runs the plugin on an input that already matches the manifest's
	// input_schema, and returns an output matching its output_schema. It
	// must return when ctx ends. An *InputError says the input, though well
	// formed, cannot be answered (an unknown place, say).
	Invoke(ctx context.Context, input json.RawMessage) (json.RawMessage, error)
}

// InputError is an input a plugin cannot answer, with a message for the
// person who sent it.
type InputError struct {
	Path    string // the input field at fault, as in "input.city", or ""
	Message string
}

func (e *InputError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// ErrUnknownPlugin is returned by Lookup callers for ids never registered.
var ErrUnknownPlugin = errors.New("no compiled-in plugin has this id")

// The registry of compiled-in plugins, filled by their init functions, as
// database/sql drivers are.
var (
	registryMu sync.RWMutex
	registry   = map[string]Plugin{}
)

// Register makes a compiled-in plugin available under its manifest's
// runtime.builtin id. It panics when p is nil, its id is empty, or the id is
// taken: these are programming errors, found at start-up.
func Register(p Plugin) {
	if p == nil {
		panic("plugins: Register of a nil plugin")
	}
	m := p.Manifest()
	if m == nil || m.Runtime.Builtin == "" {
		panic("plugins: Register of a plugin without a runtime.builtin id")
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[m.Runtime.Builtin]; dup {
		panic(fmt.Sprintf("plugins: Register called twice for %q", m.Runtime.Builtin))
	}
	registry[m.Runtime.Builtin] = p
}

// Lookup returns the compiled-in plugin registered under id.
func Lookup(id string) (Plugin, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	p, ok := registry[id]
	return p, ok
}

// Registered lists the compiled-in plugins by id.
func Registered() []Plugin {
	registryMu.RLock()
	defer registryMu.RUnlock()
	ids := make([]string, 0, len(registry))
	for id := range registry {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]Plugin, len(ids))
	for i, id := range ids {
		out[i] = registry[id]
	}
	return out
}

// ParseManifest decodes and validates a compiled-in plugin's manifest, for
// plugins that embed theirs as YAML. It panics when the manifest is
// invalid: a compiled-in plugin must ship a valid one.
func ParseManifest(data []byte) *Manifest {
	m, err := Check(data, Options{AllowBuiltin: true})
	if err != nil {
		panic("plugins: invalid compiled-in manifest: " + err.Error())
	}
	return m
}
