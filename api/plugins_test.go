package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
)

// manifest returns a valid catalogue-entry manifest in JSON.
func manifest(slug, version string) string {
	return fmt.Sprintf(`{"slug":%q,"name":"Tool %s","version":%q,"summary":"Summary of %s","categories":["research"],
		"languages":["fr","en"],"license":"MIT","repository":"https://example.org/%s",
		"maintainers":[{"name":"Ada","email":"ada@example.org"}],"runtime":{"type":"none"}}`, slug, slug, version, slug, slug)
}

func (e *env) createPlugin(token, slug string) api.PluginResponse {
	e.t.Helper()
	var p api.PluginResponse
	e.do(req{method: "POST", path: "/api/v1/plugins", token: token, body: manifest(slug, "1.0.0")}).want(201).json(&p)
	return p
}

func (e *env) publishedPlugin(token, slug string) api.PluginResponse {
	e.t.Helper()
	e.createPlugin(token, slug)
	var p api.PluginResponse
	e.do(req{method: "POST", path: "/api/v1/plugins/" + slug + "/publish", token: token}).want(200).json(&p)
	return p
}

func TestPluginLifecycle(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		owner, tok := e.user("owner@example.org", auth.RoleParticipant)
		r := e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("veille-rumeurs", "1.0.0")}).want(201)
		var p api.PluginResponse
		r.json(&p)
		if p.Status != "draft" || p.Owner.ID != owner.ID || *p.LatestVersion != "1.0.0" || p.Runtime != "none" ||
			r.Header().Get("Location") != "/api/v1/plugins/veille-rumeurs" || !strings.Contains(string(p.Manifest), `"slug":"veille-rumeurs"`) {
			t.Fatalf("created = %+v (headers %v)", p, r.Header())
		}
		// A draft is invisible to everyone but its owner.
		e.do(req{method: "GET", path: "/api/v1/plugins/veille-rumeurs"}).problem(404)
		e.do(req{method: "GET", path: "/api/v1/plugins/veille-rumeurs", token: tok}).want(200)
		var list api.List[api.PluginResponse]
		e.do(req{method: "GET", path: "/api/v1/plugins"}).want(200).json(&list)
		if list.Total != 0 {
			t.Fatalf("anonymous list shows a draft: %+v", list)
		}
		e.do(req{method: "GET", path: "/api/v1/plugins", token: tok}).want(200).json(&list)
		if list.Total != 1 {
			t.Fatalf("owner's list lacks the draft: %+v", list)
		}

		e.do(req{method: "POST", path: "/api/v1/plugins/veille-rumeurs/publish", token: tok}).want(200).json(&p)
		if p.Status != "published" {
			t.Fatalf("published = %+v", p)
		}
		e.do(req{method: "POST", path: "/api/v1/plugins/veille-rumeurs/publish", token: tok}).problem(409)
		got := e.do(req{method: "GET", path: "/api/v1/plugins/veille-rumeurs"}).want(200)
		tag := got.Header().Get("ETag")
		e.do(req{method: "GET", path: "/api/v1/plugins/veille-rumeurs", header: map[string]string{"If-None-Match": tag}}).want(304)

		// "Latest" follows semver precedence, not upload time.
		for _, v := range []string{"1.1.0", "1.0.5", "2.0.0-beta.1"} {
			e.do(req{method: "POST", path: "/api/v1/plugins/veille-rumeurs/versions", token: tok, body: manifest("veille-rumeurs", v)}).want(201)
		}
		e.do(req{method: "GET", path: "/api/v1/plugins/veille-rumeurs"}).want(200).json(&p)
		if *p.LatestVersion != "1.1.0" {
			t.Fatalf("latest = %s, want 1.1.0", *p.LatestVersion)
		}
		e.do(req{method: "GET", path: "/api/v1/plugins/veille-rumeurs", header: map[string]string{"If-None-Match": tag}}).want(200)

		// Versions are never reused, with or without build metadata, yanked or not.
		p409 := e.do(req{method: "POST", path: "/api/v1/plugins/veille-rumeurs/versions", token: tok, body: manifest("veille-rumeurs", "1.1.0")}).problem(409)
		if !strings.Contains(p409.Detail, "never reused") {
			t.Fatalf("409 detail %q", p409.Detail)
		}
		e.do(req{method: "POST", path: "/api/v1/plugins/veille-rumeurs/versions", token: tok, body: manifest("veille-rumeurs", "1.1.0+rebuild")}).problem(409)
		var yanked api.VersionResponse
		e.do(req{method: "POST", path: "/api/v1/plugins/veille-rumeurs/versions/1.1.0/yank", token: tok}).want(200).json(&yanked)
		if !yanked.Yanked {
			t.Fatalf("yank = %+v", yanked)
		}
		e.do(req{method: "POST", path: "/api/v1/plugins/veille-rumeurs/versions/1.1.0/yank", token: tok}).problem(409)
		e.do(req{method: "POST", path: "/api/v1/plugins/veille-rumeurs/versions", token: tok, body: manifest("veille-rumeurs", "1.1.0")}).problem(409)
		e.do(req{method: "GET", path: "/api/v1/plugins/veille-rumeurs"}).want(200).json(&p)
		if *p.LatestVersion != "1.0.5" || !strings.Contains(string(p.Manifest), `"version":"1.0.5"`) {
			t.Fatalf("after yanking the latest: %s / %s", *p.LatestVersion, p.Manifest)
		}
		// A yanked version stays readable by its exact version, with its hash.
		var v api.VersionResponse
		e.do(req{method: "GET", path: "/api/v1/plugins/veille-rumeurs/versions/1.1.0"}).want(200).json(&v)
		sum := sha256.Sum256(v.Manifest)
		if !v.Yanked || v.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("yanked version = %+v; sha256 of its manifest %x", v, sum)
		}
		var versions api.List[api.VersionResponse]
		e.do(req{method: "GET", path: "/api/v1/plugins/veille-rumeurs/versions?limit=3"}).want(200).json(&versions)
		var order []string
		for _, v := range versions.Items {
			order = append(order, v.Version)
		}
		if versions.Total != 4 || !slices.Equal(order, []string{"2.0.0-beta.1", "1.1.0", "1.0.5"}) {
			t.Fatalf("versions = %v (total %d)", order, versions.Total)
		}
		e.do(req{method: "GET", path: "/api/v1/plugins/veille-rumeurs/versions/9.9.9"}).problem(404)

		// Withdrawal hides the plugin; the slug is never handed out again.
		e.do(req{method: "DELETE", path: "/api/v1/plugins/veille-rumeurs", token: tok}).want(204)
		e.do(req{method: "GET", path: "/api/v1/plugins/veille-rumeurs"}).problem(404)
		e.do(req{method: "DELETE", path: "/api/v1/plugins/veille-rumeurs", token: tok}).problem(409)
		e.do(req{method: "POST", path: "/api/v1/plugins/veille-rumeurs/versions", token: tok, body: manifest("veille-rumeurs", "3.0.0")}).problem(409)
		_, other := e.user("other@example.org", auth.RoleParticipant)
		e.do(req{method: "POST", path: "/api/v1/plugins", token: other, body: manifest("veille-rumeurs", "1.0.0")}).problem(409)
		e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("veille-rumeurs", "1.0.0")}).problem(409)

		var audit api.List[api.AuditEntryResponse]
		_, admin := e.user("root@example.org", auth.RoleAdmin)
		e.do(req{method: "GET", path: "/api/v1/audit?limit=100", token: admin}).want(200).json(&audit)
		var actions []string
		for _, a := range slices.DeleteFunc(audit.Items, isAccountCreation) {
			actions = append(actions, a.Action)
		}
		slices.Reverse(actions)
		want := []string{"plugin.publish", "version.publish", "version.publish", "version.publish", "version.yank", "plugin.withdraw"}
		if !slices.Equal(actions, want) {
			t.Fatalf("audit actions %v, want %v", actions, want)
		}
	})
}

