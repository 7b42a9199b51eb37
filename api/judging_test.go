package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
)

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// edition is a hackathon with two entries and four judges, one of whom
// collaborates on an entry, another never assigned.
type edition struct {
	e                            *env
	org, owner, owner2, stranger string
	judges                       map[string]string // name → token
	ids                          map[string]int64
}

func newEdition(t *testing.T, e *env) *edition {
	t.Helper()
	e.clock.Set(t0)
	ed := &edition{e: e, judges: map[string]string{}, ids: map[string]int64{}}
	_, ed.org = e.user("org@example.org", auth.RoleOrganizer)
	owner, tok := e.user("owner@example.org", auth.RoleParticipant)
	owner2, tok2 := e.user("owner2@example.org", auth.RoleParticipant)
	ed.owner, ed.owner2, ed.ids["owner"], ed.ids["owner2"] = tok, tok2, owner.ID, owner2.ID
	_, ed.stranger = e.user("stranger@example.org", auth.RoleParticipant)
	for _, n := range []string{"j1", "j2", "j3", "j4"} {
		u, tok := e.user(n+"@example.org", auth.RoleJudge)
		ed.judges[n], ed.ids[n] = tok, u.ID
	}
	e.publishedPlugin(ed.owner, "alerte")
	e.publishedPlugin(ed.owner2, "bouclier")
	e.do(req{method: "POST", path: "/api/v1/plugins/bouclier/collaborators", token: ed.owner2, body: map[string]string{"email": "j3@example.org"}}).want(201)
	e.do(req{method: "POST", path: "/api/v1/hackathons", token: ed.org, body: map[string]any{
		"slug": "paris-2026", "name": "Hackathon 2026", "city": "Paris",
		"starts_at": t0.Add(-time.Hour).Format(time.RFC3339), "ends_at": t0.Add(24 * time.Hour).Format(time.RFC3339),
		"submission_deadline": t0.Add(24 * time.Hour).Format(time.RFC3339), "judging_deadline": t0.Add(48 * time.Hour).Format(time.RFC3339),
		"rubric": []map[string]any{{"key": "impact", "label": "Impact", "weight": 3}, {"key": "rights", "label": "Respect of rights", "weight": 1, "min": 1, "max": 5}},
	}}).want(201)
	for _, n := range []string{"j1", "j2", "j3", "j4"} {
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/judges", token: ed.org, body: map[string]int64{"user_id": ed.ids[n]}}).want(201)
	}
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]string{"plugin": "alerte"}}).want(201)
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner2, body: map[string]string{"plugin": "bouclier"}}).want(201)
	return ed
}

// assign runs an assignment with j4 recused from everything, so that j1–j3
// take the entries, and returns who reviews what.
func (ed *edition) assign(t *testing.T) map[string][]string {
	t.Helper()
	for _, p := range []string{"alerte", "bouclier"} {
		ed.e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/conflicts", token: ed.judges["j4"],
			body: map[string]any{"judge_id": ed.ids["j4"], "plugin": p, "reason": "on leave"}}).want(201)
	}
	var a api.AssignResponse
	ed.e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/assignments", token: ed.org, body: map[string]int{"judges_per_submission": 2}}).want(200).json(&a)
	out := map[string][]string{}
	for _, p := range a.Assignments {
		for n, id := range ed.ids {
			if id == p.JudgeID {
				out[p.Plugin] = append(out[p.Plugin], n)
			}
		}
	}
	if len(a.Uncovered) != 0 || len(out["alerte"]) != 2 || len(out["bouclier"]) != 2 || slices.Contains(out["bouclier"], "j3") {
		t.Fatalf("assignment = %v (uncovered %v)", out, a.Uncovered)
	}
	return out
}

func scores(impact, rights int) map[string]any {
	return map[string]any{"scores": map[string]int{"impact": impact, "rights": rights}, "comment": fmt.Sprintf("impact %d", impact)}
}

func TestJudgingAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	ed := newEdition(t, e)
	assigned := ed.assign(t)
	// Balance puts j3 (who collaborates on bouclier) on alerte with one of
	// j1 and j2, who both review bouclier, since j3 cannot.
	conflicted := "j3"
	if !slices.Contains(assigned["alerte"], conflicted) {
		t.Fatalf("expected j3 on alerte: %v", assigned)
	}
	onAlerte := assigned["alerte"][0]
	if onAlerte == conflicted {
		onAlerte = assigned["alerte"][1]
	}
	unassigned := "j4"
	callers := map[string]string{"anonymous": "", "participant": ed.stranger, "owner": ed.owner, "unassigned judge": ed.judges[unassigned],
		"conflicted judge": ed.judges[conflicted], "assigned judge": ed.judges[onAlerte], "organizer": ed.org}
	type route struct {
		method, path string
		body         any
		want         map[string]int // by caller; missing callers expect def
		def          int
	}
	h := "/api/v1/hackathons/paris-2026"
	routes := []route{
		{"GET", h, nil, map[string]int{}, 200},
		{"GET", "/api/v1/hackathons", nil, map[string]int{}, 200},
		{"POST", "/api/v1/hackathons", map[string]any{"slug": "x"}, map[string]int{"anonymous": 401, "organizer": 422}, 403},
		{"PATCH", h, map[string]any{"city": "Lyon"}, map[string]int{"anonymous": 401, "organizer": 200}, 403},
		{"GET", h + "/judges", nil, map[string]int{"anonymous": 401, "organizer": 200}, 403},
		{"POST", h + "/judges", map[string]int64{"user_id": ed.ids["j1"]}, map[string]int{"anonymous": 401, "organizer": 409}, 403},
		{"GET", h + "/submissions", nil, map[string]int{"anonymous": 401}, 200},
		{"GET", h + "/submissions/alerte", nil, map[string]int{"anonymous": 401, "owner": 200, "assigned judge": 200, "conflicted judge": 200, "organizer": 200}, 404},
		{"GET", h + "/submissions/bouclier", nil, map[string]int{"anonymous": 401, "assigned judge": 200, "organizer": 200}, 404},
		// Entries are still accepted: judging has not started.
		{"PUT", h + "/submissions/alerte/review", scores(7, 4), map[string]int{"anonymous": 401, "assigned judge": 409, "conflicted judge": 409}, 404},
		{"POST", h + "/submissions", map[string]string{"plugin": "alerte"}, map[string]int{"anonymous": 401, "owner": 200}, 403},
		// j3 recusing himself from alerte: he may, as may an organizer; nobody else.
		{"POST", h + "/conflicts", map[string]any{"judge_id": ed.ids[conflicted], "plugin": "alerte", "reason": "x"},
			map[string]int{"anonymous": 401, "conflicted judge": 201, "organizer": 201}, 403},
		{"GET", h + "/assignments", nil, map[string]int{"anonymous": 401, "organizer": 200}, 403},
		{"POST", h + "/assignments", map[string]int{"judges_per_submission": 2}, map[string]int{"anonymous": 401, "organizer": 200}, 403},
		{"GET", h + "/leaderboard", nil, map[string]int{"organizer": 200}, 403},
		{"GET", h + "/leaderboard.csv", nil, map[string]int{"organizer": 200}, 403},
		{"POST", h + "/submissions/alerte/decision", map[string]string{"status": "accepted"}, map[string]int{"anonymous": 401, "organizer": 200}, 403},
		{"POST", h + "/publish-results", nil, map[string]int{"anonymous": 401, "organizer": 409}, 403},
		{"GET", "/api/v1/judging/queue", nil, map[string]int{"anonymous": 401}, 200},
		{"DELETE", h + "/submissions/bouclier", nil, map[string]int{"anonymous": 401}, 404},
		{"DELETE", h + "/judges/" + itoa(ed.ids["j4"]), nil, map[string]int{"anonymous": 401, "organizer": 204}, 403},
	}
	run := func(routes []route) {
		for _, r := range routes {
			for _, who := range []string{"anonymous", "participant", "owner", "unassigned judge", "conflicted judge", "assigned judge", "organizer"} {
				want, ok := r.want[who]
				if !ok {
					want = r.def
				}
				got := e.do(req{method: r.method, path: r.path, token: callers[who], body: r.body})
				if got.Code != want {
					t.Errorf("%s %s as %s: %d, want %d (%s)", r.method, r.path, who, got.Code, want, strings.TrimSpace(got.Body.String()))
				}
			}
		}
	}
	run(routes)
	// Submissions closed: judging. j3 recused himself from alerte above, and
	// the assignment run after took him off it.
	e.clock.Set(t0.Add(25 * time.Hour))
	run([]route{
		{"PUT", h + "/submissions/alerte/review", scores(7, 4), map[string]int{"anonymous": 401, "assigned judge": 200}, 404},
		{"PUT", h + "/submissions/bouclier/review", scores(7, 4), map[string]int{"anonymous": 401, "assigned judge": 200}, 404},
		{"POST", h + "/submissions", map[string]string{"plugin": "alerte"}, map[string]int{"anonymous": 401, "owner": 409}, 403},
	})
}

func TestReviewsDeadlinesAndSecrecy(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) { reviewsDeadlinesAndSecrecy(t, e) })
}

