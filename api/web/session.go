package web

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
)

// Sessions. Signing in through a page calls the same auth service as
// POST /api/v1/auth/login and keeps what it issues in two cookies, both
// HttpOnly, SameSite=Lax, Path=/, Secure (and __Host- prefixed) outside
// development:
//
//   - the access token (a 15-minute JWT), checked on every request by
//     auth.Service.Authenticate, so that a disabled account, a changed role
//     or a signed-out session count at once;
//   - the refresh token, used only when the access token is missing or
//     expired: it is rotated (auth.Service.Refresh) and both cookies are
//     replaced.
//
// A refresh token is single-use, and presenting a spent one revokes the
// whole session. A browser often sends several requests at once with the
// same expired cookie (a page and a search fetch), so each process
// remembers, for refreshGrace, the grant it got for a refresh token and
// gives it to the other requests bearing that token instead of spending it
// twice. Signing out revokes the session and clears both cookies.

const (
	refreshGrace  = 30 * time.Second
	refreshMaxAge = 30 * 24 * time.Hour // as the auth service's refresh TTL
)

type sessions struct {
	auth    *auth.Service
	secure  bool
	now     func() time.Time
	access  string // cookie names
	refresh string

	mu     sync.Mutex
	recent map[[32]byte]*refreshing
}

// refreshing is one refresh under way or just done.
type refreshing struct {
	done  chan struct{}
	at    time.Time
	grant auth.Grant
	err   error
}

func newSessions(a *auth.Service, secure bool, now func() time.Time) *sessions {
	s := &sessions{auth: a, secure: secure, now: now, access: "riposte_at", refresh: "riposte_rt",
		recent: map[[32]byte]*refreshing{}}
	if secure {
		s.access, s.refresh = "__Host-riposte_at", "__Host-riposte_rt"
	}
	return s
}

func (s *sessions) cookie(name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds())}
	if maxAge < 0 {
		c.MaxAge = -1
	}
	return c
}

// start sets the cookies of a new grant.
func (s *sessions) start(w http.ResponseWriter, g auth.Grant) {
	// The access cookie lasts a little less than its token, so that an
	// expired token is rarely sent.
	http.SetCookie(w, s.cookie(s.access, g.AccessToken, g.ExpiresIn-10*time.Second))
	http.SetCookie(w, s.cookie(s.refresh, g.RefreshToken, refreshMaxAge))
}

// end clears the cookies.
func (s *sessions) end(w http.ResponseWriter) {
	http.SetCookie(w, s.cookie(s.access, "", -1))
	http.SetCookie(w, s.cookie(s.refresh, "", -1))
}

// refreshToken returns the request's refresh token, if any.
func (s *sessions) refreshToken(r *http.Request) string {
	if c, err := r.Cookie(s.refresh); err == nil {
		return c.Value
	}
	return ""
}

// identify returns the request with its signed-in user in the context,
// refreshing the session when the access token has expired. A session
// that cannot be used any more is cleared.
func (s *sessions) identify(w http.ResponseWriter, r *http.Request) *http.Request {
	access, _ := r.Cookie(s.access)
	refresh := s.refreshToken(r)
	if access == nil && refresh == "" {
		return r
	}
	if access != nil {
		u, err := s.auth.Authenticate(r.Context(), access.Value)
		switch {
		case err == nil:
			return r.WithContext(auth.WithUser(r.Context(), u))
		case errors.Is(err, auth.ErrInvalidToken) && refresh != "":
			// expired: refresh below
		case errors.Is(err, auth.ErrInvalidToken), errors.Is(err, auth.ErrAccountDisabled):
			s.end(w)
			return r
		default:
			return r // the database failed: a visitor for this request, signed in for the next
		}
	}
	g, err := s.refreshOnce(r, refresh)
	if errors.Is(err, auth.ErrInvalidToken) || errors.Is(err, auth.ErrAccountDisabled) {
		s.end(w)
		return r
	} else if err != nil {
		return r
	}
	u, err := s.auth.Authenticate(r.Context(), g.AccessToken)
	if err != nil {
		s.end(w)
		return r
	}
	s.start(w, g)
	return r.WithContext(auth.WithUser(r.Context(), u))
}

// refreshOnce exchanges a refresh token, or returns the grant another
// request of the same browser got for it within refreshGrace.
func (s *sessions) refreshOnce(r *http.Request, token string) (auth.Grant, error) {
	key := sha256.Sum256([]byte(token))
	at := s.now()
	s.mu.Lock()
	for k, rf := range s.recent {
		if at.Sub(rf.at) > refreshGrace {
			delete(s.recent, k)
		}
	}
	if rf, ok := s.recent[key]; ok {
		s.mu.Unlock()
		select {
		case <-rf.done:
			return rf.grant, rf.err
		case <-r.Context().Done():
			return auth.Grant{}, r.Context().Err()
		}
	}
	rf := &refreshing{done: make(chan struct{}), at: at}
	s.recent[key] = rf
	s.mu.Unlock()
	// Other requests may wait for this one: finish even if it is cancelled.
	rf.grant, rf.err = s.auth.Refresh(context.WithoutCancel(r.Context()), token)
	close(rf.done)
	return rf.grant, rf.err
}
