package api_test

import (
	"context"
	"encoding/csv"
	"fmt"
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
	e.clock.set(t0)
	ed := &edition{e: e, judges: map[string]string{}, ids: map[string]int64{}}
	_, ed.org = e.user("org@example.org", auth.RoleOrganizer)
	_, ed.owner = e.user("owner@example.org", auth.RoleParticipant)
	_, ed.owner2 = e.user("owner2@example.org", auth.RoleParticipant)
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
		{"PUT", h + "/submissions/alerte/review", scores(7, 4), map[string]int{"anonymous": 401, "assigned judge": 200, "conflicted judge": 200}, 404},
		{"PUT", h + "/submissions/bouclier/review", scores(7, 4), map[string]int{"anonymous": 401, "assigned judge": 200}, 404},
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
	e.clock.set(t0.Add(25 * time.Hour))
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]string{"plugin": "alerte"}}).problem(409)
	e.do(req{method: "DELETE", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.owner}).problem(409)
	review(a, scores(7, 5)).want(200)
	e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/publish-results", token: ed.org}).problem(409)
	e.clock.set(t0.Add(49 * time.Hour))
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
}
