package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
)

func TestCatalogueFindsDespiteTyposAndFilters(t *testing.T) {
	e := newEnv(t)
	owner := e.user("owner@example.org", auth.RoleParticipant)
	e.published(owner, manifest("signalement-haine", "Signalement haine", "Report hateful posts to the platforms"))
	e.published(owner, manifest("contre-discours", "Contre discours", "Write counter-speech replies",
		"tags: [reponse]"))
	e.published(owner, strings.Replace(manifest("alerte-rumeurs", "Alerte rumeurs", "Spot rumours after an attack"),
		"languages: [fr, ar]", "languages: [en]", 1))
	e.index()
	b := e.browser()

	// A typo still finds the plugin, highlighted; the whole search is in the URL.
	p := b.get("/?q=signalemnt").want(t, 200, `<em>Signalement</em>`, `href="/plugins/signalement-haine"`, `value="signalemnt"`)
	if strings.Contains(p.body, "alerte-rumeurs") {
		t.Fatalf("an unrelated plugin matches:\n%s", p.body)
	}
	// Facets count every hit; a filter narrows the results and stays checked.
	p = b.get("/").want(t, 200, "3 tools")
	if !regexp.MustCompile(`name="language" value="fr"\s*>\s*<label[^>]*><span dir="auto">French</span> <span class="count">2</span>`).MatchString(p.body) {
		t.Fatalf("no language facet with its count:\n%s", p.body)
	}
	p = b.get("/?language=en").want(t, 200, "1 tool", "alerte-rumeurs", `name="language" value="en" checked`)
	if strings.Contains(p.body, "contre-discours") {
		t.Fatal("the language filter does not filter")
	}
	// The fragment fetched while typing is the results alone.
	f := b.get("/results?q=rumours&sort=name").want(t, 200, "alerte-rumeurs", `<option value="name" selected>`)
	if strings.Contains(f.body, "<html") || strings.Contains(f.body, `id="q"`) {
		t.Fatalf("the fragment is a whole page:\n%s", f.body)
	}
	// Unreadable parameters are dropped, not fatal.
	b.get("/?sort=sideways&page=zero").want(t, 200, "3 tools", "could not be read")
}

// Results are written without html/template; what people typed must still
// come out as text, with only the highlight marks as tags.
func TestCatalogueResultsEscapeText(t *testing.T) {
	e := newEnv(t)
	owner := e.user("owner@example.org", auth.RoleParticipant)
	e.published(owner, manifest("outil-balise", `'Outil <img src=x onerror=alert(1)> & "co"'`,
		`'Résumé <script>alert(1)</script> d''outil'`))
	e.index()
	b := e.browser()
	for _, path := range []string{"/?q=outil", "/results?q=outil", "/"} {
		p := b.get(path).want(t, 200, `&lt;img src=x onerror=alert(1)&gt; &amp; &#34;co&#34;`, `&lt;script&gt;alert(1)&lt;/script&gt;`)
		if strings.Contains(p.body, "<img") || strings.Contains(p.body, "<script>alert") {
			t.Fatalf("%s: text written as markup:\n%s", path, p.body)
		}
	}
	b.get("/?q=outil").want(t, 200, `<em>Outil</em>`)
}

func TestCataloguePaginates(t *testing.T) {
	e := newEnv(t)
	owner := e.user("owner@example.org", auth.RoleParticipant)
	for i := range 25 {
		e.published(owner, manifest(fmt.Sprintf("outil-%02d", i), fmt.Sprintf("Outil %02d", i), "A tool for counter-speech"))
	}
	e.index()
	b := e.browser()
	p := b.get("/?q=tool&sort=name").want(t, 200, "25 tools", "Page 1 of 2", `href="/?page=2&amp;q=tool&amp;sort=name"`)
	if n := strings.Count(p.body, `class="hit"`); n != 20 {
		t.Fatalf("%d hits on the first page, want 20", n)
	}
	p = b.get("/?q=tool&sort=name&page=2").want(t, 200, "Page 2 of 2", "outil-24", `rel="prev"`)
	if n := strings.Count(p.body, `class="hit"`); n != 5 {
		t.Fatalf("%d hits on the second page, want 5", n)
	}
}

// The catalogue page with 20 results, its stylesheet and its script weigh
// less than 100 KB together, uncompressed, and load nothing from elsewhere.
func TestCatalogueIsLight(t *testing.T) {
	e := newEnv(t)
	owner := e.user("owner@example.org", auth.RoleParticipant)
	for i := range 30 {
		e.published(owner, manifest(fmt.Sprintf("outil-%02d", i), fmt.Sprintf("Outil de contre-discours numéro %02d", i),
			"Helps NGOs answer propaganda with facts, in French, English and Arabic, on every platform"))
	}
	e.index()
	b := e.browser()
	p := b.get("/?q=outil").want(t, 200)
	if n := strings.Count(p.body, `class="hit"`); n != 20 {
		t.Fatalf("%d hits, want 20", n)
	}
	total := len(p.body)
	for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(p.body, -1) {
		a := b.get(strings.ReplaceAll(m[1], "&amp;", "&")).want(t, 200)
		total += len(a.body)
	}
	if strings.Contains(p.body, "http://") || strings.Contains(p.body, "https://") {
		t.Fatalf("the catalogue refers to another site:\n%s", p.body)
	}
	t.Logf("catalogue with 20 results: %d bytes of HTML, CSS and JS", total)
	if total >= 100_000 {
		t.Fatalf("catalogue weighs %d bytes, want < 100 KB", total)
	}
}

func TestStaticAssetsAreCachedByContent(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	p := b.get("/").want(t, 200)
	css := regexp.MustCompile(`href="(/static/app\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(p.body)
	if css == nil {
		t.Fatalf("no versioned stylesheet:\n%s", p.body)
	}
	a := b.get(css[1]).want(t, 200)
	if a.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("asset headers %v", a.Header)
	}
	b.get("/static/nothing.css").want(t, http.StatusNotFound)
}

// The catalogue shares the search API's allowance per address: over it,
// the page says so and when to come back.
func TestTheCatalogueIsRateLimited(t *testing.T) {
	e := newEnvWith(t, func(o *platformtest.Options) { o.SearchPerMinute = 1 })
	b := e.browser()
	b.get("/").want(t, http.StatusOK)
	p := b.get("/?q=rumeur").want(t, http.StatusTooManyRequests, "Too many searches")
	if ra := p.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q, want a wait of at least a second", ra)
	}
}
