package search

import (
	_ "embed"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// synonymsFile holds the synonym groups and stop words of French, English
// and Arabic that every search reads: the engines and the database
// fallback. Its header says how to add to it.
//
//go:embed synonyms.yaml
var synonymsFile []byte

// lexicon is synonymsFile, parsed: each group's terms lower-cased and
// trimmed, the stop words of every language together.
type lexicon struct {
	groups    [][]string
	stopWords []string
}

// parseLexicon parses a synonyms file and checks it: every group holds two
// terms or more, no term is empty, no term repeats in its group.
func parseLexicon(data []byte) (lexicon, error) {
	var raw struct {
		Groups    [][]string          `yaml:"groups"`
		StopWords map[string][]string `yaml:"stop_words"`
	}
	d := yaml.NewDecoder(strings.NewReader(string(data)))
	d.KnownFields(true)
	if err := d.Decode(&raw); err != nil {
		return lexicon{}, fmt.Errorf("synonyms: %w", err)
	}
	var lx lexicon
	for i, g := range raw.Groups {
		seen := map[string]bool{}
		terms := make([]string, 0, len(g))
		for _, t := range g {
			t = strings.ToLower(strings.Join(strings.Fields(t), " "))
			if t == "" || seen[t] {
				return lexicon{}, fmt.Errorf("synonyms: group %d (%s): empty or repeated term %q", i+1, strings.Join(g, ", "), t)
			}
			seen[t] = true
			terms = append(terms, t)
		}
		if len(terms) < 2 {
			return lexicon{}, fmt.Errorf("synonyms: group %d (%s) has fewer than two terms", i+1, strings.Join(g, ", "))
		}
		lx.groups = append(lx.groups, terms)
	}
	for _, lang := range slices.Sorted(maps.Keys(raw.StopWords)) {
		for _, w := range raw.StopWords[lang] {
			if w = strings.ToLower(strings.TrimSpace(w)); w != "" && !slices.Contains(lx.stopWords, w) {
				lx.stopWords = append(lx.stopWords, w)
			}
		}
	}
	return lx, nil
}

// theLexicon is synonymsFile, parsed once. The file is part of the
// binary: TestSynonymsFileIsValid keeps it parseable.
var theLexicon = sync.OnceValue(func() lexicon {
	lx, err := parseLexicon(synonymsFile)
	if err != nil {
		panic(err)
	}
	return lx
})

// meiliSynonyms returns the groups as Meilisearch's synonyms setting:
// every term maps to the other terms of its groups, in order.
func meiliSynonyms(lx lexicon) map[string][]string {
	out := map[string][]string{}
	for _, g := range lx.groups {
		for _, t := range g {
			for _, other := range g {
				if other != t && !slices.Contains(out[t], other) {
					out[t] = append(out[t], other)
				}
			}
		}
	}
	for t := range out {
		slices.Sort(out[t])
	}
	return out
}

// PlainWords returns the words of a query the database fallback looks
// for, without stop words unless there are only stop words, at most
// maxWords; and, for the words that belong to synonym groups, the groups'
// other terms, which the database accepts in their place.
func PlainWords(text string) ([]string, map[string][]string) {
	lx := theLexicon()
	stop := make(map[string]bool, len(lx.stopWords))
	for _, w := range lx.stopWords {
		stop[plainKey(w)] = true
	}
	all := strings.Fields(text)
	var words []string
	for _, w := range all {
		if !stop[plainKey(w)] {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		words = all
	}
	words = words[:min(len(words), maxWords)]
	synonyms := map[string][]string{}
	for _, w := range words {
		key := plainKey(w)
		for _, g := range lx.groups {
			if !slices.ContainsFunc(g, func(t string) bool { return plainKey(t) == key }) {
				continue
			}
			for _, t := range g {
				if plainKey(t) != key && !slices.Contains(synonyms[w], t) {
					synonyms[w] = append(synonyms[w], t)
				}
			}
		}
	}
	return words, synonyms
}

// plainKey is a word as the fallback compares it with a synonym: lower
// case, without accents or Arabic marks, Arabic letter forms unified.
func plainKey(w string) string {
	return arabicForms.Replace(string(foldTerm([]byte(strings.ToLower(w)))))
}

var arabicForms = strings.NewReplacer("أ", "ا", "إ", "ا", "آ", "ا", "ة", "ه", "ى", "ي")
