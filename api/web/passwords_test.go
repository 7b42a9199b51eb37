package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
)

// devMailLink is a reset link as the development mail page shows it.
var devMailLink = regexp.MustCompile(`<a href="http://riposte\.test(/password-reset/confirm\?token=rps_[A-Za-z0-9]+)"`)

// resetLinkOnDevMail sends the mail outbox and returns the path of the
// newest reset link listed at /dev/mail.
func (e *env) resetLinkOnDevMail(b *browser) string {
	e.t.Helper()
	if _, err := e.MailRelay.Drain(e.t.Context()); err != nil {
		e.t.Fatal(err)
	}
	m := devMailLink.FindStringSubmatch(b.get("/dev/mail").want(e.t, http.StatusOK).body)
	if m == nil {
		e.t.Fatal("no reset link on /dev/mail")
	}
	return m[1]
}

func TestForgottenPasswordWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", auth.RoleParticipant)
	b := e.browser()
	b.get("/signin").want(t, http.StatusOK, `<a href="/password-reset">Forgot your password?</a>`)
	b.post("/password-reset", url.Values{"email": {"not an address"}}).want(t, http.StatusUnprocessableEntity, `id="email-error"`)
	sent := b.post("/password-reset", url.Values{"email": {"ada@example.org"}}).want(t, http.StatusOK, "a link to choose a new password is on its way")
	unknown := b.post("/password-reset", url.Values{"email": {"nobody@example.org"}}).want(t, http.StatusOK)
	if strings.ReplaceAll(sent.body, "ada@example.org", "X") != strings.ReplaceAll(unknown.body, "nobody@example.org", "X") {
		t.Error("the page tells a known address from an unknown one")
	}
	link := e.resetLinkOnDevMail(b)
	form := b.get(link).want(t, http.StatusOK, `name="token"`, "New password")
	token := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(form.body)[1]

	b.post("/password-reset/confirm", url.Values{"token": {token}, "password": {"short"}}).
		want(t, http.StatusUnprocessableEntity, `id="password-error"`, "At least 8 characters")
	done := b.post("/password-reset/confirm", url.Values{"token": {token}, "password": {"a brand new password"}})
	if done.StatusCode != http.StatusSeeOther || done.Header.Get("Location") != "/signin?done=reset" {
		t.Fatalf("choosing the password: %d to %q", done.StatusCode, done.Header.Get("Location"))
	}
	b.post("/password-reset/confirm", url.Values{"token": {token}, "password": {"another new password"}}).
		want(t, http.StatusUnprocessableEntity, "This link no longer works", `href="/password-reset"`)
	b.post("/signin", url.Values{"email": {"ada@example.org"}, "password": {password("ada@example.org")}}).want(t, http.StatusUnauthorized)
	if p := b.post("/signin", url.Values{"email": {"ada@example.org"}, "password": {"a brand new password"}}); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in with the new password: %d", p.StatusCode)
	}
}

func TestDevMailPageListsMessagesNewestFirst(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", auth.RoleParticipant)
	e.user("bob@example.org", auth.RoleParticipant)
	b := e.browser()
	b.get("/dev/mail").want(t, http.StatusOK, "No message yet.")
	for _, a := range []string{"ada@example.org", "bob@example.org"} {
		b.post("/password-reset", url.Values{"email": {a}}).want(t, http.StatusOK)
	}
	e.resetLinkOnDevMail(b)
	body := b.get("/dev/mail").body
	if i, j := strings.Index(body, "bob@example.org"), strings.Index(body, "ada@example.org"); i < 0 || j < 0 || i > j {
		t.Errorf("the newest message (to bob) is not listed first")
	}
}

func TestDevMailPageIsNotServedInProduction(t *testing.T) {
	e := newEnvWith(t, func(o *platformtest.Options) { o.Production = true })
	if p := e.browser().get("/dev/mail"); p.StatusCode != http.StatusNotFound {
		t.Errorf("/dev/mail in production: status %d, want 404", p.StatusCode)
	}
}

func TestAccountPageChangesThePasswordAndSignsOtherSessionsOut(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", auth.RoleParticipant)
	here, there := e.browser(), e.browser()
	here.signIn("ada@example.org")
	there.signIn("ada@example.org")
	here.get("/hackathons").want(t, http.StatusOK, `href="/account"`)
	here.get("/account").want(t, http.StatusOK, "ada@example.org", `name="current_password"`)
	here.post("/account/password", url.Values{"current_password": {"not my password"}, "password": {"a brand new password"}}).
		want(t, http.StatusUnprocessableEntity, `id="current_password-error"`, "This is not your current password.")
	done := here.post("/account/password", url.Values{"current_password": {password("ada@example.org")}, "password": {"a brand new password"}})
	if done.StatusCode != http.StatusSeeOther || done.Header.Get("Location") != "/account?done=password" {
		t.Fatalf("changing the password: %d to %q", done.StatusCode, done.Header.Get("Location"))
	}
	here.get("/account?done=password").want(t, http.StatusOK, "Your password is changed.")
	if p := there.get("/account"); p.StatusCode == http.StatusOK {
		t.Error("the other session still sees the account page")
	}
	if _, err := e.MailRelay.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	here.get("/dev/mail").want(t, http.StatusOK, "Votre mot de passe Riposte a changé")
}
