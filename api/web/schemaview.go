package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A plugin's schemas say how its "Try it" form and its answers read:
// properties in the order the schema gives them, and, through the
// presentation keywords of docs/plugin-manifest.md, titles, descriptions
// and enum labels in the visitor's language, a headline and hidden
// properties. JSON Schema ignores keywords it does not know, so these are
// annotations only: validation never looks at them.
const (
	kwTitle       = "x-riposte-title"       // {lang: text}: the title, per language
	kwDescription = "x-riposte-description" // {lang: text}: the description, per language
	kwEnumLabels  = "x-riposte-enum-labels" // {value: {lang: text}}: labels of enum values
	kwHeadline    = "x-riposte-headline"    // top of output_schema: the property shown first, large
	kwHidden      = "x-riposte-hidden"      // true: left out of the rendered answer
)

// jsonObject is a JSON object with its keys in the order written, which
// Go maps forget.
type jsonObject struct {
	keys []string
	vals map[string]any
}

// get returns the value of key; a nil object has none.
func (o *jsonObject) get(key string) any {
	if o == nil {
		return nil
	}
	return o.vals[key]
}

// object returns the value of key if it is an object.
func (o *jsonObject) object(key string) *jsonObject {
	v, _ := o.get(key).(*jsonObject)
	return v
}

// str returns the value of key if it is a string.
func (o *jsonObject) str(key string) string {
	v, _ := o.get(key).(string)
	return v
}

// maxJSONDepth bounds the nesting decodeOrdered accepts, so that a hostile
// document cannot make it recurse without end.
const maxJSONDepth = 64

var errTooDeep = errors.New("nested too deeply")

// decodeOrdered parses JSON into *jsonObject, []any, string, json.Number,
// bool and nil. A key given twice keeps its last value, as encoding/json
// does.
func decodeOrdered(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	v, err := orderedValue(d, 0)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

func orderedValue(d *json.Decoder, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, errTooDeep
	}
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := &jsonObject{vals: map[string]any{}}
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			key, _ := k.(string)
			v, err := orderedValue(d, depth+1)
			if err != nil {
				return nil, err
			}
			if _, dup := o.vals[key]; !dup {
				o.keys = append(o.keys, key)
			}
			o.vals[key] = v
		}
		_, err := d.Token()
		return o, err
	case json.Delim('['):
		arr := []any{}
		for d.More() {
			v, err := orderedValue(d, depth+1)
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

// schemaDoc is a JSON Schema read for presentation. Local references
// ("#/$defs/item") are followed; anything else is read as it is.
type schemaDoc struct {
	root *jsonObject
}

// readSchema decodes a schema; a schema that is not an object (true, or
// none) presents nothing.
func readSchema(raw []byte) schemaDoc {
	v, _ := decodeOrdered(raw)
	root, _ := v.(*jsonObject)
	return schemaDoc{root: root}
}

// maxRefs bounds the references followed in a row, against cycles.
const maxRefs = 8

// resolve follows n's local $ref, if any.
func (s schemaDoc) resolve(n *jsonObject) *jsonObject {
	for range maxRefs {
		ref := n.str("$ref")
		if ref == "" {
			return n
		}
		if ref == "#" {
			n = s.root
			continue
		}
		p, ok := strings.CutPrefix(ref, "#/")
		if !ok {
			return n
		}
		n = s.root
		for seg := range strings.SplitSeq(p, "/") {
			n = n.object(strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~"))
		}
	}
	return n
}

// property returns the schema of an object schema's property, or nil.
func (s schemaDoc) property(n *jsonObject, name string) *jsonObject {
	return s.resolve(s.resolve(n).object("properties").object(name))
}

// items returns the schema of an array schema's items, or nil.
func (s schemaDoc) items(n *jsonObject) *jsonObject {
	return s.resolve(s.resolve(n).object("items"))
}

// propertyNames lists an object schema's properties in schema order.
func (s schemaDoc) propertyNames(n *jsonObject) []string {
	if p := s.resolve(n).object("properties"); p != nil {
		return p.keys
	}
	return nil
}

// translated returns the schema's kw ("title", "description") in l's
// language when x-riposte-<kw> gives it, else the standard keyword.
func translated(n *jsonObject, kw string, l *locale) string {
	if t := n.object("x-riposte-" + kw).str(l.Code); t != "" {
		return t
	}
	return n.str(kw)
}

// titleOf names a property: its title in l's language, else its name made
// readable ("verdict_label" is "Verdict label").
func titleOf(n *jsonObject, name string, l *locale) string {
	if t := translated(n, "title", l); t != "" {
		return t
	}
	return humanize(name)
}

// humanize turns a property name into words: separators become spaces and
// the first letter is upper case.
func humanize(name string) string {
	s := strings.TrimSpace(strings.NewReplacer("_", " ", "-", " ").Replace(name))
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return name
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// enumLabel returns the label of an enum value in l's language, else in
// English, else the value itself.
func enumLabel(n *jsonObject, value string, l *locale) string {
	labels := n.object(kwEnumLabels).object(value)
	if t := labels.str(l.Code); t != "" {
		return t
	}
	if t := labels.str("en"); t != "" {
		return t
	}
	return value
}

// hidden reports whether a property is left out of rendered answers.
func hidden(n *jsonObject) bool { return n.get(kwHidden) == true }
