package api_test

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
)

const pw = "/api/v1/hackathons/duel-2026"

// duel is an edition judged pairwise: five entries by owner (alerte,
// bouclier, contre, digue, echo), one by owner2 (fanal) on which j3
// collaborates, and three judges; judging is open at t0.
type duel struct {
	e                *env
	org, stranger    string
	judges           map[string]string
	ids              map[string]int64
	entries          []string
	ownerTok, owner2 string
}

func newDuel(t *testing.T, e *env) *duel {
	t.Helper()
	e.clock.Set(t0)
	d := &duel{e: e, judges: map[string]string{}, ids: map[string]int64{},
		entries: []string{"alerte", "bouclier", "contre", "digue", "echo", "fanal"}}
	_, d.org = e.user("org@example.org", auth.RoleOrganizer)
	_, d.ownerTok = e.user("owner@example.org", auth.RoleParticipant)
	_, d.owner2 = e.user("owner2@example.org", auth.RoleParticipant)
	_, d.stranger = e.user("stranger@example.org", auth.RoleParticipant)
	for _, n := range []string{"j1", "j2", "j3", "j4"} {
		u, tok := e.user(n+"@example.org", auth.RoleJudge)
		d.judges[n], d.ids[n] = tok, u.ID
	}
	for _, p := range d.entries[:5] {
		e.publishedPlugin(d.ownerTok, p)
	}
	e.publishedPlugin(d.owner2, "fanal")
	e.do(req{method: "POST", path: "/api/v1/plugins/fanal/collaborators", token: d.owner2, body: map[string]string{"email": "j3@example.org"}}).want(201)
	var h api.HackathonResponse
	e.do(req{method: "POST", path: "/api/v1/hackathons", token: d.org, body: map[string]any{
		"slug": "duel-2026", "name": "Duel 2026", "judging_mode": "pairwise",
		"starts_at": t0.Add(-time.Hour).Format(time.RFC3339), "ends_at": t0.Add(24 * time.Hour).Format(time.RFC3339),
		"submission_deadline": t0.Add(24 * time.Hour).Format(time.RFC3339), "judging_deadline": t0.Add(48 * time.Hour).Format(time.RFC3339),
		"judging_starts_at": t0.Format(time.RFC3339),
		"rubric":            []map[string]any{{"key": "impact", "label": "Impact", "weight": 1}},
	}}).want(201).json(&h)
	if h.JudgingMode != "pairwise" {
		t.Fatalf("judging_mode = %q", h.JudgingMode)
	}
	for _, n := range []string{"j1", "j2", "j3"} {
		e.do(req{method: "POST", path: pw + "/judges", token: d.org, body: map[string]int64{"user_id": d.ids[n]}}).want(201)
	}
	for _, p := range d.entries {
		tok := d.ownerTok
		if p == "fanal" {
			tok = d.owner2
		}
		e.do(req{method: "POST", path: pw + "/submissions", token: tok, body: map[string]string{"plugin": p}}).want(201)
	}
	return d
}

func (d *duel) next(judge string) api.PairResponse {
	d.e.t.Helper()
	var p api.PairResponse
	d.e.do(req{method: "GET", path: pw + "/pairwise/next", token: d.judges[judge]}).want(200).json(&p)
	return p
}

func (d *duel) vote(judge string, body any) api.PairResponse {
	d.e.t.Helper()
	var p api.PairResponse
	d.e.do(req{method: "POST", path: pw + "/pairwise/vote", token: d.judges[judge], body: body}).want(200).json(&p)
	return p
}

func (d *duel) leaderboard() api.LeaderboardResponse {
	d.e.t.Helper()
	var lb api.LeaderboardResponse
	d.e.do(req{method: "GET", path: pw + "/leaderboard", token: d.org}).want(200).json(&lb)
	return lb
}

// showAll votes through every entry, current better when better says so,
// and returns the entries the judge was shown, in order.
func (d *duel) showAll(judge string, better func(prev, cur string) bool) []string {
	d.e.t.Helper()
	p := d.next(judge)
	var shown []string
	for !p.Done {
		shown = append(shown, p.Current.Plugin)
		if p.Previous == nil {
			p = d.vote(judge, map[string]any{})
			continue
		}
		p = d.vote(judge, map[string]bool{"current_better": better(p.Previous.Plugin, p.Current.Plugin)})
	}
	return shown
}

