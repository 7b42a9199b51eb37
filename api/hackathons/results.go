package hackathons

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// Board is an edition's leaderboard. Excluded lists, for organizers, the
// reviews that do not count because their judge has a conflict of
// interest with the entry.
type Board struct {
	Edition  Edition
	Rows     []judging.Row
	Excluded []Excluded
}

// Excluded is a review set aside, and why.
type Excluded struct {
	JudgeID  int64
	Plugin   string
	Conflict store.Conflict
}

// Leaderboard ranks an edition's entries; organizers see it at any time,
// everyone once the results are published. Reviews by judges with a
// conflict of interest with the entry do not count.
func (s *Service) Leaderboard(ctx context.Context, u auth.User, slug string, n judging.Normalization) (Board, error) {
	return s.ChallengeLeaderboard(ctx, u, slug, n, 0)
}

// ChallengeLeaderboard is Leaderboard restricted to the entries that
// picked a challenge (all entries for challengeID 0).
func (s *Service) ChallengeLeaderboard(ctx context.Context, u auth.User, slug string, n judging.Normalization, challengeID int64) (Board, error) {
	e, err := s.readable(ctx, u, slug)
	if err != nil {
		return Board{Edition: e}, err
	}
	b := Board{Edition: e}
	keep, err := s.challengeFilter(ctx, e.ID, challengeID)
	if err != nil {
		return b, err
	}
	if e.Pairwise() {
		b.Rows, err = s.pairwiseRows(ctx, e, keep)
		return b, err
	}
	subs, err := s.store.Submissions(ctx, e.ID)
	if err != nil {
		return b, err
	}
	reviews, excluded, err := s.reviews(ctx, e.ID)
	if err != nil {
		return b, err
	}
	b.Rows = judging.Leaderboard(e.Rubric, entries(subs, keep), reviews, n)
	if u.Is(auth.RoleOrganizer) {
		b.Excluded = excluded
	}
	return b, nil
}

// readable returns an edition whose leaderboard u may read: organizers
// at any time, everyone once the results are published.
func (s *Service) readable(ctx context.Context, u auth.User, slug string) (Edition, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return Edition{}, err
	}
	e, err := decode(h)
	if err != nil {
		return e, err
	}
	if h.ResultsPublishedAt == nil && !u.Is(auth.RoleOrganizer) {
		return e, fmt.Errorf("the results of this edition are not published yet: %w", auth.ErrForbidden)
	}
	return e, nil
}

// entries are the leaderboard entries of the submissions that keep holds
// (all of them for nil).
func entries(subs []store.Submission, keep func(store.Submission) bool) []judging.Entry {
	var out []judging.Entry
	for _, sub := range subs {
		if keep == nil || keep(sub) {
			out = append(out, judging.Entry{Plugin: sub.Slug, Name: sub.Name})
		}
	}
	return out
}

// reviews returns the reviews of an edition that count, for the
// leaderboard, and those set aside.
func (s *Service) reviews(ctx context.Context, hackathonID int64) ([]judging.Review, []Excluded, error) {
	counted, excluded, err := s.countedReviews(ctx, hackathonID)
	if err != nil {
		return nil, nil, err
	}
	reviews := make([]judging.Review, len(counted))
	for i, r := range counted {
		reviews[i] = judging.Review{Judge: r.JudgeID, Plugin: r.Slug}
		if err := json.Unmarshal(r.Scores, &reviews[i].Scores); err != nil {
			return nil, nil, fmt.Errorf("stored review of %s: %w", r.Slug, err)
		}
	}
	return reviews, excluded, nil
}

// Standing is an entry in an edition's results: its leaderboard row (raw
// scores), its decision (accepted, rejected, or submitted when none was
// made) and its award.
type Standing struct {
	judging.Row
	Status string
	Award  string
}

