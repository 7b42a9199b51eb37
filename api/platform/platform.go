// Package platform builds Riposte from explicit values: the accounts,
// registry, search, hackathon services, the pages and the HTTP server, wired
// together. It is the one place where they are: the server builds them with
// New, and so do the tests (through platformtest), so that both run the
// same graph.
package platform

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/crisis"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/moderation"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/web"
	"github.com/riposte-civic/riposte/plugins/wasm"
	"github.com/riposte-civic/riposte/seed"
)

// Options are the values a platform is built from. Store, Engine, Logger
// and Hasher are required; the caller opens the store and the engine, and
// closes them after the platform.
type Options struct {
	Store  *store.Store  // migrated
	Engine search.Engine // the search engine the relay feeds
	Logger *slog.Logger

	// SigningSecret signs access tokens (at least auth.MinSecretLen
	// bytes); Issuer, the public URL, is named in them; they last
	// AccessTTL.
	SigningSecret []byte
	Issuer        string
	AccessTTL     time.Duration
	Hasher        *auth.Hasher // hashes passwords
	AuthLimits    auth.Limits  // sign-in failures and registrations; zero limits nothing

	// AllowPrivateEndpoints lets http plugins use loopback and private
	// addresses and plain http.
	AllowPrivateEndpoints bool
	InvokeRate            ratelimit.Rate // plugin invocations per client; zero allows all
	PluginCreatePerHour   int            // plugins (and modules) an account may register (upload) an hour; 0 for no limit
	SearchPerMinute       int            // searches per client address, API and pages together; 0 for no limit
	ReportsPerHour        int            // abuse reports per client address, API and pages together; 0 for no limit
	// TakedownSLA is the clock of reports of terrorist and illegal
	// content; 0 means moderation.DefaultSLA.
	TakedownSLA time.Duration

	// WASM configures the sandbox of wasm plugins: executions at once,
	// memory budget, how long a caller waits for room, where compiled
	// code is kept (the data directory's wasm-cache). Its Logger is
	// Logger; standard error is logged when not Production.
	WASM wasm.Options
	// MaxModuleBytes bounds module uploads; 0 means api.DefaultMaxModule.
	MaxModuleBytes int64

	TrustedProxies []string // CIDRs or addresses whose X-Forwarded-For is believed
	CORSOrigins    []string // origins allowed to call the API from a browser
	// Production adds HSTS and secure cookies; otherwise endpoint
	// problems say how to allow local endpoints in development.
	Production bool
	// Now is the clock of editions' deadlines and of the pages; nil means
	// time.Now.
	Now func() time.Time
	// Operator and Contact say who runs this instance and how to reach
	// them, on the about page; either may be empty.
	Operator, Contact string
	// MailSender sends e-mail from the outbox; nil writes messages to the
	// log (and, in development, lists them at /dev/mail).
	MailSender mail.Sender
}

// Platform is Riposte built: its services and the HTTP server answering
// for them. Close it when done.
type Platform struct {
	Store      *store.Store
	Auth       *auth.Service
	Registry   *registry.Service
	Search     *search.Service
	Relay      *search.Relay // feeds the engine from the database's outbox
	Mail       *mail.Composer
	MailRelay  *mail.Relay // sends the mail outbox
	Notifier   *mail.Notifier
	WASM       *wasm.Host // runs wasm plugins and checks uploaded modules
	Hackathons *hackathons.Service
	Moderation *moderation.Service
	Crisis     *crisis.Service
	Pages      *web.Handler
	Server     *api.Server // the API and, outside /api/, the pages
	Metrics    *prometheus.Registry

	now  func() time.Time
	stop context.CancelFunc
}

