package search

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/riposte-civic/riposte/api/store"
)

// reindexChunk is how many plugins a reindex reads from the database at
// a time, and the most documents it sends an engine in one write.
const reindexChunk = 5000

// Reindex rebuilds the engine's index from the database and swaps it in.
// It reads the plugins in chunks, which the engine indexes while the next
// are read. Changes made while it was being built went to the old index,
// so they are queued again for the relay. It returns how many plugins it
// indexed.
func Reindex(ctx context.Context, st *store.Store, e Engine) (int, error) {
	started := time.Now().Add(-time.Second) // clock granularity: rather one change too many
	n := 0
	docs := func(ctx context.Context, fn func([]Document) error) error {
		return st.EachListedSource(ctx, reindexChunk, func(sources []store.SearchSource) error {
			chunk := make([]Document, len(sources))
			for i, src := range sources {
				chunk[i] = DocumentOf(src)
			}
			n += len(chunk)
			return fn(chunk)
		})
	}
	if err := e.Reindex(ctx, docs); err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	if _, err := st.EnqueueChangedSince(ctx, started); err != nil {
		return n, fmt.Errorf("reindex: queue changes made meanwhile: %w", err)
	}
	return n, nil
}

// pipeline reads docs in a goroutine of its own and calls fn with each
// chunk in the caller's, so that the next chunk is read while fn works on
// this one; at most one chunk waits between them. It returns the first
// error of either, and stops reading when fn fails.
func pipeline(ctx context.Context, docs Documents, fn func([]Document) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan []Document, 1)
	read := make(chan error, 1)
	go func() {
		defer close(chunks)
		read <- docs(ctx, func(chunk []Document) error {
			select {
			case chunks <- chunk:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var err error
	for chunk := range chunks {
		if err == nil {
			if err = fn(chunk); err != nil {
				cancel()
			}
		}
	}
	if rerr := <-read; err == nil {
		err = rerr
	}
	return err
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
