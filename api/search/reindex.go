package search

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/riposte-civic/riposte/api/store"
)

// Reindex rebuilds the engine's index from the database and swaps it in.
// Changes made while it was being built went to the old index, so they are
// queued again for the relay. It returns how many plugins it indexed.
func Reindex(ctx context.Context, st *store.Store, e Engine) (int, error) {
	started := time.Now().Add(-time.Second) // clock granularity: rather one change too many
	sources, err := st.ListedSources(ctx)
	if err != nil {
		return 0, err
	}
	docs := make([]Document, len(sources))
	for i, src := range sources {
		docs[i] = DocumentOf(src)
	}
	if err := e.Reindex(ctx, docs); err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	if _, err := st.EnqueueChangedSince(ctx, started); err != nil {
		return len(docs), fmt.Errorf("reindex: queue changes made meanwhile: %w", err)
	}
	return len(docs), nil
}

// Drift is how an index differs from the database.
type Drift struct {
	Missing []string // listed in the database, absent from the index
	Extra   []string // in the index, not listed in the database
	Stale   []string // indexed at another revision than the database's
	Indexed int
	Listed  int
}

// Clean reports whether the index matches the database exactly.
func (d Drift) Clean() bool { return len(d.Missing)+len(d.Extra)+len(d.Stale) == 0 }

// Check compares the engine's index with the database.
func Check(ctx context.Context, st *store.Store, e Engine) (Drift, error) {
	sources, err := st.ListedSources(ctx)
	if err != nil {
		return Drift{}, err
	}
	indexed, err := e.Revisions(ctx)
	if err != nil {
		return Drift{}, fmt.Errorf("read the index: %w", err)
	}
	d := Drift{Indexed: len(indexed), Listed: len(sources)}
	listed := map[string]bool{}
	for _, src := range sources {
		listed[src.Slug] = true
		rev, ok := indexed[src.Slug]
		switch {
		case !ok:
			d.Missing = append(d.Missing, src.Slug)
		case rev != src.Revision:
			d.Stale = append(d.Stale, src.Slug)
		}
	}
	for slug := range indexed {
		if !listed[slug] {
			d.Extra = append(d.Extra, slug)
		}
	}
	slices.Sort(d.Extra)
	return d, nil
}

// StartReindex runs a reindex in the background, unless one is running.
func (s *Service) StartReindex() error {
	if !s.reindexing.CompareAndSwap(false, true) {
		return ErrReindexRunning
	}
	go func() {
		defer s.reindexing.Store(false)
		start := time.Now()
		n, err := Reindex(s.background, s.store, s.engine)
		if err != nil {
			s.log.Error("reindex failed", "engine", s.engine.Name(), "error", err)
			return
		}
		s.log.Info("reindexed", "engine", s.engine.Name(), "plugins", n, "duration", time.Since(start).Round(time.Millisecond))
	}()
	return nil
}
