package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
)

//go:embed lexicon.json
var lexiconJSON []byte

// text is a text in each language of the answers, fr and en.
type text map[string]string

// entry is one term of the lexicon.
type entry struct {
	ID      string   `json:"id"`
	Term    string   `json:"term"`   // its usual name
	Kind    string   `json:"kind"`   // see kinds
	Signal  string   `json:"signal"` // specific or ambiguous
	Forms   []string `json:"forms"`  // as the tool finds it, folded like the text
	Meaning text     `json:"meaning"`
	Why     text     `json:"why"`     // why it matters to a moderator
	Caution text     `json:"caution"` // its innocent uses
	Sources []string `json:"sources"` // public references that document it
}

// kinds are the kinds of entries.
var kinds = []string{
	"outlet",   // a media outlet or publication of the group
	"name",     // a name the group gives itself or its parts
	"slogan",   // a slogan
	"slur",     // a word it uses to condemn others
	"fighters", // a word for its fighters or their operations
	"symbol",   // a sign or an emoji
}

// Signals: how much a match says.
const (
	specific  = "specific"  // the forms have few ordinary uses
	ambiguous = "ambiguous" // the forms have ordinary uses
)

// form is one form of an entry, folded into words.
type form struct {
	entry int
	words []string
}

// lexicon is the list of terms and the index of their forms.
type lexicon struct {
	Entries []entry           `json:"entries"`
	byFirst map[string][]form // forms by their first word, longest first
}

// loadLexicon reads the embedded lexicon and indexes its forms.
func loadLexicon() (*lexicon, error) {
	var lex lexicon
	if err := json.Unmarshal(lexiconJSON, &lex); err != nil {
		return nil, fmt.Errorf("lexicon.json: %v", err)
	}
	lex.byFirst = map[string][]form{}
	for i, e := range lex.Entries {
		for _, f := range e.Forms {
			words := wordsOf(tokenize(f))
			if len(words) == 0 {
				return nil, fmt.Errorf("lexicon.json: %s: the form %q has no letters", e.ID, f)
			}
			lex.byFirst[words[0]] = append(lex.byFirst[words[0]], form{entry: i, words: words})
		}
	}
	for _, forms := range lex.byFirst {
		slices.SortStableFunc(forms, func(a, b form) int { return len(b.words) - len(a.words) })
	}
	return &lex, nil
}

func wordsOf(tokens []token) []string {
	words := make([]string, len(tokens))
	for i, t := range tokens {
		words[i] = t.word
	}
	return words
}