// Results returns an edition's results as the decisions make them, for
// everyone once published and for organizers before: the accepted
// entries first, ranked among themselves by score, then the others, by
// score, without a rank. A rejected entry never shares a rank with an
// accepted one.
func (s *Service) Results(ctx context.Context, u auth.User, slug string) ([]Standing, error) {
	e, err := s.readable(ctx, u, slug)
	if err != nil {
		return nil, err
	}
	subs, err := s.store.Submissions(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	reviews, _, err := s.reviews(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	bySlug := map[string]store.Submission{}
	for _, sub := range subs {
		bySlug[sub.Slug] = sub
	}
	accepted := func(sub store.Submission) bool { return sub.Status == Accepted }
	rows := judging.Leaderboard(e.Rubric, entries(subs, accepted), reviews, judging.Raw)
	others := judging.Leaderboard(e.Rubric, entries(subs, func(sub store.Submission) bool { return !accepted(sub) }), reviews, judging.Raw)
	if e.Pairwise() {
		if rows, err = s.pairwiseRows(ctx, e, accepted); err != nil {
			return nil, err
		}
		if others, err = s.pairwiseRows(ctx, e, func(sub store.Submission) bool { return !accepted(sub) }); err != nil {
			return nil, err
		}
	}
	for _, r := range others {
		r.Rank = nil
		rows = append(rows, r)
	}
	out := make([]Standing, len(rows))
	for i, r := range rows {
		sub := bySlug[r.Plugin]
		out[i] = Standing{Row: r, Status: sub.Status, Award: sub.Award}
	}
	return out, nil
}

// countedReviews splits an edition's reviews into those that count and
// those set aside for a conflict of interest.
func (s *Service) countedReviews(ctx context.Context, hackathonID int64) ([]store.Review, []Excluded, error) {
	reviews, err := s.store.Reviews(ctx, hackathonID)
	if err != nil {
		return nil, nil, err
	}
	conflicts, err := s.store.Conflicts(ctx, hackathonID)
	if err != nil {
		return nil, nil, err
	}
	cs := newConflictSet(conflicts)
	var (
		counted  []store.Review
		excluded []Excluded
	)
	for _, r := range reviews {
		if c, ok := cs.of(r.JudgeID, r.PluginID); ok {
			excluded = append(excluded, Excluded{JudgeID: r.JudgeID, Plugin: r.Slug, Conflict: c})
			continue
		}
		counted = append(counted, r)
	}
	return counted, excluded, nil
}

// Decision statuses.
const (
	Accepted = "accepted"
	Rejected = "rejected"
)

// Decide records an organizer's decision on an entry, with an optional
// award (accepted entries only) and written feedback for the team. It is
// told to the team with the results.
func (s *Service) Decide(ctx context.Context, u auth.User, slug, plugin, status, award, feedback string) (store.Submission, error) {
	if err := organizer(u); err != nil {
		return store.Submission{}, err
	}
	award, feedback = strings.TrimSpace(award), strings.TrimSpace(feedback)
	var c valid.Checker
	c.Check(status == Accepted || status == Rejected, "status", "must be accepted or rejected")
	c.Length(award, 0, 120, "award")
	c.Check(award == "" || status == Accepted, "award", "only accepted entries can receive an award")
	c.Length(feedback, 0, 5000, "feedback")
	if err := c.Err(); err != nil {
		return store.Submission{}, err
	}
	var sub store.Submission
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		if h.ResultsPublishedAt != nil {
			return fmt.Errorf("%w: results are published; decisions are final", store.ErrConflict)
		}
		if sub, err = tx.SubmissionOf(ctx, h.ID, plugin); err != nil {
			return err
		}
		if err := tx.Decide(ctx, h.ID, sub.PluginID, status, award, feedback, u.ID); err != nil {
			return err
		}
		if sub, err = tx.SubmissionOf(ctx, h.ID, plugin); err != nil {
			return err
		}
		return audit(ctx, tx, u, "submission.decide", slug, map[string]any{"plugin": plugin, "status": status, "award": award})
	})
	return sub, err
}

// PublishResults makes an edition's leaderboard public, tells each team
// its decision, feedback and anonymised scores, and gives accepted and
// awarded plugins their badges in search. It can be done once, after the
// judging deadline.
func (s *Service) PublishResults(ctx context.Context, u auth.User, slug string) (Edition, error) {
	if err := organizer(u); err != nil {
		return Edition{}, err
	}
	var out store.Hackathon
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		if err := (Edition{Hackathon: h}).Publishable(s.now()); err != nil {
			return err
		}
		if err := tx.PublishResults(ctx, h, u.ID); err != nil {
			return err
		}
		if err := s.notifyResults(ctx, tx, h); err != nil {
			return err
		}
		if out, err = tx.HackathonBySlug(ctx, slug); err != nil {
			return err
		}
		return audit(ctx, tx, u, "results.publish", slug, nil)
	})
	if err != nil {
		return Edition{}, err
	}
	return decode(out)
}

// Publishable returns nil when the edition's results may be published at
// time t: once, after the judging deadline. Otherwise it returns an error
// wrapping store.ErrConflict that says why.
func (e Edition) Publishable(t time.Time) error {
	switch {
	case e.ResultsPublishedAt != nil:
		return fmt.Errorf("%w: results are already published", store.ErrConflict)
	case t.Before(e.JudgingDeadline):
		return fmt.Errorf("%w: judging is open until %s", store.ErrConflict, when(e.JudgingDeadline))
	}
	return nil
}

// Readiness is what an organizer should know before publishing an
// edition's results: the entries without a decision, the assignments
// still without a score, the entries with fewer judges than the edition
// asks for, and why publishing would be refused now, if it would.
type Readiness struct {
	Edition   Edition
	Undecided []store.Submission
	Unscored  []Assignment // standing assignments without a review
	Short     []Shortfall
	Refusal   error // nil when the results may be published now
}

// Shortfall is an entry with fewer standing judges than asked.
type Shortfall struct {
	Entry  store.Submission
	Judges int
}

// Ready reports whether nothing stands in the way.
func (r Readiness) Ready() bool {
	return r.Refusal == nil && len(r.Undecided) == 0 && len(r.Unscored) == 0 && len(r.Short) == 0
}

// CheckPublication says, for organizers, what publishing an edition's
// results would leave undone.
func (s *Service) CheckPublication(ctx context.Context, u auth.User, slug string) (Readiness, error) {
	if err := organizer(u); err != nil {
		return Readiness{}, err
	}
	e, err := s.Get(ctx, slug)
	if err != nil {
		return Readiness{}, err
	}
	subs, err := s.store.Submissions(ctx, e.ID)
	if err != nil {
		return Readiness{}, err
	}
	as, err := assignments(ctx, s.store, e.ID)
	if err != nil {
		return Readiness{}, err
	}
	r := Readiness{Edition: e, Refusal: e.Publishable(s.now())}
	judges := map[int64]int{}
	for _, a := range as {
		if a.Conflict != nil {
			continue
		}
		judges[a.PluginID]++
		if !a.Reviewed {
			r.Unscored = append(r.Unscored, a)
		}
	}
	for _, sub := range subs {
		if sub.Status != Accepted && sub.Status != Rejected {
			r.Undecided = append(r.Undecided, sub)
		}
		if n := judges[sub.PluginID]; n < e.JudgesPerSubmission {
			r.Short = append(r.Short, Shortfall{Entry: sub, Judges: n})
		}
	}
	return r, nil
}
