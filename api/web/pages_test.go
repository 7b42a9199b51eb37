package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
)

func TestPluginPageShowsEverythingSafely(t *testing.T) {
	e := newEnv(t)
	owner := e.user("owner@example.org", auth.RoleParticipant)
	e.published(owner, manifest("contre-discours", "مضاد الخطاب", "Answer propaganda with facts",
		"homepage: https://contre.example.org",
		"tags: [reponse, faits]",
		"description: |",
		"  ## How it works",
		"  Paste a post; get **sourced** answers. <script>alert(1)</script>",
		"",
		"  - [guide](https://example.org/guide)",
		"  - [bad](javascript:alert(1))",
		"changes: [{kind: added, description: First release}]"))
	next := strings.Replace(manifest("contre-discours", "مضاد الخطاب", "Answer propaganda with facts"), "version: 1.0.0", "version: 1.1.0", 1) +
		"changes: [{kind: fixed, description: Arabic replies}]\n"
	if _, err := e.reg.AddVersion(context.Background(), owner, "contre-discours", []byte(next)); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	p := b.get("/plugins/contre-discours").want(t, 200,
		`<h1 dir="auto">مضاد الخطاب</h1>`, "Answer propaganda with facts", "version 1.1.0",
		`href="https://example.org/contre-discours"`, "Counter-speech", "French", "Arabic", "MIT",
		"1.1.0", "Arabic replies", "1.0.0", "First release", "Fixed", "Added")
	if strings.Contains(p.body, "<script>alert") || strings.Contains(p.body, "javascript:") {
		t.Fatalf("the description was not rendered safely:\n%s", p.body)
	}
	if strings.Contains(p.body, `id="try"`) {
		t.Fatal("a catalogue entry offers Try it")
	}
	// The displayed metadata is the latest version's: the description went away with 1.1.0.
	b.get("/plugins/nothing").want(t, 404, "Page not found")
	// In French.
	b.lang = "fr-FR,fr;q=0.9"
	b.get("/plugins/contre-discours").want(t, 200, `<html lang="fr">`, "Contre-discours", "arabe", "Versions et modifications")
}

func TestLanguageSwitch(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/").want(t, 200, `<html lang="en">`, `href="/lang/fr?next=%2f"`)
	p := b.get("/lang/fr?next=/hackathons")
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/hackathons" {
		t.Fatalf("switch: %d %s", p.StatusCode, p.Header.Get("Location"))
	}
	b.get("/hackathons").want(t, 200, `<html lang="fr">`, "Aucun hackathon")
	if p := b.get("/lang/en?next=https://evil.example"); p.Header.Get("Location") != "/" {
		t.Fatalf("the switch redirects elsewhere: %s", p.Header.Get("Location"))
	}
}

func TestTryARunnablePlugin(t *testing.T) {
	e := newEnv(t)
	e.builtins()
	b := e.browser()
	p := b.get("/plugins/portes-ouvertes").want(t, 200, `id="try"`, `<select id="try-country" name="country" required`)
	if !strings.Contains(p.body, `<option value="FR" selected>France</option>`) && !strings.Contains(p.body, `<option value="FR">France</option>`) {
		t.Fatalf("no country choice:\n%s", p.body)
	}
	p = b.post("/plugins/portes-ouvertes/try", url.Values{"country": {"FR"}, "language": {"en"}}).
		want(t, 200, `class="output"`, "112", "version 1.")
	// Input the schema refuses is shown next to its field.
	b.post("/plugins/portes-ouvertes/try", url.Values{"country": {"XX"}, "language": {"en"}}).
		want(t, http.StatusUnprocessableEntity, `class="field-error"`)
}

