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

// indexValues numbers the facet values of the view's documents
// (facetKeys, facetStart, facetVals) and builds its filter index, in one
// pass over the documents in number order: each field's values are
// looked up by string in a map of their own, and each value's documents,
// listed in increasing order, become its bitmap at once.
func (v *view) indexValues() {
	fi := filterIndex{values: map[facetKey]*roaring.Bitmap{}, boost: make([]float64, len(v.entries))}
	type value struct {
		key  facetKey
		docs []uint32
	}
	var (
		ids    [len(fieldSpecs)]map[string]int32 // by field: index in facets or others
		facets []value                           // by facet value id
		others []value                           // values of fields that are not facets
		live   []uint32
	)
	for i := range ids {
		ids[i] = map[string]int32{}
	}
	v.facetStart = make([]uint32, len(v.entries)+1)
	v.facetVals = v.facetVals[:0]
	for d, e := range v.entries {
		v.facetStart[d] = uint32(len(v.facetVals))
		if e == nil {
			continue
		}
		live = append(live, uint32(d))
		fi.boost[d] = 1 + TrustBoost*float64(e.doc.Trust)
		for i := range fieldSpecs {
			s := &fieldSpecs[i]
			list := &others
			if s.facet {
				list = &facets
			}
			add := func(val string) {
				id, ok := ids[i][val]
				if !ok {
					id = int32(len(*list))
					ids[i][val] = id
					*list = append(*list, value{key: facetKey{s.field, val}})
				}
				if s.facet {
					v.facetVals = append(v.facetVals, id)
				}
				if docs := (*list)[id].docs; len(docs) == 0 || docs[len(docs)-1] != uint32(d) {
					(*list)[id].docs = append(docs, uint32(d))
				}
			}
			if s.one != nil {
				add(*s.one(&e.doc))
				continue
			}
			for _, val := range *s.list(&e.doc) {
				add(val)
			}
		}
	}
	v.facetStart[len(v.entries)] = uint32(len(v.facetVals))
	bitmap := func(docs []uint32) *roaring.Bitmap {
		bm := roaring.New()
		bm.AddMany(docs)
		bm.RunOptimize()
		return bm
	}
	fi.all = bitmap(live)
	v.facetKeys = make([]facetKey, len(facets))
	fi.facets = make([]*roaring.Bitmap, len(facets))
	for id, val := range facets {
		v.facetKeys[id] = val.key
		fi.facets[id] = bitmap(val.docs)
		fi.values[val.key] = fi.facets[id]
	}
	for _, val := range others {
		fi.values[val.key] = bitmap(val.docs)
	}
	v.filters = fi
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
