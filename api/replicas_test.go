package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// replicas builds two platforms on one database, as two replicas behind a
// load balancer, each with its own clock, stopped now.
func replicas(t *testing.T, d store.Dialect) (a, b *env) {
	t.Helper()
	dsn := storetest.URL(t, d)
	open := func() *store.Store {
		s, err := store.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		return s
	}
	sa := open()
	sb := open()
	withStore := func(s *store.Store) option { return func(o *options) { o.Store = s } }
	a, b = newEnv(t, withStore(sa)), newEnv(t, withStore(sb))
	now := time.Now()
	a.clock.Set(now)
	b.clock.Set(now)
	return a, b
}

func eachDialectReplicas(t *testing.T, fn func(t *testing.T, a, b *env)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			a, b := replicas(t, d)
			fn(t, a, b)
		})
	}
}

func TestSignOutReachesEveryReplicaWithinTheBound(t *testing.T) {
	eachDialectReplicas(t, func(t *testing.T, a, b *env) {
		a.Account("ada@example.org", auth.RoleParticipant)
		signIn := func() api.TokenResponse { return a.login("ada@example.org", platformtest.Password("ada@example.org")) }
		me := func(e *env, tr api.TokenResponse) response {
			return e.do(req{method: "GET", path: "/api/v1/me", token: tr.AccessToken})
		}

		// Bounded by the age of what b read.
		first := signIn()
		me(b, first).want(200)
		a.do(req{method: "POST", path: "/api/v1/auth/logout", body: map[string]string{"refresh_token": first.RefreshToken}}).want(204)
		me(a, first).problem(401) // the replica that signed out: at once
		b.clock.Set(b.clock.Now().Add(auth.SessionMaxAge))
		me(b, first).want(200) // within the bound, b has not read the sign-out yet
		b.clock.Set(b.clock.Now().Add(time.Millisecond))
		me(b, first).problem(401)

		// Or sooner, by b's refresh of its view.
		second := signIn()
		me(b, second).want(200)
		a.do(req{method: "POST", path: "/api/v1/auth/logout", body: map[string]string{"refresh_token": second.RefreshToken}}).want(204)
		if err := b.auth.RefreshSessions(context.Background()); err != nil {
			t.Fatal(err)
		}
		me(b, second).problem(401)

		// A disabled account, likewise.
		third := signIn()
		me(b, third).want(200)
		_, admin := a.user("admin@example.org", auth.RoleAdmin)
		var u api.UserResponse
		me(a, third).want(200).json(&u)
		a.do(req{method: "PATCH", path: "/api/v1/users/" + itoa(u.ID), token: admin, body: map[string]bool{"disabled": true}}).want(200)
		if err := b.auth.RefreshSessions(context.Background()); err != nil {
			t.Fatal(err)
		}
		if code := me(b, third).Code; code != 401 && code != 403 {
			t.Fatalf("a disabled account on the other replica: %d", code)
		}
	})
}