func reviewsDeadlinesAndSecrecy(t *testing.T, e *env) {
	ed := newEdition(t, e)
	assigned := ed.assign(t)
	a, b := assigned["alerte"][0], assigned["alerte"][1]
	review := func(judge string, body any) response {
		return e.do(req{method: "PUT", path: "/api/v1/hackathons/paris-2026/submissions/alerte/review", token: ed.judges[judge], body: body})
	}
	// While entries are accepted, judging has not started.
	if p := review(a, scores(8, 5)).problem(409); !strings.Contains(p.Detail, "judging opens at 2026-03-15 09:00 UTC") {
		t.Fatalf("review in the open phase: %+v", p)
	}
	e.clock.Set(t0.Add(24 * time.Hour)) // the submission deadline
	p := review(a, map[string]any{"scores": map[string]int{"impact": 11, "extra": 2}}).problem(422)
	got := fields(p)
	slices.Sort(got)
	if !slices.Equal(got, []string{"scores.extra", "scores.impact", "scores.rights"}) {
		t.Fatalf("score problems %v", got)
	}
	review(a, scores(8, 5)).want(200)
	review(a, scores(9, 5)).want(200) // revised
	review(b, scores(3, 2)).want(200)

	// A judge sees their own review only; the team sees nothing before the results.
	var d api.SubmissionDetailResponse
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.judges[a]}).want(200).json(&d)
	if len(d.Reviews) != 1 || d.Reviews[0].Scores["impact"] != 9 || *d.Reviews[0].JudgeID != ed.ids[a] {
		t.Fatalf("judge's view: %+v", d.Reviews)
	}
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.owner}).want(200).json(&d)
	if len(d.Reviews) != 0 {
		t.Fatalf("the team saw reviews before the results: %+v", d.Reviews)
	}

	// The rubric is frozen once a review exists.
	e.do(req{method: "PATCH", path: "/api/v1/hackathons/paris-2026", token: ed.org, body: map[string]any{
		"rubric": []map[string]any{{"key": "impact", "label": "Impact", "weight": 5}}}}).problem(409)
	var queue api.List[api.QueueItem]
	e.do(req{method: "GET", path: "/api/v1/judging/queue", token: ed.judges[a]}).want(200).json(&queue)
	if len(queue.Items) == 0 || queue.Items[len(queue.Items)-1].Plugin != "alerte" || !queue.Items[len(queue.Items)-1].Reviewed {
		t.Fatalf("queue must list unreviewed entries first: %+v", queue.Items)
	}

	// Deadlines come from the server's clock.
	e.clock.Set(t0.Add(25 * time.Hour))
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]string{"plugin": "alerte"}}).problem(409)
	e.do(req{method: "DELETE", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.owner}).problem(409)
	review(a, scores(7, 5)).want(200)
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/publish-results", token: ed.org}).problem(409)
	e.clock.Set(t0.Add(49 * time.Hour))
	review(a, scores(1, 1)).problem(409)

	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions/alerte/decision", token: ed.org,
		body: map[string]string{"status": "rejected", "award": "Prize"}}).problem(422)
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions/alerte/decision", token: ed.org,
		body: map[string]string{"status": "accepted", "award": "Prix du public", "feedback": "Bravo"}}).want(200)
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.owner}).want(200).json(&d)
	if d.Status != "submitted" || d.Feedback != "" {
		t.Fatalf("the decision was told before the results: %+v", d.SubmissionResponse)
	}
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/publish-results", token: ed.org}).want(200)
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/publish-results", token: ed.org}).problem(409)

	// After the results: the team's decision and anonymised scores, a public leaderboard.
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.owner}).want(200).json(&d)
	if d.Status != "accepted" || d.Award != "Prix du public" || d.Feedback != "Bravo" || len(d.Reviews) != 2 {
		t.Fatalf("team's view after the results: %+v", d)
	}
	for _, r := range d.Reviews {
		if r.JudgeID != nil {
			t.Fatalf("a review shown to the team names its judge: %+v", r)
		}
	}
	var lb api.LeaderboardResponse
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/leaderboard"}).want(200).json(&lb)
	// alerte: reviews (7,5) and (3,2): 100·(3·0.7+1)/4 = 77.5 and 100·(3·0.3+0.25)/4 = 28.75 → 53.125.
	if lb.Rows[0].Plugin != "alerte" || *lb.Rows[0].Score != 53.125 || lb.Rows[0].Reviews != 2 || lb.Rows[1].Score != nil {
		t.Fatalf("leaderboard = %+v", lb.Rows)
	}

	// The accepted and awarded plugin carries its badges, in its resource and in search.
	var plugin api.PluginResponse
	e.do(req{method: "GET", path: "/api/v1/plugins/alerte"}).want(200).json(&plugin)
	if !slices.Equal(plugin.Badges, []string{"accepted", "awarded"}) || !slices.Equal(plugin.Hackathons, []string{"paris-2026"}) {
		t.Fatalf("plugin after the results: badges %v, hackathons %v", plugin.Badges, plugin.Hackathons)
	}
	for {
		if n, err := e.relay.Drain(context.Background()); err != nil || n == 0 {
			break
		}
	}
	r := e.search("badge=awarded&hackathon=paris-2026")
	if got := hitSlugs(r); !slices.Equal(got, []string{"alerte"}) || r.Facets["badge"]["accepted"] != 1 {
		t.Fatalf("search by badge: %v, facets %v", got, r.Facets["badge"])
	}
}

func TestLeaderboardCSVIsSpreadsheetSafe(t *testing.T) {
	e := newEnv(t)
	ed := newEdition(t, e)
	m := strings.Replace(manifest("formule", "1.0.0"), `"Tool formule"`, `"=HYPERLINK(\"http://evil\")"`, 1)
	e.do(req{method: "POST", path: "/api/v1/plugins", token: ed.owner, body: m}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/formule/publish", token: ed.owner}).want(200)
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]string{"plugin": "formule"}}).want(201)
	ed.assign(t)
	res := e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/leaderboard.csv?normalize=zscore", token: ed.org}).want(200)
	if ct := res.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	rows, err := csv.NewReader(strings.NewReader(res.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], []string{"rank", "plugin", "name", "score", "reviews", "impact", "rights"}) || len(rows) != 4 {
		t.Fatalf("csv = %v", rows)
	}
	for _, row := range rows[1:] {
		if strings.HasPrefix(row[2], "=") || (row[1] == "formule" && row[2] != `'=HYPERLINK("http://evil")`) {
			t.Fatalf("formula not neutralised: %v", row)
		}
	}
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/leaderboard?normalize=rank", token: ed.org}).problem(400)
}

