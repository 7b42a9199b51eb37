// Package portesouvertes is the portes-ouvertes plugin: what to do and whom
// to call during an attack or an incident, by country and language, from
// cited official sources.
package portesouvertes

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/riposte-civic/riposte/plugins"
)

//go:embed manifest.yaml
var manifestYAML []byte

//go:embed data.yaml
var dataYAML []byte

// builtin is the plugin as registered, whose data Emergency reads.
var builtin = New()

func init() { plugins.Register(builtin) }

// Known reports whether the dataset holds a country, by its ISO 3166-1
// alpha-2 code ("FR").
func Known(code string) bool {
	_, ok := builtin.data.Countries[code]
	return ok
}

// Countries lists the codes of the countries the dataset holds, sorted.
func Countries() []string {
	return slices.Sorted(maps.Keys(builtin.data.Countries))
}

// Emergency returns what the plugin answers for a country in a language
// (fr, en or ar): its emergency numbers, official accounts and advice. It
// reports false for a country the dataset does not hold.
func Emergency(code, lang string) (Answer, bool) {
	c, ok := builtin.data.Countries[code]
	if !ok {
		return Answer{}, false
	}
	return builtin.answer(code, lang, c), true
}

type text map[string]string // language → text

type dataset struct {
	Sources   map[string]string   `yaml:"sources"`
	Countries map[string]country  `yaml:"countries"`
	Advice    map[string]guidance `yaml:"advice"`
}

// country is what the dataset holds for one country; Advice names its
// guidance.
type country struct {
	Name    text `yaml:"name"`
	Numbers []struct {
		Number  string   `yaml:"number"`
		Service text     `yaml:"service"`
		Sources []string `yaml:"sources"`
	} `yaml:"numbers"`
	Accounts []struct {
		Name    string   `yaml:"name"`
		URL     string   `yaml:"url"`
		Sources []string `yaml:"sources"`
	} `yaml:"accounts"`
	Advice string `yaml:"advice"`
}

// guidance is advice on how to react. Note, when set, says where steps
// shared by several countries come from; "{country}" in it stands for the
// country's name.
type guidance struct {
	Title   text                `yaml:"title"`
	Steps   map[string][]string `yaml:"steps"`
	Note    text                `yaml:"note"`
	Sources []string            `yaml:"sources"`
}

// Plugin answers from the embedded dataset.
type Plugin struct {
	manifest *plugins.Manifest
	data     dataset
}

var _ plugins.Plugin = (*Plugin)(nil)

// New loads the plugin's manifest and data; it panics if they are broken,
// which the plugin's tests catch.
func New() *Plugin {
	p := &Plugin{manifest: plugins.ParseManifest(manifestYAML)}
	if err := yaml.Unmarshal(dataYAML, &p.data); err != nil {
		panic("portes-ouvertes: data.yaml: " + err.Error())
	}
	return p
}

// Manifest describes the plugin.
func (p *Plugin) Manifest() *plugins.Manifest { return p.manifest }

// Number is an emergency number.
type Number struct {
	Number  string   `json:"number"`
	Service string   `json:"service"`
	Sources []string `json:"sources"`
}

// Account is an official source of information to follow.
type Account struct {
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Sources []string `json:"sources"`
}

// Advice is official guidance on how to react. Note, when present, says
// that the steps come from another country's guidance.
type Advice struct {
	Title   string   `json:"title"`
	Steps   []string `json:"steps"`
	Note    string   `json:"note,omitempty"`
	Sources []string `json:"sources"`
}

// Answer is the plugin's output.
type Answer struct {
	Country  string    `json:"country"`
	Language string    `json:"language"`
	Numbers  []Number  `json:"numbers"`
	Accounts []Account `json:"accounts"`
	Advice   Advice    `json:"advice"`
}

// Invoke answers for a country in a language.
func (p *Plugin) Invoke(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
	var in struct {
		Country  string `json:"country"`
		Language string `json:"language"`
	}
	if err := json.Unmarshal(input, &in); err != nil {
		return nil, &plugins.InputError{Message: "the input must be an object with a country"}
	}
	if in.Language == "" {
		in.Language = "fr"
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, ok := p.data.Countries[in.Country]
	if !ok {
		return nil, &plugins.InputError{Path: "input.country", Message: fmt.Sprintf("no data for %q yet", in.Country)}
	}
	return json.Marshal(p.answer(in.Country, in.Language, c))
}

// answer is what the plugin says about country c, whose code is code, in
// language lang.
func (p *Plugin) answer(code, lang string, c country) Answer {
	a := Answer{Country: code, Language: lang, Numbers: []Number{}, Accounts: []Account{}}
	for _, n := range c.Numbers {
		a.Numbers = append(a.Numbers, Number{Number: n.Number, Service: n.Service[lang], Sources: p.cite(n.Sources)})
	}
	for _, acc := range c.Accounts {
		a.Accounts = append(a.Accounts, Account{Name: acc.Name, URL: acc.URL, Sources: p.cite(acc.Sources)})
	}
	g := p.data.Advice[c.Advice]
	a.Advice = Advice{
		Title:   g.Title[lang],
		Steps:   g.Steps[lang],
		Note:    strings.ReplaceAll(g.Note[lang], "{country}", c.Name[lang]),
		Sources: p.cite(g.Sources),
	}
	return a
}

func (p *Plugin) cite(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = p.data.Sources[k]
	}
	return out
}
