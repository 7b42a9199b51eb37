package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
)

// Publishing the results starts with a check page: entries without a
// decision, scores not given, entries with fewer judges than asked; only
// its confirmation publishes.
func TestPublishingStartsWithACheck(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	ctx := context.Background()
	two := 2
	if _, err := e.hk.Update(ctx, f.org, "paris-2016", hackathons.Patch{JudgesPerSubmission: &two}); err != nil {
		t.Fatal(err)
	}
	mine := e.queued(f.j1)
	e.clock.Set(time.Now().Add(3 * time.Hour))
	if _, err := e.hk.Review(ctx, f.j1, "paris-2016", mine, judging.Scores{"impact": 8, "craft": 6}.Raw(), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hk.Decide(ctx, f.org, "paris-2016", mine, hackathons.Accepted, "", ""); err != nil {
		t.Fatal(err)
	}
	other := e.queued(f.j2)
	o := e.browser()
	o.signIn(f.org.Email)
	p := o.get("/organize/paris-2016/results").want(t, http.StatusOK, `href="/organize/paris-2016/publish"`)
	if strings.Contains(p.body, `action="/organize/paris-2016/publish"`) {
		t.Fatal("the results page publishes in one click")
	}
	// While judging is open, the check says so and offers nothing to confirm.
	p = o.get("/organize/paris-2016/publish").want(t, http.StatusOK, "Judging is open until")
	if strings.Contains(p.body, `name="confirm"`) {
		t.Fatal("publishing is offered while judging is open")
	}
	e.clock.Set(time.Now().Add(72 * time.Hour))
	o.get("/organize/paris-2016/publish").want(t, http.StatusOK,
		"1 entry has no decision", `href="/organize/paris-2016/results#entry-`+other+`"`,
		"1 score not given", "Name j2", "2 entries have fewer judges than asked (2)", "1 of 2",
		`name="confirm" value="yes"`, "Publish anyway")
	// A form without the confirmation only leads to the check.
	p = o.post("/organize/paris-2016/publish", url.Values{}).want(t, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/organize/paris-2016/publish" {
		t.Fatalf("unconfirmed publication leads to %s", loc)
	}
	if ed, _ := e.hk.Get(ctx, "paris-2016"); ed.ResultsPublishedAt != nil {
		t.Fatal("published without confirmation")
	}
	p = o.post("/organize/paris-2016/publish", url.Values{"confirm": {"yes"}}).want(t, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/hackathons/paris-2016?done=results" {
		t.Fatalf("publication leads to %s", loc)
	}
	if ed, _ := e.hk.Get(ctx, "paris-2016"); ed.ResultsPublishedAt == nil {
		t.Fatal("not published")
	}
	o.get("/organize/paris-2016/publish").want(t, http.StatusOK, "The results are already published.")
}

// The public results say what was decided: selected entries first, ranked
// among themselves, with their awards named; a rejected entry is never
// ranked with them, however it scored. One word per state, the same for
// the team, the public and the catalogue; the plugin page names the
// edition.
func TestPublicResultsShowDecisionsAndAwards(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	ctx := context.Background()
	e.clock.Set(time.Now().Add(3 * time.Hour))
	for _, j := range []struct {
		judge  string
		impact int
	}{{f.j1.Email, 9}, {f.j2.Email, 9}} { // both entries score the same: joint first on the leaderboard
		u := f.j1
		if j.judge == f.j2.Email {
			u = f.j2
		}
		if _, err := e.hk.Review(ctx, u, "paris-2016", e.queued(u), judging.Scores{"impact": j.impact, "craft": 5}.Raw(), ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.hk.Decide(ctx, f.org, "paris-2016", "alpha", hackathons.Rejected, "", "Not ready"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hk.Decide(ctx, f.org, "paris-2016", "beta", hackathons.Accepted, "Prix du jury", "Bravo"); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Now().Add(72 * time.Hour))
	if _, err := e.hk.PublishResults(ctx, f.org, "paris-2016"); err != nil {
		t.Fatal(err)
	}
	e.index()
	v := e.browser()
	p := v.get("/hackathons/paris-2016").want(t, http.StatusOK, "Selected", "Prix du jury", "Not selected")
	results := p.body[strings.Index(p.body, `id="results-h"`):]
	beta, alpha := strings.Index(results, "Tool beta"), strings.Index(results, "Tool alpha")
	if beta < 0 || alpha < 0 || beta > alpha {
		t.Fatalf("the selected entry does not come first:\n%s", results)
	}
	alphaRow := results[strings.LastIndex(results[:alpha], "<tr>"):]
	alphaRow = alphaRow[:strings.Index(alphaRow, "</tr>")]
	if !strings.Contains(alphaRow, "<td>–</td>") || strings.Contains(alphaRow, "<td>1</td>") {
		t.Fatalf("the rejected entry is ranked: %s", alphaRow)
	}
	if strings.Contains(results, "Not ready") || strings.Contains(results, "Bravo") {
		t.Fatal("the public results show the teams' feedback")
	}
	// One word per state, everywhere, in each language.
	v.get("/?badge=accepted").want(t, http.StatusOK, "Selected", "Award winner")
	team := e.browser()
	team.signIn(f.team.Email)
	team.get("/my/plugins/beta").want(t, http.StatusOK, "Selected", "Prix du jury")
	team.get("/my/plugins/alpha").want(t, http.StatusOK, "Not selected")
	v.lang, team.lang = "fr", "fr"
	for _, p := range []page{v.get("/hackathons/paris-2016"), v.get("/?badge=accepted"), team.get("/my/plugins/beta")} {
		p.want(t, http.StatusOK, "Retenu")
		if strings.Contains(p.body, "Sélectionné") || strings.Contains(p.body, "Accepté") {
			t.Errorf("%s uses another word for selected", p.Request.URL)
		}
	}
	// The plugin page names the edition.
	v.get("/plugins/beta").want(t, http.StatusOK, `<a href="/hackathons/paris-2016" dir="auto">Hackathon paris-2016</a>`)
}
