package api_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
)

const teamsPath = "/api/v1/hackathons/paris-2026/teams"

// team forms a team in the test edition and returns it.
func (e *env) team(token, name string, extra map[string]any) api.TeamResponse {
	e.t.Helper()
	body := map[string]any{"name": name}
	for k, v := range extra {
		body[k] = v
	}
	var t api.TeamResponse
	e.do(req{method: "POST", path: teamsPath, token: token, body: body}).want(201).json(&t)
	return t
}

// join invites into a team as its captain and accepts as token.
func (e *env) join(captain string, teamID int64, token string) api.TeamResponse {
	e.t.Helper()
	var inv api.TeamInvitationResponse
	e.do(req{method: "POST", path: teamsPath + "/" + itoa(teamID) + "/invitations", token: captain}).want(201).json(&inv)
	if inv.Token == "" || inv.AcceptPath != "/teams/invitations/"+inv.Token {
		e.t.Fatalf("invitation = %+v", inv)
	}
	var t api.TeamResponse
	e.do(req{method: "POST", path: "/api/v1/teams/invitations/" + inv.Token + "/accept", token: token}).want(200).json(&t)
	return t
}

func memberNames(t api.TeamResponse) []string {
	var out []string
	for _, m := range t.Members {
		out = append(out, m.Name)
	}
	return out
}

func TestTeamsFormAndInvite(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		p := e.do(req{method: "POST", path: teamsPath, token: ed.owner, body: map[string]any{"name": " ", "needs": strings.Repeat("x", 501)}}).problem(422)
		if got := fields(p); !slices.Equal(got, []string{"name", "needs"}) {
			t.Errorf("fields = %v", got)
		}
		e.do(req{method: "POST", path: teamsPath, body: map[string]any{"name": "Anonymes"}}).problem(401)
		e.do(req{method: "POST", path: "/api/v1/hackathons/nowhere/teams", token: ed.owner, body: map[string]any{"name": "Les Veilleurs"}}).problem(404)
		tm := e.team(ed.owner, "Les Veilleurs", map[string]any{"description": "Hate maps"})
		if tm.ID == 0 || tm.CaptainID != ed.ids["owner"] || len(tm.Members) != 1 || !tm.Members[0].Captain {
			t.Fatalf("team = %+v", tm)
		}
		// One team per edition, and one name per edition.
		e.do(req{method: "POST", path: teamsPath, token: ed.owner, body: map[string]any{"name": "Deuxième"}}).problem(409)
		e.do(req{method: "POST", path: teamsPath, token: ed.owner2, body: map[string]any{"name": "les veilleurs"}}).problem(409)

		// Only the captain invites; a link is used once.
		e.do(req{method: "POST", path: teamsPath + "/" + itoa(tm.ID) + "/invitations", token: ed.stranger}).problem(403)
		var inv api.TeamInvitationResponse
		e.do(req{method: "POST", path: teamsPath + "/" + itoa(tm.ID) + "/invitations", token: ed.owner}).want(201).json(&inv)
		accept := "/api/v1/teams/invitations/" + inv.Token + "/accept"
		e.do(req{method: "POST", path: "/api/v1/teams/invitations/nonsense/accept", token: ed.stranger}).problem(404)
		var joined api.TeamResponse
		e.do(req{method: "POST", path: accept, token: ed.stranger}).want(200).json(&joined)
		if len(joined.Members) != 2 || joined.Members[1].Captain {
			t.Fatalf("joined = %+v", joined)
		}
		e.do(req{method: "POST", path: accept, token: ed.owner2}).problem(409)

		// Someone in another team cannot join a second one.
		other := e.team(ed.owner2, "Bouclier", nil)
		var inv2 api.TeamInvitationResponse
		e.do(req{method: "POST", path: teamsPath + "/" + itoa(other.ID) + "/invitations", token: ed.owner2}).want(201).json(&inv2)
		e.do(req{method: "POST", path: "/api/v1/teams/invitations/" + inv2.Token + "/accept", token: ed.stranger}).problem(409)

		// Lists show display names, never e-mail addresses.
		r := e.do(req{method: "GET", path: teamsPath}).want(200)
		if strings.Contains(r.Body.String(), "@example.org") {
			t.Errorf("team list shows e-mail addresses: %s", r.Body.String())
		}
		var list api.List[api.TeamResponse]
		r.json(&list)
		if list.Total != 2 || list.Items[0].Name != "Bouclier" || len(list.Items[1].Members) != 2 {
			t.Errorf("teams = %+v", list)
		}
		e.do(req{method: "GET", path: teamsPath + "/" + itoa(tm.ID)}).want(200)
		e.do(req{method: "GET", path: teamsPath + "/999"}).problem(404)
		acts := auditActions(t, e)
		for _, a := range []string{"team.create", "team.invite", "team.join"} {
			if !slices.Contains(acts, a) {
				t.Errorf("audit %v lacks %s", acts, a)
			}
		}
	})
}

