package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/mail/mailtest"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
)

// verifiedOrg has owner apply for an organisation, which an administrator
// verifies, and returns it.
func (e *env) verifiedOrg(owner auth.User, name string) store.Organization {
	e.t.Helper()
	ctx := context.Background()
	o, err := e.reg.Apply(ctx, owner, registry.OrgApplication{Name: name, Kind: "ngo", Website: "https://ngo.example.org", Description: "Watchers"})
	if err != nil {
		e.t.Fatal(err)
	}
	admin := e.user("admin-"+o.Slug+"@example.org", auth.RoleAdmin)
	if o, err = e.reg.Review(ctx, admin, o.Slug, registry.DecisionVerify, ""); err != nil {
		e.t.Fatal(err)
	}
	return o
}

// restrictedTool publishes, under a verified organisation of owner, a
// plugin kept for vetted readers whose description holds a secret word.
func (e *env) restrictedTool(owner auth.User) store.Organization {
	e.t.Helper()
	o := e.verifiedOrg(owner, "Veille Citoyenne")
	e.published(owner, manifest("termes", "Termes de recrutement", "Listes de termes pour la détection",
		"access: vetted", "description: Contains the zanzibarique list.", "homepage: https://hidden.example.org"))
	if _, err := e.reg.Transfer(context.Background(), owner, "termes", o.Slug); err != nil {
		e.t.Fatal(err)
	}
	e.index()
	return o
}

var invitationLink = regexp.MustCompile(`href="(https?://[^"]+/invitations/[^"]+)"`)

func TestOrganizationPages(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", auth.RoleParticipant)
	e.user("bob@example.org", auth.RoleParticipant)
	e.user("root@example.org", auth.RoleAdmin)
	ada, bob, admin, visitor := e.browser(), e.browser(), e.browser(), e.browser()
	ada.signIn("ada@example.org")
	bob.signIn("bob@example.org")
	admin.signIn("root@example.org")

	// Applying: every problem at its field, then the pending page.
	ada.post("/organizations/new", url.Values{"name": {""}, "kind": {"club"}, "website": {"nope"}}).want(t, http.StatusUnprocessableEntity,
		`id="name-error"`, `id="kind-error"`, `id="website-error"`, `id="description-error"`)
	p := ada.post("/organizations/new", url.Values{"name": {"Réseau Veille"}, "kind": {"newsroom"}, "website": {"https://veille.example.org"},
		"description": {"We watch."}})
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/organizations/reseau-veille?done=applied" {
		t.Fatalf("apply: %d %s", p.StatusCode, p.Header.Get("Location"))
	}
	ada.get("/organizations/reseau-veille?done=applied").want(t, http.StatusOK, "Awaiting verification", "Invite a member")
	visitor.get("/organizations/reseau-veille").want(t, http.StatusNotFound)

	// The administrator's queue, and the decision.
	admin.get("/organizations").want(t, http.StatusOK, `action="/organizations/reseau-veille/review"`, "We watch.")
	ada.post("/organizations/reseau-veille/review", url.Values{"decision": {"verify"}}).want(t, http.StatusForbidden)
	p = admin.post("/organizations/reseau-veille/review", url.Values{"decision": {"verify"}, "note": {"checked"}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("review: %d", p.StatusCode)
	}
	visitor.get("/organizations").want(t, http.StatusOK, "Réseau Veille", "Verified publisher")
	visitor.lang = "fr"
	visitor.get("/organizations/reseau-veille").want(t, http.StatusOK, "Éditeur vérifié", "Rédaction")

	// An invitation: its link shown once to the owner, accepted by the invitee.
	p = ada.post("/organizations/reseau-veille/invitations", url.Values{"email": {"bob@example.org"}, "role": {"member"}}).want(t, http.StatusOK,
		"Send them this link") // without SMTP the message is only logged
	m := invitationLink.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no invitation link:\n%s", p.body)
	}
	u, _ := url.Parse(m[1])
	bob.get(u.Path).want(t, http.StatusOK, "Accept the invitation")
	p = bob.post(u.Path, nil)
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/organizations/reseau-veille?done=joined" {
		t.Fatalf("accept: %d %s", p.StatusCode, p.Header.Get("Location"))
	}
	bob.get("/organizations/reseau-veille").want(t, http.StatusOK, "Leave the organisation", "ada")
	bob.post(u.Path, nil).want(t, http.StatusConflict)
}