// snapshot is what a forbidden request must leave unchanged.
func (e *env) snapshot(token, slug string) string {
	e.t.Helper()
	return e.do(req{method: "GET", path: "/api/v1/plugins/" + slug, token: token}).want(200).Body.String() +
		e.do(req{method: "GET", path: "/api/v1/plugins/" + slug + "/versions", token: token}).want(200).Body.String()
}

func TestOthersCannotTouchAPlugin(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, owner := e.user("owner@example.org", auth.RoleParticipant)
		_, intruder := e.user("intruder@example.org", auth.RoleParticipant)
		e.createPlugin(owner, "brouillon")
		e.publishedPlugin(owner, "publique")
		attempts := func(slug string) []req {
			return []req{
				{method: "POST", path: "/api/v1/plugins/" + slug + "/versions", body: manifest(slug, "9.0.0")},
				{method: "POST", path: "/api/v1/plugins/" + slug + "/publish"},
				{method: "POST", path: "/api/v1/plugins/" + slug + "/versions/1.0.0/yank"},
				{method: "DELETE", path: "/api/v1/plugins/" + slug},
				{method: "POST", path: "/api/v1/plugins/" + slug + "/collaborators", body: map[string]string{"email": "intruder@example.org"}},
				{method: "GET", path: "/api/v1/plugins/" + slug + "/collaborators"},
			}
		}
		for slug, code := range map[string]int{"brouillon": 404, "publique": 403} {
			before := e.snapshot(owner, slug)
			for _, r := range attempts(slug) {
				r.token = intruder
				if slug == "publique" && strings.HasSuffix(r.path, "/publish") {
					e.do(r).problem(403)
					continue
				}
				e.do(r).problem(code)
			}
			if after := e.snapshot(owner, slug); after != before {
				t.Fatalf("%s changed after forbidden requests:\n%s\n%s", slug, before, after)
			}
		}
	})
}

