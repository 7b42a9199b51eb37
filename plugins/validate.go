package plugins

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Options adjust validation to where the manifest is used.
type Options struct {
	// AllowBuiltin accepts runtime type builtin, which only tools compiled
	// into Riposte may use.
	AllowBuiltin bool
	// AllowInsecureEndpoints accepts http:// plugin endpoints and endpoints
	// at loopback, private and local-network addresses or names (local
	// development and tests, with RIPOSTE_PLUGINS_ALLOW_PRIVATE). Without
	// it, an endpoint must be https, and its host one that the remote client
	// does not refuse before any lookup (see remote.RefusedHost).
	AllowInsecureEndpoints bool
	// Development adds, to the problems of an endpoint refused for being
	// plain http or local, how to allow such endpoints on a development
	// server. Production servers leave it false.
	Development bool
}

// DevelopmentEndpointHint is what endpoint problems add in development.
const DevelopmentEndpointHint = "set RIPOSTE_PLUGINS_ALLOW_PRIVATE=true to use a local endpoint during development"

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// Validate checks every rule of a manifest and returns all problems at once
// as a *ManifestError, or nil. Schemas are compiled and examples checked
// against the input schema.
func Validate(m *Manifest, opts Options) error {
	var ps problems
	checkIdentity(m, &ps)
	checkClassification(m, &ps)
	checkPeople(m, &ps)
	checkRuntime(m.Runtime, opts, &ps)
	checkSchemas(m, &ps)
	checkChanges(m.Changes, &ps)
	checkSecrets(m, &ps)
	return ps.err()
}

// Check decodes and validates a manifest: the one verdict that the API,
// the command line and plugin creation share.
//
// When some fields fail to decode (a typo in a name, a value of the wrong
// type), the rest is still validated, so that every problem is reported at
// once; problems at or under a path that failed to decode are not repeated.
func Check(data []byte, opts Options) (*Manifest, error) {
	m, ps := decode(data)
	if m == nil {
		return nil, ps.err()
	}
	decoding := ps
	var me *ManifestError
	if err := Validate(m, opts); errors.As(err, &me) {
		for _, p := range me.Problems {
			if !decoding.covers(p.Path) {
				ps = append(ps, p)
			}
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return m, nil
}

// covers reports whether a problem at path would repeat one already found
// at, above or below it.
func (ps problems) covers(path string) bool {
	for _, p := range ps {
		if p.Path == path || strings.HasPrefix(path, p.Path+".") || strings.HasPrefix(path, p.Path+"[") ||
			strings.HasPrefix(p.Path, path+".") || strings.HasPrefix(p.Path, path+"[") {
			return true
		}
	}
	return false
}

// length checks that s has between lo and hi characters.
func length(ps *problems, path, s string, lo, hi int) bool {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		ps.add(path, "must be valid UTF-8 text")
	case n == 0 && lo > 0:
		ps.add(path, "is required")
	case n < lo:
		ps.add(path, fmt.Sprintf("must be at least %d characters long", lo))
	case n > hi:
		ps.add(path, fmt.Sprintf("must be at most %d characters long (it has %d)", hi, n))
	default:
		return true
	}
	return false
}

func checkIdentity(m *Manifest, ps *problems) {
	if length(ps, "slug", m.Slug, MinSlugLen, MaxSlugLen) && !ValidSlug(m.Slug) {
		ps.add("slug", "must be "+SlugRule+", such as portes-ouvertes")
	}
	length(ps, "name", m.Name, 1, 80)
	if m.Version == "" {
		ps.add("version", "is required: a semantic version such as 1.0.0")
	} else if _, err := ParseVersion(m.Version); err != nil {
		ps.add("version", fmt.Sprintf("must be a semantic version such as 1.0.0 or 2.1.0-beta.1 (%v)", err))
	}
	length(ps, "summary", m.Summary, 1, 200)
	length(ps, "description", m.Description, 0, MaxDescription)
	if m.Access != "" && m.Access != AccessPublic && m.Access != AccessVetted {
		ps.add("access", "must be public or vetted")
	}
}

func checkClassification(m *Manifest, ps *problems) {
	cats := strings.Join(Categories(), ", ")
	if len(m.Categories) == 0 || len(m.Categories) > 3 {
		ps.add("categories", "choose 1 to 3 of: "+cats)
	}
	eachUnique(ps, "categories", m.Categories, func(path, c string) {
		if !slices.Contains(Categories(), c) {
			ps.add(path, fmt.Sprintf("unknown category %q; choose from: %s", c, cats))
		}
	})
	if len(m.Languages) == 0 {
		ps.add("languages", "list at least one language as an ISO 639-1 code, such as fr, en or ar")
	}
	eachUnique(ps, "languages", m.Languages, func(path, l string) {
		if !IsLanguage(l) {
			ps.add(path, fmt.Sprintf("%q is not a two-letter ISO 639-1 language code such as fr, en or ar", l))
		}
	})
	if len(m.Tags) > 20 {
		ps.add("tags", fmt.Sprintf("at most 20 tags (there are %d)", len(m.Tags)))
	}
	eachUnique(ps, "tags", m.Tags, func(path, t string) {
		if length(ps, path, t, 1, 32) && (strings.ToLower(t) != t || strings.ContainsFunc(t, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsControl(r) || r == ','
		})) {
			ps.add(path, "must be lowercase, without spaces or commas, such as portesouvertes")
		}
	})
}