func TestPairwiseJudging(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		d := newDuel(t, e)
		first := d.next("j1")
		if first.Previous != nil || first.Current == nil || first.Current.Version != "1.0.0" || first.Current.Name == "" {
			t.Fatalf("first pair = %+v", first)
		}
		if again := d.next("j1"); again.Current.Plugin != first.Current.Plugin {
			t.Fatalf("the current entry moved without a vote: %s then %s", first.Current.Plugin, again.Current.Plugin)
		}
		second := d.vote("j1", map[string]any{})
		if second.Previous == nil || second.Previous.Plugin != first.Current.Plugin || second.Current == nil ||
			second.Current.Plugin == first.Current.Plugin {
			t.Fatalf("after the first entry: %+v", second)
		}
		p := e.do(req{method: "POST", path: pw + "/pairwise/vote", token: d.judges["j1"], body: map[string]any{}}).problem(422)
		if !slices.Equal(fields(p), []string{"current_better"}) {
			t.Fatalf("fields = %v", fields(p))
		}
		third := d.vote("j1", map[string]bool{"current_better": true})
		if third.Previous.Plugin != second.Current.Plugin || third.Current == nil {
			t.Fatalf("after a vote: %+v", third)
		}
		lb := d.leaderboard()
		win, lose := rowOf(lb, second.Current.Plugin), rowOf(lb, first.Current.Plugin)
		if *win.Rank != 1 || *win.Score <= 0 || *lose.Score >= 0 || *win.Comparisons != 1 || *lose.Comparisons != 1 ||
			*win.Sigma >= 1 || *win.Sigma <= 0 {
			t.Fatalf("after one vote: winner %+v loser %+v", win, lose)
		}
		votes, err := e.Store.PairwiseVotes(context.Background(), mustEdition(t, e).ID)
		if err != nil || len(votes) != 1 || votes[0].WinnerSlug != second.Current.Plugin || votes[0].WinnerVersion != "1.0.0" ||
			votes[0].LoserVersion != "1.0.0" || votes[0].JudgeID != d.ids["j1"] {
			t.Fatalf("votes = %+v, %v", votes, err)
		}

		// Nobody is shown an entry twice, nor one they are conflicted
		// with; a skipped entry is never shown again.
		shown := append([]string{first.Current.Plugin, second.Current.Plugin}, d.showAll("j1", func(a, b string) bool { return b < a })...)
		if !sameSet(shown, d.entries) {
			t.Fatalf("j1 was shown %v", shown)
		}
		if shown := d.showAll("j3", func(a, b string) bool { return b < a }); slices.Contains(shown, "fanal") || len(shown) != 5 || !unique(shown) {
			t.Fatalf("j3, collaborator of fanal, was shown %v", shown)
		}
		skipped := d.next("j2").Current.Plugin
		p = e.do(req{method: "POST", path: pw + "/pairwise/skip", token: d.judges["j2"], body: map[string]string{"reason": "lunch"}}).problem(422)
		if !slices.Equal(fields(p), []string{"reason"}) {
			t.Fatalf("fields = %v", fields(p))
		}
		var after api.PairResponse
		e.do(req{method: "POST", path: pw + "/pairwise/skip", token: d.judges["j2"], body: map[string]string{"reason": "absent"}}).want(200).json(&after)
		if after.Previous != nil || after.Current == nil || after.Current.Plugin == skipped {
			t.Fatalf("after a skip: %+v", after)
		}
		if shown := d.showAll("j2", func(a, b string) bool { return b < a }); slices.Contains(shown, skipped) || len(shown) != 5 {
			t.Fatalf("j2 skipped %s, then was shown %v", skipped, shown)
		}
		e.do(req{method: "POST", path: pw + "/pairwise/vote", token: d.judges["j2"], body: map[string]bool{"current_better": true}}).problem(409)

		var prog api.PairwiseProgressResponse
		e.do(req{method: "GET", path: pw + "/pairwise/progress", token: d.judges["j1"]}).problem(403)
		e.do(req{method: "GET", path: pw + "/pairwise/progress", token: d.org}).want(200).json(&prog)
		if prog.Votes != 5+4+4 || len(prog.Judges) != 3 || prog.Judges[0].Votes != 5 || prog.Judges[0].Seen != 6 ||
			prog.Judges[1].Skipped != 1 || len(prog.Entries) != 6 {
			t.Fatalf("progress = %+v", prog)
		}
		for i, en := range prog.Entries {
			if i > 0 && en.Comparisons < prog.Entries[i-1].Comparisons || (en.Plugin == skipped) != (en.Absent == 1) {
				t.Fatalf("progress entries = %+v", prog.Entries)
			}
		}
	})
}

