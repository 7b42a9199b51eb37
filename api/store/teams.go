package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Team is a group of participants of one edition, led by its captain.
type Team struct {
	ID          int64
	HackathonID int64
	Name        string
	Description string
	Needs       string // what the team is looking for
	Open        bool   // listed on the "looking for a team" page
	CaptainID   int64
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Members     []TeamMember // filled by TeamMembers
}

// TeamMember is an account in a team, named by its display name only.
type TeamMember struct {
	UserID   int64
	Name     string
	JoinedAt time.Time
}

const teamColumns = `t.id, t.hackathon_id, t.name, t.description, t.needs, t.open, t.captain_id, t.created_by, t.created_at, t.updated_at`

// teamReturning is teamColumns without the table alias, for RETURNING.
var teamReturning = strings.ReplaceAll(teamColumns, "t.", "")

func scanTeam(r interface{ Scan(...any) error }) (Team, error) {
	var t Team
	err := r.Scan(&t.ID, &t.HackathonID, &t.Name, &t.Description, &t.Needs, &t.Open, &t.CaptainID, &t.CreatedBy, &t.CreatedAt, &t.UpdatedAt)
	return t, err
}

// InsertTeam creates a team with its creator as captain and first member.
// A name taken in the edition, or a creator already in a team there, is
// ErrConflict.
func (tx *Tx) InsertTeam(ctx context.Context, t Team) (Team, error) {
	at := now()
	out, err := scanTeam(tx.w.QueryRowContext(ctx, `INSERT INTO teams (hackathon_id, name, name_key, description, needs, open,
			captain_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $8) RETURNING `+teamReturning,
		t.HackathonID, t.Name, strings.ToLower(t.Name), t.Description, t.Needs, t.Open, t.CaptainID, at))
	if err != nil {
		return Team{}, fmt.Errorf("team %q: %w", t.Name, mapError(err))
	}
	return out, tx.AddTeamMember(ctx, out, t.CaptainID)
}

// AddTeamMember puts an account in a team; one already in a team of the
// edition is ErrConflict.
func (q queries) AddTeamMember(ctx context.Context, t Team, userID int64) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO team_members (team_id, hackathon_id, user_id, created_at) VALUES ($1, $2, $3, $4)`,
		t.ID, t.HackathonID, userID, now())
	if err != nil {
		return fmt.Errorf("%w: already in a team of this edition", mapError(err))
	}
	return nil
}

// RemoveTeamMember takes an account out of a team, or is ErrNotFound.
func (q queries) RemoveTeamMember(ctx context.Context, teamID, userID int64) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM team_members WHERE team_id = $1 AND user_id = $2`, teamID, userID)
	if err != nil {
		return fmt.Errorf("team member: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("team member %d: %w", userID, ErrNotFound)
	}
	return nil
}

// DeleteTeam dissolves a team with its invitations.
func (q queries) DeleteTeam(ctx context.Context, teamID int64) error {
	for _, stmt := range []string{`DELETE FROM team_invitations WHERE team_id = $1`, `DELETE FROM team_members WHERE team_id = $1`,
		`DELETE FROM teams WHERE id = $1`} {
		if _, err := q.w.ExecContext(ctx, stmt, teamID); err != nil {
			return fmt.Errorf("dissolve team: %w", mapError(err))
		}
	}
	return nil
}

// UpdateTeam saves a team's description, needs, openness and captain.
func (q queries) UpdateTeam(ctx context.Context, t Team) error {
	_, err := q.w.ExecContext(ctx, `UPDATE teams SET description = $2, needs = $3, open = $4, captain_id = $5, updated_at = $6
		WHERE id = $1`, t.ID, t.Description, t.Needs, t.Open, t.CaptainID, now())
	if err != nil {
		return fmt.Errorf("team: %w", mapError(err))
	}
	return nil
}

// TeamByID returns a team with its members, or ErrNotFound.
func (q queries) TeamByID(ctx context.Context, id int64) (Team, error) {
	t, err := scanTeam(q.r.QueryRowContext(ctx, `SELECT `+teamColumns+` FROM teams t WHERE t.id = $1`, id))
	if err != nil {
		return Team{}, fmt.Errorf("team %d: %w", id, mapError(err))
	}
	t.Members, err = q.TeamMembers(ctx, id)
	return t, err
}

// TeamOf returns the team an account is in within an edition, or
// ErrNotFound.
func (q queries) TeamOf(ctx context.Context, hackathonID, userID int64) (Team, error) {
	var id int64
	err := q.r.QueryRowContext(ctx, `SELECT team_id FROM team_members WHERE hackathon_id = $1 AND user_id = $2`,
		hackathonID, userID).Scan(&id)
	if err != nil {
		return Team{}, fmt.Errorf("team: %w", mapError(err))
	}
	return q.TeamByID(ctx, id)
}

