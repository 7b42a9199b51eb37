// Package pluginstest is the conformance suite of plugins: one call checks
// that a plugin's manifest is valid, its schemas compile, its examples
// match its input schema, and running them gives output that matches its
// output schema.
//
//	func TestConformance(t *testing.T) { pluginstest.Run(t, &MyPlugin{}) }
//
// Check runs the same suite without a *testing.T, on a plugin of any
// runtime: `riposte plugin test` runs it on a WebAssembly module.
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

// Run checks a compiled-in plugin: Check, as subtests, after checking that
// its manifest says runtime type builtin.
func Run(t *testing.T, p plugins.Plugin) {
	t.Helper()
	m := p.Manifest()
	if m == nil {
		t.Fatal("Manifest() returned nil")
	}
	results, err := Check(t.Context(), p, plugins.Options{AllowBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Runtime.Type != plugins.RuntimeBuiltin || m.Runtime.Builtin == "" {
		t.Fatalf("a compiled-in plugin has runtime type builtin and an id; got %+v", m.Runtime)
	}
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
		})
	}
}

// Result is the outcome of one check of the conformance suite.
type Result struct {
	// Name is the example's name, or StopsWhenCanceled.
	Name string
	// Output is what the plugin answered to the example.
	Output json.RawMessage
	// Duration is how long the plugin took.
	Duration time.Duration
	// Err says why the check failed; nil when it passed.
	Err error
}

// StopsWhenCanceled names the check that a plugin called with a canceled
// context returns rather than runs.
const StopsWhenCanceled = "stops when its context ends"

// Check runs the conformance suite on any plugin, whatever its runtime,
// without a *testing.T: the command line's `riposte plugin test` and Run
// share it. It returns an error, and no results, when the manifest is
// invalid under opts or a schema does not compile. Otherwise it runs each
// example within the manifest's timeout_ms, checking its input against
// input_schema and the output against output_schema, then checks that a
// call with a canceled context returns; each gives one Result.
func Check(ctx context.Context, p plugins.Plugin, opts plugins.Options) ([]Result, error) {
	m := p.Manifest()
	if m == nil {
		return nil, errors.New("Manifest() returned nil")
	}
	if err := plugins.Validate(m, opts); err != nil {
		return nil, fmt.Errorf("invalid manifest: %w", err)
	}
	in, err := plugins.CompileSchema(m.InputSchema)
	if err != nil {
		return nil, fmt.Errorf("input_schema: %w", err)
	}
	out, err := plugins.CompileSchema(m.OutputSchema)
	if err != nil {
		return nil, fmt.Errorf("output_schema: %w", err)
	}
	var results []Result
	for _, ex := range m.Examples {
		results = append(results, runExample(ctx, p, ex, in, out))
	}
	if len(m.Examples) > 0 {
		results = append(results, Result{Name: StopsWhenCanceled, Err: stopsWhenCanceled(p, m.Examples[0].Input)})
	}
	return results, nil
}

// runExample runs one example and checks it against the schemas.
func runExample(ctx context.Context, p plugins.Plugin, ex plugins.Example, in, out *plugins.Schema) Result {
	r := Result{Name: ex.Name}
	if probs := in.Validate(ex.Input, "input"); len(probs) > 0 {
		r.Err = fmt.Errorf("example input does not match input_schema: %v", probs)
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(p.Manifest().Runtime.Timeout())*time.Millisecond)
	defer cancel()
	start := time.Now()
	got, err := p.Invoke(ctx, ex.Input)
	r.Duration = time.Since(start)
	switch {
	case err != nil:
		r.Err = fmt.Errorf("Invoke: %w", err)
	case !json.Valid(got):
		r.Err = fmt.Errorf("output is not JSON: %s", got)
	default:
		r.Output = got
		if probs := out.Validate(got, "output"); len(probs) > 0 {
			r.Err = fmt.Errorf("output does not match output_schema: %v\n%s", probs, got)
		}
	}
	return r
}

// stopsWhenCanceled calls p with a canceled context: it must return, and
// not blame the input.
func stopsWhenCanceled(p plugins.Plugin, input json.RawMessage) error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() { _, err := p.Invoke(ctx, input); done <- err }()
	select {
	case err := <-done:
		var ie *plugins.InputError
		if errors.As(err, &ie) {
			return fmt.Errorf("a canceled call reported an input error: %w", err)
		}
		return nil
	case <-time.After(5 * time.Second):
		return errors.New("Invoke ignored a canceled context")
	}
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
