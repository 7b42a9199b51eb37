package search

import (
	"context"
	"fmt"
	"sync"
)

// Deferred is an engine that cannot be set up yet (Meilisearch down when
// the server starts): every call first tries to set it up, and until that
// works, fails with ErrUnavailable, so that searches fall back to the
// database and index updates wait in the outbox.
type Deferred struct {
	name  string
	setup func(context.Context) (Engine, error)
	mu    sync.Mutex
	e     Engine
}

var _ Engine = (*Deferred)(nil)

// NewDeferred returns an engine named name that setup builds when it can.
func NewDeferred(name string, setup func(context.Context) (Engine, error)) *Deferred {
	return &Deferred{name: name, setup: setup}
}

func (d *Deferred) get(ctx context.Context) (Engine, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.e != nil {
		return d.e, nil
	}
	e, err := d.setup(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	d.e = e
	return e, nil
}

// TakeOutdated reports, once, that the engine once set up found its index
// outdated (see Meili.TakeOutdated); never before it is set up.
func (d *Deferred) TakeOutdated() bool {
	d.mu.Lock()
	e := d.e
	d.mu.Unlock()
	o, ok := e.(outdater)
	return ok && o.TakeOutdated()
}

// Name is the engine's name.
func (d *Deferred) Name() string { return d.name }

// Search runs a query once the engine is set up.
func (d *Deferred) Search(ctx context.Context, q Query) (Result, error) {
	e, err := d.get(ctx)
	if err != nil {
		return Result{}, err
	}
	return e.Search(ctx, q)
}

// Upsert indexes documents once the engine is set up.
func (d *Deferred) Upsert(ctx context.Context, docs []Document) error {
	e, err := d.get(ctx)
	if err != nil {
		return err
	}
	return e.Upsert(ctx, docs)
}

// Delete removes documents once the engine is set up.
func (d *Deferred) Delete(ctx context.Context, slugs []string) error {
	e, err := d.get(ctx)
	if err != nil {
		return err
	}
	return e.Delete(ctx, slugs)
}

// Reindex rebuilds the index once the engine is set up.
func (d *Deferred) Reindex(ctx context.Context, docs Documents) error {
	e, err := d.get(ctx)
	if err != nil {
		return err
	}
	return e.Reindex(ctx, docs)
}

// Revisions lists the index once the engine is set up.
func (d *Deferred) Revisions(ctx context.Context) (map[string]int64, error) {
	e, err := d.get(ctx)
	if err != nil {
		return nil, err
	}
	return e.Revisions(ctx)
}

// Ping sets the engine up if needed and pings it.
func (d *Deferred) Ping(ctx context.Context) error {
	e, err := d.get(ctx)
	if err != nil {
		return err
	}
	return e.Ping(ctx)
}

// Close closes the engine if it was set up.
func (d *Deferred) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.e == nil {
		return nil
	}
	return d.e.Close()
}
