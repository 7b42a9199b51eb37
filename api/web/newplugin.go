package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
)

// newRuntime is a way to run that the short form offers: its runtime
// type, whether it asks for an endpoint, and what it adds to the manifest
// after the runtime (the schemas and example a runnable plugin needs, to
// be adapted). The first is the default. A runtime added to Riposte is
// one more row, with its messages new.runtime.<type> and .hint.
type newRuntime struct {
	Type     string
	Endpoint bool
	starter  string
}

var newRuntimes = []newRuntime{
	{Type: plugins.RuntimeNone},
	{Type: plugins.RuntimeHTTP, Endpoint: true, starter: httpStarter},
}

// httpStarter is the input, output and example of a new http plugin: a
// text in, a result out, for its team to change.
const httpStarter = `# What the tool takes and gives back, as JSON Schemas: change them to fit your tool.
input_schema:
  type: object
  required: [text]
  additionalProperties: false
  properties:
    text:
      title: Text to check
      x-riposte-title: {fr: Texte à vérifier, en: Text to check}
      type: string
      minLength: 1
      maxLength: 5000
output_schema:
  type: object
  required: [result]
  x-riposte-headline: result
  properties:
    result:
      title: Result
      x-riposte-title: {fr: Résultat, en: Result}
      type: string
examples:
  - name: An example
    input: {text: "A message to check"}
`

// newLicenses are the licences offered first; any other SPDX identifier
// or expression can be typed.
var newLicenses = []string{"MIT", "Apache-2.0", "AGPL-3.0-or-later", "GPL-3.0-or-later", "MPL-2.0", "BSD-3-Clause",
	"EUPL-1.2", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0"}

// newLanguages are the languages offered as boxes; others are typed as
// codes.
var newLanguages = []string{"fr", "en", "ar"}

// otherLicense is the licence choice that reads the typed identifier.
const otherLicense = "other"

// newFields are the fields of the short form in order, which is the
// order of the error summary.
var newFields = []string{"name", "slug", "summary", "categories", "languages", "license", "repository", "runtime", "endpoint"}

// newPluginData is the short form that writes a new plugin's manifest.
type newPluginData struct {
	Name, Slug, Summary   string
	Categories, Languages []string
	OtherLanguages        string
	License, OtherLicense string
	Repository            string
	Runtime, Endpoint     string
	Maintainer            auth.User
	Errors                map[string]string // by field
	Problems              []newError        // the error summary, in field order
	General               []string          // problems no field of the form answers
}

// newError is one line of the error summary.
type newError struct {
	Field, Message string
}

// Choices of the form, for the template.
func (newPluginData) AllCategories() []string   { return plugins.Categories() }
func (newPluginData) AllLanguages() []string    { return newLanguages }
func (newPluginData) AllLicenses() []string     { return newLicenses }
func (newPluginData) AllRuntimes() []newRuntime { return newRuntimes }

// WASMGuide is where the plugin guide says how to build a tool as
// WebAssembly and register it: the short form does not, as the module is
// uploaded first.
func (newPluginData) WASMGuide() string { return wasmGuide }

const wasmGuide = "https://github.com/riposte-civic/riposte/blob/main/docs/plugin-guide.md#run-it-on-riposte-a-webassembly-plugin"

// Has reports whether a list of the form holds a value.
func (newPluginData) Has(list []string, v string) bool { return slices.Contains(list, v) }

// handleNewPluginForm shows the short form, catalogue-only by default.
func handleNewPluginForm(h *Handler) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		d := &newPluginData{Runtime: newRuntimes[0].Type, Maintainer: u}
		h.render(w, r, http.StatusOK, "newplugin", localeFrom(r.Context()).T("manifest.new"), d)
		return nil
	}
}

// handleNewPlugin writes the manifest from the short form, then registers
// the plugin or shows the manifest in the editor for review. A manifest
// posted here, as the editor once did, is registered as the editor does.
func handleNewPlugin(h *Handler, reg *registry.Service) handlerFunc {
	viaEditor := handleManifest(h, reg)
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		multipart := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
		if !multipart {
			r.ParseForm() // a body that cannot be read leaves the form empty, and says so
		}
		if multipart || r.PostForm.Has("manifest") {
			return viaEditor(w, r)
		}
		l := localeFrom(r.Context())
		d := readNewPlugin(r, u)
		text := d.manifest()
		if r.PostFormValue("action") == "review" {
			h.render(w, r, http.StatusOK, "manifest", l.T("manifest.new"), manifestData{Text: text, Review: true})
			return nil
		}
		p, err := reg.Create(r.Context(), u, []byte(text))
		var me *plugins.ManifestError
		switch {
		case err == nil:
			return seeOther(w, r, "/my/plugins/"+p.Slug, "created")
		case errors.As(err, &me):
			d.problems(l, me.Problems)
		case errors.Is(err, store.ErrConflict):
			d.problem("slug", l.T("new.slug.taken"))
		default:
			if ps := manifestProblems(err); ps != nil {
				d.problems(l, ps)
				break
			}
			return err
		}
		h.render(w, r, shownAgain(w, err), "newplugin", l.T("manifest.new"), d)
		return nil
	}
}

