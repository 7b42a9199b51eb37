package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/search"
)

// catalogue publishes plugins through the API, plus a draft and a removed
// plugin that must never be found, and lets the relay index them.
func (e *env) catalogue() string {
	e.t.Helper()
	_, tok := e.user("owner@example.org", auth.RoleParticipant)
	for _, p := range []struct{ slug, name, cats, langs string }{
		{"veille-propagande", "Veille propagande", `["detection"]`, `["fr"]`},
		{"propaganda-radar", "Propaganda radar", `["detection","research"]`, `["en"]`},
		{"abris-urgence", "Abris d'urgence", `["emergency"]`, `["fr","en"]`},
		{"hate-speech-map", "Hate speech map", `["research"]`, `["en","ar"]`},
	} {
		m := strings.NewReplacer(`"Tool `+p.slug+`"`, `"`+p.name+`"`, `["research"]`, p.cats, `["fr","en"]`, p.langs).
			Replace(manifest(p.slug, "1.0.0"))
		e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: m}).want(201)
		e.do(req{method: "POST", path: "/api/v1/plugins/" + p.slug + "/publish", token: tok}).want(200)
	}
	secret := strings.Replace(manifest("propaganda-draft", "1.0.0"), `"Tool propaganda-draft"`, `"Propaganda draft"`, 1)
	e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: secret}).want(201)
	gone := strings.Replace(manifest("propaganda-removed", "1.0.0"), `"Tool propaganda-removed"`, `"Propaganda removed"`, 1)
	e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: gone}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/propaganda-removed/publish", token: tok}).want(200)
	e.do(req{method: "DELETE", path: "/api/v1/plugins/propaganda-removed", token: tok}).want(204)
	for {
		n, err := e.relay.Drain(context.Background())
		if err != nil || n == 0 {
			break
		}
	}
	return tok
}

func (e *env) search(query string) api.SearchResponse {
	e.t.Helper()
	var r api.SearchResponse
	e.do(req{method: "GET", path: "/api/v1/search?" + query}).want(200).json(&r)
	return r
}

func hitSlugs(r api.SearchResponse) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Slug)
	}
	slices.Sort(out)
	return out
}

// searchBehaviour holds whichever engine answers.
func searchBehaviour(t *testing.T, e *env, engine string) {
	e.catalogue()
	r := e.search("q=propaganda")
	if r.Engine != engine {
		t.Fatalf("answered by %q, want %q", r.Engine, engine)
	}
	if got := hitSlugs(r); !slices.Contains(got, "propaganda-radar") || slices.Contains(got, "propaganda-draft") || slices.Contains(got, "propaganda-removed") {
		t.Fatalf("q=propaganda found %v", got)
	}
	for _, h := range r.Hits {
		if h.Slug == "propaganda-radar" && !strings.Contains(h.Highlight.Name, "<em>Propaganda</em>") {
			t.Errorf("highlight %+v", h.Highlight)
		}
	}
	all := e.search("")
	if got := hitSlugs(all); !slices.Equal(got, []string{"abris-urgence", "hate-speech-map", "propaganda-radar", "veille-propagande"}) || all.Total != 4 {
		t.Fatalf("everything = %v (total %d)", got, all.Total)
	}
	wantFacets := map[string]map[string]int{
		"category": {"detection": 2, "research": 2, "emergency": 1},
		"language": {"fr": 2, "en": 3, "ar": 1},
		"license":  {"MIT": 4},
		"runtime":  {"none": 4},
	}
	for field, want := range wantFacets {
		if got := all.Facets[field]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("facet %s = %v, want %v", field, got, want)
		}
	}
	for _, f := range search.FacetFields() {
		if all.Facets[string(f)] == nil {
			t.Errorf("facet %s missing from the response", f)
		}
	}
	if len(all.Facets) != len(search.FacetFields()) {
		t.Errorf("the response counts %d facets, want %d: %v", len(all.Facets), len(search.FacetFields()), all.Facets)
	}
	if got := hitSlugs(e.search("category=detection&category=emergency&language=fr")); !slices.Equal(got, []string{"abris-urgence", "veille-propagande"}) {
		t.Errorf("filters = %v", got)
	}
	if got := hitSlugs(e.search("sort=name&limit=2&offset=1")); len(got) != 2 {
		t.Errorf("page = %v", got)
	}
	// Nothing typed is ever read as a query language, and injected filters are plain values.
	for _, q := range []string{"status:draft", "*", "propaganda OR draft", "/.*/", `"`, `\`} {
		r := e.search("q=" + url.QueryEscape(q))
		if slices.Contains(hitSlugs(r), "propaganda-draft") || slices.Contains(hitSlugs(r), "propaganda-removed") {
			t.Errorf("q=%s found a hidden plugin: %v", q, hitSlugs(r))
		}
	}
	for _, f := range []string{`category=x OR status = draft`, `category=detection" OR slug = "propaganda-draft`, `tag=a'); DROP TABLE plugins; --`} {
		r := e.search(strings.Replace(url.QueryEscape(f), "%3D", "=", 1))
		if r.Total != 0 {
			t.Errorf("%s found %v", f, hitSlugs(r))
		}
	}
}

