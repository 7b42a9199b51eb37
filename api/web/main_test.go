package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
	"github.com/riposte-civic/riposte/api/web"
	"github.com/riposte-civic/riposte/plugins"
	_ "github.com/riposte-civic/riposte/plugins/portesouvertes" // a runnable plugin to try
)

// env is the whole server (API and pages) on a throw-away SQLite database
// with the embedded search engine, served over a real listener.
type env struct {
	t     testing.TB
	srv   *httptest.Server
	store *store.Store
	auth  *auth.Service
	reg   *registry.Service
	hk    *hackathons.Service
	relay *search.Relay
	clock *clock
	logs  *syncBuffer
}

// clock is the time of the hackathon service and the pages; zero means
// the real time.
type clock struct {
	mu sync.Mutex
	at time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWithLimits(t, auth.Limits{})
}

// newEnvWithLimits is newEnv with sign-in and registration limits.
func newEnvWithLimits(t testing.TB, limits auth.Limits) *env {
	t.Helper()
	st := storetest.Open(t, store.SQLite)
	tokens, err := auth.NewTokens([]byte("test-secret-test-secret-test-secret!"), "http://riposte.test", 15*time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	hasher := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 4)
	svc := auth.NewService(st, hasher, tokens, limits, nil)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc.SetLogger(log)
	engine, err := search.NewBleve(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close() })
	clk := &clock{}
	reg := registry.New(st, true)
	hk := hackathons.New(st, clk.now)
	searchSvc := search.NewService(t.Context(), engine, st, log)
	pages, err := web.New(web.Deps{Logger: log, Auth: svc, Registry: reg, Search: searchSvc, Hackathons: hk, Users: st, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Deps{Logger: log, Store: st, Auth: svc, Metrics: prometheus.NewRegistry(), Registry: reg,
		Search: searchSvc, Hackathons: hk, Web: pages})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	e := &env{t: t, srv: hs, store: st, auth: svc, reg: reg, hk: hk, relay: search.NewRelay(st, engine, log), clock: clk, logs: logs}
	e.index()
	return e
}

// builtins registers the compiled-in plugins, as serve does.
func (e *env) builtins() {
	e.t.Helper()
	if _, err := e.reg.SyncBuiltins(context.Background(), plugins.Registered()); err != nil {
		e.t.Fatal(err)
	}
	e.index()
}

// index brings the search index up to date.
func (e *env) index() {
	e.t.Helper()
	if _, err := e.relay.Drain(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// user creates an account and returns it as the services see it.
func (e *env) user(email string, role auth.Role) auth.User {
	e.t.Helper()
	u, err := e.auth.CreateUser(context.Background(), email, "Name "+strings.Split(email, "@")[0], role, password(email))
	if err != nil {
		e.t.Fatal(err)
	}
	return auth.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: auth.Role(u.Role)}
}

func password(email string) string { return "password-" + email }

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
