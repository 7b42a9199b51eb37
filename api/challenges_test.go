package api_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
)

const chPath = "/api/v1/hackathons/paris-2026/challenges"

// verifiedOrgMember returns an organisation verified by an administrator
// and the token of its owner.
func (e *env) verifiedOrgMember(email, name string) (string, string) {
	e.t.Helper()
	_, tok := e.user(email, auth.RoleParticipant)
	o := e.apply(tok, name)
	e.review(o.Slug, "verify")
	return o.Slug, tok
}

func (ed *edition) challenge(token string, body map[string]any, code int) api.ChallengeResponse {
	ed.e.t.Helper()
	var c api.ChallengeResponse
	r := ed.e.do(req{method: "POST", path: chPath, token: token, body: body}).want(code)
	if code == 201 {
		r.json(&c)
	}
	return c
}

func (ed *edition) challenges(token string) []api.ChallengeResponse {
	ed.e.t.Helper()
	var list []api.ChallengeResponse
	ed.e.do(req{method: "GET", path: chPath, token: token}).want(200).json(&list)
	return list
}

func titles(list []api.ChallengeResponse) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.Title)
	}
	return out
}

func TestChallengesCRUDAndProposals(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		orgSlug, member := e.verifiedOrgMember("ngo@example.org", "Abri Solidaire")
		_, unverifiedTok := e.user("pending@example.org", auth.RoleParticipant)
		pending := e.apply(unverifiedTok, "Pas Encore")

		// Validation names every field at once.
		p := e.do(req{method: "POST", path: chPath, token: ed.org, body: map[string]any{
			"title": "", "links": []map[string]string{{"label": "data", "url": "http://insecure.example.org"}},
			"prizes": []map[string]string{{"title": ""}}, "organization": pending.Slug, "brought_by": "Someone"}}).problem(422)
		for _, f := range []string{"title", "links[0].url", "prizes[0].title", "brought_by"} {
			if !slices.Contains(fields(p), f) {
				t.Errorf("422 fields %v lack %s", fields(p), f)
			}
		}
		ed.challenge(ed.org, map[string]any{"title": "T", "organization": pending.Slug}, 422)

		shelters := ed.challenge(ed.org, map[string]any{"title": "Shelters", "description": "Find shelter",
			"organization": orgSlug, "links": []map[string]string{{"label": "Data", "url": "https://data.example.org/abris"}},
			"prizes": []map[string]string{{"title": "Coup de cœur", "description": "Hosting"}}}, 201)
		if shelters.Status != "approved" || shelters.Organization == nil || shelters.Organization.Slug != orgSlug || len(shelters.Links) != 1 {
			t.Fatalf("created = %+v", shelters)
		}
		floods := ed.challenge(ed.org, map[string]any{"title": "Floods", "brought_by": "Ville de Paris"}, 201)

		// Organisations propose; others may not.
		ed.challenge(ed.stranger, map[string]any{"title": "Mine", "organization": orgSlug, "status": "proposed"}, 403)
		ed.challenge(member, map[string]any{"title": "Direct", "organization": orgSlug, "status": "approved"}, 403)
		proposal := ed.challenge(member, map[string]any{"title": "Heatwaves", "organization": orgSlug}, 201)
		if proposal.Status != "proposed" {
			t.Fatalf("proposal status = %q", proposal.Status)
		}
		if got := titles(ed.challenges("")); !slices.Equal(got, []string{"Shelters", "Floods"}) {
			t.Errorf("public list = %v", got)
		}
		if got := titles(ed.challenges(member)); !slices.Equal(got, []string{"Shelters", "Floods", "Heatwaves"}) {
			t.Errorf("the proposer's list = %v", got)
		}
		if got := titles(ed.challenges(ed.org)); len(got) != 3 {
			t.Errorf("organizers' list = %v", got)
		}
		id := "/" + itoa(proposal.ID)
		e.do(req{method: "POST", path: chPath + id + "/review", token: member, body: map[string]string{"decision": "approve"}}).problem(403)
		e.do(req{method: "POST", path: chPath + id + "/review", token: ed.org, body: map[string]string{"decision": "maybe"}}).problem(422)
		e.do(req{method: "POST", path: chPath + id + "/review", token: ed.org, body: map[string]string{"decision": "approve"}}).want(200)
		e.do(req{method: "POST", path: chPath + id + "/review", token: ed.org, body: map[string]string{"decision": "refuse"}}).problem(409)

		// Edit: organization replaces brought_by.
		var edited api.ChallengeResponse
		e.do(req{method: "PATCH", path: chPath + "/" + itoa(floods.ID), token: ed.org, body: map[string]any{"organization": orgSlug}}).want(200).json(&edited)
		if edited.BroughtBy != "" || edited.Organization == nil || edited.Title != "Floods" {
			t.Errorf("edited = %+v", edited)
		}
		e.do(req{method: "PATCH", path: chPath + "/" + itoa(floods.ID), token: ed.org, body: map[string]any{"title": ""}}).problem(422)
		e.do(req{method: "PATCH", path: chPath + "/" + itoa(floods.ID), token: member, body: map[string]any{"title": "x"}}).problem(403)

		// Delete: free until an entry picks it.
		e.do(req{method: "PUT", path: "/api/v1/hackathons/paris-2026/submissions/alerte/challenges", token: ed.owner,
			body: map[string]any{"challenges": []int64{shelters.ID}}}).want(200)
		e.do(req{method: "DELETE", path: chPath + "/" + itoa(shelters.ID), token: ed.org}).problem(409)
		e.do(req{method: "DELETE", path: chPath + "/" + itoa(floods.ID), token: ed.org}).want(204)
		e.do(req{method: "DELETE", path: chPath + "/" + itoa(floods.ID), token: ed.org}).problem(404)

		got := auditActions(t, e)
		for _, a := range []string{"challenge.create", "challenge.propose", "challenge.review", "challenge.update", "challenge.delete", "submission.challenges"} {
			if !slices.Contains(got, a) {
				t.Errorf("audit lacks %s: %v", a, got)
			}
		}
	})
}

