package search

import (
	"fmt"
	"slices"
	"strings"
)

// attribute is the document attribute behind each filterable field.
func (f Field) attribute() string {
	switch f {
	case Category:
		return "categories"
	case Language:
		return "languages"
	case Hackathon:
		return "hackathons"
	case Badge:
		return "badges"
	case Tag:
		return "tags"
	}
	return string(f) // license, runtime
}

// Attribute names the document attribute a field filters.
func (f Field) Attribute() string { return f.attribute() }

// ParseField returns the field with that query-parameter name.
func ParseField(name string) (Field, bool) {
	f := Field(name)
	return f, slices.Contains(Fields(), f)
}

// MeiliFilter builds a Meilisearch filter expression from an allow-listed
// set of fields, every value quoted and escaped, so that raw user text
// never reaches the filter language:
//
//	(categories = "emergency" OR categories = "prevention") AND languages = "ar"
func MeiliFilter(filters map[Field][]string) string {
	var clauses []string
	for _, f := range Fields() {
		values := filters[f]
		if len(values) == 0 {
			continue
		}
		parts := make([]string, len(values))
		for i, v := range values {
			parts[i] = fmt.Sprintf("%s = %s", f.attribute(), meiliQuote(v))
		}
		clause := strings.Join(parts, " OR ")
		if len(parts) > 1 {
			clause = "(" + clause + ")"
		}
		clauses = append(clauses, clause)
	}
	return strings.Join(clauses, " AND ")
}

// meiliQuote quotes a value for a Meilisearch filter: inside double
// quotes, only backslash and double quote need escaping.
func meiliQuote(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(Clean(v)) + `"`
}

// Matches reports whether a document passes the filters.
func (d Document) Matches(filters map[Field][]string) bool {
	for f, values := range filters {
		if len(values) > 0 && !slices.ContainsFunc(d.Values(f), func(v string) bool { return slices.Contains(values, v) }) {
			return false
		}
	}
	return true
}
