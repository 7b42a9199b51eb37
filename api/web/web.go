// Package web is Riposte's front for people who are not developers: the
// plugin catalogue, plugin and edition pages, the judging desk, organizer
// pages and the participant space, server-rendered with html/template and
// a little JavaScript, in French and English.
//
// Pages call the same services as the JSON API, as the signed-in user, so
// that no page grants more than the API would. The session lives in
// HttpOnly cookies (see session.go); forms posted from another origin are
// refused; every page carries a strict Content-Security-Policy.
package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/crisis"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/moderation"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
)

// Deps is what the pages need. Every field from SecureCookies on is
// optional.
type Deps struct {
	Logger     *slog.Logger
	Auth       *auth.Service
	Registry   *registry.Service
	Search     *search.Service
	Hackathons *hackathons.Service
	Users      *store.Store // organizers add judges by e-mail address

	// SecureCookies marks the session cookies Secure and gives them the
	// __Host- prefix; set it everywhere but local development over http.
	SecureCookies bool
	// Now is the clock of pages (deadlines shown as open or closed); nil
	// means time.Now. The services keep their own clocks for decisions.
	Now func() time.Time
	// SearchLimit limits the catalogue's searches per client address; it
	// is the API's, so that both draw on one allowance. Nil means no limit.
	SearchLimit *ratelimit.Limiter
	// Operator names who runs this instance and Contact says how to reach
	// them (an e-mail address or an http(s) URL), on the about page;
	// either may be empty.
	Operator, Contact string
	// ModuleErrorsLogged is true when the wasm host logs the first bytes a
	// module writes to its standard error (development mode): plugin pages
	// then say so, since a tool could repeat there what people typed.
	ModuleErrorsLogged bool
	// DevMail, when not nil, lists at /dev/mail the messages written to
	// the log instead of sent (development without a mail server).
	DevMail *store.Store
	// Notifier keeps the accounts' notification settings and turns a
	// kind off through a List-Unsubscribe link.
	Notifier *mail.Notifier
	// Moderation takes abuse reports and runs the moderation desk; nil
	// leaves the report form, the moderation desk and the transparency
	// page out.
	Moderation *moderation.Service
	// ReportLimit limits reports per client address; it is the API's.
	ReportLimit *ratelimit.Limiter
	// Crisis is the crisis whose banner every page shows while it is in
	// force, and which puts emergency tools first in the catalogue.
	Crisis *crisis.Service
}

// Handler serves the pages. Create it with New.
type Handler struct {
	deps     Deps
	log      *slog.Logger
	pages    *pages
	assets   *assets
	sessions *sessions
	mux      *http.ServeMux
	handler  http.Handler
}

// New builds the pages: it parses the templates and hashes the assets, so
// that a broken template fails at start-up rather than on a request.
func New(d Deps) (*Handler, error) {
	if d.Logger == nil || d.Auth == nil || d.Registry == nil || d.Search == nil || d.Hackathons == nil || d.Users == nil {
		return nil, errors.New("web: Logger, Auth, Registry, Search, Hackathons and Users are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	ps, err := loadPages(as)
	if err != nil {
		return nil, err
	}
	h := &Handler{deps: d, log: d.Logger, pages: ps, assets: as, mux: http.NewServeMux(),
		sessions: newSessions(d.Auth, d.SecureCookies, d.Now)}
	h.routes()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(h.crossOriginRefused))
	// One-click unsubscribing (RFC 8058) is posted by mail clients from
	// their own origin; the unguessable token in the URL is its guard.
	cop.AddInsecureBypassPattern("POST /unsubscribe")
	h.handler = h.headers(cop.Handler(h.mux))
	return h, nil
}

// ServeHTTP makes the pages an http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.handler.ServeHTTP(w, r)
}

// contentSecurityPolicy allows nothing from other origins and no inline
// script or style: pages load one stylesheet and one script of their own.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// headers sets the security headers of every answer.
func (h *Handler) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Cross-Origin-Resource-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// handlerFunc is a page handler that returns its error instead of writing
// it; handle turns errors into pages.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc: it identifies the caller from the session
// cookies, picks the language, and writes any error as a page.
func (h *Handler) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = h.sessions.identify(w, r)
		r = r.WithContext(withLocale(r.Context(), pickLocale(r)))
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Add("Vary", "Cookie, Accept-Language")
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	})
}

// pageError is a refusal that a page decides by itself, with the message
// key shown to the visitor; its status is that of the kind of error it
// wraps (store.ErrNotFound…), as httperr.Classify gives it.
type pageError struct {
	key string
	err error
}

