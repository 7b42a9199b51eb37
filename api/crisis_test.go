package api_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
)

// crisisBody is a valid crisis expiring at expires.
func crisisBody(expires time.Time) map[string]any {
	return map[string]any{"active": true, "region": "FR", "expires_at": expires.Format(time.RFC3339),
		"title":   map[string]string{"fr": "Attaque en cours", "en": "Attack under way"},
		"message": map[string]string{"fr": "Restez à l'abri et suivez les consignes officielles."},
		"links":   []map[string]string{{"label": "Préfecture de police", "url": "https://www.prefecturedepolice.interieur.gouv.fr"}}}
}

func TestCrisisIsDeclaredByAnAdministratorAndEndsByItself(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		start := time.Now().UTC().Truncate(time.Second)
		e.clock.Set(start)
		if body := strings.TrimSpace(e.do(req{method: "GET", path: "/api/v1/crisis"}).want(200).Body.String()); body != `{"active":false}` {
			t.Fatalf("no crisis: %s", body)
		}
		_, part := e.user("part@example.org", auth.RoleParticipant)
		_, admin := e.user("admin@example.org", auth.RoleAdmin)
		e.do(req{method: "PUT", path: "/api/v1/crisis", body: crisisBody(start.Add(time.Hour))}).want(401)
		e.do(req{method: "PUT", path: "/api/v1/crisis", token: part, body: crisisBody(start.Add(time.Hour))}).want(403)

		var c api.CrisisResponse
		e.do(req{method: "PUT", path: "/api/v1/crisis", token: admin, body: crisisBody(start.Add(time.Hour))}).want(200).json(&c)
		if !c.Active || c.Region != "FR" || c.Title.EN != "Attack under way" || len(c.Links) != 1 || !c.ExpiresAt.Equal(start.Add(time.Hour)) {
			t.Fatalf("declared: %+v", c)
		}
		var numbers []string
		for _, n := range c.Numbers {
			numbers = append(numbers, n.Number)
			if n.Service.FR == "" || n.Service.EN == "" {
				t.Errorf("number %s without its service in both languages", n.Number)
			}
		}
		if !slices.Contains(numbers, "112") || !slices.Contains(numbers, "17") {
			t.Errorf("numbers of France: %v", numbers)
		}
		var got api.CrisisResponse
		e.do(req{method: "GET", path: "/api/v1/crisis"}).want(200).json(&got)
		if !got.Active || got.Message.FR == "" {
			t.Fatalf("GET after PUT: %+v", got)
		}
		var log api.List[api.AuditEntryResponse]
		e.do(req{method: "GET", path: "/api/v1/audit", token: admin}).want(200).json(&log)
		if log.Items[0].Action != "crisis.set" || log.Items[0].Details["region"] != "FR" {
			t.Errorf("audit: %+v", log.Items[0])
		}

		e.clock.Set(start.Add(time.Hour))
		if body := strings.TrimSpace(e.do(req{method: "GET", path: "/api/v1/crisis"}).want(200).Body.String()); body != `{"active":false}` {
			t.Fatalf("at its expiry: %s", body)
		}
	})
}

func TestCrisisEndedIsAudited(t *testing.T) {
	e := newEnv(t)
	_, admin := e.user("admin@example.org", auth.RoleAdmin)
	e.do(req{method: "PUT", path: "/api/v1/crisis", token: admin, body: crisisBody(time.Now().Add(time.Hour))}).want(200)
	var c api.CrisisResponse
	e.do(req{method: "PUT", path: "/api/v1/crisis", token: admin, body: map[string]any{"active": false}}).want(200).json(&c)
	if c.Active {
		t.Fatal("still active after active: false")
	}
	var log api.List[api.AuditEntryResponse]
	e.do(req{method: "GET", path: "/api/v1/audit", token: admin}).want(200).json(&log)
	if log.Items[0].Action != "crisis.end" || log.Items[1].Action != "crisis.set" {
		t.Errorf("audit: %+v", log.Items[:2])
	}
}

