package searchtest

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/riposte-civic/riposte/api/search"
)

// Searcher answers a query: an engine's Search, or the service in front of
// the engines and the database.
type Searcher func(ctx context.Context, q search.Query) (search.Result, error)

// ClickQueries are searches over Corpus as people make them by ticking
// boxes: one value of a field, several values of a field (OR-ed), several
// fields (AND-ed), with text, with a filter on a field that is not a facet,
// and with a value nothing has.
func ClickQueries() []search.Query {
	type filters = map[search.Field][]string
	return []search.Query{
		{Filters: filters{search.Category: {"counter-speech"}}},
		{Filters: filters{search.Category: {"counter-speech", "prevention"}}},
		{Filters: filters{search.Category: {"counter-speech"}, search.Language: {"fr"}}},
		{Filters: filters{search.Category: {"detection", "research"}, search.Language: {"en"}, search.License: {"MIT"}}},
		{Filters: filters{search.Language: {"fr", "ar"}, search.Runtime: {"http"}}},
		{Filters: filters{search.Badge: {"accepted"}, search.Category: {"emergency", "detection"}}},
		{Filters: filters{search.Hackathon: {"paris-2016"}, search.Language: {"en"}}},
		{Filters: filters{search.Tag: {"bots", "rumour"}, search.Category: {"research"}}},
		{Filters: filters{search.Category: {"counter-speech"}, search.License: {"no-such-licence"}}},
		{Text: "propaganda", Filters: filters{search.Language: {"en"}}},
		{Text: "alert", Filters: filters{search.Category: {"emergency"}, search.Language: {"en", "fr"}}},
	}
}

// FacetsMatchClicks checks that every count a search shows is what a click
// finds: values of one field are OR-ed, so the count of a field's value v
// is the total of the same search with that field's filter replaced by v
// alone, every other filter kept. A value ticked counts what it finds with
// the field's other values unticked; a value of a field without a filter
// counts what ticking it finds; a value the search does not show counts
// nothing.
func FacetsMatchClicks(t *testing.T, s Searcher, queries []search.Query) {
	t.Helper()
	run := func(q search.Query) search.Result {
		t.Helper()
		q.Sort, q.Limit = search.Relevance, 1
		r, err := s(ctx(t), q)
		if err != nil {
			t.Fatalf("search %q %v: %v", q.Text, q.Filters, err)
		}
		return r
	}
	for _, q := range queries {
		r := run(q)
		every := run(search.Query{Text: q.Text}) // every value the text's results hold
		for _, f := range search.FacetFields() {
			values := slices.Sorted(maps.Keys(every.Facets[f]))
			for v := range r.Facets[f] {
				if !slices.Contains(values, v) {
					values = append(values, v)
				}
			}
			for _, v := range values {
				clicked := maps.Clone(q.Filters)
				clicked[f] = []string{v}
				if got, want := r.Facets[f][v], run(search.Query{Text: q.Text, Filters: clicked}).Total; got != want {
					t.Errorf("%q %v: %s %s counts %d; ticking it alone in %s finds %d", q.Text, q.Filters, f, v, got, f, want)
				}
			}
		}
	}
}
