package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
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
	e := newEnv(t, withDeps(func(d *api.Deps) { d.Registry = registryStrict(d) }))
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
