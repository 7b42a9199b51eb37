package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// The statuses of a challenge: proposed by an organisation and awaiting
// the organizers, approved (open to entries) or refused.
const (
	ChallengeProposed = "proposed"
	ChallengeApproved = "approved"
	ChallengeRefused  = "refused"
)

// Link is a labelled https address given with a challenge (its data, its
// documentation).
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Prize is what a challenge awards.
type Prize struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// Challenge is a track of an edition: who brings it (a verified
// organisation, or free text), its links and prizes, its status.
type Challenge struct {
	ID             int64
	HackathonID    int64
	Title          string
	Description    string
	OrganizationID *int64
	OrgSlug        string // empty when brought by free text
	OrgName        string
	BroughtBy      string
	Links          []Link
	Prizes         []Prize
	Status         string
	CreatedBy      int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

const challengeSelect = `SELECT c.id, c.hackathon_id, c.title, c.description, c.organization_id,
	COALESCE(o.slug, ''), COALESCE(o.name, ''), c.brought_by, c.links, c.prizes, c.status, c.created_by,
	c.created_at, c.updated_at
	FROM challenges c LEFT JOIN organizations o ON o.id = c.organization_id `

func scanChallenge(r interface{ Scan(...any) error }) (Challenge, error) {
	var (
		c             Challenge
		org           sql.NullInt64
		links, prizes string
	)
	err := r.Scan(&c.ID, &c.HackathonID, &c.Title, &c.Description, &org, &c.OrgSlug, &c.OrgName, &c.BroughtBy,
		&links, &prizes, &c.Status, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return c, err
	}
	if org.Valid {
		c.OrganizationID = &org.Int64
	}
	if err := json.Unmarshal([]byte(links), &c.Links); err != nil {
		return c, fmt.Errorf("challenge %d links: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(prizes), &c.Prizes); err != nil {
		return c, fmt.Errorf("challenge %d prizes: %w", c.ID, err)
	}
	return c, nil
}

func challengeJSON(c Challenge) (string, string) {
	links, prizes := c.Links, c.Prizes
	if links == nil {
		links = []Link{}
	}
	if prizes == nil {
		prizes = []Prize{}
	}
	l, _ := json.Marshal(links)
	p, _ := json.Marshal(prizes)
	return string(l), string(p)
}

// InsertChallenge creates a challenge and returns it as stored.
func (q queries) InsertChallenge(ctx context.Context, c Challenge) (Challenge, error) {
	links, prizes := challengeJSON(c)
	t := now()
	var id int64
	err := q.w.QueryRowContext(ctx, `INSERT INTO challenges (hackathon_id, title, description, organization_id, brought_by,
		links, prizes, status, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
		c.HackathonID, c.Title, c.Description, c.OrganizationID, c.BroughtBy, links, prizes, c.Status, c.CreatedBy, t).Scan(&id)
	if err != nil {
		return Challenge{}, fmt.Errorf("insert challenge: %w", mapError(err))
	}
	return q.Challenge(ctx, c.HackathonID, id)
}

// UpdateChallenge stores a challenge's fields and status.
func (q queries) UpdateChallenge(ctx context.Context, c Challenge) error {
	links, prizes := challengeJSON(c)
	_, err := q.w.ExecContext(ctx, `UPDATE challenges SET title = $2, description = $3, organization_id = $4,
		brought_by = $5, links = $6, prizes = $7, status = $8, updated_at = $9 WHERE id = $1`,
		c.ID, c.Title, c.Description, c.OrganizationID, c.BroughtBy, links, prizes, c.Status, now())
	if err != nil {
		return fmt.Errorf("update challenge: %w", err)
	}
	return nil
}

// DeleteChallenge removes a challenge with its pool and feedback.
func (q queries) DeleteChallenge(ctx context.Context, id int64) error {
	for _, stmt := range []string{
		`DELETE FROM challenge_feedback WHERE challenge_id = $1`,
		`DELETE FROM challenge_judges WHERE challenge_id = $1`,
		`DELETE FROM submission_challenges WHERE challenge_id = $1`,
		`DELETE FROM challenges WHERE id = $1`,
	} {
		if _, err := q.w.ExecContext(ctx, stmt, id); err != nil {
			return fmt.Errorf("delete challenge: %w", err)
		}
	}
	return nil
}

// Challenge returns one challenge of an edition, or ErrNotFound.
func (q queries) Challenge(ctx context.Context, hackathonID, id int64) (Challenge, error) {
	c, err := scanChallenge(q.r.QueryRowContext(ctx, challengeSelect+`WHERE c.hackathon_id = $1 AND c.id = $2`, hackathonID, id))
	if err != nil {
		return Challenge{}, fmt.Errorf("challenge %d: %w", id, mapError(err))
	}
	return c, nil
}

// Challenges lists an edition's challenges, every status, in creation order.
func (q queries) Challenges(ctx context.Context, hackathonID int64) ([]Challenge, error) {
	rows, err := q.r.QueryContext(ctx, challengeSelect+`WHERE c.hackathon_id = $1 ORDER BY c.id`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("challenges: %w", err)
	}
	return collect(rows, scanChallenge)
}

// ChallengeEntryCount counts the entries that picked a challenge.
func (q queries) ChallengeEntryCount(ctx context.Context, id int64) (int, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM submission_challenges sc JOIN submissions s
		ON s.hackathon_id = sc.hackathon_id AND s.plugin_id = sc.plugin_id WHERE sc.challenge_id = $1`, id).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("challenge entries: %w", err)
	}
	return n, nil
}

// SetSubmissionChallenges replaces the challenges an entry picked.
func (q queries) SetSubmissionChallenges(ctx context.Context, hackathonID, pluginID int64, ids []int64) error {
	if _, err := q.w.ExecContext(ctx, `DELETE FROM submission_challenges WHERE hackathon_id = $1 AND plugin_id = $2`,
		hackathonID, pluginID); err != nil {
		return fmt.Errorf("entry challenges: %w", err)
	}
	for _, id := range ids {
		if _, err := q.w.ExecContext(ctx, `INSERT INTO submission_challenges (hackathon_id, plugin_id, challenge_id)
			VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, hackathonID, pluginID, id); err != nil {
			return fmt.Errorf("entry challenges: %w", err)
		}
	}
	return nil
}

// EntryChallenges returns, by plugin id, the challenges each entry of an
// edition picked, in id order.
func (q queries) EntryChallenges(ctx context.Context, hackathonID int64) (map[int64][]int64, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT sc.plugin_id, sc.challenge_id FROM submission_challenges sc
		JOIN submissions s ON s.hackathon_id = sc.hackathon_id AND s.plugin_id = sc.plugin_id
		WHERE sc.hackathon_id = $1 ORDER BY sc.plugin_id, sc.challenge_id`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("entry challenges: %w", err)
	}
	return groupIDs(rows)
}

// ChallengeEntries lists the entries that picked a challenge, by slug.
func (q queries) ChallengeEntries(ctx context.Context, challengeID int64) ([]Submission, error) {
	rows, err := q.r.QueryContext(ctx, submissionSelect+`JOIN submission_challenges sc
		ON sc.hackathon_id = s.hackathon_id AND sc.plugin_id = s.plugin_id WHERE sc.challenge_id = $1 ORDER BY p.slug`, challengeID)
	if err != nil {
		return nil, fmt.Errorf("challenge entries: %w", err)
	}
	return collect(rows, scanSubmission)
}

// AddPoolJudge puts a judge in a challenge's pool; ErrConflict when there.
func (q queries) AddPoolJudge(ctx context.Context, challengeID, userID int64) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO challenge_judges (challenge_id, user_id) VALUES ($1, $2)`, challengeID, userID)
	if err != nil {
		return fmt.Errorf("pool judge: %w", mapError(err))
	}
	return nil
}

// RemovePoolJudge takes a judge out of a challenge's pool; ErrNotFound
// when not in it.
func (q queries) RemovePoolJudge(ctx context.Context, challengeID, userID int64) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM challenge_judges WHERE challenge_id = $1 AND user_id = $2`, challengeID, userID)
	if err != nil {
		return fmt.Errorf("pool judge: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("pool judge %d: %w", userID, ErrNotFound)
	}
	return nil
}

// Pools returns, by challenge id, the judges of each pool of an edition.
func (q queries) Pools(ctx context.Context, hackathonID int64) (map[int64][]int64, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT j.challenge_id, j.user_id FROM challenge_judges j
		JOIN challenges c ON c.id = j.challenge_id WHERE c.hackathon_id = $1 ORDER BY j.challenge_id, j.user_id`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("pools: %w", err)
	}
	return groupIDs(rows)
}

// ChallengeFeedback is a message the organisation behind a challenge left
// to an entry.
type ChallengeFeedback struct {
	ID          int64
	ChallengeID int64
	PluginID    int64
	AuthorID    int64
	AuthorName  string
	Message     string
	CreatedAt   time.Time
}

// InsertChallengeFeedback records a feedback message.
func (q queries) InsertChallengeFeedback(ctx context.Context, f ChallengeFeedback) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO challenge_feedback (challenge_id, plugin_id, author_id, message, created_at)
		VALUES ($1, $2, $3, $4, $5)`, f.ChallengeID, f.PluginID, f.AuthorID, f.Message, now())
	if err != nil {
		return fmt.Errorf("challenge feedback: %w", err)
	}
	return nil
}

