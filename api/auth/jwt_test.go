package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func newTestTokens(t *testing.T, now func() time.Time) *Tokens {
	t.Helper()
	tk, err := NewTokens(testKey, "https://riposte.test", 15*time.Minute, now)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestShortSecretRefused(t *testing.T) {
	if _, err := NewTokens([]byte("too-short"), "iss", time.Minute, nil); err == nil {
		t.Fatal("a 9-byte signing secret was accepted")
	}
}

func TestIssuedTokenParses(t *testing.T) {
	tk := newTestTokens(t, nil)
	s, exp, err := tk.Issue(42, "sess")
	if err != nil {
		t.Fatal(err)
	}
	c, err := tk.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	if c.UserID != 42 || c.SessionID != "sess" || !c.ExpiresAt.Equal(exp) {
		t.Fatalf("claims = %+v", c)
	}
	if d := time.Until(exp); d < 14*time.Minute || d > 15*time.Minute {
		t.Fatalf("token lives %v, want 15 minutes", d)
	}
}

// sign builds a token by hand so that each test can break one property.
func sign(t *testing.T, method jwt.SigningMethod, key any, header map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func goodClaims() jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"iss": "https://riposte.test", "aud": []string{"riposte-api"}, "sub": "42", "sid": "sess",
		"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "jti": "x",
	}
}

func with(c jwt.MapClaims, key string, v any) jwt.MapClaims {
	c = jwt.MapClaims(cloneMap(c))
	if v == nil {
		delete(c, key)
	} else {
		c[key] = v
	}
	return c
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestBadTokensRejected(t *testing.T) {
	tk := newTestTokens(t, nil)
	typ := map[string]any{"typ": "at+jwt"}
	good := sign(t, jwt.SigningMethodHS256, testKey, typ, goodClaims())
	if _, err := tk.Parse(good); err != nil {
		t.Fatalf("control token rejected: %v", err)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, goodClaims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + parts[1] + "." + flipLast(parts[2])
	otherPayload := strings.Split(sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "sub", "1")), ".")[1]

	cases := map[string]string{
		"alg none":             none,
		"HS512":                sign(t, jwt.SigningMethodHS512, append(testKey, testKey...), typ, goodClaims()),
		"ES256":                sign(t, jwt.SigningMethodES256, ecKey, typ, goodClaims()),
		"wrong key":            sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), typ, goodClaims()),
		"wrong issuer":         sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "iss", "https://evil.test")),
		"no issuer":            sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "iss", nil)),
		"wrong audience":       sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "aud", "someone-else")),
		"no audience":          sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "aud", nil)),
		"no expiry":            sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "exp", nil)),
		"expired":              sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "exp", time.Now().Add(-time.Hour).Unix())),
		"issued in the future": sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "iat", time.Now().Add(time.Hour).Unix())),
		"no issue time":        sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "iat", nil)),
		"lives a day":          sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "exp", time.Now().Add(24*time.Hour).Unix())),
		"lives a second too long": sign(t, jwt.SigningMethodHS256, testKey, typ,
			with(goodClaims(), "exp", time.Unix(goodClaims()["iat"].(int64), 0).Add(15*time.Minute+time.Second).Unix())),
		"issued long ago, still valid": sign(t, jwt.SigningMethodHS256, testKey, typ,
			with(goodClaims(), "iat", time.Now().Add(-time.Hour).Unix())),
		"expires before issue": sign(t, jwt.SigningMethodHS256, testKey, typ,
			with(with(goodClaims(), "iat", time.Now().Add(20*time.Second).Unix()), "exp", time.Now().Add(10*time.Second).Unix())),
		"no type":               sign(t, jwt.SigningMethodHS256, testKey, nil, goodClaims()),
		"wrong type":            sign(t, jwt.SigningMethodHS256, testKey, map[string]any{"typ": "JWT"}, goodClaims()),
		"no session":            sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "sid", nil)),
		"non-numeric subject":   sign(t, jwt.SigningMethodHS256, testKey, typ, with(goodClaims(), "sub", "admin")),
		"tampered signature":    tampered,
		"swapped payload":       parts[0] + "." + otherPayload + "." + parts[2],
		"empty":                 "",
		"garbage":               "not a token",
		"thousands of dots":     strings.Repeat(".", 5000),
		"10 KiB":                strings.Repeat("a", 10*1024),
		"10 KiB with two dots":  strings.Repeat("a", 5*1024) + "." + strings.Repeat("b", 5*1024) + ".c",
		"padding in signature":  good + "==",
		"extra segment":         good + ".x",
		"header not json":       "bm90IGpzb24." + parts[1] + "." + parts[2],
		"header of wrong types": sign(t, jwt.SigningMethodHS256, testKey, map[string]any{"typ": 7}, goodClaims()),
	}
	for name, token := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := tk.Parse(token)
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("Parse err = %v, want ErrInvalidToken", err)
			}
			if d := time.Since(start); d > 50*time.Millisecond {
				t.Logf("slow rejection: %v", d)
			}
		})
	}
}

func flipLast(s string) string {
	b := []byte(s)
	if b[len(b)-2] == 'A' {
		b[len(b)-2] = 'B'
	} else {
		b[len(b)-2] = 'A'
	}
	return string(b)
}

func TestTokenExpiresWithClock(t *testing.T) {
	clock := time.Now()
	tk := newTestTokens(t, func() time.Time { return clock })
	s, _, _ := tk.Issue(1, "s")
	clock = clock.Add(15*time.Minute + 31*time.Second)
	if _, err := tk.Parse(s); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("token accepted after its lifetime plus leeway: %v", err)
	}
}

func TestTokenLivingExactlyTheTTLAccepted(t *testing.T) {
	tk := newTestTokens(t, nil)
	iat := time.Now().Add(-time.Minute)
	claims := with(with(goodClaims(), "iat", iat.Unix()), "exp", iat.Add(15*time.Minute).Unix())
	if _, err := tk.Parse(sign(t, jwt.SigningMethodHS256, testKey, map[string]any{"typ": "at+jwt"}, claims)); err != nil {
		t.Fatalf("token living exactly the access TTL rejected: %v", err)
	}
}

// A token already verified is remembered, but its times are checked on
// every use.
func TestVerifiedTokenStillExpires(t *testing.T) {
	clock := time.Now()
	tk := newTestTokens(t, func() time.Time { return clock })
	s, _, _ := tk.Issue(1, "s")
	if _, err := tk.Parse(s); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(15*time.Minute + 29*time.Second)
	if c, err := tk.Parse(s); err != nil || c.UserID != 1 || c.SessionID != "s" {
		t.Fatalf("within the leeway: %+v, %v", c, err)
	}
	clock = clock.Add(2 * time.Second)
	if _, err := tk.Parse(s); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("a remembered token accepted after its lifetime plus leeway: %v", err)
	}
	clock = clock.Add(-time.Hour)
	if _, err := tk.Parse(s); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("a remembered token accepted before it was issued: %v", err)
	}
}
