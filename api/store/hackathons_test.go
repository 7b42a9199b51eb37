package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

func TestConflictsFollowCollaborationUntilResultsArePublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		owner := newUser(t, s, "owner@example.org", "participant")
		j1, j2, j3 := newUser(t, s, "j1@example.org", "judge"), newUser(t, s, "j2@example.org", "judge"), newUser(t, s, "j3@example.org", "judge")
		org := newUser(t, s, "org@example.org", "organizer")
		var pluginID int64
		err := s.InTx(ctx, func(tx *store.Tx) (err error) {
			if pluginID, err = tx.InsertPlugin(ctx, "outil", owner.ID); err != nil {
				return err
			}
			_, err = tx.InsertVersion(ctx, pluginID, store.NewPluginVersion{Version: "1.0.0", Key: "1.0.0", Manifest: []byte(`{}`), SHA256: "x", CreatedBy: owner.ID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
		opens := t0.Add(2 * time.Hour)
		h, err := s.InsertHackathon(ctx, store.Hackathon{Slug: "paris", Name: "Paris", StartsAt: t0, EndsAt: t0.Add(24 * time.Hour),
			SubmissionDeadline: t0.Add(24 * time.Hour), JudgingDeadline: t0.Add(48 * time.Hour), JudgingStartsAt: &opens,
			Rubric: []byte(`[]`), CreatedBy: org.ID})
		if err != nil || h.JudgingStartsAt == nil || !h.JudgingStartsAt.Equal(opens) {
			t.Fatalf("hackathon %+v, %v", h, err)
		}
		for _, j := range []store.User{j1, j2, j3} {
			if err := s.AddJudge(ctx, h.ID, j.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.SaveSubmission(ctx, h.ID, pluginID, "1.0.0", owner.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.AddCollaborator(ctx, pluginID, j1.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeclareConflict(ctx, h.ID, j2.ID, pluginID, "Cousin of the team", org.ID); err != nil {
			t.Fatal(err)
		}
		want := []string{
			fmt.Sprintf("%d owner ", owner.ID),
			fmt.Sprintf("%d collaborator ", j1.ID),
			fmt.Sprintf("%d declared Cousin of the team", j2.ID),
		}
		got, since := conflictLines(t, s, h.ID)
		if !slices.Equal(got, want) {
			t.Fatalf("conflicts %v, want %v", got, want)
		}
		if mine, err := s.JudgeConflicts(ctx, j1.ID); err != nil || !slices.Equal(mine, []store.JudgeConflict{{HackathonID: h.ID, PluginID: pluginID}}) {
			t.Fatalf("j1's conflicts: %v, %v", mine, err)
		}
		for i, wantCreated := range []bool{true, false} {
			created, err := s.SaveReview(ctx, h.ID, store.Review{JudgeID: j3.ID, PluginID: pluginID, Scores: []byte(fmt.Sprintf(`{"a":%d}`, i))})
			if err != nil || created != wantCreated {
				t.Fatalf("save %d: created %v, %v", i, created, err)
			}
		}
		// Once the results are published, collaborators may come and go:
		// the conflicts stay as they were.
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.PublishResults(ctx, h, org.ID) }); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveCollaborator(ctx, pluginID, j1.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.AddCollaborator(ctx, pluginID, j3.ID); err != nil {
			t.Fatal(err)
		}
		if got, after := conflictLines(t, s, h.ID); !slices.Equal(got, want) || !slices.Equal(after, since) {
			t.Fatalf("conflicts after the results %v since %v, want %v since %v", got, after, want, since)
		}
	})
}

// conflictLines lists an edition's conflicts as "judge kind reason", and
// since when each holds, by judge.
func conflictLines(t *testing.T, s *store.Store, hackathonID int64) ([]string, []time.Time) {
	t.Helper()
	list, err := s.Conflicts(context.Background(), hackathonID)
	if err != nil {
		t.Fatal(err)
	}
	var (
		out   []string
		since []time.Time
	)
	for _, c := range list {
		if c.Since.IsZero() || c.Slug != "outil" {
			t.Fatalf("conflict %+v", c)
		}
		out, since = append(out, fmt.Sprintf("%d %s %s", c.JudgeID, c.Kind, c.Reason)), append(since, c.Since.UTC())
	}
	slices.Sort(out)
	return out, since
}
