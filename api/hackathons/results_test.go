package hackathons_test

import (
	"slices"
	"strconv"
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

// Before publishing, organizers learn what publishing would leave undone:
// entries without a decision, scores not given, entries with fewer judges
// than asked; and why it would be refused, if it would.
func TestPublicationCheckListsWhatIsLeft(t *testing.T) {
	platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
		ed := newEdition(t, e, nil)
		ctx := t.Context()
		j1, j2 := ed.judge("j1@example.org"), ed.judge("j2@example.org")
		ed.entry(ed.team, "alerte")
		ed.entry(ed.team, "bouclier")
		ed.assign(1)
		two := 2 // the organizer asks for more judges after the assignment
		if _, err := ed.hk.Update(ctx, ed.org, ed.slug, hackathons.Patch{JudgesPerSubmission: &two}); err != nil {
			t.Fatal(err)
		}
		ed.Clock.Set(submissionDeadline)
		items, err := ed.hk.Queue(ctx, j1)
		if err != nil || len(items) != 1 {
			t.Fatalf("queue of j1: %+v, %v", items, err)
		}
		if err := ed.review(j1, items[0].PluginSlug, 7); err != nil {
			t.Fatal(err)
		}
		if _, err := ed.hk.Decide(ctx, ed.org, ed.slug, "alerte", hackathons.Accepted, "", ""); err != nil {
			t.Fatal(err)
		}
		_, err = ed.hk.CheckPublication(ctx, j2, ed.slug)
		wantIs(t, "a judge checking", err, auth.ErrForbidden)
		r, err := ed.hk.CheckPublication(ctx, ed.org, ed.slug)
		if err != nil {
			t.Fatal(err)
		}
		wantIs(t, "checking while judging is open", r.Refusal, store.ErrConflict)
		if len(r.Undecided) != 1 || r.Undecided[0].Slug != "bouclier" {
			t.Errorf("undecided %+v", r.Undecided)
		}
		if len(r.Unscored) != 1 || r.Unscored[0].JudgeID != j2.ID {
			t.Errorf("unscored %+v", r.Unscored)
		}
		if len(r.Short) != 2 || r.Short[0].Judges != 1 || r.Short[1].Judges != 1 {
			t.Errorf("short %+v", r.Short)
		}
		ed.Clock.Set(judgingDeadline)
		if r, err = ed.hk.CheckPublication(ctx, ed.org, ed.slug); err != nil || r.Refusal != nil || r.Ready() {
			t.Fatalf("after the deadline: refusal %v, ready %v, %v", r.Refusal, r.Ready(), err)
		}
		// One judge per entry, every entry decided and scored: ready.
		one := 1
		if _, err := ed.hk.Update(ctx, ed.org, ed.slug, hackathons.Patch{JudgesPerSubmission: &one}); err != nil {
			t.Fatal(err)
		}
		ed.Clock.Set(submissionDeadline)
		if err := ed.review(j2, r.Unscored[0].Slug, 3); err != nil {
			t.Fatal(err)
		}
		if _, err := ed.hk.Decide(ctx, ed.org, ed.slug, "bouclier", hackathons.Rejected, "", ""); err != nil {
			t.Fatal(err)
		}
		ed.Clock.Set(judgingDeadline)
		if r, err = ed.hk.CheckPublication(ctx, ed.org, ed.slug); err != nil || !r.Ready() {
			t.Fatalf("everything done: %+v, %v", r, err)
		}
	})
}

// The results follow the decisions: accepted entries first, ranked among
// themselves; the others after, without a rank, however they scored.
func TestResultsFollowTheDecisions(t *testing.T) {
	platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
		ed := newEdition(t, e, nil)
		ctx := t.Context()
		j := ed.judge("j1@example.org")
		for _, slug := range []string{"alerte", "bouclier", "echo"} {
			ed.entry(ed.team, slug)
		}
		ed.assign(1)
		ed.Clock.Set(submissionDeadline)
		for slug, impact := range map[string]int{"alerte": 9, "bouclier": 6, "echo": 9} {
			if err := ed.review(j, slug, impact); err != nil {
				t.Fatal(err)
			}
		}
		for slug, status := range map[string]string{"alerte": hackathons.Rejected, "bouclier": hackathons.Accepted} {
			award := ""
			if status == hackathons.Accepted {
				award = "Prix du public"
			}
			if _, err := ed.hk.Decide(ctx, ed.org, ed.slug, slug, status, award, "feedback"); err != nil {
				t.Fatal(err)
			}
		}
		_, err := ed.hk.Results(ctx, auth.User{}, ed.slug)
		wantIs(t, "a visitor before publication", err, auth.ErrForbidden)
		ed.Clock.Set(judgingDeadline)
		if _, err := ed.hk.PublishResults(ctx, ed.org, ed.slug); err != nil {
			t.Fatal(err)
		}
		got, err := ed.hk.Results(ctx, auth.User{}, ed.slug)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, s := range got {
			rank := "-"
			if s.Rank != nil {
				rank = strconv.Itoa(*s.Rank)
			}
			lines = append(lines, rank+" "+s.Plugin+" "+s.Status+" "+s.Award)
		}
		want := []string{"1 bouclier accepted Prix du public", "- alerte rejected ", "- echo submitted "}
		if !slices.Equal(lines, want) {
			t.Fatalf("results %q, want %q", lines, want)
		}
	})
}