func TestRestrictedPluginPage(t *testing.T) {
	e := newEnv(t)
	owner := e.user("owner@example.org", auth.RoleParticipant)
	e.user("plain@example.org", auth.RoleParticipant)
	o := e.restrictedTool(owner)
	memberU := e.user("member@example.org", auth.RoleParticipant)
	if _, tok, err := e.reg.Invite(context.Background(), owner, o.Slug, registry.Invitee{Email: "member@example.org"}); err != nil {
		t.Fatal(err)
	} else if _, err := e.reg.Accept(context.Background(), memberU, tok); err != nil {
		t.Fatal(err)
	}
	plain, member := e.browser(), e.browser()
	plain.signIn("plain@example.org")
	member.signIn("member@example.org")
	for who, b := range map[string]*browser{"visitor": e.browser(), "plain": plain} {
		p := b.get("/plugins/termes").want(t, http.StatusOK, "Termes de recrutement", "Listes de termes pour la détection",
			"Restricted access", "Verified publisher", `href="/organizations/veille-citoyenne"`, `href="/organizations"`)
		for _, secret := range []string{"zanzibarique", "hidden.example.org", `id="try"`, "Versions and changes"} {
			if strings.Contains(p.body, secret) {
				t.Errorf("%s sees %q on the restricted page", who, secret)
			}
		}
		b.post("/plugins/termes/try", url.Values{}).want(t, http.StatusNotFound)
	}
	member.get("/plugins/termes").want(t, http.StatusOK, "zanzibarique", "hidden.example.org", "Versions and changes")

	// The catalogue lists it with its marks, and its description finds nothing.
	v := e.browser()
	v.get("/?q=recrutement").want(t, http.StatusOK, `href="/plugins/termes"`, "Restricted access", "Verified publisher")
	if p := v.get("/?q=zanzibarique"); strings.Contains(p.body, `href="/plugins/termes"`) {
		t.Errorf("the description of a restricted plugin is searched:\n%s", p.body)
	}
	// The organisation's page lists its tools.
	v.get("/organizations/veille-citoyenne").want(t, http.StatusOK, "Termes de recrutement", "Restricted access")
}

// With e-mail sent, the owner is told that the invitation went to the
// address, and it did, with the link the page shows.
func TestOrganizationInvitationPageSaysItWasSent(t *testing.T) {
	srv := mailtest.Start(t)
	sender, err := mail.ParseSMTPURL(srv.URL(), "noreply@riposte.test")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(o *platformtest.Options) { o.MailSender = sender })
	e.user("ada@example.org", auth.RoleParticipant)
	ada := e.browser()
	ada.signIn("ada@example.org")
	p := ada.post("/organizations/new", url.Values{"name": {"Réseau Veille"}, "kind": {"newsroom"}, "website": {"https://veille.example.org"},
		"description": {"We watch."}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply: %d", p.StatusCode)
	}
	p = ada.post("/organizations/reseau-veille/invitations", url.Values{"email": {"bob@example.org"}, "role": {"member"}}).want(t, http.StatusOK,
		"An invitation was sent to bob@example.org by e-mail")
	m := invitationLink.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no invitation link:\n%s", p.body)
	}
	if _, err := e.MailRelay.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	link, _ := url.Parse(m[1]) // the page links where it was reached; the message, to the public URL
	got := srv.Wait(1)
	if got[0].To[0] != "bob@example.org" || !strings.Contains(got[0].Text, "http://riposte.test"+link.Path) {
		t.Errorf("invitation message to %v, want the page's link %s:\n%s", got[0].To, link.Path, got[0].Text)
	}
}
