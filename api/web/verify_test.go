package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/mail/mailtest"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
)

func TestSignUpWithEmailChecksTheInboxAndVerifies(t *testing.T) {
	srv := mailtest.Start(t)
	sender, err := mail.ParseSMTPURL(srv.URL(), "noreply@riposte.test")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(o *platformtest.Options) { o.MailSender = sender })
	e.user("taken@example.org", auth.RoleParticipant)
	b := e.browser()
	b.get("/dev/mail").want(t, http.StatusNotFound) // messages go to the mail server
	form := func(email string) url.Values {
		return url.Values{"email": {email}, "name": {"Ada"}, "password": {"correct horse battery"}}
	}
	fresh := b.post("/signup", form("new@example.org")).want(t, http.StatusOK, "Check your inbox")
	taken := b.post("/signup", form("taken@example.org")).want(t, http.StatusOK, "Check your inbox")
	if strings.ReplaceAll(fresh.body, "new@", "X@") != strings.ReplaceAll(taken.body, "taken@", "X@") || len(fresh.Cookies()) != 0 {
		t.Error("sign-up tells a new address from a taken one")
	}
	if _, err := e.MailRelay.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(2)
	m := regexp.MustCompile(`http://riposte\.test(/verify\?token=rpv_[A-Za-z0-9]+)`).FindStringSubmatch(got[0].Text)
	if m == nil || got[0].To[0] != "new@example.org" || got[0].Header.Get("Content-Language") != "en" {
		t.Fatalf("verification message to %v (%s):\n%s", got[0].To, got[0].Header.Get("Content-Language"), got[0].Text)
	}
	page := b.get(m[1]).want(t, http.StatusOK, "Confirm my address")
	token := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(page.body)[1]
	if p := b.post("/verify", url.Values{"token": {token}}); p.Header.Get("Location") != "/?done=verified" {
		t.Fatalf("confirming: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	b.post("/verify", url.Values{"token": {token}}).want(t, http.StatusUnprocessableEntity, "This link no longer works")
}

func TestUnverifiedAccountsAreToldToConfirmTheirAddress(t *testing.T) {
	srv := mailtest.Start(t)
	sender, err := mail.ParseSMTPURL(srv.URL(), "noreply@riposte.test")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(o *platformtest.Options) { o.MailSender = sender })
	b := e.browser()
	b.post("/signup", url.Values{"email": {"new@example.org"}, "name": {"Ada"}, "password": {"correct horse battery"}}).want(t, http.StatusOK)
	if p := b.post("/signin", url.Values{"email": {"new@example.org"}, "password": {"correct horse battery"}, "next": {"/"}}); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", p.StatusCode)
	}
	b.post("/my/new", url.Values{"manifest": {manifest("veille", "Veille", "Watch rumours")}}).
		want(t, http.StatusForbidden, "Confirm your e-mail address first", `href="/account#verify"`)
	b.lang = "fr"
	b.get("/account").want(t, http.StatusOK, "Votre adresse n&#39;est pas encore confirmée", `action="/account/verify"`)
	if p := b.post("/account/verify", url.Values{}); p.Header.Get("Location") != "/account?done=verifysent" {
		t.Fatalf("asking for a new link: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	if _, err := e.MailRelay.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := srv.Wait(2); got[1].To[0] != "new@example.org" || !strings.Contains(got[1].Text, "/verify?token=rpv_") {
		t.Errorf("new link to %v:\n%s", got[1].To, got[1].Text)
	}

	// A verified account sees no such block.
	e.user("cli@example.org", auth.RoleParticipant)
	v := e.browser()
	v.signIn("cli@example.org")
	if p := v.get("/account"); strings.Contains(p.body, `action="/account/verify"`) {
		t.Error("a verified account is offered a new confirmation link")
	}
}

func TestAccountPageChangesTheAddressThroughALink(t *testing.T) {
	srv := mailtest.Start(t)
	sender, err := mail.ParseSMTPURL(srv.URL(), "noreply@riposte.test")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(o *platformtest.Options) { o.MailSender = sender })
	u := e.user("old@example.org", auth.RoleParticipant)
	b := e.browser()
	b.signIn("old@example.org")
	b.post("/account/email", url.Values{"email": {"new@example.org"}, "email_password": {"wrong password"}}).
		want(t, http.StatusUnprocessableEntity, "current password")
	if p := b.post("/account/email", url.Values{"email": {"new@example.org"}, "email_password": {password("old@example.org")}}); p.Header.Get("Location") != "/account?done=emailsent" {
		t.Fatalf("asking for the change: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	if _, err := e.MailRelay.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	var link string
	for _, m := range srv.Wait(2) {
		if m.To[0] == "new@example.org" {
			link = regexp.MustCompile(`http://riposte\.test(/verify\?token=rpe_[A-Za-z0-9]+)`).FindStringSubmatch(m.Text)[1]
		}
	}
	if link == "" {
		t.Fatal("no link to the new address")
	}
	page := b.get(link).want(t, http.StatusOK)
	token := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(page.body)[1]
	if p := b.post("/verify", url.Values{"token": {token}}); p.Header.Get("Location") != "/?done=verified" {
		t.Fatalf("confirming: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	b.get("/account").want(t, http.StatusOK, "new@example.org")
	if got, err := e.Store.UserByID(t.Context(), u.ID); err != nil || got.Email != "new@example.org" {
		t.Errorf("after confirming: %+v, %v", got, err)
	}
}
