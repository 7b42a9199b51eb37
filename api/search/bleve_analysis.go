package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	bunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/registry"
	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/text/unicode/norm"
)

// analyzers turn text into the terms the embedded index holds. Every text
// field is indexed twice: as folded words, which typos and prefixes are
// matched against like Meilisearch does, and as light stems, so that
// "élections" finds "élection" and "دعاية" finds "الدعاية". The text is
// analysed once, into folded words, and the stems are derived from them
// (see analyse).
type analyzers struct {
	folded analysis.Analyzer
	stem   stemFilter
	// stop holds the folded stop words, which queries leave out.
	stop map[string]bool
	syn  thesaurus
}

// newAnalyzers builds the analyzers from Bleve's French, English and
// Arabic filters. They hold no state and are safe for concurrent use.
func newAnalyzers() (*analyzers, error) {
	c := registry.NewCache()
	tokenizer, err := c.TokenizerNamed(bunicode.Name)
	if err != nil {
		return nil, fmt.Errorf("analysis: %w", err)
	}
	names := []string{en.PossessiveName, lowercase.Name, fr.ElisionName, ar.NormalizeName,
		fr.LightStemmerName, en.PluralStemmerName, ar.StemmerName}
	filters := make([]analysis.TokenFilter, len(names))
	for i, name := range names {
		if filters[i], err = c.TokenFilterNamed(name); err != nil {
			return nil, fmt.Errorf("analysis: %w", err)
		}
	}
	words := []analysis.TokenFilter{filters[0], filters[1], filters[2], foldFilter{arabic: filters[3]}}
	stem := stemFilter{fr: filters[4], en: filters[5], ar: filters[6]}
	an := &analyzers{
		folded: &analysis.DefaultAnalyzer{Tokenizer: tokenizer, TokenFilters: words},
		stem:   stem,
	}
	lx := theLexicon()
	an.stop = map[string]bool{}
	for _, w := range lx.stopWords {
		for _, t := range an.folded.Analyze([]byte(w)) {
			an.stop[string(t.Term)] = true
		}
	}
	an.syn = an.thesaurus(lx.groups)
	return an, nil
}

// foldFilter removes accents (é → e) and splits ligatures (œ → oe), and
// normalises Arabic letters (إ → ا, ة → ه) and removes Arabic diacritics.
type foldFilter struct{ arabic analysis.TokenFilter }

func (f foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		if asciiOnly(t.Term) {
			continue
		}
		t.Term = foldTerm(t.Term)
		if hasArabic(t.Term) {
			f.arabic.Filter(analysis.TokenStream{t})
		}
	}
	return input
}

// foldTerm returns term without combining marks, in a new slice.
func foldTerm(term []byte) []byte {
	decomposed := norm.NFD.Bytes(term)
	out := make([]byte, 0, len(decomposed))
	for i := 0; i < len(decomposed); {
		r, n := utf8.DecodeRune(decomposed[i:])
		i += n
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'œ':
			out = append(out, "oe"...)
		case r == 'æ':
			out = append(out, "ae"...)
		case r == 'ß':
			out = append(out, "ss"...)
		default:
			out = utf8.AppendRune(out, r)
		}
	}
	return norm.NFC.Bytes(out)
}

func asciiOnly(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hasArabic reports whether a term holds a letter of the Arabic block.
func hasArabic(b []byte) bool {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r >= 0x0600 && r <= 0x06ff {
			return true
		}
		i += n
	}
	return false
}

// stemFilter replaces each folded word by its light stems: the Arabic stem
// of an Arabic word; the French and the English stems of any other, both at
// the word's position when they differ.
type stemFilter struct{ fr, en, ar analysis.TokenFilter }

func (s stemFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(input)+len(input)/2)
	for _, t := range input {
		first, second := s.stems(t.Term)
		t.Term = first
		out = append(out, t)
		if second != nil {
			other := *t
			other.Term = second
			out = append(out, &other)
		}
	}
	return out
}

// stems returns the stems of a folded word; second is nil when there is
// only one. The stemmers return new slices and leave term alone.
func (s stemFilter) stems(term []byte) (first, second []byte) {
	one := analysis.Token{Term: term}
	if hasArabic(term) {
		s.ar.Filter(analysis.TokenStream{&one})
		return one.Term, nil
	}
	s.fr.Filter(analysis.TokenStream{&one})
	first = one.Term
	one.Term = term
	s.en.Filter(analysis.TokenStream{&one})
	if string(one.Term) == string(first) {
		return first, nil
	}
	return first, one.Term
}