func TestCollaboratorsAndTokens(t *testing.T) {
	e := newEnv(t)
	_, owner := e.user("owner@example.org", auth.RoleParticipant)
	collab, collabTok := e.user("collab@example.org", auth.RoleParticipant)
	e.createPlugin(owner, "outil-commun")

	e.do(req{method: "POST", path: "/api/v1/plugins/outil-commun/collaborators", token: owner, body: map[string]string{"email": "nobody@example.org"}}).problem(422)
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-commun/collaborators", token: owner, body: map[string]string{"email": "owner@example.org"}}).problem(422)
	var added api.CollaboratorResponse
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-commun/collaborators", token: owner, body: map[string]string{"email": "Collab@Example.org"}}).want(201).json(&added)
	if added.UserID != collab.ID || added.Email != "collab@example.org" {
		t.Fatalf("added = %+v", added)
	}
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-commun/collaborators", token: owner, body: map[string]string{"email": "collab@example.org"}}).problem(409)

	// A collaborator sees the draft and publishes versions, but does not own the plugin.
	e.do(req{method: "GET", path: "/api/v1/plugins/outil-commun", token: collabTok}).want(200)
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-commun/versions", token: collabTok, body: manifest("outil-commun", "1.1.0")}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-commun/versions/1.1.0/yank", token: collabTok}).problem(403)
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-commun/publish", token: collabTok}).problem(403)
	e.do(req{method: "DELETE", path: "/api/v1/plugins/outil-commun", token: collabTok}).problem(403)
	var collabs api.List[api.CollaboratorResponse]
	e.do(req{method: "GET", path: "/api/v1/plugins/outil-commun/collaborators", token: collabTok}).want(200).json(&collabs)
	if collabs.Total != 1 {
		t.Fatalf("collaborators = %+v", collabs)
	}
	var mine api.List[api.PluginResponse]
	e.do(req{method: "GET", path: "/api/v1/plugins?owner=me", token: collabTok}).want(200).json(&mine)
	if mine.Total != 1 {
		t.Fatalf("owner=me for a collaborator = %+v", mine)
	}

	// A team publishes from its CI with a plugins:write token; a read token cannot.
	var ci, ro api.APITokenCreated
	e.do(req{method: "POST", path: "/api/v1/me/tokens", token: collabTok, body: map[string]any{"name": "ci", "scopes": []string{"plugins:write"}}}).want(201).json(&ci)
	e.do(req{method: "POST", path: "/api/v1/me/tokens", token: collabTok, body: map[string]any{"name": "ro", "scopes": []string{"read"}}}).want(201).json(&ro)
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-commun/versions", token: ci.Token, body: manifest("outil-commun", "1.2.0")}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-commun/versions", token: ro.Token, body: manifest("outil-commun", "1.3.0")}).problem(403)

	e.do(req{method: "DELETE", path: "/api/v1/plugins/outil-commun/collaborators/" + itoa(collab.ID), token: owner}).want(204)
	e.do(req{method: "DELETE", path: "/api/v1/plugins/outil-commun/collaborators/" + itoa(collab.ID), token: owner}).problem(404)
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-commun/versions", token: ci.Token, body: manifest("outil-commun", "1.4.0")}).problem(404)
}

