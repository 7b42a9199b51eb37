package api_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
)

// revalidates checks that a GET sends a strong ETag and Cache-Control
// cacheControl, that If-None-Match with that tag (weak or not, in a list)
// answers 304 with the same validators and no body, and that another tag
// gets the representation again. It returns the first answer.
func (e *env) revalidates(path, token, cacheControl string) response {
	e.t.Helper()
	first := e.do(req{method: "GET", path: path, token: token}).want(200)
	tag := first.Header().Get("ETag")
	if !strings.HasPrefix(tag, `"`) || strings.HasPrefix(tag, "W/") || len(tag) < 10 {
		e.t.Fatalf("GET %s: ETag %q, want a strong tag", path, tag)
	}
	if got := first.Header().Get("Cache-Control"); got != cacheControl {
		e.t.Fatalf("GET %s: Cache-Control %q, want %q", path, got, cacheControl)
	}
	for _, inm := range []string{tag, "W/" + tag, `"other", ` + tag} {
		r := e.do(req{method: "GET", path: path, token: token, header: map[string]string{"If-None-Match": inm}}).want(304)
		if r.Header().Get("ETag") != tag || r.Header().Get("Cache-Control") != cacheControl || r.Body.Len() != 0 {
			e.t.Fatalf("GET %s with If-None-Match %s: headers %v, body %q", path, inm, r.Header(), r.Body.String())
		}
	}
	again := e.do(req{method: "GET", path: path, token: token, header: map[string]string{"If-None-Match": `"other"`}}).want(200)
	if again.Body.String() != first.Body.String() || again.Header().Get("ETag") != tag {
		e.t.Fatalf("GET %s with another tag: %q, ETag %q", path, again.Body.String(), again.Header().Get("ETag"))
	}
	return first
}

const publicCache = "public, max-age=10"

func TestConditionalRequestsOnPublishedResources(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, owner := e.user("owner@example.org", auth.RoleParticipant)
		_, org := e.user("org@example.org", auth.RoleOrganizer)
		e.do(req{method: "POST", path: "/api/v1/plugins", token: owner, body: httpKit("outil-http", "https://tools.example.org/outil")}).want(201)
		e.do(req{method: "POST", path: "/api/v1/plugins/outil-http/publish", token: owner}).want(200)
		e.do(req{method: "POST", path: "/api/v1/hackathons", token: org, body: map[string]any{
			"slug": "paris-2026", "name": "Hackathon 2026", "city": "Paris",
			"starts_at": "2026-01-10T09:00:00Z", "ends_at": "2026-01-11T18:00:00Z", "submission_deadline": "2026-01-11T12:00:00Z",
			"judging_deadline": "2026-01-20T00:00:00Z", "rubric": []map[string]any{{"key": "impact", "label": "Impact", "weight": 1}},
		}}).want(201)

		plugin := e.revalidates("/api/v1/plugins/outil-http", "", publicCache)
		if lm, err := time.Parse(time.RFC1123, plugin.Header().Get("Last-Modified")); err != nil || time.Since(lm) > time.Hour {
			t.Errorf("plugin Last-Modified %q: %v", plugin.Header().Get("Last-Modified"), err)
		}
		e.revalidates("/api/v1/plugins/outil-http/versions", "", publicCache)
		if e.revalidates("/api/v1/plugins/outil-http/versions/1.0.0", "", publicCache).Header().Get("Last-Modified") == "" {
			t.Error("a version has no Last-Modified")
		}
		e.revalidates("/api/v1/plugins/outil-http/openapi.json", "", publicCache)
		e.revalidates("/api/v1/schemas/plugin-manifest.json", "", "public, max-age=3600")
		e.revalidates("/api/v1/hackathons/paris-2026", "", publicCache)
		// A signed-in stranger sees, and may share, what everyone sees.
		_, stranger := e.user("stranger@example.org", auth.RoleParticipant)
		if got := e.revalidates("/api/v1/plugins/outil-http", stranger, publicCache); got.Header().Get("ETag") != plugin.Header().Get("ETag") {
			t.Errorf("a stranger's ETag %q differs from the public one %q", got.Header().Get("ETag"), plugin.Header().Get("ETag"))
		}
	})
}

