package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
	_ "github.com/riposte-civic/riposte/plugins/portesouvertes" // runnable plugins to try
	_ "github.com/riposte-civic/riposte/plugins/rumeur"
)

// env is the whole server (API and pages) on a throw-away SQLite database
// with the embedded search engine, built by platformtest as the server
// builds itself, and served over a real listener.
type env struct {
	*platformtest.Env
	t     testing.TB
	srv   *httptest.Server
	store *store.Store
	reg   *registry.Service
	hk    *hackathons.Service
	clock *platformtest.Clock
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWithLimits(t, auth.Limits{})
}

// newEnvWithLimits is newEnv with sign-in and registration limits.
func newEnvWithLimits(t testing.TB, limits auth.Limits) *env {
	t.Helper()
	return newEnvWith(t, func(o *platformtest.Options) { o.AuthLimits = limits })
}

// newEnvWith is newEnv with the platform's options changed by set.
func newEnvWith(t testing.TB, set func(*platformtest.Options)) *env {
	t.Helper()
	pe := platformtest.New(t, set)
	e := &env{Env: pe, t: t, srv: pe.Serve(), store: pe.Store, reg: pe.Registry, hk: pe.Hackathons,
		clock: pe.Clock}
	e.index()
	return e
}

// builtins registers the compiled-in plugins, as serve does.
func (e *env) builtins() {
	e.t.Helper()
	e.SyncBuiltins(plugins.Registered()...)
	e.index()
}

// index brings the search index up to date.
func (e *env) index() {
	e.t.Helper()
	e.Index()
}

// user creates an account and returns it as the services see it.
func (e *env) user(email string, role auth.Role) auth.User {
	e.t.Helper()
	return platformtest.UserOf(e.Account(email, role))
}

func password(email string) string { return platformtest.Password(email) }

// manifest is a valid catalogue-entry manifest in YAML.
func manifest(slug, name, summary string, extra ...string) string {
	m := fmt.Sprintf(`slug: %s
name: %s
version: 1.0.0
summary: %s
categories: [counter-speech]
languages: [fr, ar]
license: MIT
repository: https://example.org/%s
maintainers: [{name: Ada, email: ada@example.org}]
runtime: {type: none}
`, slug, name, summary, slug)
	return m + strings.Join(extra, "\n")
}

// published registers and publishes a plugin owned by u.
func (e *env) published(u auth.User, text string) store.Plugin {
	e.t.Helper()
	p, err := e.reg.Create(context.Background(), u, []byte(text))
	if err != nil {
		e.t.Fatal(err)
	}
	if p, err = e.reg.Publish(context.Background(), u, p.Slug); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// edition creates a hackathon open for entries now, with a two-criterion
// rubric, and returns it.
func (e *env) edition(org auth.User, slug string) hackathons.Edition {
	e.t.Helper()
	now := time.Now()
	ed, err := e.hk.Create(context.Background(), org, hackathons.Input{Slug: slug, Name: "Hackathon " + slug, City: "Paris",
		StartsAt: now.Add(-time.Hour), EndsAt: now.Add(24 * time.Hour), SubmissionDeadline: now.Add(2 * time.Hour),
		JudgingDeadline: now.Add(48 * time.Hour),
		Rubric: judging.Rubric{
			{Key: "impact", Label: "Impact", Description: "Does it help people facing propaganda?", Weight: 2, Max: 10},
			{Key: "craft", Label: "Craft", Description: "Is it usable and well made?", Weight: 1, Max: 10},
		}})
	if err != nil {
		e.t.Fatal(err)
	}
	return ed
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	e      *env
	client *http.Client
	lang   string
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, lang: "en", client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// page is an answer with its body read.
type page struct {
	*http.Response
	body string
}

func (b *browser) do(method, path string, form url.Values, header ...string) page {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.srv.URL+path, body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.e.srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	req.Header.Set("Accept-Language", b.lang)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return page{Response: res, body: string(raw)}
}

func (b *browser) get(path string) page { b.e.t.Helper(); return b.do("GET", path, nil) }

func (b *browser) post(path string, form url.Values) page {
	b.e.t.Helper()
	return b.do("POST", path, form)
}

// signIn signs in through the sign-in form.
func (b *browser) signIn(email string) {
	b.e.t.Helper()
	p := b.post("/signin", url.Values{"email": {email}, "password": {password(email)}, "next": {"/"}})
	if p.StatusCode != http.StatusSeeOther {
		b.e.t.Fatalf("sign-in: status %d: %s", p.StatusCode, p.body)
	}
}

// want fails unless the status is code and the body holds every text.
func (p page) want(t testing.TB, code int, texts ...string) page {
	t.Helper()
	if p.StatusCode != code {
		t.Fatalf("%s %s: status %d, want %d; body:\n%s", p.Request.Method, p.Request.URL.Path, p.StatusCode, code, p.body)
	}
	for _, s := range texts {
		if !strings.Contains(p.body, s) {
			t.Fatalf("%s %s: body lacks %q:\n%s", p.Request.Method, p.Request.URL.Path, s, p.body)
		}
	}
	return p
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
