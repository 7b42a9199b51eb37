package api_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/store"
)

func TestAccountLifecycle(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		var u api.UserResponse
		e.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{
			"email": "Ada@Example.org", "password": "correct horse", "name": "Ada Lovelace", "role": "organizer",
		}}).want(201).json(&u)
		if u.Email != "ada@example.org" || u.Role != "participant" || u.ID == 0 || u.CreatedAt.IsZero() {
			t.Fatalf("registered user = %+v; want canonical e-mail and the participant role whatever was asked", u)
		}

		tr := e.login("ADA@example.org", "correct horse")
		if tr.TokenType != "Bearer" || tr.ExpiresIn != 900 || tr.AccessToken == "" || !strings.HasPrefix(tr.RefreshToken, "rpr_") || tr.User.ID != u.ID {
			t.Fatalf("login = %+v", tr)
		}
		var me api.UserResponse
		e.do(req{method: "GET", path: "/api/v1/me", token: tr.AccessToken}).want(200).json(&me)
		if me != u {
			t.Fatalf("/me = %+v, want %+v", me, u)
		}

		// Refresh rotates: the new pair works, the old refresh token is spent.
		var tr2 api.TokenResponse
		e.do(req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": tr.RefreshToken}}).want(200).json(&tr2)
		if tr2.RefreshToken == tr.RefreshToken || tr2.AccessToken == "" {
			t.Fatalf("refresh did not rotate: %+v", tr2)
		}
		e.do(req{method: "GET", path: "/api/v1/me", token: tr2.AccessToken}).want(200)
		e.do(req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": tr.RefreshToken}}).problem(401)
		// Reusing the spent token revoked the family: the newest tokens are dead too.
		e.do(req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": tr2.RefreshToken}}).problem(401)
		e.do(req{method: "GET", path: "/api/v1/me", token: tr2.AccessToken}).problem(401)
		e.do(req{method: "GET", path: "/api/v1/me", token: tr.AccessToken}).problem(401)

		// A fresh sign-in, an API token used as a Bearer credential, then sign-out.
		tr3 := e.login("ada@example.org", "correct horse")
		var created api.APITokenCreated
		e.do(req{method: "POST", path: "/api/v1/me/tokens", token: tr3.AccessToken, body: map[string]any{
			"name": "laptop", "scopes": []string{"read"}, "expires_in_days": 30,
		}}).want(201).json(&created)
		if !strings.HasPrefix(created.Token, "rpt_") || created.ExpiresAt.Before(time.Now().Add(29*24*time.Hour)) {
			t.Fatalf("created token = %+v", created)
		}
		e.do(req{method: "GET", path: "/api/v1/me", token: created.Token}).want(200).json(&me)
		if me.ID != u.ID {
			t.Fatalf("/me with API token = %+v", me)
		}
		var list api.List[api.APITokenResponse]
		listed := e.do(req{method: "GET", path: "/api/v1/me/tokens", token: tr3.AccessToken}).want(200)
		listed.json(&list)
		if list.Total != 1 || list.Items[0].ID != created.ID || strings.Contains(listed.Body.String(), created.Token) {
			t.Fatalf("token list = %+v (must not contain the secret)", list)
		}
		e.do(req{method: "POST", path: "/api/v1/auth/logout", body: map[string]string{"refresh_token": tr3.RefreshToken}}).want(204)
		e.do(req{method: "GET", path: "/api/v1/me", token: tr3.AccessToken}).problem(401)
		e.do(req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": tr3.RefreshToken}}).problem(401)
		e.do(req{method: "POST", path: "/api/v1/auth/logout", body: map[string]string{"refresh_token": tr3.RefreshToken}}).want(204)
		// The API token is independent of the session, until it is revoked.
		e.do(req{method: "GET", path: "/api/v1/me", token: created.Token}).want(200)
		tr4 := e.login("ada@example.org", "correct horse")
		e.do(req{method: "DELETE", path: "/api/v1/me/tokens/" + itoa(created.ID), token: tr4.AccessToken}).want(204)
		e.do(req{method: "GET", path: "/api/v1/me", token: created.Token}).problem(401)
		e.do(req{method: "DELETE", path: "/api/v1/me/tokens/" + itoa(created.ID), token: tr4.AccessToken}).problem(404)
	})
}

func TestRegistrationProblems(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name   string
		body   any
		code   int
		fields []string
	}{
		{"every field wrong at once", map[string]string{"email": "nope", "password": "short", "name": ""}, 422, []string{"email", "name", "password"}},
		{"password too long", map[string]string{"email": "a@example.org", "password": strings.Repeat("p", 257), "name": "A"}, 422, []string{"password"}},
		{"wrong type", `{"email": 42, "password": "long enough", "name": "A"}`, 422, []string{"email"}},
		{"not JSON", `{"email": `, 400, nil},
		{"empty body", ``, 400, nil},
		{"array instead of object", `[1,2]`, 400, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := e.do(req{method: "POST", path: "/api/v1/auth/register", body: c.body}).problem(c.code)
			got := fields(p)
			slices.Sort(got)
			if !slices.Equal(got, c.fields) {
				t.Fatalf("fields %v, want %v (%+v)", got, c.fields, p)
			}
		})
	}
	e.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"email": "a@example.org", "password": "long enough", "name": "A"}}).want(201)
	p := e.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"email": "A@example.org", "password": "long enough", "name": "B"}}).problem(409)
	if !strings.Contains(p.Detail, "already exists") {
		t.Fatalf("duplicate registration detail %q", p.Detail)
	}
}

