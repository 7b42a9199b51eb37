// Package pluginstest is the conformance suite of plugins: one call checks
// that a plugin's manifest is valid, its schemas compile, its examples
// match its input schema, and running them gives output that matches its
// output schema.
//
//	func TestConformance(t *testing.T) { pluginstest.Run(t, &MyPlugin{}) }
package pluginstest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/plugins"
)

// Run checks a compiled-in plugin.
func Run(t *testing.T, p plugins.Plugin) {
	t.Helper()
	m := p.Manifest()
	if m == nil {
		t.Fatal("Manifest() returned nil")
	}
	if err := plugins.Validate(m, plugins.Options{AllowBuiltin: true}); err != nil {
		t.Fatalf("invalid manifest: %v", err)
	}
	if m.Runtime.Type != plugins.RuntimeBuiltin || m.Runtime.Builtin == "" {
		t.Fatalf("a compiled-in plugin has runtime type builtin and an id; got %+v", m.Runtime)
	}
	in, err := plugins.CompileSchema(m.InputSchema)
	if err != nil {
		t.Fatalf("input_schema: %v", err)
	}
	out, err := plugins.CompileSchema(m.OutputSchema)
	if err != nil {
		t.Fatalf("output_schema: %v", err)
	}
	for _, ex := range m.Examples {
		t.Run(ex.Name, func(t *testing.T) {
			if probs := in.Validate(ex.Input, "input"); len(probs) > 0 {
				t.Fatalf("example input does not match input_schema: %v", probs)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(m.Runtime.Timeout())*time.Millisecond)
			defer cancel()
			got, err := p.Invoke(ctx, ex.Input)
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			if !json.Valid(got) {
				t.Fatalf("output is not JSON: %s", got)
			}
			if probs := out.Validate(got, "output"); len(probs) > 0 {
				t.Fatalf("output does not match output_schema: %v\n%s", probs, got)
			}
		})
	}
	t.Run("stops when its context ends", func(t *testing.T) {
		if len(m.Examples) == 0 {
			t.Skip("no example to run")
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		done := make(chan error, 1)
		go func() { _, err := p.Invoke(ctx, m.Examples[0].Input); done <- err }()
		select {
		case err := <-done:
			var ie *plugins.InputError
			if errors.As(err, &ie) {
				t.Fatalf("a cancelled call reported an input error: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Invoke ignored a cancelled context")
		}
	})
}
