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

// Why says in a few words why a judge may not review an entry.
func Why(c store.Conflict) string {
	switch c.Kind {
	case store.ConflictOwner:
		return "owner of the plugin"
	case store.ConflictCollaborator:
		return "collaborator of the plugin since " + when(c.Since)
	}
	return "declared: " + c.Reason
}

// conflictSet finds the conflict of interest of a judge with an entry.
type conflictSet map[[2]int64]store.Conflict

func newConflictSet(list []store.Conflict) conflictSet {
	cs := conflictSet{}
	for _, c := range list {
		if _, seen := cs[[2]int64{c.JudgeID, c.PluginID}]; !seen {
			cs[[2]int64{c.JudgeID, c.PluginID}] = c // the first listed: declared, then owner, then collaborator
		}
	}
	return cs
}

// of returns the conflict of a judge with a plugin, if any.
func (cs conflictSet) of(judgeID, pluginID int64) (store.Conflict, bool) {
	c, ok := cs[[2]int64{judgeID, pluginID}]
	return c, ok
}

// DeclareConflict records that a judge must not review an entry: declared
// by an organizer, or by the judge themself (a recusal; judgeID 0 means
// the caller). From then on the judge's assignment to the entry is dropped
// and any review they gave it stops counting. Results once published are
// final: no conflict can be declared after.
func (s *Service) DeclareConflict(ctx context.Context, u auth.User, slug string, judgeID int64, plugin, reason string) (store.Conflict, error) {
	reason = strings.TrimSpace(reason)
	if judgeID == 0 && !u.Is(auth.RoleOrganizer) {
		judgeID = u.ID
	}
	out := store.Conflict{JudgeID: judgeID, Slug: plugin, Kind: store.ConflictDeclared, Reason: reason, DeclaredBy: u.ID}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
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
		if h.ResultsPublishedAt != nil {
			return fmt.Errorf("%w: results are published; conflicts can no longer be declared", store.ErrConflict)
		}
		sub, err := checkConflict(ctx, tx, h.ID, judgeID, plugin, reason)
		if err != nil {
			return err
		}
		if err := tx.DeclareConflict(ctx, h.ID, judgeID, sub.PluginID, reason, u.ID); err != nil {
			return err
		}
		out.PluginID, out.Since = sub.PluginID, s.now().UTC()
		return audit(ctx, tx, u, "conflict.declare", slug, map[string]any{"judge_id": judgeID, "plugin": plugin, "reason": reason})
	})
	return out, err
}

// checkConflict reports every problem of a conflict declaration and
// returns the entry it is about.
func checkConflict(ctx context.Context, tx *store.Tx, hackathonID, judgeID int64, plugin, reason string) (store.Submission, error) {
	var c valid.Checker
	c.Length(reason, 1, 1000, "reason")
	if judgeID == 0 {
		c.Add("judge_id", "is required: the account id of the judge")
	} else {
		isJudge, err := tx.IsJudge(ctx, hackathonID, judgeID)
		if err != nil {
			return store.Submission{}, err
		}
		c.Check(isJudge, "judge_id", "is not a judge of this edition")
	}
	sub, err := tx.SubmissionOf(ctx, hackathonID, plugin)
	c.Check(err == nil, "plugin", "is not an entry of this edition")
	return sub, c.Err()
}

// MaxJudgesPerSubmission bounds an assignment request.
const MaxJudgesPerSubmission = 10

// Assignment is a judge asked to review an entry, as organizers see it.
// Conflict is set when the assignment is dropped: the judge has a conflict
// of interest with the entry, and their review, if any, does not count.
type Assignment struct {
	store.Assignment
	Conflict *store.Conflict
}

// AssignResult is what an assignment run gives: every standing assignment,
// and the entries that lack judges, with how many.
type AssignResult struct {
	Assignments []Assignment
	Uncovered   map[string]int
}

