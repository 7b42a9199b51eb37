package pluginstest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/plugins"
)

// fake is a plugin whose Invoke is a function.
type fake struct {
	m      *plugins.Manifest
	invoke func(ctx context.Context, input json.RawMessage) (json.RawMessage, error)
}

func (f fake) Manifest() *plugins.Manifest { return f.m }
func (f fake) Invoke(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
	return f.invoke(ctx, input)
}

const manifest = `slug: echo-count
name: Echo Count
version: 1.0.0
summary: Counts the letters of a text
categories: [research]
languages: [fr]
license: MIT
repository: https://example.org/echo-count
maintainers: [{name: A, email: a@example.org}]
runtime: {type: http, endpoint: "https://example.org/invoke", timeout_ms: 500}
input_schema: {type: object, required: [text], properties: {text: {type: string}}}
output_schema: {type: object, required: [n], additionalProperties: false, properties: {n: {type: integer}}}
examples:
  - {name: short, input: {text: ab}}
  - {name: long, input: {text: abcdef}}
`

func decode(t *testing.T, doc string) *plugins.Manifest {
	t.Helper()
	m, err := plugins.Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// count answers as the manifest promises.
func count(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var in struct{ Text string }
	json.Unmarshal(input, &in)
	return json.Marshal(map[string]int{"n": len(in.Text)})
}

func TestCheckReportsEachExample(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		invoke func(context.Context, json.RawMessage) (json.RawMessage, error)
		fail   map[string]string // check → what its error says
	}{
		{"a plugin that keeps its promises", count, nil},
		{"an answer outside output_schema", func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
			if strings.Contains(string(in), "abcdef") {
				return json.RawMessage(`{"n": "six"}`), nil
			}
			return count(ctx, in)
		}, map[string]string{"long": "output_schema"}},
		{"an answer that is not JSON", func(context.Context, json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`{n: 2`), nil
		}, map[string]string{"short": "not JSON", "long": "not JSON"}},
		{"a failure", func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, errors.New("exited with code 2")
		}, map[string]string{"short": "exited with code 2", "long": "exited with code 2"}},
		{"a canceled call blamed on the input", func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
			if ctx.Err() != nil {
				return nil, &plugins.InputError{}
			}
			return count(ctx, in)
		}, map[string]string{StopsWhenCanceled: "input error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			results, err := Check(t.Context(), fake{m: decode(t, manifest), invoke: tc.invoke}, plugins.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != 3 || results[0].Name != "short" || results[1].Name != "long" || results[2].Name != StopsWhenCanceled {
				t.Fatalf("results %+v; want short, long, %s", results, StopsWhenCanceled)
			}
			for _, r := range results {
				want, fails := tc.fail[r.Name]
				switch {
				case fails && (r.Err == nil || !strings.Contains(r.Err.Error(), want)):
					t.Errorf("%s: error %v, want one saying %q", r.Name, r.Err, want)
				case !fails && r.Err != nil:
					t.Errorf("%s: %v", r.Name, r.Err)
				}
			}
			if tc.fail == nil && string(results[1].Output) != `{"n":6}` {
				t.Errorf("the output of long is %s", results[1].Output)
			}
		})
	}
}

func TestCheckEndsExamplesAtTheirTimeout(t *testing.T) {
	t.Parallel()
	slow := func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	start := time.Now()
	results, err := Check(t.Context(), fake{m: decode(t, manifest), invoke: slow}, plugins.Options{})
	if err != nil || results[0].Err == nil || !errors.Is(results[0].Err, context.DeadlineExceeded) {
		t.Fatalf("results %+v, %v; want a deadline", results, err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("two examples of 500 ms took %s", took)
	}
}

func TestCheckRefusesAnInvalidManifest(t *testing.T) {
	t.Parallel()
	m := decode(t, strings.Replace(manifest, "version: 1.0.0", "version: one", 1))
	if _, err := Check(t.Context(), fake{m: m, invoke: count}, plugins.Options{}); err == nil || !strings.Contains(err.Error(), "version") {
		t.Fatalf("error %v, want the version named", err)
	}
	m = decode(t, manifest)
	m.Runtime.Type = plugins.RuntimeBuiltin
	if _, err := Check(t.Context(), fake{m: m, invoke: count}, plugins.Options{}); err == nil {
		t.Fatal("a builtin manifest accepted without AllowBuiltin")
	}
}