func TestCallerDependentResponsesAreNeverShared(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, owner := e.user("owner@example.org", auth.RoleParticipant)
		e.createPlugin(owner, "brouillon")
		// The owner's draft is theirs alone: private, and never served to
		// anyone else from what was kept.
		for _, path := range []string{"/api/v1/plugins/brouillon", "/api/v1/plugins/brouillon/versions", "/api/v1/plugins/brouillon/versions/1.0.0"} {
			e.revalidates(path, owner, "private, no-store")
			e.do(req{method: "GET", path: path}).problem(404)
		}
		// A taken-down plugin, as an organizer sees it, is private too.
		e.publishedPlugin(owner, "retire")
		_, org := e.user("org@example.org", auth.RoleOrganizer)
		e.do(req{method: "GET", path: "/api/v1/plugins/retire"}).want(200)
		e.do(req{method: "DELETE", path: "/api/v1/plugins/retire", token: org, body: map[string]string{"reason": "Propagande"}}).want(204)
		e.revalidates("/api/v1/plugins/retire", org, "private, no-store")
		e.do(req{method: "GET", path: "/api/v1/plugins/retire"}).problem(404)
	})
}

func TestKeptRepresentationsFollowChanges(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		e.clock.Set(time.Now()) // kept representations do not age in this test
		_, owner := e.user("owner@example.org", auth.RoleParticipant)
		_, org := e.user("org@example.org", auth.RoleOrganizer)
		e.publishedPlugin(owner, "suivi")
		get := func(path string) response { return e.do(req{method: "GET", path: path}).want(200) }
		before := get("/api/v1/plugins/suivi")
		versions := get("/api/v1/plugins/suivi/versions")

		// An edit: a new version shows at once, with a new tag.
		e.do(req{method: "POST", path: "/api/v1/plugins/suivi/versions", token: owner, body: manifest("suivi", "1.1.0")}).want(201)
		var p api.PluginResponse
		after := get("/api/v1/plugins/suivi")
		after.json(&p)
		if *p.LatestVersion != "1.1.0" || after.Header().Get("ETag") == before.Header().Get("ETag") {
			t.Fatalf("after a new version: latest %s, ETag %q (was %q)", *p.LatestVersion, after.Header().Get("ETag"), before.Header().Get("ETag"))
		}
		e.do(req{method: "GET", path: "/api/v1/plugins/suivi", header: map[string]string{"If-None-Match": before.Header().Get("ETag")}}).want(200)
		if get("/api/v1/plugins/suivi/versions").Body.String() == versions.Body.String() {
			t.Fatal("the versions still list one version")
		}

		// A yank of a version that is not the latest changes only the list.
		listed := get("/api/v1/plugins/suivi/versions")
		e.do(req{method: "POST", path: "/api/v1/plugins/suivi/versions/1.0.0/yank", token: owner}).want(200)
		if l := get("/api/v1/plugins/suivi/versions"); l.Body.String() == listed.Body.String() || !strings.Contains(l.Body.String(), `"yanked":true`) {
			t.Fatalf("the versions do not show the yank: %s", l.Body.String())
		}
		if !strings.Contains(get("/api/v1/plugins/suivi/versions/1.0.0").Body.String(), `"yanked":true`) {
			t.Fatal("the version does not show the yank")
		}

		// A takedown hides it at once.
		e.do(req{method: "DELETE", path: "/api/v1/plugins/suivi", token: org, body: map[string]string{"reason": "Propagande"}}).want(204)
		for _, path := range []string{"/api/v1/plugins/suivi", "/api/v1/plugins/suivi/versions", "/api/v1/plugins/suivi/versions/1.1.0"} {
			e.do(req{method: "GET", path: path}).problem(404)
			e.do(req{method: "GET", path: path, header: map[string]string{"If-None-Match": after.Header().Get("ETag")}}).problem(404)
		}
	})
}

