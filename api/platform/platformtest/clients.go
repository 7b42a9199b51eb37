package platformtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
)

// Password is the password of the accounts Account creates.
func Password(email string) string { return "password-" + email }

// Account creates an account with a role, named after its e-mail
// address's local part, with the password Password(email).
func (e *Env) Account(email string, role auth.Role) store.User {
	e.tb.Helper()
	name, _, _ := strings.Cut(email, "@")
	u, err := e.Auth.CreateUser(e.tb.Context(), email, "Name "+name, role, Password(email))
	if err != nil {
		e.tb.Fatal(err)
	}
	return u
}

// UserOf returns an account as the services see their caller.
func UserOf(u store.User) auth.User {
	return auth.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: auth.Role(u.Role)}
}

// Client is an account signed in to the API.
type Client struct {
	Account store.User
	Token   string // its access token
	env     *Env
}

// User returns the client's account as the services see it.
func (c Client) User() auth.User { return UserOf(c.Account) }

// Do sends a request with the client's access token.
func (c Client) Do(r Request) Response {
	c.env.tb.Helper()
	r.Token = c.Token
	return c.env.Do(r)
}

// SignIn creates an account with a role and signs it in through the API.
func (e *Env) SignIn(email string, role auth.Role) Client {
	e.tb.Helper()
	u := e.Account(email, role)
	return Client{Account: u, Token: e.Login(email, Password(email)).AccessToken, env: e}
}

// As returns the client of a role, role@example.org, created and signed
// in on first use.
func (e *Env) As(role auth.Role) Client {
	e.tb.Helper()
	c, ok := e.clients[role]
	if !ok {
		c = e.SignIn(string(role)+"@example.org", role)
		e.clients[role] = c
	}
	return c
}

// Login signs in through the API and returns the tokens granted.
func (e *Env) Login(email, password string) api.TokenResponse {
	e.tb.Helper()
	var tr api.TokenResponse
	e.Do(Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": email, "password": password}}).Want(200).JSON(&tr)
	return tr
}

// Request is one request to the platform.
type Request struct {
	Method, Path string
	Body         any // JSON-encoded unless a string, []byte or io.Reader
	Token        string
	Header       map[string]string
	Remote       string // the client's address, host:port
}

// Response is a recorded answer.
type Response struct {
	*httptest.ResponseRecorder
	tb testing.TB
}

// Do sends a request through the platform's router and records the
// answer.
func (e *Env) Do(r Request) Response {
	e.tb.Helper()
	body := e.body(r.Body)
	hr := httptest.NewRequest(r.Method, r.Path, body)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		hr.Header.Set(k, v)
	}
	if r.Remote != "" {
		hr.RemoteAddr = r.Remote
	}
	w := httptest.NewRecorder()
	e.Server.ServeHTTP(w, hr)
	return Response{ResponseRecorder: w, tb: e.tb}
}

// body returns a request body: b itself, or b in JSON.
func (e *Env) body(b any) io.Reader {
	switch b := b.(type) {
	case nil:
		return nil
	case string:
		return strings.NewReader(b)
	case []byte:
		return bytes.NewReader(b)
	case io.Reader:
		return b
	}
	j, err := json.Marshal(b)
	if err != nil {
		e.tb.Fatal(err)
	}
	return bytes.NewReader(j)
}

// Want fails the test unless the status is code.
func (r Response) Want(code int) Response {
	r.tb.Helper()
	if r.Code != code {
		r.tb.Fatalf("status %d, want %d; body: %s", r.Code, code, r.Body.String())
	}
	return r
}

// JSON decodes the body into v.
func (r Response) JSON(v any) {
	r.tb.Helper()
	if err := json.Unmarshal(r.Body.Bytes(), v); err != nil {
		r.tb.Fatalf("decode %q: %v", r.Body.String(), err)
	}
}

// Problem fails the test unless the answer is a problem document with
// status code, and returns it.
func (r Response) Problem(code int) api.Problem {
	r.tb.Helper()
	r.Want(code)
	if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
		r.tb.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p api.Problem
	r.JSON(&p)
	if p.Status != code || p.Title == "" || p.Type == "" {
		r.tb.Fatalf("problem %+v does not match status %d", p, code)
	}
	return p
}
