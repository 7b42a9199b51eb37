package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
)

func TestTeamCaptainListsAndRevokesInvitations(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		tm := e.team(ed.owner, "Les Veilleurs", nil)
		path := teamsPath + "/" + itoa(tm.ID) + "/invitations"
		var byMail, link api.TeamInvitationResponse
		e.do(req{method: "POST", path: path, token: ed.owner, body: map[string]string{"email": "nobody@example.org"}}).want(201).json(&byMail)
		e.do(req{method: "POST", path: path, token: ed.owner}).want(201).json(&link)

		// Only the captain sees them, without tokens, newest first.
		e.do(req{method: "GET", path: path}).problem(401)
		e.do(req{method: "GET", path: path, token: ed.stranger}).problem(403)
		var list api.List[api.TeamPendingInvitationResponse]
		r := e.do(req{method: "GET", path: "/api/v1/teams/" + itoa(tm.ID) + "/invitations", token: ed.owner}).want(200)
		r.json(&list)
		if list.Total != 2 || list.Items[0].ID != link.ID || list.Items[1].Email != "nobody@example.org" {
			t.Fatalf("pending = %+v", list)
		}
		if body := r.Body.String(); slices.ContainsFunc([]string{byMail.Token, link.Token}, func(tok string) bool { return strings.Contains(body, tok) }) {
			t.Errorf("the list shows a token: %s", body)
		}

		// Revoking stops the link at once; only the captain may, only once.
		e.do(req{method: "DELETE", path: path + "/" + itoa(link.ID), token: ed.stranger}).problem(403)
		e.do(req{method: "DELETE", path: path + "/" + itoa(link.ID), token: ed.owner}).want(204)
		e.do(req{method: "DELETE", path: path + "/" + itoa(link.ID), token: ed.owner}).problem(404)
		e.do(req{method: "POST", path: "/api/v1/teams/invitations/" + link.Token + "/accept", token: ed.stranger}).problem(404)
		e.do(req{method: "GET", path: path, token: ed.owner}).want(200).json(&list)
		if list.Total != 1 || list.Items[0].ID != byMail.ID {
			t.Errorf("after revoking: %+v", list)
		}

		// Another team's invitation is not this team's to revoke.
		other := e.team(ed.owner2, "Bouclier", nil)
		var theirs api.TeamInvitationResponse
		e.do(req{method: "POST", path: teamsPath + "/" + itoa(other.ID) + "/invitations", token: ed.owner2}).want(201).json(&theirs)
		e.do(req{method: "DELETE", path: path + "/" + itoa(theirs.ID), token: ed.owner}).problem(404)
		// A used invitation is no longer pending.
		e.do(req{method: "POST", path: "/api/v1/teams/invitations/" + theirs.Token + "/accept", token: ed.stranger}).want(200)
		e.do(req{method: "DELETE", path: teamsPath + "/" + itoa(other.ID) + "/invitations/" + itoa(theirs.ID), token: ed.owner2}).problem(404)
		if !slices.Contains(auditActions(t, e), "team.invitation.revoke") {
			t.Error("the revocation is not in the audit log")
		}
	})
}

// teamMail lists the team_activity messages queued, newest first.
func teamMail(t *testing.T, e *env) []store.QueuedMail {
	return queuedMail(t, e, mail.KindTeamActivity)
}

func TestTeamMembersAreToldOfTheirTeam(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		e.do(req{method: "PUT", path: "/api/v1/me/language", token: ed.owner, body: map[string]string{"language": "en"}}).want(200)
		tm := e.team(ed.owner, "Les Veilleurs", nil)
		if n := len(teamMail(t, e)); n != 0 {
			t.Fatalf("%d messages for forming a team alone", n)
		}

		// A member joins: the captain is told, in their language; the newcomer is not.
		e.join(ed.owner, tm.ID, ed.stranger)
		msgs := teamMail(t, e)
		if len(msgs) != 1 || msgs[0].Recipient != "owner@example.org" || msgs[0].Language != "en" ||
			!strings.Contains(msgs[0].Subject, "joined Les Veilleurs") || !strings.Contains(msgs[0].Text, "/hackathons/paris-2026/teams") {
			t.Fatalf("after a join: %+v", msgs)
		}

		// The stranger turns team news off; owner2 joins: only the captain hears of it.
		e.do(req{method: "PUT", path: "/api/v1/me/notifications", token: ed.stranger, body: map[string]bool{"team_activity": false}}).want(200)
		e.join(ed.owner, tm.ID, ed.owner2)
		if msgs := teamMail(t, e); len(msgs) != 2 || msgs[0].Recipient != "owner@example.org" {
			t.Fatalf("after a second join: %+v", msgs)
		}

		// The captaincy changes: the others are told, in French for owner2 (the default).
		e.do(req{method: "PATCH", path: "/api/v1/teams/" + itoa(tm.ID), token: ed.owner, body: map[string]any{"captain_id": ed.ids["owner2"]}}).want(200)
		msgs = teamMail(t, e)
		if len(msgs) != 3 || msgs[0].Recipient != "owner2@example.org" || msgs[0].Language != "fr" || !strings.Contains(msgs[0].Subject, "capitaine") {
			t.Fatalf("after the handover: %+v", msgs)
		}

		// The former captain leaves; then the new captain removes the stranger, who hears of it… unless turned off.
		e.do(req{method: "DELETE", path: "/api/v1/teams/" + itoa(tm.ID) + "/members/me", token: ed.owner}).want(204)
		msgs = teamMail(t, e)
		if len(msgs) != 4 || msgs[0].Recipient != "owner2@example.org" || !strings.Contains(msgs[0].Subject, "a quitté") {
			t.Fatalf("after leaving: %+v", msgs)
		}
		var me api.UserResponse
		e.do(req{method: "GET", path: "/api/v1/me", token: ed.stranger}).want(200).json(&me)
		e.do(req{method: "DELETE", path: "/api/v1/teams/" + itoa(tm.ID) + "/members/" + itoa(me.ID), token: ed.owner2}).want(204)
		if n := len(teamMail(t, e)); n != 4 {
			t.Errorf("%d messages; the removed member turned team news off", n)
		}
	})
}

