package hackathons

import (
	"context"
	"errors"
	"fmt"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
)

// Submit enters the caller's published plugin in an edition, frozen at its
// latest version; submitting again before the deadline moves the entry to
// the plugin's newer version. It reports whether the entry is new. Both
// are in the audit log.
func (s *Service) Submit(ctx context.Context, u auth.User, slug, plugin string) (store.Submission, bool, error) {
	return s.SubmitForTeam(ctx, u, slug, plugin, 0)
}

// SubmitForTeam is Submit recording the entry's team: teamID, which must
// be the caller's team in the edition, or by default that team if any.
// Members of the entry's team may move it to a newer version.
func (s *Service) SubmitForTeam(ctx context.Context, u auth.User, slug, plugin string, teamID int64) (store.Submission, bool, error) {
	if err := u.CheckVerified(); err != nil {
		return store.Submission{}, false, err
	}
	var (
		sub     store.Submission
		created bool
	)
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		p, err := tx.PluginBySlug(ctx, plugin)
		if err != nil {
			return err
		}
		mine, err := onTeam(ctx, tx, h.ID, p.ID, p.OwnerID, u)
		switch {
		case err != nil:
			return err
		case !mine && p.Status != store.StatusPublished:
			return fmt.Errorf("plugin %q: %w", plugin, store.ErrNotFound)
		case !mine:
			return fmt.Errorf("only the plugin's owner can submit it: %w", auth.ErrForbidden)
		case p.Status != store.StatusPublished || p.LatestVersion == nil:
			return fmt.Errorf("%w: publish the plugin (with a live version) before submitting it", store.ErrConflict)
		case !s.now().Before(h.SubmissionDeadline):
			return fmt.Errorf("%w: submissions closed at %s", store.ErrConflict, when(h.SubmissionDeadline))
		}
		if teamID, err = entryTeam(ctx, tx, h.ID, u, teamID); err != nil {
			return err
		}
		if created, err = tx.SaveSubmission(ctx, h.ID, p.ID, *p.LatestVersion, u.ID); err != nil {
			return err
		}
		if err := setTeam(ctx, tx, h.ID, p.ID, teamID); err != nil {
			return err
		}
		if sub, err = tx.SubmissionOf(ctx, h.ID, plugin); err != nil {
			return err
		}
		return audit(ctx, tx, u, "submission.enter", slug, map[string]any{"plugin": plugin, "version": sub.Version, "created": created})
	})
	return sub, created, err
}

// Withdraw takes the caller's entry out of an edition before the
// deadline, with any assignment, review and conflict it had. It is in the
// audit log.
func (s *Service) Withdraw(ctx context.Context, u auth.User, slug, plugin string) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		sub, err := tx.SubmissionOf(ctx, h.ID, plugin)
		if err != nil {
			return err
		}
		mine, err := onTeam(ctx, tx, h.ID, sub.PluginID, sub.OwnerID, u)
		switch {
		case err != nil:
			return err
		case !mine:
			return fmt.Errorf("submission %q: %w", plugin, store.ErrNotFound)
		case !s.now().Before(h.SubmissionDeadline):
			return fmt.Errorf("%w: entries can no longer be withdrawn: submissions closed", store.ErrConflict)
		}
		if err := tx.DeleteSubmission(ctx, h.ID, sub.PluginID); err != nil {
			return err
		}
		return audit(ctx, tx, u, "submission.withdraw", slug, map[string]any{"plugin": plugin, "version": sub.Version})
	})
}

