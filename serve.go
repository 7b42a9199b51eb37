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

	"github.com/spf13/cobra"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/platform"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
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

// newHasher returns the password hasher of production: OWASP's parameters,
// as many hashes at once as there are CPUs.
func newHasher() *auth.Hasher { return auth.NewHasher(auth.OWASPParams(), runtime.NumCPU()) }

func newAuthService(st *store.Store, tokens *auth.Tokens) *auth.Service {
	return auth.NewService(st, newHasher(), tokens, auth.DefaultLimits(), nil)
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

// runServe serves the platform the configuration describes until ctx
// ends: it opens the database and the search engine, builds the platform
// over them, readies the data, then serves.
func runServe(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	release, err := holdDataDir(cfg)
	if err != nil {
		return err
	}
	defer release()
	log, logs := newLogger(cfg, stderr)
	defer logs.Close()
	secret, err := signingSecret(cfg)
	if err != nil {
		return err
	}
	st, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	engine, err := openEngine(ctx, cfg)
	if err != nil {
		return err
	}
	defer engine.Close()
	opts := platformOptions(cfg, st, engine, secret, log)
	if opts.MailSender, err = mailSender(cfg, log); err != nil {
		return err
	}
	p, err := platform.New(ctx, opts)
	if err != nil {
		return err
	}
	defer p.Close()
	admin, err := prepare(ctx, cfg, p, log)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, p, log, func(addr net.Addr) {
		logs.Flush() // what start-up did is written out before the welcome that follows it
		printWelcome(stdout, cfg, addr, admin.created, admin.password)
	})
}

// holdDataDir creates the data directory and, when the configuration
// keeps state there that one process at a time may use, holds it until
// release is called.
func holdDataDir(cfg config) (release func(), err error) {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, err
	}
	if !holdsDataDir(cfg) {
		return func() {}, nil
	}
	lock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	return func() { lock.Release() }, nil
}

// openMigrated opens the configured database and applies its pending
// migrations.
func openMigrated(ctx context.Context, cfg config, log *slog.Logger) (*store.Store, error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	n, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if n > 0 {
		log.Info("database migrated", "migrations", n, "dialect", st.Dialect())
	}
	return st, nil
}

// platformOptions are the values the configuration gives the platform.
func platformOptions(cfg config, st *store.Store, engine search.Engine, secret []byte, log *slog.Logger) platform.Options {
	return platform.Options{
		Store: st, Engine: engine, Logger: log,
		SigningSecret: secret, Issuer: cfg.PublicURL, AccessTTL: accessTokenTTL,
		Hasher: newHasher(), AuthLimits: auth.DefaultLimits(),
		AllowPrivateEndpoints: cfg.PluginsAllowPrivate, InvokeRate: invokeRate(cfg.InvokeRate),
		PluginCreatePerHour: cfg.PluginCreateRate, SearchPerMinute: cfg.SearchRate,
		ReportsPerHour: cfg.ReportRate, TakedownSLA: cfg.TakedownSLA,
		TrustedProxies: cfg.TrustedProxies, CORSOrigins: cfg.CORSOrigins, Production: cfg.Production,
		Operator: cfg.Operator, Contact: cfg.Contact,
		WASM: wasm.Options{Concurrency: cfg.WASMConcurrency, MemoryMB: cfg.WASMMemoryMB,
			CacheDir: filepath.Join(cfg.DataDir, wasmCacheDir)},
		MaxModuleBytes: int64(cfg.WASMMaxMB) << 20,
	}
}

// mailSender returns the SMTP server e-mail goes through, or nil when
// none is configured: messages are then written to the log, which start-up
// says.
func mailSender(cfg config, log *slog.Logger) (mail.Sender, error) {
	if cfg.SMTPURL == "" {
		log.Warn("no SMTP server configured (RIPOSTE_SMTP_URL): e-mail is written to the log, not sent, and addresses are not verified")
		return nil, nil
	}
	s, err := mail.ParseSMTPURL(cfg.SMTPURL, cfg.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("RIPOSTE_SMTP_URL %w", err)
	}
	log.Info("e-mail goes through SMTP", "server", s.Addr(), "from", cfg.MailFrom)
	return s, nil
}

