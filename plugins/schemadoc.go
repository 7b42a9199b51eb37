package plugins

import (
	"encoding/json"
	"slices"
)

// ManifestSchemaID is the $id of the manifest's JSON Schema.
const ManifestSchemaID = "https://riposte.example/schemas/plugin-manifest.json"

// ManifestJSONSchema returns the JSON Schema (draft 2020-12) of a
// manifest, for editors and other tools. Validate applies the same rules
// and a few a schema cannot express: the SPDX license list, semantic
// version precedence, compilable schemas, examples that match them, and
// runtime-specific requirements.
func ManifestJSONSchema() []byte {
	str := func(min, max int, desc string) map[string]any {
		return map[string]any{"type": "string", "minLength": min, "maxLength": max, "description": desc}
	}
	langs := make([]string, 0, len(iso6391))
	for l := range iso6391 {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	runnable := typeNames(runtimeTypes(), true, "and")
	httpURL := map[string]any{"type": "string", "format": "uri", "pattern": "^https?://", "maxLength": 2048}
	schema := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  ManifestSchemaID,
		"title":                "Riposte plugin manifest",
		"type":                 "object",
		"additionalProperties": false,
		"required":             []string{"slug", "name", "version", "summary", "categories", "languages", "license", "repository", "maintainers", "runtime"},
		"properties": map[string]any{
			"slug":        map[string]any{"type": "string", "minLength": MinSlugLen, "maxLength": MaxSlugLen, "pattern": SlugPattern, "description": "unique identifier: lowercase words joined by hyphens"},
			"name":        str(1, 80, "display name"),
			"version":     map[string]any{"type": "string", "maxLength": 128, "pattern": `^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-((0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\+([0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*))?$`, "description": "semantic version 2.0"},
			"summary":     str(1, 200, "one line saying what the tool does"),
			"description": str(0, MaxDescription, "markdown"),
			"categories":  map[string]any{"type": "array", "minItems": 1, "maxItems": 3, "uniqueItems": true, "items": map[string]any{"enum": Categories()}},
			"languages":   map[string]any{"type": "array", "minItems": 1, "uniqueItems": true, "items": map[string]any{"enum": langs}, "description": "ISO 639-1 codes"},
			"tags":        map[string]any{"type": "array", "maxItems": 20, "uniqueItems": true, "items": map[string]any{"type": "string", "minLength": 1, "maxLength": 32, "pattern": `^[^A-Z\s,]+$`}},
			"license":     map[string]any{"type": "string", "minLength": 1, "description": "SPDX license identifier or expression, such as MIT or Apache-2.0 OR MIT"},
			"repository":  httpURL,
			"homepage":    httpURL,
			"maintainers": map[string]any{"type": "array", "minItems": 1, "items": map[string]any{
				"type": "object", "additionalProperties": false, "required": []string{"name", "email"},
				"properties": map[string]any{"name": str(1, 100, ""), "email": map[string]any{"type": "string", "format": "email", "maxLength": 254}},
			}},
			"runtime":       runtimeSchema(),
			"input_schema":  map[string]any{"type": []string{"object", "boolean"}, "description": "JSON Schema of the input; required for " + runnable},
			"output_schema": map[string]any{"type": []string{"object", "boolean"}, "description": "JSON Schema of the output; required for " + runnable},
			"examples": map[string]any{"type": "array", "items": map[string]any{
				"type": "object", "additionalProperties": false, "required": []string{"name", "input"},
				"properties": map[string]any{"name": str(1, 80, ""), "input": map[string]any{}},
			}},
			"access": map[string]any{"enum": []string{AccessPublic, AccessVetted}, "default": AccessPublic,
				"description": "vetted: only vetted accounts (members of verified organisations), the plugin's owner, collaborators and assigned judges read more than its name and summary"},
			"changes": map[string]any{"type": "array", "items": map[string]any{
				"type": "object", "additionalProperties": false, "required": []string{"kind", "description"},
				"properties": map[string]any{"kind": map[string]any{"enum": ChangeKinds()}, "description": str(1, 500, "")},
			}},
		},
	}
	b, _ := json.MarshalIndent(schema, "", "  ")
	return b
}
