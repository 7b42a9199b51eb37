package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/store"
)

// teamEntry forms ada's team with bob in it and enters ada's plugin
// "veille" for the team; it returns the team.
func (e *env) teamEntry(ada, bob auth.User, edition string) int64 {
	e.t.Helper()
	ctx := context.Background()
	tm, err := e.hk.CreateTeam(ctx, ada, edition, hackathons.TeamInput{Name: "Les Veilleurs"})
	if err != nil {
		e.t.Fatal(err)
	}
	_, token, err := e.hk.InviteToTeam(ctx, ada, edition, tm.ID, "")
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.hk.AcceptTeamInvitation(ctx, bob, token); err != nil {
		e.t.Fatal(err)
	}
	e.published(ada, manifest("veille", "Veille", "Watches hateful networks"))
	if _, _, err := e.hk.Submit(ctx, ada, edition, "veille"); err != nil {
		e.t.Fatal(err)
	}
	return tm.ID
}

func TestTeamMemberPicksChallengesFromThePage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.user("org@example.org", auth.RoleOrganizer)
	ada := e.user("ada@example.org", auth.RoleParticipant)
	bob := e.user("bob@example.org", auth.RoleParticipant)
	e.user("eve@example.org", auth.RoleParticipant)
	ed := e.edition(org, "lyon-2026")
	e.teamEntry(ada, bob, ed.Slug)
	ch, err := e.hk.CreateChallenge(ctx, org, ed.Slug, hackathons.ChallengeInput{Title: "Shelters", BroughtBy: "Abri"})
	if err != nil {
		t.Fatal(err)
	}
	b, eve := e.browser(), e.browser()
	b.signIn("bob@example.org")
	eve.signIn("eve@example.org")

	pick := "/my/plugins/veille/entries/" + ed.Slug + "/challenges"
	b.get("/my/plugins/veille").want(t, http.StatusOK, `href="`+pick+`"`)
	b.get(pick).want(t, http.StatusOK, "Shelters")
	b.post(pick, url.Values{"challenge": {itoa(ch.ID)}}).want(t, http.StatusSeeOther)
	ids, err := e.hk.EntryChallenges(ctx, ed.Slug, mustPluginID(t, e, ed.Slug, "veille"))
	if err != nil || len(ids) != 1 || ids[0] != ch.ID {
		t.Fatalf("picked = %v, %v", ids, err)
	}
	// Someone outside the team gets neither page.
	eve.get("/my/plugins/veille").want(t, http.StatusNotFound)
	eve.post(pick, url.Values{"challenge": {itoa(ch.ID)}}).want(t, http.StatusNotFound)
}

func mustPluginID(t *testing.T, e *env, edition, plugin string) int64 {
	t.Helper()
	subs, err := e.hk.Submissions(context.Background(), auth.User{ID: -1, Role: auth.RoleOrganizer}, edition)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if s.Slug == plugin {
			return s.PluginID
		}
	}
	t.Fatalf("no entry %s", plugin)
	return 0
}

func TestCaptainRevokesInvitationsFromThePage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.user("org@example.org", auth.RoleOrganizer)
	ada := e.user("ada@example.org", auth.RoleParticipant)
	e.user("bob@example.org", auth.RoleParticipant)
	ed := e.edition(org, "lyon-2026")
	tm, err := e.hk.CreateTeam(ctx, ada, ed.Slug, hackathons.TeamInput{Name: "Les Veilleurs"})
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := e.hk.InviteToTeam(ctx, ada, ed.Slug, tm.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	pending, err := e.hk.TeamInvitations(ctx, ada, ed.Slug, tm.ID)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending = %v, %v", pending, err)
	}
	a, b := e.browser(), e.browser()
	a.signIn("ada@example.org")
	b.signIn("bob@example.org")
	teams := "/hackathons/" + ed.Slug + "/teams"
	revoke := teams + "/" + itoa(tm.ID) + "/invitations/" + itoa(pending[0].ID) + "/revoke"
	a.get(teams).want(t, http.StatusOK, "Invitations not used yet", `action="`+revoke+`"`)
	b.post(revoke, nil).want(t, http.StatusForbidden)
	p := a.post(revoke, nil)
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != teams+"?done=teaminvitationrevoked" {
		t.Fatalf("revoke: %d %s", p.StatusCode, p.Header.Get("Location"))
	}
	a.get(teams+"?done=teaminvitationrevoked").want(t, http.StatusOK, "The invitation is revoked")
	if body := a.get(teams).body; strings.Contains(body, "Invitations not used yet") {
		t.Error("the revoked invitation is still listed")
	}
	b.get("/teams/invitations/"+token).want(t, http.StatusNotFound)
	a.lang = "fr"
	if _, _, err := e.hk.InviteToTeam(ctx, ada, ed.Slug, tm.ID, ""); err != nil {
		t.Fatal(err)
	}
	a.get(teams).want(t, http.StatusOK, "Invitations pas encore utilisées", "Révoquer")

}

