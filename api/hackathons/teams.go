package hackathons

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// TeamInvitationTTL is how long a team invitation link can be used.
const TeamInvitationTTL = 7 * 24 * time.Hour

// TeamInput is what a participant says about a team.
type TeamInput struct {
	Name        string
	Description string
	Needs       string
	Open        bool
}

// TeamPatch changes a team; nil fields stay as they are. CaptainID hands
// the captaincy to another member.
type TeamPatch struct {
	Description *string
	Needs       *string
	Open        *bool
	CaptainID   *int64
}

func checkTeamText(c *valid.Checker, description, needs string) {
	c.Length(description, 0, 1000, "description")
	c.Length(needs, 0, 500, "needs")
}

func teamAudit(ctx context.Context, tx *store.Tx, u auth.User, action string, t store.Team, details map[string]any) error {
	details["hackathon_id"] = t.HackathonID
	return tx.AppendAudit(ctx, store.AuditEntry{ActorID: &u.ID, Action: action, TargetType: "team",
		TargetID: fmt.Sprint(t.ID), Details: details})
}

// formingTeams refuses once an edition's submissions are closed: teams
// form and change while entries can still be made.
func (s *Service) formingTeams(h store.Hackathon) error {
	if !s.now().Before(h.SubmissionDeadline) {
		return fmt.Errorf("%w: teams can no longer change: submissions closed at %s", store.ErrConflict, when(h.SubmissionDeadline))
	}
	return nil
}

// CreateTeam forms a team in an edition with the caller as its captain.
// A name taken in the edition, or a caller already in a team there, is
// store.ErrConflict. It is in the audit log (team.create).
func (s *Service) CreateTeam(ctx context.Context, u auth.User, slug string, in TeamInput) (store.Team, error) {
	in.Name, in.Description, in.Needs = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description), strings.TrimSpace(in.Needs)
	var c valid.Checker
	c.Length(in.Name, 2, 80, "name")
	checkTeamText(&c, in.Description, in.Needs)
	if err := c.Err(); err != nil {
		return store.Team{}, err
	}
	var t store.Team
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		if err := s.formingTeams(h); err != nil {
			return err
		}
		if _, err := tx.TeamOf(ctx, h.ID, u.ID); err == nil {
			return fmt.Errorf("%w: you are already in a team of this edition", store.ErrConflict)
		}
		t, err = tx.InsertTeam(ctx, store.Team{HackathonID: h.ID, Name: in.Name, Description: in.Description,
			Needs: in.Needs, Open: in.Open, CaptainID: u.ID})
		if err != nil {
			return err
		}
		if t, err = tx.TeamByID(ctx, t.ID); err != nil {
			return err
		}
		return teamAudit(ctx, tx, u, "team.create", t, map[string]any{"name": t.Name})
	})
	return t, err
}

// Teams lists an edition's teams with their members' display names.
func (s *Service) Teams(ctx context.Context, slug string) ([]store.Team, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	return s.store.Teams(ctx, h.ID)
}

// Team returns one team of an edition, or store.ErrNotFound.
func (s *Service) Team(ctx context.Context, slug string, id int64) (store.Team, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return store.Team{}, err
	}
	t, err := s.store.TeamByID(ctx, id)
	if err == nil && t.HackathonID != h.ID {
		err = fmt.Errorf("team %d: %w", id, store.ErrNotFound)
	}
	return t, err
}

// TeamEdition returns the slug of the edition a team belongs to, or
// store.ErrNotFound.
func (s *Service) TeamEdition(ctx context.Context, id int64) (string, error) {
	t, err := s.store.TeamByID(ctx, id)
	if err != nil {
		return "", err
	}
	h, err := s.store.HackathonByID(ctx, t.HackathonID)
	return h.Slug, err
}

// MyTeam returns the caller's team in an edition, or store.ErrNotFound.
func (s *Service) MyTeam(ctx context.Context, u auth.User, slug string) (store.Team, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return store.Team{}, err
	}
	return s.store.TeamOf(ctx, h.ID, u.ID)
}

