package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
)

var teamInvitationLink = regexp.MustCompile(`href="(https?://[^"]+/teams/invitations/[^"]+)"`)

func TestTeamPages(t *testing.T) {
	e := newEnv(t)
	org := e.user("org@example.org", auth.RoleOrganizer)
	ada := e.user("ada@example.org", auth.RoleParticipant)
	e.user("bob@example.org", auth.RoleParticipant)
	ed := e.edition(org, "lyon-2026")
	e.published(ada, manifest("veille", "Veille", "Watches hateful networks"))
	a, b, visitor := e.browser(), e.browser(), e.browser()
	a.signIn("ada@example.org")
	b.signIn("bob@example.org")
	teams := "/hackathons/" + ed.Slug + "/teams"

	visitor.get(teams).want(t, http.StatusOK, "Sign in to form or join a team", "No team yet.")
	a.post(teams, url.Values{"name": {""}, "needs": {strings.Repeat("n", 501)}}).want(t, http.StatusUnprocessableEntity,
		`id="name-error"`, `id="needs-error"`)
	p := a.post(teams, url.Values{"name": {"Les Veilleurs"}, "needs": {"A designer"}, "open": {"on"}})
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != teams+"?done=teamcreated" {
		t.Fatalf("create: %d %s", p.StatusCode, p.Header.Get("Location"))
	}
	p = a.get(teams).want(t, http.StatusOK, "Your team:", "Les Veilleurs", "(captain)", `for="invite-email"`)
	m := regexp.MustCompile(`action="(/hackathons/lyon-2026/teams/\d+)/invitations"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no invitation form:\n%s", p.body)
	}
	teamPath := m[1]

	// The invitation link is shown once; bob opens it and joins.
	p = a.post(teamPath+"/invitations", url.Values{}).want(t, http.StatusOK, "Share this link", "shown only now")
	link := teamInvitationLink.FindStringSubmatch(p.body)
	if link == nil {
		t.Fatalf("no invitation link:\n%s", p.body)
	}
	u, _ := url.Parse(link[1])
	b.get(u.Path).want(t, http.StatusOK, "Les Veilleurs", "Join the team")
	p = b.post(u.Path, nil)
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != teams+"?done=teamjoined" {
		t.Fatalf("accept: %d %s", p.StatusCode, p.Header.Get("Location"))
	}
	b.post(u.Path, nil).want(t, http.StatusConflict, "already used")
	b.get(teams).want(t, http.StatusOK, "Leave the team", "ada")
	a.post(teamPath+"/members/"+itoa(ada.ID)+"/remove", nil).want(t, http.StatusConflict, "Hand the captaincy to another member")

	// The looking-for-a-team page lists the open team and the profiles
	// published, nothing else.
	looking := "/hackathons/" + ed.Slug + "/looking"
	p = b.post("/hackathons/"+ed.Slug+"/profiles/me", url.Values{"skills": {"Go, design"}, "languages": {"fr"}, "wants": {"A map"}, "visible": {"on"}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile: %d", p.StatusCode)
	}
	visitor.get(looking+"?skill=design").want(t, http.StatusOK, "Les Veilleurs", "A designer", "bob", "Go, design")
	if p := visitor.get(looking + "?skill=rust"); strings.Contains(p.body, "bob") || strings.Contains(p.body, "@example.org") {
		t.Errorf("filtered page shows bob:\n%s", p.body)
	}
	visitor.lang = "fr"
	visitor.get(looking).want(t, http.StatusOK, "Trouver une équipe", "Équipes qui cherchent des membres")

	// The entry shows its team on the edition's page.
	if _, _, err := e.hk.Submit(context.Background(), ada, ed.Slug, "veille"); err != nil {
		t.Fatal(err)
	}
	a.get("/hackathons/"+ed.Slug).want(t, http.StatusOK, "Team Les Veilleurs")
}

// teamInvitation forms a team of captain's in an edition and returns the
// token of an invitation to it.
func (e *env) teamInvitation(captain auth.User, edition string) string {
	e.t.Helper()
	ctx := context.Background()
	tm, err := e.hk.CreateTeam(ctx, captain, edition, hackathons.TeamInput{Name: "Équipe " + captain.Name})
	if err != nil {
		e.t.Fatal(err)
	}
	_, token, err := e.hk.InviteToTeam(ctx, captain, edition, tm.ID, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return token
}

func TestTeamInvitationFormSendsByEMail(t *testing.T) {
	e := newEnv(t)
	org := e.user("org@example.org", auth.RoleOrganizer)
	e.user("ada@example.org", auth.RoleParticipant)
	e.user("bob@example.org", auth.RoleParticipant)
	e.user("cat@example.org", auth.RoleParticipant)
	ed := e.edition(org, "lyon-2026")
	a, b, c := e.browser(), e.browser(), e.browser()
	a.signIn("ada@example.org")
	b.signIn("bob@example.org")
	c.signIn("cat@example.org")
	teams := "/hackathons/" + ed.Slug + "/teams"
	if p := a.post(teams, url.Values{"name": {"Les Veilleurs"}}); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", p.StatusCode)
	}
	p := a.get(teams).want(t, http.StatusOK, `name="email" type="email"`, "E-mail address to send it to (optional)")
	m := regexp.MustCompile(`action="(/hackathons/lyon-2026/teams/\d+/invitations)"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no invitation form:\n%s", p.body)
	}
	a.post(m[1], url.Values{"email": {"bob at example"}}).want(t, http.StatusUnprocessableEntity,
		`id="invite-email-error"`, `aria-invalid="true"`, `value="bob at example"`)
	p = a.post(m[1], url.Values{"email": {"Bob@example.org"}}).want(t, http.StatusOK, "An invitation was sent to bob@example.org")
	if strings.Contains(p.body, "Share this link") {
		t.Errorf("the notice says both that it was sent and to share the link:\n%s", p.body)
	}
	link := teamInvitationLink.FindStringSubmatch(p.body)
	if link == nil {
		t.Fatalf("no invitation link:\n%s", p.body)
	}
	u, _ := url.Parse(link[1])
	c.post(u.Path, nil).want(t, http.StatusForbidden, "sent to another e-mail address")
	if p := b.post(u.Path, nil); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("bob accepts: %d", p.StatusCode)
	}
	mails, err := e.store.RecentMail(context.Background(), 10)
	// The newest is the captain's news of bob joining; the invitation comes before.
	mails = slices.DeleteFunc(mails, func(m store.QueuedMail) bool { return m.Kind != mail.KindTeamInvitation })
	if err != nil || len(mails) == 0 || mails[0].Recipient != "bob@example.org" || !strings.Contains(mails[0].Text, u.Path) {
		t.Errorf("outbox = %+v, %v", mails, err)
	}
}