func TestTeamLeavingAndCaptaincy(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		tm := e.team(ed.owner2, "Bouclier", nil)
		strangerID := e.join(ed.owner2, tm.ID, ed.stranger).Members[1].UserID
		members := teamsPath + "/" + itoa(tm.ID) + "/members/"
		e.do(req{method: "DELETE", path: members + "me", token: ed.owner2}).problem(409) // the captain hands over first
		e.do(req{method: "DELETE", path: members + itoa(ed.ids["owner2"]), token: ed.stranger}).problem(403)
		p := e.do(req{method: "PATCH", path: teamsPath + "/" + itoa(tm.ID), token: ed.owner2, body: map[string]any{"captain_id": ed.ids["j1"]}}).problem(422)
		if got := fields(p); !slices.Equal(got, []string{"captain_id"}) {
			t.Errorf("fields = %v", got)
		}
		e.do(req{method: "PATCH", path: teamsPath + "/" + itoa(tm.ID), token: ed.stranger, body: map[string]any{"open": true}}).problem(403)
		var after api.TeamResponse
		e.do(req{method: "PATCH", path: teamsPath + "/" + itoa(tm.ID), token: ed.owner2, body: map[string]any{"captain_id": strangerID}}).want(200).json(&after)
		if after.CaptainID != strangerID {
			t.Fatalf("captain = %d, want %d", after.CaptainID, strangerID)
		}
		// The new captain removes the former one, then leaves: the team is dissolved.
		e.do(req{method: "DELETE", path: members + itoa(ed.ids["owner2"]), token: ed.stranger}).want(204)
		e.do(req{method: "DELETE", path: members + "me", token: ed.stranger}).want(204)
		e.do(req{method: "GET", path: teamsPath + "/" + itoa(tm.ID)}).problem(404)

		// The last member of a team with an entry withdraws it first.
		withEntry := e.team(ed.owner, "Alerte", nil)
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]any{"plugin": "alerte"}}).want(200)
		e.do(req{method: "DELETE", path: teamsPath + "/" + itoa(withEntry.ID) + "/members/me", token: ed.owner}).problem(409)
		e.do(req{method: "DELETE", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.owner}).want(204)
		e.do(req{method: "DELETE", path: teamsPath + "/" + itoa(withEntry.ID) + "/members/me", token: ed.owner}).want(204)
		acts := auditActions(t, e)
		for _, a := range []string{"team.captain", "team.leave"} {
			if !slices.Contains(acts, a) {
				t.Errorf("audit %v lacks %s", acts, a)
			}
		}
	})
}

