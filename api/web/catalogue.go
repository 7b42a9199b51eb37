package web

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/search"
)

// perPage is the catalogue's page size.
const perPage = 20

// catalogueData is the catalogue page and its results fragment.
type catalogueData struct {
	Query   string
	Sort    string
	Sorts   []string
	Hits    []hitView
	Facets  []facetView
	Total   int
	Engine  string
	Page    int
	Pages   int
	Prev    string // URLs, empty when there is no such page
	Next    string
	Invalid bool // the search could not be read; showing everything
	Filters int  // how many filter values are on
	Clear   string
	Results template.HTML // the part that search as you type replaces
}

// hitView is one result as shown.
type hitView struct {
	search.Hit
	Name    template.HTML // highlighted, safe
	Summary template.HTML
}

// facetView is one group of filters with their counts.
type facetView struct {
	Field  string
	Values []facetValue
}

type facetValue struct {
	Value   string
	Label   string
	Count   int
	Checked bool
}

// handleCatalogue renders the catalogue at /, or its results fragment at
// /results for search as you type. Both count against the client's search
// allowance, which GET /api/v1/search shares.
func handleCatalogue(h *Handler, svc *search.Service, editions *hackathons.Service, fragment bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if ok, wait := h.deps.SearchLimit.Allow(clientIP(r)); !ok {
			return errPage(&auth.RateLimitError{RetryAfter: max(wait, time.Second)}, "error.searchrate")
		}
		q, page, invalid := catalogueQuery(r.URL.Query())
		q.PreferCategory = h.preferredCategory(r.Context())
		res, engine, err := svc.Search(r.Context(), q)
		if err != nil {
			return err
		}
		d := catalogueData{Query: q.Text, Sort: string(q.Sort), Sorts: []string{"relevance", "newest", "name"},
			Total: res.Total, Engine: engine, Page: page, Invalid: invalid}
		d.Pages = max(1, (res.Total+perPage-1)/perPage)
		for _, hit := range res.Hits {
			d.Hits = append(d.Hits, hitView{Hit: hit, Name: template.HTML(hit.Highlight.Name), Summary: template.HTML(hit.Highlight.Summary)})
		}
		d.Facets, d.Filters = facetViews(r.Context(), localeFrom(r.Context()), res.Facets, q.Filters, editions)
		base := r.URL.Query()
		base.Del("page")
		d.Clear = clearURL(q)
		if page > 1 {
			d.Prev = pageURL(base, page-1)
		}
		if page < d.Pages && page*perPage < search.MaxOffset+perPage {
			d.Next = pageURL(base, page+1)
		}
		d.Results = d.results(localeFrom(r.Context()))
		name, title := "catalogue", localeFrom(r.Context()).T("catalogue.title")
		if fragment {
			name = "results"
		}
		h.render(w, r, http.StatusOK, name, title, d)
		return nil
	}
}

// clearURL keeps the text and order of a search and drops its filters.
func clearURL(q search.Query) string {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	if q.Sort != search.Relevance {
		v.Set("sort", string(q.Sort))
	}
	return pageURL(v, 1)
}

func pageURL(v url.Values, page int) string {
	v = maps(v)
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

func maps(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// catalogueQuery reads a search from the URL with the API's rules
// (search.ParseQuery), and the page number. What it cannot read it leaves
// out, reporting invalid, rather than refusing: a page should show
// something. Blank text and order, and empty, unreadable or repeated
// filter values, it leaves out silently.
func catalogueQuery(v url.Values) (search.Query, int, bool) {
	in := url.Values{}
	if text := strings.TrimSpace(v.Get("q")); text != "" {
		in.Set("q", text)
	}
	if sort := v.Get("sort"); sort != "" {
		in.Set("sort", sort)
	}
	for _, f := range search.Fields() {
		for _, val := range v[string(f)] {
			if search.ValidFilterValue(val) && !slices.Contains(in[string(f)], val) {
				in.Add(string(f), val)
			}
		}
	}
	q, problems := search.ParseQuery(in)
	page, pageOK := 1, true
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if pageOK = err == nil && n >= 1 && (n-1)*perPage <= search.MaxOffset; pageOK {
			page = n
		}
	}
	q.Limit, q.Offset = perPage, (page-1)*perPage
	return q, page, len(problems) > 0 || !pageOK
}

// facetViews orders each facet's values by count, then label, keeping the
// checked ones even when nothing matches them any more, so that they can be
// unchecked.
func facetViews(ctx context.Context, l *locale, facets map[search.Field]map[string]int, filters map[search.Field][]string, editions *hackathons.Service) ([]facetView, int) {
	// The hackathon filter is labelled with the names of the editions it
	// shows, read by slug: only those, whatever the number of editions.
	var shown []string
	for value := range facets[search.Hackathon] {
		shown = append(shown, value)
	}
	for _, value := range filters[search.Hackathon] {
		if _, ok := facets[search.Hackathon][value]; !ok {
			shown = append(shown, value)
		}
	}
	names := map[string]string{}
	if len(shown) > 0 {
		if got, err := editions.Names(ctx, shown); err == nil {
			names = got
		}
	}
	var out []facetView
	on := 0
	for _, f := range search.FacetFields() {
		fv := facetView{Field: string(f)}
		counts := facets[f]
		for value, n := range counts {
			fv.Values = append(fv.Values, facetValue{Value: value, Count: n, Checked: slices.Contains(filters[f], value)})
		}
		for _, value := range filters[f] {
			if _, ok := counts[value]; !ok {
				fv.Values = append(fv.Values, facetValue{Value: value, Checked: true})
			}
		}
		for i := range fv.Values {
			fv.Values[i].Label = facetLabel(l, f, fv.Values[i].Value, names)
			if fv.Values[i].Checked {
				on++
			}
		}
		slices.SortFunc(fv.Values, func(a, b facetValue) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Label, b.Label))
		})
		if len(fv.Values) > 0 {
			out = append(out, fv)
		}
	}
	return out, on
}

func facetLabel(l *locale, f search.Field, value string, editions map[string]string) string {
	switch f {
	case search.Category:
		return l.Label("category", value)
	case search.Language:
		return l.Label("lang", value)
	case search.Runtime:
		return l.Label("runtime", value)
	case search.Badge:
		return l.Label("decision", value) // the word of the decision the badge tells of
	case search.Hackathon:
		if n, ok := editions[value]; ok {
			return n
		}
	}
	return value
}
