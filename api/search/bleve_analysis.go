package search

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	bunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// analyzers turn text into the terms the embedded index holds. Every text
// field is indexed twice: as folded words, which typos and prefixes are
// matched against like Meilisearch does, and as light stems, so that
// "élections" finds "élection" and "دعاية" finds "الدعاية".
type analyzers struct {
	folded analysis.Analyzer
	stems  analysis.Analyzer
	stem   stemFilter
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
	return &analyzers{
		folded: &analysis.DefaultAnalyzer{Tokenizer: tokenizer, TokenFilters: words},
		stems:  &analysis.DefaultAnalyzer{Tokenizer: tokenizer, TokenFilters: append(words[:len(words):len(words)], stem)},
		stem:   stem,
	}, nil
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
