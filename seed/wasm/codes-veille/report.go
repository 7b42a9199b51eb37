package main

import (
	"fmt"
	"strings"
)

// Output is the answer; it must match output_schema.
type Output struct {
	Language string  `json:"language"`
	Summary  string  `json:"summary"`  // the headline: how many terms, which
	Found    int     `json:"found"`    // terms found
	Specific int     `json:"specific"` // of which specific to the group's propaganda
	Matches  []Match `json:"matches"`  // in the order they first appear
	Notice   string  `json:"notice"`   // how to read the answer
}

// Match is a term of the lexicon found in the text.
type Match struct {
	ID          string   `json:"id"`
	Term        string   `json:"term"`
	Kind        string   `json:"kind"`
	Signal      string   `json:"signal"`
	Found       string   `json:"found"`       // as written, where it first appears
	Normalized  string   `json:"normalized"`  // the form found, folded
	Occurrences int      `json:"occurrences"` // how many times the text has it
	Meaning     string   `json:"meaning"`
	Why         string   `json:"why"`
	Caution     string   `json:"caution"`
	Sources     []string `json:"sources"`
}

// report gathers the hits in s by term and writes the headline in lang.
func report(lex *lexicon, s string, hits []hit, lang string) Output {
	out := Output{Language: lang, Matches: []Match{}, Notice: wording[lang].notice}
	at := map[int]int{} // entry → its index in out.Matches
	for _, h := range hits {
		if i, seen := at[h.entry]; seen {
			out.Matches[i].Occurrences++
			continue
		}
		e := lex.Entries[h.entry]
		at[h.entry] = len(out.Matches)
		out.Matches = append(out.Matches, Match{
			ID: e.ID, Term: e.Term, Kind: e.Kind, Signal: e.Signal,
			Found: s[h.start:h.end], Normalized: h.form, Occurrences: 1,
			Meaning: e.Meaning[lang], Why: e.Why[lang], Caution: e.Caution[lang], Sources: e.Sources,
		})
		if e.Signal == specific {
			out.Specific++
		}
	}
	out.Found = len(out.Matches)
	out.Summary = summary(out, lang)
	return out
}

// words are the sentences of the answer in one language. Those with
// counts have a singular and a plural form.
type words struct {
	none     string
	found    [2]string // n terms found: list
	all      [2]string // all specific
	ordinary [2]string // none specific
	some     [2]string // s of them specific,
	rest     [2]string // and the other one or others not
	notice   string
}

var wording = map[string]words{
	"fr": {
		none:     "Aucun terme du lexique trouvé. Le lexique est court et prudent : un texte sans résultat n'est pas pour autant anodin.",
		found:    [2]string{"1 terme du lexique trouvé : %s.", "%d termes du lexique trouvés : %s."},
		all:      [2]string{"Il est propre à la propagande de l'État islamique.", "Tous sont propres à la propagande de l'État islamique."},
		ordinary: [2]string{"Il a aussi des usages ordinaires : lisez le contexte.", "Tous ont aussi des usages ordinaires : lisez le contexte."},
		some:     [2]string{"1 d'entre eux est propre à la propagande de l'État islamique", "%d d'entre eux sont propres à la propagande de l'État islamique"},
		rest:     [2]string{" ; l'autre a aussi des usages ordinaires.", " ; les autres ont aussi des usages ordinaires."},
		notice:   "Un terme trouvé est une raison de regarder de plus près, jamais une preuve : lisez le message entier et son contexte avant toute décision.",
	},
	"en": {
		none:     "No lexicon term found. The lexicon is short and cautious: a text without results is not necessarily harmless.",
		found:    [2]string{"1 lexicon term found: %s.", "%d lexicon terms found: %s."},
		all:      [2]string{"It is specific to Islamic State propaganda.", "All are specific to Islamic State propaganda."},
		ordinary: [2]string{"It also has ordinary uses: read the context.", "All also have ordinary uses: read the context."},
		some:     [2]string{"1 of them is specific to Islamic State propaganda", "%d of them are specific to Islamic State propaganda"},
		rest:     [2]string{"; the other also has ordinary uses.", "; the others also have ordinary uses."},
		notice:   "A term found is a reason to look closer, never proof: read the whole message and its context before any decision.",
	},
}

// summary is the headline: how many terms were found, which, and how many
// of them are specific to the group's propaganda.
func summary(out Output, lang string) string {
	w := wording[lang]
	if out.Found == 0 {
		return w.none
	}
	terms := make([]string, len(out.Matches))
	for i, m := range out.Matches {
		terms[i] = m.Term
	}
	head := counted(w.found, out.Found, strings.Join(terms, ", "))
	var tail string
	switch {
	case out.Specific == out.Found:
		tail = w.all[plural(out.Found)]
	case out.Specific == 0:
		tail = w.ordinary[plural(out.Found)]
	default:
		tail = counted(w.some, out.Specific) + w.rest[plural(out.Found-out.Specific)]
	}
	return head + " " + tail
}

// counted formats the singular or plural sentence for n.
func counted(forms [2]string, n int, args ...any) string {
	if n == 1 {
		return fmt.Sprintf(forms[0], args...)
	}
	return fmt.Sprintf(forms[1], append([]any{n}, args...)...)
}

// plural is 0 for one, 1 for more.
func plural(n int) int {
	if n == 1 {
		return 0
	}
	return 1
}