func TestTakedownReachesEveryReplicaWithinTheCacheTime(t *testing.T) {
	eachDialectReplicas(t, func(t *testing.T, a, b *env) {
		_, owner := a.user("owner@example.org", auth.RoleParticipant)
		_, org := a.user("org@example.org", auth.RoleOrganizer)
		a.publishedPlugin(owner, "propagande")
		b.do(req{method: "GET", path: "/api/v1/plugins/propagande"}).want(200)

		a.do(req{method: "DELETE", path: "/api/v1/plugins/propagande", token: org, body: map[string]string{"reason": "Propagande terroriste"}}).want(204)
		a.do(req{method: "GET", path: "/api/v1/plugins/propagande"}).problem(404)
		// Replica b serves what it read for the cache time...
		b.clock.Set(b.clock.Now().Add(api.DefaultDocTTL))
		b.do(req{method: "GET", path: "/api/v1/plugins/propagande"}).want(200)
		// ...and no longer once it has passed.
		b.clock.Set(b.clock.Now().Add(time.Millisecond))
		b.do(req{method: "GET", path: "/api/v1/plugins/propagande"}).problem(404)
	})
}

func TestReplicasCheckWhatTheyKeepAgainstTheDatabase(t *testing.T) {
	eachDialectReplicas(t, func(t *testing.T, a, b *env) {
		_, owner := a.user("owner@example.org", auth.RoleParticipant)
		a.publishedPlugin(owner, "suivi")
		a.publishedPlugin(owner, "stable")
		get := func(path string) response { return b.do(req{method: "GET", path: path}) }
		get("/api/v1/plugins/suivi").want(200)
		get("/api/v1/plugins/suivi/versions").want(200)
		stable := get("/api/v1/plugins/stable").want(200)

		// What has not changed stays kept across checks, well past the
		// cache time: a check confirms it.
		for range 3 {
			b.clock.Set(b.clock.Now().Add(api.DefaultDocTTL))
			if err := b.srv.RefreshCache(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		a.do(req{method: "DELETE", path: "/api/v1/plugins/stable", token: owner}).want(204)
		if got := get("/api/v1/plugins/stable").want(200); got.Header().Get("ETag") != stable.Header().Get("ETag") {
			t.Fatal("a confirmed representation was read again")
		}

		// A check drops what changed on the other replica, without waiting.
		a.do(req{method: "POST", path: "/api/v1/plugins/suivi/versions/1.0.0/yank", token: owner}).want(200)
		if err := b.srv.RefreshCache(t.Context()); err != nil {
			t.Fatal(err)
		}
		get("/api/v1/plugins/stable").problem(404)
		if l := get("/api/v1/plugins/suivi/versions").want(200); !strings.Contains(l.Body.String(), `"yanked":true`) {
			t.Fatalf("the other replica's yank does not show: %s", l.Body.String())
		}
	})
}

// Readers, the checks every second and writers share what is kept: every
// answer is whole, and once the writes are done, every reader sees the
// last of them.
func TestKeptRepresentationsUnderConcurrentUse(t *testing.T) {
	e := newEnv(t)
	u, owner := e.user("owner@example.org", auth.RoleParticipant)
	e.publishedPlugin(owner, "concurrent")
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				var p api.PluginResponse
				e.do(req{method: "GET", path: "/api/v1/plugins/concurrent"}).want(200).json(&p)
				e.do(req{method: "GET", path: "/api/v1/me", token: owner}).want(200)
			}
		})
	}
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			if err := e.srv.RefreshCache(t.Context()); err != nil {
				t.Error(err)
			}
			if err := e.auth.RefreshSessions(t.Context()); err != nil {
				t.Error(err)
			}
		}
	})
	for i := 1; i <= 5; i++ {
		e.do(req{method: "POST", path: "/api/v1/plugins/concurrent/versions", token: owner, body: manifest("concurrent", "1."+itoa(int64(i))+".0")}).want(201)
	}
	close(done)
	wg.Wait()
	var p api.PluginResponse
	e.do(req{method: "GET", path: "/api/v1/plugins/concurrent"}).want(200).json(&p)
	if *p.LatestVersion != "1.5.0" || p.Owner.ID != u.ID {
		t.Fatalf("after the writes: %+v", p)
	}
}