func TestHackathonValidation(t *testing.T) {
	e := newEnv(t)
	_, org := e.user("org@example.org", auth.RoleOrganizer)
	p := e.do(req{method: "POST", path: "/api/v1/hackathons", token: org, body: map[string]any{
		"slug": "Bad Slug", "name": "", "starts_at": "tomorrow", "ends_at": "2026-01-01T00:00:00Z",
		"submission_deadline": "2026-01-02T00:00:00Z", "judging_deadline": "2026-01-01T00:00:00Z", "rubric": []any{},
	}}).problem(422)
	if !slices.Equal(fields(p), []string{"starts_at"}) {
		t.Fatalf("bad date: %+v", p)
	}
	p = e.do(req{method: "POST", path: "/api/v1/hackathons", token: org, body: map[string]any{
		"slug": "Bad Slug", "name": "", "starts_at": "2026-01-03T00:00:00Z", "ends_at": "2026-01-01T00:00:00Z",
		"submission_deadline": "2026-01-02T00:00:00Z", "judging_deadline": "2026-01-01T00:00:00Z",
		"rubric": []map[string]any{{"key": "a", "label": "A", "weight": -1}},
	}}).problem(422)
	got := fields(p)
	slices.Sort(got)
	if !slices.Equal(got, []string{"ends_at", "judging_deadline", "name", "rubric[0].weight", "slug", "submission_deadline"}) {
		t.Fatalf("fields %v", got)
	}
	if _, err := e.store.HackathonBySlug(context.Background(), "bad-slug"); err == nil {
		t.Fatal("an invalid edition was stored")
	}
	// How many judges read each entry: 2 unless said, 1 to 10.
	edition := map[string]any{"slug": "lyon-2026", "name": "Lyon", "starts_at": "2026-01-01T00:00:00Z", "ends_at": "2026-01-03T00:00:00Z",
		"submission_deadline": "2026-01-02T00:00:00Z", "judging_deadline": "2026-01-03T00:00:00Z",
		"rubric": []map[string]any{{"key": "a", "label": "A", "weight": 1}}}
	var hk api.HackathonResponse
	e.do(req{method: "POST", path: "/api/v1/hackathons", token: org, body: edition}).want(201).json(&hk)
	if hk.JudgesPerSubmission != 2 {
		t.Fatalf("judges per entry by default: %d", hk.JudgesPerSubmission)
	}
	p = e.do(req{method: "PATCH", path: "/api/v1/hackathons/lyon-2026", token: org, body: map[string]any{"judges_per_submission": 11}}).problem(422)
	if !slices.Equal(fields(p), []string{"judges_per_submission"}) {
		t.Fatalf("eleven judges per entry: %+v", p)
	}
	e.do(req{method: "PATCH", path: "/api/v1/hackathons/lyon-2026", token: org, body: map[string]any{"judges_per_submission": 3}}).want(200).json(&hk)
	if hk.JudgesPerSubmission != 3 {
		t.Fatalf("judges per entry after the change: %d", hk.JudgesPerSubmission)
	}
}

// review sends a judge's scores for an entry.
func (ed *edition) review(judge, plugin string, body any) response {
	ed.e.t.Helper()
	return ed.e.do(req{method: "PUT", path: "/api/v1/hackathons/paris-2026/submissions/" + plugin + "/review", token: ed.judges[judge], body: body})
}

// leaderboard reads the leaderboard as token (organizer if empty string is
// not wanted, pass ed.org).
func (ed *edition) leaderboard(token, normalize string) api.LeaderboardResponse {
	ed.e.t.Helper()
	var lb api.LeaderboardResponse
	ed.e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/leaderboard?normalize=" + normalize, token: token}).want(200).json(&lb)
	return lb
}

// csvRow returns the CSV leaderboard's row for a plugin.
func (ed *edition) csvRow(normalize, plugin string) []string {
	ed.e.t.Helper()
	res := ed.e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/leaderboard.csv?normalize=" + normalize, token: ed.org}).want(200)
	rows, err := csv.NewReader(strings.NewReader(res.Body.String())).ReadAll()
	if err != nil {
		ed.e.t.Fatal(err)
	}
	for _, r := range rows {
		if r[1] == plugin {
			return r
		}
	}
	ed.e.t.Fatalf("no row for %s in %v", plugin, rows)
	return nil
}

func rowOf(lb api.LeaderboardResponse, plugin string) api.LeaderboardRow {
	for _, r := range lb.Rows {
		if r.Plugin == plugin {
			return r
		}
	}
	return api.LeaderboardRow{}
}

// other returns the judge on alerte who is not j3.
func (ed *edition) other(assigned map[string][]string) string {
	if assigned["alerte"][0] == "j3" {
		return assigned["alerte"][1]
	}
	return assigned["alerte"][0]
}

func TestConflictArisingAfterAssignment(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) { conflictArisingAfterAssignment(t, e) })
}

