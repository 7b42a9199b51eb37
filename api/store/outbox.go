package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// IndexWork is a plugin whose search-index entry is out of date, leased to
// one relay. Seq tells whether it changed again while being indexed.
type IndexWork struct {
	Slug     string
	Seq      int64
	Attempts int
}

// enqueueIndex records that a plugin's index entry must be refreshed. It
// runs in the transaction that changes the plugin, so the change and its
// outbox row are committed together or not at all.
func (tx *Tx) enqueueIndex(ctx context.Context, slug string) error {
	t := now()
	_, err := tx.w.ExecContext(ctx, `INSERT INTO search_outbox (slug, seq, pending_since, changed_at, next_attempt_at)
		VALUES ($1, 1, $2, $2, $2)
		ON CONFLICT (slug) DO UPDATE SET seq = search_outbox.seq + 1, changed_at = excluded.changed_at,
			next_attempt_at = excluded.next_attempt_at`, slug, t)
	if err != nil {
		return fmt.Errorf("queue %s for indexing: %w", slug, err)
	}
	tx.PluginChanged(slug)
	return nil
}

// EnqueueIndex queues a plugin for the search index on its own, for
// changes made outside the registry's transactions (a re-synchronisation).
func (s *Store) EnqueueIndex(ctx context.Context, slugs ...string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		for _, slug := range slugs {
			if err := tx.enqueueIndex(ctx, slug); err != nil {
				return err
			}
		}
		return nil
	})
}

// EnqueueChangedSince queues every plugin changed at or after t.
func (s *Store) EnqueueChangedSince(ctx context.Context, t time.Time) (int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT slug FROM plugins WHERE updated_at >= $1`, t)
	if err != nil {
		return 0, fmt.Errorf("changed plugins: %w", err)
	}
	slugs, err := collect(rows, func(r interface{ Scan(...any) error }) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return 0, fmt.Errorf("changed plugins: %w", err)
	}
	return len(slugs), s.EnqueueIndex(ctx, slugs...)
}

// ClaimIndexWork leases up to n due outbox rows until at+lease. On
// PostgreSQL, rows another relay holds are skipped (SKIP LOCKED), so that
// replicas share the work without waiting for each other.
func (s *Store) ClaimIndexWork(ctx context.Context, n int, at time.Time, lease time.Duration) ([]IndexWork, error) {
	skip := ""
	if s.dialect == Postgres {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := s.w.QueryContext(ctx, `UPDATE search_outbox SET leased_until = $2, attempts = attempts + 1
		WHERE slug IN (SELECT slug FROM search_outbox
			WHERE next_attempt_at <= $1 AND (leased_until IS NULL OR leased_until < $1)
			ORDER BY pending_since LIMIT $3`+skip+`)
		RETURNING slug, seq, attempts`, at, at.Add(lease), n)
	if err != nil {
		return nil, fmt.Errorf("claim index work: %w", err)
	}
	work, err := collect(rows, func(r interface{ Scan(...any) error }) (IndexWork, error) {
		var w IndexWork
		return w, r.Scan(&w.Slug, &w.Seq, &w.Attempts)
	})
	if err != nil {
		return nil, fmt.Errorf("claim index work: %w", err)
	}
	return work, nil
}

// CompleteIndexWork records that plugins were indexed as of their seq, in
// one transaction. A plugin that changed again meanwhile keeps its row, due
// at once, for another pass.
func (s *Store) CompleteIndexWork(ctx context.Context, work []IndexWork) error {
	if len(work) == 0 {
		return nil
	}
	return s.InTx(ctx, func(tx *Tx) error {
		for _, w := range work {
			res, err := tx.w.ExecContext(ctx, `DELETE FROM search_outbox WHERE slug = $1 AND seq = $2`, w.Slug, w.Seq)
			if err != nil {
				return fmt.Errorf("complete index work: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				continue
			}
			if _, err = tx.w.ExecContext(ctx, `UPDATE search_outbox SET leased_until = NULL, attempts = 0, last_error = NULL,
				pending_since = changed_at WHERE slug = $1`, w.Slug); err != nil {
				return fmt.Errorf("complete index work: %w", err)
			}
		}
		return nil
	})
}

// FailIndexWork releases a leased row with the error met, to be tried
// again at retryAt.
func (s *Store) FailIndexWork(ctx context.Context, w IndexWork, cause string, retryAt time.Time) error {
	if len(cause) > 1000 {
		cause = cause[:1000]
	}
	_, err := s.w.ExecContext(ctx, `UPDATE search_outbox SET leased_until = NULL, next_attempt_at = $2, last_error = $3
		WHERE slug = $1`, w.Slug, retryAt, cause)
	if err != nil {
		return fmt.Errorf("fail index work: %w", err)
	}
	return nil
}

// IndexLag reports how many plugins wait for the search index, since when
// the oldest waits (zero when none does), and the last error met, if any.
type IndexLag struct {
	Pending   int
	Oldest    time.Time
	LastError string
}

// IndexLag returns the outbox's backlog.
func (s *Store) IndexLag(ctx context.Context) (IndexLag, error) {
	var lag IndexLag
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_outbox`).Scan(&lag.Pending); err != nil {
		return lag, fmt.Errorf("index lag: %w", err)
	}
	if lag.Pending == 0 {
		return lag, nil
	}
	var last *string
	err := s.r.QueryRowContext(ctx, `SELECT pending_since, last_error FROM search_outbox ORDER BY pending_since LIMIT 1`).
		Scan(&lag.Oldest, &last)
	if last != nil {
		lag.LastError = *last
	}
	if err := mapError(err); errors.Is(err, ErrNotFound) {
		return IndexLag{}, nil // drained between the two queries
	} else if err != nil {
		return lag, fmt.Errorf("index lag: %w", err)
	}
	return lag, nil
}