func TestSearchFromTheDatabaseWhenNoEngineAnswers(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		searchBehaviour(t, e, "database")
		var h api.Health
		e.do(req{method: "GET", path: "/readyz"}).want(200).json(&h)
		if h.Status != "degraded" || h.Search == nil || h.Search.Status != "degraded" || h.Search.Pending == 0 {
			t.Fatalf("readyz with the engine down: %+v %+v", h, h.Search)
		}
	}, withEngine(noEngine()))
}

func TestSearchInputLimits(t *testing.T) {
	e := newEnv(t)
	for _, q := range []string{
		"q=" + strings.Repeat("a", 10<<10),
		"sort=random",
		"offset=5000",
		"limit=0",
		"category=" + strings.Repeat("c", 200),
		strings.Repeat("language=fr&", 21),
		"q=%ff%fe",
	} {
		p := e.do(req{method: "GET", path: "/api/v1/search?" + q}).problem(400)
		if len(p.Errors) == 0 {
			t.Errorf("%.40s: no field named in %+v", q, p)
		}
	}
}

// withSearchRate allows each client address perMinute searches, through
// the API and the pages together, as serve does.
func withSearchRate(perMinute int) func(*options) {
	return func(o *options) { o.SearchPerMinute = perMinute }
}

// A client address has one search allowance, whether it searches through
// the API, the catalogue page or its search as you type.
func TestSearchRatePerAddress(t *testing.T) {
	e := newEnv(t, withSearchRate(3))
	const client, other = "192.0.2.10:41000", "198.51.100.7:52000"
	e.do(req{method: "GET", path: "/api/v1/search?q=rumeur", remote: client}).want(200)
	e.do(req{method: "GET", path: "/?q=rumeur", remote: client}).want(200)
	e.do(req{method: "GET", path: "/results?q=rumeu", remote: "192.0.2.10:41001"}).want(200) // another port, same client

	r := e.do(req{method: "GET", path: "/api/v1/search?q=rumeur", remote: client})
	r.problem(429)
	if s, _ := strconv.Atoi(r.Header().Get("Retry-After")); s < 1 || s > 20 || r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("API 429 headers: %v", r.Header())
	}
	for _, path := range []string{"/?q=rumeur", "/results?q=rumeur"} {
		page := e.do(req{method: "GET", path: path, remote: client, header: map[string]string{"Accept-Language": "fr"}})
		if page.Code != 429 || page.Header().Get("Retry-After") == "" || !strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") ||
			!strings.Contains(page.Body.String(), "Trop de recherches") {
			t.Fatalf("%s: status %d, headers %v:\n%s", path, page.Code, page.Header(), page.Body)
		}
	}
	page := e.do(req{method: "GET", path: "/", remote: client, header: map[string]string{"Accept-Language": "en"}})
	if page.Code != 429 || !strings.Contains(page.Body.String(), "Too many searches") {
		t.Fatalf("English page: status %d:\n%s", page.Code, page.Body)
	}
	// A forged X-Forwarded-For buys nothing: no proxy is trusted.
	e.do(req{method: "GET", path: "/api/v1/search?q=x", remote: client, header: map[string]string{"X-Forwarded-For": "203.0.113.9"}}).problem(429)
	// Other addresses, and pages other than searches, are not affected.
	e.do(req{method: "GET", path: "/api/v1/search?q=rumeur", remote: other}).want(200)
	e.do(req{method: "GET", path: "/hackathons", remote: client}).want(200)
}

func TestSearchRateZeroIsOff(t *testing.T) {
	e := newEnv(t, withSearchRate(0))
	for range 30 {
		e.do(req{method: "GET", path: "/api/v1/search?q=x", remote: "192.0.2.10:41000"}).want(200)
	}
}

