package seed

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
)

func mustParse(t *testing.T) catalogue {
	t.Helper()
	c, err := parseCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEveryManifestValidates(t *testing.T) {
	c := mustParse(t)
	d, err := parseDemo()
	if err != nil {
		t.Fatal(err)
	}
	entries := c.entries
	for i := range d.Entries {
		e, err := parseEntry(&d.Entries[i].Manifest)
		if err != nil {
			t.Fatalf("demo entry %d: %v", i, err)
		}
		entries = append(entries, e)
	}
	for _, e := range entries {
		var seen []string
		for _, m := range e.versions {
			if m.Slug != e.slug {
				t.Errorf("%s: a version has slug %s", e.slug, m.Slug)
			}
			// Exactly what the registry checks when a user creates a plugin.
			if _, err := plugins.Check(m.Canonical(), plugins.Options{}); err != nil {
				t.Errorf("%s %s: %v", e.slug, m.Version, err)
			}
			seen = append(seen, m.Version)
		}
		if got := plugins.Latest(seen); got != seen[len(seen)-1] {
			t.Errorf("%s: versions %v: the current one must be the latest, got %s", e.slug, seen, got)
		}
	}
}

func TestCatalogueCoversEveryCategoryAndLanguage(t *testing.T) {
	c := mustParse(t)
	if len(c.entries) < 40 {
		t.Fatalf("%d example entries, want at least 40", len(c.entries))
	}
	categories, languages, slugs := map[string]int{}, map[string]int{}, map[string]bool{}
	for _, e := range c.entries {
		if slugs[e.slug] {
			t.Errorf("slug %s is used twice", e.slug)
		}
		slugs[e.slug] = true
		m := e.versions[len(e.versions)-1]
		for _, cat := range m.Categories {
			categories[cat]++
		}
		for _, l := range m.Languages {
			languages[l]++
		}
	}
	for _, cat := range plugins.Categories() {
		if categories[cat] < 3 {
			t.Errorf("category %s has %d entries, want at least 3", cat, categories[cat])
		}
	}
	for _, l := range []string{"fr", "en", "ar"} {
		if languages[l] < 8 {
			t.Errorf("language %s has %d entries, want at least 8", l, languages[l])
		}
	}
}

func isArabic(s string) bool {
	letters, arabic := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Arabic, r) {
				arabic++
			}
		}
	}
	return letters > 0 && arabic*2 > letters
}

func TestArabicEntriesAreWrittenInArabic(t *testing.T) {
	n := 0
	for _, e := range mustParse(t).entries {
		m := e.versions[len(e.versions)-1]
		if m.Languages[0] != "ar" {
			continue
		}
		n++
		if !isArabic(m.Name) || !isArabic(m.Summary) || !isArabic(m.Description) {
			t.Errorf("%s lists Arabic first but its name, summary or description is not in Arabic", e.slug)
		}
	}
	if n < 6 {
		t.Errorf("%d entries in Arabic first, want at least 6", n)
	}
}

func TestEntriesAreMarkedAsExamples(t *testing.T) {
	for _, e := range mustParse(t).entries {
		for _, m := range e.versions {
			notice := notices[m.Languages[0]]
			switch {
			case notice == "":
				t.Errorf("%s: no notice for language %s", e.slug, m.Languages[0])
			case !strings.HasPrefix(m.Description, notice):
				t.Errorf("%s: the description does not open with the example notice", e.slug)
			case !slices.Contains(m.Tags, ExampleTag):
				t.Errorf("%s: no %q tag", e.slug, ExampleTag)
			case !strings.HasPrefix(m.Repository, RepositoryBase):
				t.Errorf("%s: repository %s is not under %s", e.slug, m.Repository, RepositoryBase)
			case m.Runtime.Type != plugins.RuntimeNone:
				t.Errorf("%s: runtime %s, want none", e.slug, m.Runtime.Type)
			}
			for _, mt := range m.Maintainers {
				if !strings.HasSuffix(mt.Email, "@example.org") {
					t.Errorf("%s: maintainer address %s is not an example address", e.slug, mt.Email)
				}
			}
		}
	}
}

func TestMarkingRejectsRealLookingEntries(t *testing.T) {
	for name, m := range map[string]plugins.Manifest{
		"real repository": {Slug: "x-tool", Languages: []string{"fr"}, Repository: "https://github.com/someone/x-tool"},
		"real homepage":   {Slug: "x-tool", Languages: []string{"fr"}, Homepage: "https://x-tool.fr"},
		"runnable":        {Slug: "x-tool", Languages: []string{"fr"}, Runtime: plugins.Runtime{Type: plugins.RuntimeHTTP}},
	} {
		if err := markAsExample(&m); err == nil {
			t.Errorf("%s: accepted as an example", name)
		}
	}
}

