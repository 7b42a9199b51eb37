package auth

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/watch"
)

// Session checks. Each process keeps a view of the sessions its callers
// use, with their accounts, re-read from the database every
// SessionRefresh; an entry older than SessionMaxAge is not trusted and the
// request reads the database. So a sign-out, a revoked session, a disabled
// account or a changed role made on another replica counts on this one
// within SessionMaxAge; made through this process, from the next request.
const (
	SessionMaxAge  = 2 * time.Second
	SessionRefresh = time.Second
	// sessionIdle is how long an unused session stays in the view.
	sessionIdle = 5 * time.Minute
	// maxViewedSessions bounds the view; beyond it, sessions are read on
	// every request until the refresh makes room.
	maxViewedSessions = 100_000
)

// sessionView is a process's view of active sessions.
type sessionView struct {
	store  *store.Store
	maxAge time.Duration
	now    func() time.Time // the view's clock, for the age of entries

	mu      sync.RWMutex
	entries map[string]*sessionEntry
	gen     uint64 // counts local changes; a read that spans one is not kept
}

// sessionEntry is a session as the database said at readAt.
type sessionEntry struct {
	sess     store.ActiveSession
	readAt   time.Time
	lastUsed atomic.Int64 // unix nanoseconds, by the view's clock
}

func newSessionView(st *store.Store, maxAge time.Duration, now func() time.Time) *sessionView {
	return &sessionView{store: st, maxAge: maxAge, now: now, entries: map[string]*sessionEntry{}}
}

// user returns the account of session id for user userID, if the session
// is active at at: from the view when its entry is recent enough,
// otherwise from the database (and keeps it).
func (v *sessionView) user(ctx context.Context, id string, userID int64, at time.Time) (store.User, error) {
	t := v.now()
	v.mu.RLock()
	e, gen := v.entries[id], v.gen
	v.mu.RUnlock()
	if e != nil && v.fresh(e, t) && at.Before(e.sess.ExpiresAt) {
		if e.sess.User.ID != userID {
			return store.User{}, store.ErrNotFound
		}
		e.lastUsed.Store(t.UnixNano())
		return e.sess.User, nil
	}
	sess, err := v.store.ActiveSession(ctx, id, at)
	if err != nil {
		return store.User{}, err
	}
	e = &sessionEntry{sess: sess, readAt: t}
	e.lastUsed.Store(t.UnixNano())
	v.mu.Lock()
	if v.gen == gen && len(v.entries) < maxViewedSessions {
		v.entries[id] = e
	}
	v.mu.Unlock()
	if sess.User.ID != userID {
		return store.User{}, store.ErrNotFound
	}
	return sess.User, nil
}

// fresh reports whether an entry read at readAt may still be trusted.
func (v *sessionView) fresh(e *sessionEntry, t time.Time) bool {
	age := t.Sub(e.readAt)
	return age >= 0 && age <= v.maxAge
}

// forget drops the whole view after a change made through this process,
// and keeps reads in flight from bringing back what they read before it.
func (v *sessionView) forget() {
	if v == nil {
		return
	}
	v.mu.Lock()
	v.gen++
	clear(v.entries)
	v.mu.Unlock()
}

// refresh re-reads every session used in the last sessionIdle, and drops
// the others and those no longer active.
func (v *sessionView) refresh(ctx context.Context, at time.Time) error {
	t := v.now()
	v.mu.RLock()
	gen := v.gen
	ids := make([]string, 0, len(v.entries))
	for id := range v.entries {
		ids = append(ids, id)
	}
	v.mu.RUnlock()
	active, err := v.store.ActiveSessions(ctx, ids, at)
	if err != nil {
		return err // entries age and requests read the database meanwhile
	}
	byID := make(map[string]store.ActiveSession, len(active))
	for _, a := range active {
		byID[a.ID] = a
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.gen != gen {
		return nil // a local change came in between: the view was dropped
	}
	for _, id := range ids {
		e, ok := v.entries[id]
		if !ok {
			continue
		}
		a, active := byID[id]
		if !active || t.Sub(time.Unix(0, e.lastUsed.Load())) > sessionIdle {
			delete(v.entries, id)
			continue
		}
		fresh := &sessionEntry{sess: a, readAt: t}
		fresh.lastUsed.Store(e.lastUsed.Load())
		v.entries[id] = fresh
	}
	return nil
}

// CacheSessions makes Authenticate check access tokens' sessions against
// a per-process view refreshed by WatchSessions (see SessionMaxAge),
// instead of a query per request. now is the view's clock; nil means
// time.Now. Call it once, before serving.
func (s *Service) CacheSessions(maxAge time.Duration, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.sessions = newSessionView(s.store, maxAge, now)
}

// RefreshSessions re-reads the sessions the view holds from the database,
// at once.
func (s *Service) RefreshSessions(ctx context.Context) error {
	if s.sessions == nil {
		return nil
	}
	return s.sessions.refresh(ctx, s.now())
}

// WatchSessions refreshes the view of sessions every interval until ctx
// ends, logging failures (requests then read the database).
func (s *Service) WatchSessions(ctx context.Context, interval time.Duration) {
	watch.Every(ctx, interval, s.RefreshSessions, s.log, "refreshing sessions", "requests check them in the database meanwhile")
}

// sessionUser returns the account behind an access token's claims.
func (s *Service) sessionUser(ctx context.Context, c Claims, at time.Time) (store.User, error) {
	if s.sessions == nil {
		return s.store.SessionUser(ctx, c.UserID, c.SessionID, at)
	}
	return s.sessions.user(ctx, c.SessionID, c.UserID, at)
}