func conflictArisingAfterAssignment(t *testing.T, e *env) {
	ed := newEdition(t, e)
	assigned := ed.assign(t)
	x := ed.other(assigned) // on alerte and bouclier
	y := "j1"
	if x == "j1" {
		y = "j2"
	}
	e.clock.Set(t0.Add(25 * time.Hour))
	ed.review(x, "alerte", scores(10, 5)).want(200)   // 100
	ed.review("j3", "alerte", scores(2, 1)).want(200) // 15
	ed.review(x, "bouclier", scores(4, 3)).want(200)
	ed.review(y, "bouclier", scores(6, 3)).want(200)
	if r := rowOf(ed.leaderboard(ed.org, "none"), "alerte"); *r.Score != 57.5 || r.Reviews != 2 {
		t.Fatalf("before the collaboration: %+v", r)
	}

	// The team makes x a collaborator of alerte after x scored it 100.
	e.do(req{method: "POST", path: "/api/v1/plugins/alerte/collaborators", token: ed.owner, body: map[string]string{"email": x + "@example.org"}}).want(201)
	if p := ed.review(x, "alerte", scores(9, 5)).problem(403); !strings.Contains(p.Detail, "collaborator of the plugin since ") {
		t.Fatalf("a collaborator scored the entry: %+v", p)
	}
	// x's review no longer counts, in every leaderboard; the organizer sees why.
	raw := ed.leaderboard(ed.org, "none")
	if r := rowOf(raw, "alerte"); *r.Score != 15 || r.Reviews != 1 || rowOf(raw, "bouclier").Reviews != 2 {
		t.Fatalf("raw leaderboard counts the collaborator's review: %+v", raw.Rows)
	}
	if len(raw.ExcludedReviews) != 1 || raw.ExcludedReviews[0].JudgeID != ed.ids[x] || raw.ExcludedReviews[0].Plugin != "alerte" ||
		raw.ExcludedReviews[0].Kind != "collaborator" || !strings.HasPrefix(raw.ExcludedReviews[0].Reason, "collaborator of the plugin since") {
		t.Fatalf("excluded reviews: %+v", raw.ExcludedReviews)
	}
	if r := rowOf(ed.leaderboard(ed.org, "zscore"), "alerte"); r.Reviews != 1 {
		t.Fatalf("z-score leaderboard counts the collaborator's review: %+v", r)
	}
	for n, score := range map[string]string{"none": "15.0000", "zscore": "0.0000"} {
		if row := ed.csvRow(n, "alerte"); row[3] != score || row[4] != "1" {
			t.Fatalf("CSV (%s) row %v", n, row)
		}
	}
	// x's assignment is dropped: gone from the queue and the entry hidden.
	var queue api.List[api.QueueItem]
	e.do(req{method: "GET", path: "/api/v1/judging/queue", token: ed.judges[x]}).want(200).json(&queue)
	if len(queue.Items) != 1 || queue.Items[0].Plugin != "bouclier" {
		t.Fatalf("queue of the collaborator: %+v", queue.Items)
	}
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.judges[x]}).want(404)
	var list api.AssignmentsResponse
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/assignments", token: ed.org}).want(200).json(&list)
	dropped := 0
	for _, a := range list.Assignments {
		if a.Dropped {
			dropped++
			if a.JudgeID != ed.ids[x] || a.Plugin != "alerte" || !a.Reviewed || !strings.HasPrefix(a.DroppedReason, "collaborator of the plugin since") {
				t.Fatalf("dropped assignment %+v", a)
			}
		}
	}
	if dropped != 1 || !slices.ContainsFunc(list.Conflicts, func(c api.ConflictResponse) bool {
		return c.JudgeID == ed.ids[x] && c.Plugin == "alerte" && c.Kind == "collaborator"
	}) {
		t.Fatalf("assignments %+v, conflicts %+v", list.Assignments, list.Conflicts)
	}

	// Running the assignment again gives alerte another judge, and says which pairs have reviews.
	var run api.AssignResponse
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/assignments", token: ed.org, body: map[string]int{"judges_per_submission": 2}}).want(200).json(&run)
	got := map[string]bool{}
	for _, a := range run.Assignments {
		got[fmt.Sprintf("%d %s %v", a.JudgeID, a.Plugin, a.Reviewed)] = true
	}
	want := map[string]bool{fmt.Sprintf("%d alerte true", ed.ids["j3"]): true, fmt.Sprintf("%d alerte false", ed.ids[y]): true,
		fmt.Sprintf("%d bouclier true", ed.ids[x]): true, fmt.Sprintf("%d bouclier true", ed.ids[y]): true}
	if len(run.Assignments) != 4 || !maps.Equal(got, want) || len(run.Uncovered) != 0 {
		t.Fatalf("new assignment %v, want %v (uncovered %v)", got, want, run.Uncovered)
	}

	// Once published, the results stay as they were, whatever becomes of collaborators.
	e.clock.Set(t0.Add(49 * time.Hour))
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/publish-results", token: ed.org}).want(200)
	before := ed.leaderboard("", "none")
	e.do(req{method: "DELETE", path: "/api/v1/plugins/alerte/collaborators/" + itoa(ed.ids[x]), token: ed.owner}).want(204)
	e.do(req{method: "POST", path: "/api/v1/plugins/bouclier/collaborators", token: ed.owner2, body: map[string]string{"email": y + "@example.org"}}).want(201)
	after := ed.leaderboard("", "none")
	if rowOf(after, "alerte").Reviews != 1 || rowOf(after, "bouclier").Reviews != 2 || !slices.EqualFunc(before.Rows, after.Rows, sameRow) ||
		after.ExcludedReviews != nil {
		t.Fatalf("published leaderboard changed: %+v, then %+v", before, after)
	}
	var d api.SubmissionDetailResponse
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.owner}).want(200).json(&d)
	if len(d.Reviews) != 1 || d.Reviews[0].Scores["impact"] != 2 {
		t.Fatalf("the team sees a review that does not count: %+v", d.Reviews)
	}
}

func sameRow(a, b api.LeaderboardRow) bool {
	return a.Plugin == b.Plugin && a.Reviews == b.Reviews && value(a.Score) == value(b.Score) && value(a.Rank) == value(b.Rank)
}

// value is what p points to, or nil.
func value[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestDeclaredConflictsAndPublishedResults(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) { declaredConflictsAndPublishedResults(t, e) })
}

