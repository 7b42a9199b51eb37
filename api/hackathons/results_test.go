package hackathons_test

import (
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/store"
)

// Results are published once, after the judging deadline, and are final:
// decisions, assignments, conflicts and reviews are refused afterwards,
// and collaborations that begin or end change nothing.
func TestPublishedResultsAreFinal(t *testing.T) {
	platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
		ed := newEdition(t, e, nil)
		ctx := t.Context()
		j1, j2 := ed.judge("j1@example.org"), ed.judge("j2@example.org")
		ed.entry(ed.team, "veille")
		ed.assign(2)
		ed.Clock.Set(submissionDeadline)
		if err := ed.review(j1, "veille", 8); err != nil {
			t.Fatal(err)
		}
		if err := ed.review(j2, "veille", 2); err != nil {
			t.Fatal(err)
		}
		// j2 joins the team: their review stops counting.
		if _, err := e.Registry.AddCollaborator(ctx, ed.team, "veille", j2.Email); err != nil {
			t.Fatal(err)
		}
		if _, err := ed.hk.Decide(ctx, ed.org, ed.slug, "veille", hackathons.Accepted, "Prix du public", "Bravo"); err != nil {
			t.Fatal(err)
		}
		_, err := ed.hk.Leaderboard(ctx, ed.team, ed.slug, judging.Raw)
		wantIs(t, "the team reading the leaderboard before the results", err, auth.ErrForbidden)
		if d, err := ed.hk.Submission(ctx, ed.team, ed.slug, "veille"); err != nil || d.Status != "submitted" || d.Feedback != "" || len(d.Reviews) != 0 {
			t.Fatalf("the team's entry before the results: %+v, %v", d, err)
		}

		ed.Clock.Set(judgingDeadline.Add(-time.Nanosecond))
		_, err = ed.hk.PublishResults(ctx, ed.org, ed.slug)
		wantIs(t, "publishing while judging is open", err, store.ErrConflict)
		ed.Clock.Set(judgingDeadline)
		if _, err := ed.hk.PublishResults(ctx, ed.org, ed.slug); err != nil {
			t.Fatal(err)
		}

		_, err = ed.hk.PublishResults(ctx, ed.org, ed.slug)
		wantIs(t, "publishing again", err, store.ErrConflict)
		_, err = ed.hk.Decide(ctx, ed.org, ed.slug, "veille", hackathons.Rejected, "", "")
		wantIs(t, "deciding", err, store.ErrConflict)
		_, err = ed.hk.Assign(ctx, ed.org, ed.slug, 1)
		wantIs(t, "assigning", err, store.ErrConflict)
		_, err = ed.hk.DeclareConflict(ctx, j1, ed.slug, 0, "veille", "friends")
		wantIs(t, "declaring a conflict", err, store.ErrConflict)
		ed.Clock.Set(submissionDeadline) // even within the judging window
		wantIs(t, "reviewing", ed.review(j1, "veille", 10), store.ErrConflict)

		// Collaborations that end, or begin, after the results change nothing.
		if err := e.Registry.RemoveCollaborator(ctx, ed.team, "veille", j2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Registry.AddCollaborator(ctx, ed.team, "veille", j1.Email); err != nil {
			t.Fatal(err)
		}
		board, err := ed.hk.Leaderboard(ctx, ed.team, ed.slug, judging.Raw)
		if err != nil || len(board.Rows) != 1 || board.Rows[0].Reviews != 1 || *board.Rows[0].Score != 80 || board.Excluded != nil {
			t.Fatalf("the public leaderboard: %+v, %v", board, err)
		}
		d, err := ed.hk.Submission(ctx, ed.team, ed.slug, "veille")
		if err != nil || d.Status != hackathons.Accepted || d.Award != "Prix du public" || d.Feedback != "Bravo" ||
			!d.Anonymised || len(d.Reviews) != 1 || d.Reviews[0].JudgeID != 0 {
			t.Fatalf("the team's entry with the results: %+v, %v", d, err)
		}
	})
}
