package plugins

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Schema is a compiled JSON Schema, such as a plugin's input_schema.
type Schema struct {
	s *jsonschema.Schema
}

// noLoader refuses to load any schema from elsewhere: a plugin's schemas
// must be self-contained, and compiling them must never read a file or
// reach the network.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schemas may not refer to %s: only references inside the schema are allowed", url)
}

// CompileSchema compiles a JSON Schema (draft 2020-12 unless its $schema
// says otherwise). References to other documents are refused.
func CompileSchema(doc []byte) (*Schema, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if _, ok := v.(map[string]any); !ok {
		if _, isBool := v.(bool); !isBool {
			return nil, errors.New("must be a JSON Schema object")
		}
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	c.DefaultDraft(jsonschema.Draft2020)
	const url = "urn:riposte:schema"
	if err := c.AddResource(url, v); err != nil {
		return nil, schemaError(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, schemaError(err)
	}
	return &Schema{s: s}, nil
}

// schemaError shortens the compiler's message for people.
func schemaError(err error) error {
	msg := err.Error()
	msg = strings.ReplaceAll(msg, "urn:riposte:schema#", "#")
	msg = strings.ReplaceAll(msg, "urn:riposte:schema", "the schema")
	if i := strings.Index(msg, "\n"); i > 0 {
		msg = msg[:i] + strings.ReplaceAll(msg[i:], "\n", " ")
	}
	return errors.New(msg)
}

var printer = message.NewPrinter(language.English)

// Validate checks a JSON document against the schema and returns every
// problem, with paths relative to base ("input.city", "input.tags[2]").
func (s *Schema) Validate(doc []byte, base string) []Problem {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return []Problem{{Path: base, Message: "is not valid JSON"}}
	}
	err = s.s.Validate(v)
	var ve *jsonschema.ValidationError
	if err == nil {
		return nil
	}
	if !errors.As(err, &ve) {
		return []Problem{{Path: base, Message: err.Error()}}
	}
	var out []Problem
	leaves(ve, func(e *jsonschema.ValidationError) {
		out = append(out, Problem{Path: instancePath(base, e.InstanceLocation), Message: e.ErrorKind.LocalizedString(printer)})
	})
	return out
}

// leaves calls fn for the innermost errors, which say what is wrong.
func leaves(e *jsonschema.ValidationError, fn func(*jsonschema.ValidationError)) {
	if len(e.Causes) == 0 {
		fn(e)
		return
	}
	for _, c := range e.Causes {
		leaves(c, fn)
	}
}

func instancePath(base string, loc []string) string {
	p := base
	for _, seg := range loc {
		if seg != "" && strings.Trim(seg, "0123456789") == "" {
			p += "[" + seg + "]"
		} else {
			p = joinPath(p, seg)
		}
	}
	return p
}
