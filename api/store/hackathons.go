package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Hackathon is an edition. Rubric is its criteria as JSON; the judging
// package gives it meaning.
type Hackathon struct {
	ID                 int64
	Slug               string
	Name               string
	City               string
	Description        string
	StartsAt           time.Time
	EndsAt             time.Time
	SubmissionDeadline time.Time
	JudgingDeadline    time.Time
	JudgingStartsAt    *time.Time // nil: reviews open at the submission deadline
	Rubric             []byte
	// JudgesPerSubmission is how many judges should read each entry.
	JudgesPerSubmission int
	ResultsPublishedAt  *time.Time
	// JudgingMode is rubric or pairwise; empty means rubric.
	JudgingMode string
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const hackathonColumns = `id, slug, name, city, description, starts_at, ends_at, submission_deadline, judging_deadline,
	judging_starts_at, rubric, judges_per_submission, results_published_at, created_by, created_at, updated_at, judging_mode`

func scanHackathon(r interface{ Scan(...any) error }) (Hackathon, error) {
	var (
		h      Hackathon
		rubric string
	)
	err := r.Scan(&h.ID, &h.Slug, &h.Name, &h.City, &h.Description, &h.StartsAt, &h.EndsAt, &h.SubmissionDeadline,
		&h.JudgingDeadline, &h.JudgingStartsAt, &rubric, &h.JudgesPerSubmission, &h.ResultsPublishedAt, &h.CreatedBy, &h.CreatedAt, &h.UpdatedAt, &h.JudgingMode)
	h.Rubric = []byte(rubric)
	return h, err
}

// DefaultJudgesPerSubmission is how many judges read each entry of an
// edition that does not say (the column's default).
const DefaultJudgesPerSubmission = 2

// InsertHackathon creates an edition. A slug already taken is ErrConflict;
// JudgesPerSubmission 0 means DefaultJudgesPerSubmission.
func (q queries) InsertHackathon(ctx context.Context, h Hackathon) (Hackathon, error) {
	t := now()
	got, err := scanHackathon(q.w.QueryRowContext(ctx, `INSERT INTO hackathons (slug, name, city, description, starts_at, ends_at,
			submission_deadline, judging_deadline, judging_starts_at, rubric, judges_per_submission, created_by, created_at, updated_at, judging_mode)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING `+hackathonColumns,
		h.Slug, h.Name, h.City, h.Description, h.StartsAt.UTC(), h.EndsAt.UTC(), h.SubmissionDeadline.UTC(), h.JudgingDeadline.UTC(),
		utcPtr(h.JudgingStartsAt), string(h.Rubric), cmp.Or(h.JudgesPerSubmission, DefaultJudgesPerSubmission), h.CreatedBy, t, cmp.Or(h.JudgingMode, "rubric")))
	if err != nil {
		return Hackathon{}, fmt.Errorf("hackathon %q: %w", h.Slug, mapError(err))
	}
	return got, nil
}

// UpdateHackathon stores an edition's editable fields.
func (q queries) UpdateHackathon(ctx context.Context, h Hackathon) (Hackathon, error) {
	got, err := scanHackathon(q.w.QueryRowContext(ctx, `UPDATE hackathons SET name = $2, city = $3, description = $4,
			starts_at = $5, ends_at = $6, submission_deadline = $7, judging_deadline = $8, judging_starts_at = $9, rubric = $10,
			judges_per_submission = $11, updated_at = $12, judging_mode = $13
		WHERE id = $1 RETURNING `+hackathonColumns, h.ID, h.Name, h.City, h.Description, h.StartsAt.UTC(), h.EndsAt.UTC(),
		h.SubmissionDeadline.UTC(), h.JudgingDeadline.UTC(), utcPtr(h.JudgingStartsAt), string(h.Rubric),
		cmp.Or(h.JudgesPerSubmission, DefaultJudgesPerSubmission), now(), cmp.Or(h.JudgingMode, "rubric")))
	if err != nil {
		return Hackathon{}, fmt.Errorf("hackathon %q: %w", h.Slug, mapError(err))
	}
	return got, nil
}

// SetJudgesPerSubmission records how many judges an edition's last
// assignment asked for each entry.
func (q queries) SetJudgesPerSubmission(ctx context.Context, hackathonID int64, k int) error {
	_, err := q.w.ExecContext(ctx, `UPDATE hackathons SET judges_per_submission = $2, updated_at = $3 WHERE id = $1`,
		hackathonID, k, now())
	if err != nil {
		return fmt.Errorf("judges per submission: %w", mapError(err))
	}
	return nil
}

// HackathonBySlug returns an edition, or ErrNotFound.
func (q queries) HackathonBySlug(ctx context.Context, slug string) (Hackathon, error) {
	h, err := scanHackathon(q.r.QueryRowContext(ctx, `SELECT `+hackathonColumns+` FROM hackathons WHERE slug = $1`, slug))
	if err != nil {
		return Hackathon{}, fmt.Errorf("hackathon %q: %w", slug, mapError(err))
	}
	return h, nil
}

// LockHackathon returns an edition, locking it on PostgreSQL until the
// transaction ends.
func (q queries) LockHackathon(ctx context.Context, slug string) (Hackathon, error) {
	h, err := scanHackathon(q.w.QueryRowContext(ctx, `SELECT `+hackathonColumns+` FROM hackathons WHERE slug = $1`+q.forUpdate(), slug))
	if err != nil {
		return Hackathon{}, fmt.Errorf("hackathon %q: %w", slug, mapError(err))
	}
	return h, nil
}

// ListHackathons returns a page of editions, the latest first.
func (q queries) ListHackathons(ctx context.Context, p Page) ([]Hackathon, int, error) {
	var total int
	if err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM hackathons`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list hackathons: %w", err)
	}
	rows, err := q.r.QueryContext(ctx, `SELECT `+hackathonColumns+` FROM hackathons ORDER BY starts_at DESC, id DESC
		LIMIT $1 OFFSET $2`, p.Limit, p.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list hackathons: %w", err)
	}
	list, err := collect(rows, scanHackathon)
	if err != nil {
		return nil, 0, fmt.Errorf("list hackathons: %w", err)
	}
	return list, total, nil
}

// EditionNames returns the names of the editions among slugs, by slug;
// slugs that name no edition are left out. The catalogue labels its
// hackathon filter with it: it reads the editions a page shows, by their
// unique slug, and no others.
func (q queries) EditionNames(ctx context.Context, slugs []string) (map[string]string, error) {
	names := make(map[string]string, len(slugs))
	if len(slugs) == 0 {
		return names, nil
	}
	// Padded to a power of two with the first slug, so that a few
	// statements serve every number of editions.
	n := 1
	for n < len(slugs) {
		n *= 2
	}
	args := make([]any, n)
	for i := range args {
		args[i] = slugs[0]
		if i < len(slugs) {
			args[i] = slugs[i]
		}
	}
	rows, err := q.r.QueryContext(ctx, editionNamesSQL(n), args...)
	if err != nil {
		return nil, fmt.Errorf("edition names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var slug, name string
		if err := rows.Scan(&slug, &name); err != nil {
			return nil, fmt.Errorf("edition names: %w", err)
		}
		names[slug] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("edition names: %w", err)
	}
	return names, nil
}

// editionNamesSQL reads the names of n editions by slug.
func editionNamesSQL(n int) string {
	var b strings.Builder
	b.WriteString(`SELECT slug, name FROM hackathons WHERE slug IN (`)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", i+1)
	}
	b.WriteString(")")
	return b.String()
}

// Judge is an account judging an edition.
type Judge struct {
	UserID  int64
	Name    string
	Email   string
	AddedAt time.Time
}

// AddJudge makes a user a judge of an edition; twice is ErrConflict.
func (q queries) AddJudge(ctx context.Context, hackathonID, userID int64) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO hackathon_judges (hackathon_id, user_id, added_at) VALUES ($1, $2, $3)`,
		hackathonID, userID, now())
	if err != nil {
		return fmt.Errorf("judge: %w", mapError(err))
	}
	return nil
}

// RemoveJudge takes a judge off an edition with the assignments they have
// not reviewed; an unknown judge is ErrNotFound.
func (q queries) RemoveJudge(ctx context.Context, hackathonID, userID int64) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM hackathon_judges WHERE hackathon_id = $1 AND user_id = $2`, hackathonID, userID)
	if err != nil {
		return fmt.Errorf("judge: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("judge %d: %w", userID, ErrNotFound)
	}
	_, err = q.w.ExecContext(ctx, `DELETE FROM assignments WHERE hackathon_id = $1 AND judge_id = $2 AND NOT EXISTS (
		SELECT 1 FROM reviews r WHERE r.hackathon_id = assignments.hackathon_id AND r.judge_id = assignments.judge_id
			AND r.plugin_id = assignments.plugin_id)`, hackathonID, userID)
	return err
}

// Judges lists an edition's judges.
func (q queries) Judges(ctx context.Context, hackathonID int64) ([]Judge, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT u.id, u.name, u.email, j.added_at FROM hackathon_judges j
		JOIN users u ON u.id = j.user_id WHERE j.hackathon_id = $1 ORDER BY u.id`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("judges: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (Judge, error) {
		var j Judge
		return j, r.Scan(&j.UserID, &j.Name, &j.Email, &j.AddedAt)
	})
}