func TestTeamMembersEditTheEntry(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		_, mate := e.user("mate@example.org", auth.RoleParticipant)
		e.do(req{method: "POST", path: "/api/v1/plugins/alerte/versions", token: mate, body: manifest("alerte", "1.1.0")}).problem(403)
		tm := e.team(ed.owner, "Alerte", nil)
		e.join(ed.owner, tm.ID, mate)
		other := e.team(ed.owner2, "Bouclier", nil)
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner,
			body: map[string]any{"plugin": "alerte", "team_id": other.ID}}).problem(422)
		var sub api.SubmissionResponse
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]any{"plugin": "alerte"}}).want(200).json(&sub)
		if sub.TeamID == nil || *sub.TeamID != tm.ID {
			t.Fatalf("entry team = %v, want %d", sub.TeamID, tm.ID)
		}
		// A member publishes a version, moves the entry to it and sees it.
		e.do(req{method: "POST", path: "/api/v1/plugins/alerte/versions", token: mate, body: manifest("alerte", "1.1.0")}).want(201)
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: mate, body: map[string]any{"plugin": "alerte"}}).want(200).json(&sub)
		if sub.Version != "1.1.0" {
			t.Errorf("entry version = %s", sub.Version)
		}
		e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: mate}).want(200)
		var mine api.List[api.PluginResponse]
		e.do(req{method: "GET", path: "/api/v1/plugins?owner=me", token: mate}).want(200).json(&mine)
		if mine.Total != 1 || mine.Items[0].Slug != "alerte" {
			t.Errorf("owner=me for a team member = %+v", mine)
		}
		var list api.List[api.SubmissionResponse]
		e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/submissions", token: mate}).want(200).json(&list)
		if list.Total != 1 || list.Items[0].Plugin != "alerte" {
			t.Errorf("a member's entries = %+v", list)
		}
		e.do(req{method: "DELETE", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: ed.owner2}).problem(404)
		e.do(req{method: "DELETE", path: "/api/v1/hackathons/paris-2026/submissions/alerte", token: mate}).want(204)
	})
}

func TestTeamMembersAreConflicted(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		tm := e.team(ed.owner, "Alerte", nil)
		e.join(ed.owner, tm.ID, ed.judges["j1"])
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]any{"plugin": "alerte"}}).want(200)
		h, err := e.store.HackathonBySlug(t.Context(), "paris-2026")
		if err != nil {
			t.Fatal(err)
		}
		list, err := e.store.Conflicts(t.Context(), h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(list, func(c store.Conflict) bool {
			return c.JudgeID == ed.ids["j1"] && c.Slug == "alerte" && c.Kind == store.ConflictCollaborator
		}) {
			t.Errorf("conflicts = %+v, want j1 with alerte", list)
		}
		if got := ed.assign(t)["alerte"]; slices.Contains(got, "j1") {
			t.Errorf("a member of the entry's team judges it: %v", got)
		}
	})
}

func TestLookingForATeam(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		profile := "/api/v1/hackathons/paris-2026/profiles/me"
		p := e.do(req{method: "PUT", path: profile, token: ed.owner, body: map[string]any{"skills": []string{strings.Repeat("g", 41)},
			"wants": strings.Repeat("w", 501)}}).problem(422)
		if got := fields(p); !slices.Equal(got, []string{"skills", "wants"}) {
			t.Errorf("fields = %v", got)
		}
		e.do(req{method: "PUT", path: profile, token: ed.owner, body: map[string]any{"skills": []string{"Go", " go ", "design"},
			"languages": []string{"fr"}, "wants": "A triage tool", "visible": true}}).want(200)
		e.do(req{method: "PUT", path: profile, token: ed.owner2, body: map[string]any{"skills": []string{"python"},
			"languages": []string{"ar", "fr"}, "wants": "Hidden", "visible": false}}).want(200)
		var mine api.ProfileResponse
		e.do(req{method: "GET", path: profile, token: ed.owner2}).want(200).json(&mine)
		if mine.Visible || mine.Wants != "Hidden" {
			t.Errorf("own profile = %+v", mine)
		}
		e.team(ed.stranger, "Ouverte", map[string]any{"needs": "A designer who speaks AR", "open": true})
		e.team(ed.judges["j1"], "Fermée", map[string]any{"needs": "A designer", "open": false})

		looking := func(query string) api.LookingResponse {
			t.Helper()
			r := e.do(req{method: "GET", path: "/api/v1/hackathons/paris-2026/looking" + query}).want(200)
			if strings.Contains(r.Body.String(), "@example.org") || strings.Contains(r.Body.String(), "Hidden") {
				t.Errorf("looking shows what was not published: %s", r.Body.String())
			}
			var l api.LookingResponse
			r.json(&l)
			return l
		}
		all := looking("")
		if len(all.Profiles) != 1 || !slices.Equal(all.Profiles[0].Skills, []string{"Go", "design"}) || len(all.Teams) != 1 || all.Teams[0].Name != "Ouverte" {
			t.Fatalf("looking = %+v", all)
		}
		if l := looking("?skill=GO"); len(l.Profiles) != 1 || len(l.Teams) != 0 {
			t.Errorf("skill=GO: %+v", l)
		}
		if l := looking("?skill=design&language=ar"); len(l.Profiles) != 0 || len(l.Teams) != 1 {
			t.Errorf("skill=design&language=ar: %+v", l)
		}
		e.do(req{method: "DELETE", path: profile, token: ed.owner}).want(204)
		e.do(req{method: "DELETE", path: profile, token: ed.owner}).problem(404)
		if l := looking(""); len(l.Profiles) != 0 {
			t.Errorf("deleted profile still listed: %+v", l)
		}
	})
}