func TestOrganizersListTheTeams(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		roster := "/api/v1/hackathons/paris-2026/roster"
		tm := e.team(ed.owner, "Les Veilleurs", nil)
		e.join(ed.owner, tm.ID, ed.stranger)
		e.publishedPlugin(ed.owner, "veille")
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner, body: map[string]string{"plugin": "veille"}}).want(201)
		var ch api.ChallengeResponse
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/challenges", token: ed.org, body: map[string]any{"title": "Shelters", "brought_by": "Abri"}}).want(201).json(&ch)
		e.do(req{method: "PUT", path: "/api/v1/hackathons/paris-2026/submissions/veille/challenges", token: ed.stranger,
			body: map[string]any{"challenges": []int64{ch.ID}}}).want(200)

		e.do(req{method: "GET", path: roster}).problem(401)
		e.do(req{method: "GET", path: roster, token: ed.owner}).problem(403)
		e.do(req{method: "GET", path: "/api/v1/hackathons/nowhere/roster", token: ed.org}).problem(404)
		var list api.List[api.RosterTeamResponse]
		e.do(req{method: "GET", path: roster, token: ed.org}).want(200).json(&list)
		if list.Total != 1 {
			t.Fatalf("roster = %+v", list)
		}
		r := list.Items[0]
		if r.Name != "Les Veilleurs" || len(r.Members) != 2 || !r.Members[0].Captain || r.Members[0].Email != "owner@example.org" ||
			r.Members[1].Email != "stranger@example.org" || r.CaptainID != ed.ids["owner"] {
			t.Errorf("team = %+v", r)
		}
		if len(r.Entries) != 1 || r.Entries[0].Plugin != "veille" || r.Entries[0].Status != "submitted" ||
			len(r.Entries[0].Challenges) != 1 || r.Entries[0].Challenges[0].Title != "Shelters" {
			t.Errorf("entries = %+v", r.Entries)
		}
	})
}

func TestTeamIsToldOfFeedbackOnItsEntry(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ed := newEdition(t, e)
		orgSlug, member := e.verifiedOrgMember("ngo@example.org", "Abri Solidaire")
		shelters := ed.challenge(ed.org, map[string]any{"title": "Shelters", "organization": orgSlug}, 201)
		tm := e.team(ed.owner, "Les Veilleurs", nil)
		e.join(ed.owner, tm.ID, ed.stranger)
		e.publishedPlugin(ed.owner, "veille")
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/submissions", token: ed.owner,
			body: map[string]any{"plugin": "veille", "challenges": []int64{shelters.ID}}}).want(201)
		before := len(teamMail(t, e))
		e.do(req{method: "POST", path: chPath + "/" + itoa(shelters.ID) + "/entries/veille/feedback", token: member,
			body: map[string]string{"message": "Could it work offline?"}}).want(204)
		msgs := teamMail(t, e)
		if len(msgs) != before+2 {
			t.Fatalf("%d messages after feedback, want %d: %+v", len(msgs), before+2, msgs)
		}
		got := []string{msgs[0].Recipient, msgs[1].Recipient}
		slices.Sort(got)
		if !slices.Equal(got, []string{"owner@example.org", "stranger@example.org"}) {
			t.Errorf("feedback told to %v", got)
		}
		for _, m := range msgs[:2] {
			if !strings.Contains(m.Text, "Could it work offline?") || !strings.Contains(m.Text, "Abri Solidaire") ||
				!strings.Contains(m.Text, "/my/plugins/veille/entries/paris-2026/challenges") {
				t.Errorf("message = %s", m.Text)
			}
		}
	})
}
