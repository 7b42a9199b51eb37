package api_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail/mailtest"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
)

// apply applies for an organisation and returns it.
func (e *env) apply(token, name string) api.OrganizationResponse {
	e.t.Helper()
	var o api.OrganizationResponse
	e.do(req{method: "POST", path: "/api/v1/organizations", token: token, body: map[string]string{
		"name": name, "kind": "ngo", "website": "https://veille.example.org", "description": "Volunteers against propaganda",
	}}).want(201).json(&o)
	return o
}

// review verifies or refuses an organisation as an administrator.
func (e *env) review(slug, decision string) {
	e.t.Helper()
	_, admin := e.user("admin-"+decision+"-"+slug+"@example.org", auth.RoleAdmin)
	e.do(req{method: "POST", path: "/api/v1/organizations/" + slug + "/review", token: admin,
		body: map[string]string{"decision": decision, "note": "checked"}}).want(200)
}

// invite invites an e-mail address to an organisation and returns the
// token.
func (e *env) invite(token, slug, email string) string {
	e.t.Helper()
	var inv api.InvitationResponse
	e.do(req{method: "POST", path: "/api/v1/organizations/" + slug + "/invitations", token: token,
		body: map[string]string{"email": email}}).want(201).json(&inv)
	if inv.Token == "" || inv.AcceptPath != "/invitations/"+inv.Token {
		e.t.Fatalf("invitation = %+v", inv)
	}
	return inv.Token
}

// vetted returns the token of a member of a verified organisation.
func (e *env) vetted(email string) string {
	e.t.Helper()
	_, owner := e.user("owner-"+email, auth.RoleParticipant)
	o := e.apply(owner, "Org of "+email)
	e.review(o.Slug, "verify")
	_, tok := e.user(email, auth.RoleParticipant)
	e.do(req{method: "POST", path: "/api/v1/organizations/invitations/" + e.invite(owner, o.Slug, email) + "/accept", token: tok}).want(200)
	return tok
}

func auditActions(t *testing.T, e *env) []string {
	t.Helper()
	_, admin := e.user("auditor@example.org", auth.RoleAdmin)
	var list api.List[api.AuditEntryResponse]
	e.do(req{method: "GET", path: "/api/v1/audit?limit=100", token: admin}).want(200).json(&list)
	var out []string
	for _, a := range list.Items {
		out = append(out, a.Action)
	}
	return out
}

