package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// problemTexts finds what a page says is wrong: errors, field errors,
// warnings and error details.
var problemTexts = regexp.MustCompile(`(?s)<p class="(?:[^"]* )?(?:error|field-error|warn|detail)(?: [^"]*)?"[^>]*>(.*?)</p>`)

// programmersWords are signs of a message written for a program: a
// route, a JSON field, an English phrase of the services.
var programmersWords = regexp.MustCompile(`/api/v1|PATCH |POST |_id|_at\b|_deadline|\binput\b|\bproperty\b|\bmust\b|\bis required\b|\bthe\b|\bjudging\b`)

// wantFrench fails unless the page states its problems, and states them
// in French words of its own, not the services'.
func wantFrench(t *testing.T, p page, texts ...string) {
	t.Helper()
	found := problemTexts.FindAllStringSubmatch(p.body, -1)
	if len(found) == 0 {
		t.Fatalf("%s %s: no problem stated:\n%s", p.Request.Method, p.Request.URL.Path, p.body)
	}
	for _, m := range found {
		if s := html.UnescapeString(m[1]); programmersWords.MatchString(s) {
			t.Errorf("%s %s says %q", p.Request.Method, p.Request.URL.Path, s)
		}
	}
	for _, s := range texts {
		if !strings.Contains(p.body, s) {
			t.Errorf("%s %s: body lacks %q:\n%s", p.Request.Method, p.Request.URL.Path, s, p.body)
		}
	}
}

// Pages speak the visitor's language and never name routes or fields: the
// services' problems and refusals are worded again, with dates and numbers
// written the visitor's way.
func TestPagesWordTheServicesProblemsInTheVisitorsLanguage(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	e.user("p@example.org", "participant")
	org, judge, visitor := e.browser(), e.browser(), e.browser()
	for _, b := range []*browser{org, judge, visitor} {
		b.lang = "fr"
	}
	org.signIn(f.org.Email)
	judge.signIn(f.j1.Email)
	mine := e.queued(f.j1)

	wantFrench(t, org.post("/organize/paris-2016/judges", url.Values{"email": {"p@example.org"}}).want(t, http.StatusUnprocessableEntity),
		"Ce compte n’a pas le rôle de juré")
	wantFrench(t, org.post("/organize/paris-2016/judges", url.Values{"email": {f.j1.Email}}).want(t, http.StatusConflict),
		"fait déjà partie du jury")
	wantFrench(t, org.post("/organize/paris-2016/conflicts", url.Values{"reason": {""}}).want(t, http.StatusUnprocessableEntity),
		"Choisissez un juré", "Ce champ est obligatoire")
	wantFrench(t, org.post("/organize/paris-2016/decisions/alpha", url.Values{"status": {"rejected"}, "award": {"Prix"}}).
		want(t, http.StatusUnprocessableEntity), "Seuls les projets retenus peuvent recevoir un prix")
	wantFrench(t, judge.post("/judge/paris-2016/"+mine, url.Values{"score.impact": {"5"}, "score.craft": {"5"}}).
		want(t, http.StatusConflict), "Le jury ouvre le ")
	wantFrench(t, visitor.post("/plugins/rumeur/try", url.Values{"message": {""}, "language": {"fr"}}).
		want(t, http.StatusUnprocessableEntity), `<p class="field-error">Ce champ est obligatoire.</p>`)
	e.clock.Set(time.Now().Add(3 * time.Hour))
	wantFrench(t, org.post("/organize/paris-2016/publish", url.Values{"confirm": {"yes"}}).want(t, http.StatusConflict),
		"Le jury est ouvert jusqu’au ")
	eve := e.browser()
	eve.lang = "fr"
	eve.signIn("p@example.org")
	wantFrench(t, eve.get("/hackathons/paris-2016/leaderboard.csv").want(t, http.StatusForbidden),
		"Les résultats de ce hackathon ne sont pas encore publiés.")
}