// New builds the platform. Work that outlives requests (reindexes) runs
// until Close, whether or not ctx ends first.
func New(ctx context.Context, o Options) (*Platform, error) {
	if o.Store == nil || o.Engine == nil || o.Logger == nil || o.Hasher == nil {
		return nil, errors.New("platform: Store, Engine, Logger and Hasher are required")
	}
	tokens, err := auth.NewTokens(o.SigningSecret, o.Issuer, o.AccessTTL, nil)
	if err != nil {
		return nil, err
	}
	background, stop := context.WithCancel(context.WithoutCancel(ctx))
	p := &Platform{Store: o.Store, Metrics: newMetrics(), now: o.Now, stop: stop,
		Auth: auth.NewService(o.Store, o.Hasher, tokens, o.AuthLimits, nil), Hackathons: hackathons.New(o.Store, o.Now),
		Crisis: crisis.New(o.Store, o.Now),
		Search: search.NewService(background, o.Engine, o.Store, o.Logger), Relay: search.NewRelay(o.Store, o.Engine, o.Logger)}
	p.Auth.SetLogger(o.Logger)
	p.Auth.CacheSessions(auth.SessionMaxAge, o.Now)
	if p.Mail, err = mail.NewComposer(o.Issuer); err != nil {
		p.Close()
		return nil, err
	}
	sender := o.MailSender
	if sender == nil {
		sender = mail.NewLogSender(o.Logger, !o.Production)
	}
	p.MailRelay = mail.NewRelay(o.Store, sender, o.Logger, p.Metrics)
	p.Auth.SetMail(p.Mail)
	p.Auth.SetVerifyAddresses(o.MailSender != nil)
	p.Notifier = mail.NewNotifier(o.Store, p.Mail, o.SigningSecret)
	p.Hackathons.SetNotifier(p.Notifier)
	if err := p.wire(ctx, o); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// wire builds the WebAssembly host, the registry, the pages and the
// server over the services.
func (p *Platform) wire(ctx context.Context, o Options) (err error) {
	w := o.WASM
	w.Logger, w.LogStderr = o.Logger, !o.Production
	if p.WASM, err = wasm.NewHost(ctx, w); err != nil {
		return err
	}
	if p.Registry, err = newRegistry(o, p.Metrics); err != nil {
		return err
	}
	p.Registry.SetWASM(p.WASM)
	p.Registry.SetNotifier(p.Notifier)
	p.Moderation = moderation.New(o.Store, p.Registry, o.TakedownSLA, o.Now)
	if err := p.Metrics.Register(p.Moderation.Collector()); err != nil {
		return err
	}
	searchLimit := ratelimit.New(ratelimit.PerMinute(o.SearchPerMinute), nil)
	reportLimit := ratelimit.New(ratelimit.PerHour(o.ReportsPerHour), nil)
	p.Pages, err = web.New(web.Deps{Logger: o.Logger, Auth: p.Auth, Registry: p.Registry, Search: p.Search,
		Hackathons: p.Hackathons, Users: o.Store, SecureCookies: o.Production, Now: o.Now, SearchLimit: searchLimit,
		Operator: o.Operator, Contact: o.Contact, ModuleErrorsLogged: !o.Production,
		DevMail: devMail(o), Notifier: p.Notifier, Moderation: p.Moderation, ReportLimit: reportLimit, Crisis: p.Crisis})
	if err != nil {
		return err
	}
	p.Server, err = api.New(api.Deps{Logger: o.Logger, Store: o.Store, Auth: p.Auth, Metrics: p.Metrics,
		Registry: p.Registry, Search: p.Search, Hackathons: p.Hackathons, SearchLimit: searchLimit, Notifier: p.Notifier,
		Moderation: p.Moderation, ReportLimit: reportLimit, Crisis: p.Crisis,
		TrustedProxies: o.TrustedProxies, CORSOrigins: o.CORSOrigins, Production: o.Production, Web: p.Pages,
		MaxModule: o.MaxModuleBytes, Now: o.Now})
	return err
}

// devMail returns the store as the development mail page's source, when
// the page is shown: in development, with messages written to the log.
func devMail(o Options) *store.Store {
	if o.Production || o.MailSender != nil {
		return nil
	}
	return o.Store
}

// newMetrics returns the registry of the server's metrics, with the Go
// runtime's and the process's.
func newMetrics() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// newRegistry returns the plugin registry, its invocations counted in
// metrics and its refusals logged.
func newRegistry(o Options, metrics *prometheus.Registry) (*registry.Service, error) {
	reg := registry.New(o.Store, o.AllowPrivateEndpoints)
	if err := reg.SetInvokeOptions(registry.InvokeOptions{Rate: o.InvokeRate, Metrics: metrics, Logger: o.Logger}); err != nil {
		return nil, err
	}
	reg.SetRegistrationOptions(registry.RegistrationOptions{CreatePerHour: o.PluginCreatePerHour, Development: !o.Production})
	return reg, nil
}

// SeedDeps returns what the seed catalogue is loaded with: the platform's
// services and clock.
func (p *Platform) SeedDeps() seed.Deps {
	return seed.Deps{Store: p.Store, Registry: p.Registry, Hackathons: p.Hackathons, Auth: p.Auth, Now: p.now}
}

// Close ends the work that outlives requests and stops the WebAssembly
// host. The store and the engine stay open: they are the caller's.
// Closing again does nothing.
func (p *Platform) Close() {
	p.stop()
	if p.WASM != nil {
		p.WASM.Close(context.Background())
	}
}
