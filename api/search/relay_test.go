package search

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// memEngine is an in-memory index whose writes can be made to fail or to
// run a hook, for the relay's tests. Searching is not its business.
type memEngine struct {
	mu      sync.Mutex
	docs    map[string]Document
	upserts map[string]int
	fail    error
	onWrite func()
}

func newMemEngine() *memEngine {
	return &memEngine{docs: map[string]Document{}, upserts: map[string]int{}}
}

func (m *memEngine) Name() string { return "memory" }
func (m *memEngine) Search(context.Context, Query) (Result, error) {
	return Result{}, errors.New("not for searching")
}
func (m *memEngine) Ping(context.Context) error { return nil }
func (m *memEngine) Close() error               { return nil }

func (m *memEngine) write(fn func()) error {
	m.mu.Lock()
	hook, fail := m.onWrite, m.fail
	m.onWrite = nil
	m.mu.Unlock()
	if hook != nil {
		hook()
	}
	if fail != nil {
		return fail
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	fn()
	return nil
}

func (m *memEngine) Upsert(_ context.Context, docs []Document) error {
	return m.write(func() {
		for _, d := range docs {
			m.docs[d.Slug] = d
			m.upserts[d.Slug]++
		}
	})
}

func (m *memEngine) Delete(_ context.Context, slugs []string) error {
	return m.write(func() {
		for _, s := range slugs {
			delete(m.docs, s)
		}
	})
}

func (m *memEngine) Reindex(_ context.Context, docs []Document) error {
	return m.write(func() {
		m.docs = map[string]Document{}
		for _, d := range docs {
			m.docs[d.Slug] = d
		}
	})
}

func (m *memEngine) Revisions(context.Context) (map[string]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int64{}
	for s, d := range m.docs {
		out[s] = d.Revision
	}
	return out, nil
}

// fixture is a registry on a test database with an owner account.
type fixture struct {
	st  *store.Store
	reg *registry.Service
	u   auth.User
}

func newFixture(t *testing.T, st *store.Store) fixture {
	t.Helper()
	u, err := st.CreateUser(context.Background(), store.NewUser{Email: "owner@example.org", Name: "Owner", Role: "participant", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{st: st, reg: registry.New(st, false), u: auth.User{ID: u.ID, Role: auth.RoleParticipant}}
}

func manifestJSON(slug, version string) []byte {
	return fmt.Appendf(nil, `{"slug":%q,"name":"Tool %s","version":%q,"summary":"About %s","categories":["research"],
		"languages":["fr"],"tags":["t-%s"],"license":"MIT","repository":"https://example.org/%s",
		"maintainers":[{"name":"A","email":"a@example.org"}],"runtime":{"type":"none"}}`, slug, slug, version, slug, slug, slug)
}

func (f fixture) publish(t *testing.T, slug string) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.reg.Create(ctx, f.u, manifestJSON(slug, "1.0.0")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Publish(ctx, f.u, slug); err != nil {
		t.Fatal(err)
	}
}

func quietRelay(st *store.Store, e Engine) *Relay {
	return NewRelay(st, e, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// drainAll runs passes until the outbox holds nothing due.
func drainAll(t *testing.T, r *Relay) {
	t.Helper()
	for range 100 {
		n, err := r.Drain(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the outbox never drained")
}

func converged(t *testing.T, st *store.Store, e Engine) {
	t.Helper()
	d, err := Check(context.Background(), st, e)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Clean() {
		t.Fatalf("index differs from the database: %+v", d)
	}
	if lag, _ := st.IndexLag(context.Background()); lag.Pending != 0 {
		t.Fatalf("%d plugins still wait for the index", lag.Pending)
	}
}

func TestRelayFollowsEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f, e := newFixture(t, st), newMemEngine()
		r := quietRelay(st, e)
		f.publish(t, "alpha")
		f.publish(t, "beta")
		if _, err := f.reg.Create(ctx, f.u, manifestJSON("draft-only", "1.0.0")); err != nil {
			t.Fatal(err)
		}
		drainAll(t, r)
		converged(t, st, e)
		if _, ok := e.docs["draft-only"]; ok {
			t.Fatal("a draft was indexed")
		}
		if d := e.docs["alpha"]; d.Name != "Tool alpha" || !slices.Equal(d.Tags, []string{"t-alpha"}) || d.License != "MIT" {
			t.Fatalf("indexed document %+v", d)
		}

		// A new version, a yank back to it, a takedown: each reaches the index.
		if _, err := f.reg.AddVersion(ctx, f.u, "alpha", manifestJSON("alpha", "2.0.0")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.reg.Yank(ctx, f.u, "alpha", "1.0.0"); err != nil {
			t.Fatal(err)
		}
		if err := f.reg.Remove(ctx, f.u, "beta", ""); err != nil {
			t.Fatal(err)
		}
		drainAll(t, r)
		converged(t, st, e)
		if _, ok := e.docs["beta"]; ok {
			t.Fatal("a removed plugin stayed in the index")
		}
		if _, err := f.reg.Yank(ctx, f.u, "alpha", "2.0.0"); err != nil {
			t.Fatal(err)
		}
		drainAll(t, r)
		converged(t, st, e)
		if _, ok := e.docs["alpha"]; ok {
			t.Fatal("a plugin whose every version is yanked stayed in the index")
		}
	})
}

func TestRelayRetriesWithoutLosingAnything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f, e := newFixture(t, st), newMemEngine()
		r := quietRelay(st, e)
		e.fail = fmt.Errorf("%w: connection refused", ErrUnavailable)
		f.publish(t, "alpha")
		clock := time.Now()
		r.now = func() time.Time { return clock }
		if _, err := r.Drain(ctx); err == nil {
			t.Fatal("Drain reported success while the engine failed")
		}
		lag, _ := st.IndexLag(ctx)
		if lag.Pending != 1 || lag.LastError == "" {
			t.Fatalf("lag after a failure: %+v", lag)
		}
		// Not retried before its backoff.
		if n, err := r.Drain(ctx); n != 0 || err != nil {
			t.Fatalf("retried at once: %d, %v", n, err)
		}
		// More changes while the engine is down are kept, coalesced.
		for i := 2; i <= 5; i++ {
			if _, err := f.reg.AddVersion(ctx, f.u, "alpha", manifestJSON("alpha", fmt.Sprintf("%d.0.0", i))); err != nil {
				t.Fatal(err)
			}
		}
		e.fail = nil
		clock = clock.Add(time.Minute)
		drainAll(t, r)
		converged(t, st, e)
		if e.docs["alpha"].Revision == 0 || e.upserts["alpha"] != 1 {
			t.Fatalf("after recovery: %+v, %d upserts (want the coalesced one)", e.docs["alpha"], e.upserts["alpha"])
		}
	})
}

func TestRelayKeepsChangesMadeDuringAPass(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f, e := newFixture(t, st), newMemEngine()
		r := quietRelay(st, e)
		f.publish(t, "alpha")
		e.onWrite = func() {
			if _, err := f.reg.AddVersion(ctx, f.u, "alpha", manifestJSON("alpha", "9.0.0")); err != nil {
				t.Error(err)
			}
		}
		if _, err := r.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if lag, _ := st.IndexLag(ctx); lag.Pending != 1 {
			t.Fatalf("a change made during the pass was dropped: %+v", lag)
		}
		drainAll(t, r)
		converged(t, st, e)
	})
}

func TestTwoRelaysShareTheWork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, e := newFixture(t, st), newMemEngine()
		for i := range 60 {
			f.publish(t, fmt.Sprintf("p%02d", i))
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for range 2 {
			r := quietRelay(st, e)
			r.batch = 7
			wg.Go(func() { r.Run(ctx) })
		}
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			if lag, _ := st.IndexLag(context.Background()); lag.Pending == 0 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		wg.Wait()
		converged(t, st, e)
		e.mu.Lock()
		defer e.mu.Unlock()
		if got := slices.Sorted(maps.Keys(e.upserts)); len(got) != 60 {
			t.Fatalf("%d plugins indexed, want 60", len(got))
		}
	})
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	for attempts, limit := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 40: 30 * time.Second} {
		for range 20 {
			if d := backoff(attempts); d < limit/4 || d > limit {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", attempts, d, limit/4, limit)
			}
		}
	}
}