// Assign gives each entry perSubmission judges without conflicts, keeping
// the assignments that already have reviews, and replaces the others.
// Assignments dropped for a conflict stay listed by Assignments. The
// edition keeps perSubmission as its number of judges per entry.
func (s *Service) Assign(ctx context.Context, u auth.User, slug string, perSubmission int) (AssignResult, error) {
	if err := organizer(u); err != nil {
		return AssignResult{}, err
	}
	var c valid.Checker
	if checkPerSubmission(&c, perSubmission); c.Err() != nil {
		return AssignResult{}, c.Err()
	}
	var res AssignResult
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		if h.ResultsPublishedAt != nil {
			return fmt.Errorf("%w: results are published; assignments can no longer change", store.ErrConflict)
		}
		if h.JudgingMode == ModePairwise {
			return fmt.Errorf("%w: this edition is judged pairwise: judges are shown entries as they go, with nothing to assign", store.ErrConflict)
		}
		in, ids, err := assignmentInput(ctx, tx, h.ID, perSubmission)
		if err != nil {
			return err
		}
		out := judging.Assign(in)
		before, err := tx.Assignments(ctx, h.ID)
		if err != nil {
			return err
		}
		pairs := make([]store.Assignment, len(out.Pairs))
		for i, p := range out.Pairs {
			pairs[i] = store.Assignment{JudgeID: p.Judge, PluginID: ids[p.Plugin]}
		}
		if err := tx.ReplaceAssignments(ctx, h.ID, pairs); err != nil {
			return err
		}
		if err := tx.SetJudgesPerSubmission(ctx, h.ID, perSubmission); err != nil {
			return err
		}
		all, err := assignments(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		if err := s.notifyAssigned(ctx, tx, h, before, standing(all)); err != nil {
			return err
		}
		res = AssignResult{Assignments: slices.DeleteFunc(all, func(a Assignment) bool { return a.Conflict != nil }), Uncovered: out.Uncovered}
		return audit(ctx, tx, u, "assignments.run", slug, map[string]any{
			"judges_per_submission": perSubmission, "assignments": len(out.Pairs), "uncovered": out.Uncovered})
	})
	return res, err
}

// standing returns the assignments not dropped for a conflict.
func standing(list []Assignment) []store.Assignment {
	out := make([]store.Assignment, 0, len(list))
	for _, a := range list {
		if a.Conflict == nil {
			out = append(out, a.Assignment)
		}
	}
	return out
}

// reader is what reads an edition's judging, in a transaction or not.
type reader interface {
	Assignments(ctx context.Context, hackathonID int64) ([]store.Assignment, error)
	Conflicts(ctx context.Context, hackathonID int64) ([]store.Conflict, error)
}

// assignments lists an edition's assignments, the dropped ones with their
// conflict.
func assignments(ctx context.Context, r reader, hackathonID int64) ([]Assignment, error) {
	list, err := r.Assignments(ctx, hackathonID)
	if err != nil {
		return nil, err
	}
	conflicts, err := r.Conflicts(ctx, hackathonID)
	if err != nil {
		return nil, err
	}
	cs := newConflictSet(conflicts)
	out := make([]Assignment, len(list))
	for i, a := range list {
		out[i] = Assignment{Assignment: a}
		if c, ok := cs.of(a.JudgeID, a.PluginID); ok {
			out[i].Conflict = &c
		}
	}
	return out, nil
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
	current, err := assignments(ctx, tx, hackathonID)
	if err != nil {
		return in, nil, err
	}
	for _, a := range current {
		if a.Reviewed && a.Conflict == nil {
			in.Fixed = append(in.Fixed, judging.Pair{Judge: a.JudgeID, Plugin: a.Slug})
		}
	}
	return in, ids, poolsInput(ctx, tx, hackathonID, &in, ids)
}

// Assignments lists an edition's assignments, the dropped ones with why,
// and the conflicts of interest of its judges, for organizers.
func (s *Service) Assignments(ctx context.Context, u auth.User, slug string) ([]Assignment, []store.Conflict, error) {
	if err := organizer(u); err != nil {
		return nil, nil, err
	}
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	as, err := assignments(ctx, s.store, h.ID)
	if err != nil {
		return nil, nil, err
	}
	judges, err := s.store.Judges(ctx, h.ID)
	if err != nil {
		return nil, nil, err
	}
	concerned := map[int64]bool{}
	for _, j := range judges {
		concerned[j.UserID] = true
	}
	for _, a := range as {
		concerned[a.JudgeID] = true
	}
	cs, err := s.store.Conflicts(ctx, h.ID)
	return as, slices.DeleteFunc(cs, func(c store.Conflict) bool {
		return c.Kind != store.ConflictDeclared && !concerned[c.JudgeID] // owners of entries who do not judge
	}), err
}