func TestAwardedBadgeNamesThePrize(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.user("org@example.org", auth.RoleOrganizer)
	ada := e.user("ada@example.org", auth.RoleParticipant)
	bob := e.user("bob@example.org", auth.RoleParticipant)
	ed := e.edition(org, "lyon-2026")
	e.teamEntry(ada, bob, ed.Slug)
	ch, err := e.hk.CreateChallenge(ctx, org, ed.Slug, hackathons.ChallengeInput{Title: "Rumeurs", BroughtBy: "Abri",
		Prizes: []store.Prize{{Title: "Prix de l'engagement"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.hk.SetEntryChallenges(ctx, bob, ed.Slug, "veille", []int64{ch.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hk.DecideWithPrize(ctx, org, ed.Slug, "veille", hackathons.Accepted, "", "Bravo",
		&hackathons.PrizePick{ChallengeID: ch.ID, Title: "Prix de l'engagement"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Now().Add(72 * time.Hour))
	if _, err := e.hk.PublishResults(ctx, org, ed.Slug); err != nil {
		t.Fatal(err)
	}
	visitor := e.browser()
	p := visitor.get("/plugins/veille").want(t, http.StatusOK, "Award winner: Prix de l&#39;engagement — Rumeurs (Hackathon lyon-2026)")
	if strings.Contains(p.body, `class="badge badge-awarded">Award winner</span>`) {
		t.Errorf("the badge still says only that it is awarded:\n%s", p.body)
	}
	visitor.lang = "fr"
	visitor.get("/plugins/veille").want(t, http.StatusOK, "Primé : Prix de l&#39;engagement — Rumeurs")
	// The public results name the prize too.
	visitor.get("/hackathons/"+ed.Slug).want(t, http.StatusOK, "Prix de l&#39;engagement — Rumeurs")
}

func TestOrganizersTeamListPage(t *testing.T) {
	e := newEnv(t)
	org := e.user("org@example.org", auth.RoleOrganizer)
	ada := e.user("ada@example.org", auth.RoleParticipant)
	bob := e.user("bob@example.org", auth.RoleParticipant)
	ed := e.edition(org, "lyon-2026")
	e.teamEntry(ada, bob, ed.Slug)
	o, a := e.browser(), e.browser()
	o.signIn("org@example.org")
	a.signIn("ada@example.org")
	page := "/organize/" + ed.Slug + "/teams"
	o.get("/organize/"+ed.Slug).want(t, http.StatusOK, `href="`+page+`"`)
	o.get(page).want(t, http.StatusOK, "Les Veilleurs", "ada@example.org", "bob@example.org", "(captain)", `href="/plugins/veille"`, "Awaiting decision")
	a.get(page).want(t, http.StatusForbidden)
	o.lang = "fr"
	o.get(page).want(t, http.StatusOK, "Équipes", "Membres", "En attente de décision")
}

func TestAssignmentPageShowsPoolsAndTheirBalance(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.user("org@example.org", auth.RoleOrganizer)
	ada := e.user("ada@example.org", auth.RoleParticipant)
	bob := e.user("bob@example.org", auth.RoleParticipant)
	j1 := e.user("j1@example.org", auth.RoleJudge)
	j2 := e.user("j2@example.org", auth.RoleJudge)
	ed := e.edition(org, "lyon-2026")
	e.teamEntry(ada, bob, ed.Slug)
	ch, err := e.hk.CreateChallenge(ctx, org, ed.Slug, hackathons.ChallengeInput{Title: "Rumeurs", BroughtBy: "Abri"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.hk.CreateChallenge(ctx, org, ed.Slug, hackathons.ChallengeInput{Title: "Crues", BroughtBy: "Abri"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hk.SetEntryChallenges(ctx, ada, ed.Slug, "veille", []int64{ch.ID}); err != nil {
		t.Fatal(err)
	}
	for _, j := range []auth.User{j1, j2} {
		if _, err := e.hk.AddJudge(ctx, org, ed.Slug, j.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.hk.AddPoolJudge(ctx, org, ed.Slug, ch.ID, j.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.hk.Assign(ctx, org, ed.Slug, 1); err != nil {
		t.Fatal(err)
	}
	o := e.browser()
	o.signIn("org@example.org")
	p := o.get("/organize/"+ed.Slug).want(t, http.StatusOK, "Pools of judges per challenge", "Rumeurs", "1 entries", "loads from 0 to 1",
		`href="/organize/`+ed.Slug+`/challenges#ch-`+itoa(ch.ID)+`"`, "Crues", "No judge in this pool")
	if c := strings.Count(p.body, "1 entries assigned") + strings.Count(p.body, "0 entries assigned"); c != 2 {
		t.Errorf("loads shown for %d judges, want 2:\n%s", c, p.body)
	}
	o.lang = "fr"
	o.get("/organize/"+ed.Slug).want(t, http.StatusOK, "Jurys par défi", "charges de 0 à 1", "Modifier le jury")
}