func TestOrganizationApplication(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, ada := e.user("ada@example.org", auth.RoleParticipant)
		p := e.do(req{method: "POST", path: "/api/v1/organizations", token: ada, body: map[string]string{"kind": "club", "website": "ftp://x"}}).problem(422)
		if got := fields(p); !slices.Equal(got, []string{"name", "kind", "website", "description"}) {
			t.Errorf("invalid application fields = %v", got)
		}
		e.do(req{method: "POST", path: "/api/v1/organizations", body: map[string]string{"name": "X"}}).want(401)
		o := e.apply(ada, "Réseau Veille")
		if o.Slug != "reseau-veille" || o.Status != store.OrgPending || o.Verified || o.Role != "owner" {
			t.Fatalf("applied = %+v", o)
		}
		e.do(req{method: "POST", path: "/api/v1/organizations", token: ada, body: map[string]string{
			"name": "RÉSEAU VEILLE", "kind": "ngo", "website": "https://a.example.org", "description": "again"}}).problem(409)

		// Pending: seen by its members and administrators only.
		_, bob := e.user("bob@example.org", auth.RoleParticipant)
		e.do(req{method: "GET", path: "/api/v1/organizations/reseau-veille"}).problem(404)
		e.do(req{method: "GET", path: "/api/v1/organizations/reseau-veille", token: bob}).problem(404)
		e.do(req{method: "GET", path: "/api/v1/organizations/reseau-veille", token: ada}).want(200)
		var list api.List[api.OrganizationResponse]
		e.do(req{method: "GET", path: "/api/v1/organizations"}).want(200).json(&list)
		if list.Total != 0 {
			t.Errorf("anonymous list of pending organisations = %+v", list)
		}
		_, admin := e.user("admin@example.org", auth.RoleAdmin)
		e.do(req{method: "GET", path: "/api/v1/organizations?status=secret"}).problem(400)
		e.do(req{method: "GET", path: "/api/v1/organizations?mine=true"}).problem(401)
		e.do(req{method: "GET", path: "/api/v1/organizations?status=pending", token: admin}).want(200).json(&list)
		if list.Total != 1 || list.Items[0].Slug != "reseau-veille" {
			t.Errorf("admin queue = %+v", list)
		}

		// Only administrators decide, with a known decision, once.
		e.do(req{method: "POST", path: "/api/v1/organizations/reseau-veille/review", token: ada, body: map[string]string{"decision": "verify"}}).problem(403)
		p = e.do(req{method: "POST", path: "/api/v1/organizations/reseau-veille/review", token: admin, body: map[string]string{"decision": "maybe"}}).problem(422)
		if got := fields(p); !slices.Equal(got, []string{"decision"}) {
			t.Errorf("bad decision fields = %v", got)
		}
		var got api.OrganizationResponse
		e.do(req{method: "POST", path: "/api/v1/organizations/reseau-veille/review", token: admin, body: map[string]string{"decision": "verify", "note": "ok"}}).want(200).json(&got)
		if !got.Verified || got.Status != store.OrgVerified {
			t.Errorf("verified = %+v", got)
		}
		e.do(req{method: "POST", path: "/api/v1/organizations/reseau-veille/review", token: admin, body: map[string]string{"decision": "verify"}}).problem(409)
		e.do(req{method: "GET", path: "/api/v1/organizations/reseau-veille"}).want(200).json(&got)
		if got.Members != nil || got.Name != "Réseau Veille" {
			t.Errorf("public view shows members: %+v", got)
		}

		// A refused organisation disappears from the public again.
		e.apply(bob, "Faux Collectif")
		e.do(req{method: "POST", path: "/api/v1/organizations/faux-collectif/review", token: admin, body: map[string]string{"decision": "refuse", "note": "unknown"}}).want(200)
		e.do(req{method: "GET", path: "/api/v1/organizations/faux-collectif"}).problem(404)
		e.do(req{method: "GET", path: "/api/v1/organizations/faux-collectif", token: bob}).want(200).json(&got)
		if got.Status != store.OrgRefused || got.ReviewNote != "unknown" {
			t.Errorf("refused = %+v", got)
		}
		actions := auditActions(t, e)
		for _, a := range []string{"organization.apply", "organization.verify", "organization.refuse"} {
			if !slices.Contains(actions, a) {
				t.Errorf("audit lacks %s: %v", a, actions)
			}
		}
	})
}

