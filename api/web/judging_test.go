package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"
)

// The scoring form reports every field's problem at once, each tied to
// its field, as the manifest form does.
func TestScoringFormShowsEveryProblemAtOnce(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	e.clock.Set(time.Now().Add(3 * time.Hour)) // judging is open
	b := e.browser()
	b.signIn(f.j1.Email)
	entry := "/judge/paris-2016/" + e.queued(f.j1)
	long := make([]byte, 5001)
	for i := range long {
		long[i] = 'a'
	}
	p := b.post(entry, url.Values{"score.impact": {"11"}, "score.craft": {"x"}, "comment": {string(long)}}).
		want(t, http.StatusUnprocessableEntity, "Enter a whole number from 0 to 10", "At most 5,000 characters.")
	for _, field := range []string{"score-impact", "score-craft", "comment"} {
		input := regexp.MustCompile(`<(?:input|textarea) id="` + field + `"[^>]*>`).FindString(p.body)
		if !regexp.MustCompile(`aria-describedby="[^"]*\b`+field+`-error\b`).MatchString(input) || !regexp.MustCompile(`aria-invalid="true"`).MatchString(input) {
			t.Errorf("%s is not tied to its problem: %s", field, input)
		}
		if !regexp.MustCompile(`<p class="field-error" id="` + field + `-error">`).MatchString(p.body) {
			t.Errorf("no problem for %s:\n%s", field, p.body)
		}
	}
	// A summary above the form lists them, each leading to its field; what
	// was typed is kept.
	p.want(t, http.StatusUnprocessableEntity, "3 problems to fix", `href="#score-impact"`, `href="#score-craft"`, `href="#comment"`,
		`value="11"`, `value="x"`)
}
