package rumeur

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold lowercases s, drops accents, spells out ligatures and turns runs of
// anything but letters and digits into single spaces.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// A term is a keyword or phrase to look for: its folded words, in order.
type term struct {
	words []string
	exact bool // no typo tolerance, for short names that look like common words
}

func newTerm(s string) term {
	exact := strings.HasPrefix(s, "=")
	return term{words: strings.Fields(fold(strings.TrimPrefix(s, "="))), exact: exact}
}

// A group is a set of alternative terms for one idea of a rumour.
type group struct {
	weight int
	terms  []term
}

// message is a text prepared for matching: its words in order, and where
// each distinct word occurs.
type message struct {
	words []string
	at    map[string][]int
}

func newMessage(s string) message {
	m := message{words: strings.Fields(fold(s)), at: map[string][]int{}}
	for i, w := range m.words {
		m.at[w] = append(m.at[w], i)
	}
	return m
}

// score is the weight of the groups the message contains a term of, over
// the weight of all groups: 0 for none, 1 for all.
func (m message) score(groups []group) float64 {
	var got, total int
	for _, g := range groups {
		total += g.weight
		for _, t := range g.terms {
			if m.has(t) {
				got += g.weight
				break
			}
		}
	}
	if total == 0 {
		return 0
	}
	return float64(got) / float64(total)
}

// has reports whether the message contains the term's words in a row.
func (m message) has(t term) bool {
	if len(t.words) == 0 {
		return false
	}
	for w, positions := range m.at {
		if !same(t.words[0], w, t.exact) {
			continue
		}
		if len(t.words) == 1 {
			return true
		}
		for _, p := range positions {
			if m.follows(p, t) {
				return true
			}
		}
	}
	return false
}

// follows reports whether the term's other words come right after p.
func (m message) follows(p int, t term) bool {
	if p+len(t.words) > len(m.words) {
		return false
	}
	for j, w := range t.words[1:] {
		if !same(w, m.words[p+1+j], t.exact) {
			return false
		}
	}
	return true
}

// same reports whether a word of the message is the term's word, give or
// take a plural ending and, unless exact, a typo or two.
func same(want, got string, exact bool) bool {
	if got == want {
		return true
	}
	if rest, ok := strings.CutPrefix(got, want); ok && (rest == "s" || rest == "x" || rest == "e" || rest == "es") {
		return true
	}
	if exact {
		return false
	}
	n := utf8.RuneCountInString(want)
	limit := tolerance(n)
	if limit == 0 || abs(utf8.RuneCountInString(got)-n) > limit {
		return false
	}
	return distance([]rune(want), []rune(got), limit) <= limit
}

// tolerance is the number of typos allowed in a word of n letters.
func tolerance(n int) int {
	switch {
	case n <= 5:
		return 0
	case n <= 8:
		return 1
	default:
		return 2
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// distance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and swaps of neighbours), or
// limit+1 as soon as it is known to exceed limit.
func distance(a, b []rune, limit int) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
