package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/search"
)

func TestReadinessShowsCausesOnlyToAdministrators(t *testing.T) {
	const cause = "dial tcp 10.20.30.40:7700: connect: connection refused"
	down := search.NewDeferred("meilisearch", func(context.Context) (search.Engine, error) { return nil, errors.New(cause) })
	e := newEnv(t, withEngine(down))
	_, owner := e.user("owner@example.org", auth.RoleParticipant)
	_, organizer := e.user("org@example.org", auth.RoleOrganizer)
	_, admin := e.user("root@example.org", auth.RoleAdmin)
	e.do(req{method: "POST", path: "/api/v1/plugins", token: owner, body: manifest("veille", "1.0.0")}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/veille/publish", token: owner}).want(200)
	if _, err := e.relay.Drain(context.Background()); err == nil {
		t.Fatal("the relay indexed through an engine that is down")
	}
	if r := e.search("q=veille"); r.Engine != "database" {
		t.Fatalf("searched through %q with the engine down", r.Engine)
	}
	for _, tc := range []struct {
		name, token string
		details     bool
	}{
		{"anonymous", "", false},
		{"participant", owner, false},
		{"organizer", organizer, false},
		{"administrator", admin, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(req{method: "GET", path: "/readyz", token: tc.token}).want(200)
			var h api.Health
			r.json(&h)
			if h.Status != "degraded" || h.Search == nil || h.Search.Status != "degraded" || h.Search.Pending != 1 || h.Search.LagSeconds < 0 {
				t.Fatalf("readyz = %+v %+v, want degraded with one pending update", h, h.Search)
			}
			leaks := strings.Contains(r.Body.String(), "10.20.30.40") || strings.Contains(r.Body.String(), "connection refused")
			if leaks != tc.details || (tc.details && h.Search.LastError == "") {
				t.Fatalf("shows the cause: %v, want %v: %s", leaks, tc.details, r.Body.String())
			}
		})
	}
	// A token that does not check out is refused, as on every route.
	e.do(req{method: "GET", path: "/readyz", token: "not-a-token"}).problem(401)
}