func declaredConflictsAndPublishedResults(t *testing.T, e *env) {
	ed := newEdition(t, e)
	assigned := ed.assign(t)
	x := ed.other(assigned)
	e.clock.Set(t0.Add(25 * time.Hour))
	ed.review(x, "alerte", scores(10, 5)).want(200)
	ed.review("j3", "alerte", scores(2, 1)).want(200)

	// An organizer declares a conflict after j3 scored: the review stays, set aside.
	var cf api.ConflictResponse
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/conflicts", token: ed.org,
		body: map[string]any{"judge_id": ed.ids["j3"], "plugin": "alerte", "reason": "Cousin of the team"}}).want(201).json(&cf)
	if cf.JudgeID != ed.ids["j3"] || cf.Kind != "declared" || cf.Reason != "Cousin of the team" {
		t.Fatalf("conflict %+v", cf)
	}
	if p := ed.review("j3", "alerte", scores(3, 1)).problem(403); !strings.Contains(p.Detail, "declared: Cousin of the team") {
		t.Fatalf("a conflicted judge scored: %+v", p)
	}
	lb := ed.leaderboard(ed.org, "none")
	if r := rowOf(lb, "alerte"); *r.Score != 100 || r.Reviews != 1 || len(lb.ExcludedReviews) != 1 ||
		lb.ExcludedReviews[0].Reason != "declared: Cousin of the team" {
		t.Fatalf("leaderboard after the declaration: %+v", lb)
	}
	var d api.SubmissionDetailResponse
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.org}).want(200).json(&d)
	if len(d.Reviews) != 2 {
		t.Fatalf("the organizer no longer sees the review set aside: %+v", d.Reviews)
	}

	// After publication, nothing that would change the results is accepted.
	e.clock.Set(t0.Add(49 * time.Hour))
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/publish-results", token: ed.org}).want(200)
	before := ed.leaderboard("", "zscore")
	h := "/api/v1/hackathons/paris-2026"
	for _, r := range []req{
		{method: "POST", path: h + "/conflicts", token: ed.org, body: map[string]any{"judge_id": ed.ids[x], "plugin": "alerte", "reason": "late"}},
		{method: "POST", path: h + "/conflicts", token: ed.judges[x], body: map[string]any{"plugin": "alerte", "reason": "late"}},
		{method: "PUT", path: h + "/submissions/alerte/review", token: ed.judges[x], body: scores(1, 1)},
		{method: "POST", path: h + "/submissions/alerte/decision", token: ed.org, body: map[string]string{"status": "rejected"}},
		{method: "POST", path: h + "/assignments", token: ed.org, body: map[string]int{"judges_per_submission": 2}},
	} {
		if p := e.do(r).problem(409); !strings.Contains(p.Detail, "results are published") {
			t.Errorf("%s %s: %+v", r.method, r.path, p)
		}
	}
	if after := ed.leaderboard("", "zscore"); !slices.EqualFunc(before.Rows, after.Rows, sameRow) || rowOf(after, "alerte").Reviews != 1 {
		t.Fatalf("published leaderboard changed: %+v, then %+v", before.Rows, after.Rows)
	}
}

func TestRecusalNeedsNoJudgeID(t *testing.T) {
	e := newEnv(t)
	ed := newEdition(t, e)
	var cf api.ConflictResponse
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/conflicts", token: ed.judges["j2"],
		body: map[string]any{"plugin": "alerte", "reason": "I mentored this team"}}).want(201).json(&cf)
	if cf.JudgeID != ed.ids["j2"] || cf.Plugin != "alerte" || cf.Kind != "declared" {
		t.Fatalf("recusal %+v", cf)
	}
	p := e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/conflicts", token: ed.org,
		body: map[string]any{"plugin": "alerte", "reason": "x"}}).problem(422)
	if !slices.Equal(fields(p), []string{"judge_id"}) {
		t.Fatalf("an organizer's declaration without a judge: %+v", p)
	}
	var list api.AssignmentsResponse
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/assignments", token: ed.org}).want(200).json(&list)
	if !slices.ContainsFunc(list.Conflicts, func(c api.ConflictResponse) bool {
		return c.JudgeID == ed.ids["j2"] && c.Plugin == "alerte" && c.Reason == "I mentored this team"
	}) {
		t.Fatalf("conflicts %+v", list.Conflicts)
	}
}

func TestJudgingStartsAtTheSubmissionDeadline(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) { judgingStartsAtTheSubmissionDeadline(t, e) })
}

