package search

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// outdatedEngine is an index found outdated when it was opened, as
// Meilisearch's is after an upgrade that changes its settings.
type outdatedEngine struct {
	*memEngine
	outdated atomic.Bool
}

func (o *outdatedEngine) TakeOutdated() bool { return o.outdated.CompareAndSwap(true, false) }

// An index the engine reports outdated is rebuilt from the database by the
// search service's watch, once, without an operator's action.
func TestAnOutdatedIndexIsRebuiltFromTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		f.publish(t, "premier")
		f.publish(t, "second")
		e := &outdatedEngine{memEngine: newMemEngine()}
		e.outdated.Store(true)
		svc := NewService(context.Background(), e, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); svc.Watch(ctx) }()
		defer func() { cancel(); <-done }()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if revs, _ := e.Revisions(ctx); len(revs) == 2 && !svc.reindexing.Load() {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the outdated index was not rebuilt from the database")
			}
		}
		if d, err := Check(context.Background(), st, e); err != nil || !d.Clean() {
			t.Fatalf("the rebuilt index differs from the database: %+v, %v", d, err)
		}
		if e.outdated.Load() {
			t.Error("the engine is still reported outdated after its rebuild")
		}
	})
}

// An index that is not outdated is left as it is.
func TestAnIndexUpToDateIsNotRebuilt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		newFixture(t, st).publish(t, "premier")
		e := &outdatedEngine{memEngine: newMemEngine()}
		svc := NewService(context.Background(), e, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		svc.Watch(ctx) // one ping at once, then waits for the next until ctx ends
		if revs, _ := e.Revisions(context.Background()); len(revs) != 0 {
			t.Errorf("an index up to date was rebuilt: %v", revs)
		}
	})
}
