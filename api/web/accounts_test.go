package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/ratelimit"
)

func TestLockedOutSignInSaysWhenToComeBack(t *testing.T) {
	e := newEnvWithLimits(t, auth.Limits{FailuresPerAccountAddress: ratelimit.Rate{Burst: 2, Every: time.Minute}})
	e.user("ada@example.org", auth.RoleParticipant)
	b := e.browser()
	wrong := url.Values{"email": {"ada@example.org"}, "password": {"wrong-password"}}
	for range 2 {
		b.post("/signin", wrong).want(t, http.StatusUnauthorized, "Wrong")
	}
	p := b.post("/signin", url.Values{"email": {"ada@example.org"}, "password": {password("ada@example.org")}})
	p.want(t, http.StatusTooManyRequests, "Too many attempts")
	if ra := p.Header.Get("Retry-After"); ra != "60" {
		t.Fatalf("Retry-After %q, want 60", ra)
	}
	if len(p.Cookies()) != 0 {
		t.Fatalf("a refused sign-in set cookies: %v", p.Cookies())
	}
}
