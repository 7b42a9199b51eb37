package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/judging"
)

// editionForm is a valid edition form.
func editionForm() url.Values {
	return url.Values{"name": {"Lyon 2026"}, "slug": {"lyon-2026"}, "city": {"Lyon"}, "description": {"Two days against **propaganda**."},
		"starts_at": {"2026-06-13T09:00"}, "ends_at": {"2026-06-14T18:00"}, "submission_deadline": {"2026-06-14T12:00"},
		"judging_starts_at": {""}, "judging_deadline": {"2026-06-14T17:00"}, "judges_per_submission": {"3"},
		"rubric.0.key": {"impact"}, "rubric.0.label": {"Impact"}, "rubric.0.description": {"Does it help?"}, "rubric.0.weight": {"2"},
		"rubric.0.min": {"0"}, "rubric.0.max": {"10"},
		"rubric.1.key": {"craft"}, "rubric.1.label": {"Craft"}, "rubric.1.weight": {"1"}, "rubric.1.min": {"1"}, "rubric.1.max": {"5"},
		"rubric.2.key": {""}, "rubric.2.label": {""}, "rubric.2.weight": {"1"}, "rubric.2.min": {""}, "rubric.2.max": {""}}
}

// wantTiedProblem fails unless the control with id has a problem of its
// own that it is tied to.
func wantTiedProblem(t *testing.T, p page, id string) {
	t.Helper()
	control := regexp.MustCompile(`<(?:input|select|textarea|fieldset)[^>]* id="` + id + `"[^>]*>`).FindString(p.body)
	if control == "" {
		t.Fatalf("no control %s:\n%s", id, p.body)
	}
	if !strings.Contains(control, `aria-invalid="true"`) && !strings.HasPrefix(control, "<fieldset") ||
		!regexp.MustCompile(`aria-describedby="[^"]*\b`+id+`-error\b`).MatchString(control) {
		t.Errorf("%s is not tied to its problem: %s", id, control)
	}
	if !strings.Contains(p.body, `id="`+id+`-error"`) || !strings.Contains(p.body, `href="#`+id+`"`) {
		t.Errorf("%s has no problem, or it is not in the summary", id)
	}
}

// Organizers create and edit editions in the pages: dates, rubric, judges
// per entry, every problem at its field, and a rubric frozen once scored.
func TestOrganizersCreateAndEditEditions(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	o := e.browser()
	o.signIn(f.org.Email)
	o.get("/organize").want(t, http.StatusOK, `href="/organize/new"`, `href="/organize/paris-2016/edit"`)
	o.get("/organize/new").want(t, http.StatusOK, `<input id="starts_at" name="starts_at" type="datetime-local"`, `id="rubric-0-key"`)

	bad := editionForm()
	bad.Set("name", "")
	bad.Set("slug", "Bad Slug")
	bad.Set("ends_at", "2026-06-12T09:00")
	bad.Set("judges_per_submission", "11")
	bad.Set("rubric.0.key", "Bad Key")
	bad.Set("rubric.0.weight", "0")
	p := o.post("/organize/new", bad).want(t, http.StatusUnprocessableEntity, "6 problems to fix", `value="Bad Slug"`)
	for _, id := range []string{"name", "slug", "ends_at", "judges_per_submission", "rubric-0-key", "rubric-0-weight"} {
		wantTiedProblem(t, p, id)
	}
	if _, err := e.hk.Get(context.Background(), "bad-slug"); err == nil {
		t.Fatal("a refused edition was stored")
	}
	// One more criterion, without saving anything.
	more := editionForm()
	more.Set("rows", "4")
	o.post("/organize/new", more).want(t, http.StatusOK, `id="rubric-3-key"`, `value="Lyon 2026"`)
	if _, err := e.hk.Get(context.Background(), "lyon-2026"); err == nil {
		t.Fatal("adding a criterion saved the edition")
	}

	p = o.post("/organize/new", editionForm()).want(t, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/organize/lyon-2026?done=opened" {
		t.Fatalf("creating leads to %s", loc)
	}
	ed, err := e.hk.Get(context.Background(), "lyon-2026")
	if err != nil || ed.Name != "Lyon 2026" || ed.JudgesPerSubmission != 3 || len(ed.Rubric) != 2 || ed.Rubric[1].Min != 1 ||
		!ed.StartsAt.Equal(time.Date(2026, 6, 13, 9, 0, 0, 0, time.UTC)) || ed.JudgingStartsAt != nil {
		t.Fatalf("created %+v, %v", ed, err)
	}
	o.get("/organize/lyon-2026/edit").want(t, http.StatusOK, `value="Lyon 2026"`, `value="2026-06-14T12:00"`, `value="craft"`,
		`value="3"`, `id="rubric-2-key"`)
	edit := editionForm()
	edit.Del("slug")
	edit.Set("name", "Lyon 2026, second edition")
	edit.Set("judging_starts_at", "2026-06-14T10:00")
	o.post("/organize/lyon-2026/edit", edit).want(t, http.StatusSeeOther)
	if ed, _ = e.hk.Get(context.Background(), "lyon-2026"); ed.Name != "Lyon 2026, second edition" || ed.JudgingStartsAt == nil {
		t.Fatalf("edited %+v", ed)
	}

	// Once a judge has scored, the rubric is frozen: the page says so, and a
	// change is refused at the rubric, with nothing else saved.
	e.clock.Set(time.Now().Add(3 * time.Hour))
	mine := e.queued(f.j1)
	if _, err := e.hk.Review(context.Background(), f.j1, "paris-2016", mine, judging.Scores{"impact": 8, "craft": 6}.Raw(), ""); err != nil {
		t.Fatal(err)
	}
	o.get("/organize/paris-2016/edit").want(t, http.StatusOK, "The rubric is frozen", `<fieldset id="rubric" disabled`)
	change := editionForm()
	change.Del("slug")
	change.Set("name", "Renamed")
	p = o.post("/organize/paris-2016/edit", change).want(t, http.StatusConflict, "The rubric is frozen")
	wantTiedProblem(t, p, "rubric")
	if ed, _ := e.hk.Get(context.Background(), "paris-2016"); ed.Name == "Renamed" {
		t.Fatal("part of a refused change was saved")
	}
	// Participants have no such pages.
	team := e.browser()
	team.signIn(f.team.Email)
	team.get("/organize/new").want(t, http.StatusForbidden)
	team.post("/organize/paris-2016/edit", change).want(t, http.StatusForbidden)
}
