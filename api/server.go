// Package api is Riposte's HTTP interface: the /api/v1 JSON API, the
// operational endpoints (/livez, /readyz, /metrics) and the Swagger UI. It is
// the only package that knows about Gin.
package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/crisis"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/moderation"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
)

// DefaultMaxBody is the largest request body accepted, in bytes.
const DefaultMaxBody = 1 << 20

// DefaultMaxModule is the largest WebAssembly module accepted, in bytes.
const DefaultMaxModule = 16 << 20

// modulesRoute is the route of module uploads, whose bodies are modules.
const modulesRoute = "/api/v1/modules"

// Deps is what the server needs. Logger, Store, Auth, Registry, Search,
// Hackathons, Metrics, Moderation and Crisis are required; the others are
// optional.
type Deps struct {
	Logger     *slog.Logger
	Store      *store.Store
	Auth       *auth.Service
	Registry   *registry.Service
	Search     *search.Service
	Hackathons *hackathons.Service
	Metrics    *prometheus.Registry
	Notifier   *mail.Notifier // notification settings
	Moderation *moderation.Service
	Crisis     *crisis.Service

	TrustedProxies []string // CIDRs or addresses whose X-Forwarded-For is believed
	CORSOrigins    []string // origins allowed to call the API from a browser; "*" for any
	Production     bool     // adds HSTS
	MaxBody        int64    // 0 means DefaultMaxBody
	MaxModule      int64    // the largest module upload; 0 means DefaultMaxModule
	// SearchLimit limits searches per client address; share it with the
	// pages so that the catalogue and the API draw on one allowance. Nil
	// means no limit.
	SearchLimit *ratelimit.Limiter
	// ReportLimit limits abuse reports per client address, shared with
	// the pages' report form. Nil means no limit.
	ReportLimit *ratelimit.Limiter
	// Web answers the paths outside /api/ that no route above does: the
	// pages for people (api/web). Nil leaves them to 404 problems.
	Web http.Handler
	// DocTTL is how long after its last check the server serves a kept
	// public representation without reading the database (see
	// DefaultDocTTL, its default; WatchCache checks); a negative value
	// keeps none.
	DocTTL time.Duration
	// Now is the clock of the kept representations' age; nil means
	// time.Now.
	Now func() time.Time
}

// Server answers HTTP requests. Create it with New.
type Server struct {
	deps     Deps
	log      *slog.Logger
	engine   *gin.Engine
	metrics  *httpMetrics
	ids      *requestIDs
	docs     *docCache // public representations of plugins
	draining atomic.Bool
	// bodyLimits are the routes whose bodies may be larger than MaxBody,
	// by route template, with their own limit.
	bodyLimits map[string]int64
}

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	if d.Logger == nil || d.Store == nil || d.Auth == nil || d.Registry == nil || d.Search == nil || d.Hackathons == nil ||
		d.Metrics == nil || d.Moderation == nil || d.Crisis == nil {
		return nil, fmt.Errorf("api: Logger, Store, Auth, Registry, Search, Hackathons, Moderation, Crisis and Metrics are required")
	}
	if d.MaxBody <= 0 {
		d.MaxBody = DefaultMaxBody
	}
	if d.MaxModule <= 0 {
		d.MaxModule = DefaultMaxModule
	}
	if d.DocTTL == 0 {
		d.DocTTL = DefaultDocTTL
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	// Gin trusts every proxy by default; trust none unless told otherwise, so
	// that a forged X-Forwarded-For cannot choose the client address.
	if err := e.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, fmt.Errorf("api: trusted proxies: %w", err)
	}
	m, err := newHTTPMetrics(d.Metrics)
	if err != nil {
		return nil, err
	}
	s := &Server{deps: d, log: d.Logger, engine: e, metrics: m, ids: newRequestIDs(),
		bodyLimits: map[string]int64{modulesRoute: d.MaxModule}, docs: newDocCache(d.Store, d.DocTTL, d.Now)}
	d.Store.OnPluginsChanged(s.docs.invalidate)
	s.routes(e)
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.engine.ServeHTTP(w, r)
}

// Drain makes /readyz answer 503 so that load balancers stop sending new
// requests; requests keep being served.
func (s *Server) Drain() { s.draining.Store(true) }

// HTTPServer wraps handler in an http.Server listening on addr, with
// timeouts suited to the API.
func HTTPServer(addr string, handler http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Route is one method and path the server answers.
type Route struct {
	Method string
	Path   string // Gin syntax: /plugins/:slug
}

// Routes lists every route the server answers.
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.engine.Routes() {
		out = append(out, Route{Method: r.Method, Path: r.Path})
	}
	return out
}