func TestEntriesPickChallengesAndOrganisationsFollowThem(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		orgSlug, member := e.verifiedOrgMember("ngo@example.org", "Abri Solidaire")
		shelters := ed.challenge(ed.org, map[string]any{"title": "Shelters", "organization": orgSlug}, 201)
		other := ed.challenge(ed.org, map[string]any{"title": "Floods", "brought_by": "Ville"}, 201)
		proposal := ed.challenge(member, map[string]any{"title": "Heat", "organization": orgSlug}, 201)

		// Unknown or unapproved challenges: 422 naming challenges[i], nothing entered.
		e.publishedPlugin(ed.owner, "canicule")
		p := e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner,
			body: map[string]any{"plugin": "canicule", "challenges": []int64{shelters.ID, 9999, proposal.ID}}}).problem(422)
		if !slices.Equal(fields(p), []string{"challenges[1]", "challenges[2]"}) {
			t.Errorf("fields = %v", fields(p))
		}
		e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/canicule", token: ed.owner}).problem(404)
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner,
			body: map[string]any{"plugin": "canicule", "challenges": []int64{shelters.ID}}}).want(201)
		e.do(req{method: "PUT", path: "/api/v1/hackathons/paris-2026/submissions/bouclier/challenges", token: ed.owner,
			body: map[string]any{"challenges": []int64{shelters.ID}}}).problem(404)
		// j3 collaborates on bouclier: the team may change its challenges.
		e.do(req{method: "PUT", path: "/api/v1/hackathons/paris-2026/submissions/bouclier/challenges", token: ed.judges["j3"],
			body: map[string]any{"challenges": []int64{shelters.ID, other.ID}}}).want(200)

		// The organisation sees the entries to its challenge, not to others.
		var entries api.ChallengeEntriesResponse
		e.do(req{method: "GET", path: chPath + "/" + itoa(shelters.ID) + "/entries", token: member}).want(200).json(&entries)
		var slugs []string
		for _, en := range entries.Entries {
			slugs = append(slugs, en.Plugin+"@"+en.Version)
		}
		if !slices.Equal(slugs, []string{"bouclier@1.0.0", "canicule@1.0.0"}) {
			t.Errorf("entries to shelters = %v", slugs)
		}
		e.do(req{method: "GET", path: chPath + "/" + itoa(other.ID) + "/entries", token: member}).problem(403)
		e.do(req{method: "GET", path: chPath + "/" + itoa(shelters.ID) + "/entries", token: ed.stranger}).problem(403)

		// Feedback reaches the team and organizers only.
		fb := chPath + "/" + itoa(shelters.ID) + "/entries/bouclier/feedback"
		e.do(req{method: "POST", path: fb, token: member, body: map[string]string{"message": " "}}).problem(422)
		e.do(req{method: "POST", path: fb, token: ed.stranger, body: map[string]string{"message": "hi"}}).problem(403)
		e.do(req{method: "POST", path: chPath + "/" + itoa(shelters.ID) + "/entries/alerte/feedback", token: member,
			body: map[string]string{"message": "hi"}}).problem(404)
		e.do(req{method: "POST", path: fb, token: member, body: map[string]string{"message": "Could it work offline?"}}).want(204)
		for _, tok := range []string{ed.owner2, ed.judges["j3"], ed.org} {
			var list []api.FeedbackResponse
			e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/bouclier/feedback", token: tok}).want(200).json(&list)
			if len(list) != 1 || list[0].Message != "Could it work offline?" || list[0].ChallengeID != shelters.ID {
				t.Errorf("feedback seen = %+v", list)
			}
		}
		e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/bouclier/feedback", token: ed.owner}).problem(404)
		if !slices.Contains(auditActions(t, e), "challenge.feedback") {
			t.Error("feedback not audited")
		}

		// An entry withdrawn and entered again starts with no challenge.
		e.do(req{method: "DELETE", path: "/api/v1/hackathons/paris-2026/submissions/canicule", token: ed.owner}).want(204)
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]any{"plugin": "canicule"}}).want(201)
		e.do(req{method: "GET", path: chPath + "/" + itoa(shelters.ID) + "/entries", token: member}).want(200).json(&entries)
		if len(entries.Entries) != 1 || entries.Entries[0].Plugin != "bouclier" {
			t.Errorf("entries after canicule re-entered = %+v", entries.Entries)
		}

		// After the deadline the challenges no longer change.
		e.clock.Set(t0.Add(25 * time.Hour))
		e.do(req{method: "PUT", path: "/api/v1/hackathons/paris-2026/submissions/canicule/challenges", token: ed.owner,
			body: map[string]any{"challenges": []int64{}}}).problem(409)
	})
}