// Submissions lists the entries the caller may see: all of them for
// organizers, the assigned ones for a judge (less those their assignment
// was dropped from), their own and their team's for a participant.
func (s *Service) Submissions(ctx context.Context, u auth.User, slug string) ([]store.Submission, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	all, err := s.store.Submissions(ctx, h.ID)
	if err != nil || u.Is(auth.RoleOrganizer) {
		return all, err
	}
	assigned := map[int64]bool{}
	list, err := assignments(ctx, s.store, h.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if a.JudgeID == u.ID && a.Conflict == nil {
			assigned[a.PluginID] = true
		}
	}
	team, err := s.store.TeamOf(ctx, h.ID, u.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	var mine []store.Submission
	for _, sub := range all {
		ours := sub.TeamID != nil && *sub.TeamID == team.ID
		if assigned[sub.PluginID] || sub.OwnerID == u.ID || ours {
			mine = append(mine, sub)
		}
	}
	return mine, nil
}

// Detail is an entry as one caller may see it: its reviews are the
// caller's own for a judge, every one with judges named for organizers
// (Excluded says, by judge, which do not count and why), and, once results
// are published, every one that counts, without names, for the team.
type Detail struct {
	store.Submission
	Reviews    []store.Review
	Anonymised bool
	Excluded   map[int64]store.Conflict
}

// Submission returns one entry, to its team, its assigned judges and
// organizers; others, and judges whose assignment was dropped, get
// ErrNotFound.
func (s *Service) Submission(ctx context.Context, u auth.User, slug, plugin string) (Detail, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return Detail{}, err
	}
	sub, err := s.store.SubmissionOf(ctx, h.ID, plugin)
	if err != nil {
		return Detail{}, err
	}
	conflicts, err := s.store.Conflicts(ctx, h.ID)
	if err != nil {
		return Detail{}, err
	}
	cs := newConflictSet(conflicts)
	assigned, err := s.store.IsAssigned(ctx, h.ID, u.ID, sub.PluginID)
	if err != nil {
		return Detail{}, err
	}
	if _, conflicted := cs.of(u.ID, sub.PluginID); conflicted {
		assigned = false
	}
	team, err := onTeam(ctx, s.store, h.ID, sub.PluginID, sub.OwnerID, u)
	if err != nil {
		return Detail{}, err
	}
	organizer := u.Is(auth.RoleOrganizer)
	if !team && !assigned && !organizer {
		return Detail{}, fmt.Errorf("submission %q: %w", plugin, store.ErrNotFound)
	}
	reviews, err := s.store.Reviews(ctx, h.ID)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Submission: sub}
	published := h.ResultsPublishedAt != nil
	switch {
	case organizer:
		d.allReviews(reviews, cs)
	case assigned:
		d.ownReview(reviews, u.ID)
	case published: // the team
		d.anonymousReviews(reviews, cs)
	}
	if team && !published && !organizer {
		d.Status, d.Award, d.Feedback = "submitted", "", "" // decisions are told with the results
	}
	return d, nil
}

// allReviews gives organizers every review of the entry, with those set
// aside for a conflict of interest.
func (d *Detail) allReviews(reviews []store.Review, cs conflictSet) {
	for _, r := range reviews {
		if r.PluginID != d.PluginID {
			continue
		}
		d.Reviews = append(d.Reviews, r)
		if c, excluded := cs.of(r.JudgeID, r.PluginID); excluded {
			if d.Excluded == nil {
				d.Excluded = map[int64]store.Conflict{}
			}
			d.Excluded[r.JudgeID] = c
		}
	}
}

// ownReview gives a judge their review of the entry.
func (d *Detail) ownReview(reviews []store.Review, judgeID int64) {
	for _, r := range reviews {
		if r.PluginID == d.PluginID && r.JudgeID == judgeID {
			d.Reviews = append(d.Reviews, r)
		}
	}
}

// anonymousReviews gives the team the reviews that count, without their
// judges, in an order that tells nothing of who wrote them.
func (d *Detail) anonymousReviews(reviews []store.Review, cs conflictSet) {
	for _, r := range reviews {
		if _, excluded := cs.of(r.JudgeID, r.PluginID); r.PluginID != d.PluginID || excluded {
			continue
		}
		r.JudgeID = 0
		d.Reviews = append(d.Reviews, r)
	}
	d.Anonymised = true
	sortAnonymously(d.Reviews)
}
