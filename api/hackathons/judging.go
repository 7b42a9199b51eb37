package hackathons

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// DeclareConflict records that a judge must not review an entry: declared
// by an organizer, or by the judge themself (a recusal). Any assignment of
// that judge to the entry, and any review they gave it, is removed.
func (s *Service) DeclareConflict(ctx context.Context, u auth.User, slug string, judgeID int64, plugin, reason string) error {
	reason = strings.TrimSpace(reason)
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		if !u.Is(auth.RoleOrganizer) {
			self, err := tx.IsJudge(ctx, h.ID, u.ID)
			if err != nil {
				return err
			}
			if !self || judgeID != u.ID {
				return fmt.Errorf("only organizers, and judges about themselves, can declare conflicts: %w", auth.ErrForbidden)
			}
		}
		var c valid.Checker
		c.Length(reason, 1, 1000, "reason")
		isJudge, err := tx.IsJudge(ctx, h.ID, judgeID)
		if err != nil {
			return err
		}
		c.Check(isJudge, "judge_id", "is not a judge of this edition")
		sub, err := tx.SubmissionOf(ctx, h.ID, plugin)
		c.Check(err == nil, "plugin", "is not an entry of this edition")
		if err := c.Err(); err != nil {
			return err
		}
		if err := tx.DeclareConflict(ctx, h.ID, judgeID, sub.PluginID, reason, u.ID); err != nil {
			return err
		}
		return audit(ctx, tx, u, "conflict.declare", slug, map[string]any{"judge_id": judgeID, "plugin": plugin, "reason": reason})
	})
}

// MaxJudgesPerSubmission bounds an assignment request.
const MaxJudgesPerSubmission = 10

// Assign gives each entry perSubmission judges without conflicts, keeping
// the assignments that already have reviews, and replaces the others.
func (s *Service) Assign(ctx context.Context, u auth.User, slug string, perSubmission int) (judging.Assignment, error) {
	if err := organizer(u); err != nil {
		return judging.Assignment{}, err
	}
	if perSubmission < 1 || perSubmission > MaxJudgesPerSubmission {
		return judging.Assignment{}, valid.Errors{{Field: "judges_per_submission", Message: fmt.Sprintf("must be from 1 to %d", MaxJudgesPerSubmission)}}
	}
	var out judging.Assignment
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		if h.ResultsPublishedAt != nil {
			return fmt.Errorf("%w: results are published; judging is over", store.ErrConflict)
		}
		in, ids, err := assignmentInput(ctx, tx, h.ID, perSubmission)
		if err != nil {
			return err
		}
		out = judging.Assign(in)
		pairs := make([]store.Assignment, len(out.Pairs))
		for i, p := range out.Pairs {
			pairs[i] = store.Assignment{JudgeID: p.Judge, PluginID: ids[p.Plugin]}
		}
		if err := tx.ReplaceAssignments(ctx, h.ID, pairs); err != nil {
			return err
		}
		return audit(ctx, tx, u, "assignments.run", slug, map[string]any{
			"judges_per_submission": perSubmission, "assignments": len(out.Pairs), "uncovered": out.Uncovered})
	})
	return out, err
}

// assignmentInput gathers an edition's judges, entries, conflicts and
// reviewed assignments, and the plugin ids by slug.
func assignmentInput(ctx context.Context, tx *store.Tx, hackathonID int64, k int) (judging.AssignInput, map[string]int64, error) {
	in := judging.AssignInput{PerSubmission: k}
	ids := map[string]int64{}
	judges, err := tx.Judges(ctx, hackathonID)
	if err != nil {
		return in, nil, err
	}
	for _, j := range judges {
		in.Judges = append(in.Judges, j.UserID)
	}
	subs, err := tx.Submissions(ctx, hackathonID)
	if err != nil {
		return in, nil, err
	}
	for _, sub := range subs {
		in.Submissions = append(in.Submissions, sub.Slug)
		ids[sub.Slug] = sub.PluginID
	}
	conflicts, err := tx.Conflicts(ctx, hackathonID)
	if err != nil {
		return in, nil, err
	}
	for _, c := range conflicts {
		in.Conflicts = append(in.Conflicts, judging.Pair{Judge: c.JudgeID, Plugin: c.Slug})
	}
	current, err := tx.Assignments(ctx, hackathonID)
	if err != nil {
		return in, nil, err
	}
	for _, a := range current {
		if a.Reviewed {
			in.Fixed = append(in.Fixed, judging.Pair{Judge: a.JudgeID, Plugin: a.Slug})
		}
	}
	return in, ids, nil
}

// Assignments lists an edition's assignments and conflicts, for organizers.
func (s *Service) Assignments(ctx context.Context, u auth.User, slug string) ([]store.Assignment, []store.Conflict, error) {
	if err := organizer(u); err != nil {
		return nil, nil, err
	}
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	as, err := s.store.Assignments(ctx, h.ID)
	if err != nil {
		return nil, nil, err
	}
	cs, err := s.store.Conflicts(ctx, h.ID)
	return as, cs, err
}

// Queue lists what the caller is asked to review, unreviewed first.
func (s *Service) Queue(ctx context.Context, u auth.User) ([]store.QueueItem, error) {
	return s.store.JudgeQueue(ctx, u.ID)
}

// MaxComment bounds a review's comment.
const MaxComment = 5000

// Review records the caller's scores for an entry they are assigned to.
// They may revise it until the judging deadline.
func (s *Service) Review(ctx context.Context, u auth.User, slug, plugin string, scores judging.Scores, comment string) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		e, err := decode(h)
		if err != nil {
			return err
		}
		sub, err := tx.SubmissionOf(ctx, h.ID, plugin)
		if err != nil {
			return err
		}
		if ok, err := tx.IsAssigned(ctx, h.ID, u.ID, sub.PluginID); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("submission %q: %w", plugin, store.ErrNotFound) // not theirs to know
		}
		switch {
		case h.ResultsPublishedAt != nil:
			return fmt.Errorf("%w: results are published; reviews are closed", store.ErrConflict)
		case !s.now().Before(h.JudgingDeadline):
			return fmt.Errorf("%w: judging closed at %s", store.ErrConflict, h.JudgingDeadline.UTC().Format("2006-01-02 15:04 MST"))
		}
		var c valid.Checker
		e.Rubric.CheckScores(scores, &c)
		c.Length(comment, 0, MaxComment, "comment")
		if err := c.Err(); err != nil {
			return err
		}
		b, err := json.Marshal(scores)
		if err != nil {
			return err
		}
		return tx.SaveReview(ctx, h.ID, store.Review{JudgeID: u.ID, PluginID: sub.PluginID, Scores: b, Comment: comment})
	})
}

// sortAnonymously orders reviews by what they say, so that their order
// tells nothing of who wrote them.
func sortAnonymously(reviews []store.Review) {
	slices.SortFunc(reviews, func(a, b store.Review) int {
		return strings.Compare(string(a.Scores)+a.Comment, string(b.Scores)+b.Comment)
	})
}
