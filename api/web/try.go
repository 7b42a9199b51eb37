package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// tryData is the "Try it" form of a runnable plugin, generated from its
// input schema, with the last answer.
type tryData struct {
	Fields   []tryField
	Raw      bool   // the schema is not a flat object: the input is typed as JSON
	RawValue string // for Raw
	RawError string
	Errors   []string // problems not tied to a field
	Output   template.HTML
	JSON     string
	Version  string
	Millis   int

	outputSchema json.RawMessage // how to render the answer
}

// tryField is one control of the form.
type tryField struct {
	Name     string
	Label    string
	Hint     string
	Kind     string // select, text, textarea, integer, number, checkbox, list
	Options  []tryOption
	Required bool
	Value    string
	Error    string
	schema   *jsonObject
}

// tryOption is a choice of a select: the value sent and its label.
type tryOption struct {
	Value string
	Label string
}

// tryForm builds the form from the plugin's input schema, filled with the
// form just sent, or else with the first example.
func (h *Handler) tryForm(d *pluginData, l *locale, r *http.Request) *tryData {
	m := d.Manifest
	if m == nil || !m.Runnable() || d.Plugin.Status == store.StatusRemoved {
		return nil
	}
	var example map[string]any
	if len(m.Examples) > 0 {
		json.Unmarshal(m.Examples[0].Input, &example)
	}
	t := &tryData{outputSchema: m.OutputSchema}
	fields, ok := schemaFields(m.InputSchema, l)
	if !ok {
		t.Raw = true
		if r != nil {
			t.RawValue = r.PostFormValue("input")
		} else if len(m.Examples) > 0 {
			var b bytes.Buffer
			json.Indent(&b, m.Examples[0].Input, "", "  ")
			t.RawValue = b.String()
		}
		return t
	}
	for _, f := range fields {
		switch {
		case r != nil && f.Kind == "checkbox":
			f.Value = strconv.FormatBool(r.PostFormValue(f.Name) != "")
		case r != nil:
			f.Value = r.PostFormValue(f.Name)
		case example[f.Name] != nil:
			f.Value = formValue(example[f.Name])
		case f.schema.get("default") != nil:
			f.Value = formValue(f.schema.get("default"))
		}
		t.Fields = append(t.Fields, f)
	}
	return t
}

// schemaFields reads an object schema whose properties are all simple
// (text, numbers, booleans, choices, lists of text) into form fields, in
// the order the schema gives them, labelled in l's language.
func schemaFields(raw json.RawMessage, l *locale) ([]tryField, bool) {
	s := readSchema(raw)
	root := s.root
	if root == nil || (root.get("type") != nil && root.get("type") != "object") || len(s.propertyNames(root)) == 0 {
		return nil, false
	}
	required := map[string]bool{}
	if list, ok := root.get("required").([]any); ok {
		for _, v := range list {
			if name, ok := v.(string); ok {
				required[name] = true
			}
		}
	}
	var out []tryField
	for _, name := range s.propertyNames(root) {
		ps := s.property(root, name)
		f := tryField{Name: name, Label: titleOf(ps, name, l), Hint: translated(ps, "description", l), Required: required[name], schema: ps}
		if ps.object(kwDescription).str(l.Code) == "" && strings.EqualFold(ps.str("description"), ps.str("title")) {
			f.Hint = "" // a description that only repeats the title
		}
		if f.Kind = fieldKind(s, ps, &f, l); f.Kind == "" {
			return nil, false
		}
		out = append(out, f)
	}
	return out, true
}

// fieldKind chooses the control of a property, and fills a choice's
// options with their labels.
func fieldKind(s schemaDoc, ps *jsonObject, f *tryField, l *locale) string {
	if enum, ok := ps.get("enum").([]any); ok {
		for _, v := range enum {
			switch v.(type) {
			case string, json.Number:
				value := formValue(v)
				f.Options = append(f.Options, tryOption{Value: value, Label: enumLabel(ps, value, l)})
			default:
				return ""
			}
		}
		return "select"
	}
	switch t := ps.str("type"); t {
	case "string":
		if n, ok := ps.get("maxLength").(json.Number); ok {
			if limit, err := n.Float64(); err == nil && limit <= 200 {
				return "text"
			}
		}
		if ps.get("format") != nil {
			return "text"
		}
		return "textarea"
	case "integer", "number":
		return t
	case "boolean":
		return "checkbox"
	case "array":
		if items := s.items(ps); items.str("type") == "string" && items.get("enum") == nil {
			return "list"
		}
	}
	return ""
}

func formValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		var lines []string
		for _, e := range x {
			lines = append(lines, formValue(e))
		}
		return strings.Join(lines, "\n")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// input builds the plugin's input from the form; problems it finds are
// put on the fields.
func (t *tryData) input(l *locale) (json.RawMessage, bool) {
	if t.Raw {
		if !json.Valid([]byte(t.RawValue)) {
			t.RawError = l.T("try.json")
			return nil, false
		}
		return json.RawMessage(t.RawValue), true
	}
	in, ok := map[string]any{}, true
	for i := range t.Fields {
		f := &t.Fields[i]
		v := strings.TrimSpace(f.Value)
		switch {
		case f.Kind == "checkbox":
			in[f.Name] = v == "true"
		case v == "":
			// left out: the schema says whether that is allowed
		case f.Kind == "integer" || f.Kind == "number" || (f.Kind == "select" && numericOptions(f)):
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || (f.Kind == "integer" && n != float64(int64(n))) {
				f.Error, ok = l.T("try.number"), false
				continue
			}
			in[f.Name] = n
		case f.Kind == "list":
			var items []string
			for line := range strings.SplitSeq(v, "\n") {
				if s := strings.TrimSpace(line); s != "" {
					items = append(items, s)
				}
			}
			in[f.Name] = items
		default:
			in[f.Name] = f.Value
		}
	}
	b, _ := json.Marshal(in)
	return b, ok
}

func numericOptions(f *tryField) bool {
	enum, _ := f.schema.get("enum").([]any)
	return len(enum) > 0 && !slices.ContainsFunc(enum, func(v any) bool { _, ok := v.(json.Number); return !ok })
}

// handleTry runs a plugin on the form's input and shows its answer on the
// plugin's page.
func handleTry(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := loadPlugin(r, reg, h.deps.Hackathons, r.PathValue("slug"))
		if err != nil {
			return err
		}
		if d.Restricted { // as the API's invoke answers those who may not read it
			return errPage(store.ErrNotFound, "error.notfound")
		}
		l := localeFrom(r.Context())
		t := h.tryForm(d, l, r)
		if t == nil {
			return errPage(store.ErrConflict, "try.unavailable")
		}
		d.Try = t
		status := shownAgain(w, httperr.ErrUnprocessable) // an input the form cannot send
		if in, ok := t.input(l); ok {
			u, _ := caller(r)
			res, err := reg.Invoke(r.Context(), u, clientIP(r), d.Plugin.Slug, in)
			if aerr := t.answer(l, res, err); aerr != nil {
				return aerr
			}
			status = http.StatusOK
			if err != nil { // the form shows why: the status is the API's for it
				status = shownAgain(w, err)
			}
		}
		h.render(w, r, status, "plugin", d.title(), d)
		return nil
	}
}

// answer puts an invocation's output, or what went wrong, on the form. It
// returns the errors a page cannot show in the form.
func (t *tryData) answer(l *locale, res registry.Invocation, err error) error {
	var invalid valid.Errors
	switch {
	case err == nil:
		t.Output, t.Version, t.Millis = renderAnswer(l, t.outputSchema, res.Output), res.Version, int(res.Duration.Milliseconds())
		var b bytes.Buffer
		json.Indent(&b, res.Output, "", "  ")
		t.JSON = b.String()
	case errors.As(err, &invalid):
		for _, p := range invalid {
			name, text := inputProblem(l, p)
			if i := slices.IndexFunc(t.Fields, func(f tryField) bool { return f.Name == name }); i >= 0 && name != "" {
				t.Fields[i].Error = text
			} else if t.Raw {
				t.RawError = text
			} else {
				t.Errors = append(t.Errors, text)
			}
		}
	default:
		return t.refused(l, err)
	}
	return nil
}

// refused shows on the form why a valid input got no output: the plugin
// failed (a gateway status), the caller must wait, or the plugin cannot
// run now. Other errors are the error page's.
func (t *tryData) refused(l *locale, err error) error {
	switch a := httperr.Classify(err); a.Status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		t.Errors = append(t.Errors, l.T("try.failed", a.Detail))
	case http.StatusTooManyRequests:
		t.Errors = append(t.Errors, l.T("error.ratelimit"))
	case http.StatusConflict:
		t.Errors = append(t.Errors, message(l, err))
	default:
		return err
	}
	return nil
}
