package main

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is a word of a text, folded, with where it is in the text.
type token struct {
	word       string // folded: lowercase, no accents, Arabic letters unified
	start, end int    // its bytes in the text, marks included
}

// tokenize splits s into folded words. Letters and digits make words;
// a symbol such as an emoji is a word of its own; everything else
// (spaces, punctuation, apostrophes, hyphens) separates words. Marks
// (accents written apart, Arabic vowel marks), the tatweel, joiners,
// variation selectors and skin tones are ignored.
func tokenize(s string) []token {
	var (
		tokens []token
		word   strings.Builder
		start  = -1
	)
	flush := func(end int) {
		if start >= 0 {
			tokens = append(tokens, token{word: withoutPrefix(word.String()), start: start, end: end})
			word.Reset()
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case ignored(r):
			// part of the word around it, if any
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			word.WriteString(fold(r))
		case unicode.Is(unicode.So, r):
			flush(i)
			tokens = append(tokens, token{word: string(r), start: i, end: i + utf8.RuneLen(r)})
		default:
			flush(i)
		}
	}
	flush(len(s))
	return tokens
}

// ignored reports whether r is written on or between letters without
// being one: combining marks (accents, Arabic vowel marks), the tatweel
// that stretches Arabic words, joiners, the soft hyphen and emoji skin
// tones.
func ignored(r rune) bool {
	switch {
	case unicode.Is(unicode.Mn, r):
		return true
	case r == 'ـ', r == '\u200c', r == '\u200d', r == '\u00ad':
		return true
	case r >= 0x1F3FB && r <= 0x1F3FF: // skin tones
		return true
	}
	return false
}

// folds maps letters, once lowercased, to their plain form: Latin letters
// without accents (and the letters of Arabic transliteration), and the
// variants of Arabic letters that writers use interchangeably.
var folds = func() map[rune]string {
	m := map[rune]string{}
	for _, f := range []struct{ from, to string }{
		{"àáâãäåāăą", "a"}, {"çćĉċč", "c"}, {"ďđḍ", "d"}, {"ḏ", "dh"}, {"èéêëēĕėęěẹ", "e"},
		{"ğǧ", "g"}, {"ġḡ", "gh"}, {"ḥħ", "h"}, {"ḫẖ", "kh"}, {"ìíîïīĭįı", "i"}, {"ł", "l"},
		{"ñńň", "n"}, {"òóôõöøōŏő", "o"}, {"ŕř", "r"}, {"śşṣ", "s"}, {"š", "sh"}, {"ťṭ", "t"},
		{"ṯ", "th"}, {"ùúûüūŭůűų", "u"}, {"ýÿ", "y"}, {"źżžẓ", "z"}, {"ß", "ss"}, {"œ", "oe"},
		{"æ", "ae"}, {"أإآٱ", "ا"}, {"ة", "ه"}, {"ىئی", "ي"}, {"ؤ", "و"}, {"ک", "ك"},
	} {
		for _, r := range f.from {
			m[r] = f.to
		}
	}
	return m
}()

// fold returns r lowercased and folded.
func fold(r rune) string {
	r = unicode.ToLower(r)
	if s, ok := folds[r]; ok {
		return s
	}
	return string(r)
}

// withoutPrefix removes from an Arabic word the conjunction or
// preposition written before its article: والرافضة and بالرافضة become
// الرافضة, and للرافضة (li- and al-) becomes الرافضة too.
func withoutPrefix(w string) string {
	r := []rune(w)
	switch {
	case len(r) >= 5 && strings.ContainsRune("وفبك", r[0]) && r[1] == 'ا' && r[2] == 'ل':
		return string(r[1:])
	case len(r) >= 4 && r[0] == 'ل' && r[1] == 'ل':
		return "ال" + string(r[2:])
	}
	return w
}

// hit is one occurrence of a form of an entry in a text.
type hit struct {
	entry      int
	start, end int    // its bytes in the text
	form       string // the form, folded
}

// find returns the occurrences of the lexicon's forms in s, in order.
// Where forms overlap, the longest one starting first wins.
func (lex *lexicon) find(s string) []hit {
	tokens := tokenize(s)
	var hits []hit
	for i := 0; i < len(tokens); {
		f, ok := lex.longestAt(tokens[i:])
		if !ok {
			i++
			continue
		}
		n := len(f.words)
		hits = append(hits, hit{entry: f.entry, start: tokens[i].start, end: tokens[i+n-1].end, form: strings.Join(f.words, " ")})
		i += n
	}
	return hits
}

// longestAt returns the longest form the tokens begin with.
func (lex *lexicon) longestAt(tokens []token) (form, bool) {
	for _, f := range lex.byFirst[tokens[0].word] { // longest first
		if len(f.words) <= len(tokens) && slices.Equal(f.words, wordsOf(tokens[:len(f.words)])) {
			return f, true
		}
	}
	return form{}, false
}
