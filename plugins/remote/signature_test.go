package remote

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The Standard Webhooks reference vector: a receiver using any Standard
// Webhooks library accepts what Riposte signs.
func TestSignMatchesTheStandardWebhooksVector(t *testing.T) {
	t.Parallel()
	got, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	if _, err := Sign("whsec_%%%", "msg_1", time.Now(), nil); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("Sign with a malformed secret: %v, want ErrInvalidSecret", err)
	}
}

func TestNewSecretIsRandomAndWellFormed(t *testing.T) {
	t.Parallel()
	a, b := newSecret(t), newSecret(t)
	if a == b {
		t.Fatal("two secrets are equal")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "whsec_"))
	if !strings.HasPrefix(a, "whsec_") || err != nil || len(key) != 32 {
		t.Errorf("secret %q: want whsec_ and the base64 of 32 bytes", a)
	}
}

// capture records the requests an Invoke sends.
type capture struct {
	header http.Header
	body   []byte
}

// signedCall makes a real call with Invoke and returns it as received.
func signedCall(t *testing.T, secret string) capture {
	t.Helper()
	got := make(chan capture, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- capture{r.Header.Clone(), body}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"output":null}`)
	}))
	defer srv.Close()
	c := New(Options{AllowPrivate: true})
	defer c.CloseIdleConnections()
	if _, err := c.Invoke(t.Context(), srv.URL, secret, json.RawMessage(`{"text":"Ceci est une rumeur"}`), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	return <-got
}

func (c capture) request(mutate func(h http.Header, body []byte) []byte) *http.Request {
	h, body := c.header.Clone(), bytes.Clone(c.body)
	if mutate != nil {
		body = mutate(h, body)
	}
	r := httptest.NewRequest(http.MethodPost, "/invoke", bytes.NewReader(body))
	r.Header = h
	return r
}

func TestVerifyAcceptsInvokeCalls(t *testing.T) {
	t.Parallel()
	secret := newSecret(t)
	call := signedCall(t, secret)
	r := call.request(nil)
	body, err := Verify(r, secret)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if want := `{"input":{"text":"Ceci est une rumeur"}}`; string(body) != want {
		t.Errorf("body = %s, want %s", body, want)
	}
	again, _ := io.ReadAll(r.Body)
	if !bytes.Equal(again, body) {
		t.Errorf("r.Body after Verify = %q, want the body again", again)
	}
}

func TestVerifyRejectsAlteredCalls(t *testing.T) {
	t.Parallel()
	secret := newSecret(t)
	call := signedCall(t, secret)
	resign := func(ts time.Time) func(http.Header, []byte) []byte {
		return func(h http.Header, body []byte) []byte {
			sig, err := Sign(secret, h.Get("webhook-id"), ts, body)
			if err != nil {
				t.Fatal(err)
			}
			h.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
			h.Set("webhook-signature", sig)
			return body
		}
	}
	tests := []struct {
		name   string
		secret string
		mutate func(h http.Header, body []byte) []byte
		ok     bool
	}{
		{"one byte of the body changed", secret, func(_ http.Header, body []byte) []byte {
			i := bytes.IndexByte(body, 'C')
			body[i] = 'c'
			return body
		}, false},
		{"a byte added to the body", secret, func(_ http.Header, body []byte) []byte { return append(body, ' ') }, false},
		{"the wrong secret", newSecret(t), nil, false},
		{"a timestamp older than 5 minutes", secret, resign(time.Now().Add(-5*time.Minute - 10*time.Second)), false},
		{"a timestamp more than 5 minutes ahead", secret, resign(time.Now().Add(5*time.Minute + 10*time.Second)), false},
		{"a timestamp 4 minutes old", secret, resign(time.Now().Add(-4 * time.Minute)), true},
		{"the timestamp changed but not the signature", secret, func(h http.Header, body []byte) []byte {
			ts, _ := strconv.ParseInt(h.Get("webhook-timestamp"), 10, 64)
			h.Set("webhook-timestamp", strconv.FormatInt(ts-1, 10))
			return body
		}, false},
		{"another webhook-id", secret, func(h http.Header, body []byte) []byte {
			h.Set("webhook-id", "msg_other")
			return body
		}, false},
		{"no webhook-id", secret, func(h http.Header, body []byte) []byte { h.Del("webhook-id"); return body }, false},
		{"no webhook-timestamp", secret, func(h http.Header, body []byte) []byte { h.Del("webhook-timestamp"); return body }, false},
		{"no webhook-signature", secret, func(h http.Header, body []byte) []byte { h.Del("webhook-signature"); return body }, false},
		{"a timestamp that is not a number", secret, func(h http.Header, body []byte) []byte {
			h.Set("webhook-timestamp", "yesterday")
			return body
		}, false},
		{"the right signature under another scheme", secret, func(h http.Header, body []byte) []byte {
			h.Set("webhook-signature", "v1a,"+strings.TrimPrefix(h.Get("webhook-signature"), "v1,"))
			return body
		}, false},
		{"a rotated secret: one of several signatures matches", secret, func(h http.Header, body []byte) []byte {
			h.Set("webhook-signature", "v1,AAAA v1,not-base64 "+h.Get("webhook-signature"))
			return body
		}, true},
		{"a body over MaxRequestBody", secret, func(h http.Header, body []byte) []byte {
			return resign(time.Now())(h, bytes.Repeat([]byte("a"), MaxRequestBody+1))
		}, false},
	}
	for _, tt := range tests {
		_, err := Verify(call.request(tt.mutate), tt.secret)
		switch {
		case tt.ok && err != nil:
			t.Errorf("%s: %v, want it accepted", tt.name, err)
		case !tt.ok && !errors.Is(err, ErrSignature):
			t.Errorf("%s: %v, want ErrSignature", tt.name, err)
		}
	}
	if _, err := Verify(call.request(nil), "whsec_!"); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("a malformed secret: %v, want ErrInvalidSecret", err)
	}
}
