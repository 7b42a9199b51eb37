package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api"
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
