// Package auth knows who is calling: it registers accounts, signs them in
// with short-lived JWT access tokens and rotating refresh tokens, checks
// personal API tokens, and holds the roles and scopes that decide what a
// caller may do.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// Errors returned by the service. Their messages are fit for the caller.
var (
	ErrUnauthenticated    = errors.New("authentication required")
	ErrInvalidToken       = errors.New("invalid or expired token")
	ErrInvalidCredentials = errors.New("invalid e-mail address or password")
	ErrAccountDisabled    = errors.New("this account is disabled")
	ErrForbidden          = errors.New("you are not allowed to do this")
	ErrBusy               = errors.New("too many sign-ins in progress, try again shortly")
)

// RateLimitError says a caller must wait before trying again.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return "too many attempts, try again in " + e.RetryAfter.Round(time.Second).String()
}

// Seconds is the wait in whole seconds, rounded up, as a Retry-After
// header gives it.
func (e *RateLimitError) Seconds() int {
	return int((e.RetryAfter + time.Second - 1) / time.Second)
}

// Token prefixes make secrets recognisable (for people and secret scanners)
// and tell an API token from a JWT at a glance.
const (
	APITokenPrefix     = "rpt_"
	RefreshTokenPrefix = "rpr_"
)

// Lifetimes.
const (
	refreshTTL       = 30 * 24 * time.Hour // a refresh token unused this long expires
	sessionTTL       = 90 * 24 * time.Hour // a sign-in lasts at most this long
	tokenTouchPeriod = time.Minute         // how often an API token's last use is recorded
)

// Limits are the sign-in and registration rate limits. Sign-in counts
// failures only: a correct password costs nothing. A zero Rate does not
// limit.
type Limits struct {
	// FailuresPerAddress bounds failed sign-ins from one client address,
	// whatever the accounts.
	FailuresPerAddress ratelimit.Rate
	// FailuresPerAccountAddress bounds failed sign-ins on one account from
	// one client address.
	FailuresPerAccountAddress ratelimit.Rate
	// FailuresPerAccount bounds failed sign-ins on one account from
	// anywhere. Beyond it only addresses without a recent failure on the
	// account may try, so that an attack from elsewhere slows down but does
	// not lock the owner out.
	FailuresPerAccount ratelimit.Rate
	// RegisterPerIP bounds registrations from one client address.
	RegisterPerIP ratelimit.Rate
}

// DefaultLimits suit a hackathon venue where many people share one address.
func DefaultLimits() Limits {
	return Limits{
		FailuresPerAddress:        ratelimit.Rate{Burst: 30, Every: 4 * time.Second},
		FailuresPerAccountAddress: ratelimit.Rate{Burst: 10, Every: time.Minute},
		FailuresPerAccount:        ratelimit.Rate{Burst: 20, Every: 15 * time.Second},
		RegisterPerIP:             ratelimit.Rate{Burst: 10, Every: 6 * time.Second},
	}
}

// Service is the account and sign-in service.
type Service struct {
	store      *store.Store
	hasher     *Hasher
	tokens     *Tokens
	now        func() time.Time
	log        *slog.Logger
	failures   failures
	registerIP *ratelimit.Limiter
	touched    sync.Map // API token ID → time of the last recorded use
	mail       *mail.Composer
	reset      resetLimits
	verify     bool // registration proves addresses by e-mail
	// sessions is the per-process view of sessions (CacheSessions); nil
	// checks every access token's session in the database.
	sessions *sessionView
}

// NewService returns the service. now is its clock; nil means time.Now.
// Security events are logged once SetLogger is called.
func NewService(st *store.Store, h *Hasher, t *Tokens, limits Limits, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{
		store: st, hasher: h, tokens: t, now: now,
		log:        slog.New(slog.DiscardHandler),
		failures:   newFailures(limits, now),
		registerIP: ratelimit.New(limits.RegisterPerIP, now),
		reset:      newResetLimits(now),
	}
}

// newSecret returns a random token with a prefix, and its storage hash.
func newSecret(prefix string) (token, hash string) {
	token = prefix + rand.Text() + rand.Text()
	return token, hashSecret(token)
}

// hashSecret is how opaque tokens are stored: they carry 256 bits of
// randomness, so a plain SHA-256 is enough.
func hashSecret(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CanonicalEmail is the form an e-mail address is stored and looked up in.
func CanonicalEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func checkPassword(c *valid.Checker, password string) {
	c.Length(password, 8, 256, "password")
}

func allow(l *ratelimit.Limiter, key string) error {
	if ok, wait := l.Allow(key); !ok {
		return &RateLimitError{RetryAfter: max(wait, time.Second)}
	}
	return nil
}

// bearerUser builds the caller from an account. An account counts as
// verified whenever the service does not verify addresses.
func (s *Service) bearerUser(u store.User) User {
	return User{ID: u.ID, Email: u.Email, Name: u.Name, Role: Role(u.Role), CreatedAt: u.CreatedAt, Language: u.Language,
		Unverified: s.verify && u.VerifiedAt == nil}
}

// Authenticate checks a bearer credential — an access token or a personal
// API token — against the database, so that a disabled account, a changed
// role or a signed-out session count from the next request on; with
// CacheSessions, an access token's session is checked against the
// process's view of sessions, which changes made elsewhere reach within
// the view's bound.
func (s *Service) Authenticate(ctx context.Context, credential string) (User, error) {
	at := s.now()
	if strings.HasPrefix(credential, APITokenPrefix) {
		return s.authenticateAPIToken(ctx, credential, at)
	}
	claims, err := s.tokens.Parse(credential)
	if err != nil {
		return User{}, err
	}
	u, err := s.sessionUser(ctx, claims, at)
	if err := usable(u, err); err != nil {
		return User{}, err
	}
	caller := s.bearerUser(u)
	caller.SessionID = claims.SessionID
	return caller, nil
}

func (s *Service) authenticateAPIToken(ctx context.Context, credential string, at time.Time) (User, error) {
	if len(credential) > maxTokenLen {
		return User{}, ErrInvalidToken
	}
	tok, u, err := s.store.APITokenUser(ctx, hashSecret(credential), at)
	if err := usable(u, err); err != nil {
		return User{}, err
	}
	if last, ok := s.touched.Load(tok.ID); !ok || at.Sub(last.(time.Time)) >= tokenTouchPeriod {
		s.touched.Store(tok.ID, at)
		// Recording the last use is a courtesy; failing to must not fail the request.
		_ = s.store.TouchAPIToken(ctx, tok.ID, at.UTC())
	}
	caller := s.bearerUser(u)
	caller.TokenID = tok.ID
	caller.Scopes = tok.Scopes
	return caller, nil
}

// usable turns the lookup of a credential's account into the caller's
// error: an unknown credential is ErrInvalidToken, a disabled account
// ErrAccountDisabled.
func usable(u store.User, err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return ErrInvalidToken
	case err != nil:
		return err
	case u.Disabled:
		return ErrAccountDisabled
	}
	return nil
}
