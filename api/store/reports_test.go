package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// A report is resolved once, appealed once, and keeps its first decision
// when the appeal is decided; the database takes the moderator role and
// refuses an unknown reason or status.
func TestReportsKeepTheirFirstDecision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		owner := newUser(t, s, "owner@example.org", "participant")
		mod := newUser(t, s, "mod@example.org", "moderator")
		second := newUser(t, s, "mod2@example.org", "moderator")
		t0 := time.Date(2026, 11, 13, 21, 30, 0, 0, time.UTC)
		var r store.Report
		err := s.InTx(ctx, func(tx *store.Tx) error {
			id, err := tx.InsertPlugin(ctx, "outil", owner.ID)
			if err != nil {
				return err
			}
			r, err = tx.InsertReport(ctx, store.NewReport{PluginID: id, Reason: "illegal", Details: "d", Contact: "c",
				CreatedAt: t0, DueAt: t0.Add(90 * time.Minute)})
			return err
		})
		if err != nil || r.Status != store.ReportOpen || r.PluginSlug != "outil" || !r.FirstDueAt.Equal(t0.Add(90*time.Minute)) {
			t.Fatalf("insert = %+v, %v", r, err)
		}
		step := func(fn func(tx *store.Tx) error) error { return s.InTx(ctx, fn) }
		if err := step(func(tx *store.Tx) error {
			return tx.AppealReport(ctx, r.ID, "m", t0, t0)
		}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("appeal of an open report: %v, want ErrConflict", err)
		}
		first := store.Resolution{Action: "takedown", By: mod.ID, At: t0.Add(time.Hour), PreviousStatus: "published"}
		if err := step(func(tx *store.Tx) error { return tx.ResolveReport(ctx, r.ID, first) }); err != nil {
			t.Fatal(err)
		}
		if err := step(func(tx *store.Tx) error { return tx.ResolveReport(ctx, r.ID, first) }); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second resolution: %v, want ErrConflict", err)
		}
		appealAt := t0.Add(3 * time.Hour)
		if err := step(func(tx *store.Tx) error { return tx.AppealReport(ctx, r.ID, "m", appealAt, appealAt.Add(time.Hour)) }); err != nil {
			t.Fatal(err)
		}
		final := store.Resolution{Action: "dismiss", By: second.ID, At: appealAt.Add(time.Minute), Note: "restored"}
		if err := step(func(tx *store.Tx) error { return tx.ResolveReport(ctx, r.ID, final) }); err != nil {
			t.Fatal(err)
		}
		if err := step(func(tx *store.Tx) error { return tx.AppealReport(ctx, r.ID, "m", appealAt, appealAt) }); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second appeal: %v, want ErrConflict", err)
		}
		got, err := s.Report(ctx, r.ID)
		if err != nil || *got.FirstAction != "takedown" || *got.FirstResolvedBy != mod.ID || !got.FirstResolvedAt.Equal(t0.Add(time.Hour)) ||
			*got.Action != "dismiss" || *got.ResolvedBy != second.ID || *got.PreviousStatus != "published" ||
			!got.DueAt.Equal(appealAt.Add(time.Hour)) || got.Status != store.ReportResolved {
			t.Fatalf("report after the appeal = %+v, %v", got, err)
		}
		for _, stmt := range []string{
			`UPDATE reports SET reason = 'spam'`,
			`UPDATE reports SET status = 'lost'`,
			`UPDATE users SET role = 'overlord'`,
		} {
			if err := s.ExecForTest(ctx, stmt); err == nil {
				t.Errorf("the database allowed: %s", stmt)
			}
		}
	})
}