// Teams lists an edition's teams by name, with their members.
func (q queries) Teams(ctx context.Context, hackathonID int64) ([]Team, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+teamColumns+` FROM teams t WHERE t.hackathon_id = $1 ORDER BY LOWER(t.name), t.id`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	list, err := collect(rows, scanTeam)
	for i := range list {
		if err == nil {
			list[i].Members, err = q.TeamMembers(ctx, list[i].ID)
		}
	}
	return list, err
}

// TeamMembers lists a team's members in the order they joined.
func (q queries) TeamMembers(ctx context.Context, teamID int64) ([]TeamMember, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT u.id, u.name, m.created_at FROM team_members m JOIN users u ON u.id = m.user_id
		WHERE m.team_id = $1 ORDER BY m.created_at, u.id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("team members: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (TeamMember, error) {
		var m TeamMember
		return m, r.Scan(&m.UserID, &m.Name, &m.JoinedAt)
	})
}

// TeamEntries counts the entries a team has in its edition.
func (q queries) TeamEntries(ctx context.Context, teamID int64) (int, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM submissions WHERE team_id = $1`, teamID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("team entries: %w", err)
	}
	return n, nil
}

// SetSubmissionTeam records the team an entry belongs to (0 for none).
func (q queries) SetSubmissionTeam(ctx context.Context, hackathonID, pluginID, teamID int64) error {
	var team *int64
	if teamID != 0 {
		team = &teamID
	}
	_, err := q.w.ExecContext(ctx, `UPDATE submissions SET team_id = $3 WHERE hackathon_id = $1 AND plugin_id = $2`,
		hackathonID, pluginID, team)
	if err != nil {
		return fmt.Errorf("submission team: %w", mapError(err))
	}
	return nil
}

// SubmissionTeams maps an edition's entries (by plugin id) to their team.
func (q queries) SubmissionTeams(ctx context.Context, hackathonID int64) (map[int64]Team, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT s.plugin_id, `+teamColumns+` FROM submissions s JOIN teams t ON t.id = s.team_id
		WHERE s.hackathon_id = $1`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("submission teams: %w", err)
	}
	type pair struct {
		plugin int64
		team   Team
	}
	list, err := collect(rows, func(r interface{ Scan(...any) error }) (pair, error) {
		var p pair
		var err error
		p.team, err = scanTeam(prefixScanner{r, &p.plugin})
		return p, err
	})
	out := map[int64]Team{}
	for _, p := range list {
		out[p.plugin] = p.team
	}
	return out, err
}

// teamMemberOfPluginSQL is whether account $2 is in the team of an entry
// of plugin $1, in any edition.
const teamMemberOfPluginSQL = `SELECT COUNT(*) FROM submissions s JOIN team_members m ON m.team_id = s.team_id
	WHERE s.plugin_id = $1 AND m.user_id = $2`

// IsTeamMemberOfPlugin reports whether an account is in the team of an
// entry of a plugin: team members edit the plugin as its collaborators do.
func (q queries) IsTeamMemberOfPlugin(ctx context.Context, pluginID, userID int64) (bool, error) {
	var n int
	if err := q.r.QueryRowContext(ctx, teamMemberOfPluginSQL, pluginID, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("team member: %w", err)
	}
	return n > 0, nil
}

// IsTeamMemberOfEntry reports whether an account is in the team of one
// entry.
func (q queries) IsTeamMemberOfEntry(ctx context.Context, hackathonID, pluginID, userID int64) (bool, error) {
	var n int
	err := q.r.QueryRowContext(ctx, teamMemberOfPluginSQL+` AND s.hackathon_id = $3`, pluginID, userID, hackathonID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("team member: %w", err)
	}
	return n > 0, nil
}

// prefixScanner scans a first column into first, the rest with Scan.
type prefixScanner struct {
	r     interface{ Scan(...any) error }
	first any
}

// Scan implements the row scanner interface.
func (p prefixScanner) Scan(dest ...any) error { return p.r.Scan(append([]any{p.first}, dest...)...) }

// HackathonByID returns an edition by id, or ErrNotFound.
func (q queries) HackathonByID(ctx context.Context, id int64) (Hackathon, error) {
	h, err := scanHackathon(q.r.QueryRowContext(ctx, `SELECT `+hackathonColumns+` FROM hackathons WHERE id = $1`, id))
	if err != nil {
		return Hackathon{}, fmt.Errorf("hackathon %d: %w", id, mapError(err))
	}
	return h, nil
}