func (e *pageError) Error() string { return e.key }
func (e *pageError) Unwrap() error { return e.err }

// errPage is a refusal of a kind (store.ErrNotFound, auth.ErrForbidden,
// store.ErrConflict, an *auth.RateLimitError…) shown with the message key.
func errPage(kind error, key string) error {
	return &pageError{key: key, err: kind}
}

// pageMessages gives the message key of each status an error page shows,
// and whether the error's own detail is shown under it. Other statuses
// are errors no page expects: they are logged and called internal.
var pageMessages = map[int]struct {
	key    string
	detail bool
}{
	http.StatusForbidden:          {"error.forbidden", true},
	http.StatusNotFound:           {"error.notfound", false},
	http.StatusConflict:           {"error.conflict", true},
	http.StatusTooManyRequests:    {"error.ratelimit", true},
	http.StatusServiceUnavailable: {"error.busy", false},
}

// fail writes err as a page. httperr.Classify decides the status; a page
// adds only its wording, and sends a visitor who must sign in to the
// sign-in page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return
	}
	a := httperr.Classify(err)
	if a.Status == http.StatusUnauthorized {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(localPath(h.pagePath(r))), http.StatusSeeOther)
		return
	}
	if a.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(a.RetryAfter))
	}
	d := errorData{Key: "error.internal"}
	m, known := pageMessages[a.Status]
	var pe *pageError
	switch {
	case errors.As(err, &pe):
		d.Key = pe.key
	case errors.Is(err, auth.ErrUnverified):
		d.Key = "error.unverified" // its page links to the account, which sends a new link
	case known:
		d.Key = m.key
		if m.detail {
			d.Detail, _ = localeFrom(r.Context()).word(a.Detail) // a reason no wording knows is left out
		}
	default:
		h.log.ErrorContext(r.Context(), "page failed", "error", err, "method", r.Method, "path", r.URL.Path)
	}
	h.render(w, r, a.Status, "error", localeFrom(r.Context()).T(d.Key), d)
}

type errorData struct {
	Key    string
	Detail string
}

// shownAgain gives the status of a form shown again with the problems of
// err, as httperr.Classify decides it for the API (422 for values refused,
// 409 for a conflict, 429 with its Retry-After…): a page words the
// problems, it does not choose their status.
func shownAgain(w http.ResponseWriter, err error) int {
	a := httperr.Classify(err)
	if a.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(a.RetryAfter))
	}
	return a.Status
}

// crossOriginRefused answers a form posted from another site.
func (h *Handler) crossOriginRefused(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(withLocale(r.Context(), pickLocale(r)))
	h.render(w, r, http.StatusForbidden, "error", localeFrom(r.Context()).T("error.crossorigin"),
		errorData{Key: "error.crossorigin"})
}

// notFound answers paths no page has.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		// The address of a form, whose answer the address bar shows:
		// reloading, bookmarking or sharing it leads to the form's page.
		probe := &http.Request{Method: http.MethodPost, Host: r.Host, URL: &url.URL{Path: r.URL.Path}}
		if _, pattern := h.mux.Handler(probe); strings.HasPrefix(pattern, http.MethodPost+" ") {
			http.Redirect(w, r, localPath(h.nearestPage(r.Host, r.URL.Path)), http.StatusSeeOther)
			return nil
		}
	}
	return errPage(store.ErrNotFound, "error.notfound")
}

// caller returns the signed-in user, if any.
func caller(r *http.Request) (auth.User, bool) { return auth.UserFrom(r.Context()) }

// mustSignIn returns the signed-in user, or an error that sends the
// visitor to the sign-in page.
func mustSignIn(r *http.Request) (auth.User, error) {
	u, ok := caller(r)
	if !ok {
		return u, auth.ErrUnauthenticated
	}
	return u, nil
}

// mustBe returns the signed-in user if they have the rights of role.
func mustBe(r *http.Request, role auth.Role) (auth.User, error) {
	u, err := mustSignIn(r)
	if err != nil {
		return u, err
	}
	if !u.Is(role) {
		return u, errPage(auth.ErrForbidden, "error.forbidden")
	}
	return u, nil
}

// seeOther redirects after a successful form, with a notice key.
func seeOther(w http.ResponseWriter, r *http.Request, path, notice string) error {
	if notice != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "done=" + notice
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

type clientIPKey struct{}

// WithClientIP returns a context carrying the client address as the server
// in front of the pages resolved it (honouring trusted proxies), for the
// rate limits of sign-in and sign-up.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// clientIP returns the address given by WithClientIP, or the connection's.
func clientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientIPKey{}).(string); ok && ip != "" {
		return ip
	}
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}