func TestOrganizerTakedown(t *testing.T) {
	e := newEnv(t)
	_, owner := e.user("owner@example.org", auth.RoleParticipant)
	_, org := e.user("org@example.org", auth.RoleOrganizer)
	e.createPlugin(owner, "brouillon-a")
	e.publishedPlugin(owner, "propagande")

	var drafts api.List[api.PluginResponse]
	e.do(req{method: "GET", path: "/api/v1/plugins?status=draft", token: org}).want(200).json(&drafts)
	if drafts.Total != 1 {
		t.Fatalf("organizer's drafts = %+v", drafts)
	}
	e.do(req{method: "GET", path: "/api/v1/plugins/brouillon-a", token: org}).want(200)

	p := e.do(req{method: "DELETE", path: "/api/v1/plugins/propagande", token: org}).problem(422)
	if !slices.Equal(fields(p), []string{"reason"}) {
		t.Fatalf("takedown without reason: %+v", p)
	}
	e.do(req{method: "DELETE", path: "/api/v1/plugins/propagande", token: org, body: map[string]string{"reason": "  "}}).problem(422)
	e.do(req{method: "DELETE", path: "/api/v1/plugins/propagande", token: org, body: map[string]string{"reason": "Relays recruitment material"}}).want(204)
	e.do(req{method: "GET", path: "/api/v1/plugins/propagande"}).problem(404)
	var seen api.PluginResponse
	e.do(req{method: "GET", path: "/api/v1/plugins/propagande", token: owner}).want(200).json(&seen)
	if seen.Status != "removed" || seen.RemovedReason == nil || *seen.RemovedReason != "Relays recruitment material" {
		t.Fatalf("owner's view of the takedown = %+v", seen)
	}
	var removed api.List[api.PluginResponse]
	e.do(req{method: "GET", path: "/api/v1/plugins?status=removed"}).want(200).json(&removed)
	if removed.Total != 0 {
		t.Fatalf("anonymous list of removed plugins = %+v", removed)
	}
	_, admin := e.user("root@example.org", auth.RoleAdmin)
	var audit api.List[api.AuditEntryResponse]
	e.do(req{method: "GET", path: "/api/v1/audit", token: admin}).want(200).json(&audit)
	if a := slices.DeleteFunc(audit.Items, isAccountCreation)[0]; a.Action != "plugin.takedown" || a.TargetID != "propagande" || a.Details["reason"] != "Relays recruitment material" {
		t.Fatalf("audit entry %+v", a)
	}
}

func TestPluginListFilters(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("owner@example.org", auth.RoleParticipant)
	e.publishedPlugin(tok, "outil-a")
	e.publishedPlugin(tok, "outil-b")
	m := strings.Replace(manifest("outil-c", "1.0.0"), `["research"]`, `["emergency","prevention"]`, 1)
	e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: m}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-c/publish", token: tok}).want(200)

	var l api.List[api.PluginResponse]
	e.do(req{method: "GET", path: "/api/v1/plugins?category=emergency"}).want(200).json(&l)
	if l.Total != 1 || l.Items[0].Slug != "outil-c" {
		t.Fatalf("category filter = %+v", l)
	}
	e.do(req{method: "GET", path: "/api/v1/plugins?limit=2"}).want(200).json(&l)
	if l.Total != 3 || len(l.Items) != 2 || l.Items[0].Slug != "outil-c" {
		t.Fatalf("first page = %+v", l)
	}
	for _, q := range []string{"category=weather", "status=archived", "owner=you", "limit=500"} {
		e.do(req{method: "GET", path: "/api/v1/plugins?" + q}).problem(400)
	}
	e.do(req{method: "GET", path: "/api/v1/plugins?owner=me"}).problem(401)
}