// stemCache keeps the stems of the words a goroutine has stemmed: a
// catalogue's words repeat, and stemming is a third of analysing. Cached
// stems are shared between tokens, which the index only reads. A nil
// cache stems every word.
type stemCache map[string][2][]byte

// maxStemCache bounds a stemCache: past it, words are stemmed each time.
const maxStemCache = 1 << 16

func (c stemCache) stems(s stemFilter, term []byte) (first, second []byte) {
	if c == nil {
		return s.stems(term)
	}
	if st, ok := c[string(term)]; ok {
		return st[0], st[1]
	}
	first, second = s.stems(term)
	if len(c) < maxStemCache {
		c[string(term)] = [2][]byte{first, second}
	}
	return first, second
}

// analyse analyses text once: its folded words, and their stems as the
// stem filter puts them after the folded ones (the same terms and
// positions as analysing the text again with the stem filter last).
func (an *analyzers) analyse(text string, cache stemCache) (folded, stems analysis.TokenStream) {
	folded = an.folded.Analyze([]byte(text))
	stems = make(analysis.TokenStream, 0, len(folded)+len(folded)/4)
	for _, t := range folded {
		first, second := cache.stems(an.stem, t.Term)
		s := *t
		s.Term = first
		stems = append(stems, &s)
		if second != nil {
			o := *t
			o.Term = second
			stems = append(stems, &o)
		}
	}
	return folded, stems
}

// analysed is an analyzer that returns the words of a field analysed
// beforehand, whatever it is given: the index computes their frequencies
// without analysing the text again.
type analysed analysis.TokenStream

func (a analysed) Analyze([]byte) analysis.TokenStream { return analysis.TokenStream(a) }

// document builds the Bleve document of d: each text field's folded words
// and their stems, analysed once, the field lengths (lengthsField), and d
// itself stored as JSON. It returns the lengths, the words in each text
// field.
func (an *analyzers) document(d Document, cache stemCache) (*document.Document, [len(textFields)]int, error) {
	var lengths [len(textFields)]int
	src, err := json.Marshal(d)
	if err != nil {
		return nil, lengths, fmt.Errorf("embedded search: %w", err)
	}
	doc := document.NewDocument(d.Slug)
	texts := [len(textFields)]string{d.Name, strings.Join(d.Tags, "\n"), d.Summary, d.Description}
	for i, f := range textFields {
		folded, stems := an.analyse(texts[i], cache)
		lengths[i] = len(folded)
		doc.AddField(document.NewTextFieldCustom(f.name, nil, []byte(texts[i]), index.IndexField, analysed(folded)))
		doc.AddField(document.NewTextFieldCustom(f.stems, nil, []byte(texts[i]), index.IndexField, analysed(stems)))
	}
	doc.AddField(document.NewTextFieldWithIndexingOptions(srcField, nil, src, index.StoreField))
	doc.AddField(document.NewTextFieldWithIndexingOptions(lengthsField, nil, encodeLengths(lengths), index.StoreField))
	return doc, lengths, nil
}

