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

func TestSuggestSlugFromAName(t *testing.T) {
	for name, want := range map[string]string{
		"Portes Ouvertes":                    "portes-ouvertes",
		"  Vérif' Rumeurs — édition 2016 ! ": "verif-rumeurs-edition-2016",
		"Cœur & Æther":                       "coeur-aether",
		"مضاد الخطاب":                        "",
		"AB":                                 "",
		"Contre-discours (مضاد الخطاب)": "contre-discours",
		strings.Repeat("word ", 20):     strings.TrimSuffix(strings.Repeat("word-", 12), "-") + "-word",
		strings.Repeat("a", 70):         strings.Repeat("a", 64),
	} {
		got := SuggestSlug(name)
		if got != want {
			t.Errorf("SuggestSlug(%q) = %q, want %q", name, got, want)
		}
		if got != "" && !ValidSlug(got) {
			t.Errorf("SuggestSlug(%q) = %q, which is not a slug", name, got)
		}
	}
}