// wasmCacheDir is where, in the data directory, compiled WebAssembly is
// kept, so that a restart does not compile modules again.
const wasmCacheDir = "wasm-cache"

// firstAdmin is the administrator a start created, if any, and the
// password generated for it.
type firstAdmin struct {
	created  bool
	password string
}

// prepare readies the data before serving: an administrator on a
// platform without one, the compiled-in plugins, and on a first start the
// seed catalogue unless the configuration says otherwise.
func prepare(ctx context.Context, cfg config, p *platform.Platform, log *slog.Logger) (firstAdmin, error) {
	var admin firstAdmin
	var err error
	if admin.created, admin.password, err = p.Auth.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword); err != nil {
		return admin, err
	}
	// The names of plugins registered before names were kept are recorded
	// once the server runs (runJobs): looking for them reads every plugin.
	if err := platform.RegisterBuiltins(ctx, p.Registry, plugins.Registered(), log); err != nil {
		return admin, err
	}
	if cfg.Seed {
		return admin, seedFirstRun(ctx, p.SeedDeps(), log)
	}
	return admin, nil
}

// serve answers on the configured address, and runs the background work,
// until ctx ends; then it drains requests and shuts down. welcome is
// told the address listened on.
func serve(ctx context.Context, cfg config, p *platform.Platform, log *slog.Logger, welcome func(net.Addr)) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	httpSrv := api.HTTPServer(cfg.Addr, p.Server, log)
	stopJobs := runJobs(ctx, p, log)
	welcome(ln.Addr())
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()
	select {
	case err := <-served:
		stopJobs()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests")
	p.Server.Drain()
	if cfg.Production {
		time.Sleep(drainDelay)
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err = httpSrv.Shutdown(shutdownCtx)
	stopJobs()
	log.Info("stopped")
	return err
}

// recordNames records, once, the names of plugins registered before
// names were kept for the look-alike check (platform.RecordNames): in the
// background, as finding that there are none reads every plugin, which
// start-up would otherwise wait for.
func recordNames(ctx context.Context, p *platform.Platform, log *slog.Logger) {
	if err := platform.RecordNames(ctx, p.Registry, log); err != nil && ctx.Err() == nil {
		log.Error("recording plugin names for the look-alike check failed", "error", err)
	}
}

// reminderEvery is how often deadline reminders are looked for.
const reminderEvery = 5 * time.Minute

// runJobs starts the background work of a serving platform: the search
// relay, the mail relay, deadline reminders, the watch on the engine, the refresh of the view of sessions
// and of the kept plugin representations, the pruning of sessions, and
// once the recording of names kept for no plugin yet. The function
// it returns ends them, with the platform's other work, and waits for
// them.
func runJobs(ctx context.Context, p *platform.Platform, log *slog.Logger) (stop func()) {
	workers, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { recordNames(workers, p, log) })
	wg.Go(func() { pruneSessions(workers, p.Store, log) })
	wg.Go(func() { p.Auth.WatchSessions(workers, auth.SessionRefresh) })
	wg.Go(func() { p.Server.WatchCache(workers, api.DocRefresh) })
	wg.Go(func() { p.Relay.Run(workers) })
	wg.Go(func() { p.MailRelay.Run(workers) })
	wg.Go(func() { p.Hackathons.RunReminders(workers, reminderEvery, log) })
	wg.Go(func() { p.Search.Watch(workers) })
	return func() {
		cancel()
		p.Close()
		wg.Wait()
	}
}

// invokeRate turns invocations per minute into a rate; 0 means no limit.
func invokeRate(perMinute int) ratelimit.Rate {
	if perMinute == 0 {
		return ratelimit.Rate{}
	}
	return ratelimit.Rate{Burst: perMinute, Every: time.Minute / time.Duration(perMinute)}
}

// pruneSessions deletes ended sessions, e-mail sent a week ago and
// expired idempotency keys,
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
		if _, err := st.PruneMail(ctx, time.Now().Add(-7*24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Warn("pruning sent e-mail failed", "error", err)
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
	if cfg.SMTPURL == "" {
		fmt.Fprintf(w, "  E-mail:      not sent (no RIPOSTE_SMTP_URL): written to the log; addresses are not verified\n")
		if !cfg.Production {
			fmt.Fprintf(w, "               messages are listed at %s/dev/mail\n", base)
		}
	}
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