func TestUnknownEmailAndWrongPasswordLookAlike(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", auth.RoleParticipant)
	unknown := e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "nobody@example.org", "password": "whatever1"}}).problem(401)
	wrong := e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "ada@example.org", "password": "whatever1"}}).problem(401)
	unknown.RequestID, wrong.RequestID = "", ""
	unknown.Instance, wrong.Instance = "", ""
	if unknown.Detail != wrong.Detail || unknown.Title != wrong.Title {
		t.Fatalf("unknown e-mail answered %+v, wrong password %+v", unknown, wrong)
	}
}

func TestRolesAndAuthorization(t *testing.T) {
	e := newEnv(t)
	admin, adminTok := e.user("root@example.org", auth.RoleAdmin)
	_, orgTok := e.user("org@example.org", auth.RoleOrganizer)
	part, partTok := e.user("part@example.org", auth.RoleParticipant)

	e.do(req{method: "GET", path: "/api/v1/audit"}).problem(401)
	e.do(req{method: "GET", path: "/api/v1/audit", token: partTok}).problem(403)
	e.do(req{method: "GET", path: "/api/v1/audit", token: orgTok}).problem(403)
	e.do(req{method: "GET", path: "/api/v1/users", token: partTok}).problem(403)
	e.do(req{method: "GET", path: "/api/v1/users", token: orgTok}).want(200)
	e.do(req{method: "PATCH", path: "/api/v1/users/" + itoa(part.ID), token: orgTok, body: map[string]string{"role": "judge"}}).problem(403)
	e.do(req{method: "PATCH", path: "/api/v1/users/" + itoa(part.ID), token: partTok, body: map[string]string{"role": "admin"}}).problem(403)

	// An administrator's change counts from the account's next request.
	var changed api.UserAdminResponse
	e.do(req{method: "PATCH", path: "/api/v1/users/" + itoa(part.ID), token: adminTok, body: map[string]string{"role": "organizer"}}).want(200).json(&changed)
	if changed.Role != "organizer" {
		t.Fatalf("patched user = %+v", changed)
	}
	e.do(req{method: "GET", path: "/api/v1/users", token: partTok}).want(200)
	e.do(req{method: "PATCH", path: "/api/v1/users/" + itoa(part.ID), token: adminTok, body: map[string]bool{"disabled": true}}).want(200)
	p := e.do(req{method: "GET", path: "/api/v1/me", token: partTok}).problem(403)
	if !strings.Contains(p.Detail, "disabled") {
		t.Fatalf("disabled account detail %q", p.Detail)
	}
	e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "part@example.org", "password": "password-part@example.org"}}).problem(403)

	e.do(req{method: "PATCH", path: "/api/v1/users/" + itoa(admin.ID), token: adminTok, body: map[string]string{"role": "participant"}}).problem(409)
	e.do(req{method: "PATCH", path: "/api/v1/users/999999", token: adminTok, body: map[string]string{"role": "judge"}}).problem(404)
	e.do(req{method: "PATCH", path: "/api/v1/users/abc", token: adminTok, body: map[string]string{"role": "judge"}}).problem(404)
	bad := e.do(req{method: "PATCH", path: "/api/v1/users/" + itoa(part.ID), token: adminTok, body: map[string]string{"role": "emperor"}}).problem(422)
	if !slices.Equal(fields(bad), []string{"role"}) {
		t.Fatalf("invalid role problem %+v", bad)
	}

	var audit api.List[api.AuditEntryResponse]
	e.do(req{method: "GET", path: "/api/v1/audit", token: adminTok}).want(200).json(&audit)
	updates := slices.DeleteFunc(audit.Items, func(a api.AuditEntryResponse) bool { return a.Action != "user.update" })
	if len(updates) != 2 || *updates[0].ActorID != admin.ID || updates[1].TargetID != itoa(part.ID) {
		t.Fatalf("audit = %+v", audit)
	}

	var users api.List[api.UserAdminResponse]
	e.do(req{method: "GET", path: "/api/v1/users?role=organizer&limit=1", token: orgTok}).want(200).json(&users)
	if users.Total != 2 || len(users.Items) != 1 || users.Limit != 1 {
		t.Fatalf("organizers = %+v", users)
	}
	e.do(req{method: "GET", path: "/api/v1/users?role=emperor", token: orgTok}).problem(400)
}

