package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
)

func TestChallengePages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.user("org@example.org", auth.RoleOrganizer)
	judge := e.user("judge@example.org", auth.RoleJudge)
	ngoOwner := e.user("ngo@example.org", auth.RoleParticipant)
	team := e.user("team@example.org", auth.RoleParticipant)
	ngo := e.verifiedOrg(ngoOwner, "Abri Solidaire")
	ed := e.edition(org, "paris-2026")
	if _, err := e.hk.AddJudge(ctx, org, ed.Slug, judge.ID); err != nil {
		t.Fatal(err)
	}
	e.published(team, manifest("abris", "Abris", "Shelters near an incident"))
	if _, _, err := e.hk.Submit(ctx, team, ed.Slug, "abris"); err != nil {
		t.Fatal(err)
	}
	orgB, ngoB, teamB, visitor := e.browser(), e.browser(), e.browser(), e.browser()
	orgB.signIn("org@example.org")
	ngoB.signIn("ngo@example.org")
	teamB.signIn("team@example.org")

	// Organizers create challenges; problems are shown at their fields.
	admin := "/organize/" + ed.Slug + "/challenges"
	orgB.post(admin, url.Values{"title": {""}, "links": {"Data | http://insecure.example.org"}}).want(t, http.StatusUnprocessableEntity,
		`id="title-error"`, `id="links-error"`, "https")
	p := orgB.post(admin, url.Values{"title": {"Shelters"}, "organization": {ngo.Slug},
		"links": {"Open data | https://data.example.org/abris"}, "prizes": {"Coup de cœur | Three months of hosting"}})
	if p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), admin) {
		t.Fatalf("create: %d %s", p.StatusCode, p.Header.Get("Location"))
	}
	views, err := e.hk.Challenges(ctx, org, ed.Slug)
	if err != nil || len(views) != 1 {
		t.Fatalf("challenges = %+v, %v", views, err)
	}
	id := itoa(views[0].ID)
	orgB.post(admin+"/"+id+"/judges", url.Values{"user_id": {itoa(judge.ID)}}).want(t, http.StatusSeeOther)
	orgB.get(admin).want(t, http.StatusOK, "Shelters", "Abri Solidaire", "Coup de cœur", judge.Name)

	// The edition page lists it with who brings it and its prizes, in French too.
	visitor.get("/hackathons/"+ed.Slug).want(t, http.StatusOK, "Shelters", "Brought by", "Abri Solidaire", "Coup de cœur")
	visitor.lang = "fr"
	visitor.get("/hackathons/"+ed.Slug).want(t, http.StatusOK, "Défis", "Proposé par")

	// A member of a verified organisation proposes; organizers approve.
	ngoB.get("/hackathons/"+ed.Slug).want(t, http.StatusOK, `href="/hackathons/`+ed.Slug+`/challenges/propose"`)
	teamB.get("/hackathons/"+ed.Slug+"/challenges/propose").want(t, http.StatusOK, `href="/organizations/new"`)
	ngoB.post("/hackathons/"+ed.Slug+"/challenges/propose", url.Values{"organization": {ngo.Slug}, "title": {""}}).want(t, http.StatusUnprocessableEntity, `id="title-error"`)
	ngoB.post("/hackathons/"+ed.Slug+"/challenges/propose", url.Values{"organization": {ngo.Slug}, "title": {"Heatwaves"}}).want(t, http.StatusSeeOther)
	if body := visitor.get("/hackathons/" + ed.Slug).body; strings.Contains(body, "Heatwaves") {
		t.Error("a proposal is public before its approval")
	}
	ngoB.get("/hackathons/"+ed.Slug).want(t, http.StatusOK, "Heatwaves", "Proposed")
	proposals, _ := e.hk.Challenges(ctx, org, ed.Slug)
	orgB.post(admin+"/"+itoa(proposals[1].ID)+"/review", url.Values{"decision": {"approve"}}).want(t, http.StatusSeeOther)
	visitor.lang = "en"
	visitor.get("/hackathons/"+ed.Slug).want(t, http.StatusOK, "Heatwaves")

	// The team picks the challenge; the organisation sees the entry and leaves feedback.
	teamB.post("/my/plugins/abris/entries/"+ed.Slug+"/challenges", url.Values{"challenge": {id}}).want(t, http.StatusSeeOther)
	page := "/hackathons/" + ed.Slug + "/challenges/" + id
	ngoB.get(page).want(t, http.StatusOK, "Abris", "version 1.0.0", `name="message"`)
	if body := visitor.get(page).want(t, http.StatusOK, "Shelters").body; strings.Contains(body, `name="message"`) {
		t.Error("a visitor is offered the feedback form")
	}
	ngoB.post(page+"/entries/abris/feedback", url.Values{"message": {" "}}).want(t, http.StatusUnprocessableEntity, `aria-invalid="true"`)
	ngoB.post(page+"/entries/abris/feedback", url.Values{"message": {"Could it work offline?"}}).want(t, http.StatusSeeOther)
	fb, err := e.hk.EntryFeedback(ctx, team, ed.Slug, "abris")
	if err != nil || len(fb) != 1 || fb[0].Message != "Could it work offline?" {
		t.Fatalf("feedback = %+v, %v", fb, err)
	}

	teamB.get("/my/plugins/abris/entries/"+ed.Slug+"/challenges").want(t, http.StatusOK, "Could it work offline?", `checked`)

	// Organizers award a prize of the entry's challenge: it becomes the award.
	orgB.get("/organize/"+ed.Slug+"/results").want(t, http.StatusOK, `name="prize"`, "Coup de cœur — Shelters")
	orgB.post("/organize/"+ed.Slug+"/decisions/abris", url.Values{"status": {"accepted"}, "prize": {id + "|Grand prix"}}).want(t, http.StatusUnprocessableEntity)
	orgB.post("/organize/"+ed.Slug+"/decisions/abris", url.Values{"status": {"accepted"}, "prize": {id + "|Coup de cœur"}}).want(t, http.StatusSeeOther)
	if sub, _ := e.store.SubmissionOf(ctx, ed.ID, "abris"); sub.Award != "Coup de cœur — Shelters" {
		t.Errorf("award = %q", sub.Award)
	}

	// The organisation's page follows the entry with its version.
	visitor.get("/organizations/"+ngo.Slug).want(t, http.StatusOK, "abris", "1.0.0", "Shelters")

	// A challenge with entries cannot be deleted: the page says why.
	orgB.post(admin+"/"+id+"/delete", url.Values{}).want(t, http.StatusConflict, "can no longer be deleted")
	if c, _ := e.store.Challenge(ctx, ed.ID, views[0].ID); c.Status != store.ChallengeApproved {
		t.Errorf("challenge after a refused delete = %+v", c)
	}
}