// TestOneVerdictEverywhere sends the manifest corpus to the validation
// route and to plugin creation: both give the corpus's expected problems.
func TestOneVerdictEverywhere(t *testing.T) {
	e := newEnv(t, registryStrict)
	_, tok := e.user("owner@example.org", auth.RoleParticipant)
	files, _ := filepath.Glob("../plugins/testdata/manifests/invalid/*")
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".want") {
			continue
		}
		data, _ := os.ReadFile(f)
		want := corpusWant(t, f, data)
		for _, path := range []string{"/api/v1/manifests/validate", "/api/v1/plugins"} {
			p := e.do(req{method: "POST", path: path, token: tok, body: data, header: map[string]string{"Content-Type": "application/yaml"}}).problem(422)
			got := fields(p)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s via %s: fields %q, want %q", filepath.Base(f), path, got, want)
			}
		}
		checked++
	}
	if checked < 60 {
		t.Fatalf("only %d invalid manifests checked", checked)
	}
	valid, _ := filepath.Glob("../plugins/testdata/manifests/valid/*")
	for _, f := range valid {
		data, _ := os.ReadFile(f)
		code := 200
		if strings.Contains(f, "builtin-") {
			code = 422 // builtin is reserved for tools compiled into Riposte
		}
		e.do(req{method: "POST", path: "/api/v1/manifests/validate", body: data}).want(code)
	}
	var res api.ValidationResult
	e.do(req{method: "POST", path: "/api/v1/manifests/validate", body: manifest("ok-tool", "1.0.0")}).want(200).json(&res)
	if !res.Valid {
		t.Fatal("valid manifest not reported valid")
	}
}

func corpusWant(t *testing.T, file string, data []byte) []string {
	t.Helper()
	var want []string
	if strings.HasSuffix(file, ".json") {
		w, _ := os.ReadFile(strings.TrimSuffix(file, ".json") + ".want")
		want = strings.Split(strings.TrimSuffix(string(w), "\n"), "\n")
	} else {
		first, _, _ := strings.Cut(string(data), "\n")
		want = strings.Split(strings.TrimPrefix(first, "# want: "), ", ")
	}
	slices.Sort(want)
	return want
}

func TestVersionManifestMustMatchPlugin(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("owner@example.org", auth.RoleParticipant)
	e.createPlugin(tok, "outil-x")
	p := e.do(req{method: "POST", path: "/api/v1/plugins/outil-x/versions", token: tok, body: manifest("outil-y", "2.0.0")}).problem(422)
	if !slices.Equal(fields(p), []string{"slug"}) {
		t.Fatalf("slug mismatch: %+v", p)
	}
	yaml := "slug: outil-x\nname: X\nversion: 2.0.0\nsummary: s\ncategories: [research]\nlanguages: [fr]\nlicense: MIT\n" +
		"repository: https://example.org/x\nmaintainers: [{name: A, email: a@example.org}]\nruntime: {type: none}\n"
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-x/versions", token: tok, body: yaml, header: map[string]string{"Content-Type": "application/yaml"}}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/outil-x/versions", token: tok, body: strings.Repeat("x", 2<<20)}).problem(413)
}

func TestConcurrentCreatesHaveOneWinner(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, tok := e.user("owner@example.org", auth.RoleParticipant)
		_, tok2 := e.user("rival@example.org", auth.RoleParticipant)
		e.createPlugin(tok, "course")
		race := func(reqs ...req) []int {
			codes := make([]int, len(reqs))
			var wg sync.WaitGroup
			for i, r := range reqs {
				wg.Go(func() { codes[i] = e.do(r).Code })
			}
			wg.Wait()
			slices.Sort(codes)
			return codes
		}
		for i := range 5 {
			v := fmt.Sprintf("2.%d.0", i)
			got := race(
				req{method: "POST", path: "/api/v1/plugins/course/versions", token: tok, body: manifest("course", v)},
				req{method: "POST", path: "/api/v1/plugins/course/versions", token: tok, body: manifest("course", v)},
			)
			if !slices.Equal(got, []int{201, 409}) {
				t.Fatalf("same version twice at once: %v, want one 201 and one 409", got)
			}
		}
		got := race(
			req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("disputed", "1.0.0")},
			req{method: "POST", path: "/api/v1/plugins", token: tok2, body: manifest("disputed", "1.0.0")},
		)
		if !slices.Equal(got, []int{201, 409}) {
			t.Fatalf("same slug twice at once: %v, want one 201 and one 409", got)
		}
		var versions api.List[api.VersionResponse]
		e.do(req{method: "GET", path: "/api/v1/plugins/course/versions", token: tok}).want(200).json(&versions)
		if versions.Total != 6 {
			t.Fatalf("versions after the races: %d, want 6", versions.Total)
		}
	})
}