func TestOrganizationInvitations(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		adaU, ada := e.user("ada@example.org", auth.RoleParticipant)
		bobU, bob := e.user("bob@example.org", auth.RoleParticipant)
		_, eve := e.user("eve@example.org", auth.RoleParticipant)
		o := e.apply(ada, "Réseau Veille")

		e.do(req{method: "POST", path: "/api/v1/organizations/reseau-veille/invitations", token: eve, body: map[string]string{"email": "eve@example.org"}}).problem(404)
		p := e.do(req{method: "POST", path: "/api/v1/organizations/reseau-veille/invitations", token: ada, body: map[string]any{}}).problem(422)
		if got := fields(p); !slices.Equal(got, []string{"email"}) {
			t.Errorf("empty invitation fields = %v", got)
		}
		p = e.do(req{method: "POST", path: "/api/v1/organizations/reseau-veille/invitations", token: ada, body: map[string]any{"user_id": 9999}}).problem(422)
		if got := fields(p); !slices.Equal(got, []string{"user_id"}) {
			t.Errorf("unknown account fields = %v", got)
		}
		token := e.invite(ada, o.Slug, "Bob@Example.org")
		accept := "/api/v1/organizations/invitations/" + token + "/accept"
		e.do(req{method: "POST", path: accept}).problem(401)
		e.do(req{method: "POST", path: accept, token: eve}).problem(403)
		var got api.OrganizationResponse
		e.do(req{method: "POST", path: accept, token: bob}).want(200).json(&got)
		if got.Role != "member" || len(got.Members) != 2 {
			t.Errorf("joined = %+v", got)
		}
		e.do(req{method: "POST", path: accept, token: bob}).problem(409)
		e.do(req{method: "POST", path: "/api/v1/organizations/invitations/nope/accept", token: bob}).problem(404)

		// A member invites nobody and removes nobody else; they may leave.
		e.do(req{method: "POST", path: "/api/v1/organizations/reseau-veille/invitations", token: bob, body: map[string]string{"email": "eve@example.org"}}).problem(403)
		e.do(req{method: "DELETE", path: "/api/v1/organizations/reseau-veille/members/" + itoa(adaU.ID), token: bob}).problem(403)
		e.do(req{method: "DELETE", path: "/api/v1/organizations/reseau-veille/members/" + itoa(bobU.ID), token: bob}).want(204)
		e.do(req{method: "DELETE", path: "/api/v1/organizations/reseau-veille/members/" + itoa(adaU.ID), token: ada}).problem(409)

		// An invitation by account id, removed by the owner.
		var inv api.InvitationResponse
		e.do(req{method: "POST", path: "/api/v1/organizations/reseau-veille/invitations", token: ada, body: map[string]any{"user_id": bobU.ID}}).want(201).json(&inv)
		e.do(req{method: "POST", path: "/api/v1/organizations/invitations/" + inv.Token + "/accept", token: eve}).problem(403)
		e.do(req{method: "POST", path: "/api/v1/organizations/invitations/" + inv.Token + "/accept", token: bob}).want(200)
		e.do(req{method: "DELETE", path: "/api/v1/organizations/reseau-veille/members/" + itoa(bobU.ID), token: ada}).want(204)
		e.do(req{method: "DELETE", path: "/api/v1/organizations/reseau-veille/members/" + itoa(bobU.ID), token: ada}).problem(404)

		actions := auditActions(t, e)
		for _, a := range []string{"organization.invite", "organization.join", "organization.leave", "organization.remove_member"} {
			if !slices.Contains(actions, a) {
				t.Errorf("audit lacks %s: %v", a, actions)
			}
		}
	})
}

// vettedManifest is manifest with access: vetted and a description.
func vettedManifest(slug, version string) string {
	return strings.Replace(manifest(slug, version), `"runtime":`,
		`"access":"vetted","description":"Lists zanzibarique recruitment phrases","homepage":"https://secret.example.org","runtime":`, 1)
}

// accessRoutes are the read routes of a plugin with the status each
// answers a reader.
var accessRoutes = []struct{ method, path string }{
	{"GET", "/api/v1/plugins/alerte"},
	{"GET", "/api/v1/plugins/alerte/versions"},
	{"GET", "/api/v1/plugins/alerte/versions/1.1.0"},
	{"GET", "/api/v1/plugins/alerte/openapi.json"},
	{"POST", "/api/v1/plugins/alerte/invoke"},
}

