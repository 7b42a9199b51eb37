package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

func TestIdempotencyKeysExpire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		k := store.IdempotencyKey{AccountID: u.ID, Scope: "plugins", Key: "k1", BodySHA256: "aa", Status: 201}
		past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
		claim := func(k store.IdempotencyKey, notBefore time.Time) (claimed bool) {
			t.Helper()
			err := s.InTx(ctx, func(tx *store.Tx) (err error) {
				if claimed, err = tx.ClaimIdempotencyKey(ctx, k, notBefore); err != nil || !claimed {
					return err
				}
				k.Resource = "outil"
				return tx.CompleteIdempotencyKey(ctx, k)
			})
			if err != nil {
				t.Fatal(err)
			}
			return claimed
		}
		if !claim(k, past) {
			t.Fatal("a new key was not claimed")
		}
		got, err := s.IdempotencyKey(ctx, u.ID, "plugins", "k1", past)
		if err != nil || got.BodySHA256 != "aa" || got.Status != 201 || got.Resource != "outil" {
			t.Fatalf("key = %+v, %v", got, err)
		}
		if _, err := s.IdempotencyKey(ctx, u.ID, "plugins/outil/versions", "k1", past); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the key in another scope: %v, want ErrNotFound", err)
		}
		other := k
		other.BodySHA256 = "bb"
		if claim(other, past) {
			t.Fatal("a live key was claimed again")
		}
		// Once expired, a key is absent, and a new request takes it over.
		if _, err := s.IdempotencyKey(ctx, u.ID, "plugins", "k1", future); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired key: %v, want ErrNotFound", err)
		}
		if !claim(other, future) {
			t.Fatal("an expired key was not taken over")
		}
		if got, _ := s.IdempotencyKey(ctx, u.ID, "plugins", "k1", past); got.BodySHA256 != "bb" {
			t.Fatalf("taken-over key = %+v", got)
		}
		if n, err := s.PruneIdempotencyKeys(ctx, future); n != 1 || err != nil {
			t.Fatalf("prune: %d, %v; want 1", n, err)
		}
	})
}

func TestRecentPlugin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		other := newUser(t, s, "bob@example.org", "participant")
		start := time.Now().Add(-time.Second)
		for _, p := range []struct {
			slug  string
			owner int64
		}{{"outil-a", u.ID}, {"outil-b", other.ID}, {"outil-c", u.ID}} {
			if _, err := s.InsertPlugin(ctx, p.slug, p.owner); err != nil {
				t.Fatal(err)
			}
		}
		first, _ := s.PluginBySlug(ctx, "outil-a")
		at, ok, err := s.RecentPlugin(ctx, u.ID, start, 2)
		if err != nil || !ok || !at.Equal(first.CreatedAt) {
			t.Fatalf("2nd most recent = %v, %v, %v; want %v", at, ok, err, first.CreatedAt)
		}
		if _, ok, err := s.RecentPlugin(ctx, u.ID, start, 3); ok || err != nil {
			t.Fatalf("3rd most recent of 2: %v, %v", ok, err)
		}
		if _, ok, err := s.RecentPlugin(ctx, u.ID, time.Now().Add(time.Second), 1); ok || err != nil {
			t.Fatalf("since the future: %v, %v", ok, err)
		}
	})
}

func TestRuntimeStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		id, err := s.InsertPlugin(ctx, "outil", u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RuntimeStatus(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("nothing recorded: %v, want ErrNotFound", err)
		}
		at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
		for _, st := range []store.RuntimeStatus{
			{State: store.RuntimeRefused, Reason: "10.0.0.1 is a private address", At: at},
			{State: store.RuntimeOK, At: at.Add(time.Minute)},
		} {
			if err := s.SetRuntimeStatus(ctx, id, st); err != nil {
				t.Fatal(err)
			}
			got, err := s.RuntimeStatus(ctx, id)
			if err != nil || got.State != st.State || got.Reason != st.Reason || !got.At.Equal(st.At) {
				t.Fatalf("status = %+v, %v; want %+v", got, err, st)
			}
		}
	})
}
