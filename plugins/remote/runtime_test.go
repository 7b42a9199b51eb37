package remote

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/plugins"
)

// runtimeTarget is an http plugin at endpoint with the given timeout.
func runtimeTarget(endpoint string, timeoutMS int) plugins.Target {
	return plugins.Target{ID: 7, Manifest: &plugins.Manifest{Slug: "tool",
		Runtime: plugins.Runtime{Type: plugins.RuntimeHTTP, Endpoint: endpoint, TimeoutMS: timeoutMS}}}
}

func TestRuntimeCallsTheEndpointWithThePluginsSecret(t *testing.T) {
	t.Parallel()
	secret := newSecret(t)
	srv, hits := countingServer(t, false, echo(secret))
	var asked int64
	rt := NewRuntime(New(Options{AllowPrivate: true}), func(_ context.Context, id int64) (string, error) {
		asked = id
		return secret, nil
	})
	p, err := rt.Load(t.Context(), runtimeTarget(srv.URL, 0))
	if err != nil || asked != 7 || p.Manifest().Slug != "tool" {
		t.Fatalf("Load = %v, %v; secret asked for plugin %d, want 7", p, err, asked)
	}
	out, err := p.Invoke(t.Context(), json.RawMessage(`{"text":"x"}`))
	if err != nil || string(out) != `{"echo":{"text":"x"}}` || hits.Load() != 1 {
		t.Fatalf("Invoke = %s, %v after %d calls", out, err, hits.Load())
	}
}

func TestRuntimeLeavesSecretErrorsToTheCaller(t *testing.T) {
	t.Parallel()
	noSecret := errors.New("no secret yet")
	rt := NewRuntime(New(Options{AllowPrivate: true}), func(context.Context, int64) (string, error) { return "", noSecret })
	p, err := rt.Load(t.Context(), runtimeTarget("https://tool.example.org/invoke", 0))
	if p != nil || !errors.Is(err, noSecret) {
		t.Fatalf("Load = %v, %v; want the secret's error", p, err)
	}
	for _, kind := range []error{plugins.ErrTimeout, plugins.ErrUnavailable, plugins.ErrRefused, plugins.ErrMisbehaved} {
		if errors.Is(err, kind) {
			t.Errorf("a secret's error is marked %v: it is the server's, not the plugin's", kind)
		}
	}
}

// Each failure of the client is marked with the kind the registry
// understands, and keeps its message, which the plugin's owner reads.
func TestRuntimeMarksFailures(t *testing.T) {
	t.Parallel()
	secret := newSecret(t)
	srv, _ := countingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(time.Second):
			}
		case "/redirect":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		default:
			http.Error(w, "broken", http.StatusInternalServerError)
		}
	})
	rt := NewRuntime(New(Options{AllowPrivate: true}), func(context.Context, int64) (string, error) { return secret, nil })
	for _, tt := range []struct {
		name, path string
		kind       error
		same       error // the client's own error, still matched
		says       string
	}{
		{"no answer within the manifest's timeout", "/slow", plugins.ErrTimeout, ErrTimeout, "no answer after"},
		{"a redirect is refused", "/redirect", plugins.ErrRefused, ErrRefused, "redirect"},
		{"a server error is misbehaving", "/broken", plugins.ErrMisbehaved, ErrMisbehaved, "status 500"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := rt.Load(t.Context(), runtimeTarget(srv.URL+tt.path, 100))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = p.Invoke(t.Context(), json.RawMessage(`{}`))
			if !errors.Is(err, tt.kind) || !errors.Is(err, tt.same) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Invoke = %v; want %v, %v, saying %q", err, tt.kind, tt.same, tt.says)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %s: the manifest's timeout_ms was not applied", took)
			}
		})
	}
}