func TestAPITokenScopes(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("ada@example.org", auth.RoleOrganizer)
	var writeOnly api.APITokenCreated
	e.do(req{method: "POST", path: "/api/v1/me/tokens", token: tok, body: map[string]any{"name": "ci", "scopes": []string{"plugins:write"}}}).want(201).json(&writeOnly)
	if writeOnly.ExpiresAt.Sub(time.Now()) < 89*24*time.Hour {
		t.Fatalf("default lifetime: expires %v, want about 90 days", writeOnly.ExpiresAt)
	}
	e.do(req{method: "GET", path: "/api/v1/me", token: writeOnly.Token}).problem(403)
	e.do(req{method: "GET", path: "/api/v1/users", token: writeOnly.Token}).problem(403)
	e.do(req{method: "POST", path: "/api/v1/me/tokens", token: writeOnly.Token, body: map[string]any{"name": "x", "scopes": []string{"read"}}}).problem(403)

	p := e.do(req{method: "POST", path: "/api/v1/me/tokens", token: tok, body: map[string]any{"name": "", "scopes": []string{"read", "root"}, "expires_in_days": 1000}}).problem(422)
	got := fields(p)
	slices.Sort(got)
	if !slices.Equal(got, []string{"expires_in_days", "name", "scopes[1]"}) {
		t.Fatalf("token problems %v", got)
	}
}

func TestMalformedCredentials(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("ada@example.org", auth.RoleParticipant)
	for name, header := range map[string]string{
		"other scheme":       "Basic YWRhOnB3",
		"no credential":      "Bearer ",
		"alg none":           "Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiIxIn0.",
		"tampered":           "Bearer " + tok[:len(tok)-3] + "abc",
		"thousands of dots":  "Bearer " + strings.Repeat(".", 5000),
		"10 KiB":             "Bearer " + strings.Repeat("x", 10*1024),
		"unknown API token":  "Bearer rpt_" + strings.Repeat("A", 52),
		"huge API token":     "Bearer rpt_" + strings.Repeat("A", 10*1024),
		"token of a session": "Bearer " + e.login("ada@example.org", "password-ada@example.org").RefreshToken,
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do(req{method: "GET", path: "/api/v1/me", header: map[string]string{"Authorization": header}})
			r.problem(http.StatusUnauthorized)
			if r.Header().Get("WWW-Authenticate") == "" {
				t.Fatal("401 without WWW-Authenticate")
			}
		})
	}
	// A bad credential is refused even where none is needed.
	e.do(req{method: "POST", path: "/api/v1/auth/login", header: map[string]string{"Authorization": "Bearer junk"},
		body: map[string]string{"email": "x@example.org", "password": "whatever1"}}).problem(401)
}

