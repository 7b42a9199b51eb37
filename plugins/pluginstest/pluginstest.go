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
	"fmt"
	"strings"
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

// Presented checks that a plugin's form and answers read well in each of
// langs (see "Presentation" in docs/plugin-manifest.md): its output
// schema names a headline among its properties, and every property of its
// input and output schemas that is shown has a title and a title in each
// language, every enum value a label in each language.
func Presented(t *testing.T, p plugins.Plugin, langs ...string) {
	t.Helper()
	m := p.Manifest()
	for name, raw := range map[string]json.RawMessage{"input_schema": m.InputSchema, "output_schema": m.OutputSchema} {
		var root map[string]any
		if err := json.Unmarshal(raw, &root); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		presented(t, root, root, name, langs)
		if name != "output_schema" {
			continue
		}
		props, _ := root["properties"].(map[string]any)
		if h, _ := root["x-riposte-headline"].(string); props[h] == nil {
			t.Errorf("output_schema: x-riposte-headline %q names no property", h)
		}
	}
}

// presented checks the properties of schema s and of the schemas under it.
func presented(t *testing.T, root, s map[string]any, path string, langs []string) {
	t.Helper()
	if ref, _ := s["$ref"].(string); strings.HasPrefix(ref, "#/$defs/") {
		defs, _ := root["$defs"].(map[string]any)
		s, _ = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
	}
	if items, ok := s["items"].(map[string]any); ok {
		presented(t, root, items, path+"[]", langs)
	}
	props, _ := s["properties"].(map[string]any)
	for name, v := range props {
		ps, _ := v.(map[string]any)
		if ps["x-riposte-hidden"] == true {
			continue
		}
		at := path + "." + name
		titles, _ := ps["x-riposte-title"].(map[string]any)
		labels, _ := ps["x-riposte-enum-labels"].(map[string]any)
		enum, _ := ps["enum"].([]any)
		for _, lang := range langs {
			if s, _ := titles[lang].(string); s == "" || ps["title"] == nil {
				t.Errorf("%s has no title in %s", at, lang)
			}
			for _, value := range enum {
				if l, _ := labels[fmt.Sprint(value)].(map[string]any); l[lang] == nil {
					t.Errorf("%s: %v has no label in %s", at, value, lang)
				}
			}
		}
		presented(t, root, ps, at, langs)
	}
}
