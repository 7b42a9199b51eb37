package plugins

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxDepth bounds nesting in a manifest, schemas included.
const maxDepth = 64

// Decode parses a manifest written in JSON or YAML (JSON when the document
// starts with "{"). Decoding is strict: unknown fields, duplicate keys,
// values of the wrong type, YAML anchors and aliases are all problems,
// reported together with their paths in a *ManifestError. Decode does not
// check the rules a valid manifest follows; Validate does.
func Decode(data []byte) (*Manifest, error) {
	m, ps := decode(data)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return m, nil
}

// decode returns the manifest and the problems found while decoding. When
// the document could be read as a mapping, the manifest holds every field
// that decoded cleanly, even if others did not; otherwise it is nil.
func decode(data []byte) (*Manifest, problems) {
	var (
		tree any
		ps   problems
	)
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		tree = decodeJSONTree(data, &ps)
	} else {
		tree = decodeYAMLTree(data, &ps)
	}
	if tree == nil {
		if len(ps) == 0 {
			ps.add("", "the manifest is empty")
		}
		return nil, ps
	}
	if _, ok := tree.(*object); !ok {
		ps.add("", "the manifest must be a mapping of fields (a JSON object)")
		return nil, ps
	}
	var m Manifest
	assign("", tree, reflect.ValueOf(&m).Elem(), &ps)
	return &m, ps
}

// object is a decoded mapping that keeps its keys in the order they were
// written, and writes them in that order as JSON: schemas keep the order
// of their properties, which forms and answers follow.
type object struct {
	keys []string
	vals map[string]any
}

func newObject() *object { return &object{vals: map[string]any{}} }

// set adds a key, reporting false when it is already there.
func (o *object) set(key string, v any) bool {
	if _, dup := o.vals[key]; dup {
		return false
	}
	o.keys = append(o.keys, key)
	o.vals[key] = v
	return true
}

// MarshalJSON writes the object with its keys in their order.
func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// decodeJSONTree parses JSON into plain values (*object, []any, string,
// json.Number, bool, nil), rejecting duplicate keys and trailing data.
func decodeJSONTree(data []byte, ps *problems) any {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	v, err := jsonValue(d, "", 0)
	if err == nil {
		if _, extra := d.Token(); extra != io.EOF {
			err = errors.New("unexpected data after the JSON document")
		}
	}
	if err != nil {
		var pe *pathError
		if errors.As(err, &pe) {
			ps.add(pe.path, pe.msg)
		} else {
			ps.add("", "not valid JSON: "+strings.TrimPrefix(err.Error(), "json: "))
		}
		return nil
	}
	return v
}

type pathError struct{ path, msg string }

func (e *pathError) Error() string { return e.path + ": " + e.msg }

func jsonValue(d *json.Decoder, path string, depth int) (any, error) {
	if depth > maxDepth {
		return nil, &pathError{path, fmt.Sprintf("nested more than %d levels deep", maxDepth)}
	}
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		obj := newObject()
		for d.More() {
			kt, err := d.Token()
			if err != nil {
				return nil, err
			}
			key := kt.(string)
			kp := joinPath(path, key)
			if _, dup := obj.vals[key]; dup {
				return nil, &pathError{kp, "appears twice"}
			}
			v, err := jsonValue(d, kp, depth+1)
			if err != nil {
				return nil, err
			}
			obj.set(key, v)
		}
		_, err := d.Token()
		return obj, err
	case json.Delim('['):
		arr := []any{}
		for d.More() {
			v, err := jsonValue(d, fmt.Sprintf("%s[%d]", path, len(arr)), depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := d.Token()
		return arr, err
	}
	return tok, nil
}

// decodeYAMLTree parses YAML into the same plain values as JSON.
func decodeYAMLTree(data []byte, ps *problems) any {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ps.add("", "not valid YAML: "+strings.TrimPrefix(err.Error(), "yaml: "))
		return nil
	}
	if doc.Kind == 0 {
		return nil
	}
	return yamlValue(&doc, "", 0, ps)
}