// lockTeam loads an edition (locked) and one of its teams.
func lockTeam(ctx context.Context, tx *store.Tx, slug string, id int64) (store.Hackathon, store.Team, error) {
	h, err := tx.LockHackathon(ctx, slug)
	if err != nil {
		return h, store.Team{}, err
	}
	t, err := tx.TeamByID(ctx, id)
	if err == nil && t.HackathonID != h.ID {
		err = fmt.Errorf("team %d: %w", id, store.ErrNotFound)
	}
	return h, t, err
}

func isMember(t store.Team, userID int64) bool {
	for _, m := range t.Members {
		if m.UserID == userID {
			return true
		}
	}
	return false
}

// captain refuses anyone but a team's captain.
func captain(t store.Team, u auth.User, action string) error {
	if t.CaptainID != u.ID {
		return fmt.Errorf("only the team's captain can %s: %w", action, auth.ErrForbidden)
	}
	return nil
}

// UpdateTeam changes a team's description, needs and openness, or hands
// the captaincy to another member (in the audit log: team.captain). The
// captain only.
func (s *Service) UpdateTeam(ctx context.Context, u auth.User, slug string, id int64, p TeamPatch) (store.Team, error) {
	var out store.Team
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		_, t, err := lockTeam(ctx, tx, slug, id)
		if err != nil {
			return err
		}
		if err := captain(t, u, "change the team"); err != nil {
			return err
		}
		before := t.CaptainID
		if err := p.apply(&t); err != nil {
			return err
		}
		if err := tx.UpdateTeam(ctx, t); err != nil {
			return err
		}
		if t.CaptainID != before {
			if err := teamAudit(ctx, tx, u, "team.captain", t, map[string]any{"from": before, "to": t.CaptainID}); err != nil {
				return err
			}
			err := s.notifyTeam(ctx, tx, memberIDs(t), u.ID, teamCaptain, t, map[string]string{"Member": memberName(t, t.CaptainID), "By": u.Name})
			if err != nil {
				return err
			}
		}
		out, err = tx.TeamByID(ctx, t.ID)
		return err
	})
	return out, err
}

func (p TeamPatch) apply(t *store.Team) error {
	if p.Description != nil {
		t.Description = strings.TrimSpace(*p.Description)
	}
	if p.Needs != nil {
		t.Needs = strings.TrimSpace(*p.Needs)
	}
	if p.Open != nil {
		t.Open = *p.Open
	}
	var c valid.Checker
	checkTeamText(&c, t.Description, t.Needs)
	if p.CaptainID != nil {
		c.Check(isMember(*t, *p.CaptainID), "captain_id", "must be a member of the team")
		t.CaptainID = *p.CaptainID
	}
	return c.Err()
}

// MaxPendingTeamInvitations caps the invitations of a team neither used
// nor expired, so that invitations by e-mail cannot be used to spam.
const MaxPendingTeamInvitations = 20

// InviteToTeam creates an invitation link to a team and returns it with
// its token, shown this once. The captain only, while teams can change,
// and while the team has fewer than MaxPendingTeamInvitations pending
// (store.ErrConflict). Given an address, the invitation is tied to it
// and a message with the link is queued to it in the same transaction.
// It is in the audit log (team.invite).
func (s *Service) InviteToTeam(ctx context.Context, u auth.User, slug string, id int64, email string) (store.TeamInvitation, string, error) {
	email = strings.TrimSpace(email)
	if email != "" {
		var c valid.Checker
		if c.Email(email, "email"); c.Err() != nil {
			return store.TeamInvitation{}, "", c.Err()
		}
		if s.notify == nil {
			return store.TeamInvitation{}, "", fmt.Errorf("%w: this platform sends no e-mail; invite with a link", store.ErrConflict)
		}
	}
	token := auth.NewInvitationToken()
	var inv store.TeamInvitation
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, t, err := s.invitable(ctx, tx, u, slug, id)
		if err != nil {
			return err
		}
		inv, err = tx.InsertTeamInvitation(ctx, auth.HashInvitation(token), store.TeamInvitation{TeamID: t.ID, InvitedBy: u.ID,
			Email: auth.CanonicalEmail(email), ExpiresAt: s.now().Add(TeamInvitationTTL)})
		if err != nil {
			return err
		}
		if err := s.mailInvitation(ctx, tx, u, h, t, inv.Email, token); err != nil {
			return err
		}
		return teamAudit(ctx, tx, u, "team.invite", t, map[string]any{"invitation_id": inv.ID, "by_email": inv.Email != ""})
	})
	return inv, token, err
}