func judgingStartsAtTheSubmissionDeadline(t *testing.T, e *env) {
	ed := newEdition(t, e)
	assigned := ed.assign(t)
	x := ed.other(assigned)
	h := "/api/v1/hackathons/paris-2026"
	var hk api.HackathonResponse
	e.do(req{method: "GET", path: h}).want(200).json(&hk)
	if !hk.JudgingStartsAt.Equal(t0.Add(24*time.Hour)) || hk.Phase != "open" {
		t.Fatalf("judging starts at %s (phase %s), want the submission deadline", hk.JudgingStartsAt, hk.Phase)
	}
	// While entries are accepted, no score, and the rubric stays open to change.
	if p := ed.review(x, "alerte", scores(5, 3)).problem(409); !strings.Contains(p.Detail, "judging opens at 2026-03-15 09:00 UTC") {
		t.Fatalf("review while entries are accepted: %+v", p)
	}
	rubric := []map[string]any{{"key": "impact", "label": "Impact", "weight": 2}, {"key": "rights", "label": "Respect of rights", "weight": 1, "min": 1, "max": 5}}
	e.do(req{method: "PATCH", path: h, token: ed.org, body: map[string]any{"rubric": rubric}}).want(200)

	// The edition may open judging earlier, but not after its deadline nor before it starts.
	for at, field := range map[string]string{t0.Add(48 * time.Hour).Format(time.RFC3339): "judging_starts_at",
		t0.Add(-2 * time.Hour).Format(time.RFC3339): "judging_starts_at", "soon": "judging_starts_at"} {
		if p := e.do(req{method: "PATCH", path: h, token: ed.org, body: map[string]any{"judging_starts_at": at}}).problem(422); !slices.Equal(fields(p), []string{field}) {
			t.Fatalf("judging_starts_at %s: %+v", at, p)
		}
	}
	early := t0.Add(-30 * time.Minute)
	e.do(req{method: "PATCH", path: h, token: ed.org, body: map[string]any{"judging_starts_at": early.Format(time.RFC3339)}}).want(200).json(&hk)
	if !hk.JudgingStartsAt.Equal(early) {
		t.Fatalf("judging starts at %s, want %s", hk.JudgingStartsAt, early)
	}
	e.do(req{method: "PATCH", path: h, token: ed.org, body: map[string]any{"city": "Lyon"}}).want(200).json(&hk)
	if !hk.JudgingStartsAt.Equal(early) {
		t.Fatalf("a patch of another field moved judging_starts_at to %s", hk.JudgingStartsAt)
	}
	ed.review(x, "alerte", scores(5, 3)).want(200)
	e.do(req{method: "PATCH", path: h, token: ed.org, body: map[string]any{"rubric": []map[string]any{{"key": "impact", "label": "Impact", "weight": 5}}}}).problem(409)
	e.do(req{method: "PATCH", path: h, token: ed.org, body: map[string]any{"judging_starts_at": ""}}).want(200).json(&hk)
	if !hk.JudgingStartsAt.Equal(t0.Add(24 * time.Hour)) {
		t.Fatalf("judging starts at %s after a reset, want the submission deadline", hk.JudgingStartsAt)
	}
	ed.review(x, "alerte", scores(6, 3)).problem(409)

	// Set when the edition is created.
	e.do(req{method: "POST", path: "/api/v1/hackathons", token: ed.org, body: map[string]any{
		"slug": "lyon-2026", "name": "Lyon", "starts_at": "2026-05-01T09:00:00Z", "ends_at": "2026-05-02T18:00:00Z",
		"submission_deadline": "2026-05-02T12:00:00Z", "judging_deadline": "2026-05-09T12:00:00Z", "judging_starts_at": "2026-05-02T14:00:00Z",
		"rubric": rubric}}).want(201).json(&hk)
	if !hk.JudgingStartsAt.Equal(time.Date(2026, 5, 2, 14, 0, 0, 0, time.UTC)) {
		t.Fatalf("created with judging starting at %s", hk.JudgingStartsAt)
	}
}

func TestHackathonBodiesRefuseUnknownFields(t *testing.T) {
	e := newEnv(t)
	_, org := e.user("org@example.org", auth.RoleOrganizer)
	body := map[string]any{"slug": "lyon-2026", "name": "Lyon", "starts_at": "2026-05-01T09:00:00Z", "ends_at": "2026-05-02T18:00:00Z",
		"submission_deadline": "2026-05-02T12:00:00Z", "judging_deadline": "2026-05-09T12:00:00Z", "format": "elo",
		"rubric": []map[string]any{{"key": "impact", "label": "Impact", "weight": 1, "colour": "red"}}}
	p := e.do(req{method: "POST", path: "/api/v1/hackathons", token: org, body: body}).problem(422)
	if !slices.Equal(fields(p), []string{"format", "rubric[0].colour"}) {
		t.Fatalf("unknown fields: %+v", p)
	}
	if _, err := e.store.HackathonBySlug(context.Background(), "lyon-2026"); err == nil {
		t.Fatal("an edition with unknown fields was stored")
	}
	delete(body, "format")
	body["rubric"] = []map[string]any{{"key": "impact", "label": "Impact", "weight": 1}}
	e.do(req{method: "POST", path: "/api/v1/hackathons", token: org, body: body}).want(201)
	p = e.do(req{method: "PATCH", path: "/api/v1/hackathons/lyon-2026", token: org, body: map[string]any{"city": "Paris", "format": "elo"}}).problem(422)
	if !slices.Equal(fields(p), []string{"format"}) {
		t.Fatalf("unknown fields in a patch: %+v", p)
	}
	var hk api.HackathonResponse
	e.do(req{method: "GET", path: "/api/v1/hackathons/lyon-2026"}).want(200).json(&hk)
	if hk.City != "" {
		t.Fatalf("a refused patch changed the city to %q", hk.City)
	}
	// Malformed JSON is still a 400.
	e.do(req{method: "PATCH", path: "/api/v1/hackathons/lyon-2026", token: org, body: `{"city":`}).problem(400)
}

