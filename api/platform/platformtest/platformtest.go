// Package platformtest builds the whole platform for a test, through
// platform.New as the server does: on a throw-away SQLite database, or a
// PostgreSQL schema of its own (see storetest), with the embedded search
// engine or Meilisearch, a clock the test can move, a captured log, and
// signed-in clients for every role.
package platformtest

import (
	"bytes"
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/platform"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
)

// Issuer is the public URL of every test platform, named in its tokens.
const Issuer = "http://riposte.test"

// SigningSecret signs the access tokens of every test platform.
var SigningSecret = []byte("test-secret-test-secret-test-secret!")

// cheapHashing keeps tests fast; the server uses auth.OWASPParams.
var cheapHashing = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// compiled is the WebAssembly code every test platform of the process
// shares, so that each module is compiled once.
var compiled = wasm.NewCache()

// Options change how New builds a platform. The platform's own options
// start from test values: cheap password hashing, SigningSecret, private
// endpoints allowed, no rate limits, the Env's clock and log, compiled
// WebAssembly shared with the process's other test platforms.
type Options struct {
	platform.Options
	// Dialect is the database's, SQLite unless said otherwise; unused
	// when Store is set.
	Dialect store.Dialect
	// Meilisearch searches through Meilisearch, on an index of the test's
	// own, instead of the embedded engine; the test skips without
	// RIPOSTE_TEST_MEILI_URL. Unused when Engine is set.
	Meilisearch bool
	// Builtins are registered as the compiled-in plugins, as the server
	// registers its own at start-up.
	Builtins []plugins.Plugin
}

// Option changes the Options of New.
type Option func(*Options)

// OnDialect builds the platform on a database of dialect d.
func OnDialect(d store.Dialect) Option { return func(o *Options) { o.Dialect = d } }

// Env is a platform built for one test, closed when it ends.
type Env struct {
	*platform.Platform
	Clock *Clock // the platform's clock
	Logs  *Logs  // everything the platform logged, debug included

	tb      testing.TB
	log     *slog.Logger
	server  *httptest.Server
	clients map[auth.Role]Client
}

// New builds the platform for the test tb.
func New(tb testing.TB, opts ...Option) *Env {
	tb.Helper()
	e := &Env{Clock: &Clock{}, Logs: &Logs{}, tb: tb, clients: map[auth.Role]Client{}}
	o := Options{Dialect: store.SQLite, Options: platform.Options{
		Logger:        slog.New(slog.NewTextHandler(e.Logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		SigningSecret: SigningSecret, Issuer: Issuer, AccessTTL: 15 * time.Minute,
		Hasher: auth.NewHasher(cheapHashing, 4), AllowPrivateEndpoints: true, Now: e.Clock.Now,
		WASM: wasm.Options{Shared: compiled},
	}}
	for _, f := range opts {
		f(&o)
	}
	if o.Store == nil {
		o.Store = storetest.Open(tb, o.Dialect)
	}
	if o.Engine == nil {
		o.Engine = openEngine(tb, o.Meilisearch)
	}
	p, err := platform.New(tb.Context(), o.Options)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	e.Platform, e.log = p, o.Logger
	if len(o.Builtins) > 0 {
		e.SyncBuiltins(o.Builtins...)
	}
	return e
}

// Each runs fn on a platform over SQLite and, when RIPOSTE_TEST_DATABASE_URL
// is set, over PostgreSQL, as subtests named after the dialect.
func Each(t *testing.T, fn func(t *testing.T, e *Env), opts ...Option) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { fn(t, New(t, append([]Option{OnDialect(d)}, opts...)...)) })
	}
}

// SyncBuiltins registers compiled-in plugins as the server does at
// start-up.
func (e *Env) SyncBuiltins(builtins ...plugins.Plugin) {
	e.tb.Helper()
	if err := platform.SyncBuiltins(e.tb.Context(), e.Registry, builtins, e.log); err != nil {
		e.tb.Fatal(err)
	}
}

// Index brings the search index up to date with the database, as the
// server's relay does as it runs.
func (e *Env) Index() {
	e.tb.Helper()
	for {
		n, err := e.Relay.Drain(e.tb.Context())
		if err != nil {
			e.tb.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// Serve serves the platform on a real listener, closed when the test
// ends; calls after the first return the same server.
func (e *Env) Serve() *httptest.Server {
	if e.server == nil {
		e.server = httptest.NewServer(e.Server)
		e.tb.Cleanup(e.server.Close)
	}
	return e.server
}

// openEngine opens the embedded search engine in a temporary directory, or
// Meilisearch on an index of the test's own, deleted when it ends.
func openEngine(tb testing.TB, meili bool) search.Engine {
	tb.Helper()
	if !meili {
		b, err := search.NewBleve(tb.TempDir())
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { b.Close() })
		return b
	}
	url := storetest.SkipUnlessSet(tb, "RIPOSTE_TEST_MEILI_URL", "http://127.0.0.1:7700")
	key := os.Getenv("RIPOSTE_TEST_MEILI_KEY")
	index := "test-" + strings.ToLower(rand.Text()[:10])
	m, err := search.NewMeili(tb.Context(), url, key, index)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		m.Close()
		deleteMeiliIndex(url, key, index)
	})
	return m
}

// deleteMeiliIndex removes a test index.
func deleteMeiliIndex(url, key, index string) {
	req, _ := http.NewRequest("DELETE", url+"/indexes/"+index, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
}

// Clock is the platform's time in tests: the real time until Set.
type Clock struct {
	mu sync.Mutex
	at time.Time
}

// Now returns the time the clock was set to, or the real time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// Set stops the clock at t; the zero time makes it the real time again.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

// Logs keeps what a platform logs. It is safe to write from the server's
// goroutines while a test reads it.
type Logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write adds p to the logs.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