func mustEdition(t *testing.T, e *env) struct{ ID int64 } {
	t.Helper()
	h, err := e.Store.HackathonBySlug(context.Background(), "duel-2026")
	if err != nil {
		t.Fatal(err)
	}
	return struct{ ID int64 }{h.ID}
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func unique(a []string) bool { return len(slices.Compact(slices.Sorted(slices.Values(a)))) == len(a) }

func TestPairwiseRefusals(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		d := newDuel(t, e)
		for name, tok := range map[string]string{"participant": d.stranger, "judge of no edition": d.judges["j4"], "organizer": d.org} {
			if p := e.do(req{method: "GET", path: pw + "/pairwise/next", token: tok}).problem(403); p.Status != 403 {
				t.Errorf("%s: %d", name, p.Status)
			}
		}
		e.do(req{method: "GET", path: pw + "/pairwise/next"}).problem(401)
		e.do(req{method: "GET", path: "/api/v1/hackathons/nowhere/pairwise/next", token: d.judges["j1"]}).problem(404)
		e.do(req{method: "POST", path: pw + "/assignments", token: d.org, body: map[string]int{"judges_per_submission": 2}}).problem(409)
		e.do(req{method: "PUT", path: pw + "/submissions/alerte/review", token: d.judges["j1"], body: map[string]any{"scores": map[string]int{"impact": 5}}}).problem(409)
		p := e.do(req{method: "PATCH", path: pw, token: d.org, body: map[string]string{"judging_mode": "elo"}}).problem(422)
		if !slices.Equal(fields(p), []string{"judging_mode"}) {
			t.Fatalf("fields = %v", fields(p))
		}
		e.do(req{method: "PATCH", path: pw, token: d.org, body: map[string]string{"judging_mode": "rubric"}}).want(200)
		e.do(req{method: "GET", path: pw + "/pairwise/next", token: d.judges["j1"]}).problem(409)
		e.do(req{method: "PATCH", path: pw, token: d.org, body: map[string]string{"judging_mode": "pairwise"}}).want(200)
		d.next("j1")
		d.vote("j1", map[string]any{})
		d.vote("j1", map[string]bool{"current_better": false})
		e.do(req{method: "PATCH", path: pw, token: d.org, body: map[string]string{"judging_mode": "rubric"}}).problem(409)
		e.do(req{method: "PATCH", path: pw, token: d.org, body: map[string]string{"judging_mode": "pairwise"}}).want(200)
		e.do(req{method: "GET", path: pw + "/leaderboard", token: d.stranger}).problem(403)

		e.clock.Set(t0.Add(49 * time.Hour))
		e.do(req{method: "POST", path: pw + "/pairwise/vote", token: d.judges["j1"], body: map[string]bool{"current_better": true}}).problem(409)
		e.do(req{method: "POST", path: pw + "/publish-results", token: d.org}).want(200)
		for _, r := range []req{{method: "GET", path: pw + "/pairwise/next"},
			{method: "POST", path: pw + "/pairwise/vote", body: map[string]bool{"current_better": true}},
			{method: "POST", path: pw + "/pairwise/skip", body: map[string]string{"reason": "absent"}}} {
			r.token = d.judges["j1"]
			e.do(r).problem(409)
		}
		var lb api.LeaderboardResponse
		e.do(req{method: "GET", path: pw + "/leaderboard", token: d.stranger}).want(200).json(&lb)
		if len(lb.Rows) != 6 || lb.Rows[0].Comparisons == nil || *lb.Rows[0].Comparisons != 1 || lb.Rows[5].Rank != nil {
			t.Fatalf("published leaderboard = %+v", lb.Rows)
		}
	})
}

