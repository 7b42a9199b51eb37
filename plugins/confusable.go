package plugins

import (
	"strings"
	"unicode"

	"github.com/mtibben/confusables"
	"golang.org/x/text/unicode/norm"
)

// Names that read alike. A plugin's slug and name are compared by their
// key (NameKey): two names with one key look the same to a reader, and
// two keys one edit apart (OneEdit) look nearly the same. The skeleton is
// the one of Unicode Technical Standard #39 ("Confusable Detection",
// https://www.unicode.org/reports/tr39/#Confusable_Detection), computed
// with github.com/mtibben/confusables from the standard's confusables.txt
// (version 13.0.0): a small package of tables and no dependency beyond
// golang.org/x/text, so no table of ours to keep up to date.

// MinFuzzyKey is the length, in characters of the key, from which two
// names one edit apart count as confusable. Shorter names differ by one
// letter on purpose ("rumeur", "rumeurs" are 6 and 7), and refusing them
// would take the short names away from everyone.
const MinFuzzyKey = 5

// NameKey is the form in which a slug or name is compared with others: the
// UTS #39 skeleton of its lower case in compatibility form (NFKC, so that
// full-width letters are letters), in lower case again, with accents,
// case, spaces and separators (-, _, ., &, …) dropped and ligatures spelt
// out. "Роrtes Ouvertes" with a Cyrillic Р and о, "portes_ouvertes",
// "PortesOuvertes" and "portes-ouvertes" all have the key
// "portesouvertes".
func NameKey(s string) string {
	k := confusables.Skeleton(strings.ToLower(norm.NFKC.String(s)))
	k = norm.NFD.String(ligatures.Replace(strings.ToLower(k)))
	var b strings.Builder
	for _, r := range k {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// nameWords are the words of a slug or name, each as a key: the pieces
// between spaces and separators.
func nameWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) }) {
		if k := NameKey(w); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// ConfusableKeys reports whether two keys (see NameKey) name plugins that
// a reader would take one for the other: the same key, or keys of at least
// MinFuzzyKey characters one edit apart.
func ConfusableKeys(a, b string) bool {
	if a == b {
		return a != ""
	}
	return min(len([]rune(a)), len([]rune(b))) >= MinFuzzyKey && OneEdit(a, b)
}

// Confusable reports whether two slugs or names are confusable: see
// NameKey and ConfusableKeys.
func Confusable(a, b string) bool { return ConfusableKeys(NameKey(a), NameKey(b)) }

// OneEdit reports whether a and b differ by exactly one edit: a character
// inserted, deleted or replaced, or two adjacent characters swapped (the
// optimal string alignment, or restricted Damerau–Levenshtein, distance
// is 1).
func OneEdit(a, b string) bool {
	x, y := []rune(a), []rune(b)
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(y)-len(x) > 1 {
		return false
	}
	i := 0
	for i < len(x) && x[i] == y[i] {
		i++
	}
	if i == len(x) {
		return len(x) != len(y) // one character added at the end, or none differs
	}
	if len(x) < len(y) { // one inserted at i
		return string(x[i:]) == string(y[i+1:])
	}
	if string(x[i+1:]) == string(y[i+1:]) { // one replaced at i
		return true
	}
	return i+1 < len(x) && x[i] == y[i+1] && x[i+1] == y[i] && string(x[i+2:]) == string(y[i+2:]) // two swapped
}