// IsJudge reports whether a user judges an edition.
func (q queries) IsJudge(ctx context.Context, hackathonID, userID int64) (bool, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM hackathon_judges WHERE hackathon_id = $1 AND user_id = $2`,
		hackathonID, userID).Scan(&n)
	return n > 0, err
}

// Submission is a plugin entered in an edition, frozen at Version.
type Submission struct {
	HackathonID int64
	PluginID    int64
	Slug        string
	Name        string // the plugin's current name
	OwnerID     int64
	Version     string
	SubmittedBy int64
	SubmittedAt time.Time
	Status      string // submitted, accepted, rejected
	Award       string
	Feedback    string
	DecidedAt   *time.Time
	// ModuleSHA256 is the WebAssembly module the version runs; empty for
	// other runtimes.
	ModuleSHA256 string
	TeamID       *int64 // the team the entry belongs to, if any
}

// submissionModule is the module pinned by the version a submission s
// (or queue entry) froze.
const submissionModule = `COALESCE((SELECT vm.module_sha256 FROM plugin_versions v
	JOIN plugin_version_modules vm ON vm.version_id = v.id WHERE v.plugin_id = s.plugin_id AND v.version = s.version), '')`

const submissionSelect = `SELECT s.hackathon_id, s.plugin_id, p.slug, p.name, p.owner_id, s.version, s.submitted_by,
	s.submitted_at, s.status, s.award, s.feedback, s.decided_at, ` + submissionModule + `, s.team_id
	FROM submissions s JOIN plugins p ON p.id = s.plugin_id `

func scanSubmission(r interface{ Scan(...any) error }) (Submission, error) {
	var s Submission
	err := r.Scan(&s.HackathonID, &s.PluginID, &s.Slug, &s.Name, &s.OwnerID, &s.Version, &s.SubmittedBy, &s.SubmittedAt,
		&s.Status, &s.Award, &s.Feedback, &s.DecidedAt, &s.ModuleSHA256, &s.TeamID)
	return s, err
}

// SaveSubmission enters a plugin at a version, or moves an entry to a new
// version. It reports whether the entry is new.
func (q queries) SaveSubmission(ctx context.Context, hackathonID, pluginID int64, version string, by int64) (bool, error) {
	res, err := q.w.ExecContext(ctx, `UPDATE submissions SET version = $3, submitted_by = $4, submitted_at = $5
		WHERE hackathon_id = $1 AND plugin_id = $2`, hackathonID, pluginID, version, by, now())
	if err != nil {
		return false, fmt.Errorf("submission: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return false, nil
	}
	_, err = q.w.ExecContext(ctx, `INSERT INTO submissions (hackathon_id, plugin_id, version, submitted_by, submitted_at)
		VALUES ($1, $2, $3, $4, $5)`, hackathonID, pluginID, version, by, now())
	if err != nil {
		return false, fmt.Errorf("submission: %w", mapError(err))
	}
	return true, nil
}

// DeleteSubmission withdraws an entry with its assignments, reviews and
// declared conflicts; an unknown entry is ErrNotFound.
func (q queries) DeleteSubmission(ctx context.Context, hackathonID, pluginID int64) error {
	for _, table := range []string{"reviews", "assignments", "judging_conflicts"} {
		if _, err := q.w.ExecContext(ctx, `DELETE FROM `+table+` WHERE hackathon_id = $1 AND plugin_id = $2`, hackathonID, pluginID); err != nil {
			return fmt.Errorf("withdraw: %w", err)
		}
	}
	res, err := q.w.ExecContext(ctx, `DELETE FROM submissions WHERE hackathon_id = $1 AND plugin_id = $2`, hackathonID, pluginID)
	if err != nil {
		return fmt.Errorf("withdraw: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("submission: %w", ErrNotFound)
	}
	return nil
}

// Submissions lists an edition's entries by plugin slug.
func (q queries) Submissions(ctx context.Context, hackathonID int64) ([]Submission, error) {
	rows, err := q.r.QueryContext(ctx, submissionSelect+`WHERE s.hackathon_id = $1 ORDER BY p.slug`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("submissions: %w", err)
	}
	return collect(rows, scanSubmission)
}

// SubmissionOf returns one entry, or ErrNotFound.
func (q queries) SubmissionOf(ctx context.Context, hackathonID int64, slug string) (Submission, error) {
	s, err := scanSubmission(q.r.QueryRowContext(ctx, submissionSelect+`WHERE s.hackathon_id = $1 AND p.slug = $2`, hackathonID, slug))
	if err != nil {
		return Submission{}, fmt.Errorf("submission %q: %w", slug, mapError(err))
	}
	return s, nil
}

// Decide records an organizer's decision on an entry.
func (q queries) Decide(ctx context.Context, hackathonID, pluginID int64, status, award, feedback string, by int64) error {
	res, err := q.w.ExecContext(ctx, `UPDATE submissions SET status = $3, award = $4, feedback = $5, decided_by = $6, decided_at = $7
		WHERE hackathon_id = $1 AND plugin_id = $2`, hackathonID, pluginID, status, award, feedback, by, now())
	if err != nil {
		return fmt.Errorf("decision: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("submission: %w", ErrNotFound)
	}
	return nil
}

// Kinds of conflict of interest.
const (
	ConflictDeclared     = "declared"     // by an organizer, or by the judge about themself
	ConflictOwner        = "owner"        // the judge owns the plugin
	ConflictCollaborator = "collaborator" // the judge collaborates on the plugin
)

// Conflict is a judge who must not review an entry, with why: its Kind,
// the Reason given when declared, and Since when it holds.
type Conflict struct {
	JudgeID    int64
	PluginID   int64
	Slug       string
	Kind       string
	Reason     string // declared conflicts only
	Since      time.Time
	DeclaredBy int64 // who recorded it; 0 while it follows from ownership or collaboration
}

// conflictsSQL is every conflict of interest, by (hackathon_id, judge_id,
// plugin_id): the recorded ones and, until an edition's results are
// published, those that follow from owning or collaborating on an entry's
// plugin (as a collaborator, a member of the organisation it belongs
// to, or a member of the entry's team), whenever the collaboration began. Publishing the results records
// the latter, so that the published results never change.
const conflictsSQL = `SELECT c.hackathon_id, c.judge_id, c.plugin_id, c.kind, c.reason, COALESCE(c.since, c.created_at) AS since, c.declared_by
		FROM judging_conflicts c
	UNION ALL
	SELECT s.hackathon_id, p.owner_id, s.plugin_id, 'owner', '', p.created_at, 0
		FROM submissions s JOIN plugins p ON p.id = s.plugin_id JOIN hackathons h ON h.id = s.hackathon_id
		WHERE h.results_published_at IS NULL
	UNION ALL
	SELECT s.hackathon_id, pc.user_id, s.plugin_id, 'collaborator', '', pc.created_at, 0
		FROM submissions s JOIN plugin_collaborators pc ON pc.plugin_id = s.plugin_id JOIN hackathons h ON h.id = s.hackathon_id
		WHERE h.results_published_at IS NULL
	UNION ALL
	SELECT s.hackathon_id, m.user_id, s.plugin_id, 'collaborator', '',
			CASE WHEN m.created_at > po.created_at THEN m.created_at ELSE po.created_at END, 0
		FROM submissions s JOIN plugin_organizations po ON po.plugin_id = s.plugin_id
		JOIN organization_members m ON m.organization_id = po.organization_id JOIN hackathons h ON h.id = s.hackathon_id
		WHERE h.results_published_at IS NULL
	UNION ALL
	SELECT s.hackathon_id, tm.user_id, s.plugin_id, 'collaborator', '', tm.created_at, 0
		FROM submissions s JOIN team_members tm ON tm.team_id = s.team_id JOIN hackathons h ON h.id = s.hackathon_id
		WHERE h.results_published_at IS NULL`

// conflictKinds orders a pair's conflicts: the first one is the one shown.
const conflictKinds = `CASE x.kind WHEN 'declared' THEN 0 WHEN 'owner' THEN 1 ELSE 2 END`

// DeclareConflict records a conflict, replacing the reason of one already
// declared. The judge's assignment and review stay, set aside: neither
// counts while the conflict holds.
func (q queries) DeclareConflict(ctx context.Context, hackathonID, judgeID, pluginID int64, reason string, by int64) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO judging_conflicts (hackathon_id, judge_id, plugin_id, reason, declared_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (hackathon_id, judge_id, plugin_id) DO UPDATE SET reason = excluded.reason, declared_by = excluded.declared_by,
			kind = 'declared', since = NULL`,
		hackathonID, judgeID, pluginID, reason, by, now())
	if err != nil {
		return fmt.Errorf("conflict: %w", mapError(err))
	}
	return nil
}

