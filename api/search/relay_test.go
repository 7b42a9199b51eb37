package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
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

func (m *memEngine) Reindex(ctx context.Context, docs Documents) error {
	fresh := map[string]Document{}
	err := docs(ctx, func(chunk []Document) error {
		for _, d := range chunk {
			fresh[d.Slug] = d
		}
		return nil
	})
	if err != nil {
		return err
	}
	return m.write(func() { m.docs = fresh })
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
		// One change each, leased by one relay: indexed once each.
		for slug, n := range e.upserts {
			if n != 1 {
				t.Errorf("%s indexed %d times for one change", slug, n)
			}
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

// logRecord is one line a relay logged, read back from JSON; its time is
// the test's clock.
type logRecord struct {
	Time    time.Time `json:"time"`
	Msg     string    `json:"msg"`
	Pending any       `json:"pending"`
	Error   string    `json:"error"`
}

// fakeClock is a clock that moves on by step at each reading, so that a
// relay's passes take simulated time, and runs at when it reaches a time.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	step  time.Duration
	at    map[time.Time]func()
	start time.Time
}

func newFakeClock(step time.Duration) *fakeClock {
	t := time.Now()
	return &fakeClock{t: t, start: t, step: step, at: map[time.Time]func(){}}
}

// after runs fn once the clock is d past its start.
func (c *fakeClock) after(d time.Duration, fn func()) { c.at[c.start.Add(d)] = fn }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	c.t = c.t.Add(c.step)
	t := c.t
	var due []func()
	for when, fn := range c.at {
		if !t.Before(when) {
			due = append(due, fn)
			delete(c.at, when)
		}
	}
	c.mu.Unlock()
	for _, fn := range due {
		fn()
	}
	return t
}

func (c *fakeClock) peek() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// loggingRelay returns a relay on the clock whose log lines, stamped with
// the clock's time, go to buf.
func loggingRelay(st *store.Store, e Engine, c *fakeClock, buf *bytes.Buffer) *Relay {
	h := slog.NewJSONHandler(buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Time(slog.TimeKey, c.peek())
		}
		return a
	}})
	r := NewRelay(st, e, slog.New(h))
	r.now, r.idle = c.now, 0
	return r
}

func readLog(t *testing.T, buf *bytes.Buffer) []logRecord {
	t.Helper()
	var out []logRecord
	for line := range bytes.Lines(buf.Bytes()) {
		var rec logRecord
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
	return out
}

func (m *memEngine) setFail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail = err
}

func TestRelayLogsAnOutageOnceThenEveryMinute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, e := newFixture(t, st), newMemEngine()
		f.publish(t, "alpha")
		f.publish(t, "beta")
		e.setFail(fmt.Errorf("%w: connection refused", ErrUnavailable))
		// Five minutes down, then two minutes up, each pass taking a
		// simulated second or so.
		clock := newFakeClock(300 * time.Millisecond)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		clock.after(5*time.Minute, func() { e.setFail(nil) })
		clock.after(7*time.Minute, cancel)
		var buf bytes.Buffer
		loggingRelay(st, e, clock, &buf).Run(ctx)

		var down, up []logRecord
		for _, rec := range readLog(t, &buf) {
			if rec.Time.Sub(clock.start) < 5*time.Minute {
				down = append(down, rec)
			} else {
				up = append(up, rec)
			}
		}
		if len(down) < 4 || len(down) > 5 {
			t.Fatalf("%d lines in five minutes of outage, want one and a reminder a minute: %+v", len(down), down)
		}
		for i, rec := range down {
			want := "search index updates are still failing; they will be retried"
			if i == 0 {
				want = "search index updates are failing; they will be retried"
			}
			if rec.Msg != want || rec.Pending != 2.0 || !strings.Contains(rec.Error, "connection refused") {
				t.Fatalf("line %d: %+v, want %q with 2 pending and the error", i, rec, want)
			}
			if i > 0 && rec.Time.Sub(down[i-1].Time) < time.Minute {
				t.Fatalf("lines %d and %d are %v apart, less than a minute", i-1, i, rec.Time.Sub(down[i-1].Time))
			}
		}
		// Back up: one line when the next retry goes through (a reminder may
		// come first, while the retries wait for their backoff), then silence.
		last := len(up) - 1
		if last < 0 || last > 1 || up[last].Msg != "search index updates are flowing again" ||
			up[last].Time.Sub(clock.start) > 5*time.Minute+backoffCeiling+5*time.Second {
			t.Fatalf("after recovery: %+v, want one line saying updates flow again, after the next retry", up)
		}
		converged(t, st, e)
	})
}

func TestRelayEndsAnOutageThatAnotherReplicaCaughtUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f, down := newFixture(t, st), newMemEngine()
		f.publish(t, "alpha")
		down.setFail(fmt.Errorf("%w: connection refused", ErrUnavailable))
		clock := newFakeClock(time.Second)
		var buf bytes.Buffer
		r := loggingRelay(st, down, clock, &buf)
		var o outage
		r.pass(ctx, &o)
		other := quietRelay(st, newMemEngine())
		other.now = func() time.Time { return clock.peek().Add(time.Hour) }
		if n, err := other.Drain(ctx); n != 1 || err != nil {
			t.Fatalf("the other replica drained %d, %v", n, err)
		}
		for range 90 {
			r.pass(ctx, &o)
		}
		got := readLog(t, &buf)
		if len(got) != 2 || got[1].Msg != "search index updates are flowing again" || !o.since.IsZero() {
			t.Fatalf("after another replica caught up: %+v, want the outage and its end", got)
		}
	})
}