// eachUnique calls check for each item and reports duplicates.
func eachUnique(ps *problems, path string, items []string, check func(path, item string)) {
	seen := map[string]bool{}
	for i, it := range items {
		p := fmt.Sprintf("%s[%d]", path, i)
		if seen[it] {
			ps.add(p, fmt.Sprintf("%q is listed twice", it))
			continue
		}
		seen[it] = true
		check(p, it)
	}
}

func checkPeople(m *Manifest, ps *problems) {
	if msg := checkLicense(m.License); msg != "" {
		ps.add("license", msg)
	}
	checkURL(ps, "repository", m.Repository, true, true)
	checkURL(ps, "homepage", m.Homepage, false, true)
	if len(m.Maintainers) == 0 {
		ps.add("maintainers", "list at least one maintainer with a name and an e-mail address")
	}
	for i, mt := range m.Maintainers {
		p := fmt.Sprintf("maintainers[%d]", i)
		length(ps, p+".name", mt.Name, 1, 100)
		if length(ps, p+".email", mt.Email, 1, 254) && !emailPattern.MatchString(mt.Email) {
			ps.add(p+".email", "must be an e-mail address such as name@example.org")
		}
	}
}

// checkURL checks an absolute URL; with allowHTTP false, only https.
func checkURL(ps *problems, path, raw string, required, allowHTTP bool) {
	if raw == "" {
		if required {
			ps.add(path, "is required: an https URL")
		}
		return
	}
	_, ok := parseURL(raw, allowHTTP)
	if !ok && allowHTTP {
		ps.add(path, "must be an http(s) URL such as https://github.com/you/your-tool")
	} else if !ok {
		ps.add(path, "must be an https URL such as https://tool.example.org/invoke")
	}
}

// parseURL parses an absolute URL without user information, https or,
// with allowHTTP, http.
func parseURL(raw string, allowHTTP bool) (*url.URL, bool) {
	u, err := url.Parse(raw)
	ok := err == nil && u.Host != "" && u.User == nil && (u.Scheme == "https" || (allowHTTP && u.Scheme == "http")) && len(raw) <= 2048
	return u, ok
}

func checkSchemas(m *Manifest, ps *problems) {
	runnable := m.Runnable()
	kinds := typeNames(runtimeTypes(), true, "and")
	var input *Schema
	for _, s := range []struct {
		path string
		doc  []byte
		into **Schema
	}{{"input_schema", m.InputSchema, &input}, {"output_schema", m.OutputSchema, nil}} {
		if len(s.doc) == 0 {
			if runnable {
				ps.add(s.path, "is required for "+kinds+" plugins: a JSON Schema such as {\"type\": \"object\", \"properties\": {…}}")
			}
			continue
		}
		compiled, err := CompileSchema(s.doc)
		if err != nil {
			ps.add(s.path, "is not a usable JSON Schema: "+err.Error())
			continue
		}
		if s.into != nil {
			*s.into = compiled
		}
	}
	if runnable && len(m.Examples) == 0 {
		ps.add("examples", "give at least one example input for "+kinds+" plugins")
	}
	for i, ex := range m.Examples {
		p := fmt.Sprintf("examples[%d]", i)
		length(ps, p+".name", ex.Name, 1, 80)
		switch {
		case len(ex.Input) == 0:
			ps.add(p+".input", "is required")
		case input != nil:
			for _, prob := range input.Validate(ex.Input, p+".input") {
				ps.add(prob.Path, "does not match input_schema: "+prob.Message)
			}
		}
	}
}

func checkChanges(changes []Change, ps *problems) {
	for i, c := range changes {
		p := fmt.Sprintf("changes[%d]", i)
		if !slices.Contains(ChangeKinds(), c.Kind) {
			ps.add(p+".kind", "must be one of "+strings.Join(ChangeKinds(), ", "))
		}
		length(ps, p+".description", c.Description, 1, 500)
	}
}