// signIn posts credentials from a client address, with extra headers.
func (e *env) signIn(email, password, remote string, hdr map[string]string) response {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/api/v1/auth/login", remote: remote, header: hdr,
		body: map[string]string{"email": email, "password": password}})
}

func TestFailedSignInsArePerAddress(t *testing.T) {
	limits := auth.Limits{FailuresPerAddress: ratelimit.Rate{Burst: 3, Every: time.Hour}}
	t.Run("forged X-Forwarded-For ignored", func(t *testing.T) {
		e := newEnv(t, withLimits(limits))
		for i := range 3 {
			e.signIn("a@example.org", "wrong-password", "203.0.113.9:1000", map[string]string{"X-Forwarded-For": "198.51.100." + itoa(int64(i))}).problem(401)
		}
		r := e.signIn("b@example.org", "wrong-password", "203.0.113.9:1000", map[string]string{"X-Forwarded-For": "198.51.100.77"})
		r.problem(429)
		if ra := r.Header().Get("Retry-After"); ra == "" || ra == "0" {
			t.Fatalf("Retry-After %q", ra)
		}
		e.signIn("c@example.org", "wrong-password", "203.0.113.10:1000", nil).problem(401)
		entries, _, err := e.store.ListAudit(t.Context(), store.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Action != "auth.lockout" || entries[0].TargetType != "address" ||
			entries[0].TargetID != "203.0.113.9" || entries[0].Details["budget"] != "address" {
			t.Fatalf("audit %+v, want one lock-out of 203.0.113.9", entries)
		}
	})
	t.Run("behind a trusted proxy, the forwarded address counts", func(t *testing.T) {
		e := newEnv(t, withLimits(limits), func(o *options) { o.TrustedProxies = []string{"10.0.0.0/8"} })
		for i := range 4 {
			e.signIn("a"+itoa(int64(i))+"@example.org", "wrong-password", "10.1.2.3:5555", map[string]string{"X-Forwarded-For": "198.51.100." + itoa(int64(i))}).problem(401)
		}
		for range 3 {
			e.signIn("z@example.org", "wrong-password", "10.1.2.3:5555", map[string]string{"X-Forwarded-For": "198.51.100.50"}).problem(401)
		}
		e.signIn("y@example.org", "wrong-password", "10.1.2.3:5555", map[string]string{"X-Forwarded-For": "198.51.100.50"}).problem(429)
	})
	t.Run("successful sign-ins are not counted", func(t *testing.T) {
		e := newEnv(t, withLimits(limits))
		e.user("ada@example.org", auth.RoleParticipant)
		for range 6 {
			e.signIn("ada@example.org", "password-ada@example.org", "203.0.113.9:1", nil).want(200)
		}
		for range 3 {
			e.signIn("ada@example.org", "wrong-password", "203.0.113.9:1", nil).problem(401)
		}
		e.signIn("ada@example.org", "password-ada@example.org", "203.0.113.9:1", nil).problem(429)
	})
}

func TestAttackOnAnAccountDoesNotLockOutItsOwner(t *testing.T) {
	limits := auth.Limits{
		FailuresPerAddress:        ratelimit.Rate{Burst: 100, Every: time.Hour},
		FailuresPerAccountAddress: ratelimit.Rate{Burst: 3, Every: time.Hour},
		FailuresPerAccount:        ratelimit.Rate{Burst: 5, Every: time.Hour},
	}
	const owner, right = "ada@example.org", "password-ada@example.org"
	t.Run("from one address", func(t *testing.T) {
		e := newEnv(t, withLimits(limits))
		e.user(owner, auth.RoleParticipant)
		for range 3 {
			e.signIn(owner, "wrong-password", "203.0.113.66:1", nil).problem(401)
		}
		// The attacking address is refused even the right password ...
		e.signIn(owner, right, "203.0.113.66:1", nil).problem(429)
		// ... which still opens the account from anywhere else, and the
		// attacker may still sign in to other accounts.
		e.signIn(owner, right, "198.51.100.7:1", nil).want(200)
		e.signIn("other@example.org", "wrong-password", "203.0.113.66:1", nil).problem(401)
	})
	t.Run("from many addresses", func(t *testing.T) {
		e := newEnv(t, withLimits(limits))
		ada, _ := e.user(owner, auth.RoleParticipant)
		for i := range 10 {
			e.signIn("Ada@example.org", "wrong-password", "203.0.113."+itoa(int64(i))+":1", nil).problem(401)
		}
		// The account-wide budget is spent: addresses that failed on the
		// account wait, even with the right password ...
		e.signIn(owner, right, "203.0.113.1:1", nil).problem(429)
		// ... a fresh address gets one try ...
		e.signIn(owner, "wrong-password", "203.0.113.200:1", nil).problem(401)
		e.signIn(owner, "wrong-password", "203.0.113.200:1", nil).problem(429)
		// ... and the owner, from an address that has not been failing, signs in.
		e.signIn(owner, right, "198.51.100.7:1", nil).want(200)
		e.signIn(owner, right, "198.51.100.7:1", nil).want(200)
		// The attack is audited once, against the account.
		entries, _, err := e.store.ListAudit(t.Context(), store.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var lockouts []string
		for _, a := range entries {
			if a.Action == "auth.lockout" {
				lockouts = append(lockouts, fmt.Sprint(a.Details["budget"], " ", a.TargetType, ":", a.TargetID))
			}
		}
		if want := []string{"account user:" + itoa(ada.ID)}; !slices.Equal(lockouts, want) {
			t.Fatalf("lock-outs audited %v, want %v", lockouts, want)
		}
	})
}

func TestLockOutIsAuditedOnce(t *testing.T) {
	limits := auth.Limits{FailuresPerAccountAddress: ratelimit.Rate{Burst: 2, Every: time.Hour}}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { lockOutIsAuditedOnce(t, newEnv(t, onDialect(d), withLimits(limits))) })
	}
}