func TestManifestSchemaIsServed(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{method: "GET", path: "/api/v1/schemas/plugin-manifest.json"}).want(200)
	var schema map[string]any
	r.json(&schema)
	if r.Header().Get("Content-Type") != "application/schema+json" || schema["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Fatalf("schema served as %q: %v", r.Header().Get("Content-Type"), schema["$schema"])
	}
	props, _ := schema["properties"].(map[string]any)
	for _, f := range []string{"slug", "version", "runtime", "input_schema", "examples", "changes"} {
		if props[f] == nil {
			t.Errorf("schema lacks %s", f)
		}
	}
}

// withKey is a request header carrying an idempotency key.
func withKey(key string) map[string]string { return map[string]string{"Idempotency-Key": key} }

func TestIdempotentCreation(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, tok := e.user("owner@example.org", auth.RoleParticipant)
		_, other := e.user("other@example.org", auth.RoleParticipant)
		create := req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("une-fois", "1.0.0"), header: withKey("3f1c9b2e-key")}
		first := e.do(create).want(201)
		if first.Header().Get("Idempotent-Replayed") != "" {
			t.Fatal("a first request is marked replayed")
		}
		var p1 api.PluginResponse
		first.json(&p1)

		// A retry registers nothing and answers as the first time.
		again := e.do(create).want(201)
		var p2 api.PluginResponse
		again.json(&p2)
		if again.Header().Get("Idempotent-Replayed") != "true" || again.Header().Get("Location") != "/api/v1/plugins/une-fois" ||
			p2.Slug != "une-fois" || !p2.CreatedAt.Equal(p1.CreatedAt) || again.Header().Get("ETag") != first.Header().Get("ETag") {
			t.Fatalf("replay = %+v, headers %v", p2, again.Header())
		}
		var mine api.List[api.PluginResponse]
		e.do(req{method: "GET", path: "/api/v1/plugins?owner=me", token: tok}).want(200).json(&mine)
		if mine.Total != 1 {
			t.Fatalf("%d plugins after a retry, want 1", mine.Total)
		}

		// The same key with another body is refused, naming the header.
		p := e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("autre-chose", "1.0.0"), header: withKey("3f1c9b2e-key")}).problem(422)
		if !slices.Equal(fields(p), []string{"Idempotency-Key"}) {
			t.Fatalf("reused key: %+v", p)
		}
		// Keys belong to their account: another account's same key is a
		// request of its own.
		e.do(req{method: "POST", path: "/api/v1/plugins", token: other, body: manifest("une-fois", "1.0.0"), header: withKey("3f1c9b2e-key")}).problem(409)
		// Without a key, or with another, a retry is a new request.
		e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("une-fois", "1.0.0")}).problem(409)

		// Failures are not remembered: the key can be used again.
		e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: `{"slug":"x"}`, header: withKey("k2")}).problem(422)
		e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("deux", "1.0.0"), header: withKey("k2")}).want(201)

		// A replay shows the plugin as it is now.
		e.do(req{method: "POST", path: "/api/v1/plugins/une-fois/publish", token: tok}).want(200)
		e.do(create).want(201).json(&p2)
		if p2.Status != "published" {
			t.Fatalf("replay after publication shows %q", p2.Status)
		}
	})
}

