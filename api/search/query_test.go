package search

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// ParseQuery keeps what it can read of a search and names each parameter
// it could not read; the API refuses those, the catalogue shows the rest.
func TestParseQueryKeepsWhatItCanRead(t *testing.T) {
	tags := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "&tag=t%d", i)
		}
		return b.String()[1:]
	}
	cases := []struct {
		name, query string
		want        string // the query read, as fmt prints it
		problems    string // the fields named, in order
	}{
		{"nothing", "", "{ map[] relevance 20 0 }", ""},
		{"everything", "q=rumeur+&sort=newest&limit=50&offset=100&category=a&category=b&tag=x",
			"{rumeur  map[category:[a b] tag:[x]] newest 50 100 }", ""},
		{"repeated values are kept", "badge=x&badge=x", "{ map[badge:[x x]] relevance 20 0 }", ""},
		{"the first of a repeated parameter counts", "q=a&q=b&sort=name&sort=up&limit=5&limit=x", "{a map[] name 5 0 }", ""},
		{"unreadable text", "q=%ff&category=a", "{ map[category:[a]] relevance 20 0 }", "q"},
		{"text too long", "q=" + strings.Repeat("a", 513), "{ map[] relevance 20 0 }", "q"},
		{"unknown order", "sort=up", "{ map[] relevance 20 0 }", "sort"},
		{"empty order", "sort=", "{ map[] relevance 20 0 }", "sort"},
		{"page out of bounds", "limit=101&offset=1001", "{ map[] relevance 20 0 }", "limit offset"},
		{"page unreadable", "limit=&offset=-1", "{ map[] relevance 20 0 }", "limit offset"},
		{"largest page", "limit=100&offset=1000", "{ map[] relevance 100 1000 }", ""},
		{"unreadable values left out", "category=&category=a&license=%ff&tag=" + strings.Repeat("t", 101),
			"{ map[category:[a]] relevance 20 0 }", "category license tag"},
		{"longest value", "tag=" + strings.Repeat("t", 100), "{ map[tag:[" + strings.Repeat("t", 100) + "]] relevance 20 0 }", ""},
		{"most values", tags(20), "{ map[tag:[t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 t10 t11 t12 t13 t14 t15 t16 t17 t18 t19]] relevance 20 0 }", ""},
		{"too many values", tags(22), "{ map[tag:[t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 t10 t11 t12 t13 t14 t15 t16 t17 t18 t19]] relevance 20 0 }", "tag"},
		{"unknown parameters ignored", "page=2&color=red", "{ map[] relevance 20 0 }", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			q, problems := ParseQuery(v)
			var fields []string
			for _, p := range problems {
				fields = append(fields, p.Field)
			}
			if got := fmt.Sprint(q); got != c.want || strings.Join(fields, " ") != c.problems {
				t.Errorf("got %s with problems %v, want %s with problems on %q", got, problems, c.want, c.problems)
			}
			if q.Filters == nil {
				t.Error("nil filters")
			}
		})
	}
}

// Reading a search costs few allocations: it is on every search's path.
func TestParseQueryAllocatesLittle(t *testing.T) {
	v := url.Values{"q": {"propagande"}, "sort": {"newest"}, "limit": {"20"}, "category": {"detection", "research"}, "language": {"fr"}}
	if n := testing.AllocsPerRun(100, func() { ParseQuery(v) }); n > 2 {
		t.Errorf("ParseQuery allocates %v times", n)
	}
}
