// Package contrediscours is the contre-discours plugin: official
// counter-speech and prevention resources against jihadist propaganda, by
// theme and language, each with the pages that describe it.
package contrediscours

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"

	"github.com/riposte-civic/riposte/plugins"
)

//go:embed manifest.yaml
var manifestYAML []byte

//go:embed data.yaml
var dataYAML []byte

func init() { plugins.Register(New()) }

type text map[string]string // language → text

type resource struct {
	ID          string   `yaml:"id"`
	Kind        string   `yaml:"kind"`
	Country     string   `yaml:"country"`
	Themes      []string `yaml:"themes"`
	URL         string   `yaml:"url"`
	Phone       string   `yaml:"phone"`
	Title       text     `yaml:"title"`
	Hours       text     `yaml:"hours"`
	Description text     `yaml:"description"`
	Sources     []string `yaml:"sources"`
}

type dataset struct {
	// Themes maps each theme to the names people give it.
	Themes    map[string][]string `yaml:"themes"`
	Resources []resource          `yaml:"resources"`
}

// Plugin answers from the embedded dataset.
type Plugin struct {
	manifest *plugins.Manifest
	data     dataset
	aliases  map[string]string // folded name → theme
}

var _ plugins.Plugin = (*Plugin)(nil)

// New loads the plugin's manifest and data; it panics if they are broken,
// which the plugin's tests catch.
func New() *Plugin {
	p := &Plugin{manifest: plugins.ParseManifest(manifestYAML), aliases: map[string]string{}}
	if err := yaml.Unmarshal(dataYAML, &p.data); err != nil {
		panic("contre-discours: data.yaml: " + err.Error())
	}
	for theme, names := range p.data.Themes {
		p.aliases[fold(theme)] = theme
		for _, n := range names {
			p.aliases[fold(n)] = theme
		}
	}
	return p
}

// Manifest describes the plugin.
func (p *Plugin) Manifest() *plugins.Manifest { return p.manifest }

// Resource is a counter-speech or prevention resource.
type Resource struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"`
	Country     string   `json:"country"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	URL         string   `json:"url,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	Hours       string   `json:"hours,omitempty"`
	Sources     []string `json:"sources"`
}

// Answer is the plugin's output.
type Answer struct {
	Theme     string     `json:"theme"`
	Language  string     `json:"language"`
	Resources []Resource `json:"resources"`
}

// Invoke lists the resources for a theme in a language.
func (p *Plugin) Invoke(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	var in struct {
		Theme    string `json:"theme"`
		Language string `json:"language"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, &plugins.InputError{Message: "the input must be an object with a theme"}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if in.Language == "" {
		in.Language = "fr"
	}
	if in.Language != "fr" && in.Language != "en" {
		return nil, &plugins.InputError{Path: "input.language", Message: "must be fr or en"}
	}
	theme, ok := p.aliases[fold(in.Theme)]
	if !ok {
		return nil, &plugins.InputError{Path: "input.theme", Message: fmt.Sprintf(
			"unknown theme %q; choose one of: %s", in.Theme, strings.Join(p.themes(), ", "))}
	}
	return json.Marshal(Answer{Theme: theme, Language: in.Language, Resources: p.resources(theme, in.Language)})
}

// themes lists the themes by name.
func (p *Plugin) themes() []string {
	out := make([]string, 0, len(p.data.Themes))
	for t := range p.data.Themes {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// resources lists a theme's resources in the dataset's order.
func (p *Plugin) resources(theme, lang string) []Resource {
	out := []Resource{}
	for _, r := range p.data.Resources {
		if !slices.Contains(r.Themes, theme) {
			continue
		}
		out = append(out, Resource{
			ID: r.ID, Kind: r.Kind, Country: r.Country, URL: r.URL, Phone: r.Phone,
			Title: r.Title[lang], Description: r.Description[lang], Hours: r.Hours[lang],
			Sources: r.Sources,
		})
	}
	return out
}

// fold lowercases s, drops accents and turns runs of anything but letters
// and digits into single spaces, so that "Worried-family", "worried family"
// and "Théorie du complot" match their names in the dataset.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