// Queue lists what the caller is asked to review, unreviewed first,
// without the entries they have a conflict of interest with.
func (s *Service) Queue(ctx context.Context, u auth.User) ([]store.QueueItem, error) {
	items, err := s.store.JudgeQueue(ctx, u.ID)
	if err != nil || len(items) == 0 {
		return items, err
	}
	conflicts, err := s.store.JudgeConflicts(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(items, func(it store.QueueItem) bool {
		return slices.Contains(conflicts, store.JudgeConflict{HackathonID: it.HackathonID, PluginID: it.PluginID})
	}), nil
}

// MaxComment bounds a review's comment.
const MaxComment = 5000

// Review records the caller's scores for an entry they are assigned to,
// and returns them. They may revise them from the start of judging until
// its deadline, unless they have a conflict of interest with the entry.
// Every save is in the audit log, with the version reviewed.
func (s *Service) Review(ctx context.Context, u auth.User, slug, plugin string, raw judging.RawScores, comment string) (judging.Scores, error) {
	if err := u.CheckVerified(); err != nil {
		return judging.Scores{}, err
	}
	var scores judging.Scores
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		e, err := decode(h)
		if err != nil {
			return err
		}
		if e.Pairwise() {
			return fmt.Errorf("%w: this edition is judged pairwise: compare entries at /api/v1/hackathons/%s/pairwise/next", store.ErrConflict, slug)
		}
		sub, err := s.reviewable(ctx, tx, e, u, plugin)
		if err != nil {
			return err
		}
		var c valid.Checker
		scores = e.Rubric.ParseScores(raw, &c)
		c.Length(comment, 0, MaxComment, "comment")
		if err := c.Err(); err != nil {
			return err
		}
		b, err := json.Marshal(scores)
		if err != nil {
			return err
		}
		created, err := tx.SaveReview(ctx, h.ID, store.Review{JudgeID: u.ID, PluginID: sub.PluginID, Scores: b, Comment: comment})
		if err != nil {
			return err
		}
		return audit(ctx, tx, u, "review.save", slug, map[string]any{"plugin": plugin, "version": sub.Version,
			"judge_id": u.ID, "created": created, "scores": scores})
	})
	return scores, err
}

// reviewable returns the entry the caller wants to review, or says why
// they may not: not assigned (not theirs to know of), results published,
// a conflict of interest, or outside the judging window.
func (s *Service) reviewable(ctx context.Context, tx *store.Tx, e Edition, u auth.User, plugin string) (store.Submission, error) {
	sub, err := tx.SubmissionOf(ctx, e.ID, plugin)
	if err != nil {
		return sub, err
	}
	if ok, err := tx.IsAssigned(ctx, e.ID, u.ID, sub.PluginID); err != nil {
		return sub, err
	} else if !ok {
		return sub, fmt.Errorf("submission %q: %w", plugin, store.ErrNotFound)
	}
	if e.ResultsPublishedAt != nil {
		return sub, e.AcceptsReviews(s.now())
	}
	conflicts, err := tx.Conflicts(ctx, e.ID)
	if err != nil {
		return sub, err
	}
	if c, ok := newConflictSet(conflicts).of(u.ID, sub.PluginID); ok {
		return sub, fmt.Errorf("you have a conflict of interest with %s (%s): your assignment is dropped and your review does not count: %w",
			plugin, Why(c), auth.ErrForbidden)
	}
	return sub, e.AcceptsReviews(s.now())
}

// sortAnonymously orders reviews by what they say, so that their order
// tells nothing of who wrote them.
func sortAnonymously(reviews []store.Review) {
	slices.SortFunc(reviews, func(a, b store.Review) int {
		return strings.Compare(string(a.Scores)+a.Comment, string(b.Scores)+b.Comment)
	})
}
