package plugins

import "regexp"

// The slug rule. A slug names a plugin, or a hackathon edition, in URLs
// and on the command line: MinSlugLen to MaxSlugLen lowercase letters and
// digits in words joined by single hyphens, such as portes-ouvertes.
const (
	// SlugPattern is the rule's regular expression, which the manifest's
	// JSON Schema also gives.
	SlugPattern = `^[a-z0-9]+(-[a-z0-9]+)*$`
	// MinSlugLen and MaxSlugLen bound a slug's length.
	MinSlugLen = 3
	MaxSlugLen = 64
	// SlugRule says in words what SlugPattern allows.
	SlugRule = "lowercase letters and digits in words joined by single hyphens"
)

var slugPattern = regexp.MustCompile(SlugPattern)

// ValidSlug reports whether s is a slug: of a length within the bounds,
// and of the shape SlugPattern gives.
func ValidSlug(s string) bool {
	return len(s) >= MinSlugLen && len(s) <= MaxSlugLen && slugPattern.MatchString(s)
}