func TestVettedAccessOnEveryRoute(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		assigned := ed.assign(t)["alerte"]
		e.do(req{method: "POST", path: "/api/v1/plugins/alerte/versions", token: ed.owner, body: vettedManifest("alerte", "1.1.0")}).want(201)
		_, collab := e.user("collab@example.org", auth.RoleParticipant)
		e.do(req{method: "POST", path: "/api/v1/plugins/alerte/collaborators", token: ed.owner, body: map[string]string{"email": "collab@example.org"}}).want(201)

		// The owner places it under their organisation, whose member reads it.
		e.apply(ed.owner, "Collectif Alerte")
		e.do(req{method: "PUT", path: "/api/v1/plugins/alerte/organization", token: ed.stranger, body: map[string]string{"organization": "collectif-alerte"}}).problem(403)
		var moved api.PluginResponse
		e.do(req{method: "PUT", path: "/api/v1/plugins/alerte/organization", token: ed.owner, body: map[string]string{"organization": "collectif-alerte"}}).want(200).json(&moved)
		if moved.Publisher == nil || moved.Publisher.Slug != "collectif-alerte" || moved.Publisher.Verified || !moved.Restricted {
			t.Fatalf("moved = %+v", moved)
		}
		_, member := e.user("member@example.org", auth.RoleParticipant)
		e.do(req{method: "POST", path: "/api/v1/organizations/invitations/" + e.invite(ed.owner, "collectif-alerte", "member@example.org") + "/accept", token: member}).want(200)

		readers := map[string]string{"owner": ed.owner, "collaborator": collab, "vetted": e.vetted("vetted@example.org"),
			"assigned judge": ed.judges[assigned[0]], "organisation member": member, "organizer": ed.org}
		strangers := map[string]string{"anonymous": "", "plain user": ed.stranger, "unassigned judge": ed.judges["j4"]}
		for who, tok := range readers {
			for _, r := range accessRoutes {
				if got := e.do(req{method: r.method, path: r.path, token: tok, body: map[string]any{"input": map[string]any{}}}).Code; got == 404 {
					t.Errorf("%s: %s %s = 404, want access", who, r.method, r.path)
				}
			}
		}
		for who, tok := range strangers {
			for _, r := range accessRoutes {
				e.do(req{method: r.method, path: r.path, token: tok, body: map[string]any{"input": map[string]any{}}}).problem(404)
			}
			if tok != "" {
				e.do(req{method: "GET", path: "/api/v1/plugins/alerte/collaborators", token: tok}).problem(404)
			}
			var list api.List[api.PluginResponse]
			e.do(req{method: "GET", path: "/api/v1/plugins?limit=100", token: tok}).want(200).json(&list)
			for _, p := range list.Items {
				if p.Slug == "alerte" && (len(p.Manifest) != 0 || !p.Restricted) {
					t.Errorf("%s: listed restricted plugin with its manifest: %+v", who, p)
				}
			}
		}
		e.do(req{method: "GET", path: "/api/v1/plugins/alerte/collaborators", token: collab}).want(200)
		var mine api.List[api.PluginResponse]
		e.do(req{method: "GET", path: "/api/v1/plugins?owner=me", token: member}).want(200).json(&mine)
		if mine.Total != 1 || mine.Items[0].Slug != "alerte" {
			t.Errorf("an organisation member's own plugins = %+v", mine)
		}
		// The organisation's members publish versions as collaborators do; strangers do not.
		e.do(req{method: "POST", path: "/api/v1/plugins/alerte/versions", token: member, body: vettedManifest("alerte", "1.2.0")}).want(201)
		e.do(req{method: "POST", path: "/api/v1/plugins/alerte/versions", token: ed.stranger, body: vettedManifest("alerte", "1.3.0")}).problem(403)
		// Compared with a plugin that does not exist, nothing differs.
		missing := e.do(req{method: "GET", path: "/api/v1/plugins/nothing-here", token: ed.stranger}).problem(404)
		hidden := e.do(req{method: "GET", path: "/api/v1/plugins/alerte", token: ed.stranger}).problem(404)
		if missing.Title != hidden.Title {
			t.Errorf("a restricted plugin answers %+v, a missing one %+v", hidden, missing)
		}
	})
}

func TestRestrictedPluginInSearch(t *testing.T) {
	for _, meili := range []bool{false, true} {
		name := map[bool]string{false: "embedded", true: "meilisearch"}[meili]
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, func(o *options) { o.Meilisearch = meili })
			_, owner := e.user("owner@example.org", auth.RoleParticipant)
			e.do(req{method: "POST", path: "/api/v1/plugins", token: owner, body: vettedManifest("alerte", "1.0.0")}).want(201)
			e.do(req{method: "POST", path: "/api/v1/plugins/alerte/publish", token: owner}).want(200)
			e.do(req{method: "POST", path: "/api/v1/plugins", token: owner, body: strings.Replace(manifest("ouvert", "1.0.0"), `"runtime":`,
				`"description":"Open zanzibarique notes","runtime":`, 1)}).want(201)
			e.do(req{method: "POST", path: "/api/v1/plugins/ouvert/publish", token: owner}).want(200)
			o := e.apply(owner, "Collectif Alerte")
			e.do(req{method: "PUT", path: "/api/v1/plugins/alerte/organization", token: owner, body: map[string]string{"organization": o.Slug}}).want(200)
			e.review(o.Slug, "verify")
			e.Index()

			var res api.SearchResponse
			e.do(req{method: "GET", path: "/api/v1/search?q=zanzibarique"}).want(200).json(&res)
			if len(res.Hits) != 1 || res.Hits[0].Slug != "ouvert" {
				t.Errorf("description search = %+v, want only the public plugin", res.Hits)
			}
			e.do(req{method: "GET", path: "/api/v1/search?q=Tool+alerte"}).want(200).json(&res)
			if len(res.Hits) == 0 || res.Hits[0].Slug != "alerte" {
				t.Fatalf("name search = %+v", res.Hits)
			}
			h := res.Hits[0]
			if !h.Restricted || h.Summary != "Summary of alerte" || h.Publisher == nil || !h.Publisher.Verified || h.Publisher.Slug != o.Slug {
				t.Errorf("restricted hit = %+v", h)
			}
			if strings.Contains(h.Highlight.Summary+h.Highlight.Name, "zanzibarique") {
				t.Errorf("highlight shows the description: %+v", h.Highlight)
			}
			srcs, err := e.store.SearchSources(t.Context(), []string{"alerte", "ouvert"})
			if err != nil || len(srcs) != 2 || srcs[0].Trust != 1 || srcs[1].Trust != 0 {
				t.Errorf("trust of a verified publisher's plugin and another = %+v, %v", srcs, err)
			}
		})
	}
}

