package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MinSecretLen is the shortest signing secret accepted, in bytes.
const MinSecretLen = 32

// maxTokenLen bounds what is handed to the JWT parser; real access tokens
// are about 300 bytes.
const maxTokenLen = 2048

const (
	accessTokenType = "at+jwt"
	audience        = "riposte-api"
)

// Tokens issues and checks HS256 access tokens.
type Tokens struct {
	key    []byte
	issuer string
	ttl    time.Duration
	now    func() time.Time
	parser *jwt.Parser
	// verified remembers tokens that checked out, by their exact text.
	verified verifiedTokens
}

// leeway is the clock skew allowed on a token's times.
const leeway = 30 * time.Second

// maxVerified bounds the tokens remembered as verified; when full, they
// are forgotten all at once.
const maxVerified = 50_000

// verifiedTokens are access tokens whose signature, header and claims
// were found valid: the same bytes under the same key always are, so
// only their times are checked again. It spares each request decoding
// the token's JSON, about a fifth of an authenticated request's time.
type verifiedTokens struct {
	mu sync.RWMutex
	m  map[string]verifiedToken
}

// verifiedToken is what a verified token says, and when it is valid.
type verifiedToken struct {
	claims   Claims
	issuedAt time.Time
}

func (v *verifiedTokens) get(token string) (verifiedToken, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	vt, ok := v.m[token]
	return vt, ok
}

func (v *verifiedTokens) put(token string, vt verifiedToken) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil || len(v.m) >= maxVerified {
		v.m = make(map[string]verifiedToken)
	}
	v.m[token] = vt
}

// current reports whether a verified token is valid at now, as the
// parser's time checks would: issued before now, expiring after it,
// within the leeway.
func (vt verifiedToken) current(now time.Time) bool {
	return !now.Add(leeway).Before(vt.issuedAt) && now.Before(vt.claims.ExpiresAt.Add(leeway))
}

// Claims is what a valid access token says.
type Claims struct {
	UserID    int64
	SessionID string
	ExpiresAt time.Time
}

type accessClaims struct {
	jwt.RegisteredClaims
	SessionID string `json:"sid"`
}

// NewTokens returns an issuer of access tokens valid for ttl, signed with
// key (at least MinSecretLen bytes) and naming issuer. now is the clock;
// nil means time.Now.
func NewTokens(key []byte, issuer string, ttl time.Duration, now func() time.Time) (*Tokens, error) {
	if len(key) < MinSecretLen {
		return nil, fmt.Errorf("auth: signing secret is %d bytes, need at least %d", len(key), MinSecretLen)
	}
	if now == nil {
		now = time.Now
	}
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(now),
		jwt.WithStrictDecoding(),
	)
	return &Tokens{key: key, issuer: issuer, ttl: ttl, now: now, parser: parser}, nil
}

// TTL is how long an access token lives.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Issue returns a signed access token for a user's session.
func (t *Tokens) Issue(userID int64, sessionID string) (string, time.Time, error) {
	iat := t.now().Truncate(time.Second)
	exp := iat.Add(t.ttl)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Subject:   strconv.FormatInt(userID, 10),
			Audience:  jwt.ClaimStrings{audience},
			IssuedAt:  jwt.NewNumericDate(iat),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        rand.Text(),
		},
		SessionID: sessionID,
	})
	tok.Header["typ"] = accessTokenType
	s, err := tok.SignedString(t.key)
	return s, exp, err
}

// Parse checks an access token and returns its claims. Any fault — format,
// algorithm, signature, type, issuer, audience, times — is ErrInvalidToken.
// A token must say when it was issued and live no longer than the access
// token lifetime, so that whoever holds the signing key cannot mint tokens
// that outlast it.
func (t *Tokens) Parse(token string) (Claims, error) {
	if len(token) > maxTokenLen || strings.Count(token, ".") != 2 {
		return Claims{}, ErrInvalidToken
	}
	if vt, ok := t.verified.get(token); ok && vt.current(t.now()) {
		return vt.claims, nil
	}
	claims, iat, err := t.parse(token)
	if err != nil {
		return Claims{}, err
	}
	t.verified.put(token, verifiedToken{claims: claims, issuedAt: iat})
	return claims, nil
}

// parse checks an access token in full.
func (t *Tokens) parse(token string) (Claims, time.Time, error) {
	var c accessClaims
	parsed, err := t.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.key, nil })
	if err != nil {
		return Claims{}, time.Time{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if typ, _ := parsed.Header["typ"].(string); !strings.EqualFold(typ, accessTokenType) {
		return Claims{}, time.Time{}, fmt.Errorf("%w: token type %q", ErrInvalidToken, typ)
	}
	if err := t.checkLifetime(c.RegisteredClaims); err != nil {
		return Claims{}, time.Time{}, err
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || id <= 0 || c.SessionID == "" {
		return Claims{}, time.Time{}, errors.Join(ErrInvalidToken, err)
	}
	return Claims{UserID: id, SessionID: c.SessionID, ExpiresAt: c.ExpiresAt.Time}, c.IssuedAt.Time, nil
}

// checkLifetime refuses a token without an issue time or whose expiry is
// not within the access token lifetime of it. Issue writes exp = iat + ttl
// exactly, so no leeway is needed here; the parser's clock leeway still
// applies to both times against the clock.
func (t *Tokens) checkLifetime(c jwt.RegisteredClaims) error {
	if c.IssuedAt == nil {
		return fmt.Errorf("%w: no issue time", ErrInvalidToken)
	}
	if life := c.ExpiresAt.Sub(c.IssuedAt.Time); life <= 0 || life > t.ttl {
		return fmt.Errorf("%w: lifetime %v, at most %v", ErrInvalidToken, life, t.ttl)
	}
	return nil
}
