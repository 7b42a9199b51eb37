package plugins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// A Loader is a runtime: it makes the plugins of one runtime.type ready to
// invoke. Riposte keeps one Loader per runnable type (Builtins for
// builtin, the remote package's for http) and, at each invocation, asks
// the one the stored manifest names for its plugin. What every runtime
// shares happens around it, the same for all: the input and output
// schemas, the manifest's timeout (the context of Invoke ends then), rate
// limits, metrics and the runtime status shown to the plugin's owner.
//
// Adding a runtime takes a package with a Loader, its row in the runtime
// types of this package (its manifest fields and their rules), and its
// registration with the registry.
type Loader interface {
	// Load returns the plugin t describes. An error marked with Fault
	// (ErrUnavailable: this server cannot run it) is the plugin's failure;
	// other errors are the server's and reach the caller as they are.
	//
	// The plugin's Invoke returns, besides outputs: an *InputError for an
	// input it cannot answer; errors marked with Fault; ErrBusy, wrapped,
	// when the runtime has no room to run it now, which is the server's
	// condition and reaches the caller as it is; any other error, which
	// counts as misbehaving, or as a timeout when ctx ended first.
	Load(ctx context.Context, t Target) (Plugin, error)
}

// ErrBusy is a runtime that has no room to run a plugin now: as many
// executions as it allows are running. It is not the plugin's failure;
// the caller may try again in a moment.
var ErrBusy = errors.New("the server is running as many plugins as it can; try again in a moment")

// Target is a stored plugin version to run.
type Target struct {
	// ID is the plugin's id in the registry, under which a runtime may
	// keep data of its own (the http runtime's signing secret).
	ID int64
	// Manifest is the version's manifest, valid and runnable.
	Manifest *Manifest
}

// How a plugin failed, as a runtime reports it with Fault.
var (
	// ErrTimeout is a plugin that did not answer in time.
	ErrTimeout = errors.New("plugin timed out")
	// ErrUnavailable is a plugin this server cannot run, such as a
	// compiled-in plugin it was built without.
	ErrUnavailable = errors.New("plugin not available on this server")
	// ErrRefused is a plugin the runtime would not call as its manifest
	// says, such as an endpoint at a forbidden address.
	ErrRefused = errors.New("plugin refused")
	// ErrMisbehaved is any other failure of the plugin: an answer that
	// breaks the runtime's protocol, a crash.
	ErrMisbehaved = errors.New("plugin misbehaved")
)

// Fault marks err as a failure of kind: ErrTimeout, ErrUnavailable,
// ErrRefused or ErrMisbehaved. The result says what err says, and matches
// both kind and err with errors.Is and errors.As.
func Fault(kind, err error) error { return &fault{kind: kind, err: err} }

type fault struct{ kind, err error }

func (f *fault) Error() string { return f.err.Error() }

// Unwrap returns the kind and the error marked.
func (f *fault) Unwrap() []error { return []error{f.kind, f.err} }

// Builtins is the runtime of compiled-in plugins (runtime.type builtin):
// it finds them among those Register received, by runtime.builtin.
type Builtins struct{}

var _ Loader = Builtins{}

// Load returns the compiled-in plugin registered under t's
// runtime.builtin id. An id this server was built without is
// ErrUnavailable, wrapping ErrUnknownPlugin.
func (Builtins) Load(_ context.Context, t Target) (Plugin, error) {
	id := t.Manifest.Runtime.Builtin
	p, ok := Lookup(id)
	if !ok {
		return nil, Fault(ErrUnavailable, fmt.Errorf("%w: %q", ErrUnknownPlugin, id))
	}
	return compiledIn{p, id}, nil
}

// compiledIn is a compiled-in plugin whose panics are failures of the
// plugin, not of the server.
type compiledIn struct {
	Plugin
	id string
}

func (c compiledIn) Invoke(ctx context.Context, input json.RawMessage) (out json.RawMessage, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, Fault(ErrMisbehaved, fmt.Errorf("compiled-in plugin %q panicked: %v", c.id, r))
		}
	}()
	return c.Plugin.Invoke(ctx, input)
}
