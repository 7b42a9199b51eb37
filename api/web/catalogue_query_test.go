package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/search"
)

// The catalogue reads what it can of a search and leaves the rest out,
// saying so when what it left out was asked for.
func TestCatalogueLeavesOutWhatItCannotRead(t *testing.T) {
	cases := []struct {
		name, query string
		text        string
		sort        search.Sort
		filters     string // fmt of the filters
		page        int
		invalid     bool
	}{
		{"nothing", "", "", search.Relevance, "map[]", 1, false},
		{"text trimmed", "q=++rumeur++&sort=name", "rumeur", search.ByName, "map[]", 1, false},
		{"text padded to the limit", "q=+" + strings.Repeat("a", 512) + "+", strings.Repeat("a", 512), search.Relevance, "map[]", 1, false},
		{"text too long", "q=" + strings.Repeat("a", 513), "", search.Relevance, "map[]", 1, true},
		{"text not UTF-8", "q=%ff", "", search.Relevance, "map[]", 1, true},
		{"empty order", "sort=&sort=name", "", search.Relevance, "map[]", 1, false},
		{"unknown order", "sort=sideways", "", search.Relevance, "map[]", 1, true},
		{"page", "page=3", "", search.Relevance, "map[]", 3, false},
		{"last page", "page=51", "", search.Relevance, "map[]", 51, false},
		{"page too deep", "page=52", "", search.Relevance, "map[]", 1, true},
		{"page zero", "page=0", "", search.Relevance, "map[]", 1, true},
		{"page not a number", "page=zero", "", search.Relevance, "map[]", 1, true},
		{"limit and offset ignored", "limit=0&offset=-4", "", search.Relevance, "map[]", 1, false},
		{"filters", "category=a&category=b&language=fr", "", search.Relevance, "map[category:[a b] language:[fr]]", 1, false},
		{"unreadable values dropped", "category=&category=a&category=a&license=%ff&tag=" + strings.Repeat("t", 101),
			"", search.Relevance, "map[category:[a]]", 1, false},
		{"repeated values count once", strings.Repeat("&badge=x", 25), "", search.Relevance, "map[badge:[x]]", 1, false},
		{"too many values", "tag=" + strings.Join(strings.Split("abcdefghijklmnopqrstu", ""), "&tag="), "", search.Relevance,
			"map[tag:[a b c d e f g h i j k l m n o p q r s t]]", 1, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			q, page, invalid := catalogueQuery(v)
			if q.Text != c.text || q.Sort != c.sort || fmt.Sprint(q.Filters) != c.filters || page != c.page || invalid != c.invalid {
				t.Errorf("got text %q, sort %q, filters %v, page %d, invalid %v", q.Text, q.Sort, q.Filters, page, invalid)
			}
			if q.Limit != perPage || q.Offset != (page-1)*perPage || q.Filters == nil {
				t.Errorf("limit %d, offset %d, filters %v", q.Limit, q.Offset, q.Filters)
			}
		})
	}
}