// Conflicts lists every conflict of interest with an edition's entries,
// declared or following from ownership and collaboration, of its judges
// and of anyone else, by judge and plugin; a pair with several conflicts
// is listed once per kind, declared first.
func (q queries) Conflicts(ctx context.Context, hackathonID int64) ([]Conflict, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT x.judge_id, x.plugin_id, p.slug, x.kind, x.reason, x.since, x.declared_by
		FROM (`+conflictsSQL+`) x JOIN plugins p ON p.id = x.plugin_id WHERE x.hackathon_id = $1
		ORDER BY x.judge_id, p.slug, `+conflictKinds, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("conflicts: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (Conflict, error) {
		var (
			c     Conflict
			since anyTime
		)
		err := r.Scan(&c.JudgeID, &c.PluginID, &c.Slug, &c.Kind, &c.Reason, &since, &c.DeclaredBy)
		c.Since = since.Time
		return c, err
	})
}

// JudgeConflicts lists a user's conflicts of interest in every edition.
func (q queries) JudgeConflicts(ctx context.Context, judgeID int64) ([]JudgeConflict, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT x.hackathon_id, x.plugin_id FROM (`+conflictsSQL+`) x WHERE x.judge_id = $1`, judgeID)
	if err != nil {
		return nil, fmt.Errorf("conflicts: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (JudgeConflict, error) {
		var c JudgeConflict
		return c, r.Scan(&c.HackathonID, &c.PluginID)
	})
}

