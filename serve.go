package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/web"
	"github.com/riposte-civic/riposte/plugins"
)

const (
	accessTokenTTL = 15 * time.Minute
	// drainDelay lets load balancers see /readyz fail before the listener
	// closes. A single development process has nobody to tell.
	drainDelay      = 5 * time.Second
	shutdownTimeout = 25 * time.Second
)

// newLogger returns the server's logger, writing through a buffer; close
// the writer to flush it.
func newLogger(cfg config, w io.Writer) (*slog.Logger, *logWriter) {
	lw := newLogWriter(w)
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(lw, opts)
	if cfg.Production {
		h = slog.NewJSONHandler(lw, opts)
	}
	return slog.New(flushOnError{h, lw}), lw
}

func newAuthService(st *store.Store, tokens *auth.Tokens) *auth.Service {
	return auth.NewService(st, auth.NewHasher(auth.OWASPParams(), runtime.NumCPU()), tokens, auth.DefaultLimits(), nil)
}

// signingSecret returns the configured secret or, in development, the one
// kept in the data directory, creating it on first use.
func signingSecret(cfg config) ([]byte, error) {
	if len(cfg.JWTSecret) > 0 {
		return cfg.JWTSecret, nil
	}
	path := filepath.Join(cfg.DataDir, "jwt-secret")
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= auth.MinSecretLen {
		return b, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	secret := []byte(hex.EncodeToString(raw))
	if err := os.WriteFile(path, secret, 0o600); err != nil {
		return nil, fmt.Errorf("keep development signing secret: %w", err)
	}
	return secret, nil
}

func newServeCommand(getenv func(string) string) *cobra.Command {
	c := &cobra.Command{
		Use:   "serve",
		Short: "run the platform (the default)",
		Args:  noArgs("serve takes no arguments"),
	}
	flags := addConfigFlags(c.Flags())
	c.RunE = func(c *cobra.Command, _ []string) error { return serveCommand(c, flags, getenv) }
	return c
}

// serveCommand runs `riposte serve`, or `riposte` alone.
func serveCommand(c *cobra.Command, flags configFlags, getenv func(string) string) error {
	cfg, err := flags.load(getenv)
	if err != nil {
		return err
	}
	return runServe(c.Context(), cfg, c.OutOrStdout(), c.ErrOrStderr())
}

func runServe(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return err
	}
	if holdsDataDir(cfg) {
		lock, err := lockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	log, logs := newLogger(cfg, stderr)
	defer logs.Close()
	secret, err := signingSecret(cfg)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if n, err := st.Migrate(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("database migrated", "migrations", n, "dialect", st.Dialect())
	}
	tokens, err := auth.NewTokens(secret, cfg.PublicURL, accessTokenTTL, nil)
	if err != nil {
		return err
	}
	svc := newAuthService(st, tokens)
	svc.SetLogger(log)
	adminCreated, adminPassword, err := svc.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	plugReg := registry.New(st, cfg.PluginsAllowPrivate)
	if err := plugReg.SetInvokeOptions(registry.InvokeOptions{Rate: invokeRate(cfg.InvokeRate), Metrics: reg, Logger: log}); err != nil {
		return err
	}
	plugReg.SetRegistrationOptions(registry.RegistrationOptions{CreatePerHour: cfg.PluginCreateRate, Development: !cfg.Production})
	searchLimit := ratelimit.New(ratelimit.PerMinute(cfg.SearchRate), nil)
	if err := syncBuiltins(ctx, plugReg, log); err != nil {
		return err
	}
	if cfg.Seed {
		if err := seedFirstRun(ctx, st, plugReg, log); err != nil {
			return err
		}
	}
	workers, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorkers()
	engine, err := openEngine(ctx, cfg)
	if err != nil {
		return err
	}
	defer engine.Close()
	searchSvc := search.NewService(workers, engine, st, log)
	hk := hackathons.New(st, nil)
	pages, err := web.New(web.Deps{Logger: log, Auth: svc, Registry: plugReg, Search: searchSvc, Hackathons: hk,
		Users: st, SecureCookies: cfg.Production, SearchLimit: searchLimit})
	if err != nil {
		return err
	}
	srv, err := api.New(api.Deps{
		Logger: log, Store: st, Auth: svc, Metrics: reg, Registry: plugReg, Search: searchSvc,
		Hackathons:     hk,
		SearchLimit:    searchLimit,
		TrustedProxies: cfg.TrustedProxies, CORSOrigins: cfg.CORSOrigins, Production: cfg.Production, Web: pages,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	httpSrv := api.HTTPServer(cfg.Addr, srv, log)

	var wg sync.WaitGroup
	wg.Go(func() { pruneSessions(workers, st, log) })
	wg.Go(func() { search.NewRelay(st, engine, log).Run(workers) })
	wg.Go(func() { searchSvc.Watch(workers) })

	printWelcome(stdout, cfg, ln.Addr(), adminCreated, adminPassword)
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()

	select {
	case err := <-served:
		stopWorkers()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests")
	srv.Drain()
	if cfg.Production {
		time.Sleep(drainDelay)
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err = httpSrv.Shutdown(shutdownCtx)
	stopWorkers()
	wg.Wait()
	log.Info("stopped")
	return err
}

// invokeRate turns invocations per minute into a rate; 0 means no limit.
func invokeRate(perMinute int) ratelimit.Rate {
	if perMinute == 0 {
		return ratelimit.Rate{}
	}
	return ratelimit.Rate{Burst: perMinute, Every: time.Minute / time.Duration(perMinute)}
}

// syncBuiltins registers the compiled-in plugins, or their new versions.
func syncBuiltins(ctx context.Context, reg *registry.Service, log *slog.Logger) error {
	synced, err := reg.SyncBuiltins(ctx, plugins.Registered())
	if err != nil {
		return err
	}
	for _, r := range synced {
		switch r.Action {
		case "registered", "updated":
			log.Info("compiled-in plugin "+r.Action, "plugin", r.Slug, "version", r.Version)
		case "skipped":
			log.Warn("compiled-in plugin not registered", "plugin", r.Slug, "reason", r.Reason)
		}
	}
	return nil
}

// pruneSessions deletes ended sessions, and expired idempotency keys,
// every hour until ctx ends.
func pruneSessions(ctx context.Context, st *store.Store, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		// Keep a week of ended sessions, for inspection after an incident.
		if n, err := st.PruneSessions(ctx, time.Now().Add(-7*24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Warn("pruning sessions failed", "error", err)
		} else if n > 0 {
			log.Info("pruned ended sessions", "sessions", n)
		}
		if _, err := st.PruneIdempotencyKeys(ctx, time.Now().Add(-registry.IdempotencyTTL)); err != nil && ctx.Err() == nil {
			log.Warn("pruning idempotency keys failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// printWelcome tells the person who started the server where to go.
func printWelcome(w io.Writer, cfg config, addr net.Addr, adminCreated bool, adminPassword string) {
	base := cfg.PublicURL
	if _, port, _ := net.SplitHostPort(cfg.Addr); port == "0" {
		base = "http://" + addr.String()
	}
	fmt.Fprintf(w, "Riposte is running on %s (%s)\n", addr, map[bool]string{true: "production", false: "development"}[cfg.Production])
	if ap, err := netip.ParseAddrPort(addr.String()); err == nil && ap.Addr().IsLoopback() {
		fmt.Fprintf(w, "  Reachable from this machine only; RIPOSTE_ADDR=:%d listens on every interface.\n", ap.Port())
	}
	fmt.Fprintf(w, "  Catalogue:   %s/  (search API: %s/api/v1/search?q=rumeurs)\n", base, base)
	fmt.Fprintf(w, "  API:         %s/api/v1\n", base)
	fmt.Fprintf(w, "  Swagger UI:  %s/swagger/index.html\n", base)
	switch {
	case adminCreated && adminPassword != "":
		fmt.Fprintf(w, "  Sign in as %s with password %s (shown once: keep it now)\n", cfg.AdminEmail, adminPassword)
	case adminCreated:
		fmt.Fprintf(w, "  Sign in as %s with the password in RIPOSTE_ADMIN_PASSWORD\n", cfg.AdminEmail)
	default:
		fmt.Fprintf(w, "  Sign in with your account: POST %s/api/v1/auth/login\n", base)
	}
}

// meiliIndex is the Meilisearch index Riposte keeps its plugins in.
const meiliIndex = "plugins"

// openEngine returns the search engine the configuration asks for.
// Meilisearch is set up on first use, so that a server started while it is
// down still serves (searching the database) and catches up once it is up.
// Opening the embedded index, which may take a while on a large one, ends
// early with ctx.
func openEngine(ctx context.Context, cfg config) (search.Engine, error) {
	if cfg.MeiliURL != "" {
		return search.NewDeferred("meilisearch", func(ctx context.Context) (search.Engine, error) {
			return search.NewMeili(ctx, cfg.MeiliURL, cfg.MeiliKey, meiliIndex)
		}), nil
	}
	type opened struct {
		e   search.Engine
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		e, err := search.NewBleve(filepath.Join(cfg.DataDir, "search"))
		ch <- opened{e, err}
	}()
	select {
	case o := <-ch:
		return o.e, o.err
	case <-ctx.Done():
		go func() { // close the index if it opens after all
			if o := <-ch; o.err == nil {
				o.e.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// holdsDataDir says whether a server with this configuration keeps state
// in its data directory that only one process may use at a time: the
// embedded search index, or an SQLite database.
func holdsDataDir(cfg config) bool {
	return cfg.MeiliURL == "" || isSQLite(cfg.DatabaseURL)
}

// isSQLite says whether a database URL is an SQLite database's.
func isSQLite(databaseURL string) bool {
	return !strings.HasPrefix(databaseURL, "postgres://") && !strings.HasPrefix(databaseURL, "postgresql://")
}