func editionBySlug(t *testing.T, c catalogue, slug string) edition {
	t.Helper()
	for _, ed := range c.editions {
		if ed.Slug == slug {
			return ed
		}
	}
	t.Fatalf("no edition %s", slug)
	return edition{}
}

func TestPastEditionHoldsSourcedFactsOnly(t *testing.T) {
	c := mustParse(t)
	ed := editionBySlug(t, c, "nec-mergitur-2016")
	if len(ed.Sources) < 3 {
		t.Fatalf("%d sources, want at least 3", len(ed.Sources))
	}
	in, err := ed.input(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ed.Sources {
		u, err := url.Parse(s.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" || s.Title == "" {
			t.Errorf("source %+v: want a title and an https URL", s)
		}
		if !strings.Contains(in.Description, s.URL) {
			t.Errorf("the description does not show source %s", s.URL)
		}
	}
	paris := time.FixedZone("CET", 3600)
	if !in.StartsAt.Equal(time.Date(2016, 1, 15, 17, 30, 0, 0, paris)) || !in.EndsAt.Equal(time.Date(2016, 1, 17, 19, 0, 0, 0, paris)) {
		t.Errorf("dates %s – %s, want 15 January 2016 17:30 to 17 January 19:00 (Paris)", in.StartsAt, in.EndsAt)
	}
	if len(ed.Submissions)+len(ed.BuiltinSubmissions) > 0 {
		t.Error("the 2016 edition has submissions: Riposte holds none of its real projects")
	}
	for _, theme := range []string{"alerte", "radicalisation", "contre-discours"} {
		if !strings.Contains(in.Description, theme) {
			t.Errorf("the description does not name the theme %q", theme)
		}
	}
}

func TestExampleEditionIsOpenWhenLoaded(t *testing.T) {
	c := mustParse(t)
	ed := editionBySlug(t, c, "edition-exemple")
	for _, now := range []time.Time{time.Now(), time.Date(2031, 12, 31, 23, 59, 0, 0, time.UTC)} {
		in, err := ed.input(now)
		if err != nil {
			t.Fatal(err)
		}
		e := hackathons.Edition{}
		e.StartsAt, e.EndsAt, e.SubmissionDeadline, e.JudgingDeadline = in.StartsAt, in.EndsAt, in.SubmissionDeadline, in.JudgingDeadline
		if phase := e.Phase(now); phase != hackathons.PhaseOpen {
			t.Errorf("loaded at %s, the example edition is %s, want open", now, phase)
		}
		e.JudgingStartsAt = &in.JudgingStartsAt
		if err := e.AcceptsReviews(now); err != nil {
			t.Errorf("loaded at %s, the example edition refuses reviews (the demonstration scores entries): %v", now, err)
		}
		if in.SubmissionDeadline.Sub(now) < 30*24*time.Hour {
			t.Errorf("loaded at %s, submissions close at %s: too soon to try", now, in.SubmissionDeadline)
		}
	}
	known := map[string]bool{}
	for _, e := range c.entries {
		known[e.slug] = true
	}
	for _, s := range ed.Submissions {
		if !known[s] {
			t.Errorf("submission %s is not an entry of the catalogue", s)
		}
	}
	for _, s := range ed.BuiltinSubmissions {
		if known[s] {
			t.Errorf("%s is both an example entry and a compiled-in tool", s)
		}
	}
}

func TestRubricsAreSound(t *testing.T) {
	for _, ed := range mustParse(t).editions {
		var c valid.Checker
		ed.rubric.Check(&c)
		if err := c.Err(); err != nil {
			t.Errorf("%s: %v", ed.Slug, err)
		}
		keys := map[string]bool{}
		for _, cr := range ed.rubric {
			keys[cr.Key] = true
			if len(cr.Description) < 40 {
				t.Errorf("%s: criterion %s needs a description judges can follow", ed.Slug, cr.Key)
			}
		}
		for _, k := range []string{"impact", "feasibility", "rights", "openness", "quality"} {
			if !keys[k] {
				t.Errorf("%s: no %s criterion", ed.Slug, k)
			}
		}
	}
}

func TestDemoPlan(t *testing.T) {
	d, err := parseDemo()
	if err != nil {
		t.Fatal(err)
	}
	roles := map[auth.Role]int{}
	for _, a := range d.Accounts {
		roles[auth.Role(a.Role)]++
		if !strings.HasSuffix(a.Email, "@"+DemoDomain) {
			t.Errorf("%s is not under %s", a.Email, DemoDomain)
		}
	}
	if roles[auth.RoleOrganizer] != 1 || roles[auth.RoleJudge] != 2 || roles[auth.RoleParticipant] != 3 {
		t.Errorf("roles %v, want an organizer, two judges and three participants", roles)
	}
	if len(d.Comments) == 0 || d.JudgesPerSubmission < 1 {
		t.Error("the demo needs comments and judges per submission")
	}
}
