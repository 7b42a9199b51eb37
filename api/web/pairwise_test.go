package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
)

// duelFixture is an edition judged pairwise, open for judging, with three
// entries and one judge.
type duelFixture struct{ org, judge, team, other auth.User }

func (e *env) duel(entries ...string) duelFixture {
	e.t.Helper()
	ctx := context.Background()
	f := duelFixture{org: e.user("org@example.org", auth.RoleOrganizer), judge: e.user("j1@example.org", auth.RoleJudge),
		team: e.user("team@example.org", auth.RoleParticipant), other: e.user("j2@example.org", auth.RoleJudge)}
	now := time.Now()
	_, err := e.hk.Create(ctx, f.org, hackathons.Input{Slug: "duel", Name: "Duel", StartsAt: now.Add(-time.Hour),
		EndsAt: now.Add(24 * time.Hour), SubmissionDeadline: now.Add(2 * time.Hour), JudgingStartsAt: now.Add(-30 * time.Minute),
		JudgingDeadline: now.Add(48 * time.Hour), JudgingMode: hackathons.ModePairwise,
		Rubric: judging.Rubric{{Key: "impact", Label: "Impact", Weight: 1, Max: 10}}})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, slug := range entries {
		e.published(f.team, manifest(slug, "Tool "+slug, "Summary of "+slug))
		if _, _, err := e.hk.Submit(ctx, f.team, "duel", slug); err != nil {
			e.t.Fatal(err)
		}
	}
	if _, err := e.hk.AddJudge(ctx, f.org, "duel", f.judge.ID); err != nil {
		e.t.Fatal(err)
	}
	return f
}

// A judge compares entries one tap at a time, each answer redirecting to
// the next pair; the organizer follows the progress and the results show
// μ ± σ.
func TestPairwisePages(t *testing.T) {
	e := newEnv(t)
	f := e.duel("alpha", "beta", "gamma", "delta")
	judge, org, other := e.browser(), e.browser(), e.browser()
	judge.signIn(f.judge.Email)
	org.signIn(f.org.Email)
	other.signIn(f.other.Email)

	judge.get("/judge").want(t, http.StatusOK, `href="/pairwise/duel"`)
	judge.get("/pairwise/duel").want(t, http.StatusOK, "Seen — next entry", "Skip: team absent", "version 1.0.0")
	p := judge.post("/pairwise/duel/vote", url.Values{}).want(t, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/pairwise/duel?done=voted" {
		t.Fatalf("redirect to %q", loc)
	}
	judge.get(p.Header.Get("Location")).want(t, http.StatusOK, "Better than the previous one", "Not better", "Previous", "Your answer is recorded.")
	judge.post("/pairwise/duel/vote", url.Values{"better": {"yes"}}).want(t, http.StatusSeeOther)
	judge.post("/pairwise/duel/skip", url.Values{}).want(t, http.StatusSeeOther)
	judge.post("/pairwise/duel/vote", url.Values{"better": {"no"}}).want(t, http.StatusSeeOther)
	judge.get("/pairwise/duel").want(t, http.StatusOK, "You have seen every entry.")
	judge.post("/pairwise/duel/vote", url.Values{"better": {"no"}}).want(t, http.StatusConflict, "Every entry has been shown to you.")

	other.get("/pairwise/duel").want(t, http.StatusForbidden, "Only the judges of this edition can judge it.")
	e.duelRubric(t, f)
	judge.get("/pairwise/paris").want(t, http.StatusOK, "This edition is judged with the rubric")
	judge.get("/organize/duel/pairwise").want(t, http.StatusForbidden)
	prog := org.get("/organize/duel/pairwise").want(t, http.StatusOK, "2 votes in all.", "Reported absent")
	if !strings.Contains(prog.body, ">j1<") && !strings.Contains(prog.body, "j1") {
		t.Fatalf("progress lacks the judge:\n%s", prog.body)
	}
	org.get("/organize/duel").want(t, http.StatusOK, `href="/organize/duel/pairwise"`)
	org.get("/organize/duel/results").want(t, http.StatusOK, "Score (μ ± σ)", " ± ", "Comparisons")
	org.get("/organize/duel/edit").want(t, http.StatusOK, `value="pairwise" checked`)
	edit := org.get("/organize/duel/edit")
	form := formValues(edit.body)
	form.Set("judging_mode", "rubric")
	org.post("/organize/duel/edit", form).want(t, http.StatusConflict, "The judging mode can no longer change")

	// Once published, everyone reads μ ± σ on the edition's page; the
	// judging page says judging is over.
	e.clock.Set(time.Now().Add(49 * time.Hour))
	if _, err := e.hk.PublishResults(context.Background(), f.org, "duel"); err != nil {
		t.Fatal(err)
	}
	e.browser().get("/hackathons/duel").want(t, http.StatusOK, "Score (μ ± σ)", " ± ", "Comparisons")
	judge.get("/pairwise/duel").want(t, http.StatusOK, `class="warn"`)
}

var inputValue = regexp.MustCompile(`<input id="[^"]*" name="([^"]+)" type="(?:text|number|datetime-local)" value="([^"]*)"`)

// formValues reads the text, number and date fields of a page's form as
// it fills them.
func formValues(body string) url.Values {
	v := url.Values{}
	for _, m := range inputValue.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

// duelRubric opens a second edition, judged with the rubric, that the
// judge of the duel also judges.
func (e *env) duelRubric(t *testing.T, f duelFixture) {
	t.Helper()
	e.edition(f.org, "paris")
	if _, err := e.hk.AddJudge(context.Background(), f.org, "paris", f.judge.ID); err != nil {
		t.Fatal(err)
	}
}