func TestCrisisRefusalsNameTheFields(t *testing.T) {
	e := newEnv(t)
	_, admin := e.user("admin@example.org", auth.RoleAdmin)
	now := time.Now()
	for _, tc := range []struct {
		name   string
		change func(map[string]any)
		fields []string
	}{
		{"no expiry", func(b map[string]any) { delete(b, "expires_at") }, []string{"expires_at"}},
		{"past", func(b map[string]any) { b["expires_at"] = now.Add(-time.Minute).Format(time.RFC3339) }, []string{"expires_at"}},
		{"beyond 7 days", func(b map[string]any) { b["expires_at"] = now.Add(8 * 24 * time.Hour).Format(time.RFC3339) }, []string{"expires_at"}},
		{"unknown region", func(b map[string]any) { b["region"] = "ZZ" }, []string{"region"}},
		{"no title", func(b map[string]any) { b["title"] = map[string]string{} }, []string{"title"}},
		{"a language the pages do not speak", func(b map[string]any) { b["title"] = map[string]string{"de": "Angriff"} }, []string{"title.de"}},
		{"plain http link", func(b map[string]any) {
			b["links"] = []map[string]string{{"label": "x", "url": "http://example.org"}}
		}, []string{"links[0].url"}},
		{"several at once", func(b map[string]any) { b["region"], b["message"] = "", map[string]string{} }, []string{"region", "message"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := crisisBody(now.Add(time.Hour))
			tc.change(b)
			p := e.do(req{method: "PUT", path: "/api/v1/crisis", token: admin, body: b}).problem(422)
			if got := fields(p); !slices.Equal(got, tc.fields) {
				t.Errorf("fields %v, want %v", got, tc.fields)
			}
		})
	}
	var c api.CrisisResponse
	e.do(req{method: "GET", path: "/api/v1/crisis"}).want(200).json(&c)
	if c.Active {
		t.Fatal("a refused crisis is in force")
	}
}

func TestSearchCarriesTheCrisisAndRaisesEmergencyTools(t *testing.T) {
	t.Run("engine", func(t *testing.T) { eachDialect(t, testCrisisSearch) })
	t.Run("database fallback", func(t *testing.T) { eachDialect(t, testCrisisSearch, withEngine(noEngine())) })
}

func testCrisisSearch(t *testing.T, e *env) {
	_, tok := e.user("owner@example.org", auth.RoleParticipant)
	// Without a crisis, "alerte" finds the research tool first on every
	// answerer: in its name rather than a summary, and changed last.
	for _, p := range []struct{ slug, name, summary, cats string }{
		{"abris-nuit", "Abris de nuit", "Alerte aux abris ouverts", `["emergency"]`},
		{"alerte-veille", "Alerte", "Alerte", `["research"]`},
	} {
		m := strings.NewReplacer(`"Tool `+p.slug+`"`, `"`+p.name+`"`, `"Summary of `+p.slug+`"`, `"`+p.summary+`"`,
			`["research"]`, p.cats).Replace(manifest(p.slug, "1.0.0"))
		e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: m}).want(201)
		e.do(req{method: "POST", path: "/api/v1/plugins/" + p.slug + "/publish", token: tok}).want(200)
	}
	for { // without an engine, nothing is indexed and the database answers
		n, err := e.relay.Drain(context.Background())
		if err != nil || n == 0 {
			break
		}
	}
	var raw map[string]json.RawMessage
	e.do(req{method: "GET", path: "/api/v1/search?q=alerte"}).want(200).json(&raw)
	if _, ok := raw["crisis"]; ok {
		t.Fatal("a search answer carries a crisis when there is none")
	}
	first := func(query string) string {
		t.Helper()
		r := e.search(query)
		if len(r.Hits) != 2 {
			t.Fatalf("%s: hits %v", query, r.Hits)
		}
		return r.Hits[0].Slug
	}
	if got := first("q=alerte"); got != "alerte-veille" {
		t.Fatalf("without a crisis, %s comes first", got)
	}
	_, admin := e.user("admin@example.org", auth.RoleAdmin)
	e.do(req{method: "PUT", path: "/api/v1/crisis", token: admin, body: crisisBody(time.Now().Add(time.Hour))}).want(200)
	r := e.search("q=alerte")
	if r.Crisis == nil || r.Crisis.Region != "FR" || len(r.Crisis.Numbers) == 0 {
		t.Fatalf("crisis in the search answer: %+v", r.Crisis)
	}
	if got := first("q=alerte"); got != "abris-nuit" {
		t.Errorf("during a crisis, %s comes first", got)
	}
	if got := first(""); got != "abris-nuit" {
		t.Errorf("during a crisis, with no text, %s comes first", got)
	}
	if got := first("q=alerte&sort=name"); got != "abris-nuit" { // A before A-l: the order asked for
		t.Errorf("by name, %s comes first", got)
	}
}
