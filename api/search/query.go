package search

import (
	"fmt"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/riposte-civic/riposte/api/valid"
)

// Limits on queries, which ParseQuery enforces before they reach an
// engine.
const (
	MaxQueryLen     = 512 // bytes of text
	MaxFilterValues = 20  // values per field
	MaxValueLen     = 100 // bytes of a filter value
	DefaultLimit    = 20
	MaxLimit        = 100
	MaxOffset       = 1000
)

// ParseQuery reads a search from URL parameters: q, sort, limit, offset,
// and a parameter per field of Fields, which may repeat
// (category=a&category=b). It returns the query made of what it could
// read, and a problem for each parameter it could not, naming the
// parameter: text too long, an unknown order, a page out of bounds, too
// many values for a field (it keeps the first MaxFilterValues), a value
// empty or too long (it leaves it out). The API refuses a query with
// problems; the catalogue shows what could be read.
func ParseQuery(v url.Values) (Query, valid.Errors) {
	var bad valid.Errors
	q := Query{Sort: Relevance, Limit: DefaultLimit, Filters: map[Field][]string{}}
	if text := v.Get("q"); len(text) <= MaxQueryLen && utf8.ValidString(text) {
		q.Text = text
	} else {
		bad = append(bad, valid.Problem{Field: "q", Message: fmt.Sprintf("must be valid text of at most %d bytes", MaxQueryLen)})
	}
	if s, ok := v["sort"]; ok {
		switch sort := Sort(s[0]); sort {
		case Relevance, Newest, ByName:
			q.Sort = sort
		default:
			bad = append(bad, valid.Problem{Field: "sort", Message: "must be relevance, newest or name"})
		}
	}
	bad = parsePage(v, &q, bad)
	for _, s := range fieldSpecs {
		if values := v[string(s.field)]; len(values) > 0 {
			var kept []string
			if kept, bad = filterValues(s.field, values, bad); len(kept) > 0 {
				q.Filters[s.field] = kept
			}
		}
	}
	return q, bad
}

// parsePage reads limit and offset into q, adding their problems to bad.
func parsePage(v url.Values, q *Query, bad valid.Errors) valid.Errors {
	if s, ok := v["limit"]; ok {
		if n, err := strconv.Atoi(s[0]); err == nil && n >= 1 && n <= MaxLimit {
			q.Limit = n
		} else {
			bad = append(bad, valid.Problem{Field: "limit", Message: fmt.Sprintf("must be a whole number from 1 to %d", MaxLimit)})
		}
	}
	if s, ok := v["offset"]; ok {
		switch n, err := strconv.Atoi(s[0]); {
		case err != nil || n < 0:
			bad = append(bad, valid.Problem{Field: "offset", Message: "must be a whole number, 0 or more"})
		case n > MaxOffset:
			bad = append(bad, valid.Problem{Field: "offset", Message: fmt.Sprintf("must be at most %d; narrow the search instead", MaxOffset)})
		default:
			q.Offset = n
		}
	}
	return bad
}

// filterValues returns the values of a field a query keeps, adding their
// problems to bad: all of them when they are readable and not too many,
// else the first MaxFilterValues readable ones.
func filterValues(f Field, values []string, bad valid.Errors) ([]string, valid.Errors) {
	ok := len(values) <= MaxFilterValues
	if !ok {
		bad = append(bad, valid.Problem{Field: string(f), Message: fmt.Sprintf("at most %d values", MaxFilterValues)})
	}
	readable := 0
	for _, v := range values {
		if ValidFilterValue(v) {
			readable++
		}
	}
	if readable < len(values) {
		bad = append(bad, valid.Problem{Field: string(f), Message: fmt.Sprintf("values must be non-empty text of at most %d bytes", MaxValueLen)})
	}
	if ok && readable == len(values) {
		return values, bad
	}
	kept := make([]string, 0, min(readable, MaxFilterValues))
	for _, v := range values {
		if ValidFilterValue(v) && len(kept) < MaxFilterValues {
			kept = append(kept, v)
		}
	}
	return kept, bad
}

// ValidFilterValue reports whether v can be a filter value: non-empty text
// of at most MaxValueLen bytes.
func ValidFilterValue(v string) bool {
	return v != "" && len(v) <= MaxValueLen && utf8.ValidString(v)
}