// EntryFeedback lists the feedback left to an entry of an edition through
// any of its challenges, oldest first.
func (q queries) EntryFeedback(ctx context.Context, hackathonID, pluginID int64) ([]ChallengeFeedback, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT f.id, f.challenge_id, f.plugin_id, f.author_id, u.name, f.message, f.created_at
		FROM challenge_feedback f JOIN challenges c ON c.id = f.challenge_id JOIN users u ON u.id = f.author_id
		WHERE c.hackathon_id = $1 AND f.plugin_id = $2 ORDER BY f.id`, hackathonID, pluginID)
	if err != nil {
		return nil, fmt.Errorf("entry feedback: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (ChallengeFeedback, error) {
		var f ChallengeFeedback
		return f, r.Scan(&f.ID, &f.ChallengeID, &f.PluginID, &f.AuthorID, &f.AuthorName, &f.Message, &f.CreatedAt)
	})
}

// OrgEntry is an entry to a challenge an organisation brings: the
// edition, the challenge and the plugin at the version entered.
type OrgEntry struct {
	Hackathon     string
	HackathonName string
	ChallengeID   int64
	Challenge     string
	Plugin        string
	Name          string
	Version       string
	Status        string
}

// OrgEntries lists the entries to the challenges an organisation brings,
// newest edition first.
func (q queries) OrgEntries(ctx context.Context, orgID int64) ([]OrgEntry, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT h.slug, h.name, c.id, c.title, p.slug, p.name, s.version, s.status
		FROM challenges c JOIN hackathons h ON h.id = c.hackathon_id
		JOIN submission_challenges sc ON sc.challenge_id = c.id
		JOIN submissions s ON s.hackathon_id = sc.hackathon_id AND s.plugin_id = sc.plugin_id
		JOIN plugins p ON p.id = s.plugin_id
		WHERE c.organization_id = $1 ORDER BY h.id DESC, c.id, p.slug`, orgID)
	if err != nil {
		return nil, fmt.Errorf("organisation entries: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (OrgEntry, error) {
		var e OrgEntry
		return e, r.Scan(&e.Hackathon, &e.HackathonName, &e.ChallengeID, &e.Challenge, &e.Plugin, &e.Name, &e.Version, &e.Status)
	})
}

// groupIDs reads rows of two ids, ordered by the first, into the second
// ids of each first one.
func groupIDs(rows *sql.Rows) (map[int64][]int64, error) {
	pairs, err := collect(rows, func(r interface{ Scan(...any) error }) ([2]int64, error) {
		var p [2]int64
		return p, r.Scan(&p[0], &p[1])
	})
	out := map[int64][]int64{}
	for _, p := range pairs {
		out[p[0]] = append(out[p[0]], p[1])
	}
	return out, err
}