// While the search engine is unreachable, the database's answer marks a
// restricted plugin and its publisher too.
func TestRestrictedPluginInDatabaseSearch(t *testing.T) {
	e := newEnv(t, withEngine(noEngine()))
	_, owner := e.user("owner@example.org", auth.RoleParticipant)
	e.do(req{method: "POST", path: "/api/v1/plugins", token: owner, body: vettedManifest("alerte", "1.0.0")}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/alerte/publish", token: owner}).want(200)
	o := e.apply(owner, "Collectif Alerte")
	e.do(req{method: "PUT", path: "/api/v1/plugins/alerte/organization", token: owner, body: map[string]string{"organization": o.Slug}}).want(200)
	var res api.SearchResponse
	e.do(req{method: "GET", path: "/api/v1/search?q=alerte"}).want(200).json(&res)
	if res.Engine != "database" || len(res.Hits) != 1 || !res.Hits[0].Restricted || res.Hits[0].Publisher == nil || res.Hits[0].Publisher.Verified {
		t.Errorf("database search = %+v", res)
	}
	e.do(req{method: "GET", path: "/api/v1/search?q=zanzibarique"}).want(200).json(&res)
	if len(res.Hits) != 0 {
		t.Errorf("database search matched the description: %+v", res.Hits)
	}
}

func TestManifestAccessIsValidated(t *testing.T) {
	e := newEnv(t)
	bad := strings.Replace(manifest("alerte", "1.0.0"), `"runtime":`, `"access":"secret","runtime":`, 1)
	p := e.do(req{method: "POST", path: "/api/v1/manifests/validate", body: bad}).problem(422)
	if got := fields(p); !slices.Equal(got, []string{"access"}) {
		t.Errorf("fields = %v", got)
	}
	e.do(req{method: "POST", path: "/api/v1/manifests/validate", body: vettedManifest("alerte", "1.0.0")}).want(200)
}

// A judge who belongs to the organisation an entry belongs to is
// conflicted with it, as its collaborators are.
func TestOrganizationMembersAreConflicted(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		e.apply(ed.owner, "Collectif Alerte")
		e.do(req{method: "PUT", path: "/api/v1/plugins/alerte/organization", token: ed.owner, body: map[string]string{"organization": "collectif-alerte"}}).want(200)
		e.do(req{method: "POST", path: "/api/v1/organizations/invitations/" + e.invite(ed.owner, "collectif-alerte", "j1@example.org") + "/accept", token: ed.judges["j1"]}).want(200)
		h, err := e.store.HackathonBySlug(t.Context(), "paris-2026")
		if err != nil {
			t.Fatal(err)
		}
		list, err := e.store.Conflicts(t.Context(), h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(list, func(c store.Conflict) bool {
			return c.JudgeID == ed.ids["j1"] && c.Slug == "alerte" && c.Kind == store.ConflictCollaborator
		}) {
			t.Errorf("conflicts = %+v, want j1 with alerte", list)
		}
		if got := ed.assign(t)["alerte"]; slices.Contains(got, "j1") {
			t.Errorf("a member of the entry's organisation judges it: %v", got)
		}
	})
}