// Invitation links expire after 7 days, and teams are frozen once
// submissions close.
func TestTeamInvitationsExpire(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		tm := e.team(ed.owner, "Alerte", nil)
		var inv api.TeamInvitationResponse
		e.do(req{method: "POST", path: teamsPath + "/" + itoa(tm.ID) + "/invitations", token: ed.owner}).want(201).json(&inv)
		if got := inv.ExpiresAt.Sub(t0); got != 7*24*time.Hour {
			t.Errorf("invitation valid for %v, want 7 days", got)
		}
		// Once submissions close, teams no longer change: the link works but joining is refused.
		e.clock.Set(t0.Add(25 * time.Hour))
		e.do(req{method: "POST", path: "/api/v1/teams/invitations/" + inv.Token + "/accept", token: ed.stranger}).problem(409)
		e.do(req{method: "POST", path: teamsPath, token: ed.stranger, body: map[string]any{"name": "Trop tard"}}).problem(409)
		e.clock.Set(t0.Add(7*24*time.Hour + time.Minute))
		e.do(req{method: "POST", path: "/api/v1/teams/invitations/" + inv.Token + "/accept", token: ed.stranger}).problem(404)
	})
}

// A team's own address, /api/v1/teams/{id}, answers as the address under
// its edition does, with the same rules.
func TestTeamsAnswerAtTheirOwnAddress(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		tm := e.team(ed.owner, "Les Veilleurs", nil)
		own := "/api/v1/teams/" + itoa(tm.ID)
		var got api.TeamResponse
		e.do(req{method: "GET", path: own}).want(200).json(&got)
		if got.ID != tm.ID || got.Name != "Les Veilleurs" {
			t.Fatalf("GET %s = %+v", own, got)
		}
		e.do(req{method: "GET", path: "/api/v1/teams/999999"}).problem(404)
		e.do(req{method: "GET", path: "/api/v1/teams/nope"}).problem(404)
		e.do(req{method: "PATCH", path: own, body: map[string]any{"needs": "a designer"}}).problem(401)
		e.do(req{method: "PATCH", path: own, token: ed.stranger, body: map[string]any{"needs": "a designer"}}).problem(403)
		e.do(req{method: "PATCH", path: own, token: ed.owner, body: map[string]any{"needs": "a designer"}}).want(200).json(&got)
		if got.Needs != "a designer" {
			t.Errorf("needs = %q", got.Needs)
		}
		var inv api.TeamInvitationResponse
		e.do(req{method: "POST", path: own + "/invitations", token: ed.stranger}).problem(403)
		e.do(req{method: "POST", path: own + "/invitations", token: ed.owner}).want(201).json(&inv)
		e.do(req{method: "POST", path: "/api/v1/teams/invitations/" + inv.Token + "/accept", token: ed.stranger}).want(200)
		e.do(req{method: "DELETE", path: own + "/members/me", token: ed.stranger}).want(204)
		var nested api.TeamResponse
		e.do(req{method: "GET", path: teamsPath + "/" + itoa(tm.ID)}).want(200).json(&nested)
		if len(nested.Members) != 1 || nested.Needs != "a designer" {
			t.Errorf("the team under its edition = %+v", nested)
		}
	})
}