// TestPairwiseLeaderboardFollowsVotes has three judges who all prefer the
// entry whose slug comes first; the leaderboard ranks the entries that
// way, and the CSV says the same.
func TestPairwiseLeaderboardFollowsVotes(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		d := newDuel(t, e)
		for _, j := range []string{"j1", "j2", "j3"} {
			d.showAll(j, func(prev, cur string) bool { return cur < prev })
		}
		lb := d.leaderboard()
		var got []string
		for _, r := range lb.Rows {
			got = append(got, r.Plugin)
		}
		if got[0] != "alerte" || got[len(got)-1] != "fanal" {
			t.Fatalf("ranking = %v", got)
		}
		for i := 1; i < len(lb.Rows); i++ {
			if *lb.Rows[i].Score > *lb.Rows[i-1].Score || *lb.Rows[i].Rank < *lb.Rows[i-1].Rank {
				t.Fatalf("rows out of order: %+v", lb.Rows)
			}
		}
		row := d.e.do(req{method: "GET", path: pw + "/leaderboard.csv", token: d.org}).want(200).Body.String()
		head := fmt.Sprintf("rank,plugin,name,score,sigma,comparisons\n1,alerte,%s,%.4f,%.4f,%d\n", lb.Rows[0].Name,
			*lb.Rows[0].Score, *lb.Rows[0].Sigma, *lb.Rows[0].Comparisons)
		if len(row) < len(head) || row[:len(head)] != head {
			t.Fatalf("csv = %q, want it to start with %q", row, head)
		}
	})
}

// TestPairwiseConcurrentVotesLoseNothing has the three judges vote at the
// same time; every vote counts twice in the entries' comparisons.
func TestPairwiseConcurrentVotesLoseNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		d := newDuel(t, e)
		judges := []string{"j1", "j2", "j3"}
		for _, j := range judges {
			d.next(j)
			d.vote(j, map[string]any{})
		}
		var wg sync.WaitGroup
		codes := make(chan int, 3*4)
		for _, j := range judges {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 4 {
					r := e.Do(platformRequest("POST", pw+"/pairwise/vote", d.judges[j], map[string]bool{"current_better": true}))
					codes <- r.Code
				}
			}()
		}
		wg.Wait()
		close(codes)
		for c := range codes {
			if c != 200 {
				t.Fatalf("a concurrent vote answered %d", c)
			}
		}
		lb := d.leaderboard()
		total := 0
		for _, r := range lb.Rows {
			total += *r.Comparisons
		}
		var prog api.PairwiseProgressResponse
		e.do(req{method: "GET", path: pw + "/pairwise/progress", token: d.org}).want(200).json(&prog)
		if prog.Votes != 12 || total != 24 {
			t.Fatalf("votes %d, comparisons %d; want 12 and 24", prog.Votes, total)
		}
		// Replaying the recorded votes one after the other gives the
		// stored scores: no update was computed from a stale state.
		votes, err := e.Store.PairwiseVotes(context.Background(), mustEdition(t, e).ID)
		if err != nil || len(votes) != 12 {
			t.Fatalf("votes = %d, %v", len(votes), err)
		}
		scores, reliab := map[string]judging.Contender{}, map[int64]judging.Judge{}
		for _, v := range votes {
			w, l, j := cmp.Or(scores[v.WinnerSlug], judging.NewContender(v.WinnerSlug)), cmp.Or(scores[v.LoserSlug], judging.NewContender(v.LoserSlug)), cmp.Or(reliab[v.JudgeID], judging.NewJudge())
			scores[v.WinnerSlug], scores[v.LoserSlug], reliab[v.JudgeID] = judging.Update(w, l, j)
		}
		for _, r := range lb.Rows {
			c := scores[r.Plugin]
			if math.Abs(c.Mu-*r.Score) > 1e-4 || math.Abs(math.Sqrt(c.Sigma2)-*r.Sigma) > 1e-4 {
				t.Errorf("%s: stored %v ± %v, replayed %v ± %v", r.Plugin, *r.Score, *r.Sigma, c.Mu, math.Sqrt(c.Sigma2))
			}
		}
	})
}

func platformRequest(method, path, token string, body any) platformtest.Request {
	return platformtest.Request{Method: method, Path: path, Token: token, Body: body}
}

// A conflict declared while an entry is in front of the judge takes it
// away at once, and the judge is never shown it again.
func TestPairwiseConflictDeclaredMidwayRemovesTheEntry(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		d := newDuel(t, e)
		d.next("j1")
		mid := d.vote("j1", map[string]any{}).Current.Plugin
		e.do(req{method: "POST", path: pw + "/conflicts", token: d.judges["j1"],
			body: map[string]any{"plugin": mid, "reason": "I mentored this team"}}).want(201)
		p := d.next("j1")
		if p.Current == nil || p.Current.Plugin == mid || p.Previous == nil {
			t.Fatalf("after the conflict: %+v", p)
		}
		if shown := d.showAll("j1", func(a, b string) bool { return b < a }); slices.Contains(shown, mid) {
			t.Fatalf("j1 declared a conflict with %s, then was shown %v", mid, shown)
		}
	})
}
