package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// TeamInvitation is a link inviting whoever holds it into a team, used
// once. One sent by e-mail carries the address (canonical), and only the
// account with it may accept.
type TeamInvitation struct {
	ID         int64
	TeamID     int64
	InvitedBy  int64
	Email      string // empty: anyone holding the link
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt *time.Time
}

const teamInvitationColumns = `id, team_id, invited_by, email, created_at, expires_at, accepted_at`

func scanTeamInvitation(r interface{ Scan(...any) error }) (TeamInvitation, error) {
	var i TeamInvitation
	err := r.Scan(&i.ID, &i.TeamID, &i.InvitedBy, &i.Email, &i.CreatedAt, &i.ExpiresAt, &i.AcceptedAt)
	return i, err
}

// InsertTeamInvitation stores an invitation under the hash of its token.
func (q queries) InsertTeamInvitation(ctx context.Context, tokenHash string, i TeamInvitation) (TeamInvitation, error) {
	out, err := scanTeamInvitation(q.w.QueryRowContext(ctx, `INSERT INTO team_invitations
			(team_id, token_hash, invited_by, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+teamInvitationColumns,
		i.TeamID, tokenHash, i.InvitedBy, i.Email, now(), i.ExpiresAt.UTC()))
	if err != nil {
		return TeamInvitation{}, fmt.Errorf("team invitation: %w", mapError(err))
	}
	return out, nil
}

// TeamInvitationByHash returns an invitation by the hash of its token, or
// ErrNotFound.
func (q queries) TeamInvitationByHash(ctx context.Context, tokenHash string) (TeamInvitation, error) {
	i, err := scanTeamInvitation(q.w.QueryRowContext(ctx, `SELECT `+teamInvitationColumns+` FROM team_invitations
		WHERE token_hash = $1`, tokenHash))
	if err != nil {
		return TeamInvitation{}, fmt.Errorf("team invitation: %w", mapError(err))
	}
	return i, nil
}

// PendingTeamInvitations counts a team's invitations neither used nor
// expired at a time.
func (q queries) PendingTeamInvitations(ctx context.Context, teamID int64, at time.Time) (int, error) {
	var n int
	err := q.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM team_invitations
		WHERE team_id = $1 AND accepted_at IS NULL AND expires_at > $2`, teamID, at.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("team invitations: %w", err)
	}
	return n, nil
}

// MarkTeamInvitationAccepted uses an invitation once: a second use is
// ErrConflict.
func (q queries) MarkTeamInvitationAccepted(ctx context.Context, id, userID int64) error {
	res, err := q.w.ExecContext(ctx, `UPDATE team_invitations SET accepted_at = $2, accepted_by = $3
		WHERE id = $1 AND accepted_at IS NULL`, id, now(), userID)
	if err != nil {
		return fmt.Errorf("team invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: the invitation was already used", ErrConflict)
	}
	return nil
}

// TeamProfile is what a participant publishes on the "looking for a
// team" page of an edition; Name is their display name.
type TeamProfile struct {
	HackathonID int64
	UserID      int64
	Name        string
	Skills      []string
	Languages   []string
	Wants       string
	Visible     bool
	UpdatedAt   time.Time
}

// SaveTeamProfile records or replaces a participant's profile.
func (q queries) SaveTeamProfile(ctx context.Context, p TeamProfile) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO team_profiles (hackathon_id, user_id, skills, languages, wants, visible, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (hackathon_id, user_id) DO UPDATE SET skills = excluded.skills,
		languages = excluded.languages, wants = excluded.wants, visible = excluded.visible, updated_at = excluded.updated_at`,
		p.HackathonID, p.UserID, strings.Join(p.Skills, "\n"), strings.Join(p.Languages, "\n"), p.Wants, p.Visible, now())
	if err != nil {
		return fmt.Errorf("profile: %w", mapError(err))
	}
	return nil
}

// DeleteTeamProfile removes a participant's profile, or is ErrNotFound.
func (q queries) DeleteTeamProfile(ctx context.Context, hackathonID, userID int64) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM team_profiles WHERE hackathon_id = $1 AND user_id = $2`, hackathonID, userID)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("profile: %w", ErrNotFound)
	}
	return nil
}

const teamProfileSelect = `SELECT p.hackathon_id, p.user_id, u.name, p.skills, p.languages, p.wants, p.visible, p.updated_at
	FROM team_profiles p JOIN users u ON u.id = p.user_id `

func scanTeamProfile(r interface{ Scan(...any) error }) (TeamProfile, error) {
	var p TeamProfile
	var skills, languages string
	err := r.Scan(&p.HackathonID, &p.UserID, &p.Name, &skills, &languages, &p.Wants, &p.Visible, &p.UpdatedAt)
	p.Skills, p.Languages = splitLines(skills), splitLines(languages)
	return p, err
}

func splitLines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

// TeamProfileOf returns a participant's profile, or ErrNotFound.
func (q queries) TeamProfileOf(ctx context.Context, hackathonID, userID int64) (TeamProfile, error) {
	p, err := scanTeamProfile(q.r.QueryRowContext(ctx, teamProfileSelect+`WHERE p.hackathon_id = $1 AND p.user_id = $2`,
		hackathonID, userID))
	if err != nil {
		return TeamProfile{}, fmt.Errorf("profile: %w", mapError(err))
	}
	return p, nil
}

// VisibleTeamProfiles lists the profiles of an edition their authors
// chose to publish, newest first.
func (q queries) VisibleTeamProfiles(ctx context.Context, hackathonID int64) ([]TeamProfile, error) {
	rows, err := q.r.QueryContext(ctx, teamProfileSelect+`WHERE p.hackathon_id = $1 AND p.visible ORDER BY p.updated_at DESC, p.user_id`,
		hackathonID)
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	return collect(rows, scanTeamProfile)
}

// PendingTeamInvitationList lists a team's invitations neither used nor
// expired at a time, newest first.
func (q queries) PendingTeamInvitationList(ctx context.Context, teamID int64, at time.Time) ([]TeamInvitation, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+teamInvitationColumns+` FROM team_invitations
		WHERE team_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id DESC`, teamID, at.UTC())
	if err != nil {
		return nil, fmt.Errorf("team invitations: %w", err)
	}
	return collect(rows, scanTeamInvitation)
}

// DeleteTeamInvitation revokes an unused invitation of a team; one that
// is not the team's, or already used, is ErrNotFound.
func (q queries) DeleteTeamInvitation(ctx context.Context, teamID, id int64) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM team_invitations WHERE id = $1 AND team_id = $2 AND accepted_at IS NULL`, id, teamID)
	if err != nil {
		return fmt.Errorf("team invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("team invitation %d: %w", id, ErrNotFound)
	}
	return nil
}
