package registry

import (
	"context"
	"errors"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
)

// How often what a plugin's runtime did is written, and a refusal logged.
const (
	// statusEvery spaces the writes of one plugin's status, except the
	// first failure after a success, which is written at once.
	statusEvery = time.Second
	// statusRefresh is how often an unchanged status is written again,
	// so that its time stays recent and a replica's view prevails over a
	// stale one.
	statusRefresh = time.Minute
	// warnEvery is how often a plugin's refusals are logged.
	warnEvery = time.Minute
	// maxReason bounds a recorded reason, in bytes.
	maxReason = 500
)

// statuses remembers, for each plugin, what this process last wrote of its
// runtime status and when it last logged a refusal, so that successful
// invocations cost no database write.
type statuses struct {
	mu   sync.Mutex
	seen map[int64]*seenStatus
}

type seenStatus struct {
	state   string    // last written
	written time.Time // when
	warned  time.Time // when a refusal was last logged
}

// note takes in an outcome of plugin id at time t and reports whether to
// write it and whether to log it.
func (s *statuses) note(id int64, state string, t time.Time) (write, warn bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := s.seen[id]
	if seen == nil {
		if len(s.seen) >= maxCompiled {
			clear(s.seen)
		}
		seen = &seenStatus{}
		s.seen[id] = seen
	}
	elapsed := t.Sub(seen.written)
	switch {
	case seen.state == "", seen.state == store.RuntimeOK && state != store.RuntimeOK:
		write = true
	case elapsed < statusEvery:
	case state != seen.state, elapsed >= statusRefresh:
		write = true
	}
	if write {
		seen.state, seen.written = state, t
	}
	if state == store.RuntimeRefused && t.Sub(seen.warned) >= warnEvery {
		warn, seen.warned = true, t
	}
	return write, warn
}

// Errors of a plugin that failed to answer properly. Their messages are
// safe to show to the caller; what the plugin did follows in the error's
// text, for the operator's log, and is recorded for its owner (see
// RuntimeStatus).
var (
	ErrPluginTimeout     = errors.New("the plugin did not answer in time")
	ErrPluginUnavailable = errors.New("this plugin is not available on this server")
	ErrPluginMisbehaved  = errors.New("the plugin did not answer properly")
)

// faultKinds maps how a runtime says a plugin failed to what the caller is
// told and the runtime state recorded.
var faultKinds = []struct {
	kind  error // plugins.ErrTimeout…, as marked by plugins.Fault
	err   error // ErrPluginTimeout…
	state string
}{
	{plugins.ErrTimeout, ErrPluginTimeout, store.RuntimeTimeout},
	{plugins.ErrUnavailable, ErrPluginUnavailable, store.RuntimeUnavailable},
	{plugins.ErrRefused, ErrPluginMisbehaved, store.RuntimeRefused},
	{plugins.ErrMisbehaved, ErrPluginMisbehaved, store.RuntimeMisbehaved},
}

// fault is a plugin's failure: err for the caller, state and cause for its
// owner.
type fault struct {
	err   error // ErrPluginTimeout, ErrPluginUnavailable or ErrPluginMisbehaved
	state string
	cause error
}

func (f *fault) Error() string { return f.err.Error() + ": " + f.cause.Error() }

// Unwrap returns the sentinel and the cause.
func (f *fault) Unwrap() []error { return []error{f.err, f.cause} }

// kindOf returns the index in faultKinds of the kind a runtime marked err
// with.
func kindOf(err error) (int, bool) {
	for i, k := range faultKinds {
		if errors.Is(err, k.kind) {
			return i, true
		}
	}
	return 0, false
}

// failed is the plugin's failure cause: of the kind the runtime marked it
// with, misbehaving when unmarked.
func failed(cause error) *fault {
	i, ok := kindOf(cause)
	if !ok {
		i = len(faultKinds) - 1
	}
	return &fault{err: faultKinds[i].err, state: faultKinds[i].state, cause: cause}
}

// Failure returns what the caller of a failed invocation is told:
// ErrPluginTimeout, ErrPluginUnavailable or ErrPluginMisbehaved, whose
// message is safe to show; nil when err is not a plugin's failure.
func Failure(err error) error {
	var f *fault
	if errors.As(err, &f) {
		return f.err
	}
	return nil
}

// runtimeStatus says what an invocation's error tells about the plugin's
// runtime: ok, or why it failed. ok is false for errors that do not come
// from the runtime, such as an invalid input or a removed plugin.
func runtimeStatus(err error, t time.Time) (store.RuntimeStatus, bool) {
	var f *fault
	st := store.RuntimeStatus{State: store.RuntimeOK, At: t}
	switch {
	case err == nil:
		return st, true
	case !errors.As(err, &f):
		return st, false
	}
	st.State, st.Reason = f.state, truncate(f.cause.Error(), maxReason)
	return st, true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// recordRuntime keeps what an invocation of p tells about its runtime, for
// its owner, and logs refusals for the operator, at most once a minute per
// plugin.
func (s *Service) recordRuntime(ctx context.Context, p store.Plugin, err error) {
	st, ok := runtimeStatus(err, time.Now())
	if !ok {
		return
	}
	write, warn := s.inv.statuses.note(p.ID, st.State, st.At)
	if warn {
		s.inv.log.WarnContext(ctx, "plugin endpoint refused", "plugin", p.Slug, "reason", st.Reason)
	}
	if !write {
		return
	}
	if err := s.store.SetRuntimeStatus(context.WithoutCancel(ctx), p.ID, st); err != nil {
		s.inv.log.WarnContext(ctx, "recording a plugin's runtime status failed", "plugin", p.Slug, "error", err)
	}
}

// RuntimeStatus returns what a plugin's runtime last did — ok, or the
// last failure and why — for the plugin's owner, its collaborators (and
// its organisation's members) and organizers; ok is false for anyone else, or when nothing is recorded.
// Each process writes a change of state at once (a failure after a
// success) or within a second, and an unchanged state once a minute.
func (s *Service) RuntimeStatus(ctx context.Context, u auth.User, p store.Plugin) (st store.RuntimeStatus, ok bool, err error) {
	if u.ID == 0 {
		return st, false, nil
	}
	if !u.Is(auth.RoleOrganizer) {
		if rel, err := relationTo(ctx, s.store, p, u); rel < collaborator || err != nil {
			return st, false, err
		}
	}
	st, err = s.store.RuntimeStatus(ctx, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return st, false, nil
	}
	return st, err == nil, err
}
