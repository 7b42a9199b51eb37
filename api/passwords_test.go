package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/mail/mailtest"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/store"
)

// withSMTP sends the platform's e-mail to a test SMTP server.
func withSMTP(t testing.TB, srv *mailtest.Server) option {
	sender, err := mail.ParseSMTPURL(srv.URL(), "Riposte <noreply@riposte.test>")
	if err != nil {
		t.Fatal(err)
	}
	return func(o *options) { o.MailSender = sender }
}

// deliver sends the mail outbox and returns what the server received
// since it last looked, failing when that is not n messages.
func deliver(t *testing.T, e *env, srv *mailtest.Server, seen *int, n int) []mailtest.Message {
	t.Helper()
	if _, err := e.MailRelay.Drain(t.Context()); err != nil {
		t.Fatalf("sending mail: %v", err)
	}
	got := srv.Messages()[*seen:]
	if len(got) != n {
		t.Fatalf("the mail server received %d new messages, want %d", len(got), n)
	}
	*seen += n
	return got
}

var resetLink = regexp.MustCompile(`http://riposte\.test/password-reset/confirm\?token=(rps_[A-Za-z0-9]+)`)

func TestPasswordResetThroughTheLinkSentByMail(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		ana := e.Account("ana@example.org", auth.RoleParticipant)
		first := e.Login(ana.Email, platformtest.Password(ana.Email))
		second := e.Login(ana.Email, platformtest.Password(ana.Email))
		var ci api.APITokenCreated
		e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/me/tokens", Token: first.AccessToken,
			Body: map[string]any{"name": "ci", "scopes": []string{"read"}}}).Want(201).JSON(&ci)
		e.Do(platformtest.Request{Method: "GET", Path: "/api/v1/me", Token: ci.Token}).Want(200)

		known := e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/password-reset", Body: map[string]string{"email": "ANA@example.org"}}).Want(202)
		unknown := e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/password-reset", Body: map[string]string{"email": "nobody@example.org"}}).Want(202)
		if known.Body.String() != unknown.Body.String() {
			t.Errorf("known and unknown addresses get different answers:\n%s\n%s", known.Body, unknown.Body)
		}
		msg := deliver(t, e, srv, &seen, 1)[0]
		if msg.To[0] != "ana@example.org" || msg.Subject != "Choisir un nouveau mot de passe Riposte" {
			t.Errorf("reset message to %v, subject %q", msg.To, msg.Subject)
		}
		m := resetLink.FindStringSubmatch(msg.Text)
		if m == nil || !strings.Contains(msg.HTML, m[0]) {
			t.Fatalf("no reset link in both parts:\n%s\n%s", msg.Text, msg.HTML)
		}
		token := m[1]

		weak := e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/password-reset/confirm",
			Body: map[string]string{"token": token, "password": "short"}}).Problem(422)
		if len(weak.Errors) != 1 || weak.Errors[0].Field != "password" {
			t.Errorf("a short password: %+v", weak.Errors)
		}
		e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/password-reset/confirm",
			Body: map[string]string{"token": token, "password": "a brand new password"}}).Want(204)

		// Whoever learnt the password may have made API tokens: a reset
		// revokes them with the sessions.
		for _, tok := range []string{first.AccessToken, second.AccessToken, ci.Token} {
			e.Do(platformtest.Request{Method: "GET", Path: "/api/v1/me", Token: tok}).Want(401)
		}
		e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/refresh", Body: map[string]string{"refresh_token": first.RefreshToken}}).Want(401)
		e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": ana.Email, "password": platformtest.Password(ana.Email)}}).Want(401)
		e.Login(ana.Email, "a brand new password")

		again := e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/password-reset/confirm",
			Body: map[string]string{"token": token, "password": "yet another password"}}).Problem(422)
		if len(again.Errors) != 1 || again.Errors[0].Field != "token" {
			t.Errorf("a used link: %+v", again.Errors)
		}
		if !audited(t, e, "auth.password_reset", ana.ID) {
			t.Error("the reset is not in the audit log")
		}
	}, withSMTP(t, srv))
}

