package api_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
)

func TestOversizedBodies(t *testing.T) {
	e := newEnv(t)
	big := `{"email":"` + strings.Repeat("a", 2<<20) + `"}`
	p := e.do(req{method: "POST", path: "/api/v1/auth/register", body: big}).problem(413)
	if !strings.Contains(p.Detail, "1 MiB") {
		t.Fatalf("413 detail %q", p.Detail)
	}
	// Without a Content-Length, the limit applies while reading.
	e.do(req{method: "POST", path: "/api/v1/auth/register", body: io.MultiReader(strings.NewReader(big))}).problem(413)
}

func TestDeepJSONIsABadRequest(t *testing.T) {
	e := newEnv(t)
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	e.do(req{method: "POST", path: "/api/v1/auth/login", body: deep}).problem(400)
	e.do(req{method: "POST", path: "/api/v1/auth/register", body: bytes.NewBufferString(`{"name":` + deep + `}`)}).problem(400)
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	e := newEnv(t)
	e.do(req{method: "GET", path: "/api/v1/nothing-here"}).problem(404)
	r := e.do(req{method: "DELETE", path: "/api/v1/auth/login"})
	r.problem(405)
	if allow := r.Header().Get("Allow"); !strings.Contains(allow, "POST") {
		t.Fatalf("Allow %q", allow)
	}
}

// Refusals of the HTTP layer itself are API answers like the others: never
// kept by a cache.
func TestHTTPRefusalsAreNotCached(t *testing.T) {
	e := newEnv(t)
	big := `{"email":"` + strings.Repeat("a", 2<<20) + `"}`
	for name, r := range map[string]req{
		"404 under /api/v1":         {method: "GET", path: "/api/v1/nothing-here"},
		"404 under /api":            {method: "GET", path: "/api/v2/plugins"},
		"404 /api":                  {method: "GET", path: "/api"},
		"405":                       {method: "DELETE", path: "/api/v1/auth/login"},
		"405 on a route with slugs": {method: "PUT", path: "/api/v1/plugins/outil"},
		"413 announced":             {method: "POST", path: "/api/v1/auth/register", body: big},
		"413 while reading":         {method: "POST", path: "/api/v1/auth/register", body: io.MultiReader(strings.NewReader(big))},
	} {
		res := e.do(r)
		if res.Code != 404 && res.Code != 405 && res.Code != 413 {
			t.Errorf("%s: status %d", name, res.Code)
		}
		if got := res.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", name, got)
		}
	}
	// What the API lets caches revalidate, it still may.
	if got := e.do(req{method: "GET", path: "/api/v1/schemas/plugin-manifest.json"}).want(200).Header().Get("Cache-Control"); got != "public, max-age=3600" {
		t.Errorf("schema Cache-Control %q", got)
	}
}

func TestPagination(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("org@example.org", auth.RoleOrganizer)
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "offset=-1", "offset=1.5"} {
		p := e.do(req{method: "GET", path: "/api/v1/users?" + q, token: tok}).problem(400)
		if len(p.Errors) != 1 || !strings.HasPrefix(q, p.Errors[0].Field) {
			t.Fatalf("%s: problem %+v", q, p)
		}
	}
	var l api.List[api.UserAdminResponse]
	e.do(req{method: "GET", path: "/api/v1/users", token: tok}).want(200).json(&l)
	if l.Limit != 20 || l.Offset != 0 || l.Total != 1 {
		t.Fatalf("default page %+v", l)
	}
}

func TestResponseHeaders(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{method: "GET", path: "/api/v1/me", header: map[string]string{"X-Request-ID": "abc-123"}})
	p := r.problem(401)
	if r.Header().Get("X-Request-ID") != "abc-123" || p.RequestID != "abc-123" {
		t.Fatalf("request id not echoed: header %q, problem %q", r.Header().Get("X-Request-ID"), p.RequestID)
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		"Cache-Control":           "no-store",
		"Referrer-Policy":         "no-referrer",
	} {
		if got := r.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	r = e.do(req{method: "GET", path: "/livez", header: map[string]string{"X-Request-ID": "bad id with spaces"}})
	if id := r.Header().Get("X-Request-ID"); id == "" || strings.Contains(id, " ") {
		t.Fatalf("malformed request id kept: %q", id)
	}
}

