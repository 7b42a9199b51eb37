package plugins

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

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

// ligatures spells out the letters that do not decompose into a base
// letter and accents.
var ligatures = strings.NewReplacer("œ", "oe", "æ", "ae", "ß", "ss", "ø", "o", "đ", "d", "ł", "l")

// SuggestSlug derives a slug from a display name: lower case, accents
// dropped, every run of other characters a hyphen, cut at a hyphen to fit
// MaxSlugLen. It returns "" when the result would not be a valid slug (a
// name without enough Latin letters or digits).
func SuggestSlug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(ligatures.Replace(strings.ToLower(name))) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// an accent, dropped with its letter kept
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		default:
			hyphen = true
		}
	}
	s := b.String()
	for len(s) > MaxSlugLen {
		i := strings.LastIndexByte(s[:MaxSlugLen+1], '-')
		if i < MinSlugLen {
			s = strings.TrimRight(s[:MaxSlugLen], "-")
			break
		}
		s = s[:i]
	}
	if !ValidSlug(s) {
		return ""
	}
	return s
}