// An account whose address is not verified yet neither applies nor takes
// up an invitation sent to that address, which it may not own.
func TestUnverifiedAccountsCannotJoinOrganizations(t *testing.T) {
	srv := mailtest.Start(t)
	e := newEnv(t, withSMTP(t, srv))
	e.do(req{method: "POST", path: "/api/v1/auth/register",
		body: map[string]string{"email": "new@example.org", "password": "correct horse battery", "name": "Ada", "language": "en"}}).want(202)
	tok := e.login("new@example.org", "correct horse battery").AccessToken
	_, owner := e.user("owner@example.org", auth.RoleParticipant)
	o := e.apply(owner, "Réseau Veille")
	invitation := e.invite(owner, o.Slug, "new@example.org")
	for _, r := range []req{
		{method: "POST", path: "/api/v1/organizations", body: map[string]string{"name": "Mine", "kind": "ngo", "website": "https://m.example.org", "description": "x"}},
		{method: "POST", path: "/api/v1/organizations/invitations/" + invitation + "/accept"},
	} {
		r.token = tok
		if p := e.do(r).problem(403); !strings.Contains(p.Detail, "verify your e-mail address") {
			t.Errorf("%s %s: detail %q", r.method, r.path, p.Detail)
		}
	}
}

// An invitation to an organisation is sent by e-mail, with its link, to
// the address invited (in the language of the account that has it, else
// the inviter's) or to the account invited; an organisation holds at most
// registry.MaxPendingInvitations pending ones.
func TestOrganizationInvitationsAreSentByEMail(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		_, ada := e.user("ada@example.org", auth.RoleParticipant)
		bobU, bob := e.user("bob@example.org", auth.RoleParticipant)
		e.do(req{method: "PUT", path: "/api/v1/me/language", token: bob, body: map[string]string{"language": "en"}}).want(200)
		o := e.apply(ada, "Réseau Veille")

		token := e.invite(ada, o.Slug, "Bob@Example.org")
		var byID api.InvitationResponse
		e.do(req{method: "POST", path: "/api/v1/organizations/" + o.Slug + "/invitations", token: ada,
			body: map[string]any{"user_id": bobU.ID, "role": "owner"}}).want(201).json(&byID)
		stranger := e.invite(ada, o.Slug, "nobody@example.org")

		got := deliver(t, e, srv, &seen, 3)
		for i, want := range []struct{ to, subject, role, token string }{
			{"bob@example.org", "invites you to the organisation Réseau Veille", "as a member", token},
			{"bob@example.org", "invites you to the organisation Réseau Veille", "as an owner", byID.Token},
			{"nobody@example.org", "vous invite dans l’organisation Réseau Veille", "comme membre", stranger},
		} {
			m, link := got[i], "http://riposte.test/invitations/"+want.token
			if m.To[0] != want.to || !strings.Contains(m.Subject, want.subject) || !strings.Contains(m.Text, want.role) ||
				strings.Contains(m.Text+m.HTML, "<no value>") {
				t.Errorf("message %d: to %v, subject %q, text:\n%s", i, m.To, m.Subject, m.Text)
			}
			if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) || m.Header.Get("List-Unsubscribe") != "" {
				t.Errorf("message %d: the link %s is not in both parts, or it carries List-Unsubscribe:\n%s\n%s", i, link, m.Text, m.HTML)
			}
		}
		e.do(req{method: "POST", path: "/api/v1/organizations/invitations/" + token + "/accept", token: bob}).want(200)

		for n := 2; n < registry.MaxPendingInvitations; n++ {
			e.invite(ada, o.Slug, "guest"+strconv.Itoa(n)+"@example.org")
		}
		p := e.do(req{method: "POST", path: "/api/v1/organizations/" + o.Slug + "/invitations", token: ada,
			body: map[string]string{"email": "one-too-many@example.org"}}).problem(409)
		if !strings.Contains(p.Detail, "pending invitations") {
			t.Errorf("past the cap: %q", p.Detail)
		}
	}, withSMTP(t, srv))
}