func TestIdempotentVersions(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, tok := e.user("owner@example.org", auth.RoleParticipant)
		e.createPlugin(tok, "outil-a")
		e.createPlugin(tok, "outil-b")
		add := req{method: "POST", path: "/api/v1/plugins/outil-a/versions", token: tok, body: manifest("outil-a", "1.1.0"), header: withKey("release-1.1.0")}
		var v1, v2 api.VersionResponse
		e.do(add).want(201).json(&v1)
		again := e.do(add).want(201)
		again.json(&v2)
		if again.Header().Get("Idempotent-Replayed") != "true" || again.Header().Get("Location") != "/api/v1/plugins/outil-a/versions/1.1.0" ||
			v2.Version != "1.1.0" || v2.SHA256 != v1.SHA256 {
			t.Fatalf("replay = %+v, headers %v", v2, again.Header())
		}
		p := e.do(req{method: "POST", path: "/api/v1/plugins/outil-a/versions", token: tok, body: manifest("outil-a", "1.2.0"), header: withKey("release-1.1.0")}).problem(422)
		if !slices.Equal(fields(p), []string{"Idempotency-Key"}) {
			t.Fatalf("reused key: %+v", p)
		}
		// A key is scoped to the plugin it publishes to.
		e.do(req{method: "POST", path: "/api/v1/plugins/outil-b/versions", token: tok, body: manifest("outil-b", "1.1.0"), header: withKey("release-1.1.0")}).want(201)
		var versions api.List[api.VersionResponse]
		e.do(req{method: "GET", path: "/api/v1/plugins/outil-a/versions", token: tok}).want(200).json(&versions)
		if versions.Total != 2 {
			t.Fatalf("outil-a has %d versions, want 2", versions.Total)
		}
	})
}

func TestIdempotencyKeyFormat(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("owner@example.org", auth.RoleParticipant)
	for name, key := range map[string]string{
		"empty": "", "too long": strings.Repeat("k", 256), "not ASCII": "clé-1", "control": "a\x01b",
	} {
		for _, path := range []string{"/api/v1/plugins", "/api/v1/plugins/x/versions"} {
			r := req{method: "POST", path: path, token: tok, body: manifest("x", "1.0.0"), header: withKey(key)}
			if p := e.do(r).problem(400); !slices.Equal(fields(p), []string{"Idempotency-Key"}) {
				t.Errorf("%s key on %s: %+v", name, path, p)
			}
		}
	}
	hr := httptest.NewRequest("POST", "/api/v1/plugins", strings.NewReader(manifest("x", "1.0.0")))
	hr.Header.Set("Authorization", "Bearer "+tok)
	hr.Header.Add("Idempotency-Key", "a")
	hr.Header.Add("Idempotency-Key", "b")
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, hr)
	if w.Code != 400 {
		t.Errorf("two keys: status %d, want 400", w.Code)
	}
	e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("xyz", "1.0.0"), header: withKey(strings.Repeat("k", 255))}).want(201)
	e.do(req{method: "GET", path: "/api/v1/plugins/xyz", token: tok}).want(200)
}

// Requests racing with one key create one plugin, or one version; every
// one of them is answered with it.
func TestConcurrentRequestsWithOneKeyCreateOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, tok := e.user("owner@example.org", auth.RoleParticipant)
		race := func(r req) (codes []int, replayed int) {
			codes = make([]int, 8)
			marks := make([]string, 8)
			var wg sync.WaitGroup
			for i := range codes {
				wg.Go(func() {
					res := e.do(r)
					codes[i], marks[i] = res.Code, res.Header().Get("Idempotent-Replayed")
				})
			}
			wg.Wait()
			return codes, strings.Count(strings.Join(marks, ","), "true")
		}
		codes, replayed := race(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("course", "1.0.0"), header: withKey("once")})
		if slices.ContainsFunc(codes, func(c int) bool { return c != 201 }) || replayed != 7 {
			t.Fatalf("plugin: statuses %v, %d replayed; want eight 201, seven replayed", codes, replayed)
		}
		codes, replayed = race(req{method: "POST", path: "/api/v1/plugins/course/versions", token: tok, body: manifest("course", "2.0.0"), header: withKey("once")})
		if slices.ContainsFunc(codes, func(c int) bool { return c != 201 }) || replayed != 7 {
			t.Fatalf("version: statuses %v, %d replayed; want eight 201, seven replayed", codes, replayed)
		}
		var versions api.List[api.VersionResponse]
		e.do(req{method: "GET", path: "/api/v1/plugins/course/versions", token: tok}).want(200).json(&versions)
		if versions.Total != 2 {
			t.Fatalf("%d versions, want 2", versions.Total)
		}
	})
}