// JudgeConflict is an entry of an edition that a judge must not review.
type JudgeConflict struct{ HackathonID, PluginID int64 }

// recordConflicts writes down the conflicts that follow from ownership and
// collaboration in an edition, as they stand, so that they hold whatever
// becomes of the plugins' collaborators.
func (tx *Tx) recordConflicts(ctx context.Context, hackathonID, by int64, t time.Time) error {
	list, err := tx.Conflicts(ctx, hackathonID)
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.Kind == ConflictDeclared {
			continue
		}
		if _, err := tx.w.ExecContext(ctx, `INSERT INTO judging_conflicts (hackathon_id, judge_id, plugin_id, kind, reason, since,
				declared_by, created_at) VALUES ($1, $2, $3, $4, '', $5, $6, $7) ON CONFLICT DO NOTHING`,
			hackathonID, c.JudgeID, c.PluginID, c.Kind, c.Since.UTC(), by, t); err != nil {
			return fmt.Errorf("record conflicts: %w", err)
		}
	}
	return nil
}

// Assignment is a judge asked to review an entry.
type Assignment struct {
	JudgeID  int64
	PluginID int64
	Slug     string
	Reviewed bool
}

// Assignments lists an edition's assignments.
func (q queries) Assignments(ctx context.Context, hackathonID int64) ([]Assignment, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT a.judge_id, a.plugin_id, p.slug,
			EXISTS (SELECT 1 FROM reviews r WHERE r.hackathon_id = a.hackathon_id AND r.judge_id = a.judge_id AND r.plugin_id = a.plugin_id)
		FROM assignments a JOIN plugins p ON p.id = a.plugin_id WHERE a.hackathon_id = $1 ORDER BY p.slug, a.judge_id`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("assignments: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (Assignment, error) {
		var a Assignment
		return a, r.Scan(&a.JudgeID, &a.PluginID, &a.Slug, &a.Reviewed)
	})
}

// ReplaceAssignments sets an edition's assignments to pairs, keeping those
// that have a review.
func (q queries) ReplaceAssignments(ctx context.Context, hackathonID int64, pairs []Assignment) error {
	if _, err := q.w.ExecContext(ctx, `DELETE FROM assignments WHERE hackathon_id = $1 AND NOT EXISTS (
		SELECT 1 FROM reviews r WHERE r.hackathon_id = assignments.hackathon_id AND r.judge_id = assignments.judge_id
			AND r.plugin_id = assignments.plugin_id)`, hackathonID); err != nil {
		return fmt.Errorf("assignments: %w", err)
	}
	t := now()
	for _, a := range pairs {
		if _, err := q.w.ExecContext(ctx, `INSERT INTO assignments (hackathon_id, judge_id, plugin_id, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, hackathonID, a.JudgeID, a.PluginID, t); err != nil {
			return fmt.Errorf("assignments: %w", err)
		}
	}
	return nil
}