// invitable loads an edition (locked) and a team its caller may invite
// into: the captain, while teams can change, under the cap.
func (s *Service) invitable(ctx context.Context, tx *store.Tx, u auth.User, slug string, id int64) (store.Hackathon, store.Team, error) {
	h, t, err := lockTeam(ctx, tx, slug, id)
	if err != nil {
		return h, t, err
	}
	if err := captain(t, u, "invite members"); err != nil {
		return h, t, err
	}
	if err := s.formingTeams(h); err != nil {
		return h, t, err
	}
	n, err := tx.PendingTeamInvitations(ctx, t.ID, s.now())
	if err == nil && n >= MaxPendingTeamInvitations {
		err = fmt.Errorf("%w: the team already has %d pending invitations; wait for them to be used or to expire",
			store.ErrConflict, n)
	}
	return h, t, err
}

// mailInvitation queues the message of an invitation to its address, if
// it has one, in the language of the account with that address, else in
// the inviter's.
func (s *Service) mailInvitation(ctx context.Context, tx *store.Tx, by auth.User, h store.Hackathon, t store.Team, email, token string) error {
	if email == "" {
		return nil
	}
	to := mail.Recipient{Email: email, Language: by.Language}
	if acct, err := tx.UserByEmail(ctx, email); err == nil {
		to.Name, to.Language = acct.Name, acct.Language
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	c := s.notify.Composer()
	m, err := c.Compose(mail.KindTeamInvitation, to, map[string]string{"Team": t.Name, "Edition": h.Name, "By": by.Name,
		"Link": c.Link("/teams/invitations/"+token, nil)}, "")
	if err != nil {
		return err
	}
	return tx.EnqueueMail(ctx, m)
}

// TeamInvitation is what an invitation link leads to: the team and its
// edition.
type TeamInvitation struct {
	Team    store.Team
	Edition store.Hackathon
}

// PeekTeamInvitation says which team an unused, unexpired invitation is
// for; others are store.ErrNotFound (used: store.ErrConflict).
func (s *Service) PeekTeamInvitation(ctx context.Context, token string) (TeamInvitation, error) {
	inv, err := s.store.TeamInvitationByHash(ctx, auth.HashInvitation(token))
	if err != nil {
		return TeamInvitation{}, err
	}
	if err := s.usable(inv); err != nil {
		return TeamInvitation{}, err
	}
	t, err := s.store.TeamByID(ctx, inv.TeamID)
	if err != nil {
		return TeamInvitation{}, err
	}
	h, err := s.store.HackathonByID(ctx, t.HackathonID)
	return TeamInvitation{Team: t, Edition: h}, err
}

func (s *Service) usable(inv store.TeamInvitation) error {
	switch {
	case inv.AcceptedAt != nil:
		return fmt.Errorf("%w: this invitation was already used", store.ErrConflict)
	case s.now().After(inv.ExpiresAt):
		return fmt.Errorf("invitation expired: %w", store.ErrNotFound)
	}
	return nil
}

// AcceptTeamInvitation puts the caller in the team an invitation is for.
// An unknown or expired token is store.ErrNotFound; a used one, or a
// caller already in a team of the edition, store.ErrConflict. It is in
// the audit log (team.join).
func (s *Service) AcceptTeamInvitation(ctx context.Context, u auth.User, token string) (store.Team, error) {
	var t store.Team
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		inv, err := tx.TeamInvitationByHash(ctx, auth.HashInvitation(token))
		if err != nil {
			return err
		}
		if err := s.usable(inv); err != nil {
			return err
		}
		if inv.Email != "" && !strings.EqualFold(inv.Email, u.Email) {
			return fmt.Errorf("this invitation was sent to another e-mail address; sign in with the account of that address: %w",
				auth.ErrForbidden)
		}
		if t, err = tx.TeamByID(ctx, inv.TeamID); err != nil {
			return err
		}
		h, err := tx.HackathonByID(ctx, t.HackathonID)
		if err != nil {
			return err
		}
		if err := s.formingTeams(h); err != nil {
			return err
		}
		if err := tx.AddTeamMember(ctx, t, u.ID); err != nil {
			return err
		}
		if err := tx.MarkTeamInvitationAccepted(ctx, inv.ID, u.ID); err != nil {
			return err
		}
		if t, err = tx.TeamByID(ctx, t.ID); err != nil {
			return err
		}
		if err := s.notifyTeam(ctx, tx, memberIDs(t), u.ID, teamJoined, t, map[string]string{"Member": u.Name}); err != nil {
			return err
		}
		return teamAudit(ctx, tx, u, "team.join", t, map[string]any{"invitation_id": inv.ID})
	})
	return t, err
}

