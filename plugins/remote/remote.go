// Package remote calls plugins that run as HTTP services (runtime type
// http), and gives their authors what they need to check that a call comes
// from Riposte.
//
// # The protocol
//
// To invoke a plugin, Riposte POSTs to the endpoint of its manifest
// (runtime.endpoint) the input it was given, already validated against the
// plugin's input_schema, wrapped in an object:
//
//	POST /your/endpoint HTTP/1.1
//	Content-Type: application/json
//	Accept: application/json
//	webhook-id: msg_2RJQ7VDGBTWK4ZQ3NSKXZMLA5E
//	webhook-timestamp: 1767225600
//	webhook-signature: v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=
//
//	{"input":{"text":"…"}}
//
// The headers follow Standard Webhooks (https://www.standardwebhooks.com):
// webhook-id is unique to the call, webhook-timestamp is the time of the
// call in unix seconds, and webhook-signature is "v1," followed by the
// standard base64 of the HMAC-SHA256 of the string
// "<webhook-id>.<webhook-timestamp>.<body>", keyed with the plugin's secret.
// The secret, shown once to the plugin's owner by
// POST /api/v1/plugins/{slug}/secret, reads "whsec_<base64>"; the key is the
// base64-decoded part. A plugin should refuse calls that Verify (or any
// Standard Webhooks library) rejects. The body never exceeds MaxRequestBody.
//
// The plugin answers, within the timeout of its manifest
// (runtime.timeout_ms), with a 2xx status, Content-Type application/json and
// a JSON object whose "output" member holds its result, which must match its
// output_schema:
//
//	HTTP/1.1 200 OK
//	Content-Type: application/json
//
//	{"output":{"score":0.93}}
//
// Anything else is a fault of the plugin: another status, another content
// type, a body that is not such an object or is larger than 1 MiB, no answer
// in time. Redirects are never followed.
//
// # Addresses
//
// A Client refuses endpoints that are not https and any host that is, or
// resolves to, a loopback, private, link-local, carrier-grade NAT,
// unique-local, multicast or otherwise reserved address, or a cloud metadata
// name, so that a manifest cannot turn Riposte against its own network. The
// check happens when connecting, on each address the name resolves to, and
// the connection goes to the checked address. Options.AllowPrivate lifts it,
// for local development and tests.
package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// DefaultMaxResponse is the response cap of a Client whose Options leave
// MaxResponse at zero.
const DefaultMaxResponse = 1 << 20

// DefaultTimeout bounds a call given no timeout.
const DefaultTimeout = 5 * time.Second

var (
	// ErrTimeout is wrapped when the plugin did not answer in time: within
	// the call's timeout or before the context's deadline.
	ErrTimeout = errors.New("plugin timed out")
	// ErrRefused is wrapped when the endpoint may not be called: it is not
	// https (without AllowPrivate), it is or resolves to a forbidden address,
	// or it answers with a redirect.
	ErrRefused = errors.New("plugin endpoint refused")
	// ErrMisbehaved is wrapped for the plugin's other faults: a status other
	// than 2xx, a content type other than JSON, a body too large, not JSON,
	// not an object or without "output", a host that does not resolve, a
	// connection refused or reset, a TLS failure.
	ErrMisbehaved = errors.New("plugin misbehaved")
	// ErrInputTooLarge is returned when the request body would exceed
	// MaxRequestBody; the plugin is not called.
	ErrInputTooLarge = errors.New("plugin input too large")
)

// errInvalidInput is returned for an input that is not JSON: a caller's bug.
var errInvalidInput = errors.New("plugin input is not valid JSON")

// Options configure a Client.
type Options struct {
	// AllowPrivate allows plain http and every address: loopback, private,
	// link-local… For local development and tests only.
	AllowPrivate bool
	// MaxResponse caps response bodies, in bytes; 0 (or less) means
	// DefaultMaxResponse.
	MaxResponse int64
	// UserAgent is sent with every call; empty means "Riposte".
	UserAgent string
}

// Client invokes remote plugins. It keeps connections alive between calls
// and is safe for concurrent use; make one and share it.
type Client struct {
	client       *http.Client
	transport    *http.Transport
	allowPrivate bool
	maxResponse  int64
	userAgent    string

	// lookup and dial are the network, replaced in tests: lookup resolves a
	// name, dial connects to an "ip:port" already checked.
	lookup func(ctx context.Context, network, host string) ([]netip.Addr, error)
	dial   func(ctx context.Context, network, address string) (net.Conn, error)
}

