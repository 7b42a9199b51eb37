package api

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/ratelimit"
)

type requestIDKey struct{}

// requestID returns the request's id, set by withRequestID.
func requestID(c *gin.Context) string {
	id, _ := c.Request.Context().Value(requestIDKey{}).(string)
	return id
}

// validRequestID accepts ids a proxy may have set: short, plain characters.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// requestIDs makes request ids: a random prefix per process, so that ids
// from several replicas do not collide, and a counter.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	return &requestIDs{prefix: strings.ToLower(rand.Text()[:10]) + "-"}
}

func (r *requestIDs) next() string {
	return r.prefix + strconv.FormatUint(r.n.Add(1), 36)
}

// withRequestID keeps a well-formed X-Request-ID from the client or a proxy,
// or makes one, and echoes it in the response.
func (s *Server) withRequestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !validRequestID(id) {
		id = s.ids.next()
	}
	c.Header("X-Request-ID", id)
	c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), requestIDKey{}, id))
	c.Next()
}

// observe logs one line per request and records its metrics, by route
// template so that paths with ids do not multiply series.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	elapsed := time.Since(start)
	route := c.FullPath()
	switch {
	case route != "":
	case s.deps.Web != nil && !isAPIPath(c.Request.URL.Path):
		route = "web"
	default:
		route = "unmatched"
	}
	status := c.Writer.Status()
	s.metrics.observe(c.Request.Method, route, status, elapsed)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(c.Request.Context(), level, "request",
		slog.String("method", c.Request.Method), slog.String("route", route), slog.Int("status", status),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000), slog.String("request_id", requestID(c)))
}

// recoverPanics turns a panic into a logged 500 problem.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.ErrorContext(c.Request.Context(), "panic", "panic", p, "route", c.FullPath(), "request_id", requestID(c))
			if !c.Writer.Written() {
				s.fail(c, errPanic)
			}
			c.Abort()
		}
	}()
	c.Next()
}

var errPanic = errors.New("panic")

// securityHeaders are set on every response. The keys are in canonical
// form and each value slice is full (len == cap), so sharing them between
// responses is safe: net/http copies before appending.
var securityHeaders = map[string][]string{
	"X-Content-Type-Options":     {"nosniff"},
	"Referrer-Policy":            {"no-referrer"},
	"X-Frame-Options":            {"DENY"},
	"Cross-Origin-Opener-Policy": {"same-origin"},
}

var (
	apiCSP     = []string{"default-src 'none'; frame-ancestors 'none'"}
	swaggerCSP = []string{"default-src 'self'; script-src 'self' 'unsafe-inline'; " +
		"style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"}
	hsts = []string{"max-age=63072000; includeSubDomains"}
)

// apiHeaders are the security headers of JSON responses. API answers,
// which may carry tokens or personal data, are also kept out of caches:
// every one, from unknown routes and refused bodies too. Handlers that
// support revalidation override it.
func (s *Server) apiHeaders(c *gin.Context) {
	h := c.Writer.Header()
	for k, v := range securityHeaders {
		h[k] = v
	}
	if s.deps.Production {
		h["Strict-Transport-Security"] = hsts
	}
	if strings.HasPrefix(c.Request.URL.Path, "/swagger/") {
		h["Content-Security-Policy"] = swaggerCSP
	} else {
		h["Content-Security-Policy"] = apiCSP
	}
	if isAPIPath(c.Request.URL.Path) {
		h["Cache-Control"] = noStore
	}
	c.Next()
}

var noStore = []string{"no-store"}

// cors answers browsers for the origins in RIPOSTE_CORS_ORIGINS and for no
// other.
func (s *Server) cors(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if origin == "" {
		c.Next()
		return
	}
	c.Writer.Header().Add("Vary", "Origin")
	anyOrigin := slices.Contains(s.deps.CORSOrigins, "*")
	if !anyOrigin && !slices.Contains(s.deps.CORSOrigins, origin) {
		c.Next()
		return
	}
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", "ETag, Idempotent-Replayed, Location, Retry-After, X-Request-ID")
	if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match, X-Request-ID")
		h.Set("Access-Control-Max-Age", "600")
		c.AbortWithStatus(http.StatusNoContent)
		return
	}
	c.Next()
}

// limitBody refuses bodies larger than the limit, MaxBody or the route's
// own: at once when the length is announced, and while reading otherwise.
func (s *Server) limitBody(c *gin.Context) {
	limit, ok := s.bodyLimits[c.FullPath()]
	if !ok {
		limit = s.deps.MaxBody
	}
	if c.Request.ContentLength > limit {
		s.fail(c, &http.MaxBytesError{Limit: limit})
		return
	}
	if c.Request.Body != nil && c.Request.Body != http.NoBody {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}

// authenticate identifies the caller from the Authorization header, if
// there is one. A header that does not check out is refused, even on routes
// open to anyone.
func (s *Server) authenticate(c *gin.Context) {
	header := c.GetHeader("Authorization")
	if header == "" {
		c.Next()
		return
	}
	scheme, credential, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || credential == "" {
		s.fail(c, auth.ErrInvalidToken)
		return
	}
	u, err := s.deps.Auth.Authenticate(c.Request.Context(), strings.TrimSpace(credential))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Request = c.Request.WithContext(auth.WithUser(c.Request.Context(), u))
	c.Next()
}

// signedIn requires a caller. With a personal API token, the token must
// carry scope; routes with no scope ("") take signed-in sessions only.
func (s *Server) signedIn(scope string) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, ok := auth.UserFrom(c.Request.Context())
		if !ok {
			s.fail(c, auth.ErrUnauthenticated)
			return
		}
		if err := u.CheckScope(scope); err != nil {
			s.fail(c, err)
			return
		}
		c.Next()
	}
}

// tokenScope lets anyone through, except API tokens without scope: a
// route open to everyone is still closed to a token not meant for it.
func (s *Server) tokenScope(scope string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if u, ok := auth.UserFrom(c.Request.Context()); ok {
			if err := u.CheckScope(scope); err != nil {
				s.fail(c, err)
				return
			}
		}
		c.Next()
	}
}

// perAddress refuses, with 429 and Retry-After, a client address over
// the limiter's rate. The address is the connection's, or the one trusted
// proxies give.
func (s *Server) perAddress(l *ratelimit.Limiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		if ok, wait := l.Allow(c.ClientIP()); !ok {
			s.fail(c, &auth.RateLimitError{RetryAfter: max(wait, time.Second)})
			return
		}
		c.Next()
	}
}

// role requires the caller to have the rights of r. Use after signedIn.
func (s *Server) role(r auth.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, _ := auth.UserFrom(c.Request.Context())
		if err := u.CheckRole(r); err != nil {
			s.fail(c, err)
			return
		}
		c.Next()
	}
}

// caller returns the authenticated user of a request that went through
// signedIn.
func caller(c *gin.Context) auth.User {
	u, _ := auth.UserFrom(c.Request.Context())
	return u
}
