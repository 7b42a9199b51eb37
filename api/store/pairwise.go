package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// PairwiseEntry is an entry of an edition judged pairwise: its score's
// mean and variance (nil before its first comparison), how many
// comparisons it took part in, how many judges were shown it, and how many
// reported its team absent.
type PairwiseEntry struct {
	PluginID    int64
	Slug        string
	Name        string
	Summary     string
	Version     string
	Mu, Sigma2  *float64
	Comparisons int
	Views       int
	Absent      int
}

// PairwiseEntries lists an edition's entries with their pairwise state, by
// plugin slug.
func (q queries) PairwiseEntries(ctx context.Context, hackathonID int64) ([]PairwiseEntry, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT s.plugin_id, p.slug, p.name, p.summary, s.version, e.mu, e.sigma2,
			COALESCE(e.comparisons, 0),
			(SELECT COUNT(*) FROM pairwise_views w WHERE w.hackathon_id = s.hackathon_id AND w.plugin_id = s.plugin_id),
			(SELECT COUNT(*) FROM pairwise_skips k WHERE k.hackathon_id = s.hackathon_id AND k.plugin_id = s.plugin_id AND k.reason = 'absent')
		FROM submissions s JOIN plugins p ON p.id = s.plugin_id
		LEFT JOIN pairwise_entries e ON e.hackathon_id = s.hackathon_id AND e.plugin_id = s.plugin_id
		WHERE s.hackathon_id = $1 ORDER BY p.slug`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("pairwise entries: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (PairwiseEntry, error) {
		var (
			e         PairwiseEntry
			mu, sigma sql.NullFloat64
		)
		err := r.Scan(&e.PluginID, &e.Slug, &e.Name, &e.Summary, &e.Version, &mu, &sigma, &e.Comparisons, &e.Views, &e.Absent)
		if mu.Valid && sigma.Valid {
			e.Mu, e.Sigma2 = &mu.Float64, &sigma.Float64
		}
		return e, err
	})
}

// SavePairwiseScore stores an entry's score after a comparison, counting
// the comparison.
func (q queries) SavePairwiseScore(ctx context.Context, hackathonID, pluginID int64, mu, sigma2 float64) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO pairwise_entries (hackathon_id, plugin_id, mu, sigma2, comparisons)
		VALUES ($1, $2, $3, $4, 1)
		ON CONFLICT (hackathon_id, plugin_id) DO UPDATE SET mu = excluded.mu, sigma2 = excluded.sigma2,
			comparisons = pairwise_entries.comparisons + 1`, hackathonID, pluginID, mu, sigma2)
	if err != nil {
		return fmt.Errorf("pairwise score: %w", mapError(err))
	}
	return nil
}

// PairwiseJudge is a judge's state in an edition judged pairwise: their
// reliability Beta(Alpha, Beta), and the entries they saw last (Previous)
// and have in front of them (Current), 0 for none.
type PairwiseJudge struct {
	HackathonID, JudgeID int64
	Alpha, Beta          float64
	Previous, Current    int64
}

// PairwiseJudgeOf returns a judge's pairwise state, or ErrNotFound before
// they were first shown an entry.
func (q queries) PairwiseJudgeOf(ctx context.Context, hackathonID, judgeID int64) (PairwiseJudge, error) {
	j := PairwiseJudge{HackathonID: hackathonID, JudgeID: judgeID}
	var prev, cur sql.NullInt64
	err := q.w.QueryRowContext(ctx, `SELECT alpha, beta, previous_plugin_id, current_plugin_id FROM pairwise_judges
		WHERE hackathon_id = $1 AND judge_id = $2`, hackathonID, judgeID).Scan(&j.Alpha, &j.Beta, &prev, &cur)
	if err != nil {
		return j, fmt.Errorf("pairwise judge %d: %w", judgeID, mapError(err))
	}
	j.Previous, j.Current = prev.Int64, cur.Int64
	return j, nil
}

// SavePairwiseJudge stores a judge's pairwise state.
func (q queries) SavePairwiseJudge(ctx context.Context, j PairwiseJudge) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO pairwise_judges (hackathon_id, judge_id, alpha, beta, previous_plugin_id, current_plugin_id)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (hackathon_id, judge_id) DO UPDATE SET alpha = excluded.alpha, beta = excluded.beta,
			previous_plugin_id = excluded.previous_plugin_id, current_plugin_id = excluded.current_plugin_id`,
		j.HackathonID, j.JudgeID, j.Alpha, j.Beta, nullID(j.Previous), nullID(j.Current))
	if err != nil {
		return fmt.Errorf("pairwise judge: %w", mapError(err))
	}
	return nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// PairwiseVote is a judge's comparison of two entries, at the versions the
// entries pointed at when the vote was cast.
type PairwiseVote struct {
	HackathonID, JudgeID  int64
	WinnerID, LoserID     int64
	WinnerVersion         string
	LoserVersion          string
	CreatedAt             time.Time
	WinnerSlug, LoserSlug string // when read back
}

// InsertPairwiseVote records a vote.
func (q queries) InsertPairwiseVote(ctx context.Context, v PairwiseVote) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO pairwise_votes (hackathon_id, judge_id, winner_plugin_id, winner_version,
			loser_plugin_id, loser_version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		v.HackathonID, v.JudgeID, v.WinnerID, v.WinnerVersion, v.LoserID, v.LoserVersion, now())
	if err != nil {
		return fmt.Errorf("pairwise vote: %w", mapError(err))
	}
	return nil
}

// PairwiseVotes lists an edition's votes, oldest first.
func (q queries) PairwiseVotes(ctx context.Context, hackathonID int64) ([]PairwiseVote, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT v.judge_id, v.winner_plugin_id, w.slug, v.winner_version, v.loser_plugin_id, l.slug,
			v.loser_version, v.created_at
		FROM pairwise_votes v JOIN plugins w ON w.id = v.winner_plugin_id JOIN plugins l ON l.id = v.loser_plugin_id
		WHERE v.hackathon_id = $1 ORDER BY v.id`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("pairwise votes: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (PairwiseVote, error) {
		v := PairwiseVote{HackathonID: hackathonID}
		return v, r.Scan(&v.JudgeID, &v.WinnerID, &v.WinnerSlug, &v.WinnerVersion, &v.LoserID, &v.LoserSlug, &v.LoserVersion, &v.CreatedAt)
	})
}

