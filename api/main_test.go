package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// env is a server on a throw-away database, driven through its real router.
type env struct {
	t        testing.TB
	srv      *api.Server
	registry *registry.Service
	store    *store.Store
	auth     *auth.Service
	logs     *bytes.Buffer
	relay    *search.Relay
	clock    *clock
}

// clock is the hackathon service's time in tests; zero means the real time.
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

// set moves the clock to t.
func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

// options change how newEnv builds the server.
type options struct {
	dialect store.Dialect
	limits  auth.Limits
	invoke  ratelimit.Rate
	deps    func(*api.Deps)
	engine  search.Engine
}

// testSigningKey signs the access tokens of every test server.
var testSigningKey = []byte("test-secret-test-secret-test-secret!")

func newEnv(t testing.TB, opts ...func(*options)) *env {
	t.Helper()
	o := options{dialect: store.SQLite}
	for _, f := range opts {
		f(&o)
	}
	st := storetest.Open(t, o.dialect)
	tokens, err := auth.NewTokens(testSigningKey, "http://riposte.test", 15*time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Cheap hashing parameters keep tests fast; production uses OWASPParams.
	hasher := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 4)
	svc := auth.NewService(st, hasher, tokens, o.limits, nil)
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc.SetLogger(log)
	engine := o.engine
	if engine == nil {
		engine = search.NewDeferred("embedded", func(context.Context) (search.Engine, error) {
			return nil, errors.New("no engine in this test")
		})
	}
	clk := &clock{}
	metrics := prometheus.NewRegistry()
	reg := registry.New(st, true)
	if err := reg.SetInvokeOptions(registry.InvokeOptions{Rate: o.invoke, Metrics: metrics}); err != nil {
		t.Fatal(err)
	}
	deps := api.Deps{
		Hackathons: hackathons.New(st, clk.now),
		Logger:     log, Store: st, Auth: svc, Metrics: metrics, Registry: reg,
		Search: search.NewService(t.Context(), engine, st, log),
	}
	if o.deps != nil {
		o.deps(&deps)
	}
	srv, err := api.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, registry: deps.Registry, store: st, auth: svc, logs: logs, relay: search.NewRelay(st, engine, log), clock: clk}
}

func onDialect(d store.Dialect) func(*options) { return func(o *options) { o.dialect = d } }

func withInvokeRate(r ratelimit.Rate) func(*options) { return func(o *options) { o.invoke = r } }

func withLimits(l auth.Limits) func(*options) { return func(o *options) { o.limits = l } }

func withDeps(f func(*api.Deps)) func(*options) { return func(o *options) { o.deps = f } }

// eachDialect runs fn on SQLite and, when configured, PostgreSQL.
func eachDialect(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { fn(t, newEnv(t, onDialect(d))) })
	}
}

// req describes one request.
type req struct {
	method, path string
	body         any // marshalled to JSON unless a string or []byte
	token        string
	header       map[string]string
	remote       string
}

// response is a recorded answer with helpers.
type response struct {
	*httptest.ResponseRecorder
	t testing.TB
}

func (e *env) do(r req) response {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	case io.Reader:
		body = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	if r.remote != "" {
		hr.RemoteAddr = r.remote
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, hr)
	return response{ResponseRecorder: w, t: e.t}
}

// want fails the test unless the status is code.
func (r response) want(code int) response {
	r.t.Helper()
	if r.Code != code {
		r.t.Fatalf("status %d, want %d; body: %s", r.Code, code, r.Body.String())
	}
	return r
}

// json decodes the body into v.
func (r response) json(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body.Bytes(), v); err != nil {
		r.t.Fatalf("decode %q: %v", r.Body.String(), err)
	}
}

// problem checks that the body is a problem document with status code and
// returns it.
func (r response) problem(code int) api.Problem {
	r.t.Helper()
	r.want(code)
	if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
		r.t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p api.Problem
	r.json(&p)
	if p.Status != code || p.Title == "" || p.Type == "" {
		r.t.Fatalf("problem %+v does not match status %d", p, code)
	}
	return p
}

// fields lists the field names of a problem's errors.
func fields(p api.Problem) []string {
	var out []string
	for _, f := range p.Errors {
		out = append(out, f.Field)
	}
	return out
}

// user creates an account with a role directly and signs it in.
func (e *env) user(email string, role auth.Role) (store.User, string) {
	e.t.Helper()
	u, err := e.auth.CreateUser(context.Background(), email, "Name "+email, role, "password-"+email)
	if err != nil {
		e.t.Fatal(err)
	}
	return u, e.login(email, "password-"+email).AccessToken
}

func (e *env) login(email, password string) api.TokenResponse {
	e.t.Helper()
	var tr api.TokenResponse
	e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": email, "password": password}}).want(200).json(&tr)
	return tr
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// registryStrict is a registry that refuses plain-http endpoints, as
// production does.
func registryStrict(d *api.Deps) *registry.Service { return registry.New(d.Store, false) }
