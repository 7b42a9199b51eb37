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
)

// After an assignment, the notice says what it gave: how many entries got
// how many judges, and why some got fewer than asked.
func TestAssignmentNoticeSaysWhatItGave(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.user("org@example.org", auth.RoleOrganizer)
	team := e.user("team@example.org", auth.RoleParticipant)
	e.edition(org, "paris-2016")
	for _, slug := range []string{"alpha", "beta", "gamma", "delta"} {
		e.published(team, manifest(slug, "Tool "+slug, "Summary of "+slug))
		if _, _, err := e.hk.Submit(ctx, team, "paris-2016", slug); err != nil {
			t.Fatal(err)
		}
	}
	o := e.browser()
	o.signIn(org.Email)
	assign := func(k string) page {
		t.Helper()
		p := o.post("/organize/paris-2016/assign", url.Values{"judges_per_submission": {k}}).want(t, http.StatusSeeOther)
		return o.get(p.Header.Get("Location")).want(t, http.StatusOK)
	}
	notice := func(p page) string {
		t.Helper()
		_, after, ok := strings.Cut(p.body, `<p class="notice" role="status">`)
		if !ok {
			t.Fatalf("no notice:\n%s", p.body)
		}
		s, _, _ := strings.Cut(after, "</p>")
		return s
	}
	if got, want := notice(assign("2")), "Assignment done: 4 entries have none. There is no judge yet: add judges first."; got != want {
		t.Errorf("without judges: %q, want %q", got, want)
	}
	var judges []auth.User
	for _, email := range []string{"j1@example.org", "j2@example.org"} {
		j := e.user(email, auth.RoleJudge)
		judges = append(judges, j)
		if _, err := e.hk.AddJudge(ctx, org, "paris-2016", j.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.hk.DeclareConflict(ctx, org, "paris-2016", j.ID, "delta", "Works with the team"); err != nil {
			t.Fatal(err)
		}
	}
	want := "Assignment done: 3 entries have 2 judges each, 1 entry has none. Not enough judges without a conflict of interest: add judges, or ask for fewer per entry."
	if got := notice(assign("2")); got != want {
		t.Errorf("with conflicts: %q, want %q", got, want)
	}
	if got, want := notice(assign("3")), "Assignment done: 3 entries have 2 judges each, 1 entry has none. There are only 2 judges for 3 per entry: add judges, or ask for fewer per entry."; got != want {
		t.Errorf("asking for more judges than there are: %q, want %q", got, want)
	}
	o.lang = "fr"
	if got, want := notice(assign("1")), "Répartition faite : 3 projets ont 1 juré chacun, 1 projet n’en a aucun. Pas assez de jurés sans conflit d’intérêts : ajoutez des jurés, ou demandez-en moins par projet."; got != want {
		t.Errorf("in French: %q, want %q", got, want)
	}
	o.lang = "en"
	for _, slug := range []string{"delta"} {
		if err := e.hk.Withdraw(ctx, team, "paris-2016", slug); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := notice(assign("1")), "Assignment done: 3 entries have 1 judge each."; got != want {
		t.Errorf("every entry covered: %q, want %q", got, want)
	}
}

// The conflict form preselects nobody; when the conflict would set aside
// a score already given, the organizer is told so and asked to confirm,
// without JavaScript.
func TestDeclaringAConflictOverAScoreAsksForConfirmation(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	mine := e.queued(f.j1)
	e.clock.Set(time.Now().Add(3 * time.Hour))
	if _, err := e.hk.Review(context.Background(), f.j1, "paris-2016", mine, judging.Scores{"impact": 8, "craft": 6}.Raw(), ""); err != nil {
		t.Fatal(err)
	}
	o := e.browser()
	o.signIn(f.org.Email)
	p := o.get("/organize/paris-2016").want(t, http.StatusOK,
		`<select id="c-judge" name="judge_id" required><option value="" selected>`,
		`<select id="c-plugin" name="plugin" required><option value="" selected>`)
	if strings.Count(p.body, " selected") != 2 {
		t.Fatalf("the conflict form preselects a judge or an entry:\n%s", p.body)
	}
	form := url.Values{"judge_id": {itoa(f.j1.ID)}, "plugin": {mine}, "reason": {"Mentored the team"}}
	p = o.post("/organize/paris-2016/conflicts", form).want(t, http.StatusOK,
		"Name j1 has already scored Tool "+mine+".", "no longer counts", `name="confirm" value="yes"`,
		`<input type="hidden" name="reason" value="Mentored the team">`)
	if _, conflicts, _ := e.hk.Assignments(context.Background(), f.org, "paris-2016"); len(conflicts) != 0 {
		t.Fatalf("the conflict was recorded before it was confirmed: %+v", conflicts)
	}
	form.Set("confirm", "yes")
	p = o.post("/organize/paris-2016/conflicts", form).want(t, http.StatusSeeOther)
	o.get(p.Header.Get("Location")).want(t, http.StatusOK,
		"The conflict is recorded: Name j1 will not judge Tool "+mine+"; the score already given no longer counts.")
	// Without a score to set aside, there is nothing to confirm.
	other := e.queued(f.j2)
	o.post("/organize/paris-2016/conflicts", url.Values{"judge_id": {itoa(f.j2.ID)}, "plugin": {other}, "reason": {"Friends"}}).
		want(t, http.StatusSeeOther)
}

// The notices of the organizer's forms say what they did, to whom.
func TestOrganizerNoticesSayWhatWasDone(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	extra := e.user("j3@example.org", auth.RoleJudge)
	o := e.browser()
	o.signIn(f.org.Email)
	p := o.post("/organize/paris-2016/judges", url.Values{"email": {extra.Email}}).want(t, http.StatusSeeOther)
	o.get(p.Header.Get("Location")).want(t, http.StatusOK, `<p class="notice" role="status">Name j3 is now a judge of this hackathon.</p>`)
	p = o.post("/organize/paris-2016/decisions/beta", url.Values{"status": {"accepted"}, "award": {"Prix du public"}}).want(t, http.StatusSeeOther)
	o.get(p.Header.Get("Location")).want(t, http.StatusOK,
		`<p class="notice" role="status">Decision saved: Tool beta, Selected, award “Prix du public”.</p>`)
}