// HasPairwiseVotes reports whether any judge voted in an edition.
func (q queries) HasPairwiseVotes(ctx context.Context, hackathonID int64) (bool, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairwise_votes WHERE hackathon_id = $1`, hackathonID).Scan(&n)
	return n > 0, err
}

// AddPairwiseView records that a judge was shown an entry at a version;
// a second showing changes nothing.
func (q queries) AddPairwiseView(ctx context.Context, hackathonID, judgeID, pluginID int64, version string) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO pairwise_views (hackathon_id, judge_id, plugin_id, version, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hackathon_id, judge_id, plugin_id) DO NOTHING`,
		hackathonID, judgeID, pluginID, version, now())
	if err != nil {
		return fmt.Errorf("pairwise view: %w", mapError(err))
	}
	return nil
}

// AddPairwiseSkip records that a judge skipped an entry, and why.
func (q queries) AddPairwiseSkip(ctx context.Context, hackathonID, judgeID, pluginID int64, reason string) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO pairwise_skips (hackathon_id, judge_id, plugin_id, reason, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hackathon_id, judge_id, plugin_id) DO UPDATE SET reason = excluded.reason`,
		hackathonID, judgeID, pluginID, reason, now())
	if err != nil {
		return fmt.Errorf("pairwise skip: %w", mapError(err))
	}
	return nil
}

// PairwiseMarks returns the plugin ids a judge was shown and those they
// skipped in an edition.
func (q queries) PairwiseMarks(ctx context.Context, hackathonID, judgeID int64) (seen, skipped []int64, err error) {
	for _, m := range []struct {
		table string
		out   *[]int64
	}{{"pairwise_views", &seen}, {"pairwise_skips", &skipped}} {
		rows, err := q.w.QueryContext(ctx, `SELECT plugin_id FROM `+m.table+` WHERE hackathon_id = $1 AND judge_id = $2`, hackathonID, judgeID)
		if err != nil {
			return nil, nil, fmt.Errorf("pairwise marks: %w", err)
		}
		if *m.out, err = collect(rows, func(r interface{ Scan(...any) error }) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}); err != nil {
			return nil, nil, fmt.Errorf("pairwise marks: %w", err)
		}
	}
	return seen, skipped, nil
}

// PairwiseJudgeProgress is what a judge of an edition judged pairwise has
// done: votes cast, entries shown, entries skipped.
type PairwiseJudgeProgress struct {
	Judge
	Votes, Seen, Skipped int
}

// PairwiseProgress lists, for each judge of an edition, what they did.
func (q queries) PairwiseProgress(ctx context.Context, hackathonID int64) ([]PairwiseJudgeProgress, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT u.id, u.name, u.email, j.added_at,
			(SELECT COUNT(*) FROM pairwise_votes v WHERE v.hackathon_id = j.hackathon_id AND v.judge_id = j.user_id),
			(SELECT COUNT(*) FROM pairwise_views w WHERE w.hackathon_id = j.hackathon_id AND w.judge_id = j.user_id),
			(SELECT COUNT(*) FROM pairwise_skips k WHERE k.hackathon_id = j.hackathon_id AND k.judge_id = j.user_id)
		FROM hackathon_judges j JOIN users u ON u.id = j.user_id WHERE j.hackathon_id = $1 ORDER BY u.id`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("pairwise progress: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (PairwiseJudgeProgress, error) {
		var p PairwiseJudgeProgress
		return p, r.Scan(&p.UserID, &p.Name, &p.Email, &p.AddedAt, &p.Votes, &p.Seen, &p.Skipped)
	})
}

// PairwiseEditionsOf lists the editions judged pairwise that a user
// judges, the latest first.
func (q queries) PairwiseEditionsOf(ctx context.Context, judgeID int64) ([]Hackathon, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+qualified("h.", hackathonColumns)+` FROM hackathons h
		JOIN hackathon_judges j ON j.hackathon_id = h.id
		WHERE j.user_id = $1 AND h.judging_mode = 'pairwise' ORDER BY h.starts_at DESC, h.id DESC`, judgeID)
	if err != nil {
		return nil, fmt.Errorf("pairwise editions: %w", err)
	}
	return collect(rows, scanHackathon)
}

// qualified prefixes each column of a list, whatever spaces and line
// breaks separate them, with a table alias and its dot.
func qualified(alias, columns string) string {
	var b strings.Builder
	for i, c := range strings.Split(columns, ",") {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(alias + strings.TrimSpace(c))
	}
	return b.String()
}
