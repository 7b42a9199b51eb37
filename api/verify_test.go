package api_test

import (
	"regexp"
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
