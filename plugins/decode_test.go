package plugins

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// propertyOrder reads the property names of an object schema in the order
// the stored JSON gives them.
func propertyOrder(t *testing.T, schema json.RawMessage, path ...string) []string {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(string(schema)))
	for _, key := range append(path, "properties") {
		if !seekKey(d, key) {
			t.Fatalf("no %q in %s", key, schema)
		}
	}
	var names []string
	if tok, _ := d.Token(); tok != json.Delim('{') {
		t.Fatalf("properties is not an object in %s", schema)
	}
	for d.More() {
		k, _ := d.Token()
		names = append(names, k.(string))
		var skip json.RawMessage
		d.Decode(&skip)
	}
	return names
}

// seekKey advances d, positioned before an object, to the value of key.
func seekKey(d *json.Decoder, key string) bool {
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	for d.More() {
		k, err := d.Token()
		if err != nil {
			return false
		}
		if k == key {
			return true
		}
		var skip json.RawMessage
		if d.Decode(&skip) != nil {
			return false
		}
	}
	return false
}

// Forms and answers show properties in the order the schema's author wrote
// them, so decoding must keep it, in YAML and JSON alike, at every depth,
// and in the canonical form that is stored.
func TestSchemasKeepTheirPropertyOrder(t *testing.T) {
	yamlDoc := `slug: ordre
name: Ordre
version: 1.0.0
summary: Keeps the order
categories: [research]
languages: [fr]
license: MIT
repository: https://example.org/ordre
maintainers: [{name: Ada, email: ada@example.org}]
runtime: {type: http, endpoint: https://ordre.example.org/invoke}
input_schema:
  type: object
  properties:
    zeta: {type: string}
    alpha: {type: string}
    mu: {type: string}
output_schema:
  type: object
  properties:
    verdict: {type: string}
    debunk:
      type: object
      properties:
        text: {type: string}
        sources: {type: array}
        date: {type: string}
    advice: {type: array}
examples: [{name: One, input: {zeta: z}}]
`
	var asJSON map[string]any
	m, err := Check([]byte(yamlDoc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(m.Canonical(), &asJSON); err != nil {
		t.Fatal(err)
	}
	fromJSON, err := Check(m.Canonical(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]*Manifest{"YAML": m, "JSON": fromJSON} {
		for _, tc := range []struct {
			schema json.RawMessage
			path   []string
			want   []string
		}{
			{got.InputSchema, nil, []string{"zeta", "alpha", "mu"}},
			{got.OutputSchema, nil, []string{"verdict", "debunk", "advice"}},
			{got.OutputSchema, []string{"properties", "debunk"}, []string{"text", "sources", "date"}},
		} {
			if order := propertyOrder(t, tc.schema, tc.path...); !slices.Equal(order, tc.want) {
				t.Errorf("%s: properties %v, want %v", name, order, tc.want)
			}
		}
	}
}

// The presentation keywords of docs/plugin-manifest.md are annotations:
// manifests may use them, and validation of inputs and outputs ignores
// them.
func TestPresentationKeywordsAreIgnoredByValidation(t *testing.T) {
	s, err := CompileSchema([]byte(`{"type": "object", "x-riposte-headline": "verdict",
		"properties": {"verdict": {"enum": ["false", "true"], "title": "Verdict",
			"x-riposte-title": {"fr": "Verdict", "ar": "الحكم"},
			"x-riposte-description": {"fr": "Ce que disent les vérifications"},
			"x-riposte-enum-labels": {"false": {"fr": "Faux", "en": "False"}}},
		"id": {"type": "string", "x-riposte-hidden": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if ps := s.Validate([]byte(`{"verdict": "false", "id": "x"}`), "output"); ps != nil {
		t.Fatalf("a valid output is refused: %v", ps)
	}
	if ps := s.Validate([]byte(`{"verdict": "Faux"}`), "output"); len(ps) != 1 || ps[0].Path != "output.verdict" {
		t.Fatalf("labels are taken for values: %v", ps)
	}
}