// readNewPlugin reads the short form; a slug left blank is suggested from
// the name.
func readNewPlugin(r *http.Request, u auth.User) *newPluginData {
	f := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	d := &newPluginData{Name: f("name"), Slug: strings.ToLower(f("slug")), Summary: f("summary"),
		Categories: r.PostForm["categories"], Languages: r.PostForm["languages"], OtherLanguages: f("other_languages"),
		License: f("license"), OtherLicense: f("other_license"), Repository: f("repository"),
		Runtime: f("runtime"), Endpoint: f("endpoint"), Maintainer: u}
	if d.Slug == "" {
		d.Slug = plugins.SuggestSlug(d.Name)
	}
	if !slices.ContainsFunc(newRuntimes, func(n newRuntime) bool { return n.Type == d.Runtime }) {
		d.Runtime = newRuntimes[0].Type
	}
	return d
}

// shortManifest is the manifest the short form writes, fields in the
// order of the manifest reference.
type shortManifest struct {
	Slug        string               `yaml:"slug"`
	Name        string               `yaml:"name"`
	Version     string               `yaml:"version"`
	Summary     string               `yaml:"summary"`
	Categories  []string             `yaml:"categories,flow"`
	Languages   []string             `yaml:"languages,flow"`
	License     string               `yaml:"license"`
	Repository  string               `yaml:"repository"`
	Maintainers []plugins.Maintainer `yaml:"maintainers"`
	Runtime     shortRuntime         `yaml:"runtime,flow"`
}

type shortRuntime struct {
	Type     string `yaml:"type"`
	Endpoint string `yaml:"endpoint,omitempty"`
}

// manifest writes the form as a YAML manifest, version 0.1.0, with the
// signed-in person as its maintainer.
func (d *newPluginData) manifest() string {
	m := shortManifest{Slug: d.Slug, Name: d.Name, Version: "0.1.0", Summary: d.Summary,
		Categories: d.Categories, Languages: d.languages(), License: d.license(), Repository: d.Repository,
		Maintainers: []plugins.Maintainer{{Name: d.Maintainer.Name, Email: d.Maintainer.Email}},
		Runtime:     shortRuntime{Type: d.Runtime}}
	i := slices.IndexFunc(newRuntimes, func(n newRuntime) bool { return n.Type == d.Runtime })
	if newRuntimes[i].Endpoint {
		m.Runtime.Endpoint = d.Endpoint
	}
	out, _ := yaml.Marshal(m) // plain strings and lists: cannot fail
	return string(out) + newRuntimes[i].starter
}

// languages are the boxes ticked and the codes typed, each once.
func (d *newPluginData) languages() []string {
	out := slices.Clone(d.Languages)
	for code := range strings.FieldsFuncSeq(strings.ToLower(d.OtherLanguages), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}

func (d *newPluginData) license() string {
	if d.License == otherLicense {
		return d.OtherLicense
	}
	return d.License
}

// problems puts a refused manifest's problems at the form's fields, in
// the page's words; the rest are listed apart, as the registry gave them.
func (d *newPluginData) problems(l *locale, ps []plugins.Problem) {
	for _, p := range ps {
		field, _, _ := strings.Cut(p.Path, ".")
		field, _, _ = strings.Cut(field, "[")
		if p.Path == "runtime.endpoint" {
			field = "endpoint"
		}
		switch {
		case slices.Contains(newFields, field) && plugins.Screened(p):
			d.problem(field, l.T("new.error.screened")+" "+p.Message)
		case field == "license" || field == "endpoint":
			d.problem(field, l.T("new.error."+field)+" ("+p.Message+")")
		case slices.Contains(newFields, field):
			d.problem(field, l.T("new.error."+field))
		default:
			d.General = append(d.General, p.String())
		}
	}
}

// problem sets a field's message, once.
func (d *newPluginData) problem(field, msg string) {
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if _, done := d.Errors[field]; done {
		return
	}
	d.Errors[field] = msg
	d.Problems = d.Problems[:0]
	for _, f := range newFields {
		if m, ok := d.Errors[f]; ok {
			d.Problems = append(d.Problems, newError{Field: f, Message: m})
		}
	}
}
