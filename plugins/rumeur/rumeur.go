// Package rumeur is the rumeur plugin: it checks a message against rumours
// about attacks that established newsrooms have debunked, tolerating
// accents, case, plurals and typos, and answers with the debunks and their
// sources.
package rumeur

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/riposte-civic/riposte/plugins"
)

//go:embed manifest.yaml
var manifestYAML []byte

//go:embed data.yaml
var dataYAML []byte

func init() { plugins.Register(New()) }

// Threshold is the score from which a message is said to match a rumour.
const Threshold = 0.55

// MaxMessage is the longest message checked, in characters.
const MaxMessage = 5000

type text map[string]string // language → text

type rumour struct {
	ID       string   `yaml:"id"`
	Date     string   `yaml:"date"`
	Verdict  string   `yaml:"verdict"`
	Event    text     `yaml:"event"`
	Claim    text     `yaml:"claim"`
	Debunk   text     `yaml:"debunk"`
	Sources  []string `yaml:"sources"`
	Keywords []struct {
		Weight int      `yaml:"weight"`
		Terms  []string `yaml:"terms"`
	} `yaml:"keywords"`
	groups []group
}

type item struct {
	Text    text     `yaml:"text"`
	Sources []string `yaml:"sources"`
}

type dataset struct {
	Verdicts    map[string]text `yaml:"verdicts"`
	Conclusions struct {
		Match text `yaml:"match"` // verdict, event
		None  text `yaml:"none"`
	} `yaml:"conclusions"`
	Rumours []rumour `yaml:"rumours"`
	Advice  []item   `yaml:"advice"`
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
		panic("rumeur: data.yaml: " + err.Error())
	}
	for i := range p.data.Rumours {
		r := &p.data.Rumours[i]
		for _, k := range r.Keywords {
			g := group{weight: k.Weight}
			for _, s := range k.Terms {
				g.terms = append(g.terms, newTerm(s))
			}
			r.groups = append(r.groups, g)
		}
	}
	return p
}

// Manifest describes the plugin.
func (p *Plugin) Manifest() *plugins.Manifest { return p.manifest }

// Match is a debunked rumour that a message resembles.
type Match struct {
	ID           string   `json:"id"`
	Score        float64  `json:"score"`
	Verdict      string   `json:"verdict"`
	VerdictLabel string   `json:"verdict_label"`
	Event        string   `json:"event"`
	Date         string   `json:"date"`
	Claim        string   `json:"claim"`
	Debunk       string   `json:"debunk"`
	Sources      []string `json:"sources"`
}

// Advice is a piece of advice with its sources.
type Advice struct {
	Text    string   `json:"text"`
	Sources []string `json:"sources"`
}

// Answer is the plugin's output.
type Answer struct {
	// Conclusion says the answer in one sentence: the verdict on the
	// closest rumour, or that no known rumour matches.
	Conclusion string   `json:"conclusion"`
	Language   string   `json:"language"`
	Matches    []Match  `json:"matches"`
	Advice     []Advice `json:"advice"`
}

// Invoke checks a message against the debunked rumours.
func (p *Plugin) Invoke(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	var in struct {
		Message  string `json:"message"`
		Language string `json:"language"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, &plugins.InputError{Message: "the input must be an object with a message"}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if in.Language == "" {
		in.Language = "fr"
	}
	if err := check(in.Message, in.Language); err != nil {
		return nil, err
	}
	matches, err := p.match(ctx, newMessage(in.Message), in.Language)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Answer{Conclusion: p.conclusion(matches, in.Language), Language: in.Language,
		Matches: matches, Advice: p.advice(in.Language)})
}

// conclusion sums up the answer: the closest rumour's verdict and event,
// or that none matches.
func (p *Plugin) conclusion(matches []Match, lang string) string {
	if len(matches) == 0 {
		return p.data.Conclusions.None[lang]
	}
	return fmt.Sprintf(p.data.Conclusions.Match[lang], matches[0].VerdictLabel, matches[0].Event)
}

// check rejects inputs that cannot be answered.
func check(msg, lang string) error {
	switch {
	case lang != "fr" && lang != "en":
		return &plugins.InputError{Path: "input.language", Message: "must be fr or en"}
	case utf8.RuneCountInString(msg) > MaxMessage:
		return &plugins.InputError{Path: "input.message", Message: "is longer than 5000 characters: check a shorter extract"}
	case fold(msg) == "":
		return &plugins.InputError{Path: "input.message", Message: "has no words to check"}
	}
	return nil
}

// match scores the message against every rumour and keeps those at or
// above the threshold, best first.
func (p *Plugin) match(ctx context.Context, m message, lang string) ([]Match, error) {
	out := []Match{}
	for _, r := range p.data.Rumours {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s := m.score(r.groups)
		if s < Threshold {
			continue
		}
		out = append(out, Match{
			ID: r.ID, Score: math.Round(s*100) / 100,
			Verdict: r.Verdict, VerdictLabel: p.data.Verdicts[r.Verdict][lang],
			Event: r.Event[lang], Date: r.Date, Claim: r.Claim[lang], Debunk: r.Debunk[lang],
			Sources: r.Sources,
		})
	}
	slices.SortFunc(out, func(a, b Match) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

func (p *Plugin) advice(lang string) []Advice {
	out := make([]Advice, len(p.data.Advice))
	for i, a := range p.data.Advice {
		out[i] = Advice{Text: a.Text[lang], Sources: a.Sources}
	}
	return out
}