func TestJudgeScoresAndRevises(t *testing.T) {
	e := newEnv(t)
	org := e.user("org@example.org", auth.RoleOrganizer)
	judge := e.user("judge@example.org", auth.RoleJudge)
	team := e.user("team@example.org", auth.RoleParticipant)
	e.edition(org, "paris-2016")
	for _, slug := range []string{"alpha", "beta"} {
		e.published(team, manifest(slug, "Tool "+slug, "Summary of "+slug))
		if _, _, err := e.hk.Submit(context.Background(), team, "paris-2016", slug); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.hk.AddJudge(context.Background(), org, "paris-2016", judge.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hk.Assign(context.Background(), org, "paris-2016", 1); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Now().Add(3 * time.Hour)) // submissions are closed: judging is open
	b := e.browser()
	b.signIn("judge@example.org")
	b.get("/judge").want(t, 200, "0 of 2 scored", `href="/judge/paris-2016/alpha"`)
	b.get("/judge/paris-2016/alpha").want(t, 200, "version 1.0.0 (as submitted)", "Does it help people facing propaganda?",
		`name="score.impact"`, `min="0" max="10"`)
	b.post("/judge/paris-2016/alpha", url.Values{"score.impact": {"11"}, "score.craft": {"x"}}).
		want(t, http.StatusUnprocessableEntity, `id="score-craft-error"`, "Enter a whole number from 0 to 10")
	b.post("/judge/paris-2016/alpha", url.Values{"score.impact": {"11"}, "score.craft": {"5"}}).
		want(t, http.StatusUnprocessableEntity, `id="score-impact-error"`, "Enter a whole number from 0 to 10")
	b.post("/judge/paris-2016/alpha", url.Values{"score.impact": {"8"}, "score.craft": {"5"}, "comment": {"Solid"}}).
		want(t, http.StatusSeeOther)
	b.get("/judge?done=saved").want(t, 200, "1 of 2 scored", "Your scores are saved")
	b.get("/judge/paris-2016/alpha").want(t, 200, `value="8"`, "Solid", "Update my scores")
	// A judge can step aside, with a reason; the entry leaves the queue.
	b.post("/judge/paris-2016/beta/recuse", url.Values{"reason": {""}}).want(t, http.StatusUnprocessableEntity, `id="recuse-error"`)
	b.post("/judge/paris-2016/beta/recuse", url.Values{"reason": {"I mentored this team"}}).want(t, http.StatusSeeOther)
	b.get("/judge?done=recused").want(t, 200, "You stepped aside", "1 of 1 scored")
	b.get("/judge/paris-2016/beta").want(t, http.StatusNotFound)
	// After the deadline the form is closed.
	e.clock.Set(time.Now().Add(72 * time.Hour))
	b.get("/judge/paris-2016/alpha").want(t, 200, "Judging is closed", "<fieldset disabled>")
	b.post("/judge/paris-2016/alpha", url.Values{"score.impact": {"9"}, "score.craft": {"5"}}).
		want(t, http.StatusConflict, "Judging closed on")
	// Someone else's queue is not hers.
	other := e.browser()
	other.signIn("team@example.org")
	other.get("/judge/paris-2016/alpha").want(t, http.StatusNotFound)
}

func TestOrganizerRunsAnEdition(t *testing.T) {
	e := newEnv(t)
	org := e.user("org@example.org", auth.RoleOrganizer)
	judges := []auth.User{e.user("j1@example.org", auth.RoleJudge), e.user("j2@example.org", auth.RoleJudge)}
	e.user("p@example.org", auth.RoleParticipant)
	team := e.user("team@example.org", auth.RoleParticipant)
	e.edition(org, "paris-2016")
	for _, slug := range []string{"alpha", "beta", "gamma"} {
		e.published(team, manifest(slug, "Tool "+slug, "Summary of "+slug))
		if _, _, err := e.hk.Submit(context.Background(), team, "paris-2016", slug); err != nil {
			t.Fatal(err)
		}
	}
	o := e.browser()
	o.signIn("org@example.org")
	o.get("/organize").want(t, 200, `href="/organize/paris-2016"`)
	o.post("/organize/paris-2016/judges", url.Values{"email": {"nobody@example.org"}}).
		want(t, http.StatusUnprocessableEntity, "No account has this e-mail address", `value="nobody@example.org"`)
	o.post("/organize/paris-2016/judges", url.Values{"email": {"p@example.org"}}).
		want(t, http.StatusUnprocessableEntity, "judge role")
	for _, j := range judges {
		o.post("/organize/paris-2016/judges", url.Values{"email": {j.Email}}).want(t, http.StatusSeeOther)
	}
	o.post("/organize/paris-2016/conflicts", url.Values{"judge_id": {itoa(judges[0].ID)}, "plugin": {"alpha"}, "reason": {"Works with the team"}}).
		want(t, http.StatusSeeOther)
	o.post("/organize/paris-2016/assign", url.Values{"judges_per_submission": {"0"}}).
		want(t, http.StatusUnprocessableEntity, "Enter a whole number from 1 to 10")
	p := o.post("/organize/paris-2016/assign", url.Values{"judges_per_submission": {"2"}}).want(t, http.StatusSeeOther)
	o.get(p.Header.Get("Location")).want(t, 200, "Assignment done", "Works with the team", "lacks 1 judge", "Name j2")

	// Submissions close and judges score; after the deadline the organizer decides and publishes.
	e.clock.Set(time.Now().Add(3 * time.Hour))
	for _, j := range judges {
		items, _ := e.hk.Queue(context.Background(), j)
		for _, it := range items {
			if _, err := e.hk.Review(context.Background(), j, "paris-2016", it.PluginSlug, judging.Scores{"impact": 7, "craft": 4}.Raw(), ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	o.post("/organize/paris-2016/publish", url.Values{"confirm": {"yes"}}).want(t, http.StatusConflict, "Judging is open until")
	e.clock.Set(time.Now().Add(72 * time.Hour))
	o.get("/organize/paris-2016/results").want(t, 200, "Leaderboard", "60.0", `href="/hackathons/paris-2016/leaderboard.csv?normalize=none"`)
	o.get("/organize/paris-2016/results?normalize=zscore").want(t, 200, `<strong aria-current="true">normalised per judge`)
	csv := o.get("/hackathons/paris-2016/leaderboard.csv").want(t, 200, "rank,plugin,name,score,reviews,impact,craft")
	if csv.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(csv.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV headers %v", csv.Header)
	}
	o.post("/organize/paris-2016/decisions/beta", url.Values{"status": {"rejected"}, "award": {"Best"}}).
		want(t, http.StatusUnprocessableEntity, "Only selected entries can receive an award")
	o.post("/organize/paris-2016/decisions/beta", url.Values{"status": {"accepted"}, "award": {"Prix du public"}, "feedback": {"Bravo"}}).
		want(t, http.StatusSeeOther)
	o.post("/organize/paris-2016/publish", url.Values{"confirm": {"yes"}}).want(t, http.StatusSeeOther)
	e.index()
	visitor := e.browser()
	visitor.get("/hackathons/paris-2016").want(t, 200, "Results", "Tool beta", "Results published")
	visitor.get("/hackathons/paris-2016/leaderboard.csv").want(t, 200, "beta")
	visitor.get("/?badge=awarded").want(t, 200, "1 tool", "Tool beta", "Award winner")
	// The team reads its decision, feedback and the anonymous reviews.
	tb := e.browser()
	tb.signIn("team@example.org")
	tb.get("/my/plugins/beta").want(t, 200, "Selected", "Prix du public", "Bravo", "Anonymous reviews", "7 / 10")
}

func TestOrganizerSeesConflictsArisingAfterAssignment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.user("org@example.org", auth.RoleOrganizer)
	j1, j2 := e.user("j1@example.org", auth.RoleJudge), e.user("j2@example.org", auth.RoleJudge)
	team := e.user("team@example.org", auth.RoleParticipant)
	e.edition(org, "paris-2016")
	for _, slug := range []string{"alpha", "beta"} {
		e.published(team, manifest(slug, "Tool "+slug, "Summary of "+slug))
		if _, _, err := e.hk.Submit(ctx, team, "paris-2016", slug); err != nil {
			t.Fatal(err)
		}
	}
	for _, j := range []auth.User{j1, j2} {
		if _, err := e.hk.AddJudge(ctx, org, "paris-2016", j.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.hk.Assign(ctx, org, "paris-2016", 2); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Now().Add(3 * time.Hour))
	for _, j := range []auth.User{j1, j2} {
		for _, slug := range []string{"alpha", "beta"} {
			if _, err := e.hk.Review(ctx, j, "paris-2016", slug, judging.Scores{"impact": 9, "craft": 9}.Raw(), ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The team makes j1 a collaborator of alpha, after j1 scored it.
	if _, err := e.reg.AddCollaborator(ctx, team, "alpha", j1.Email); err != nil {
		t.Fatal(err)
	}
	jb := e.browser()
	jb.signIn("j1@example.org")
	jb.get("/judge").want(t, 200, "1 of 1 scored")
	jb.get("/judge/paris-2016/alpha").want(t, http.StatusNotFound)
	o := e.browser()
	o.signIn("org@example.org")
	o.get("/organize/paris-2016").want(t, 200, "<s dir=\"auto\">Name j1</s>", "dropped", "collaborator of the plugin since")
	o.get("/organize/paris-2016/results").want(t, 200, "Reviews that do not count", "collaborator of the plugin since", "Tool alpha")
	o.lang = "fr-FR,fr;q=0.9"
	o.get("/organize/paris-2016").want(t, 200, "retiré", "collabore au plugin depuis le")
	o.lang = ""
	// Once the results are published, the forms that would change them are gone and refused.
	e.clock.Set(time.Now().Add(72 * time.Hour))
	o.post("/organize/paris-2016/publish", url.Values{"confirm": {"yes"}}).want(t, http.StatusSeeOther)
	p := o.get("/organize/paris-2016").want(t, 200, "The results are published: conflicts and assignments can no longer change.")
	if strings.Contains(p.body, `action="/organize/paris-2016/assign"`) || strings.Contains(p.body, `action="/organize/paris-2016/conflicts"`) {
		t.Fatal("the published edition still offers its assignment and conflict forms")
	}
	o.post("/organize/paris-2016/conflicts", url.Values{"judge_id": {itoa(j2.ID)}, "plugin": {"beta"}, "reason": {"late"}}).
		want(t, http.StatusConflict, "The results are published: conflicts can no longer be declared.")
	o.post("/organize/paris-2016/assign", url.Values{"judges_per_submission": {"2"}}).
		want(t, http.StatusConflict, "The results are published: assignments can no longer change.")
}

func TestReviewFormBeforeJudgingOpens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.user("org@example.org", auth.RoleOrganizer)
	judge := e.user("judge@example.org", auth.RoleJudge)
	team := e.user("team@example.org", auth.RoleParticipant)
	e.edition(org, "paris-2016")
	e.published(team, manifest("alpha", "Tool alpha", "Summary of alpha"))
	if _, _, err := e.hk.Submit(ctx, team, "paris-2016", "alpha"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hk.AddJudge(ctx, org, "paris-2016", judge.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hk.Assign(ctx, org, "paris-2016", 1); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.signIn("judge@example.org")
	b.get("/judge/paris-2016/alpha").want(t, 200, "Judging opens on", "<fieldset disabled>", `action="/judge/paris-2016/alpha/recuse"`)
	b.post("/judge/paris-2016/alpha", url.Values{"score.impact": {"8"}, "score.craft": {"5"}}).
		want(t, http.StatusConflict, "Judging opens on")
	e.clock.Set(time.Now().Add(3 * time.Hour))
	b.post("/judge/paris-2016/alpha", url.Values{"score.impact": {"8"}, "score.craft": {"5"}}).want(t, http.StatusSeeOther)
}

func TestParticipantRegistersFixesAndPublishes(t *testing.T) {
	e := newEnv(t)
	org := e.user("org@example.org", auth.RoleOrganizer)
	e.user("ada@example.org", auth.RoleParticipant)
	e.edition(org, "paris-2016")
	b := e.browser()
	b.signIn("ada@example.org")
	b.get("/my/plugins").want(t, 200, "You have no plugin yet", `href="/my/new"`)
	bad := strings.Replace(manifest("veille", "Veille", "Watch rumours"), "license: MIT", "license: MITT", 1)
	bad = strings.Replace(bad, "categories: [counter-speech]", "categories: [counter-speech, gossip]", 1)
	p := b.post("/my/new", url.Values{"manifest": {bad}}).want(t, http.StatusUnprocessableEntity, "2 problems to fix",
		`id="line-7" class="bad"`, `id="line-5" class="bad"`, `href="#line-7"`)
	if !strings.Contains(p.body, "license: MITT") {
		t.Fatalf("the manifest typed is not kept:\n%s", p.body)
	}
	b.post("/my/new", url.Values{"manifest": {manifest("veille", "Veille", "Watch rumours")}}).want(t, http.StatusSeeOther)
	b.get("/my/plugins/veille?done=created").want(t, 200, "registered as a draft", "Draft", `action="/my/plugins/veille/publish"`)
	e.browser().get("/plugins/veille").want(t, http.StatusNotFound)
	b.post("/my/plugins/veille/publish", url.Values{}).want(t, http.StatusSeeOther)
	b.post("/my/plugins/veille/publish", url.Values{}).want(t, http.StatusConflict, "Only drafts can be published")
	e.browser().get("/plugins/veille").want(t, 200, "Watch rumours")
	// A new version starts from the latest manifest, written as YAML.
	p = b.get("/my/plugins/veille/versions/new").want(t, 200, "slug: veille", "version: 1.0.0")
	b.post("/my/plugins/veille/versions/new", url.Values{"manifest": {manifest("veille", "Veille", "Watch rumours")}}).
		want(t, http.StatusConflict, "already exists")
	b.post("/my/plugins/veille/versions/new", url.Values{"manifest": {strings.Replace(manifest("veille", "Veille", "Watch rumours and hoaxes"), "1.0.0", "1.1.0", 1)}}).
		want(t, http.StatusSeeOther)
	// Entering the edition.
	b.get("/my/plugins/veille").want(t, 200, "version 1.1.0", `<option value="paris-2016">`)
	b.post("/my/plugins/veille/submit", url.Values{"edition": {"paris-2016"}}).want(t, http.StatusSeeOther)
	b.get("/my/plugins/veille").want(t, 200, "Hackathon entries", "version 1.1.0 (as submitted)", "Decisions and reviews are shown once")
}

// The owner's page tells why the plugin's last invocation failed; the
// public page does not.
func TestOwnerSeesWhyTheirPluginFailed(t *testing.T) {
	e := newEnv(t)
	ada := e.user("ada@example.org", auth.RoleParticipant)
	p := e.published(ada, manifest("veille", "Veille", "Watch rumours"))
	b := e.browser()
	b.signIn("ada@example.org")
	if page := b.get("/my/plugins/veille").want(t, 200); strings.Contains(page.body, "runtime-status") {
		t.Fatalf("a status before any invocation:\n%s", page.body)
	}
	at := time.Date(2016, 1, 23, 9, 0, 0, 0, time.UTC)
	err := e.store.SetRuntimeStatus(context.Background(), p.ID, store.RuntimeStatus{State: store.RuntimeRefused,
		Reason: "plugin endpoint refused: veille.example.org resolves to a private address", At: at})
	if err != nil {
		t.Fatal(err)
	}
	b.get("/my/plugins/veille").want(t, 200, `id="runtime-status" class="warn"`, "Last invocation, 23 January 2016, 09:00 UTC",
		"refused: its endpoint may not be called from here", "<code>plugin endpoint refused: veille.example.org resolves to a private address</code>")
	b.lang = "fr"
	b.get("/my/plugins/veille").want(t, 200, "Dernier appel, le 23 janvier 2016 à 09:00 UTC : refusé")
	if page := b.get("/plugins/veille").want(t, 200); strings.Contains(page.body, "resolves to a private address") {
		t.Fatalf("the public page shows the failure:\n%s", page.body)
	}
}
