package search

import "slices"

// Field is a field queries may filter on, by its query-parameter name,
// which is also its name in the database's plugin_facets.
type Field string

// The filterable fields.
const (
	Category  Field = "category"
	Language  Field = "language"
	License   Field = "license"
	Runtime   Field = "runtime"
	Hackathon Field = "hackathon"
	Badge     Field = "badge"
	Tag       Field = "tag"
)

// fieldSpec is how a filterable field is known to the engines and to the
// database: its document attribute (the JSON name, which Meilisearch
// filters and counts), whether results count its values, and where a
// document holds them: list for a field of several values, one for a
// field of one.
type fieldSpec struct {
	field     Field
	attribute string
	facet     bool
	list      func(*Document) *[]string
	one       func(*Document) *string
}

// fieldSpecs are the filterable fields, facets first. Everything that
// knows fields derives from this table: Fields and FacetFields, the
// embedded engine's filters and facet counts, the Meilisearch settings,
// filters, facets and retrieved attributes, the database's fallback
// search, and the documents built from the database. A new facet is a
// row here, a Document field, and a field of the API's SearchHit.
var fieldSpecs = [...]fieldSpec{
	{Category, "categories", true, func(d *Document) *[]string { return &d.Categories }, nil},
	{Language, "languages", true, func(d *Document) *[]string { return &d.Languages }, nil},
	{License, "license", true, nil, func(d *Document) *string { return &d.License }},
	{Runtime, "runtime", true, nil, func(d *Document) *string { return &d.Runtime }},
	{Hackathon, "hackathons", true, func(d *Document) *[]string { return &d.Hackathons }, nil},
	{Badge, "badges", true, func(d *Document) *[]string { return &d.Badges }, nil},
	{Tag, "tags", false, func(d *Document) *[]string { return &d.Tags }, nil},
}

// Fields lists every filterable field, facets first.
func Fields() []Field {
	out := make([]Field, len(fieldSpecs))
	for i, s := range fieldSpecs {
		out[i] = s.field
	}
	return out
}

// FacetFields lists the fields whose value counts a Result carries.
func FacetFields() []Field {
	out := make([]Field, 0, len(fieldSpecs))
	for s := range facetSpecs {
		out = append(out, s.field)
	}
	return out
}

// facetSpecs yields the rows of the facets.
func facetSpecs(yield func(*fieldSpec) bool) {
	for i := range fieldSpecs {
		if fieldSpecs[i].facet && !yield(&fieldSpecs[i]) {
			return
		}
	}
}

// specOf returns the spec of a field, or nil for an unknown one.
func specOf(f Field) *fieldSpec {
	for i := range fieldSpecs {
		if fieldSpecs[i].field == f {
			return &fieldSpecs[i]
		}
	}
	return nil
}

// Values returns a document's values for a field: nil for an unknown
// field.
func (d *Document) Values(f Field) []string {
	if s := specOf(f); s != nil {
		return s.values(d)
	}
	return nil
}

// values returns d's values for the field.
func (s *fieldSpec) values(d *Document) []string {
	if s.list != nil {
		return *s.list(d)
	}
	return []string{*s.one(d)}
}

// holds reports whether d has one of values in the field.
func (s *fieldSpec) holds(d *Document, values []string) bool {
	if s.one != nil {
		return slices.Contains(values, *s.one(d))
	}
	return slices.ContainsFunc(*s.list(d), func(v string) bool { return slices.Contains(values, v) })
}

// set gives d the field's values: the first for a field of one value ("" when
// there is none), all of them, never nil, for a field of several.
func (s *fieldSpec) set(d *Document, values []string) {
	switch {
	case s.one == nil && values == nil:
		*s.list(d) = []string{}
	case s.one == nil:
		*s.list(d) = values
	case len(values) > 0:
		*s.one(d) = values[0]
	default:
		*s.one(d) = ""
	}
}

// rewrite replaces each of the field's values in d with fn of it, in a
// new slice for a field of several values.
func (s *fieldSpec) rewrite(d *Document, fn func(string) string) {
	if s.one != nil {
		p := s.one(d)
		*p = fn(*p)
		return
	}
	p := s.list(d)
	out := make([]string, len(*p))
	for i, v := range *p {
		out[i] = fn(v)
	}
	*p = out
}
