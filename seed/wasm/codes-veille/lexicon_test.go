package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func mustLexicon(t *testing.T) *lexicon {
	t.Helper()
	lex, err := loadLexicon()
	if err != nil {
		t.Fatal(err)
	}
	return lex
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// TestLexiconEntriesAreComplete checks what every entry owes its reader: an
// explanation, a reason, a caution in each language, and sources.
func TestLexiconEntriesAreComplete(t *testing.T) {
	lex := mustLexicon(t)
	if n := len(lex.Entries); n < 15 || n > 30 {
		t.Errorf("the lexicon has %d entries; keep it between 15 and 30, short and cautious", n)
	}
	ids := map[string]bool{}
	for _, e := range lex.Entries {
		if !idPattern.MatchString(e.ID) || ids[e.ID] {
			t.Errorf("entry %q: the id must be unique, lowercase letters, digits and hyphens", e.ID)
		}
		ids[e.ID] = true
		if e.Term == "" || !slices.Contains(kinds, e.Kind) || (e.Signal != specific && e.Signal != ambiguous) {
			t.Errorf("%s: term %q, kind %q (want one of %v), signal %q (want specific or ambiguous)", e.ID, e.Term, e.Kind, kinds, e.Signal)
		}
		if len(e.Forms) == 0 {
			t.Errorf("%s: no forms", e.ID)
		}
		for field, tx := range map[string]text{"meaning": e.Meaning, "why": e.Why, "caution": e.Caution} {
			for _, lang := range []string{"fr", "en"} {
				if strings.TrimSpace(tx[lang]) == "" {
					t.Errorf("%s: %s has no %s text", e.ID, field, lang)
				}
			}
		}
		if len(e.Sources) == 0 || slices.Contains(e.Sources, "") {
			t.Errorf("%s: every entry cites at least one public source, and no empty one", e.ID)
		}
	}
}

// TestEveryFormFindsItsEntryAlone checks that each form, folded as a text
// is, is found, and only as its own entry: no form is shadowed by
// another, and no two forms fold alike.
func TestEveryFormFindsItsEntryAlone(t *testing.T) {
	lex := mustLexicon(t)
	owner := map[string]string{} // folded form → entry id
	for _, e := range lex.Entries {
		for _, f := range e.Forms {
			folded := strings.Join(wordsOf(tokenize(f)), " ")
			if other, dup := owner[folded]; dup {
				t.Errorf("%s: the form %q folds to %q, like a form of %s", e.ID, f, folded, other)
			}
			owner[folded] = e.ID
			hits := lex.find(f)
			if len(hits) != 1 || lex.Entries[hits[0].entry].ID != e.ID || hits[0].start != 0 || hits[0].end != len(f) {
				t.Errorf("%s: the form %q alone is found as %v, want the whole of it as %s", e.ID, f, hits, e.ID)
			}
		}
	}
}
