package registry_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
)

// fakeRuntime is a runtime whose Load fails with load, when set, and
// whose plugins answer as invoke says.
type fakeRuntime struct {
	load   error
	invoke func(ctx context.Context) (json.RawMessage, error)
	seen   *plugins.Target
}

func (f fakeRuntime) Load(_ context.Context, t plugins.Target) (plugins.Plugin, error) {
	*f.seen = t
	if f.load != nil {
		return nil, f.load
	}
	return fakePlugin{t.Manifest, f.invoke}, nil
}

type fakePlugin struct {
	m      *plugins.Manifest
	invoke func(ctx context.Context) (json.RawMessage, error)
}

func (p fakePlugin) Manifest() *plugins.Manifest { return p.m }
func (p fakePlugin) Invoke(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
	return p.invoke(ctx)
}

func answer(out string, err error) func(context.Context) (json.RawMessage, error) {
	return func(context.Context) (json.RawMessage, error) { return json.RawMessage(out), err }
}

// quickTool is a compiled-in plugin with a 50 ms timeout.
func quickTool(t *testing.T, slug string) tool {
	t.Helper()
	m, err := plugins.Check([]byte(`{"slug":"`+slug+`","name":"Tool","version":"1.0.0","summary":"A tool",
		"categories":["emergency"],"languages":["fr"],"license":"MIT",
		"repository":"https://example.org/tool","maintainers":[{"name":"M","email":"m@example.org"}],
		"runtime":{"type":"builtin","builtin":"`+slug+`","timeout_ms":50},"input_schema":{"type":"object"},
		"output_schema":{"type":"object"},"examples":[{"name":"empty","input":{}}]}`), plugins.Options{AllowBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	return tool{m}
}

// Whatever the runtime, the registry applies the manifest's timeout,
// checks the output, tells the caller as much as is safe and records the
// rest for the plugin's owner.
func TestInvokeTreatsEveryRuntimeAlike(t *testing.T) {
	late := func(ctx context.Context) (json.RawMessage, error) {
		if d, ok := ctx.Deadline(); !ok || time.Until(d) > 50*time.Millisecond {
			return nil, errors.New("no deadline within the manifest's timeout")
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	tests := []struct {
		name    string
		rt      fakeRuntime
		want    error  // matched with errors.Is; nil for success
		field   string // for an input error
		state   string // recorded runtime state; "" when nothing is recorded
		because string // in the recorded reason
	}{
		{name: "the runtime the manifest names answers", rt: fakeRuntime{invoke: answer(`{"ok":true}`, nil)}, state: store.RuntimeOK},
		{name: "a timeout the runtime reports", rt: fakeRuntime{invoke: answer("", plugins.Fault(plugins.ErrTimeout, errors.New("no answer after 1s")))},
			want: registry.ErrPluginTimeout, state: store.RuntimeTimeout, because: "no answer after 1s"},
		{name: "an answer after the deadline is a timeout", rt: fakeRuntime{invoke: late},
			want: registry.ErrPluginTimeout, state: store.RuntimeTimeout, because: "deadline exceeded"},
		{name: "a refusal is a failure recorded as refused", rt: fakeRuntime{invoke: answer("", plugins.Fault(plugins.ErrRefused, errors.New("10.0.0.1 is a private address")))},
			want: registry.ErrPluginMisbehaved, state: store.RuntimeRefused, because: "private address"},
		{name: "any other error misbehaves", rt: fakeRuntime{invoke: answer("", errors.New("database gone"))},
			want: registry.ErrPluginMisbehaved, state: store.RuntimeMisbehaved, because: "database gone"},
		{name: "an output that breaks the output schema misbehaves", rt: fakeRuntime{invoke: answer(`5`, nil)},
			want: registry.ErrPluginMisbehaved, state: store.RuntimeMisbehaved, because: "output schema"},
		{name: "an input the plugin cannot answer names the field", rt: fakeRuntime{invoke: answer("", &plugins.InputError{Path: "input.city", Message: "unknown"})},
			field: "input.city"},
		{name: "a plugin this server cannot run", rt: fakeRuntime{load: plugins.Fault(plugins.ErrUnavailable, errors.New("not built in"))},
			want: registry.ErrPluginUnavailable, state: store.RuntimeUnavailable, because: "not built in"},
		{name: "the server's own error reaches the caller as it is", rt: fakeRuntime{load: fmt.Errorf("%w: no secret yet", store.ErrConflict)},
			want: store.ErrConflict},
		{name: "a runtime without room is the server's condition, not the plugin's", rt: fakeRuntime{invoke: answer("", fmt.Errorf("%w: 4 of 4 running", plugins.ErrBusy))},
			want: plugins.ErrBusy},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		reg := registry.New(st, false)
		organizer := auth.User{ID: 1 << 40, Role: auth.RoleOrganizer}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				slug := "runtime-" + strconv.Itoa(i)
				if _, err := reg.SyncBuiltins(ctx, []plugins.Plugin{quickTool(t, slug)}); err != nil {
					t.Fatal(err)
				}
				tt.rt.seen = new(plugins.Target)
				if tt.rt.invoke == nil {
					tt.rt.invoke = answer(`{}`, nil)
				}
				if err := reg.SetInvokeOptions(registry.InvokeOptions{Runtimes: map[string]plugins.Loader{plugins.RuntimeBuiltin: tt.rt}}); err != nil {
					t.Fatal(err)
				}
				res, err := reg.Invoke(ctx, auth.User{}, "192.0.2.1", slug, json.RawMessage(`{}`))
				checkInvocation(t, res, err, tt.want, tt.field)
				p, _ := reg.Get(ctx, auth.User{}, slug)
				if tt.rt.seen.ID != p.ID || tt.rt.seen.Manifest == nil || tt.rt.seen.Manifest.Slug != slug {
					t.Errorf("the runtime was asked for %+v, want plugin %d", *tt.rt.seen, p.ID)
				}
				rs, recorded, err := reg.RuntimeStatus(ctx, organizer, p)
				switch {
				case err != nil:
					t.Fatal(err)
				case recorded != (tt.state != "") || rs.State != tt.state && tt.state != "":
					t.Errorf("runtime status %+v (recorded %v), want %q", rs, recorded, tt.state)
				case !strings.Contains(rs.Reason, tt.because):
					t.Errorf("recorded reason %q, want it to say %q", rs.Reason, tt.because)
				}
			})
		}
	})
}

// checkInvocation checks an invocation's result against the error wanted
// (nil for success) or the input field wanted.
func checkInvocation(t *testing.T, res registry.Invocation, err, want error, field string) {
	t.Helper()
	var invalid valid.Errors
	switch {
	case field != "":
		if !errors.As(err, &invalid) || invalid[0].Field != field {
			t.Errorf("Invoke = %v, want an input error on %s", err, field)
		}
	case want == nil:
		if err != nil || string(res.Output) != `{"ok":true}` {
			t.Errorf("Invoke = %s, %v", res.Output, err)
		}
	case !errors.Is(err, want):
		t.Errorf("Invoke = %v, want %v", err, want)
	case want == store.ErrConflict || want == plugins.ErrBusy:
		if registry.Failure(err) != nil {
			t.Errorf("the server's error %v counts as the plugin's", err)
		}
	case registry.Failure(err) != want:
		t.Errorf("Failure(%v) = %v, want %v: the caller is told only the sentinel's message", err, registry.Failure(err), want)
	}
}

// The registry decides what failed, not how an HTTP client is answered:
// that is api/errors.go's.
func TestRegistryImportsNoHTTPStack(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); path == "net/http" || strings.HasPrefix(path, "github.com/gin-gonic/") {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