// queuedMail returns the messages of a kind queued to the outbox, newest
// first.
func queuedMail(t *testing.T, e *env, kind string) []store.QueuedMail {
	t.Helper()
	all, err := e.store.RecentMail(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.QueuedMail
	for _, m := range all {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// teamInvitationMail returns the team invitations queued to the outbox,
// newest first.
func teamInvitationMail(t *testing.T, e *env) []store.QueuedMail {
	return queuedMail(t, e, mail.KindTeamInvitation)
}

func TestTeamInvitationsByEMail(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		tm := e.team(ed.owner, "Les Veilleurs", nil)
		path := teamsPath + "/" + itoa(tm.ID) + "/invitations"
		e.do(req{method: "PUT", path: "/api/v1/me/language", token: ed.stranger, body: map[string]string{"language": "en"}}).want(200)

		p := e.do(req{method: "POST", path: path, token: ed.owner, body: map[string]string{"email": "not an address"}}).problem(422)
		if got := fields(p); !slices.Equal(got, []string{"email"}) {
			t.Errorf("fields = %v", got)
		}
		if n := len(teamInvitationMail(t, e)); n != 0 {
			t.Fatalf("%d messages queued for a refused invitation", n)
		}

		// By e-mail: one message, in the language of the account with that address, with the link.
		var inv api.TeamInvitationResponse
		e.do(req{method: "POST", path: path, token: ed.owner, body: map[string]string{"email": "Stranger@Example.org"}}).want(201).json(&inv)
		link := "http://riposte.test/teams/invitations/" + inv.Token
		msgs := teamInvitationMail(t, e)
		if len(msgs) != 1 || inv.Email != "stranger@example.org" || inv.AcceptPath != "/teams/invitations/"+inv.Token {
			t.Fatalf("invitation %+v queued %d messages", inv, len(msgs))
		}
		m := msgs[0]
		if m.Recipient != "stranger@example.org" || m.Language != "en" || !strings.Contains(m.Subject, "Les Veilleurs") ||
			!strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) || !strings.Contains(m.Text, "Hackathon 2026") || !strings.Contains(m.Text, "Name owner invites you") {
			t.Errorf("message = %+v", m.Mail)
		}

		// Only the account with that address accepts it.
		accept := "/api/v1/teams/invitations/" + inv.Token + "/accept"
		refused := e.do(req{method: "POST", path: accept, token: ed.owner2}).problem(403)
		if !strings.Contains(refused.Detail, "another e-mail address") {
			t.Errorf("refusal = %q", refused.Detail)
		}
		e.do(req{method: "POST", path: accept, token: ed.stranger}).want(200)

		// To an address without an account: in the captain's language (fr).
		e.do(req{method: "POST", path: path, token: ed.owner, body: map[string]string{"email": "nobody@example.org"}}).want(201)
		if msgs := teamInvitationMail(t, e); len(msgs) != 2 || msgs[0].Recipient != "nobody@example.org" || msgs[0].Language != "fr" {
			t.Errorf("messages = %+v", msgs)
		}

		// A link alone still lets anyone in, and sends nothing.
		var open api.TeamInvitationResponse
		e.do(req{method: "POST", path: path, token: ed.owner}).want(201).json(&open)
		if open.Email != "" {
			t.Errorf("a link-only invitation says it was sent to %q", open.Email)
		}
		e.do(req{method: "POST", path: "/api/v1/teams/invitations/" + open.Token + "/accept", token: ed.owner2}).want(200)

		// At most 20 pending invitations per team (one pending so far).
		for i := 1; i < hackathons.MaxPendingTeamInvitations; i++ {
			e.do(req{method: "POST", path: path, token: ed.owner}).want(201)
		}
		e.do(req{method: "POST", path: path, token: ed.owner, body: map[string]string{"email": "more@example.org"}}).problem(409)
		if n := len(teamInvitationMail(t, e)); n != 2 {
			t.Errorf("%d invitation messages queued, want 2", n)
		}
	})
}
