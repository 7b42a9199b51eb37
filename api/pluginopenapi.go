package api

import (
	"encoding/json"
	"fmt"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
)

// object is a JSON object under construction.
type object = map[string]any

// pluginOpenAPI builds the OpenAPI 3.1 document of a plugin's invoke call.
// The plugin's schemas are JSON Schema 2020-12, which is what OpenAPI 3.1
// speaks; each gets an $id, so that references inside it still resolve
// once it is embedded.
func pluginOpenAPI(m *plugins.Manifest) (object, error) {
	if !m.Runnable() {
		return nil, fmt.Errorf("%w: this plugin is a catalogue entry; it has nothing to invoke", store.ErrConflict)
	}
	input, err := embeddedSchema(m.InputSchema, "urn:riposte:plugin:"+m.Slug+":input")
	if err != nil {
		return nil, err
	}
	output, err := embeddedSchema(m.OutputSchema, "urn:riposte:plugin:"+m.Slug+":output")
	if err != nil {
		return nil, err
	}
	examples := object{}
	for i, ex := range m.Examples {
		examples[fmt.Sprintf("example%d", i+1)] = object{"summary": ex.Name, "value": object{"input": ex.Input}}
	}
	problem := func(why string) object {
		return object{"description": why, "content": object{"application/problem+json": object{
			"schema": object{"$ref": "#/components/schemas/Problem"}}}}
	}
	op := object{
		"operationId": "invoke",
		"summary":     m.Summary,
		"description": m.Description,
		"security":    []object{{}, {"bearer": []string{}}},
		"requestBody": object{"required": true, "content": object{"application/json": object{
			"schema": object{"type": "object", "required": []string{"input"}, "additionalProperties": false,
				"properties": object{"input": object{"$ref": "#/components/schemas/Input"}}},
			"examples": examples,
		}}},
		"responses": object{
			"200": object{"description": "The plugin's answer", "content": object{"application/json": object{"schema": object{
				"type": "object", "required": []string{"output", "plugin", "version", "duration_ms"},
				"properties": object{
					"output":      object{"$ref": "#/components/schemas/Output"},
					"plugin":      object{"type": "string", "const": m.Slug},
					"version":     object{"type": "string"},
					"duration_ms": object{"type": "number"},
				}}}}},
			"400": problem("The body is not a JSON object"),
			"422": problem("The input does not match the input schema, or the plugin cannot answer it; errors name the fields"),
			"429": problem("Too many invocations; wait for the time given in Retry-After"),
			"502": problem("The plugin failed or answered something invalid"),
			"503": problem("The plugin cannot run on this server now; when Retry-After is given, try again then"),
			"504": problem("The plugin did not answer in time"),
		},
	}
	info := object{"title": m.Name, "version": m.Version, "summary": m.Summary,
		"license": object{"name": m.License, "identifier": m.License}}
	if len(m.Maintainers) > 0 {
		info["contact"] = object{"name": m.Maintainers[0].Name, "email": m.Maintainers[0].Email}
	}
	return object{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
		"info":              info,
		"servers":           []object{{"url": "/api/v1", "description": "This Riposte server"}},
		"paths":             object{"/plugins/" + m.Slug + "/invoke": object{"post": op}},
		"externalDocs":      object{"url": m.Repository, "description": "Source code"},
		"components": object{
			"schemas": object{"Input": input, "Output": output, "Problem": problemSchema},
			"securitySchemes": object{"bearer": object{"type": "http", "scheme": "bearer",
				"description": "Optional: an access token or an API token with the plugins:invoke scope"}},
		},
	}, nil
}

// embeddedSchema returns a plugin schema with an $id (unless it has one).
func embeddedSchema(raw json.RawMessage, id string) (any, error) {
	var s any
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("stored schema: %w", err)
	}
	if o, ok := s.(map[string]any); ok {
		if _, has := o["$id"]; !has {
			o["$id"] = id
		}
	}
	return s, nil
}

// problemSchema describes RFC 9457 problem documents as Riposte writes them.
var problemSchema = object{
	"type":     "object",
	"required": []string{"type", "title", "status"},
	"properties": object{
		"type":       object{"type": "string"},
		"title":      object{"type": "string"},
		"status":     object{"type": "integer"},
		"detail":     object{"type": "string"},
		"instance":   object{"type": "string"},
		"request_id": object{"type": "string"},
		"errors": object{"type": "array", "items": object{"type": "object", "required": []string{"field", "message"},
			"properties": object{"field": object{"type": "string"}, "message": object{"type": "string"}}}},
	},
}