func lockOutIsAuditedOnce(t *testing.T, e *env) {
	_, adminTok := e.user("root@example.org", auth.RoleAdmin)
	ada, _ := e.user("ada@example.org", auth.RoleParticipant)
	for range 2 {
		e.signIn("ada@example.org", "guess-one", "203.0.113.66:1", nil).problem(401)
	}
	for range 3 {
		e.signIn("ada@example.org", "guess-two", "203.0.113.66:1", nil).problem(429)
	}
	var audit api.List[api.AuditEntryResponse]
	e.do(req{method: "GET", path: "/api/v1/audit", token: adminTok}).want(200).json(&audit)
	var lockouts []api.AuditEntryResponse
	for _, a := range audit.Items {
		if a.Action == "auth.lockout" {
			lockouts = append(lockouts, a)
		}
	}
	if len(lockouts) != 1 {
		t.Fatalf("%d lock-out entries, want 1: %+v", len(lockouts), audit.Items)
	}
	l := lockouts[0]
	if l.ActorID != nil || l.TargetType != "user" || l.TargetID != itoa(ada.ID) ||
		l.Details["budget"] != "account_address" || l.Details["address"] != "203.0.113.66" {
		t.Fatalf("lock-out entry %+v", l)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, "sign-in lock-out"); n != 1 || !strings.Contains(logs, "level=WARN") {
		t.Fatalf("%d lock-out warnings, want 1:\n%s", n, logs)
	}
	if strings.Contains(logs, "guess-") {
		t.Fatalf("a password reached the logs:\n%s", logs)
	}
}

