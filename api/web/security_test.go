package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
)

func TestPagesCarryAStrictContentSecurityPolicy(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	for _, path := range []string{"/", "/signin", "/hackathons", "/plugins/unknown", "/results"} {
		p := b.get(path)
		csp := p.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: Content-Security-Policy %q allows inline code", path, csp)
		}
		if p.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", path)
		}
		if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") || strings.Contains(p.body, " onclick=") {
			t.Errorf("%s: inline script or style, which the policy would block:\n%s", path, p.body)
		}
	}
	// The API keeps its own policy and problem documents.
	p := b.get("/api/v1/nothing")
	if p.StatusCode != 404 || p.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("unknown API route: %d %s", p.StatusCode, p.Header.Get("Content-Type"))
	}
}

func TestFormsFromOtherSitesAreRefused(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", auth.RoleParticipant)
	b := e.browser()
	form := url.Values{"email": {"ada@example.org"}, "password": {password("ada@example.org")}}
	// A browser says where a form comes from with Sec-Fetch-Site, or with
	// Origin; either refuses it.
	p := b.do("POST", "/signin", form, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	p.want(t, http.StatusForbidden, "another site")
	if len(p.Cookies()) != 0 {
		t.Fatalf("a refused sign-in set cookies: %v", p.Cookies())
	}
	b.do("POST", "/signin", form, "Sec-Fetch-Site", "", "Origin", "https://evil.example").want(t, http.StatusForbidden)
	// The same form from the site itself works.
	b.do("POST", "/signin", form).want(t, http.StatusSeeOther)
	// Signed in, a cross-site post still cannot act on the visitor's behalf.
	b.do("POST", "/signout", url.Values{}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example").want(t, http.StatusForbidden)
	b.get("/my/plugins").want(t, http.StatusOK)
}

func TestSessionCookies(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", auth.RoleParticipant)
	b := e.browser()
	b.get("/my/plugins").want(t, http.StatusSeeOther)
	p := b.post("/signin", url.Values{"email": {"ada@example.org"}, "password": {password("ada@example.org")}, "next": {"/my/plugins"}})
	p.want(t, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/my/plugins?done=signedin" {
		t.Fatalf("sign-in goes to %q", loc)
	}
	cookies := p.Cookies()
	if len(cookies) != 2 {
		t.Fatalf("cookies %v", cookies)
	}
	for _, c := range cookies {
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Fatalf("cookie %s is not HttpOnly, SameSite=Lax, Path=/: %+v", c.Name, c)
		}
	}
	b.get("/my/plugins").want(t, http.StatusOK, "My tools", "Name ada")

	// An expired access token is renewed from the refresh token, once,
	// even for requests sent together.
	u, _ := url.Parse(e.srv.URL)
	var refresh *http.Cookie
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "riposte_rt" {
			refresh = c
		}
	}
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "riposte_at", Value: "", MaxAge: -1, Path: "/"}})
	other := e.browser()
	other.client.Jar.SetCookies(u, []*http.Cookie{{Name: "riposte_rt", Value: refresh.Value, Path: "/"}})
	b.get("/my/plugins").want(t, http.StatusOK, "Name ada")
	other.get("/my/plugins").want(t, http.StatusOK, "Name ada") // same refresh token, within the grace period
	b.get("/my/plugins").want(t, http.StatusOK, "Name ada")

	// Signing out ends the session on the server, not only in this browser.
	b.post("/signout", url.Values{}).want(t, http.StatusSeeOther)
	b.get("/my/plugins").want(t, http.StatusSeeOther)
	stale := e.browser()
	stale.client.Jar.SetCookies(u, []*http.Cookie{{Name: "riposte_rt", Value: refresh.Value, Path: "/"}})
	stale.get("/my/plugins").want(t, http.StatusSeeOther)
}

