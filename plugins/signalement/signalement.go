// Package signalement is the signalement plugin: where and how to report
// illegal or terrorist content found online, for the platform it was seen
// on, from the official pages of the French authorities and the platforms.
package signalement

import (
	"context"
	_ "embed"
	"encoding/json"
	"net/url"
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

type channel struct {
	Name    string   `yaml:"name"`
	URL     string   `yaml:"url"`
	How     text     `yaml:"how"`
	Sources []string `yaml:"sources"`
}

type platform struct {
	ID      string   `yaml:"id"`
	Hosts   []string `yaml:"hosts"`
	Names   []string `yaml:"names"`
	channel `yaml:",inline"`
}

type item struct {
	Text    text     `yaml:"text"`
	Sources []string `yaml:"sources"`
}

type dataset struct {
	Pharos    channel    `yaml:"pharos"`
	Platforms []platform `yaml:"platforms"`
	Include   []item     `yaml:"include"`
	Advice    []item     `yaml:"advice"`
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
		panic("signalement: data.yaml: " + err.Error())
	}
	return p
}

// Manifest describes the plugin.
func (p *Plugin) Manifest() *plugins.Manifest { return p.manifest }

// Platform names the platform a report is about.
type Platform struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Channel is a place to report the content.
type Channel struct {
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	How     string   `json:"how"`
	Sources []string `json:"sources"`
}

// Item is a piece of advice with its sources.
type Item struct {
	Text    string   `json:"text"`
	Sources []string `json:"sources"`
}

// Answer is the plugin's output.
type Answer struct {
	Language   string    `json:"language"`
	Recognised bool      `json:"recognised"`
	Platform   *Platform `json:"platform,omitempty"`
	Channels   []Channel `json:"channels"`
	Include    []Item    `json:"include"`
	Advice     []Item    `json:"advice"`
}

type input struct {
	URL      string `json:"url"`
	Platform string `json:"platform"`
	Language string `json:"language"`
}

// Invoke says where to report content seen at a URL or on a platform.
func (p *Plugin) Invoke(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	var in input
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, &plugins.InputError{Message: "the input must be an object with a url or a platform"}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	pf, err := p.recognise(in)
	if err != nil {
		return nil, err
	}
	return json.Marshal(p.answer(in.Language, pf))
}

// check applies the defaults and rejects inputs that cannot be answered.
func (in *input) check() error {
	in.URL, in.Platform = strings.TrimSpace(in.URL), strings.TrimSpace(in.Platform)
	if in.Language == "" {
		in.Language = "fr"
	}
	if in.Language != "fr" && in.Language != "en" {
		return &plugins.InputError{Path: "input.language", Message: "must be fr or en"}
	}
	if in.URL == "" && in.Platform == "" {
		return &plugins.InputError{Message: "give the url of the content or the name of the platform where you saw it"}
	}
	return nil
}

// recognise finds the platform from the URL's host, else from the name; it
// returns nil for a platform it does not know.
func (p *Plugin) recognise(in input) (*platform, error) {
	if in.URL != "" {
		host, ok := hostOf(in.URL)
		if !ok {
			return nil, &plugins.InputError{Path: "input.url", Message: "is not a web address such as https://x.com/account/status/123"}
		}
		if pf := p.byHost(host); pf != nil {
			return pf, nil
		}
	}
	if in.Platform == "" {
		return nil, nil
	}
	if host, ok := hostOf(in.Platform); ok && strings.Contains(host, ".") {
		if pf := p.byHost(host); pf != nil {
			return pf, nil
		}
	}
	return p.byName(in.Platform), nil
}

// hostOf returns the lowercase host of a web address, with or without its
// scheme.
func hostOf(raw string) (string, bool) {
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" || strings.ContainsFunc(host, unicode.IsSpace) {
		return "", false
	}
	return host, true
}

// byHost matches a host and its subdomains (m.facebook.com), never a
// longer name that merely ends the same way (notfacebook.com).
func (p *Plugin) byHost(host string) *platform {
	for i, pf := range p.data.Platforms {
		for _, h := range pf.Hosts {
			if host == h || strings.HasSuffix(host, "."+h) {
				return &p.data.Platforms[i]
			}
		}
	}
	return nil
}

// byName matches a platform's name, ignoring case, accents and punctuation:
// the whole name first ("x", "tik tok"), then any of its words of two
// letters or more ("the facebook page").
func (p *Plugin) byName(name string) *platform {
	key := fold(name)
	words := strings.Fields(key)
	for _, whole := range []bool{true, false} {
		for i, pf := range p.data.Platforms {
			for _, n := range pf.Names {
				n = fold(n)
				if (whole && n == key) || (!whole && len(n) >= 2 && slices.Contains(words, n)) {
					return &p.data.Platforms[i]
				}
			}
		}
	}
	return nil
}

// fold lowercases s, drops accents and turns runs of anything but letters
// and digits into single spaces.
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

func (p *Plugin) answer(lang string, pf *platform) Answer {
	a := Answer{
		Language: lang,
		Channels: []Channel{localise(p.data.Pharos, lang)},
		Include:  items(p.data.Include, lang),
		Advice:   items(p.data.Advice, lang),
	}
	if pf != nil {
		a.Recognised = true
		a.Platform = &Platform{ID: pf.ID, Name: pf.Name}
		a.Channels = append(a.Channels, localise(pf.channel, lang))
	}
	return a
}

func localise(c channel, lang string) Channel {
	return Channel{Name: c.Name, URL: c.URL, How: c.How[lang], Sources: c.Sources}
}

func items(in []item, lang string) []Item {
	out := make([]Item, len(in))
	for i, it := range in {
		out[i] = Item{Text: it.Text[lang], Sources: it.Sources}
	}
	return out
}