// New returns a Client.
func New(o Options) *Client {
	c := &Client{
		allowPrivate: o.AllowPrivate,
		maxResponse:  o.MaxResponse,
		userAgent:    o.UserAgent,
		lookup:       net.DefaultResolver.LookupNetIP,
	}
	if c.maxResponse <= 0 {
		c.maxResponse = DefaultMaxResponse
	}
	if c.userAgent == "" {
		c.userAgent = "Riposte"
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !o.AllowPrivate {
		dialer.Control = controlAddr
	}
	c.dial = dialer.DialContext
	c.transport = &http.Transport{
		Proxy:                  nil, // never through a proxy from the environment
		DialContext:            c.dialContext,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  60 * time.Second, // calls have their own, shorter, timeout
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           512,
		MaxIdleConnsPerHost:    64,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	c.client = &http.Client{
		Transport: c.transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return c
}

// CloseIdleConnections closes the connections kept alive for later calls.
func (c *Client) CloseIdleConnections() { c.transport.CloseIdleConnections() }

// Invoke POSTs {"input":<input>} to endpoint, signed with secret, and returns
// the plugin's output: the raw value of the "output" member of its answer.
// The call ends after timeout (DefaultTimeout when zero or less) or when ctx
// ends. Plugin faults wrap ErrTimeout, ErrRefused or ErrMisbehaved (see
// each); a canceled ctx gives an error wrapping context.Canceled; a bad
// secret gives ErrInvalidSecret, an input over MaxRequestBody
// ErrInputTooLarge. Errors never hold the secret, the input or the output.
func (c *Client) Invoke(ctx context.Context, endpoint, secret string, input json.RawMessage, timeout time.Duration) (json.RawMessage, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return nil, err
	}
	body, err := requestBody(input)
	if err != nil {
		return nil, err
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := c.newRequest(callCtx, endpoint, key, body)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, callError(ctx, callCtx, err, start)
	}
	defer resp.Body.Close()
	out, err := c.readOutput(resp)
	if err != nil {
		return nil, callError(ctx, callCtx, err, start)
	}
	return out, nil
}

// requestBody wraps input as {"input":…}.
func requestBody(input json.RawMessage) ([]byte, error) {
	const head, tail = `{"input":`, `}`
	if len(head)+len(input)+len(tail) > MaxRequestBody {
		return nil, ErrInputTooLarge
	}
	if !json.Valid(input) {
		return nil, errInvalidInput
	}
	body := make([]byte, 0, len(head)+len(input)+len(tail))
	return append(append(append(body, head...), input...), tail...), nil
}

// newRequest checks the endpoint and builds the signed request.
func (c *Client) newRequest(ctx context.Context, endpoint string, key, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: the endpoint is not a valid URL", ErrRefused)
	}
	switch req.URL.Scheme {
	case "https":
	case "http":
		if !c.allowPrivate {
			return nil, fmt.Errorf("%w: the endpoint must use https", ErrRefused)
		}
	default:
		return nil, fmt.Errorf("%w: the endpoint must be an https URL", ErrRefused)
	}
	if req.URL.Host == "" {
		return nil, fmt.Errorf("%w: the endpoint has no host", ErrRefused)
	}
	if !c.allowPrivate {
		if err := checkHost(req.URL.Hostname()); err != nil {
			return nil, err
		}
	}
	id := "msg_" + rand.Text()
	ts := time.Now().Unix()
	h := req.Header
	h["Content-Type"] = []string{"application/json"}
	h["Accept"] = []string{"application/json"}
	h["User-Agent"] = []string{c.userAgent}
	h["Webhook-Id"] = []string{id}
	h["Webhook-Timestamp"] = []string{strconv.FormatInt(ts, 10)}
	h["Webhook-Signature"] = []string{"v1," + base64.StdEncoding.EncodeToString(mac(key, id, ts, body))}
	return req, nil
}

// readOutput checks a response and returns its "output" member.
func (c *Client) readOutput(resp *http.Response) (json.RawMessage, error) {
	if code := resp.StatusCode; code < 200 || code > 299 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10)) // lets a small answer keep the connection
		if code >= 300 && code <= 399 {
			return nil, fmt.Errorf("%w: it answers with a redirect (status %d), which is never followed", ErrRefused, code)
		}
		return nil, fmt.Errorf("%w: status %d %s", ErrMisbehaved, code, http.StatusText(code))
	}
	if ct := resp.Header.Get("Content-Type"); !isJSON(ct) {
		return nil, fmt.Errorf("%w: content type %.64q, want application/json", ErrMisbehaved, ct)
	}
	if resp.ContentLength > c.maxResponse {
		return nil, fmt.Errorf("%w: response of %d bytes, more than the %d allowed", ErrMisbehaved, resp.ContentLength, c.maxResponse)
	}
	buf := getBuffer()
	defer putBuffer(buf)
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, c.maxResponse+1))
	if err != nil {
		return nil, err
	}
	if n > c.maxResponse {
		return nil, fmt.Errorf("%w: response larger than the %d bytes allowed", ErrMisbehaved, c.maxResponse)
	}
	return decodeOutput(buf.Bytes())
}

// decodeOutput returns the "output" member of a response body, copied.
func decodeOutput(data []byte) (json.RawMessage, error) {
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: the response is not a JSON object", ErrMisbehaved)
	}
	var answer struct {
		Output json.RawMessage `json:"output"`
	}
	if err := json.Unmarshal(data, &answer); err != nil {
		// Not the decoder's message, which quotes the output.
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, fmt.Errorf("%w: the response is not valid JSON (at byte %d)", ErrMisbehaved, syntax.Offset)
		}
		return nil, fmt.Errorf("%w: the response is not valid JSON", ErrMisbehaved)
	}
	if answer.Output == nil {
		return nil, fmt.Errorf(`%w: the response has no "output" member`, ErrMisbehaved)
	}
	return answer.Output, nil
}

// isJSON reports whether a Content-Type is application/json.
func isJSON(ct string) bool {
	if ct == "application/json" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// callError turns what went wrong in a call into one of the package's
// errors, without the URL that *url.Error would repeat.
func callError(parent, call context.Context, err error, start time.Time) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	switch {
	case errors.Is(err, ErrRefused) || errors.Is(err, ErrMisbehaved) || errors.Is(err, ErrTimeout):
		return err
	case errors.Is(parent.Err(), context.Canceled):
		return fmt.Errorf("plugin call canceled: %w", context.Canceled)
	case call.Err() != nil || (errors.As(err, &ne) && ne.Timeout()):
		return fmt.Errorf("%w: no answer after %s", ErrTimeout, time.Since(start).Round(time.Millisecond))
	}
	return fmt.Errorf("%w: %w", ErrMisbehaved, err)
}

// Response buffers are reused; those grown by a large answer are dropped.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 64<<10 {
		return
	}
	b.Reset()
	buffers.Put(b)
}