func TestReindexRoute(t *testing.T) {
	e := newEnv(t)
	_, admin := e.user("root@example.org", auth.RoleAdmin)
	_, org := e.user("org@example.org", auth.RoleOrganizer)
	e.do(req{method: "POST", path: "/api/v1/admin/reindex", token: org}).problem(403)
	var r api.ReindexResponse
	e.do(req{method: "POST", path: "/api/v1/admin/reindex", token: admin}).want(202).json(&r)
	if r.Status != "started" {
		t.Fatalf("reindex = %+v", r)
	}
}

func TestSearchThroughTheEmbeddedEngine(t *testing.T) {
	searchBehaviour(t, newEnv(t), "embedded")
}

func TestSearchThroughMeilisearch(t *testing.T) {
	searchBehaviour(t, newEnv(t, func(o *options) { o.Meilisearch = true }), "meilisearch")
}

// A refused search names each parameter it could not read, with what the
// parameter must be.
func TestSearchNamesEachUnreadableParameter(t *testing.T) {
	e := newEnv(t)
	const badValue = "values must be non-empty text of at most 100 bytes"
	cases := []struct {
		name, query string
		want        []api.FieldError
	}{
		{"text too long", "q=" + strings.Repeat("a", 513), []api.FieldError{{Field: "q", Message: "must be valid text of at most 512 bytes"}}},
		{"text not UTF-8", "q=%ff", []api.FieldError{{Field: "q", Message: "must be valid text of at most 512 bytes"}}},
		{"unknown order", "sort=random", []api.FieldError{{Field: "sort", Message: "must be relevance, newest or name"}}},
		{"empty order", "sort=", []api.FieldError{{Field: "sort", Message: "must be relevance, newest or name"}}},
		{"page too small", "limit=0", []api.FieldError{{Field: "limit", Message: "must be a whole number from 1 to 100"}}},
		{"page too large", "limit=101", []api.FieldError{{Field: "limit", Message: "must be a whole number from 1 to 100"}}},
		{"page not a number", "limit=ten", []api.FieldError{{Field: "limit", Message: "must be a whole number from 1 to 100"}}},
		{"negative offset", "offset=-1", []api.FieldError{{Field: "offset", Message: "must be a whole number, 0 or more"}}},
		{"offset too deep", "offset=1001", []api.FieldError{{Field: "offset", Message: "must be at most 1000; narrow the search instead"}}},
		{"too many values", strings.Repeat("language=fr&", 21), []api.FieldError{{Field: "language", Message: "at most 20 values"}}},
		{"empty value", "category=", []api.FieldError{{Field: "category", Message: badValue}}},
		{"value too long", "tag=" + strings.Repeat("t", 101), []api.FieldError{{Field: "tag", Message: badValue}}},
		{"value not UTF-8", "badge=%fe", []api.FieldError{{Field: "badge", Message: badValue}}},
		{"several", "q=%ff&sort=up&offset=2000&hackathon=&hackathon=x&runtime=" + strings.Repeat("r", 101),
			[]api.FieldError{{Field: "q", Message: "must be valid text of at most 512 bytes"},
				{Field: "sort", Message: "must be relevance, newest or name"},
				{Field: "offset", Message: "must be at most 1000; narrow the search instead"},
				{Field: "runtime", Message: badValue}, {Field: "hackathon", Message: badValue}}},
		{"page and text at once", "limit=0&offset=x&q=%ff", []api.FieldError{{Field: "q", Message: "must be valid text of at most 512 bytes"},
			{Field: "limit", Message: "must be a whole number from 1 to 100"}, {Field: "offset", Message: "must be a whole number, 0 or more"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := e.do(req{method: "GET", path: "/api/v1/search?" + c.query}).problem(400)
			if fmt.Sprint(p.Errors) != fmt.Sprint(c.want) {
				t.Errorf("errors %v, want %v", p.Errors, c.want)
			}
		})
	}
	// Every readable search is answered.
	for _, q := range []string{"", "q=" + strings.Repeat("a", 512), "sort=newest&limit=100&offset=1000",
		strings.Repeat("language=fr&", 20), "category=a&category=a&tag=" + strings.Repeat("t", 100)} {
		e.do(req{method: "GET", path: "/api/v1/search?" + q}).want(200)
	}
}
