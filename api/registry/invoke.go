package registry

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/remote"
)

// Invocation is the answer of a plugin.
type Invocation struct {
	Output   json.RawMessage
	Plugin   string
	Version  string
	Duration time.Duration
}

// InvokeOptions tune invocations.
type InvokeOptions struct {
	Rate    ratelimit.Rate        // invocations allowed per client (account, token or address); zero allows all
	Metrics prometheus.Registerer // where per-plugin call, error and latency metrics go; nil keeps none
	Logger  *slog.Logger          // where refused endpoints are reported; nil reports nothing
	// Runtimes adds runtimes by runtime.type, or replaces those of the
	// same type, to the two every registry has: builtin and http.
	Runtimes map[string]plugins.Loader
}

// invoker is the runtime side of the registry: the runtimes, compiled
// schemas, the rate limit and the metrics.
type invoker struct {
	runtimes map[string]plugins.Loader // by runtime.type
	limit    *ratelimit.Limiter
	calls    *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	log      *slog.Logger

	statuses statuses // what each plugin's runtime last did, as written

	mu      sync.RWMutex
	schemas map[string]*compiled            // by slug@version: versions are immutable
	plugins map[string]cached[store.Plugin] // published plugins by slug
	secrets map[int64]cached[string]        // signing secrets by plugin id
}

// cached is a value read from the database, kept for a moment: the most
// invoked plugins then cost no query. Changes made through this process
// are seen at once; those made by other replicas within cacheFor.
type cached[T any] struct {
	v  T
	at time.Time
}

// cacheFor is how long a cached plugin or secret is trusted.
const cacheFor = 2 * time.Second

func lookup[K comparable, T any](inv *invoker, m map[K]cached[T], k K) (T, bool) {
	inv.mu.RLock()
	c, ok := m[k]
	inv.mu.RUnlock()
	if !ok || time.Since(c.at) > cacheFor {
		var zero T
		return zero, false
	}
	return c.v, true
}

func keep[K comparable, T any](inv *invoker, m map[K]cached[T], k K, v T) {
	inv.mu.Lock()
	if len(m) >= maxCompiled {
		clear(m)
	}
	m[k] = cached[T]{v: v, at: time.Now()}
	inv.mu.Unlock()
}

// forgetSecret drops a cached signing secret.
func (inv *invoker) forgetSecret(pluginID int64) {
	inv.mu.Lock()
	delete(inv.secrets, pluginID)
	inv.mu.Unlock()
}

// forget drops what is cached about a plugin that is changing.
func (inv *invoker) forget(slug string) {
	inv.mu.Lock()
	if p, ok := inv.plugins[slug]; ok {
		delete(inv.secrets, p.v.ID)
	}
	delete(inv.plugins, slug)
	inv.mu.Unlock()
}

type compiled struct {
	manifest *plugins.Manifest
	input    *plugins.Schema
	output   *plugins.Schema

	mu    sync.RWMutex
	valid map[[sha256.Size]byte]struct{} // digests of outputs found valid
}

// maxValidOutputs bounds the outputs remembered per plugin version.
const maxValidOutputs = 1024

// checkOutput validates an output against the output schema. Plugins
// often give the same answer again (the advice for a country, the
// channels of a platform): an output already found valid is recognised by
// its SHA-256, which a plugin cannot forge, and not walked again.
func (c *compiled) checkOutput(out json.RawMessage) []plugins.Problem {
	sum := sha256.Sum256(out)
	c.mu.RLock()
	_, known := c.valid[sum]
	c.mu.RUnlock()
	if known {
		return nil
	}
	problems := c.output.Validate(out, "output")
	if len(problems) == 0 {
		c.mu.Lock()
		if len(c.valid) >= maxValidOutputs {
			clear(c.valid)
		}
		c.valid[sum] = struct{}{}
		c.mu.Unlock()
	}
	return problems
}

// maxCompiled bounds the schema cache.
const maxCompiled = 4096

func newInvoker(runtimes map[string]plugins.Loader) *invoker {
	return &invoker{
		runtimes: runtimes,
		limit:    ratelimit.New(ratelimit.Rate{}, nil),
		log:      slog.New(slog.DiscardHandler),
		schemas:  map[string]*compiled{},
		plugins:  map[string]cached[store.Plugin]{},
		secrets:  map[int64]cached[string]{},
		statuses: statuses{seen: map[int64]*seenStatus{}},
	}
}

