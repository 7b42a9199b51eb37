package remote

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Tolerance is how far a webhook-timestamp may be from the receiver's clock,
// either way, for Verify to accept the call.
const Tolerance = 5 * time.Minute

// MaxRequestBody is the largest request body Invoke sends and Verify reads.
const MaxRequestBody = 1 << 20

// secretPrefix starts every secret, as in Standard Webhooks.
const secretPrefix = "whsec_"

// ErrSignature is wrapped by every error of Verify about the request: a
// missing or malformed header, a timestamp outside Tolerance, a body too
// large, or no signature that matches.
var ErrSignature = errors.New("invalid webhook signature")

// ErrInvalidSecret is returned for a secret that is not "whsec_" followed by
// standard base64. The message never repeats the secret.
var ErrInvalidSecret = errors.New("invalid plugin secret: want whsec_ followed by base64")

// NewSecret returns a new signing secret: "whsec_" and the standard base64 of
// 32 random bytes.
func NewSecret() (string, error) {
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		return "", fmt.Errorf("generating a plugin secret: %w", err)
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(key[:]), nil
}

// Sign returns the webhook-signature header value of a call: "v1," and the
// standard base64 of the HMAC-SHA256, keyed with the decoded secret, of the
// message id, the timestamp in unix seconds and the body, joined by dots.
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, id, ts.Unix(), body)), nil
}

// Verify checks that r is a call signed with secret, for plugin authors: the
// webhook-id, webhook-timestamp and webhook-signature headers must be there,
// the timestamp within Tolerance of now, and one of the signatures (the
// header may hold several, separated by spaces, while a secret is rotated)
// must match the body. It reads the body, up to MaxRequestBody, returns it,
// and leaves r.Body readable again from the start. Errors about the request
// wrap ErrSignature; a malformed secret gives ErrInvalidSecret.
//
// Verify does not remember webhook-id values: a plugin that must not act
// twice on the same call can keep those it saw within Tolerance.
func Verify(r *http.Request, secret string) ([]byte, error) {
	return verifyAt(r, secret, time.Now())
}

func verifyAt(r *http.Request, secret string, now time.Time) ([]byte, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return nil, err
	}
	id, tsText, sigs := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	for _, h := range []struct{ name, value string }{{"webhook-id", id}, {"webhook-timestamp", tsText}, {"webhook-signature", sigs}} {
		if h.value == "" {
			return nil, fmt.Errorf("%w: missing %s header", ErrSignature, h.name)
		}
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: webhook-timestamp is not unix seconds", ErrSignature)
	}
	switch d := now.Sub(time.Unix(ts, 0)); {
	case d > Tolerance:
		return nil, fmt.Errorf("%w: webhook-timestamp is more than %s old", ErrSignature, Tolerance)
	case d < -Tolerance:
		return nil, fmt.Errorf("%w: webhook-timestamp is more than %s in the future", ErrSignature, Tolerance)
	}
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	want := mac(key, id, ts, body)
	for _, sig := range strings.Fields(sigs) {
		version, value, _ := strings.Cut(sig, ",")
		if version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(value)
		if err == nil && hmac.Equal(got, want) {
			return body, nil
		}
	}
	return nil, fmt.Errorf("%w: no v1 signature matches", ErrSignature)
}

// readBody reads r.Body, up to MaxRequestBody, and puts it back.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBody+1))
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: reading the body: %w", ErrSignature, err)
	}
	if len(body) > MaxRequestBody {
		return nil, fmt.Errorf("%w: body larger than %d bytes", ErrSignature, MaxRequestBody)
	}
	return body, nil
}

// decodeSecret returns the HMAC key of a secret. Like the Standard Webhooks
// libraries, it accepts the base64 part without its prefix too.
func decodeSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil || len(key) == 0 {
		return nil, ErrInvalidSecret
	}
	return key, nil
}

// mac is the HMAC-SHA256 of "id.timestamp.body".
func mac(key []byte, id string, ts int64, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	var buf [24]byte
	h.Write([]byte(id))
	h.Write(append(strconv.AppendInt(append(buf[:0], '.'), ts, 10), '.'))
	h.Write(body)
	return h.Sum(nil)
}
