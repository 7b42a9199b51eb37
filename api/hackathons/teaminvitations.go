package hackathons

import (
	"context"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
)

// TeamInvitations lists a team's pending invitations (neither used nor
// expired), newest first, without their tokens. The captain only.
func (s *Service) TeamInvitations(ctx context.Context, u auth.User, slug string, id int64) ([]store.TeamInvitation, error) {
	t, err := s.Team(ctx, slug, id)
	if err != nil {
		return nil, err
	}
	if err := captain(t, u, "see the team's invitations"); err != nil {
		return nil, err
	}
	return s.store.PendingTeamInvitationList(ctx, t.ID, s.now())
}

// RevokeTeamInvitation withdraws an unused invitation of a team: its link
// stops working at once. The captain only; an invitation that is not the
// team's, or already used, is store.ErrNotFound. It is in the audit log
// (team.invitation.revoke).
func (s *Service) RevokeTeamInvitation(ctx context.Context, u auth.User, slug string, id, invitationID int64) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		_, t, err := lockTeam(ctx, tx, slug, id)
		if err != nil {
			return err
		}
		if err := captain(t, u, "revoke the team's invitations"); err != nil {
			return err
		}
		if err := tx.DeleteTeamInvitation(ctx, t.ID, invitationID); err != nil {
			return err
		}
		return teamAudit(ctx, tx, u, "team.invitation.revoke", t, map[string]any{"invitation_id": invitationID})
	})
}
