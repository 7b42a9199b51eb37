package search

import (
	"cmp"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
)

// How the embedded engine reads a query, like Meilisearch: at most
// maxWords words, each matched with a typo budget by length, the last one
// also as a prefix; documents must match the first word, and rank by how
// many of the words they match in order, then by typos, then by the
// query's preferred category, then by BM25 relevance weighted by field and
// raised by trust (TrustBoost), then by trust.

// textField is a searchable field: its folded and its stemmed index
// fields, and its weight.
type textField struct {
	name, stems string
	weight      float64
}

// textFields are the searchable fields, most important first.
var textFields = [...]textField{
	{"name", "name.stems", 8},
	{"tags", "tags.stems", 4},
	{"summary", "summary.stems", 2},
	{"description", "description.stems", 1},
}

// Score factors of a match that is not the word itself.
const (
	prefixFactor  = 0.8
	oneTypoFactor = 0.5
	twoTypoFactor = 0.3
	stemFactor    = 0.5
	// synonymFactor weighs a synonym of a query word (synonyms.yaml),
	// which matches through its stems, a little below the word itself;
	// like a stem, it counts as a typo, so that documents holding the
	// very words rank first among those matching as many words.
	synonymFactor = 0.8
	// maxCandidates bounds the indexed words one query word expands to.
	maxCandidates = 50
	// noMatch is a document's code before any word matched it: two bits
	// per word, 3 meaning unmatched, else the fewest typos it matched with.
	noMatch = ^uint32(0)
)

// queryWord is a word of the query, folded like indexed words.
type queryWord struct {
	term     string
	budget   int         // typos allowed
	prefix   bool        // the last word, not followed by a space
	stems    [2]string   // light stems worth matching, or ""
	synonyms []expansion // the other terms of its synonym groups
}