func TestExpiredPasswordResetLinksAreRefused(t *testing.T) {
	e := newEnv(t)
	ana := e.Account("ana@example.org", auth.RoleParticipant)
	sum := sha256.Sum256([]byte("rps_expired"))
	if err := e.store.CreateAccountToken(t.Context(), hex.EncodeToString(sum[:]), ana.ID, store.TokenPasswordReset,
		time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	p := e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/password-reset/confirm",
		Body: map[string]string{"token": "rps_expired", "password": "a brand new password"}}).Problem(422)
	if len(p.Errors) != 1 || p.Errors[0].Field != "token" {
		t.Errorf("an expired link: %+v", p.Errors)
	}
	e.Login(ana.Email, platformtest.Password(ana.Email))
}

func TestPasswordResetIsRateLimitedPerAddress(t *testing.T) {
	e := newEnv(t)
	codes := []int{}
	for i := range 5 {
		r := e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/password-reset",
			Body: map[string]string{"email": "nobody@example.org"}, Remote: "192.0.2." + string(rune('1'+i)) + ":4000"})
		codes = append(codes, r.Code)
	}
	if !slices.Equal(codes, []int{202, 202, 202, 429, 429}) {
		t.Errorf("five requests for one address from five clients: %v, want three accepted", codes)
	}
}

func TestPasswordChangeSignsOtherSessionsOut(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		ana := e.Account("ana@example.org", auth.RoleParticipant)
		here := e.Login(ana.Email, platformtest.Password(ana.Email))
		there := e.Login(ana.Email, platformtest.Password(ana.Email))
		var ci api.APITokenCreated
		e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/me/tokens", Token: here.AccessToken,
			Body: map[string]any{"name": "ci", "scopes": []string{"read"}}}).Want(201).JSON(&ci)

		wrong := e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/me/password", Token: here.AccessToken,
			Body: map[string]string{"current_password": "not my password", "password": "a brand new password"}}).Problem(422)
		if len(wrong.Errors) != 1 || wrong.Errors[0].Field != "current_password" {
			t.Errorf("a wrong current password: %+v", wrong.Errors)
		}
		e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/me/password", Token: here.AccessToken,
			Body: map[string]string{"current_password": platformtest.Password(ana.Email), "password": "a brand new password"}}).Want(204)

		e.Do(platformtest.Request{Method: "GET", Path: "/api/v1/me", Token: here.AccessToken}).Want(200)
		e.Do(platformtest.Request{Method: "GET", Path: "/api/v1/me", Token: there.AccessToken}).Want(401)
		e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/refresh", Body: map[string]string{"refresh_token": there.RefreshToken}}).Want(401)
		e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/refresh", Body: map[string]string{"refresh_token": here.RefreshToken}}).Want(200)
		// A change, unlike a reset, keeps the account's API tokens.
		e.Do(platformtest.Request{Method: "GET", Path: "/api/v1/me", Token: ci.Token}).Want(200)
		e.Login(ana.Email, "a brand new password")

		notice := deliver(t, e, srv, &seen, 1)[0]
		if notice.Subject != "Votre mot de passe Riposte a changé" || notice.Header.Get("List-Unsubscribe") != "" {
			t.Errorf("security notice: subject %q, List-Unsubscribe %q", notice.Subject, notice.Header.Get("List-Unsubscribe"))
		}
		if !audited(t, e, "auth.password_change", ana.ID) {
			t.Error("the change is not in the audit log")
		}
	}, withSMTP(t, srv))
}