// IsAssigned reports whether a judge is asked to review an entry.
func (q queries) IsAssigned(ctx context.Context, hackathonID, judgeID, pluginID int64) (bool, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM assignments WHERE hackathon_id = $1 AND judge_id = $2 AND plugin_id = $3`,
		hackathonID, judgeID, pluginID).Scan(&n)
	return n > 0, err
}

// Review is a judge's scores (JSON) and comment on an entry.
type Review struct {
	JudgeID   int64
	PluginID  int64
	Slug      string
	Scores    []byte
	Comment   string
	UpdatedAt time.Time
}

// SaveReview creates or replaces a judge's review of an entry, and
// reports whether it is new.
func (q queries) SaveReview(ctx context.Context, hackathonID int64, r Review) (bool, error) {
	t := now()
	res, err := q.w.ExecContext(ctx, `UPDATE reviews SET scores = $4, comment = $5, updated_at = $6
		WHERE hackathon_id = $1 AND judge_id = $2 AND plugin_id = $3`, hackathonID, r.JudgeID, r.PluginID, string(r.Scores), r.Comment, t)
	if err != nil {
		return false, fmt.Errorf("review: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return false, nil
	}
	_, err = q.w.ExecContext(ctx, `INSERT INTO reviews (hackathon_id, judge_id, plugin_id, scores, comment, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, hackathonID, r.JudgeID, r.PluginID, string(r.Scores), r.Comment, t)
	if err != nil {
		return false, fmt.Errorf("review: %w", mapError(err))
	}
	return true, nil
}

