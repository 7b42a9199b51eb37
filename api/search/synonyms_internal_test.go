package search

import (
	"strings"
	"testing"
)

func TestSynonymsFileIsValid(t *testing.T) {
	lx, err := parseLexicon(synonymsFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(lx.groups) == 0 || len(lx.stopWords) == 0 {
		t.Fatalf("synonyms.yaml holds %d groups and %d stop words", len(lx.groups), len(lx.stopWords))
	}
	for _, g := range lx.groups {
		for _, term := range g {
			for _, w := range strings.Fields(term) {
				if len(strings.Fields(term)) == 1 && isStop(lx, w) {
					t.Errorf("term %q of group %v is a stop word: queries never look it up", term, g)
				}
			}
		}
	}
}

func isStop(lx lexicon, w string) bool {
	for _, s := range lx.stopWords {
		if s == w {
			return true
		}
	}
	return false
}

func TestSynonymsFileRejectsMistakes(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"a group of one term", "groups: [[rumeur]]", "fewer than two terms"},
		{"a repeated term", "groups: [[rumeur, Rumeur]]", "repeated term"},
		{"an empty term", "groups: [[rumeur, \" \"]]", "empty"},
		{"an unknown key", "synonyms: [[a, b]]", "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseLexicon([]byte(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parse %q: %v, want an error saying %q", tc.file, err, tc.want)
			}
		})
	}
}

func TestQueryWordsLeaveStopWordsOutAndExpandSynonyms(t *testing.T) {
	an, err := newAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	var terms []string
	for _, w := range an.queryWords("signaler une vidéo de propagande") {
		terms = append(terms, w.term)
	}
	if strings.Join(terms, " ") != "signaler video propagande" {
		t.Errorf("query words %q, want the query without stop words", terms)
	}
	words := an.queryWords("شائعات")
	found := false
	for _, e := range words[0].synonyms {
		found = found || len(e.synonym) == 1 && e.synonym[0].term == "rumeur"
	}
	if !found {
		t.Errorf("شائعات does not expand to rumeur: %v", words[0].synonyms)
	}
	if w := an.queryWords("la"); len(w) != 1 || w[0].term != "la" {
		t.Errorf("a query of one stop word lost it: %v", w)
	}
}
