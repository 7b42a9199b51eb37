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