func TestReviewScoresAreWholeNumbersOfTheRubric(t *testing.T) {
	e := newEnv(t)
	ed := newEdition(t, e)
	assigned := ed.assign(t)
	x := ed.other(assigned)
	e.clock.Set(t0.Add(25 * time.Hour))
	for _, tc := range []struct {
		scores string
		want   []string
	}{
		{`{"impact": null, "rights": 3}`, []string{"scores.impact"}},
		{`{"impact": 7.5, "rights": 3}`, []string{"scores.impact"}},
		{`{"impact": 7}`, []string{"scores.rights"}},
		{`{"impact": 7, "rights": 3, "charm": 9}`, []string{"scores.charm"}},
		{`{"impact": null, "charm": 1}`, []string{"scores.charm", "scores.impact", "scores.rights"}},
	} {
		p := ed.review(x, "alerte", `{"scores": `+tc.scores+`}`).problem(422)
		got := fields(p)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("scores %s: problems %+v, want fields %v", tc.scores, p.Errors, tc.want)
		}
	}
	var d api.SubmissionDetailResponse
	e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.judges[x]}).want(200).json(&d)
	if len(d.Reviews) != 0 {
		t.Fatalf("a refused review was stored: %+v", d.Reviews)
	}
	var rv api.ReviewResponse
	ed.review(x, "alerte", `{"scores": {"impact": 7.0, "rights": 3}, "comment": "ok"}`).want(200).json(&rv)
	if rv.Scores["impact"] != 7 || rv.Scores["rights"] != 3 {
		t.Fatalf("saved scores %+v", rv.Scores)
	}
}

func TestReviewSavesAndEntriesAreAudited(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		_, admin := e.user("admin@example.org", auth.RoleAdmin)
		assigned := ed.assign(t)
		x := ed.other(assigned)
		e.do(req{method: "POST", path: "/api/v1/plugins/alerte/versions", token: ed.owner, body: manifest("alerte", "1.1.0")}).want(201)
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]string{"plugin": "alerte"}}).want(200)
		e.publishedPlugin(ed.owner, "courte")
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]string{"plugin": "courte"}}).want(201)
		e.do(req{method: "DELETE", path: "/api/v1/hackathons/paris-2026/submissions/courte", token: ed.owner}).want(204)
		e.clock.Set(t0.Add(25 * time.Hour))
		ed.review(x, "alerte", scores(8, 4)).want(200)
		ed.review(x, "alerte", scores(9, 4)).want(200)

		var log api.List[api.AuditEntryResponse]
		e.do(req{method: "GET", path: "/api/v1/audit?limit=100", token: admin}).want(200).json(&log)
		var got []string
		for _, a := range slices.Backward(log.Items) {
			d := a.Details
			switch a.Action {
			case "submission.enter", "submission.withdraw":
				got = append(got, fmt.Sprintf("%s %s %v %v by %d", a.Action, d["plugin"], d["version"], d["created"], *a.ActorID))
			case "review.save":
				got = append(got, fmt.Sprintf("%s %s %v %v judge %v impact %v", a.Action, d["plugin"], d["version"], d["created"],
					d["judge_id"], d["scores"].(map[string]any)["impact"]))
			}
		}
		owner := ed.ids["owner"]
		want := []string{
			fmt.Sprintf("submission.enter alerte 1.0.0 true by %d", owner),
			fmt.Sprintf("submission.enter bouclier 1.0.0 true by %d", ed.ids["owner2"]),
			fmt.Sprintf("submission.enter alerte 1.1.0 false by %d", owner),
			fmt.Sprintf("submission.enter courte 1.0.0 true by %d", owner),
			fmt.Sprintf("submission.withdraw courte 1.0.0 <nil> by %d", owner),
			fmt.Sprintf("review.save alerte 1.1.0 true judge %d impact 8", ed.ids[x]),
			fmt.Sprintf("review.save alerte 1.1.0 false judge %d impact 9", ed.ids[x]),
		}
		if !slices.Equal(got, want) {
			t.Fatalf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func TestZScoreLeaderboardKeepsFourDecimals(t *testing.T) {
	e := newEnv(t)
	ed := newEdition(t, e)
	e.publishedPlugin(ed.owner, "chaine")
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]string{"plugin": "chaine"}}).want(201)
	for _, p := range []string{"alerte", "bouclier"} {
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/conflicts", token: ed.judges["j4"],
			body: map[string]any{"plugin": p, "reason": "on leave"}}).want(201)
	}
	// Three judges per entry: j1 and j2 read all three, so their z-scores
	// are not whole numbers.
	var run api.AssignResponse
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/assignments", token: ed.org, body: map[string]int{"judges_per_submission": 3}}).want(200).json(&run)
	e.clock.Set(t0.Add(25 * time.Hour))
	for i, a := range run.Assignments {
		for n, id := range ed.ids {
			if id == a.JudgeID {
				ed.review(n, a.Plugin, scores(1+(i*7)%10, 1+i%5)).want(200)
			}
		}
	}
	for _, n := range []string{"none", "zscore"} {
		res := e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/leaderboard?normalize=" + n, token: ed.org}).want(200)
		var lb struct {
			Rows []struct {
				Score json.Number `json:"score"`
			} `json:"rows"`
		}
		dec := json.NewDecoder(strings.NewReader(res.Body.String()))
		dec.UseNumber()
		if err := dec.Decode(&lb); err != nil {
			t.Fatal(err)
		}
		for _, r := range lb.Rows {
			s := r.Score.String()
			whole, frac, _ := strings.Cut(s, ".")
			if strings.ContainsAny(s, "eE") || len(frac) > 4 || whole == "-0" && strings.Trim(frac, "0") == "" {
				t.Errorf("%s leaderboard: score %s, want at most four decimals like the CSV", n, s)
			}
		}
	}
}