func TestPoolsAssignWithinChallenges(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		a := ed.challenge(ed.org, map[string]any{"title": "A", "brought_by": "X"}, 201)
		b := ed.challenge(ed.org, map[string]any{"title": "B", "brought_by": "Y"}, 201)
		for _, p := range []string{"cigale", "corbeau", "castor", "chamois"} {
			e.publishedPlugin(ed.owner, p)
		}
		pick := map[string][]int64{"alerte": {a.ID}, "cigale": {a.ID}, "corbeau": {a.ID}, "castor": {a.ID}, "chamois": nil, "bouclier": {b.ID}}
		for p, ids := range pick {
			owner := ed.owner
			if p == "bouclier" {
				owner = ed.owner2
				e.do(req{method: "PUT", path: "/api/v1/hackathons/paris-2026/submissions/bouclier/challenges", token: owner,
					body: map[string]any{"challenges": ids}}).want(200)
				continue
			}
			if p != "alerte" {
				e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: owner, body: map[string]any{"plugin": p}}).want(201)
			}
			e.do(req{method: "PUT", path: "/api/v1/hackathons/paris-2026/submissions/" + p + "/challenges", token: owner,
				body: map[string]any{"challenges": ids}}).want(200)
		}
		j5, _ := e.user("j5@example.org", auth.RoleJudge)
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/judges", token: ed.org, body: map[string]int64{"user_id": j5.ID}}).want(201)
		notJudge, _ := e.user("notjudge2@example.org", auth.RoleJudge)
		e.do(req{method: "POST", path: chPath + "/" + itoa(a.ID) + "/judges", token: ed.org, body: map[string]int64{"user_id": notJudge.ID}}).problem(422)
		// Pool A: j1, j2. Pool B: j3 (collaborator of bouclier: conflicted) and j4. j5 is in no pool: chamois, in no challenge, gets j5.
		for _, pj := range []struct {
			c int64
			j string
		}{{a.ID, "j1"}, {a.ID, "j2"}, {b.ID, "j3"}, {b.ID, "j4"}} {
			e.do(req{method: "POST", path: chPath + "/" + itoa(pj.c) + "/judges", token: ed.org, body: map[string]int64{"user_id": ed.ids[pj.j]}}).want(204)
		}
		e.do(req{method: "POST", path: chPath + "/" + itoa(a.ID) + "/judges", token: ed.org, body: map[string]int64{"user_id": ed.ids["j1"]}}).problem(409)
		var list []api.ChallengeResponse
		e.do(req{method: "GET", path: chPath, token: ed.org}).want(200).json(&list)
		if len(list) != 2 || !slices.Equal(list[0].Judges, []int64{ed.ids["j1"], ed.ids["j2"]}) {
			t.Fatalf("pools seen by organizers = %+v", list)
		}
		var res api.AssignResponse
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/assignments", token: ed.org, body: map[string]int{"judges_per_submission": 1}}).want(200).json(&res)
		load := map[int64]int{}
		got := map[string]int64{}
		for _, p := range res.Assignments {
			load[p.JudgeID]++
			got[p.Plugin] = p.JudgeID
		}
		for _, p := range []string{"alerte", "cigale", "corbeau", "castor"} {
			if j := got[p]; j != ed.ids["j1"] && j != ed.ids["j2"] {
				t.Errorf("%s judged by %d, outside pool A", p, j)
			}
		}
		if got["bouclier"] != ed.ids["j4"] {
			t.Errorf("bouclier judged by %d; want j4 (j3 collaborates on it)", got["bouclier"])
		}
		if load[ed.ids["j1"]] < 2 || load[ed.ids["j2"]] < 2 {
			t.Errorf("pool A unbalanced: %v", load)
		}
		if got["chamois"] != j5.ID || load[j5.ID] != 1 {
			t.Errorf("chamois (no challenge) judged by %d, j5 (in no pool) has %d entries; want j5 judging chamois only", got["chamois"], load[j5.ID])
		}
		e.do(req{method: "DELETE", path: chPath + "/" + itoa(a.ID) + "/judges/" + itoa(ed.ids["j1"]), token: ed.org}).want(204)
		e.do(req{method: "DELETE", path: chPath + "/" + itoa(a.ID) + "/judges/" + itoa(ed.ids["j1"]), token: ed.org}).problem(404)
		if acts := auditActions(t, e); !slices.Contains(acts, "challenge.pool.add") || !slices.Contains(acts, "challenge.pool.remove") {
			t.Errorf("pool changes not audited: %v", acts)
		}
	})
}