// queryWords tokenises text with the index's own analysis; nothing in it
// is an operator. Stop words are left out, unless the query holds nothing
// else or one is the last word, still being typed.
func (an *analyzers) queryWords(text string) []queryWord {
	stream := an.folded.Analyze([]byte(text))
	kept := stream[:0:0]
	for i, t := range stream {
		if len(t.Term) > 0 && (!an.stop[string(t.Term)] || i == len(stream)-1 && t.End == len(text)) {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 || len(kept) == 1 && an.stop[string(kept[0].Term)] {
		kept = stream
	}
	words := make([]queryWord, 0, min(len(kept), maxWords))
	stems := make([]string, 0, cap(words)) // each word's first stem
	last := -1
	for _, t := range kept {
		if len(words) == maxWords {
			break
		}
		if len(t.Term) == 0 {
			continue
		}
		w := queryWord{term: string(t.Term), budget: typoBudget(t.Term)}
		first, second := an.stem.stems(t.Term)
		for i, stem := range [2][]byte{first, second} {
			if w.needs(string(stem)) {
				w.stems[i] = string(stem)
			}
		}
		w.synonyms = an.syn.expand(w.term, [2][]byte{first, second})
		words = append(words, w)
		stems = append(stems, string(first))
		last = t.End
	}
	an.syn.expandSpans(words, stems)
	if len(words) > 0 && last == len(text) {
		words[len(words)-1].prefix = true
	}
	return words
}

// needs reports whether matching a stem of the word can find words that
// typos cannot: always in Arabic, where articles and suffixes are longer
// than the typo budget; for a word allowing no typo; and when the stemmer
// took off more than the budget ("policies", "policy"). Elsewhere, the
// stem's variants are typos of the word ("élections", "élection"), found
// without reading the stems' postings again.
func (w queryWord) needs(stem string) bool {
	if stem == "" {
		return false
	}
	if w.budget == 0 || hasArabic([]byte(w.term)) {
		return true
	}
	return editDistance([]rune(w.term), []rune(stem), false) > w.budget
}

// typoBudget is Meilisearch's default: no typo up to 4 letters, one up to
// 8, two beyond.
func typoBudget(term []byte) int {
	switch n := utf8.RuneCount(term); {
	case n <= 4:
		return 0
	case n <= 8:
		return 1
	}
	return 2
}

// vocabulary is every folded word of a snapshot, for typo and prefix
// expansion.
type vocabulary struct {
	fst   *vellum.FST
	terms []vocabTerm // by FST value
}

type vocabTerm struct {
	fields uint8  // bit i: in textFields[i]
	freq   uint64 // documents holding it, in any field
}

// candidate is an indexed word a query word matches.
type candidate struct {
	term   string
	fields uint8
	typos  uint8
	exact  bool
	freq   uint64
}

// expand lists the indexed words within the word's typo budget (of a
// prefix of them, for the last word), exact first, then by typos, then by
// frequency, at most maxCandidates.
func (v *vocabulary) expand(w queryWord) ([]candidate, error) {
	if v.fst == nil {
		return nil, nil
	}
	if w.budget == 0 && !w.prefix {
		val, ok, err := v.fst.Get([]byte(w.term))
		if err != nil || !ok {
			return nil, err
		}
		t := v.terms[val]
		return []candidate{{term: w.term, fields: t.fields, exact: true, freq: t.freq}}, nil
	}
	it, err := v.iterator(w)
	var out []candidate
	for err == nil {
		key, val := it.Current()
		if typos, ok := wordTypos(w, key); ok {
			t := v.terms[val]
			out = append(out, candidate{term: string(key), fields: t.fields, typos: typos, exact: string(key) == w.term, freq: t.freq})
		}
		err = it.Next()
	}
	if !errors.Is(err, vellum.ErrIteratorDone) {
		return nil, err
	}
	slices.SortFunc(out, func(a, b candidate) int {
		if c := cmp.Compare(a.typos, b.typos); c != 0 {
			return c
		}
		if a.exact != b.exact {
			if a.exact {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.freq, a.freq); c != 0 {
			return c
		}
		return strings.Compare(a.term, b.term)
	})
	return out[:min(len(out), maxCandidates)], nil
}

// iterator walks the words a query word may match: those starting with it
// when no typo is allowed, else those within its typo budget.
func (v *vocabulary) iterator(w queryWord) (*vellum.FSTIterator, error) {
	if w.budget == 0 {
		end := []byte(w.term)
		end[len(end)-1]++ // never 0xff in UTF-8
		return v.fst.Iterator([]byte(w.term), end)
	}
	return v.fst.Search(newTypoAutomaton(w), nil, nil)
}

// typoAutomaton accepts the words within a query word's typo budget, or,
// for the last word, those with a prefix within it. It walks the FST with
// one column of the edit-distance table per state, so that it only visits
// the words' prefixes that can still match; a transposition is one typo,
// and a different first letter one more, as in Meilisearch.
type typoAutomaton struct {
	q      []rune
	budget int
	prefix bool
	states []typoState
	cols   []uint8 // column k is cols[k*(len(q)+1):(k+1)*(len(q)+1)]
}

type typoState struct {
	col, prevCol int32 // this word prefix's column, and the one before it
	r            rune  // the prefix's last letter
	depth        int32 // letters in the prefix
	penalty      uint8 // 1 when its first letter differs from the query's
	matched      bool  // a prefix of it is within the budget
	partial      [utf8.UTFMax]byte
	n            uint8 // bytes of an unfinished letter in partial
}

func newTypoAutomaton(w queryWord) *typoAutomaton {
	a := &typoAutomaton{q: []rune(w.term), budget: w.budget, prefix: w.prefix}
	for i := range len(a.q) + 1 {
		a.cols = append(a.cols, uint8(min(i, w.budget+2)))
	}
	a.states = append(a.states, typoState{prevCol: -1})
	return a
}

func (a *typoAutomaton) column(k int32) []uint8 {
	m := len(a.q) + 1
	return a.cols[int(k)*m : int(k+1)*m]
}

func (a *typoAutomaton) Start() int { return 0 }

func (a *typoAutomaton) IsMatch(s int) bool {
	st := &a.states[s]
	if st.matched || a.prefix {
		return st.matched
	}
	return st.n == 0 && int(a.column(st.col)[len(a.q)])+int(st.penalty) <= a.budget
}

func (a *typoAutomaton) CanMatch(s int) bool {
	st := &a.states[s]
	return st.matched || int(slices.Min(a.column(st.col)))+int(st.penalty) <= a.budget
}

func (a *typoAutomaton) WillAlwaysMatch(s int) bool { return a.states[s].matched }

func (a *typoAutomaton) Accept(s int, b byte) int {
	st := a.states[s]
	if st.matched {
		return s
	}
	st.partial[st.n] = b
	st.n++
	if !utf8.FullRune(st.partial[:st.n]) {
		a.states = append(a.states, st)
		return len(a.states) - 1
	}
	r, _ := utf8.DecodeRune(st.partial[:st.n])
	next := typoState{col: a.extend(st, r), prevCol: st.col, r: r, depth: st.depth + 1, penalty: st.penalty}
	if next.depth == 1 && r != a.q[0] {
		next.penalty = 1
	}
	next.matched = a.prefix && int(a.column(next.col)[len(a.q)])+int(next.penalty) <= a.budget
	a.states = append(a.states, next)
	return len(a.states) - 1
}

// extend adds the column of st's word prefix followed by r, and returns
// its number. Distances saturate above the budget.
func (a *typoAutomaton) extend(st typoState, r rune) int32 {
	m := len(a.q) + 1
	start := len(a.cols)
	a.cols = slices.Grow(a.cols, m)[:start+m]
	prev, col := a.column(st.col), a.cols[start:]
	ceiling := uint8(a.budget + 2)
	col[0] = uint8(min(int(st.depth)+1, int(ceiling)))
	for i := 1; i < m; i++ {
		cost := uint8(1)
		if a.q[i-1] == r {
			cost = 0
		}
		d := min(prev[i]+1, col[i-1]+1, prev[i-1]+cost)
		if st.depth >= 1 && i > 1 && a.q[i-1] == st.r && a.q[i-2] == r {
			d = min(d, a.column(st.prevCol)[i-2]+1)
		}
		col[i] = min(d, ceiling)
	}
	return int32(start / m)
}

// wordTypos counts the typos between a query word and an indexed word (its
// closest prefix, for the last query word), a different first letter
// counting as an extra typo, as in Meilisearch.
func wordTypos(w queryWord, term []byte) (uint8, bool) {
	if w.budget == 0 {
		return 0, true // a plain prefix
	}
	q, t := []rune(w.term), []rune(string(term))
	d := editDistance(q, t, w.prefix)
	if len(t) == 0 || q[0] != t[0] {
		d++
	}
	return uint8(min(d, 3)), d <= w.budget
}

// editDistance is the optimal string alignment distance between q and t,
// or between q and the closest prefix of t.
func editDistance(q, t []rune, prefix bool) int {
	prev2, prev, cur := make([]int, len(t)+1), make([]int, len(t)+1), make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(q); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if q[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && q[i-1] == t[j-2] && q[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prefix {
		return slices.Min(prev)
	}
	return prev[len(t)]
}

// scratch holds per-document accumulators of one search, indexed by
// document number; between searches every code is noMatch and every score
// zero.
type scratch struct {
	codes   []uint32
	scores  []float64
	touched []uint32
}

func (s *scratch) grow(n int) {
	if len(s.codes) >= n {
		return
	}
	s.codes = make([]uint32, n)
	for i := range s.codes {
		s.codes[i] = noMatch
	}
	s.scores = make([]float64, n)
}

func (s *scratch) add(doc uint64, score float64, word int, typos uint32) {
	c := s.codes[doc]
	if c == noMatch {
		s.touched = append(s.touched, uint32(doc))
	}
	shift := uint(2 * word)
	if (c>>shift)&3 > typos {
		c = c&^(3<<shift) | typos<<shift
	}
	s.codes[doc] = c
	s.scores[doc] += score
}

func (s *scratch) clear() {
	for _, d := range s.touched {
		s.codes[d] = noMatch
		s.scores[d] = 0
	}
	s.touched = s.touched[:0]
}

// bucket returns how many words, in query order from the first, a document
// matched, and the typos of those matches.
func bucket(code uint32, words int) (matched, typos int) {
	for ; matched < words; matched++ {
		t := int(code>>(2*matched)) & 3
		if t == 3 {
			break
		}
		typos += t
	}
	return matched, typos
}

// BM25 parameters, as in Lucene and Elasticsearch.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// execution is one search over one view.
type execution struct {
	v    *view
	r    *termReaders
	sc   *scratch
	pool *sync.Pool // of *scratch, for synonyms of several words
	term []byte
	read []string // stems of synonyms a word has matched
}

// match adds a word's matches to the accumulators: each candidate in each
// field holding it, each stem in each field.
func (x *execution) match(i int, w queryWord, cands []candidate) error {
	for _, c := range cands {
		factor := 1.0
		switch {
		case c.typos == 1:
			factor = oneTypoFactor
		case c.typos >= 2:
			factor = twoTypoFactor
		case !c.exact:
			factor = prefixFactor
		}
		for f, tf := range textFields {
			if c.fields&(1<<f) == 0 {
				continue
			}
			if err := x.add(c.term, f, tf.weight*factor, i, uint32(c.typos)); err != nil {
				return err
			}
		}
	}
	for _, stem := range w.stems {
		if stem == "" {
			continue
		}
		for f, tf := range textFields {
			if err := x.add(stem, len(textFields)+f, tf.weight*stemFactor, i, 1); err != nil {
				return err
			}
		}
	}
	read := x.read[:0]
	for _, e := range w.synonyms {
		if len(e.synonym) > 1 {
			if err := x.matchPhrase(i, e.synonym, synonymFactor*e.share); err != nil {
				return err
			}
			continue
		}
		for _, stem := range e.synonym[0].stems {
			if stem == "" || stem == w.stems[0] || stem == w.stems[1] || slices.Contains(read, stem) {
				continue
			}
			read = append(read, stem)
			if err := x.matchStem(i, stem, synonymFactor*e.share); err != nil {
				return err
			}
		}
	}
	x.read = read
	return nil
}

// matchStem adds the matches of a synonym's stem, as word i of the query:
// the stemmed fields hold every word's stems, so they find the synonym and
// its inflections at once, for a read of postings per field.
func (x *execution) matchStem(i int, stem string, factor float64) error {
	for f, tf := range textFields {
		if err := x.add(stem, len(textFields)+f, tf.weight*factor, i, 1); err != nil {
			return err
		}
	}
	return nil
}

// matchPhrase adds the matches of a synonym of several words of query word
// i: the documents that hold them all.
func (x *execution) matchPhrase(i int, s synonym, factor float64) error {
	sub := x.pool.Get().(*scratch)
	defer func() {
		sub.clear()
		x.pool.Put(sub)
	}()
	sub.grow(len(x.sc.codes))
	main := x.sc
	x.sc = sub
	defer func() { x.sc = main }()
	s = s[:min(len(s), maxWords)]
	for j, w := range s {
		for k, stem := range w.stems {
			if stem == "" || k == 1 && stem == w.stems[0] {
				continue
			}
			if err := x.matchStem(j, stem, factor); err != nil {
				return err
			}
		}
	}
	for _, d := range sub.touched {
		if words, _ := bucket(sub.codes[d], len(s)); words == len(s) {
			main.add(uint64(d), sub.scores[d], i, 1)
		}
	}
	return nil
}

// add adds the weighted BM25 score of a term in an index field (see
// view.fields) to every document holding it, reading Bleve's postings
// segment by segment.
func (x *execution) add(term string, field int, weight float64, word int, typos uint32) error {
	x.term = append(x.term[:0], term...)
	var n uint64
	for i, seg := range x.v.segs {
		d, err := x.r.dict(x.v, field, i)
		if err != nil {
			return err
		}
		pl, err := d.PostingsList(x.term, seg.deleted, x.r.postings[i])
		if err != nil {
			return err
		}
		x.r.postings[i] = pl
		n += pl.Count()
	}
	if n == 0 {
		return nil
	}
	docs := float64(len(x.v.order))
	idf := math.Log(1 + (docs-float64(n)+0.5)/(float64(n)+0.5))
	k0, k1 := bm25K1*(1-bm25B), bm25K1*bm25B/x.v.avgLength[field%len(textFields)]
	for i, seg := range x.v.segs {
		it := x.r.postings[i].Iterator(true, true, false, x.r.iterators[i])
		x.r.iterators[i] = it
		for {
			p, err := it.Next()
			if err != nil {
				return err
			}
			if p == nil {
				break
			}
			f, length := float64(p.Frequency()), fieldLength(p)
			x.sc.add(seg.offset+p.Number(), weight*idf*f*(bm25K1+1)/(f+k0+k1*length), word, typos)
		}
	}
	return nil
}

// fieldLength returns the number of words in the posting's field. Bleve
// stores it as the norm 1/√length; Bleve's own segments also give it as
// is, which spares a square root and a division.
func fieldLength(p segment.Posting) float64 {
	if n, ok := p.(interface{ NormUint64() uint64 }); ok {
		return float64(max(n.NormUint64(), 1))
	}
	if norm := p.Norm(); norm > 0 {
		return 1 / (norm * norm)
	}
	return 1
}

// termReaders are one search's term dictionaries and postings buffers,
// reused by later searches on the same view: Bleve's dictionaries are not
// safe for concurrent use.
type termReaders struct {
	dicts     [2 * len(textFields)][]segment.TermDictionary // by index field, then segment
	postings  []segment.PostingsList
	iterators []segment.PostingsIterator
}

func (r *termReaders) dict(v *view, field, seg int) (segment.TermDictionary, error) {
	if r.dicts[field] == nil {
		r.dicts[field] = make([]segment.TermDictionary, len(v.segs))
	}
	if d := r.dicts[field][seg]; d != nil {
		return d, nil
	}
	d, err := v.segs[seg].seg.Dictionary(v.fields[field])
	if err != nil {
		return nil, err
	}
	r.dicts[field][seg] = d
	return d, nil
}

// ranked is a document that passed the query, with its ranking keys.
type ranked struct {
	doc          uint32
	words, typos int
	preferred    bool    // in the query's PreferCategory
	score        float64 // text score raised by trust (TrustBoost)
	e            *entry
}

// before reports whether a ranks before b in the order.
func before(o Sort, a, b *ranked) bool {
	switch o {
	case Newest:
		if a.e.updated != b.e.updated {
			return a.e.updated > b.e.updated
		}
	case ByName:
		if a.e.sortKey != b.e.sortKey {
			return a.e.sortKey < b.e.sortKey
		}
	default:
		if a.words != b.words {
			return a.words > b.words
		}
		if a.typos != b.typos {
			return a.typos < b.typos
		}
		if a.preferred != b.preferred {
			return a.preferred
		}
		if a.score != b.score {
			return a.score > b.score
		}
		if a.e.doc.Trust != b.e.doc.Trust {
			return a.e.doc.Trust > b.e.doc.Trust
		}
	}
	return a.doc < b.doc
}

// topK keeps the k first documents in an order, in a heap whose root is
// the last of them.
type topK struct {
	order Sort
	k     int
	h     []ranked
	// all is set when every document pushed is kept: they are only
	// sorted at the end, without a heap.
	all bool
}

func (t *topK) push(r ranked) {
	switch {
	case t.all:
		t.h = append(t.h, r)
	case len(t.h) < t.k:
		t.h = append(t.h, r)
		for i := len(t.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !before(t.order, &t.h[p], &t.h[i]) {
				break
			}
			t.h[p], t.h[i] = t.h[i], t.h[p]
			i = p
		}
	case t.k > 0 && before(t.order, &r, &t.h[0]):
		t.h[0] = r
		t.down()
	}
}

func (t *topK) down() {
	for i := 0; ; {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(t.h) && before(t.order, &t.h[worst], &t.h[l]) {
			worst = l
		}
		if r < len(t.h) && before(t.order, &t.h[worst], &t.h[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		t.h[i], t.h[worst] = t.h[worst], t.h[i]
		i = worst
	}
}

// sorted returns the kept documents in order.
func (t *topK) sorted() []ranked {
	slices.SortFunc(t.h, func(a, b ranked) int {
		if before(t.order, &a, &b) {
			return -1
		}
		return 1
	})
	return t.h
}

// matcher tells which displayed words a query matched: a candidate word,
// or a word sharing a stem with a query word.
type matcher struct {
	terms map[string]bool
	stems map[string]bool
}

func newMatcher(words []queryWord, cands [][]candidate) matcher {
	m := matcher{terms: map[string]bool{}, stems: map[string]bool{}}
	for i, w := range words {
		for _, c := range cands[i] {
			m.terms[c.term] = true
		}
		for _, s := range w.stems {
			if s != "" {
				m.stems[s] = true
			}
		}
		for _, e := range w.synonyms {
			for _, sw := range e.synonym {
				m.terms[sw.term] = true
				for _, st := range sw.stems {
					if st != "" {
						m.stems[st] = true
					}
				}
			}
		}
	}
	return m
}

func (m matcher) matches(t token) bool {
	return m.terms[t.term] || m.stems[t.stems[0]] || t.stems[1] != "" && m.stems[t.stems[1]]
}

// mark returns the whole text with the matched words between MarkStart
// and MarkEnd.
func (m matcher) mark(text string, tokens []token) string {
	var b strings.Builder
	last := 0
	for _, t := range tokens {
		if !m.matches(t) {
			continue
		}
		b.WriteString(text[last:t.start])
		b.WriteString(MarkStart)
		b.WriteString(text[t.start:t.end])
		b.WriteString(MarkEnd)
		last = t.end
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// search runs q on one snapshot: expands the words, accumulates their
// matches term by term, then ranks, counts facets and highlights.
func (b *Bleve) search(v *view, q Query) (Result, error) {
	words := b.an.queryWords(q.Text)
	cands := make([][]candidate, len(words))
	for i, w := range words {
		c, err := v.expand(w)
		if err != nil {
			return Result{}, err
		}
		cands[i] = c
	}
	sc := b.scratch.Get().(*scratch)
	defer func() {
		sc.clear()
		b.scratch.Put(sc)
	}()
	sc.grow(len(v.entries))
	tr := v.readers.Get().(*termReaders)
	defer v.readers.Put(tr)
	x := execution{v: v, r: tr, sc: sc, pool: &b.scratch}
	for i, w := range words {
		if err := x.match(i, w, cands[i]); err != nil {
			return Result{}, err
		}
		if len(sc.touched) == 0 {
			break // nothing has the first word
		}
	}
	res, page := collect(v, sc, q, len(words))
	if len(page) > 0 {
		res.Hits = hits(page, newMatcher(words, cands))
	}
	return res, nil
}

// hits returns the page's documents with their highlights. The marked
// texts go through Highlighted at once, joined by a character that neither
// indexed text (cleaned) nor HTML escaping can hold: escaping each piece
// alone would give the same pieces.
func hits(page []ranked, m matcher) []Hit {
	const sep = "\x00"
	marked := make([]string, 0, 2*len(page))
	for _, p := range page {
		name, summary := p.e.words()
		marked = append(marked, m.mark(p.e.doc.Name, name), m.mark(p.e.doc.Summary, summary))
	}
	html := strings.Split(Highlighted(strings.Join(marked, sep)), sep)
	out := make([]Hit, len(page))
	for i, p := range page {
		out[i] = Hit{Document: p.e.doc, Highlight: Highlight{Name: html[2*i], Summary: html[2*i+1]}}
		detach(&out[i].Document)
	}
	return out
}

// collect keeps the documents that match the first word (every word, when
// sorting by something else than relevance) and pass the filters: it counts
// them, returns the page asked for, and counts facet values. Values of one
// field are OR-ed, so a field's values are counted over the documents
// passing every filter but the field's own (disjunctive faceting): a
// document failing one filtered field counts for that field's values only,
// one failing two counts nowhere. All of it in one pass.
func collect(v *view, sc *scratch, q Query, words int) (Result, []ranked) {
	order := q.Sort
	if order != Newest && order != ByName {
		order = Relevance
	}
	limit, offset := max(0, min(q.Limit, MaxLimit)), max(0, min(q.Offset, MaxOffset))
	switch {
	case words == 0 && len(q.Filters) == 0 && q.PreferCategory == "":
		if b := v.ranking(order); b != nil {
			return v.browse(b, offset, limit)
		}
		// The catalogue's ranking is not ready: one page costs less than
		// waiting for it.
	case words == 0:
		return v.filter(q, order, offset, limit)
	}
	return scan(v, sc, q, words, order, offset+limit, offset)
}

// browsingIndex is the index of an order in a view's rankings.
func browsingIndex(order Sort) int {
	switch order {
	case Newest:
		return 1
	case ByName:
		return 2
	}
	return 0
}

// browsing returns the whole catalogue in an order, ranked once per view
// by scan, waiting for the ranking when another goroutine is making it.
func (v *view) browsing(order Sort) *browsing {
	i := browsingIndex(order)
	v.browseOnce[i].Do(func() {
		res, sorted := scan(v, nil, Query{Sort: order}, 0, order, len(v.order), 0)
		v.browsed[i] = browsing{res: res, sorted: sorted}
		v.browseReady[i].Store(true)
	})
	return &v.browsed[i]
}

// ranking returns the catalogue's ranking in an order if it is ready, and
// else nil, having it made in the background: a search never waits for a
// ranking (a hundred milliseconds at 100,000 documents) that one page, or
// the documents passing a filter, can do without.
func (v *view) ranking(order Sort) *browsing {
	i := browsingIndex(order)
	if v.browseReady[i].Load() {
		return &v.browsed[i]
	}
	if v.browseStarted[i].CompareAndSwap(false, true) {
		go v.browsing(order)
	}
	return nil
}

// browse returns a page of the catalogue's ranking.
func (v *view) browse(b *browsing, offset, limit int) (Result, []ranked) {
	res := Result{Total: b.res.Total, Facets: make(map[Field]map[string]int, len(b.res.Facets))}
	for f, counts := range b.res.Facets {
		res.Facets[f] = maps.Clone(counts)
	}
	return res, b.sorted[min(offset, len(b.sorted)):min(offset+limit, len(b.sorted))]
}

// scan ranks the documents that pass q (of words words) in order, keeping
// the k first, and counts their facets; it returns the kept ones from
// offset on.
func scan(v *view, sc *scratch, q Query, words int, order Sort, k, offset int) (Result, []ranked) {
	top := topK{order: order, k: k}
	counts := make([]int, len(v.facetKeys))
	var fs filterSet
	total := 0
	docs := v.order
	if words > 0 {
		docs = sc.touched
	}
	if !fs.set(q.Filters) {
		docs = nil
	}
	if k >= len(docs) {
		top.all = true
		top.h = make([]ranked, 0, len(docs))
	}
	// Many documents may match the words: they are tested against the
	// filters and the preferred category through the view's bitmaps, and
	// scored with its trust by number, so that those that do not pass
	// are not read.
	var preferred *roaring.Bitmap
	if words > 0 {
		fs.lookUp(&v.filters)
		if order == Relevance && q.PreferCategory != "" {
			preferred = v.filters.matching(Category, []string{q.PreferCategory})
		}
	}
	for _, d := range docs {
		p := ranked{doc: d, e: v.entries[d]}
		if p.e == nil {
			continue
		}
		if words > 0 {
			p.words, p.typos = bucket(sc.codes[d], words)
			if p.words == 0 || order != Relevance && p.words < words {
				continue
			}
		}
		vals := v.facetVals[v.facetStart[d]:v.facetStart[d+1]]
		if fs.n > 0 {
			switch failed, fails := fs.fails(d, p.e); {
			case fails == 1 && failed.facet:
				for _, id := range vals {
					if v.facetKeys[id].field == failed.field {
						counts[id]++
					}
				}
				continue
			case fails > 0:
				continue
			}
		}
		if words > 0 {
			p.score = sc.scores[d] * v.filters.boost[d]
			p.preferred = preferred != nil && preferred.Contains(d)
		} else {
			p.preferred = order == Relevance && q.PreferCategory != "" && slices.Contains(p.e.doc.Categories, q.PreferCategory)
		}
		total++
		for _, id := range vals {
			counts[id]++
		}
		top.push(p)
	}
	res := Result{Total: total, Facets: make(map[Field]map[string]int, len(fieldSpecs))}
	for s := range facetSpecs {
		res.Facets[s.field] = map[string]int{}
	}
	for id, n := range counts {
		if n > 0 {
			k := v.facetKeys[id]
			res.Facets[k.field][k.value] = n
		}
	}
	page := top.sorted()
	return res, page[min(offset, len(page)):]
}

// filterSet is a query's filters as collect tests them: the filtered
// fields in the table's order, without a map or an allocation.
type filterSet struct {
	specs  [len(fieldSpecs)]*fieldSpec
	values [len(fieldSpecs)][]string
	n      int
	// The documents holding each filter's values, when looked up (see
	// lookUp): a look-up in them replaces testing the document's values.
	docs [len(fieldSpecs)]*roaring.Bitmap
}

// set reads filters into fs, and reports whether any document can pass
// them: none has a value of an unknown field.
func (fs *filterSet) set(filters map[Field][]string) bool {
	if len(filters) == 0 {
		return true
	}
	for i := range fieldSpecs {
		if values := filters[fieldSpecs[i].field]; len(values) > 0 {
			fs.specs[fs.n], fs.values[fs.n] = &fieldSpecs[i], values
			fs.n++
		}
	}
	for f, values := range filters {
		if len(values) > 0 && specOf(f) == nil {
			return false
		}
	}
	return true
}

// fails counts the filtered fields document num (entry e) has none of
// the values of, up to two, and returns the last of them. It reads the
// entry only for filters without bitmaps.
func (fs *filterSet) fails(num uint32, e *entry) (*fieldSpec, int) {
	var failed *fieldSpec
	fails := 0
	for i := range fs.n {
		var holds bool
		if fs.docs[i] != nil {
			holds = fs.docs[i].Contains(num)
		} else {
			holds = fs.specs[i].holds(&e.doc, fs.values[i])
		}
		if !holds {
			failed = fs.specs[i]
			if fails++; fails == 2 {
				break
			}
		}
	}
	return failed, fails
}

// detach gives a copy of an indexed document slices of its own.
func detach(d *Document) {
	for _, s := range fieldSpecs {
		if s.list != nil {
			p := s.list(d)
			*p = slices.Clone(*p)
		}
	}
	if d.Publisher != nil {
		pub := *d.Publisher
		d.Publisher = &pub
	}
}
