package hackathons_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/store"
)

// Judges score from the start of judging, by default the submission
// deadline, until the judging deadline, the instant itself excluded.
func TestReviewsOnlyWhileJudgingIsOpen(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start time.Time // judging_starts_at; zero for the default
		opens time.Time
	}{
		{"by default at the submission deadline", time.Time{}, submissionDeadline},
		{"early, as entries come", t0.Add(2 * time.Hour), t0.Add(2 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
				ed := newEdition(t, e, func(in *hackathons.Input) { in.JudgingStartsAt = tc.start })
				if got := ed.get().JudgingStarts(); !got.Equal(tc.opens) {
					t.Fatalf("judging starts at %s, want %s", got, tc.opens)
				}
				ed.entry(ed.team, "veille")
				judge := ed.judge("judge@example.org")
				ed.assign(1)
				for _, step := range []struct {
					at      time.Time
					refused string // what the refusal says; empty when accepted
				}{
					{tc.opens.Add(-time.Second), "judging opens at"},
					{tc.opens, ""},
					{judgingDeadline.Add(-time.Nanosecond), ""},
					{judgingDeadline, "judging closed at"},
				} {
					ed.Clock.Set(step.at)
					err := ed.review(judge, "veille", 7)
					if step.refused == "" && err != nil {
						t.Fatalf("at %s: %v", step.at, err)
					}
					if step.refused != "" {
						wantIs(t, "reviewing at "+step.at.String(), err, store.ErrConflict)
						if !strings.Contains(err.Error(), step.refused) {
							t.Errorf("at %s: %q does not say %q", step.at, err, step.refused)
						}
					}
				}
			})
		})
	}
}

// A zero judging_starts_at in a change puts the start of judging back at
// the submission deadline.
func TestJudgingStartGoesBackToTheSubmissionDeadline(t *testing.T) {
	platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
		early := t0.Add(2 * time.Hour)
		ed := newEdition(t, e, func(in *hackathons.Input) { in.JudgingStartsAt = early })
		if got := ed.get().JudgingStarts(); !got.Equal(early) {
			t.Fatalf("judging starts at %s, want %s", got, early)
		}
		got, err := ed.hk.Update(t.Context(), ed.org, ed.slug, hackathons.Patch{JudgingStartsAt: &time.Time{}})
		if err != nil || got.JudgingStartsAt != nil || !got.JudgingStarts().Equal(submissionDeadline) {
			t.Fatalf("after the change: starts %v (%v), %v", got.JudgingStarts(), got.JudgingStartsAt, err)
		}
		if stored := ed.get(); stored.JudgingStartsAt != nil {
			t.Fatalf("stored judging_starts_at %v", stored.JudgingStartsAt)
		}
	})
}

// conflictOf returns the conflict listed for a judge and a plugin.
func conflictOf(list []store.Conflict, judge auth.User, plugin string) (store.Conflict, bool) {
	i := slices.IndexFunc(list, func(c store.Conflict) bool { return c.JudgeID == judge.ID && c.Slug == plugin })
	if i < 0 {
		return store.Conflict{}, false
	}
	return list[i], true
}

// assigned says whether a judge is asked, and allowed, to review a plugin.
func assigned(list []hackathons.Assignment, judge auth.User, plugin string) bool {
	return slices.ContainsFunc(list, func(a hackathons.Assignment) bool {
		return a.JudgeID == judge.ID && a.Slug == plugin && a.Conflict == nil
	})
}