// SetInvokeOptions configures invocations. Call it once, before serving.
func (s *Service) SetInvokeOptions(o InvokeOptions) error {
	s.inv.limit = ratelimit.New(o.Rate, nil)
	maps.Copy(s.inv.runtimes, o.Runtimes)
	if o.Logger != nil {
		s.inv.log = o.Logger
	}
	if o.Metrics == nil {
		return nil
	}
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "riposte_plugin_invocations_total",
		Help: "Plugin invocations by plugin and outcome (ok, invalid_input, error, timeout, unavailable, busy).",
	}, []string{"plugin", "outcome"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "riposte_plugin_invocation_duration_seconds",
		Help:    "Time plugins took to answer, by plugin.",
		Buckets: []float64{.001, .005, .025, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"plugin"})
	for _, c := range []prometheus.Collector{calls, latency} {
		if err := o.Metrics.Register(c); err != nil {
			return fmt.Errorf("plugin metrics: %w", err)
		}
	}
	s.inv.calls, s.inv.latency = calls, latency
	return nil
}

// Invoke runs a plugin the caller may see on input and returns its
// output. client identifies an anonymous caller (their address) for the
// rate limit. Errors: store.ErrNotFound; store.ErrConflict when the plugin
// cannot be run (a catalogue entry, removed, no signing secret yet);
// valid.Errors when the input does not match the input schema or the
// plugin refuses it; *auth.RateLimitError; plugins.ErrBusy when its
// runtime has no room to run it now; ErrPluginTimeout,
// ErrPluginUnavailable or ErrPluginMisbehaved when the plugin fails, which
// its owner can then read (see RuntimeStatus). Inputs and outputs are
// never stored or logged.
func (s *Service) Invoke(ctx context.Context, u auth.User, client, slug string, input json.RawMessage) (Invocation, error) {
	if ok, wait := s.inv.limit.Allow(rateKey(u, client)); !ok {
		return Invocation{}, &auth.RateLimitError{RetryAfter: max(wait, time.Second)}
	}
	p, err := s.runnable(ctx, u, slug)
	if err != nil {
		return Invocation{}, err
	}
	c, err := s.inv.compiledFor(p)
	if err != nil {
		return Invocation{}, err
	}
	if len(input) == 0 {
		input = json.RawMessage("null")
	}
	if problems := c.input.Validate(input, "input"); len(problems) > 0 {
		s.inv.observe(p.Slug, "invalid_input", 0)
		return Invocation{}, problemsError(problems)
	}
	start := time.Now()
	out, err := s.run(ctx, p, c.manifest, input)
	took := time.Since(start)
	if err == nil {
		if problems := c.checkOutput(out); len(problems) > 0 {
			err = failed(fmt.Errorf("output does not match the output schema: %s %s", problems[0].Path, problems[0].Message))
		}
	}
	s.inv.observe(p.Slug, outcome(err), took)
	s.recordRuntime(ctx, p, err)
	if err != nil {
		return Invocation{}, err
	}
	return Invocation{Output: out, Plugin: p.Slug, Version: c.manifest.Version, Duration: took}, nil
}

// runnable returns the plugin to invoke: a published one from the cache
// when it can, otherwise whatever the caller may see.
func (s *Service) runnable(ctx context.Context, u auth.User, slug string) (store.Plugin, error) {
	if p, ok := lookup(s.inv, s.inv.plugins, slug); ok {
		return p, nil
	}
	p, err := s.Get(ctx, u, slug)
	if err == nil && p.Status == store.StatusPublished && p.Access != plugins.AccessVetted { // a restricted one is checked every time
		keep(s.inv, s.inv.plugins, slug, p)
	}
	return p, err
}

// secret returns an http plugin's signing secret, for the http runtime.
// A plugin without one cannot be called yet: store.ErrConflict.
func (s *Service) secret(ctx context.Context, pluginID int64) (string, error) {
	if v, ok := lookup(s.inv, s.inv.secrets, pluginID); ok {
		return v, nil
	}
	v, err := s.store.PluginSecret(ctx, pluginID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", fmt.Errorf("%w: the plugin cannot be called yet: its owner has not created its signing secret", store.ErrConflict)
	case err == nil:
		keep(s.inv, s.inv.secrets, pluginID, v)
	}
	return v, err
}

func rateKey(u auth.User, client string) string {
	switch {
	case u.TokenID != 0:
		return "token:" + strconv.FormatInt(u.TokenID, 10)
	case u.ID != 0:
		return "user:" + strconv.FormatInt(u.ID, 10)
	}
	return "addr:" + client
}

// run invokes the plugin with the runtime its manifest names, within the
// manifest's timeout.
func (s *Service) run(ctx context.Context, p store.Plugin, m *plugins.Manifest, input json.RawMessage) (json.RawMessage, error) {
	rt, ok := s.inv.runtimes[m.Runtime.Type]
	if !ok {
		return nil, failed(plugins.Fault(plugins.ErrUnavailable, fmt.Errorf("this server has no %s runtime", m.Runtime.Type)))
	}
	pl, err := rt.Load(ctx, plugins.Target{ID: p.ID, Manifest: m})
	if err != nil {
		if _, ok := kindOf(err); ok {
			return nil, failed(err)
		}
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, time.Duration(m.Runtime.Timeout())*time.Millisecond)
	defer cancel()
	out, err := pl.Invoke(rctx, input)
	return out, invokeError(ctx, rctx, err)
}