func TestCORS(t *testing.T) {
	e := newEnv(t, func(o *options) { o.CORSOrigins = []string{"https://ngo.example.org"} })
	pre := e.do(req{method: "OPTIONS", path: "/api/v1/auth/login", header: map[string]string{
		"Origin": "https://ngo.example.org", "Access-Control-Request-Method": "POST",
	}})
	pre.want(204)
	if pre.Header().Get("Access-Control-Allow-Origin") != "https://ngo.example.org" || !strings.Contains(pre.Header().Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight headers %v", pre.Header())
	}
	other := e.do(req{method: "OPTIONS", path: "/api/v1/auth/login", header: map[string]string{
		"Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
	}})
	if other.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("an unlisted origin was allowed")
	}
	get := e.do(req{method: "GET", path: "/livez", header: map[string]string{"Origin": "https://ngo.example.org"}})
	if get.Header().Get("Access-Control-Allow-Origin") != "https://ngo.example.org" {
		t.Fatal("simple request from a listed origin lacks Access-Control-Allow-Origin")
	}
	// With no origins configured, nobody is allowed.
	none := newEnv(t).do(req{method: "GET", path: "/livez", header: map[string]string{"Origin": "https://ngo.example.org"}})
	if none.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("CORS allowed with no configured origins")
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := newEnv(t)
	e.do(req{method: "GET", path: "/livez"}).want(200)
	var h api.Health
	e.do(req{method: "GET", path: "/readyz"}).want(200).json(&h)
	if h.Checks["database"] != "ok" {
		t.Fatalf("readyz %+v", h)
	}
	e.do(req{method: "GET", path: "/api/v1/users/42/nope"})
	m := e.do(req{method: "GET", path: "/metrics"}).want(200).Body.String()
	for _, want := range []string{
		`riposte_http_requests_total{method="GET",route="/readyz",status="200"} 1`,
		`riposte_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`riposte_http_request_duration_seconds_bucket{method="GET",route="/livez"`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	e.srv.Drain()
	e.do(req{method: "GET", path: "/readyz"}).want(503).json(&h)
	if h.Status != "shutting down" {
		t.Fatalf("draining readyz %+v", h)
	}
	e.do(req{method: "GET", path: "/livez"}).want(200)
}

func TestInternalErrorsSayNothing(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("ada@example.org", auth.RoleParticipant)
	e.store.Close()
	r := e.do(req{method: "GET", path: "/api/v1/me", token: tok})
	p := r.problem(500)
	if strings.Contains(strings.ToLower(r.Body.String()), "sql") || strings.Contains(r.Body.String(), "closed") {
		t.Fatalf("500 leaks internals: %s", r.Body.String())
	}
	if !strings.Contains(e.logs.String(), "database is closed") || !strings.Contains(e.logs.String(), p.RequestID) {
		t.Fatalf("the cause was not logged with the request id:\n%s", e.logs.String())
	}
	var h api.Health
	e.do(req{method: "GET", path: "/readyz"}).want(503).json(&h)
	if h.Checks["database"] != "unreachable" {
		t.Fatalf("readyz with a closed database: %+v", h)
	}
}

func TestSecretsNeverLogged(t *testing.T) {
	e := newEnv(t)
	e.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"email": "ada@example.org", "password": "s3cret-passw0rd", "name": "Ada"}}).want(201)
	tr := e.login("ada@example.org", "s3cret-passw0rd")
	e.do(req{method: "GET", path: "/api/v1/me", token: tr.AccessToken}).want(200)
	logs := e.logs.String()
	for _, secret := range []string{"s3cret-passw0rd", tr.AccessToken, tr.RefreshToken, "Bearer"} {
		if strings.Contains(logs, secret) {
			t.Fatalf("logs contain %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs, `route=/api/v1/me status=200`) {
		t.Fatalf("request log line missing:\n%s", logs)
	}
}