// documents builds the Bleve documents and the entries of docs, on every
// CPU: analysing is most of a write's work outside the index itself.
func (an *analyzers) documents(docs []Document) ([]*document.Document, []*entry, error) {
	out := make([]*document.Document, len(docs))
	entries := make([]*entry, len(docs))
	errs := make([]error, len(docs))
	workers := min(runtime.GOMAXPROCS(0), max(len(docs)/64, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			cache := stemCache{}
			for i := w; i < len(docs); i += workers {
				d := docs[i]
				if d.Slug == "" {
					errs[i] = errors.New("embedded search: a document has no slug")
					continue
				}
				d = cleaned(d)
				var lengths [len(textFields)]int
				out[i], lengths, errs[i] = an.document(d, cache)
				entries[i] = an.entry(d, &lengths)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return out, entries, nil
}

// token is a word of a displayed field, for highlighting: where it is in
// the text, its folded form and its stems.
type token struct {
	start, end int
	term       string
	stems      [2]string
}

// tokens analyses text into highlightable words.
func (an *analyzers) tokens(text string) []token {
	stream := an.folded.Analyze([]byte(text))
	out := make([]token, len(stream))
	for i, t := range stream {
		first, second := an.stem.stems(t.Term)
		out[i] = token{start: t.Start, end: t.End, term: string(t.Term), stems: [2]string{string(first), string(second)}}
	}
	return out
}

// synonymWord is a word of a synonym, folded, with its light stems (the
// second "" when there is only one).
type synonymWord struct {
	term  string
	stems [2]string
}

// synonym is a term of a synonym group as the embedded index holds it: its
// words without stop words, which a document must all hold.
type synonym []synonymWord

// expansion is a synonym a query word also matches, and the share of the
// synonym's score the word takes: all of it, or 1/n when n query words
// spell a term of the synonym's group together.
type expansion struct {
	synonym
	share float64
}

// thesaurus finds the synonym groups (synonyms.yaml) a query word belongs
// to: by its folded form or a light stem, so that "rumeurs", "Rumeur" and
// "الشائعات" all find the group of "rumeur" and "شائعات".
type thesaurus struct {
	groups [][]synonym
	keys   map[string][]int // a one-word term's folded form and stems → its groups
	spans  map[string][]int // a longer term's folded words, or first stems, joined by spaces → its groups
	// longest is the most words a term has.
	longest int
}

// thesaurus analyses the synonym groups as the index analyses text.
func (an *analyzers) thesaurus(groups [][]string) thesaurus {
	th := thesaurus{keys: map[string][]int{}, spans: map[string][]int{}}
	for g, terms := range groups {
		var group []synonym
		for _, term := range terms {
			s := an.synonym(term)
			if len(s) == 0 {
				continue
			}
			group = append(group, s)
			if len(s) > 1 {
				th.longest = max(th.longest, len(s))
				for _, k := range s.keys() {
					if !slices.Contains(th.spans[k], g) {
						th.spans[k] = append(th.spans[k], g)
					}
				}
				continue
			}
			for _, k := range []string{s[0].term, s[0].stems[0], s[0].stems[1]} {
				if k != "" && !slices.Contains(th.keys[k], g) {
					th.keys[k] = append(th.keys[k], g)
				}
			}
		}
		th.groups = append(th.groups, group)
	}
	return th
}

// synonym analyses a term of a synonym group.
func (an *analyzers) synonym(term string) synonym {
	var s, all synonym
	for _, t := range an.folded.Analyze([]byte(term)) {
		w := synonymWord{term: string(t.Term)}
		first, second := an.stem.stems(t.Term)
		w.stems[0], w.stems[1] = string(first), string(second)
		all = append(all, w)
		if !an.stop[w.term] {
			s = append(s, w)
		}
	}
	if len(s) == 0 {
		return all
	}
	return s
}

// expand returns the other terms of the groups a query word (folded, with
// its stems) belongs to, each once.
func (th thesaurus) expand(term string, stems [2][]byte) []expansion {
	var groups []int
	for _, k := range [3]string{term, string(stems[0]), string(stems[1])} {
		for _, g := range th.keys[k] {
			if !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}
	var out []expansion
	for _, g := range groups {
		for _, s := range th.groups[g] {
			if len(s) == 1 && s[0].term == term {
				continue
			}
			if !slices.ContainsFunc(out, func(o expansion) bool { return slices.Equal(o.synonym, s) }) {
				out = append(out, expansion{s, 1})
			}
		}
	}
	return out
}

// keys returns a term's words, folded, and their first stems, each joined
// by spaces.
func (s synonym) keys() [2]string {
	var terms, stems []string
	for _, w := range s {
		terms = append(terms, w.term)
		stems = append(stems, w.stems[0])
	}
	return [2]string{strings.Join(terms, " "), strings.Join(stems, " ")}
}

// expandSpans gives every word of a run of query words that spells a term
// of several words ("contre discours", "خطاب مضاد") the other terms of its
// groups. stems holds each word's first stem.
func (th thesaurus) expandSpans(words []queryWord, stems []string) {
	for i := range words {
		for n := 2; n <= th.longest && i+n <= len(words); n++ {
			terms := make([]string, n)
			for j := range n {
				terms[j] = words[i+j].term
			}
			joined := strings.Join(terms, " ")
			for _, k := range [2]string{joined, strings.Join(stems[i:i+n], " ")} {
				for _, g := range th.spans[k] {
					for _, s := range th.groups[g] {
						if len(s) == n && s.keys()[0] == joined {
							continue // the words themselves
						}
						for j := i; j < i+n; j++ {
							if !slices.ContainsFunc(words[j].synonyms, func(o expansion) bool { return slices.Equal(o.synonym, s) }) {
								words[j].synonyms = append(words[j].synonyms, expansion{s, 1 / float64(n)})
							}
						}
					}
				}
			}
		}
	}
}
