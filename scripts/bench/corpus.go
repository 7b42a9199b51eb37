package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode/utf8"
)

// corpus generates plugins and queries for the search benchmarks: a
// vocabulary of 5,000 words (2,000 French-like, 2,000 English-like, 1,000
// Arabic-like, built from syllables), used with Zipf frequencies, so that a
// few words are everywhere and most are rare, as in real text.
type corpus struct {
	rng   *rand.Rand
	vocab map[string][]string // language → words, most frequent first
	zipf  map[string]*rand.Zipf
}

var syllables = map[string][]string{
	"fr": {"pro", "pa", "gan", "de", "ré", "seau", "vi", "gi", "lan", "ce", "tion", "ra", "di", "ca", "li", "sa", "con", "tre",
		"dis", "cours", "mé", "dia", "in", "for", "ma", "é", "lec", "to", "ral", "jeu", "nes", "so", "da", "ri", "té", "ac",
		"cueil", "ur", "gen", "bri", "pré", "ven", "ci", "toy", "quar", "tier"},
	"en": {"pro", "pa", "gan", "da", "de", "tec", "tion", "net", "work", "hate", "speech", "coun", "ter", "re", "port", "ing",
		"safe", "ty", "check", "map", "ci", "vic", "en", "gage", "ment", "news", "fact", "ver", "fy", "mod", "bot", "trust",
		"help", "line", "com", "mu", "ni", "shel", "al", "ert"},
	"ar": {"ب", "ت", "ث", "ج", "ح", "خ", "د", "ر", "ز", "س", "ش", "ص", "ط", "ع", "غ", "ف", "ق", "ك", "ل", "م", "ن", "ه", "و", "ي",
		"ا", "ة"},
}

func newCorpus(seed uint64) *corpus {
	c := &corpus{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), vocab: map[string][]string{}, zipf: map[string]*rand.Zipf{}}
	// In a fixed order, so that a seed always gives the same corpus: the
	// servers of one run, and runs on different days, search the same text.
	for _, l := range []struct {
		lang string
		n    int
	}{{"fr", 2000}, {"en", 2000}, {"ar", 1000}} {
		lang, n := l.lang, l.n
		seen := map[string]bool{}
		for len(c.vocab[lang]) < n {
			w := c.word(lang)
			if !seen[w] {
				seen[w] = true
				c.vocab[lang] = append(c.vocab[lang], w)
			}
		}
		c.zipf[lang] = rand.NewZipf(c.rng, 1.07, 2, uint64(n-1))
	}
	return c
}

func (c *corpus) word(lang string) string {
	syl := syllables[lang]
	n := 2 + c.rng.IntN(3)
	if lang == "ar" {
		n = 3 + c.rng.IntN(3)
	}
	var b strings.Builder
	for range n {
		b.WriteString(syl[c.rng.IntN(len(syl))])
	}
	return b.String()
}

func (c *corpus) words(lang string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = c.vocab[lang][c.zipf[lang].Uint64()]
	}
	return out
}

var (
	benchCategories = []string{"counter-speech", "detection", "reporting", "emergency", "prevention", "education", "research", "civic-engagement"}
	benchLicenses   = []string{"MIT", "Apache-2.0", "AGPL-3.0-or-later", "GPL-3.0-only", "CC-BY-4.0", "EUPL-1.2", "MPL-2.0"}
)

// manifest returns a catalogue-entry manifest for plugin i in JSON.
func (c *corpus) manifest(i int, version string) string {
	lang := []string{"fr", "en", "ar", "fr", "en"}[i%5]
	langs := []string{lang}
	if c.rng.IntN(3) == 0 {
		langs = append(langs, []string{"fr", "en", "ar"}[(i+1)%3])
	}
	if len(langs) == 2 && langs[0] == langs[1] {
		langs = langs[:1]
	}
	cats := []string{benchCategories[c.rng.IntN(len(benchCategories))]}
	if other := benchCategories[c.rng.IntN(len(benchCategories))]; c.rng.IntN(2) == 0 && other != cats[0] {
		cats = append(cats, other)
	}
	tags := c.words(lang, 3)
	for j := range tags {
		if utf8.RuneCountInString(tags[j]) > 32 {
			tags[j] = string([]rune(tags[j])[:32])
		}
	}
	tags = unique(tags)
	name := strings.Join(c.words(lang, 2+c.rng.IntN(2)), " ")
	if utf8.RuneCountInString(name) > 80 {
		name = string([]rune(name)[:80])
	}
	return fmt.Sprintf(`{"slug":"s-%d","name":%q,"version":%q,"summary":%q,"description":%q,"categories":%s,"languages":%s,
		"tags":%s,"license":%q,"repository":"https://example.org/s-%d","maintainers":[{"name":"Bench","email":"bench@example.org"}],
		"runtime":{"type":"none"}}`, i, capitalise(name), version,
		strings.Join(c.words(lang, 8+c.rng.IntN(8)), " "), strings.Join(c.words(lang, 30+c.rng.IntN(30)), " "),
		jsonList(cats), jsonList(langs), jsonList(tags), benchLicenses[c.rng.IntN(len(benchLicenses))], i)
}

// capitalise upper-cases the first letter, whatever its script.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

func unique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func jsonList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// queries returns n queries of 1 to 3 words in the three languages, a
// third of them with a typo in a word long enough to allow one.
func (c *corpus) queries(n int) []string {
	out := make([]string, n)
	for i := range out {
		lang := []string{"fr", "en", "ar"}[i%3]
		words := c.words(lang, 1+c.rng.IntN(3))
		if i%3 == 1 {
			for j, w := range words {
				if r := []rune(w); len(r) >= 5 {
					k := 1 + c.rng.IntN(len(r)-2)
					r[k] = []rune(syllables[lang][c.rng.IntN(len(syllables[lang]))])[0]
					words[j] = string(r)
					break
				}
			}
		}
		out[i] = strings.Join(words, " ")
	}
	return out
}

var (
	sharedMu      sync.Mutex
	sharedCorpora = map[uint64]*corpus{}
)

// sharedCorpus returns the corpus of seed, built once per process.
func sharedCorpus(seed uint64) *corpus {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if c, ok := sharedCorpora[seed]; ok {
		return c
	}
	c := newCorpus(seed)
	sharedCorpora[seed] = c
	return c
}

// fork returns a corpus with c's vocabulary and a random source of its own
// seeded by seed, safe to use beside c in another goroutine.
func (c *corpus) fork(seed uint64) *corpus {
	f := &corpus{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), vocab: c.vocab, zipf: map[string]*rand.Zipf{}}
	for lang, words := range c.vocab {
		f.zipf[lang] = rand.NewZipf(f.rng, 1.07, 2, uint64(len(words)-1))
	}
	return f
}