func TestLeaderboardAndPrizesPerChallenge(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		a := ed.challenge(ed.org, map[string]any{"title": "Shelters", "brought_by": "X",
			"prizes": []map[string]string{{"title": "Coup de cœur"}}}, 201)
		b := ed.challenge(ed.org, map[string]any{"title": "Floods", "brought_by": "Y",
			"prizes": []map[string]string{{"title": "Grand prix"}}}, 201)
		e.do(req{method: "PUT", path: "/api/v1/hackathons/paris-2026/submissions/alerte/challenges", token: ed.owner,
			body: map[string]any{"challenges": []int64{a.ID}}}).want(200)
		var lb api.LeaderboardResponse
		e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/leaderboard?challenge=" + itoa(a.ID), token: ed.org}).want(200).json(&lb)
		if len(lb.Rows) != 1 || lb.Rows[0].Plugin != "alerte" {
			t.Errorf("leaderboard of Shelters = %+v", lb.Rows)
		}
		e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/leaderboard", token: ed.org}).want(200).json(&lb)
		if len(lb.Rows) != 2 {
			t.Errorf("overall leaderboard = %+v", lb.Rows)
		}
		csv := e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/leaderboard.csv?challenge=" + itoa(b.ID), token: ed.org}).want(200)
		if strings.Contains(csv.Body.String(), "alerte") || strings.Contains(csv.Body.String(), "bouclier") {
			t.Errorf("CSV of Floods lists entries not in it:\n%s", csv.Body.String())
		}
		e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/leaderboard?challenge=9999", token: ed.org}).problem(404)
		e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/leaderboard?challenge=x", token: ed.org}).problem(422)

		dec := "/api/v1/hackathons/paris-2026/submissions/alerte/decision"
		p := e.do(req{method: "POST", path: dec, token: ed.org, body: map[string]any{"status": "accepted",
			"prize": map[string]any{"challenge_id": b.ID, "title": "Grand prix"}}}).problem(422)
		if !slices.Equal(fields(p), []string{"prize.challenge_id"}) {
			t.Errorf("fields = %v", fields(p))
		}
		p = e.do(req{method: "POST", path: dec, token: ed.org, body: map[string]any{"status": "accepted",
			"prize": map[string]any{"challenge_id": a.ID, "title": "Grand prix"}}}).problem(422)
		if !slices.Equal(fields(p), []string{"prize.title"}) {
			t.Errorf("fields = %v", fields(p))
		}
		var sub api.SubmissionResponse
		e.do(req{method: "POST", path: dec, token: ed.org, body: map[string]any{"status": "accepted",
			"prize": map[string]any{"challenge_id": a.ID, "title": "Coup de cœur"}}}).want(200).json(&sub)
		if sub.Award != "Coup de cœur — Shelters" {
			t.Errorf("award = %q", sub.Award)
		}
		e.clock.Set(t0.Add(49 * time.Hour))
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/publish-results", token: ed.org}).want(200)
		var pl api.PluginResponse
		e.do(req{method: "GET", path: "/api/v1/plugins/alerte"}).want(200).json(&pl)
		if !slices.Contains(pl.Badges, "awarded") {
			t.Errorf("badges = %v", pl.Badges)
		}
		// The badge names the prize and the challenge.
		want := []api.AwardResponse{{Badge: "awarded", Hackathon: "paris-2026", Edition: "Hackathon 2026", Award: "Coup de cœur — Shelters"}}
		if !slices.Equal(pl.Awards, want) {
			t.Errorf("awards = %+v, want %+v", pl.Awards, want)
		}
		var other api.PluginResponse
		e.do(req{method: "GET", path: "/api/v1/plugins/bouclier"}).want(200).json(&other)
		if len(other.Awards) != 0 {
			t.Errorf("an entry without a prize has awards %+v", other.Awards)
		}
	})
}
