package web

import (
	"encoding/json"
	"html/template"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The bounds of a rendered answer. Deeper values and longer lists are left
// to the raw answer shown under it, so that a plugin's output cannot make
// the page unreadable or huge.
const (
	answerMaxDepth = 8    // levels of nesting shown
	answerMaxItems = 50   // items shown of one list
	answerMaxNodes = 2000 // values shown in all
)

// answerWriter renders a plugin's output for people, by its output schema:
// properties in schema order under their titles, enum values by their
// labels, web addresses as links, the headline first. Everything the
// plugin wrote is escaped; the writer emits only its own tags.
type answerWriter struct {
	b     strings.Builder
	l     *locale
	s     schemaDoc
	nodes int
}

// renderAnswer renders output, described by schema, in l's language. An
// output that is not JSON is shown as text.
func renderAnswer(l *locale, schema, output json.RawMessage) template.HTML {
	v, err := decodeOrdered(output)
	if err != nil {
		return template.HTML(`<p class="hint">` + esc(l.T("answer.unreadable")) + `</p>`)
	}
	w := &answerWriter{l: l, s: readSchema(schema)}
	w.b.WriteString(`<div class="answer">`)
	root := w.s.root
	obj, isObj := v.(*jsonObject)
	if name := root.str(kwHeadline); isObj && name != "" && obj.get(name) != nil && !hidden(w.s.property(root, name)) {
		ps := w.s.property(root, name)
		w.b.WriteString(`<div class="answer-headline"><p class="answer-headline-label">` + esc(titleOf(ps, name, l)) +
			`</p><div class="answer-headline-value">`)
		w.value(obj.get(name), ps, 1)
		w.b.WriteString(`</div></div>`)
		w.object(obj, root, 0, name)
	} else {
		w.value(v, root, 0)
	}
	w.b.WriteString(`</div>`)
	return template.HTML(w.b.String())
}

// value writes v, described by schema n, at a depth of nesting.
func (w *answerWriter) value(v any, n *jsonObject, depth int) {
	w.nodes++
	if depth > answerMaxDepth || w.nodes > answerMaxNodes {
		w.b.WriteString(`<span class="hint">` + esc(w.l.T("answer.cut")) + `</span>`)
		return
	}
	switch x := v.(type) {
	case *jsonObject:
		w.object(x, n, depth, "")
	case []any:
		w.list(x, n, depth)
	case string:
		w.text(x, n)
	case json.Number:
		w.b.WriteString(esc(w.number(x)))
	case bool:
		w.b.WriteString(esc(w.l.T("answer." + strconv.FormatBool(x))))
	default:
		w.b.WriteString("—")
	}
}

// object writes an object's properties as a description list: the
// schema's first, in its order, then any others in the output's order.
// skip names a property already shown (the headline).
func (w *answerWriter) object(o *jsonObject, n *jsonObject, depth int, skip string) {
	seen := map[string]bool{skip: true}
	var names []string
	for _, name := range append(w.s.propertyNames(n), o.keys...) {
		if _, present := o.vals[name]; present && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	names = slices.DeleteFunc(names, func(name string) bool { return hidden(w.s.property(n, name)) })
	switch {
	case len(names) == 0 && skip != "":
		return // the headline said it all
	case len(names) == 1 && depth > 0 && scalar(o.vals[names[0]]):
		w.value(o.vals[names[0]], w.s.property(n, names[0]), depth+1) // {"name": "X"} reads as X
		return
	}
	open := false
	for _, name := range names {
		ps := w.s.property(n, name)
		if !open {
			w.b.WriteString(`<dl class="answer-fields">`)
			open = true
		}
		w.b.WriteString(`<dt>` + esc(titleOf(ps, name, w.l)) + `</dt><dd>`)
		w.value(o.vals[name], ps, depth+1)
		w.b.WriteString(`</dd>`)
	}
	if open {
		w.b.WriteString(`</dl>`)
	} else {
		w.b.WriteString("—")
	}
}

// scalar reports whether v is a single value rather than an object or a
// list.
func scalar(v any) bool {
	switch v.(type) {
	case *jsonObject, []any:
		return false
	}
	return true
}

// list writes an array: objects as cards, other values as a list.
func (w *answerWriter) list(items []any, n *jsonObject, depth int) {
	if len(items) == 0 {
		w.b.WriteString(`<span class="answer-none">` + esc(w.l.T("answer.none")) + `</span>`)
		return
	}
	class := "answer-list"
	if _, ok := items[0].(*jsonObject); ok {
		class = "answer-cards"
	}
	is := w.s.items(n)
	w.b.WriteString(`<ul class="` + class + `">`)
	for i, item := range items {
		if i == answerMaxItems {
			w.b.WriteString(`<li class="hint">` + esc(w.l.T("answer.more", w.l.Int(len(items)-i))) + `</li>`)
			break
		}
		w.b.WriteString(`<li>`)
		w.value(item, is, depth+1)
		w.b.WriteString(`</li>`)
	}
	w.b.WriteString(`</ul>`)
}

// text writes a string: an enum value by its label, a date in the page's
// language, web addresses as links.
func (w *answerWriter) text(s string, n *jsonObject) {
	if _, isEnum := n.get("enum").([]any); isEnum {
		w.b.WriteString(`<span dir="auto">` + esc(enumLabel(n, s, w.l)) + `</span>`)
		return
	}
	switch n.str("format") {
	case "date":
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			w.b.WriteString(`<time datetime="` + esc(s) + `">` + esc(w.l.Date(t)) + `</time>`)
			return
		}
	case "date-time":
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			w.b.WriteString(`<time datetime="` + esc(w.l.ISO(t)) + `">` + esc(w.l.DateTime(t)) + `</time>`)
			return
		}
	}
	w.b.WriteString(`<span dir="auto" class="answer-text">` + linkify(s) + `</span>`)
}

// number writes a number in the page's language, with at most two
// decimals; the raw answer has every digit.
func (w *answerWriter) number(n json.Number) string {
	if i, err := n.Int64(); err == nil && i >= math.MinInt32 && i <= math.MaxInt32 {
		return w.l.Int(int(i))
	}
	f, err := n.Float64()
	if err != nil || math.Abs(f) >= 1e15 {
		return n.String()
	}
	return w.l.Short(f)
}

// webAddress finds http and https addresses in text.
var webAddress = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'\x60]+`)

// linkify escapes text and makes each web address in it a link. A whole
// string that is an address shows without its scheme. Punctuation that
// ends a sentence is not part of an address.
func linkify(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range webAddress.FindAllStringIndex(s, -1) {
		end := m[1]
		for end > m[0] && strings.ContainsRune(".,;:!?)]}", rune(s[end-1])) {
			end--
		}
		u := safeURL(s[m[0]:end])
		if u == "" || strings.HasPrefix(u, "mailto:") {
			continue
		}
		label := s[m[0]:end]
		if m[0] == 0 && end == len(s) {
			label = label[strings.Index(label, "//")+2:]
		}
		b.WriteString(esc(s[last:m[0]]))
		b.WriteString(`<a href="` + esc(u) + `" rel="noopener noreferrer nofollow">` + esc(label) + `</a>`)
		last = end
	}
	b.WriteString(esc(s[last:]))
	return b.String()
}