func TestPluginCreationRate(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, onDialect(d), func(o *options) { o.PluginCreatePerHour = 2 })
			_, tok := e.user("owner@example.org", auth.RoleParticipant)
			e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("rate-a", "1.0.0"), header: withKey("a")}).want(201)
			e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: `{"slug":"invalid"}`}).problem(422) // does not count
			e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("rate-a", "1.0.0")}).problem(409)
			e.createPlugin(tok, "rate-b")
			r := e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("rate-c", "1.0.0")})
			r.problem(429)
			if s, _ := strconv.Atoi(r.Header().Get("Retry-After")); s < 3500 || s > 3600 {
				t.Fatalf("Retry-After %q, want about an hour", r.Header().Get("Retry-After"))
			}
			// A retry of a registration is not a new one; versions are not limited.
			e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("rate-a", "1.0.0"), header: withKey("a")}).want(201)
			e.do(req{method: "POST", path: "/api/v1/plugins/rate-a/versions", token: tok, body: manifest("rate-a", "1.1.0")}).want(201)
			// The count is in the database: another replica sees it.
			u, _ := e.store.UserByEmail(t.Context(), "owner@example.org")
			replica := registry.New(e.store, true)
			replica.SetRegistrationOptions(registry.RegistrationOptions{CreatePerHour: 2})
			var rl *auth.RateLimitError
			if _, err := replica.Create(t.Context(), auth.User{ID: u.ID, Role: auth.RoleParticipant}, []byte(manifest("rate-d", "1.0.0"))); !errors.As(err, &rl) {
				t.Fatalf("another replica: %v, want a rate limit", err)
			}
			// Each account has its own allowance; organizers have none.
			_, other := e.user("other@example.org", auth.RoleParticipant)
			e.createPlugin(other, "autre-compte")
			_, org := e.user("org@example.org", auth.RoleOrganizer)
			for _, slug := range []string{"org-a", "org-b", "org-c"} {
				e.createPlugin(org, slug)
			}
			// Concurrent registrations are counted one after the other.
			_, racer := e.user("racer@example.org", auth.RoleParticipant)
			codes := make([]int, 20)
			var wg sync.WaitGroup
			for i := range codes {
				wg.Go(func() {
					codes[i] = e.do(req{method: "POST", path: "/api/v1/plugins", token: racer, body: manifest(fmt.Sprintf("race-%d", i), "1.0.0")}).Code
				})
			}
			wg.Wait()
			slices.Sort(codes)
			if codes[0] != 201 || codes[1] != 201 || codes[2] != 429 || codes[len(codes)-1] != 429 {
				t.Fatalf("concurrent registrations: %v, want two 201 and the rest 429", codes)
			}
		})
	}
}

func TestCollaboratorChangesAreAudited(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		owner, ownerTok := e.user("owner@example.org", auth.RoleParticipant)
		collab, _ := e.user("collab@example.org", auth.RoleParticipant)
		_, admin := e.user("root@example.org", auth.RoleAdmin)
		e.createPlugin(ownerTok, "outil-commun")
		path := "/api/v1/plugins/outil-commun/collaborators"
		e.do(req{method: "POST", path: path, token: ownerTok, body: map[string]string{"email": "collab@example.org"}}).want(201)
		e.do(req{method: "POST", path: path, token: ownerTok, body: map[string]string{"email": "collab@example.org"}}).problem(409)
		e.do(req{method: "DELETE", path: path + "/" + itoa(collab.ID), token: ownerTok}).want(204)
		e.do(req{method: "DELETE", path: path + "/" + itoa(collab.ID), token: ownerTok}).problem(404)
		var audit api.List[api.AuditEntryResponse]
		e.do(req{method: "GET", path: "/api/v1/audit", token: admin}).want(200).json(&audit)
		var got []string
		for _, a := range audit.Items {
			if isAccountCreation(a) {
				continue
			}
			if a.TargetID != "outil-commun" || a.ActorID == nil || *a.ActorID != owner.ID || a.Details["user_id"] != float64(collab.ID) {
				t.Fatalf("audit entry %+v", a)
			}
			got = append(got, a.Action)
		}
		if !slices.Equal(got, []string{"collaborator.remove", "collaborator.add"}) {
			t.Fatalf("audit actions %v, want the removal and the addition only", got)
		}
	})
}
