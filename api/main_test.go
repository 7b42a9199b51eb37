package api_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
)

// env is a server on a throw-away database, built by platformtest as the
// server builds itself, and driven through its real router.
type env struct {
	*platformtest.Env
	t        testing.TB
	srv      *api.Server
	registry *registry.Service
	store    *store.Store
	auth     *auth.Service
	logs     *platformtest.Logs
	relay    *search.Relay
	clock    *platformtest.Clock
}

// testSigningKey signs the access tokens of every test server.
var testSigningKey = platformtest.SigningSecret

// options change how newEnv builds the server; an option changes them.
type (
	options = platformtest.Options
	option  = platformtest.Option
)

func newEnv(t testing.TB, opts ...option) *env {
	t.Helper()
	return wrap(t, platformtest.New(t, opts...))
}

// wrap gives the tests of this package their names for a platform's parts.
func wrap(t testing.TB, pe *platformtest.Env) *env {
	return &env{Env: pe, t: t, srv: pe.Server, registry: pe.Registry, store: pe.Store, auth: pe.Auth, logs: pe.Logs,
		relay: pe.Relay, clock: pe.Clock}
}

func onDialect(d store.Dialect) option { return platformtest.OnDialect(d) }

func withInvokeRate(r ratelimit.Rate) option { return func(o *options) { o.InvokeRate = r } }

func withLimits(l auth.Limits) option { return func(o *options) { o.AuthLimits = l } }

func withEngine(e search.Engine) option { return func(o *options) { o.Engine = e } }

// noEngine is a search engine that never answers.
func noEngine() search.Engine {
	return search.NewDeferred("embedded", func(context.Context) (search.Engine, error) {
		return nil, errors.New("no engine in this test")
	})
}

// eachDialect runs fn on SQLite and, when configured, PostgreSQL.
func eachDialect(t *testing.T, fn func(t *testing.T, e *env), opts ...option) {
	platformtest.Each(t, func(t *testing.T, pe *platformtest.Env) { fn(t, wrap(t, pe)) }, opts...)
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
	platformtest.Response
	t testing.TB
}

func (e *env) do(r req) response {
	e.t.Helper()
	pr := e.Do(platformtest.Request{Method: r.method, Path: r.path, Body: r.body, Token: r.token, Header: r.header, Remote: r.remote})
	return response{Response: pr, t: e.t}
}

// want fails the test unless the status is code.
func (r response) want(code int) response {
	r.t.Helper()
	r.Want(code)
	return r
}

// json decodes the body into v.
func (r response) json(v any) {
	r.t.Helper()
	r.JSON(v)
}

// problem checks that the body is a problem document with status code and
// returns it.
func (r response) problem(code int) api.Problem {
	r.t.Helper()
	return r.Problem(code)
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
	c := e.SignIn(email, role)
	return c.Account, c.Token
}

func (e *env) login(email, password string) api.TokenResponse {
	e.t.Helper()
	return e.Login(email, password)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// registryStrict makes the registry refuse plain-http endpoints, as
// production does.
func registryStrict(o *options) { o.AllowPrivateEndpoints = false }
