package plugins

import (
	"slices"
	"strings"
	"testing"
)

// The validator and the published JSON Schema hold the same slugs valid:
// the schema's pattern and bounds are the rule's own.
func TestSlugRuleIsTheSameEverywhere(t *testing.T) {
	slugSchema := publishedSchema(t, "#/properties/slug")
	cases := map[string]bool{
		"portes-ouvertes": true, "abc": true, "paris-2016": true, "a1-b2-c3": true, strings.Repeat("a", 64): true,
		"ab": false, strings.Repeat("a", 65): false, "Portes": false, "portes--ouvertes": false, "-portes": false,
		"portes-": false, "portes_ouvertes": false, "écoles": false, "a b c": false, "": false,
	}
	for slug, want := range cases {
		if got := ValidSlug(slug); got != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", slug, got, want)
		}
		if got := slugSchema.Validate(slug) == nil; got != want {
			t.Errorf("the schema holds %q valid: %v, want %v", slug, got, want)
		}
		var ps problems
		m := &Manifest{Slug: slug}
		checkIdentity(m, &ps)
		if got := !slices.ContainsFunc(ps, func(p Problem) bool { return p.Path == "slug" }); got != want {
			t.Errorf("the validator holds %q valid: %v, want %v (%v)", slug, got, want, ps)
		}
	}
}
