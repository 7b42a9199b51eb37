package search

import (
	"fmt"
	"strings"
)

// MeiliFilter builds a Meilisearch filter expression from an allow-listed
// set of fields, every value quoted and escaped, so that raw user text
// never reaches the filter language:
//
//	(categories = "emergency" OR categories = "prevention") AND languages = "ar"
func MeiliFilter(filters map[Field][]string) string {
	var clauses []string
	for _, s := range fieldSpecs {
		values := filters[s.field]
		if len(values) == 0 {
			continue
		}
		parts := make([]string, len(values))
		for i, v := range values {
			parts[i] = fmt.Sprintf("%s = %s", s.attribute, meiliQuote(v))
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

// Matches reports whether a document passes the filters: for each field
// filtered, it has one of the values. No document has a value of an
// unknown field.
func (d *Document) Matches(filters map[Field][]string) bool {
	for f, values := range filters {
		if len(values) == 0 {
			continue
		}
		if s := specOf(f); s == nil || !s.holds(d, values) {
			return false
		}
	}
	return true
}
