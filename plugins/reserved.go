package plugins

import (
	"fmt"
	"slices"
	"strings"
)

// NameAdvice ends the problem of a slug, name or maintainer's name that
// is reserved, or confusable with another's.
const NameAdvice = "choose a name of your own"

// Screened reports whether a problem is one of the checks on submission
// (a credential, a reserved or confusable name) rather than a rule of the
// field's form, so that a form can show its message instead of the
// field's usual help.
func Screened(p Problem) bool {
	return strings.HasSuffix(p.Message, SecretAdvice) || strings.HasSuffix(p.Message, NameAdvice)
}

// reservedTerm is a name only the platform may give a plugin or a
// maintainer: Riposte's own, words that claim an official standing, and
// public bodies that fight terrorist content online.
type reservedTerm struct {
	term string // as written; compared by its key (NameKey)
	// within also refuses a name that holds the term run into other words
	// ("RiposteOfficial", "stop-djihadisme-alertes"); otherwise the term
	// must be one of the name's words, or one edit from one of them when
	// both have at least MinFuzzyKey characters. Short terms are words
	// only, so that "iru" does not refuse "virus".
	within bool
	why    string
}

// reservedTerms is the list, as data: one row a term. The compiled-in
// plugins' slugs and names are reserved too (see builtinNames).
var reservedTerms = []reservedTerm{
	{"riposte", true, "is the platform's name"},
	{"official", true, "claims an official standing"},
	{"officiel", true, "claims an official standing"},
	{"gouvernement", true, "is the name of a public body"},
	{"government", true, "is the name of a public body"},
	{"gouv", false, "is the name of a public body"},
	{"ministere", false, "is the name of a public body"},
	{"ministry", false, "is the name of a public body"},
	{"pharos", false, "is the name of a public body (the French reporting platform)"},
	{"stop-djihadisme", true, "is the name of a public body (the French government's prevention site)"},
	{"stop-jihadisme", true, "is the name of a public body (the French government's prevention site)"},
	{"sgdsn", false, "is the name of a public body"},
	{"viginum", false, "is the name of a public body"},
	{"dgsi", false, "is the name of a public body"},
	{"prefecture-de-police", true, "is the name of a public body"},
	{"police-nationale", true, "is the name of a public body"},
	{"gendarmerie", false, "is the name of a public body"},
	{"arcom", false, "is the name of a public body"},
	{"europol", false, "is the name of a public body"},
	{"interpol", false, "is the name of a public body"},
	{"iru", false, "is the name of a public body (Europol's EU Internet Referral Unit)"},
	{"internet-referral-unit", true, "is the name of a public body (Europol's EU Internet Referral Unit)"},
}

// reservedMaintainers are maintainer names that speak for the platform,
// beyond the reserved terms (which maintainers' names may not use either).
var reservedMaintainers = []string{"Riposte maintainers", "Riposte team", "Équipe Riposte"}

// builtinNames are the slugs and names of the compiled-in plugins, as
// keys, with the slug each belongs to.
func builtinNames() map[string]string {
	out := map[string]string{}
	for _, p := range Registered() {
		m := p.Manifest()
		out[NameKey(m.Slug)] = m.Slug
		out[NameKey(m.Name)] = m.Slug
	}
	return out
}

// reservedIn says why a name is reserved, or "" when it is not: it uses a
// reserved term, or (with builtins) is confusable with the slug or name
// of a compiled-in plugin.
func reservedIn(name string, builtins map[string]string) string {
	key, words := NameKey(name), nameWords(name)
	for _, t := range reservedTerms {
		tk := NameKey(t.term)
		if (t.within && strings.Contains(key, tk)) || slices.ContainsFunc(words, func(w string) bool { return ConfusableKeys(w, tk) }) {
			return fmt.Sprintf("uses %q, which %s: only the platform may use it; %s", t.term, t.why, NameAdvice)
		}
	}
	for bk, slug := range builtins {
		if ConfusableKeys(key, bk) {
			return fmt.Sprintf("is confusable with %q, a plugin of the platform: %s", slug, NameAdvice)
		}
	}
	return ""
}

// CheckNames refuses the reserved names a manifest uses, as a
// *ManifestError naming each field: a slug or name that uses a reserved
// term (riposte, official, public bodies such as PHAROS or
// stop-djihadisme) or is confusable with a compiled-in plugin's slug or
// name, and a maintainer's name that does the same or speaks for the
// platform ("Riposte maintainers"). Only the platform may use them: the
// registry does not call it for administrators and compiled-in plugins.
//
// With prev (the plugin's current manifest, for a new version), values
// already in prev are not checked again, so that a plugin keeps the name
// it was registered under.
func CheckNames(m, prev *Manifest) error {
	builtins := builtinNames()
	var ps problems
	if prev == nil || m.Slug != prev.Slug {
		if why := reservedIn(m.Slug, builtins); why != "" {
			ps.add("slug", why)
		}
	}
	if prev == nil || m.Name != prev.Name {
		if why := reservedIn(m.Name, builtins); why != "" {
			ps.add("name", why)
		}
	}
	for i, mt := range m.Maintainers {
		if prev != nil && slices.ContainsFunc(prev.Maintainers, func(p Maintainer) bool { return p.Name == mt.Name }) {
			continue
		}
		if why := reservedMaintainer(mt.Name); why != "" {
			ps.add(fmt.Sprintf("maintainers[%d].name", i), why)
		}
	}
	return ps.err()
}

// reservedMaintainer says why a maintainer's name is reserved, or "".
func reservedMaintainer(name string) string {
	key := NameKey(name)
	for _, r := range reservedMaintainers {
		if ConfusableKeys(key, NameKey(r)) {
			return fmt.Sprintf("%q speaks for the platform: only the platform may use it; %s", r, NameAdvice)
		}
	}
	return reservedIn(name, nil)
}
