package search

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/riposte-civic/riposte/api/store"
)

// Relay drains the search outbox into an engine. Each pass leases a batch
// of plugins, indexes their current state (or removes them when they are
// no longer listed), and records success or, on failure, when to try
// again, with exponential backoff and jitter. Indexing a plugin's current
// state by slug makes every pass idempotent: a change is never lost, and
// replaying one never duplicates anything. Several relays (one per
// replica) may run against one PostgreSQL database.
type Relay struct {
	store  *store.Store
	engine Engine
	log    *slog.Logger
	now    func() time.Time

	batch   int
	lease   time.Duration
	idle    time.Duration
	timeout time.Duration
}

// Relay defaults.
const (
	relayBatch     = 500
	relayLease     = time.Minute
	relayIdle      = 200 * time.Millisecond
	relayTimeout   = 30 * time.Second
	backoffBase    = 500 * time.Millisecond
	backoffCeiling = 30 * time.Second
)

// NewRelay returns a relay from st's outbox to e.
func NewRelay(st *store.Store, e Engine, log *slog.Logger) *Relay {
	return &Relay{store: st, engine: e, log: log, now: time.Now,
		batch: relayBatch, lease: relayLease, idle: relayIdle, timeout: relayTimeout}
}

// Run drains the outbox until ctx ends. While index updates fail, it logs
// the start of the outage once, a reminder with the number of pending
// updates at most once a minute, and the end of the outage once.
func (r *Relay) Run(ctx context.Context) {
	var o outage
	for ctx.Err() == nil {
		n, err := r.pass(ctx, &o)
		if ctx.Err() != nil {
			return
		}
		if n < r.batch || err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(r.idle):
			}
		}
	}
}

// relayReminder is the least time between two log lines about one outage.
const relayReminder = time.Minute

// outage is what a relay remembers of failing index updates.
type outage struct {
	since    time.Time // when updates started failing; zero while they flow
	reminded time.Time // when the outage was last logged
}

// pass drains once and logs what changed about an outage.
func (r *Relay) pass(ctx context.Context, o *outage) (int, error) {
	n, err := r.Drain(ctx)
	if ctx.Err() != nil {
		return n, err
	}
	now := r.now()
	switch {
	case o.since.IsZero() && err != nil:
		*o = outage{since: now, reminded: now}
		lag, lagErr := r.store.IndexLag(ctx)
		r.log.Warn("search index updates are failing; they will be retried",
			"engine", r.engine.Name(), pendingAttr(lag, lagErr), "error", err)
	case o.since.IsZero():
	case err == nil && n > 0:
		r.recovered(o, now)
	case now.Sub(o.reminded) >= relayReminder:
		r.remind(ctx, o, now, err)
	}
	return n, err
}

// remind logs that an outage goes on, with the number of pending updates
// and the last error, unless nothing is pending any more (another replica
// caught up), which ends the outage.
func (r *Relay) remind(ctx context.Context, o *outage, now time.Time, err error) {
	lag, lagErr := r.store.IndexLag(ctx)
	if lagErr == nil && lag.Pending == 0 {
		r.recovered(o, now)
		return
	}
	o.reminded = now
	cause := lag.LastError
	if err != nil {
		cause = err.Error()
	}
	r.log.Warn("search index updates are still failing; they will be retried", "engine", r.engine.Name(),
		pendingAttr(lag, lagErr), "for", now.Sub(o.since).Round(time.Second), "error", cause)
}

// recovered logs the end of an outage and forgets it.
func (r *Relay) recovered(o *outage, now time.Time) {
	r.log.Info("search index updates are flowing again", "engine", r.engine.Name(), "after", now.Sub(o.since).Round(time.Second))
	*o = outage{}
}

// pendingAttr is the number of plugins waiting for the index, as a log
// attribute.
func pendingAttr(lag store.IndexLag, err error) slog.Attr {
	if err != nil {
		return slog.String("pending", "unknown")
	}
	return slog.Int("pending", lag.Pending)
}

// Drain runs one pass and reports how many plugins it indexed or removed.
func (r *Relay) Drain(ctx context.Context) (int, error) {
	work, err := r.store.ClaimIndexWork(ctx, r.batch, r.now(), r.lease)
	if err != nil || len(work) == 0 {
		return 0, err
	}
	if err := r.apply(ctx, work); err != nil {
		r.fail(ctx, work, err)
		return 0, err
	}
	if err := r.store.CompleteIndexWork(ctx, work); err != nil {
		return 0, err // the lease expires and the work is done again: harmless
	}
	return len(work), nil
}

// apply sends the current state of the leased plugins to the engine.
func (r *Relay) apply(ctx context.Context, work []store.IndexWork) error {
	slugs := make([]string, len(work))
	for i, w := range work {
		slugs[i] = w.Slug
	}
	sources, err := r.store.SearchSources(ctx, slugs)
	if err != nil {
		return err
	}
	listed := map[string]bool{}
	var upserts []Document
	for _, src := range sources {
		if src.Listed {
			listed[src.Slug] = true
			upserts = append(upserts, DocumentOf(src))
		}
	}
	var deletes []string
	for _, slug := range slugs {
		if !listed[slug] {
			deletes = append(deletes, slug)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	if len(upserts) > 0 {
		if err := r.engine.Upsert(ctx, upserts); err != nil {
			return err
		}
	}
	if len(deletes) > 0 {
		return r.engine.Delete(ctx, deletes)
	}
	return nil
}

func (r *Relay) fail(ctx context.Context, work []store.IndexWork, cause error) {
	for _, w := range work {
		if err := r.store.FailIndexWork(ctx, w, cause.Error(), r.now().Add(backoff(w.Attempts))); err != nil && ctx.Err() == nil {
			r.log.Warn("recording a failed index update", "slug", w.Slug, "error", err)
		}
	}
}

// backoff is how long to wait before the attempt after the n-th: doubling
// from half a second up to 30 s, with jitter so that replicas do not retry
// in step.
func backoff(attempts int) time.Duration {
	d := backoffCeiling
	if attempts < 16 {
		d = min(backoffCeiling, backoffBase<<max(attempts-1, 0))
	}
	return d/2 + rand.N(d/2+1)
}