func TestLockedOutUnknownAndKnownAccountsLookAlike(t *testing.T) {
	e := newEnv(t, withLimits(auth.Limits{FailuresPerAccountAddress: ratelimit.Rate{Burst: 1, Every: time.Hour}}))
	e.user("ada@example.org", auth.RoleParticipant)
	var answers []api.Problem
	for _, email := range []string{"ada@example.org", "nobody@example.org"} {
		e.signIn(email, "wrong-password", "203.0.113.66:1", nil).problem(401)
		p := e.signIn(email, "wrong-password", "203.0.113.66:1", nil).problem(429)
		p.RequestID, p.Instance = "", ""
		answers = append(answers, p)
	}
	if answers[0].Detail != answers[1].Detail || answers[0].Title != answers[1].Title {
		t.Fatalf("locked-out account answered %+v, unknown one %+v", answers[0], answers[1])
	}
}

// TestSigningKeyAloneCannotMintLongLivedTokens signs tokens for a live
// session with the server's own key: only those within the access token
// lifetime are accepted.
func TestSigningKeyAloneCannotMintLongLivedTokens(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("ada@example.org", auth.RoleParticipant)
	parsed, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	claims := parsed.Claims.(jwt.MapClaims)
	now := time.Now().Truncate(time.Second)
	mint := func(iat *time.Time, exp time.Time) string {
		c := jwt.MapClaims{}
		maps.Copy(c, claims)
		c["exp"] = exp.Unix()
		delete(c, "iat")
		if iat != nil {
			c["iat"] = iat.Unix()
		}
		j := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
		j.Header["typ"] = "at+jwt"
		s, err := j.SignedString(testSigningKey)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	longAgo := now.Add(-23 * time.Hour)
	cases := []struct {
		name  string
		token string
		code  int
	}{
		{"within the access lifetime", mint(&now, now.Add(15*time.Minute)), 200},
		{"a day long", mint(&now, now.Add(24*time.Hour)), 401},
		{"issued yesterday, expiring in an hour", mint(&longAgo, now.Add(time.Hour)), 401},
		{"without an issue time", mint(nil, now.Add(10*time.Minute)), 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := e.do(req{method: "GET", path: "/api/v1/me", token: c.token}); r.Code != c.code {
				t.Fatalf("status %d, want %d; body: %s", r.Code, c.code, r.Body.String())
			}
		})
	}
}

func TestRefreshTokenReuseIsAuditedAndLogged(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, adminTok := e.user("root@example.org", auth.RoleAdmin)
		ada, _ := e.user("ada@example.org", auth.RoleParticipant)
		first := e.login("ada@example.org", "password-ada@example.org")
		var second api.TokenResponse
		e.do(req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": first.RefreshToken}}).want(200).json(&second)
		for range 2 {
			e.do(req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": first.RefreshToken}}).problem(401)
		}
		parsed, _, err := jwt.NewParser().ParseUnverified(first.AccessToken, jwt.MapClaims{})
		if err != nil {
			t.Fatal(err)
		}
		session := parsed.Claims.(jwt.MapClaims)["sid"]

		r := e.do(req{method: "GET", path: "/api/v1/audit", token: adminTok}).want(200)
		var audit api.List[api.AuditEntryResponse]
		r.json(&audit)
		var reuses []api.AuditEntryResponse
		for _, a := range audit.Items {
			if a.Action == "auth.refresh_reuse" {
				reuses = append(reuses, a)
			}
		}
		if len(reuses) != 1 || reuses[0].TargetType != "user" || reuses[0].TargetID != itoa(ada.ID) || reuses[0].Details["session"] != session {
			t.Fatalf("reuse entries %+v, want one naming user %d and session %v", reuses, ada.ID, session)
		}
		logs := e.logs.String()
		if n := strings.Count(logs, "level=WARN msg=\"spent refresh token presented again"); n != 1 {
			t.Fatalf("%d reuse warnings, want 1:\n%s", n, logs)
		}
		for _, secret := range []string{first.RefreshToken, second.RefreshToken, first.AccessToken, second.AccessToken} {
			if strings.Contains(logs, secret) || strings.Contains(r.Body.String(), secret) {
				t.Fatal("a token value reached the logs or the audit log")
			}
		}
	})
}

