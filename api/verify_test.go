package api_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail/mailtest"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
)

var verifyLink = regexp.MustCompile(`http://riposte\.test/verify\?token=(rpv_[A-Za-z0-9]+)`)

func TestRegistrationWithEmailAnswersAlikeAndVerifiesTheAddress(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		e.Account("taken@example.org", auth.RoleParticipant)
		register := func(email string) string {
			return e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/register",
				Body: map[string]string{"email": email, "password": "correct horse battery", "name": "Ada", "language": "en"}}).Want(202).Body.String()
		}
		if fresh, taken := register("new@example.org"), register("taken@example.org"); fresh != taken {
			t.Errorf("new and taken addresses get different answers:\n%s\n%s", fresh, taken)
		}
		got := deliver(t, e, srv, &seen, 2)
		if got[0].To[0] != "new@example.org" || got[0].Subject != "Confirm your address for Riposte" {
			t.Fatalf("first message to %v: %q", got[0].To, got[0].Subject)
		}
		if got[1].To[0] != "taken@example.org" || got[1].Subject != "Quelqu'un a voulu ouvrir un compte Riposte avec votre adresse" {
			t.Errorf("second message to %v: %q", got[1].To, got[1].Subject)
		}
		m := verifyLink.FindStringSubmatch(got[0].Text)
		if m == nil {
			t.Fatalf("no verification link:\n%s", got[0].Text)
		}
		u, err := e.store.UserByEmail(t.Context(), "new@example.org")
		if err != nil || u.VerifiedAt != nil || u.Language != "en" {
			t.Fatalf("new account before verification: %+v, %v", u, err)
		}
		e.Login("new@example.org", "correct horse battery") // an unverified account can sign in
		e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/verify", Body: map[string]string{"token": m[1]}}).Want(204)
		if u, _ = e.store.UserByEmail(t.Context(), "new@example.org"); u.VerifiedAt == nil {
			t.Error("the address is not marked verified")
		}
		p := e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/verify", Body: map[string]string{"token": m[1]}}).Problem(422)
		if len(p.Errors) != 1 || p.Errors[0].Field != "token" {
			t.Errorf("a used link: %+v", p.Errors)
		}
		if !audited(t, e, "auth.verify_email", u.ID) {
			t.Error("the verification is not in the audit log")
		}
	}, withSMTP(t, srv))
}

func TestRegistrationWithoutEmailOpensTheAccountAtOnce(t *testing.T) {
	e := newEnv(t)
	e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/register",
		Body: map[string]string{"email": "new@example.org", "password": "correct horse battery", "name": "Ada"}}).Want(201)
	e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/register",
		Body: map[string]string{"email": "new@example.org", "password": "correct horse battery", "name": "Ada"}}).Want(409)
}

func TestUnverifiedAccountsCannotPublishEnterOrReview(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		e.do(req{method: "POST", path: "/api/v1/auth/register",
			body: map[string]string{"email": "new@example.org", "password": "correct horse battery", "name": "Ada", "language": "en"}}).want(202)
		first := deliver(t, e, srv, &seen, 1)[0]
		tok := e.login("new@example.org", "correct horse battery").AccessToken
		for _, r := range []req{
			{method: "POST", path: "/api/v1/plugins", body: manifest("veille", "1.0.0")},
			{method: "POST", path: "/api/v1/plugins/veille/versions", body: manifest("veille", "1.1.0")},
			{method: "POST", path: "/api/v1/plugins/veille/publish"},
			{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", body: map[string]string{"plugin": "veille"}},
			{method: "PUT", path: "/api/v1/hackathons/paris-2026/submissions/veille/review", body: map[string]any{"scores": map[string]int{}}},
		} {
			r.token = tok
			p := e.do(r).problem(403)
			if !strings.Contains(p.Detail, "verify your e-mail address") {
				t.Errorf("%s %s: detail %q does not name the verification", r.method, r.path, p.Detail)
			}
		}

		// A new link works like the first; the first still works too.
		e.do(req{method: "POST", path: "/api/v1/auth/verify/resend", token: tok}).want(202)
		again := deliver(t, e, srv, &seen, 1)[0]
		m1, m2 := verifyLink.FindStringSubmatch(first.Text), verifyLink.FindStringSubmatch(again.Text)
		if m1 == nil || m2 == nil || m1[1] == m2[1] || again.To[0] != "new@example.org" {
			t.Fatalf("resent link to %v: %q, first %q", again.To, m2, m1)
		}
		e.do(req{method: "POST", path: "/api/v1/auth/verify", body: map[string]string{"token": m2[1]}}).want(204)
		e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("veille", "1.0.0")}).want(201)
		e.do(req{method: "POST", path: "/api/v1/auth/verify/resend", token: tok}).problem(409)

		// Accounts the platform makes count as verified.
		_, admin := e.user("cli@example.org", auth.RoleParticipant)
		e.do(req{method: "POST", path: "/api/v1/plugins", token: admin, body: manifest("bouclier", "1.0.0")}).want(201)
	}, withSMTP(t, srv))
}

func TestVerificationResendIsRateLimited(t *testing.T) {
	srv := mailtest.Start(t)
	e := newEnv(t, withSMTP(t, srv))
	e.do(req{method: "POST", path: "/api/v1/auth/register",
		body: map[string]string{"email": "new@example.org", "password": "correct horse battery", "name": "Ada"}}).want(202)
	tok := e.login("new@example.org", "correct horse battery").AccessToken
	// Registration spent one of the address's 3 links per 10 minutes.
	e.do(req{method: "POST", path: "/api/v1/auth/verify/resend", token: tok}).want(202)
	e.do(req{method: "POST", path: "/api/v1/auth/verify/resend", token: tok}).want(202)
	if r := e.do(req{method: "POST", path: "/api/v1/auth/verify/resend", token: tok}).want(429); r.Header().Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

func TestWithoutVerificationRegisteredAccountsPublish(t *testing.T) {
	e := newEnv(t)
	e.do(req{method: "POST", path: "/api/v1/auth/register",
		body: map[string]string{"email": "new@example.org", "password": "correct horse battery", "name": "Ada"}}).want(201)
	tok := e.login("new@example.org", "correct horse battery").AccessToken
	e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("veille", "1.0.0")}).want(201)
	e.do(req{method: "POST", path: "/api/v1/auth/verify/resend", token: tok}).problem(409)
}