func yamlValue(n *yaml.Node, path string, depth int, ps *problems) any {
	if depth > maxDepth {
		ps.add(path, fmt.Sprintf("nested more than %d levels deep", maxDepth))
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return yamlValue(n.Content[0], path, depth, ps)
	case yaml.AliasNode:
		ps.add(path, fmt.Sprintf("line %d: YAML aliases (*name) are not supported; write the value out", n.Line))
		return nil
	case yaml.MappingNode:
		obj := newObject()
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || (k.Tag != "!!str" && k.Tag != "!!int" && k.Tag != "!!bool" && k.Tag != "!!float") {
				ps.add(path, fmt.Sprintf("line %d: keys must be plain names", k.Line))
				continue
			}
			kp := joinPath(path, k.Value)
			if _, dup := obj.vals[k.Value]; dup {
				ps.add(kp, fmt.Sprintf("line %d: appears twice", k.Line))
				continue
			}
			obj.set(k.Value, yamlValue(v, kp, depth+1, ps))
		}
		return obj
	case yaml.SequenceNode:
		arr := make([]any, len(n.Content))
		for i, c := range n.Content {
			arr[i] = yamlValue(c, fmt.Sprintf("%s[%d]", path, i), depth+1, ps)
		}
		return arr
	}
	return yamlScalar(n, path, ps)
}

func yamlScalar(n *yaml.Node, path string, ps *problems) any {
	if n.Anchor != "" {
		ps.add(path, fmt.Sprintf("line %d: YAML anchors (&name) are not supported", n.Line))
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return b
		}
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
	case "!!float":
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
		ps.add(path, fmt.Sprintf("line %d: numbers must be finite", n.Line))
		return nil
	case "!!str", "!!timestamp", "!!binary":
		return n.Value
	}
	ps.add(path, fmt.Sprintf("line %d: unsupported value %q", n.Line, n.Value))
	return nil
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// assign stores a plain value into dst, recording every mismatch with the
// Go type as a problem at path. Struct fields are matched by JSON name;
// json.RawMessage receives any value as JSON.
func assign(path string, v any, dst reflect.Value, ps *problems) {
	if v == nil {
		return // absent and null mean the same: the zero value
	}
	if dst.Type() == rawMessageType {
		b, _ := json.Marshal(v)
		dst.SetBytes(b)
		return
	}
	switch dst.Kind() {
	case reflect.String:
		switch v := v.(type) {
		case string:
			dst.SetString(v)
		case json.Number, bool:
			ps.add(path, fmt.Sprintf("must be text; put it in quotes, as in \"%v\"", v))
		default:
			ps.add(path, "must be text")
		}
	case reflect.Int:
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil && i >= math.MinInt32 && i <= math.MaxInt32 {
				dst.SetInt(i)
				return
			}
		}
		ps.add(path, "must be a whole number")
	case reflect.Slice:
		assignSlice(path, v, dst, ps)
	case reflect.Struct:
		assignStruct(path, v, dst, ps)
	}
}

func assignSlice(path string, v any, dst reflect.Value, ps *problems) {
	arr, ok := v.([]any)
	if !ok {
		ps.add(path, "must be a list")
		return
	}
	s := reflect.MakeSlice(dst.Type(), len(arr), len(arr))
	for i, item := range arr {
		assign(fmt.Sprintf("%s[%d]", path, i), item, s.Index(i), ps)
	}
	dst.Set(s)
}

func assignStruct(path string, v any, dst reflect.Value, ps *problems) {
	obj, ok := v.(*object)
	if !ok {
		ps.add(path, "must be a mapping of fields (a JSON object)")
		return
	}
	t := dst.Type()
	byName := map[string]int{}
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		byName[name] = i
		names = append(names, name)
	}
	keys := slices.Sorted(slices.Values(obj.keys)) // problems in a stable order
	for _, k := range keys {
		i, known := byName[k]
		if !known {
			ps.add(joinPath(path, k), unknownField(k, names))
			continue
		}
		assign(joinPath(path, k), obj.vals[k], dst.Field(i), ps)
	}
}

// unknownField suggests the closest known field, for typos.
func unknownField(k string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(strings.ToLower(k), n); d < bestD {
			best, bestD = n, d
		}
	}
	if best != "" {
		return fmt.Sprintf("unknown field; did you mean %q?", best)
	}
	return "unknown field; known fields here: " + strings.Join(names, ", ")
}

// editDistance is the Levenshtein distance between short strings.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