// Owning or collaborating on an entry is a conflict of interest Riposte
// finds by itself, whenever the collaboration begins: the judge is never
// assigned the entry, and a review given before it stops counting.
func TestOwnersAndCollaboratorsAreInConflict(t *testing.T) {
	platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
		ed := newEdition(t, e, nil)
		ctx := t.Context()
		j1, j2, j3 := ed.judge("j1@example.org"), ed.judge("j2@example.org"), ed.judge("j3@example.org")
		ed.entry(j1, "outil-du-juge")
		ed.entry(ed.team, "outil-equipe")
		if _, err := e.Registry.AddCollaborator(ctx, ed.team, "outil-equipe", j2.Email); err != nil {
			t.Fatal(err)
		}

		r := ed.assign(2)
		if assigned(r.Assignments, j1, "outil-du-juge") || assigned(r.Assignments, j2, "outil-equipe") || len(r.Uncovered) != 0 {
			t.Fatalf("assignments %+v, uncovered %v", r.Assignments, r.Uncovered)
		}
		_, conflicts, err := ed.hk.Assignments(ctx, ed.org, ed.slug)
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := conflictOf(conflicts, j1, "outil-du-juge"); !ok || c.Kind != store.ConflictOwner || hackathons.Why(c) != "owner of the plugin" {
			t.Errorf("owner's conflict: %+v (%v)", c, ok)
		}
		if c, ok := conflictOf(conflicts, j2, "outil-equipe"); !ok || c.Kind != store.ConflictCollaborator ||
			!strings.HasPrefix(hackathons.Why(c), "collaborator of the plugin since ") {
			t.Errorf("collaborator's conflict: %+v (%v)", c, ok)
		}
		if _, ok := conflictOf(conflicts, ed.team, "outil-equipe"); ok {
			t.Error("the team, who does not judge, is listed among the conflicts")
		}

		// j3 reviews the team's entry, then joins the team.
		ed.Clock.Set(submissionDeadline)
		if err := ed.review(j3, "outil-equipe", 9); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Registry.AddCollaborator(ctx, ed.team, "outil-equipe", j3.Email); err != nil {
			t.Fatal(err)
		}
		as, _, _ := ed.hk.Assignments(ctx, ed.org, ed.slug)
		if assigned(as, j3, "outil-equipe") {
			t.Error("the late collaborator's assignment was not dropped")
		}
		queue, _ := ed.hk.Queue(ctx, j3)
		if slices.ContainsFunc(queue, func(q store.QueueItem) bool { return q.PluginSlug == "outil-equipe" }) {
			t.Error("the entry stayed in the late collaborator's queue")
		}
		wantIs(t, "reviewing again", ed.review(j3, "outil-equipe", 10), auth.ErrForbidden)
		_, err = ed.hk.Submission(ctx, j3, ed.slug, "outil-equipe")
		wantIs(t, "reading the entry", err, store.ErrNotFound)
		board, err := ed.hk.Leaderboard(ctx, ed.org, ed.slug, judging.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if len(board.Excluded) != 1 || board.Excluded[0].JudgeID != j3.ID || board.Excluded[0].Plugin != "outil-equipe" {
			t.Errorf("excluded reviews %+v", board.Excluded)
		}
		for _, row := range board.Rows {
			if row.Reviews != 0 {
				t.Errorf("%s counts %d reviews", row.Plugin, row.Reviews)
			}
		}
	})
}

// A judge recusing themself names no judge: the conflict is theirs.
// Organizers name the judge; nobody else declares conflicts.
func TestRecusalIsTheCallersConflict(t *testing.T) {
	platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
		ed := newEdition(t, e, nil)
		ctx := t.Context()
		j1, j2 := ed.judge("j1@example.org"), ed.judge("j2@example.org")
		ed.entry(ed.team, "veille")
		ed.assign(2)

		c, err := ed.hk.DeclareConflict(ctx, j1, ed.slug, 0, "veille", "  I have worked with this team ")
		if err != nil || c.JudgeID != j1.ID || c.DeclaredBy != j1.ID || c.Kind != store.ConflictDeclared ||
			hackathons.Why(c) != "declared: I have worked with this team" {
			t.Fatalf("recusal: %+v, %v", c, err)
		}
		for _, tc := range []struct {
			name    string
			by      auth.User
			judgeID int64
			plugin  string
			reason  string
			err     error    // the error wrapped, or
			fields  []string // the fields named
		}{
			{"an organizer naming no judge", ed.org, 0, "veille", "friends", nil, []string{"judge_id"}},
			{"a judge for another", j2, j1.ID, "veille", "friends", auth.ErrForbidden, nil},
			{"a participant", ed.team, 0, "veille", "friends", auth.ErrForbidden, nil},
			{"no reason", j2, 0, "veille", "  ", nil, []string{"reason"}},
			{"no such entry", j2, 0, "nope", "friends", nil, []string{"plugin"}},
		} {
			_, err := ed.hk.DeclareConflict(ctx, tc.by, ed.slug, tc.judgeID, tc.plugin, tc.reason)
			if tc.err != nil {
				wantIs(t, tc.name, err, tc.err)
			} else {
				wantFields(t, tc.name, err, tc.fields...)
			}
		}

		queue, _ := ed.hk.Queue(ctx, j1)
		if len(queue) != 0 {
			t.Errorf("the recused judge's queue: %+v", queue)
		}
		if r := ed.assign(2); assigned(r.Assignments, j1, "veille") || r.Uncovered["veille"] != 1 || !assigned(r.Assignments, j2, "veille") {
			t.Errorf("assignment after the recusal: %+v, uncovered %v", r.Assignments, r.Uncovered)
		}
	})
}