// Reviews lists an edition's reviews.
func (q queries) Reviews(ctx context.Context, hackathonID int64) ([]Review, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT r.judge_id, r.plugin_id, p.slug, r.scores, r.comment, r.updated_at
		FROM reviews r JOIN plugins p ON p.id = r.plugin_id WHERE r.hackathon_id = $1 ORDER BY p.slug, r.judge_id`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("reviews: %w", err)
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (Review, error) {
		var (
			r      Review
			scores string
		)
		err := row.Scan(&r.JudgeID, &r.PluginID, &r.Slug, &scores, &r.Comment, &r.UpdatedAt)
		r.Scores = []byte(scores)
		return r, err
	})
}

// HasReviews reports whether an edition has any review.
func (q queries) HasReviews(ctx context.Context, hackathonID int64) (bool, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM reviews WHERE hackathon_id = $1`, hackathonID).Scan(&n)
	return n > 0, err
}

// QueueItem is an entry a judge is asked to review.
type QueueItem struct {
	HackathonID     int64
	PluginID        int64
	HackathonSlug   string
	HackathonName   string
	JudgingDeadline time.Time
	PluginSlug      string
	PluginName      string
	Version         string
	ReviewedAt      *time.Time
	ModuleSHA256    string // the WebAssembly module the version runs, if any
}

