package search

import (
	"github.com/RoaringBitmap/roaring/v2"
)

// filterIndex lists, for a view, the documents holding each value of each
// filterable field, as bitmaps of document numbers: a search with filters
// and no words intersects them instead of testing every document, and
// counts facet values by intersecting each value's bitmap with the
// documents that pass.
type filterIndex struct {
	all    *roaring.Bitmap // every document of the view with an entry
	values map[facetKey]*roaring.Bitmap
	facets []*roaring.Bitmap // by facet value id (view.facetKeys)
	// boost is 1 + TrustBoost × trust, by document number.
	boost []float64
}

func newFilterIndex(v *view) filterIndex {
	fi := filterIndex{all: roaring.New(), values: map[facetKey]*roaring.Bitmap{}, boost: make([]float64, len(v.entries))}
	for _, d := range v.order {
		e := v.entries[d]
		if e == nil {
			continue
		}
		fi.all.Add(d)
		fi.boost[d] = 1 + TrustBoost*float64(e.doc.Trust)
		for i := range fieldSpecs {
			s := &fieldSpecs[i]
			for _, value := range s.values(&e.doc) {
				k := facetKey{s.field, value}
				bm := fi.values[k]
				if bm == nil {
					bm = roaring.New()
					fi.values[k] = bm
				}
				bm.Add(d)
			}
		}
	}
	for _, bm := range fi.values {
		bm.RunOptimize()
	}
	fi.all.RunOptimize()
	fi.facets = make([]*roaring.Bitmap, len(v.facetKeys))
	for id, k := range v.facetKeys {
		if fi.facets[id] = fi.values[k]; fi.facets[id] == nil {
			fi.facets[id] = roaring.New()
		}
	}
	return fi
}

// matching returns the documents holding one of values in a field, not
// to be modified.
func (fi *filterIndex) matching(f Field, values []string) *roaring.Bitmap {
	if len(values) == 1 {
		if bm := fi.values[facetKey{f, values[0]}]; bm != nil {
			return bm
		}
	}
	out := roaring.New()
	for _, value := range values {
		if bm := fi.values[facetKey{f, value}]; bm != nil {
			out.Or(bm)
		}
	}
	return out
}

// filter answers a query with filters or a preferred category and no
// words, as scan would: the documents passing every filter are the
// intersection of the filtered fields' bitmaps; a facet value's count is
// the size of its bitmap's intersection with the documents passing every
// filter but its own field's (disjunctive faceting); the page is taken
// from the catalogue ranked once per view (see browsing), or, when few
// documents pass, ranked among them alone. Its cost follows the number of
// facet values and the page's depth in the ranking, not the number of
// documents that pass.
func (v *view) filter(q Query, order Sort, offset, limit int) (Result, []ranked) {
	fi := &v.filters
	res := Result{Facets: make(map[Field]map[string]int, len(fieldSpecs))}
	for s := range facetSpecs {
		res.Facets[s.field] = map[string]int{}
	}
	var fs filterSet
	if !fs.set(q.Filters) {
		return res, nil
	}
	sets := make([]*roaring.Bitmap, fs.n)
	for i := range fs.n {
		sets[i] = fi.matching(fs.specs[i].field, fs.values[i])
	}
	// but(j) is the documents passing every filter except the j-th (-1:
	// every filter).
	but := func(j int) *roaring.Bitmap {
		var out *roaring.Bitmap
		for i, s := range sets {
			switch {
			case i == j:
			case out == nil:
				out = roaring.And(fi.all, s)
			default:
				out.And(s)
			}
		}
		if out == nil {
			return fi.all
		}
		return out
	}
	passing := but(-1)
	res.Total = int(passing.GetCardinality())
	bases := map[Field]*roaring.Bitmap{}
	for i := range fs.n {
		if fs.specs[i].facet {
			bases[fs.specs[i].field] = but(i)
		}
	}
	for id, k := range v.facetKeys {
		base := bases[k.field]
		if base == nil {
			base = passing
		}
		if n := fi.facets[id].AndCardinality(base); n > 0 {
			res.Facets[k.field][k.value] = int(n)
		}
	}
	want := offset + limit
	if res.Total == 0 || want == 0 || offset >= res.Total {
		return res, nil
	}
	var preferred *roaring.Bitmap
	if order == Relevance && q.PreferCategory != "" {
		preferred = fi.values[facetKey{Category, q.PreferCategory}]
	}
	// Few documents pass, or the catalogue's ranking is not ready: rank
	// them alone.
	var ranking *browsing
	if res.Total*16 >= int(fi.all.GetCardinality()) {
		ranking = v.ranking(order)
	}
	if ranking == nil {
		top := topK{order: order, k: want}
		it := passing.Iterator()
		for it.HasNext() {
			d := it.Next()
			top.push(ranked{doc: d, e: v.entries[d], preferred: preferred != nil && preferred.Contains(d)})
		}
		return res, top.sorted()[offset:]
	}
	// Else walk the catalogue's ranking, the preferred category's documents
	// first, until the page is full.
	page := make([]ranked, 0, want)
	take := func(pref bool) {
		for _, r := range ranking.sorted {
			if len(page) == want {
				return
			}
			if !passing.Contains(r.doc) || preferred != nil && preferred.Contains(r.doc) != pref {
				continue
			}
			r.preferred = pref && preferred != nil
			page = append(page, r)
		}
	}
	take(true)
	if preferred != nil {
		take(false)
	}
	return res, page[min(offset, len(page)):]
}

// lookUp gives each filter of fs the documents holding its values.
func (fs *filterSet) lookUp(fi *filterIndex) {
	for i := range fs.n {
		fs.docs[i] = fi.matching(fs.specs[i].field, fs.values[i])
	}
}