// RemoveTeamMember takes a member out of a team: members leave, the
// captain removes others. The captain leaves only once they handed the
// captaincy over; the last member leaving dissolves the team, unless it
// has an entry (store.ErrConflict: withdraw it first). It reports whether
// the team was dissolved, and is in the audit log (team.leave).
func (s *Service) RemoveTeamMember(ctx context.Context, u auth.User, slug string, id, userID int64) (bool, error) {
	dissolved := false
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		_, t, err := lockTeam(ctx, tx, slug, id)
		if err != nil {
			return err
		}
		if err := leaving(t, u, userID); err != nil {
			return err
		}
		if len(t.Members) == 1 {
			n, err := tx.TeamEntries(ctx, t.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("%w: the team has an entry: withdraw it, or hand the team over, before leaving", store.ErrConflict)
			}
			dissolved = true
		}
		if err := tx.RemoveTeamMember(ctx, t.ID, userID); err != nil {
			return err
		}
		if dissolved {
			if err := tx.DeleteTeam(ctx, t.ID); err != nil {
				return err
			}
		}
		event := teamLeft
		if userID != u.ID {
			event = teamRemoved
		}
		err = s.notifyTeam(ctx, tx, memberIDs(t), u.ID, event, t, map[string]string{"Member": memberName(t, userID), "By": u.Name})
		if err != nil {
			return err
		}
		return teamAudit(ctx, tx, u, "team.leave", t, map[string]any{"user_id": userID, "dissolved": dissolved})
	})
	return dissolved, err
}

// leaving checks that u may take userID out of team t.
func leaving(t store.Team, u auth.User, userID int64) error {
	switch {
	case !isMember(t, userID):
		return fmt.Errorf("member %d: %w", userID, store.ErrNotFound)
	case userID != u.ID && t.CaptainID != u.ID:
		return fmt.Errorf("only the team's captain can remove other members: %w", auth.ErrForbidden)
	case userID == t.CaptainID && len(t.Members) > 1:
		return fmt.Errorf("%w: hand the captaincy to another member before leaving", store.ErrConflict)
	}
	return nil
}

// entryTeam is the team an entry records: the one asked for, which must
// be the caller's, or by default the caller's team in the edition (0 for
// none).
func entryTeam(ctx context.Context, tx *store.Tx, hackathonID int64, u auth.User, asked int64) (int64, error) {
	t, err := tx.TeamOf(ctx, hackathonID, u.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		t = store.Team{}
	case err != nil:
		return 0, err
	}
	if asked != 0 && asked != t.ID {
		return 0, valid.Errors{{Field: "team_id", Message: "must be your team in this edition"}}
	}
	return t.ID, nil
}

// onTeam reports whether the caller owns an entry's plugin or is in the
// entry's team: either may change or withdraw it.
func onTeam(ctx context.Context, q teamMembers, hackathonID, pluginID, ownerID int64, u auth.User) (bool, error) {
	if ownerID == u.ID {
		return true, nil
	}
	return q.IsTeamMemberOfEntry(ctx, hackathonID, pluginID, u.ID)
}

// teamMembers is what onTeam needs: a Store or a Tx.
type teamMembers interface {
	IsTeamMemberOfEntry(ctx context.Context, hackathonID, pluginID, userID int64) (bool, error)
}

// setTeam records the team of an entry, when it has one.
func setTeam(ctx context.Context, tx *store.Tx, hackathonID, pluginID, teamID int64) error {
	if teamID == 0 {
		return nil
	}
	return tx.SetSubmissionTeam(ctx, hackathonID, pluginID, teamID)
}