func TestPasswordChangeRefusesAPITokens(t *testing.T) {
	e := newEnv(t)
	c := e.SignIn("ana@example.org", auth.RoleParticipant)
	var tok api.APITokenCreated
	c.Do(platformtest.Request{Method: "POST", Path: "/api/v1/me/tokens", Body: map[string]any{"name": "ci", "scopes": []string{"read"}}}).Want(201).JSON(&tok)
	e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/me/password", Token: tok.Token,
		Body: map[string]string{"current_password": platformtest.Password("ana@example.org"), "password": "a brand new password"}}).Want(403)
}

// audited says whether the audit log holds an action on a user.
func audited(t *testing.T, e *env, action string, userID int64) bool {
	t.Helper()
	entries, _, err := e.store.ListAudit(t.Context(), store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(entries, func(a store.AuditEntry) bool {
		return a.Action == action && a.TargetID == strconv.FormatInt(userID, 10) && a.ActorID != nil && *a.ActorID == userID
	})
}

// An account chooses the language of its e-mail (fr by default): 422 for
// anything but fr or en, and the next message is in that language.
func TestAccountsChooseTheLanguageOfTheirEMail(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		ana := e.Account("ana@example.org", auth.RoleParticipant)
		tok := e.Login(ana.Email, platformtest.Password(ana.Email)).AccessToken
		var me api.UserResponse
		e.Do(platformtest.Request{Method: "GET", Path: "/api/v1/me", Token: tok}).Want(200).JSON(&me)
		if me.Language != "fr" {
			t.Errorf("a new account's e-mail language is %q, want fr", me.Language)
		}
		bad := e.Do(platformtest.Request{Method: "PUT", Path: "/api/v1/me/language", Token: tok, Body: map[string]string{"language": "de"}}).Problem(422)
		if len(bad.Errors) != 1 || bad.Errors[0].Field != "language" {
			t.Errorf("language de: %+v", bad.Errors)
		}
		e.Do(platformtest.Request{Method: "PUT", Path: "/api/v1/me/language", Token: tok, Body: map[string]string{"language": "en"}}).Want(200).JSON(&me)
		if me.Language != "en" {
			t.Errorf("after choosing en, the account says %q", me.Language)
		}
		e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/password-reset", Body: map[string]string{"email": ana.Email}}).Want(202)
		if msg := deliver(t, e, srv, &seen, 1)[0]; msg.Subject != "Choose a new Riposte password" {
			t.Errorf("after choosing en, the reset message's subject is %q", msg.Subject)
		}
	}, withSMTP(t, srv))
}

// A mail server that is down makes no request fail: the messages wait in
// the outbox and go out once it is back.
func TestRequestsSucceedWhileTheMailServerIsDown(t *testing.T) {
	srv := mailtest.Start(t)
	e := newEnv(t, withSMTP(t, srv))
	ana := e.Account("ana@example.org", auth.RoleParticipant)
	here := e.Login(ana.Email, platformtest.Password(ana.Email))
	srv.Stop()

	e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/auth/password-reset", Body: map[string]string{"email": ana.Email}}).Want(202)
	e.Do(platformtest.Request{Method: "POST", Path: "/api/v1/me/password", Token: here.AccessToken,
		Body: map[string]string{"current_password": platformtest.Password(ana.Email), "password": "a brand new password"}}).Want(204)
	if _, err := e.MailRelay.Drain(t.Context()); err == nil {
		t.Fatal("the relay sent to a server that is down")
	}
	if n, err := e.store.PendingMail(t.Context()); err != nil || n != 2 {
		t.Fatalf("%d messages pending (%v), want 2", n, err)
	}

	srv.Restart()
	// The failed messages wait for their backoff; a relay with a later
	// clock finds them due.
	e.MailRelay.SetClock(func() time.Time { return time.Now().Add(time.Hour) })
	if _, err := e.MailRelay.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, m := range srv.Messages() {
		subjects = append(subjects, m.Subject)
	}
	slices.Sort(subjects)
	if !slices.Equal(subjects, []string{"Choisir un nouveau mot de passe Riposte", "Votre mot de passe Riposte a changé"}) {
		t.Errorf("after the outage the server received %q", subjects)
	}
}