// invokeError turns what a plugin's Invoke returned into what the caller
// gets: an input error names the field; a timeout the runtime reported
// prevails; a caller who has gone gets their context's error; and the
// other failures are the plugin's, a timeout when they came after its
// deadline.
func invokeError(ctx, rctx context.Context, err error) error {
	var inputErr *plugins.InputError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &inputErr):
		field := inputErr.Path
		if field == "" {
			field = "input"
		}
		return valid.Errors{{Field: field, Message: inputErr.Message}}
	case errors.Is(err, plugins.ErrTimeout):
		return failed(err)
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, plugins.ErrBusy):
		return err // the server's condition, not the plugin's
	}
	if _, marked := kindOf(err); !marked && rctx.Err() != nil {
		return &fault{err: ErrPluginTimeout, state: store.RuntimeTimeout, cause: err}
	}
	return failed(err)
}

func problemsError(ps []plugins.Problem) valid.Errors {
	out := make(valid.Errors, len(ps))
	for i, p := range ps {
		out[i] = valid.Problem{Field: p.Path, Message: p.Message}
	}
	return out
}

func outcome(err error) string {
	var invalid valid.Errors
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &invalid):
		return "invalid_input"
	case errors.Is(err, ErrPluginTimeout):
		return "timeout"
	case errors.Is(err, ErrPluginUnavailable), errors.Is(err, store.ErrConflict):
		return "unavailable"
	case errors.Is(err, plugins.ErrBusy):
		return "busy"
	}
	return "error"
}

func (inv *invoker) observe(slug, outcome string, took time.Duration) {
	if inv.calls == nil {
		return
	}
	inv.calls.WithLabelValues(slug, outcome).Inc()
	if outcome != "invalid_input" {
		inv.latency.WithLabelValues(slug).Observe(took.Seconds())
	}
}

// compiledFor returns the plugin's latest manifest with its schemas
// compiled, from the cache when it can.
func (inv *invoker) compiledFor(p store.Plugin) (*compiled, error) {
	if p.Status == store.StatusRemoved {
		return nil, fmt.Errorf("%w: the plugin was removed", store.ErrConflict)
	}
	if p.LatestVersion == nil || !plugins.Runnable(p.Runtime) {
		return nil, fmt.Errorf("%w: this plugin is a catalogue entry; it has nothing to run", store.ErrConflict)
	}
	key := p.Slug + "@" + *p.LatestVersion
	inv.mu.RLock()
	c := inv.schemas[key]
	inv.mu.RUnlock()
	if c != nil {
		return c, nil
	}
	var m plugins.Manifest
	if err := json.Unmarshal(p.Manifest, &m); err != nil {
		return nil, fmt.Errorf("stored manifest of %s: %w", key, err)
	}
	in, err := plugins.CompileSchema(m.InputSchema)
	if err != nil {
		return nil, fmt.Errorf("input schema of %s: %w", key, err)
	}
	out, err := plugins.CompileSchema(m.OutputSchema)
	if err != nil {
		return nil, fmt.Errorf("output schema of %s: %w", key, err)
	}
	c = &compiled{manifest: &m, input: in, output: out, valid: map[[sha256.Size]byte]struct{}{}}
	inv.mu.Lock()
	if len(inv.schemas) >= maxCompiled {
		clear(inv.schemas)
	}
	inv.schemas[key] = c
	inv.mu.Unlock()
	return c, nil
}

// RotateSecret gives an http plugin a new signing secret and returns it;
// the previous one stops working at once. Only the owner may.
func (s *Service) RotateSecret(ctx context.Context, u auth.User, slug string) (string, error) {
	defer s.inv.forget(slug)
	var (
		secret   string
		pluginID int64
	)
	defer func() { s.inv.forgetSecret(pluginID) }()
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPlugin(ctx, slug)
		if err != nil {
			return err
		}
		if _, err := check(ctx, tx, p, u, owner, "rotate its signing secret"); err != nil {
			return err
		}
		if p.Runtime != plugins.RuntimeHTTP {
			return fmt.Errorf("%w: only http plugins have a signing secret", store.ErrConflict)
		}
		pluginID = p.ID
		if secret, err = remote.NewSecret(); err != nil {
			return err
		}
		if err := tx.SetPluginSecret(ctx, p.ID, secret); err != nil {
			return err
		}
		return audit(ctx, tx, u, "plugin.secret.rotate", p.Slug, nil)
	})
	return secret, err
}