// isAccountCreation tells the audit entries of the accounts a test makes
// from those of what it is about.
func isAccountCreation(a api.AuditEntryResponse) bool { return a.Action == "user.create" }

// auditTrail lists the audit log, oldest first, as "action target actor"
// lines (actor "-" for the platform) with the details of each entry.
func (e *env) auditTrail(adminToken string) ([]string, []map[string]any) {
	e.t.Helper()
	var audit api.List[api.AuditEntryResponse]
	e.do(req{method: "GET", path: "/api/v1/audit?limit=100", token: adminToken}).want(200).json(&audit)
	var lines []string
	var details []map[string]any
	for _, a := range slices.Backward(audit.Items) {
		actor := "-"
		if a.ActorID != nil {
			actor = itoa(*a.ActorID)
		}
		lines = append(lines, a.Action+" "+a.TargetType+":"+a.TargetID+" "+actor)
		details = append(details, a.Details)
	}
	return lines, details
}

func TestAccountsAndAPITokensAreAudited(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		admin, adminTok := e.user("root@example.org", auth.RoleAdmin)
		var ada api.UserResponse
		e.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{
			"email": "ada@example.org", "password": "correct horse", "name": "Ada"}}).want(201).json(&ada)
		e.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{
			"email": "ada@example.org", "password": "correct horse", "name": "Ada again"}}).problem(409)
		tok := e.login("ada@example.org", "correct horse").AccessToken
		var created api.APITokenCreated
		e.do(req{method: "POST", path: "/api/v1/me/tokens", token: tok, body: map[string]any{
			"name": "laptop", "scopes": []string{"read"}, "expires_in_days": 30}}).want(201).json(&created)
		e.do(req{method: "DELETE", path: "/api/v1/me/tokens/" + itoa(created.ID), token: tok}).want(204)
		e.do(req{method: "DELETE", path: "/api/v1/me/tokens/" + itoa(created.ID), token: tok}).problem(404)

		lines, details := e.auditTrail(adminTok)
		a, r, tk := itoa(ada.ID), itoa(admin.ID), itoa(created.ID)
		want := []string{
			"user.create user:" + r + " -",
			"user.create user:" + a + " " + a,
			"token.create token:" + tk + " " + a,
			"token.revoke token:" + tk + " " + a,
		}
		if !slices.Equal(lines, want) {
			t.Fatalf("audit trail\n%v\nwant\n%v", lines, want)
		}
		if details[0]["source"] != "platform" || details[0]["role"] != "admin" ||
			details[1]["source"] != "registration" || details[1]["role"] != "participant" ||
			details[2]["name"] != "laptop" || fmt.Sprint(details[2]["scopes"]) != "[read]" {
			t.Fatalf("audit details %v", details)
		}
		if b, _ := json.Marshal(details); strings.Contains(string(b), created.Token[:10]) {
			t.Fatalf("the audit log holds the token's secret: %s", b)
		}
	})
}

func TestFirstAdministratorIsAudited(t *testing.T) {
	e := newEnv(t)
	created, _, err := e.auth.EnsureAdmin(t.Context(), "root@example.org", "first-password")
	if err != nil || !created {
		t.Fatalf("EnsureAdmin: created=%v err=%v", created, err)
	}
	tok := e.login("root@example.org", "first-password").AccessToken
	lines, details := e.auditTrail(tok)
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "user.create user:") || !strings.HasSuffix(lines[0], " -") ||
		details[0]["source"] != "first_start" || details[0]["role"] != "admin" {
		t.Fatalf("audit trail %v %v", lines, details)
	}
}