// JudgeQueue lists what a judge is asked to review in editions whose
// results are not published, those not yet reviewed first. Conflicts of
// interest are not its business: the caller sets those entries aside.
func (q queries) JudgeQueue(ctx context.Context, judgeID int64) ([]QueueItem, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT h.id, p.id, h.slug, h.name, h.judging_deadline, p.slug, p.name, s.version, r.updated_at,
		`+submissionModule+`
		FROM assignments a
		JOIN hackathons h ON h.id = a.hackathon_id
		JOIN submissions s ON s.hackathon_id = a.hackathon_id AND s.plugin_id = a.plugin_id
		JOIN plugins p ON p.id = a.plugin_id
		LEFT JOIN reviews r ON r.hackathon_id = a.hackathon_id AND r.judge_id = a.judge_id AND r.plugin_id = a.plugin_id
		WHERE a.judge_id = $1 AND h.results_published_at IS NULL
		ORDER BY r.updated_at IS NOT NULL, h.judging_deadline, h.slug, p.slug`, judgeID)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (QueueItem, error) {
		var it QueueItem
		return it, r.Scan(&it.HackathonID, &it.PluginID, &it.HackathonSlug, &it.HackathonName, &it.JudgingDeadline, &it.PluginSlug, &it.PluginName, &it.Version, &it.ReviewedAt, &it.ModuleSHA256)
	})
}

// PublishResults makes an edition's results public and gives its plugins
// what the results say of them: the edition among their hackathons, the
// "accepted" and "awarded" badges, and the trust search ranks them by. Each
// plugin is queued for the search index. The conflicts of interest that
// follow from ownership and collaboration are recorded in the name of by,
// the organizer publishing.
func (tx *Tx) PublishResults(ctx context.Context, h Hackathon, by int64) error {
	t := now()
	if err := tx.recordConflicts(ctx, h.ID, by, t); err != nil {
		return err
	}
	if _, err := tx.w.ExecContext(ctx, `UPDATE hackathons SET results_published_at = $2, updated_at = $2 WHERE id = $1`, h.ID, t); err != nil {
		return fmt.Errorf("publish results: %w", err)
	}
	subs, err := tx.Submissions(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, s := range subs {
		badges := map[string]int{}
		if s.Status == "accepted" {
			badges["accepted"] = 1
			if s.Award != "" {
				badges["awarded"] = 2
			}
		}
		if err := tx.markPlugin(ctx, s.PluginID, h.Slug, badges, t); err != nil {
			return err
		}
	}
	return nil
}

// markPlugin adds a hackathon and badges to a plugin, raises its trust,
// counts a change, and queues it for the search index.
func (tx *Tx) markPlugin(ctx context.Context, pluginID int64, hackathon string, badges map[string]int, t time.Time) error {
	var slug, hacks, have string
	var trust int
	if err := tx.w.QueryRowContext(ctx, `SELECT slug, hackathons, badges, trust FROM plugins WHERE id = $1`+tx.forUpdate(),
		pluginID).Scan(&slug, &hacks, &have, &trust); err != nil {
		return fmt.Errorf("mark plugin: %w", mapError(err))
	}
	hs, bs := addWord(strings.Fields(hacks), hackathon), strings.Fields(have)
	if err := tx.addFacets(ctx, pluginID, "hackathon", []string{hackathon}); err != nil {
		return err
	}
	for b, level := range badges {
		bs = addWord(bs, b)
		trust = max(trust, level)
		if err := tx.addFacets(ctx, pluginID, "badge", []string{b}); err != nil {
			return err
		}
	}
	if _, err := tx.w.ExecContext(ctx, `UPDATE plugins SET hackathons = $2, badges = $3, trust = $4, revision = revision + 1,
		updated_at = $5 WHERE id = $1`, pluginID, strings.Join(hs, " "), strings.Join(slices.Sorted(slices.Values(bs)), " "), trust, t); err != nil {
		return fmt.Errorf("mark plugin: %w", err)
	}
	return tx.enqueueIndex(ctx, slug)
}

func addWord(list []string, w string) []string {
	for _, x := range list {
		if x == w {
			return list
		}
	}
	return append(list, w)
}

// anyTime scans a timestamp that SQLite gives without its column's type,
// as from an expression or a UNION: integer microseconds, as the store
// writes them.
type anyTime struct{ time.Time }

// Scan reads a time.Time, integer microseconds or NULL.
func (t *anyTime) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		t.Time = x.UTC()
	case int64:
		t.Time = time.UnixMicro(x).UTC()
	case nil:
		t.Time = time.Time{}
	default:
		return fmt.Errorf("timestamp: unexpected %T", v)
	}
	return nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