func TestWrongPasswordAndSignUp(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", auth.RoleParticipant)
	b := e.browser()
	b.post("/signin", url.Values{"email": {"ada@example.org"}, "password": {"nope-nope"}}).
		want(t, http.StatusUnauthorized, "Wrong e-mail address or password", `value="ada@example.org"`)
	p := b.post("/signup", url.Values{"email": {"ada@example.org"}, "password": {"short"}, "name": {""}})
	p.want(t, http.StatusUnprocessableEntity, `id="password-error"`, `id="name-error"`, `aria-invalid="true"`)
	b.post("/signup", url.Values{"email": {"ada@example.org"}, "password": {"long enough pass"}, "name": {"Ada"}}).
		want(t, http.StatusConflict, "already exists")
	b.post("/signup", url.Values{"email": {"bob@example.org"}, "password": {"long enough pass"}, "name": {"Bob"}, "next": {"//evil.example/"}}).
		want(t, http.StatusSeeOther)
	b.get("/my/plugins").want(t, http.StatusOK, "Bob")
}

// A disabled account's sign-in is refused as the API refuses it: 403, not
// the 401 of a wrong password.
func TestDisabledAccountSignInIsForbidden(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin@example.org", auth.RoleAdmin)
	ada := e.user("ada@example.org", auth.RoleParticipant)
	off := true
	if _, err := e.Auth.UpdateUser(t.Context(), admin, ada.ID, auth.UserChange{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	e.browser().post("/signin", url.Values{"email": {"ada@example.org"}, "password": {password("ada@example.org")}}).
		want(t, http.StatusForbidden, "disabled")
}

// No page gives anyone more than the API would.
func TestPagesGrantNoMoreThanTheAPI(t *testing.T) {
	e := newEnv(t)
	org := e.user("org@example.org", auth.RoleOrganizer)
	owner := e.user("owner@example.org", auth.RoleParticipant)
	e.user("eve@example.org", auth.RoleParticipant)
	e.edition(org, "paris-2016")
	e.published(owner, manifest("signalement", "Signalement", "Report hateful posts"))
	if _, err := e.reg.Create(t.Context(), owner, []byte(manifest("brouillon", "Brouillon", "A draft"))); err != nil {
		t.Fatal(err)
	}
	visitor, eve := e.browser(), e.browser()
	eve.signIn("eve@example.org")

	for _, path := range []string{"/organize", "/organize/paris-2016", "/organize/paris-2016/results",
		"/hackathons/paris-2016/leaderboard.csv"} {
		eve.get(path).want(t, http.StatusForbidden)
		if p := visitor.get(path); p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/signin?next=") {
			t.Fatalf("visitor at %s: %d %s", path, p.StatusCode, p.Header.Get("Location"))
		}
	}
	for _, path := range []string{"/organize/paris-2016/assign", "/organize/paris-2016/publish", "/organize/paris-2016/judges",
		"/organize/paris-2016/decisions/signalement"} {
		eve.post(path, url.Values{"judges_per_submission": {"2"}, "email": {"eve@example.org"}, "status": {"accepted"}}).
			want(t, http.StatusForbidden)
	}
	// Someone else's draft does not exist for her, nor its management page.
	eve.get("/plugins/brouillon").want(t, http.StatusNotFound)
	eve.get("/my/plugins/brouillon").want(t, http.StatusNotFound)
	eve.get("/my/plugins/signalement").want(t, http.StatusNotFound)
	eve.post("/my/plugins/brouillon/publish", url.Values{}).want(t, http.StatusNotFound)
	eve.post("/plugins/signalement/remove", url.Values{"reason": {"spite"}}).want(t, http.StatusForbidden)
	eve.get("/plugins/signalement").want(t, http.StatusOK)
	if p := eve.get("/plugins/signalement"); strings.Contains(p.body, "/remove") {
		t.Fatal("a participant is offered the takedown form")
	}
	// The owner sees the draft; the organizer can take a plugin down, with a reason.
	own := e.browser()
	own.signIn("owner@example.org")
	own.get("/plugins/brouillon").want(t, http.StatusOK, "Draft")
	o := e.browser()
	o.signIn("org@example.org")
	o.post("/plugins/signalement/remove", url.Values{"reason": {""}}).want(t, http.StatusUnprocessableEntity, `id="reason-error"`)
	o.post("/plugins/signalement/remove", url.Values{"reason": {"Illegal content"}}).want(t, http.StatusSeeOther)
	visitor.get("/plugins/signalement").want(t, http.StatusNotFound)
	o.get("/plugins/signalement").want(t, http.StatusOK, "has been removed", "Illegal content")
}
