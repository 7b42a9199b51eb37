package remote

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// publicIP is where the fake network puts "public" hosts; the test network
// routes it to a local server, so nothing leaves the machine.
const publicIP = "93.184.215.14"

// testNet stands in for DNS and the wire: names resolve through hosts, and
// dials to an "ip:port" in routes go to the local address it maps to. Any
// other dial fails. Every dial is recorded.
type testNet struct {
	hosts  map[string][]string
	routes map[string]string

	mu     sync.Mutex
	dialed []string
}

func (n *testNet) lookup(_ context.Context, _, host string) ([]netip.Addr, error) {
	var ips []netip.Addr
	for _, s := range n.hosts[host] {
		ips = append(ips, netip.MustParseAddr(s))
	}
	if ips == nil {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return ips, nil
}

func (n *testNet) dial(ctx context.Context, network, address string) (net.Conn, error) {
	n.mu.Lock()
	n.dialed = append(n.dialed, address)
	n.mu.Unlock()
	to, ok := n.routes[address]
	if !ok {
		return nil, fmt.Errorf("test network: no route to %s", address)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, to)
}

func (n *testNet) dials() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.dialed...)
}

// newTestClient returns a Client on the test network that trusts the
// certificates of servers.
func newTestClient(tb testing.TB, o Options, n *testNet, servers ...*httptest.Server) *Client {
	tb.Helper()
	c := New(o)
	c.lookup, c.dial = n.lookup, n.dial
	if len(servers) > 0 {
		pool := x509.NewCertPool()
		for _, s := range servers {
			pool.AddCert(s.Certificate())
		}
		c.transport.TLSClientConfig.RootCAs = pool
	}
	tb.Cleanup(c.CloseIdleConnections)
	return c
}

// countingServer counts the requests it receives and answers with h.
func countingServer(tb testing.TB, tls bool, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	tb.Helper()
	var hits atomic.Int64
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	})
	var s *httptest.Server
	if tls {
		s = httptest.NewTLSServer(handler)
	} else {
		s = httptest.NewServer(handler)
	}
	tb.Cleanup(s.Close)
	return s, &hits
}

// echo is a plugin that checks signatures and answers {"output":{"echo":input}}.
func echo(secret string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := Verify(r, secret)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var call struct {
			Input json.RawMessage `json:"input"`
		}
		if err := json.Unmarshal(body, &call); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"output":{"echo":%s}}`, call.Input)
	}
}

func newSecret(tb testing.TB) string {
	tb.Helper()
	s, err := NewSecret()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestInvokeSendsSignedCallsAndReturnsTheOutput(t *testing.T) {
	t.Parallel()
	secret := newSecret(t)
	var (
		mu      sync.Mutex
		headers []http.Header
	)
	srv, _ := countingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		headers = append(headers, r.Header.Clone())
		mu.Unlock()
		echo(secret)(w, r)
	})
	c := New(Options{AllowPrivate: true, UserAgent: "riposte-test"})
	defer c.CloseIdleConnections()

	for range 2 {
		out, err := c.Invoke(t.Context(), srv.URL+"/invoke", secret, json.RawMessage(`{"text":"bonjour"}`), 5*time.Second)
		if err != nil {
			t.Fatalf("Invoke: %v", err)
		}
		if want := `{"echo":{"text":"bonjour"}}`; string(out) != want {
			t.Errorf("output = %s, want %s", out, want)
		}
	}
	for name, want := range map[string]string{"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "riposte-test"} {
		if got := headers[0].Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if id := headers[0].Get("webhook-id"); !strings.HasPrefix(id, "msg_") || id == headers[1].Get("webhook-id") {
		t.Errorf("webhook-id %q then %q, want distinct msg_ ids", id, headers[1].Get("webhook-id"))
	}
}

func TestInvokeReturnsAnyJSONOutput(t *testing.T) {
	t.Parallel()
	for _, output := range []string{`{"a":[1,2]}`, `[1,"two"]`, `"text"`, `42`, `true`, `null`} {
		srv, _ := countingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			fmt.Fprintf(w, "{\"output\": %s}\n", output)
		})
		c := New(Options{AllowPrivate: true})
		got, err := c.Invoke(t.Context(), srv.URL, newSecret(t), json.RawMessage(`{}`), 5*time.Second)
		if err != nil || string(got) != output {
			t.Errorf("output %s: got %s, %v", output, got, err)
		}
		c.CloseIdleConnections()
	}
}

func TestInvokeAcceptsAResponseOfExactlyMaxResponse(t *testing.T) {
	t.Parallel()
	const max = 4 << 10
	body := `{"output":"` + strings.Repeat("a", max-len(`{"output":""}`)) + `"}`
	srv, _ := countingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
		if r.URL.Path == "/over" {
			io.WriteString(w, " ")
		}
	})
	c := New(Options{AllowPrivate: true, MaxResponse: max})
	defer c.CloseIdleConnections()
	if _, err := c.Invoke(t.Context(), srv.URL, newSecret(t), json.RawMessage(`{}`), 5*time.Second); err != nil {
		t.Errorf("a %d-byte response with MaxResponse %d: %v", len(body), max, err)
	}
	if _, err := c.Invoke(t.Context(), srv.URL+"/over", newSecret(t), json.RawMessage(`{}`), 5*time.Second); !errors.Is(err, ErrMisbehaved) {
		t.Errorf("a response one byte over MaxResponse: %v, want ErrMisbehaved", err)
	}
}

// Endpoints that are, or resolve to, forbidden addresses are refused before
// anything is sent: the server listening there never sees a request.
func TestInvokeRefusesForbiddenEndpoints(t *testing.T) {
	t.Parallel()
	secret := newSecret(t)
	srv, hits := countingServer(t, true, echo(secret))
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	srv6, hits6 := listenIPv6(t, echo(secret))
	n := &testNet{
		hosts: map[string][]string{
			"evil.example":             {"127.0.0.1"},
			"rebind.example.com":       {publicIP, "10.0.0.1"},
			"mapped.example.com":       {"::ffff:169.254.169.254"},
			"nat64.example.com":        {"64:ff9b::a9fe:a9fe"},
			"metadata.google.internal": {publicIP},
			"plugin.example.com":       {publicIP},
			"localhost":                {"127.0.0.1"},
		},
		routes: map[string]string{
			publicIP + ":443":                    srv.Listener.Addr().String(),
			fmt.Sprintf("127.0.0.1:%d", port):    srv.Listener.Addr().String(),
			fmt.Sprintf("%s:%d", publicIP, port): srv.Listener.Addr().String(),
		},
	}
	c := newTestClient(t, Options{}, n, srv)
	endpoints := []string{
		fmt.Sprintf("https://127.0.0.1:%d/", port),
		fmt.Sprintf("https://localhost:%d/", port),
		fmt.Sprintf("https://LocalHost.:%d/", port),
		fmt.Sprintf("https://[::ffff:127.0.0.1]:%d/", port),
		fmt.Sprintf("https://[::ffff:7f00:1]:%d/", port),
		fmt.Sprintf("https://0.0.0.0:%d/", port),
		fmt.Sprintf("https://evil.example:%d/", port),
		"https://10.0.0.1/",
		"https://169.254.169.254/latest/meta-data/",
		"https://[fd00:ec2::254]/latest/meta-data/",
		"https://100.100.100.200/latest/meta-data/",
		"https://metadata.google.internal/computeMetadata/v1/",
		"https://metadata/computeMetadata/v1/",
		"https://rebind.example.com/",
		"https://mapped.example.com/",
		"https://nat64.example.com/",
		"http://plugin.example.com/",
		fmt.Sprintf("http://plugin.example.com:%d/", port),
		"ftp://plugin.example.com/",
		"plugin.example.com/invoke",
		"https:///invoke",
	}
	if srv6 != nil {
		endpoints = append(endpoints, "https://"+srv6.Listener.Addr().String()+"/")
	} else {
		endpoints = append(endpoints, "https://[::1]:443/")
	}
	for _, endpoint := range endpoints {
		start := time.Now()
		_, err := c.Invoke(t.Context(), endpoint, secret, json.RawMessage(`{"text":"x"}`), 5*time.Second)
		if !errors.Is(err, ErrRefused) {
			t.Errorf("Invoke(%s) = %v, want ErrRefused", endpoint, err)
			continue
		}
		if strings.Contains(err.Error(), strings.TrimPrefix(secret, "whsec_")) {
			t.Errorf("Invoke(%s): the error %q holds the secret", endpoint, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Invoke(%s) took %s to refuse", endpoint, d)
		}
	}
	if d := n.dials(); len(d) > 0 {
		t.Errorf("dialled %v", d)
	}
	if hits.Load() > 0 || (hits6 != nil && hits6.Load() > 0) {
		t.Errorf("the server received %d requests", hits.Load())
	}

	// The same network lets a public address through, so the refusals above
	// are the policy's doing.
	out, err := c.Invoke(t.Context(), fmt.Sprintf("https://plugin.example.com:%d/", port), secret, json.RawMessage(`1`), 5*time.Second)
	if err != nil || string(out) != `{"echo":1}` {
		t.Errorf("public endpoint: got %s, %v", out, err)
	}
}

// The real resolver and dialer refuse loopback too.
func TestInvokeRefusesLoopbackWithTheSystemResolver(t *testing.T) {
	t.Parallel()
	secret := newSecret(t)
	srv, hits := countingServer(t, true, echo(secret))
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	c := New(Options{})
	defer c.CloseIdleConnections()
	for _, endpoint := range []string{
		srv.URL,
		fmt.Sprintf("https://localhost:%d/", port),
		fmt.Sprintf("http://127.0.0.1:%d/", port),
	} {
		if _, err := c.Invoke(t.Context(), endpoint, secret, json.RawMessage(`{}`), 5*time.Second); !errors.Is(err, ErrRefused) {
			t.Errorf("Invoke(%s) = %v, want ErrRefused", endpoint, err)
		}
	}
	if hits.Load() > 0 {
		t.Errorf("the server received %d requests", hits.Load())
	}
}

// listenIPv6 starts a TLS server on [::1], or returns nil where IPv6 is off.
func listenIPv6(tb testing.TB, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	tb.Helper()
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		return nil, nil
	}
	var hits atomic.Int64
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	s.Listener.Close()
	s.Listener = ln
	s.StartTLS()
	tb.Cleanup(s.Close)
	return s, &hits
}

// A public endpoint that redirects is refused, wherever the redirect points,
// and the redirect is not followed.
func TestInvokeRefusesRedirects(t *testing.T) {
	t.Parallel()
	secret := newSecret(t)
	private, privateHits := countingServer(t, false, echo(secret))
	var targetHits atomic.Int64
	public, _ := countingServer(t, true, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			echo(secret)(w, r)
		case "/target":
			targetHits.Add(1)
			echo(secret)(w, r)
		default: // /301/<url>, /307/<url>…
			code, to, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
			var status int
			fmt.Sscan(code, &status)
			http.Redirect(w, r, to, status)
		}
	})
	n := &testNet{
		hosts:  map[string][]string{"plugin.example.com": {publicIP}},
		routes: map[string]string{publicIP + ":443": public.Listener.Addr().String()},
	}
	c := newTestClient(t, Options{}, n, public)

	if out, err := c.Invoke(t.Context(), "https://plugin.example.com/ok", secret, json.RawMessage(`2`), 5*time.Second); err != nil || string(out) != `{"echo":2}` {
		t.Fatalf("the public endpoint itself: got %s, %v", out, err)
	}
	for _, path := range []string{
		"/302/" + private.URL + "/",
		"/307/http://127.0.0.1:1/",
		"/308/https://169.254.169.254/latest/meta-data/",
		"/301/https://plugin.example.com/target",
		"/303/target",
	} {
		_, err := c.Invoke(t.Context(), "https://plugin.example.com"+path, secret, json.RawMessage(`{}`), 5*time.Second)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "redirect") {
			t.Errorf("redirect %s: %v, want ErrRefused about a redirect", path, err)
		}
	}
	if privateHits.Load() > 0 || targetHits.Load() > 0 {
		t.Errorf("a redirect was followed: private server %d requests, target %d", privateHits.Load(), targetHits.Load())
	}
	for _, d := range n.dials() {
		if d != publicIP+":443" {
			t.Errorf("dialled %s", d)
		}
	}

	// Not even with AllowPrivate.
	lc := New(Options{AllowPrivate: true})
	defer lc.CloseIdleConnections()
	redirecting, _ := countingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, private.URL, http.StatusFound)
	})
	if _, err := lc.Invoke(t.Context(), redirecting.URL, secret, json.RawMessage(`{}`), 5*time.Second); !errors.Is(err, ErrRefused) {
		t.Errorf("redirect with AllowPrivate: %v, want ErrRefused", err)
	}
	if privateHits.Load() > 0 {
		t.Error("the redirect was followed with AllowPrivate")
	}
}

func TestInvokeRefusesPlainHTTPWithoutAllowPrivate(t *testing.T) {
	t.Parallel()
	secret := newSecret(t)
	srv, hits := countingServer(t, false, echo(secret))
	n := &testNet{
		hosts:  map[string][]string{"plugin.example.com": {publicIP}},
		routes: map[string]string{publicIP + ":80": srv.Listener.Addr().String()},
	}
	c := newTestClient(t, Options{}, n)
	_, err := c.Invoke(t.Context(), "http://plugin.example.com/", secret, json.RawMessage(`{}`), 5*time.Second)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "https") {
		t.Errorf("plain http: %v, want ErrRefused asking for https", err)
	}
	if hits.Load() > 0 || len(n.dials()) > 0 {
		t.Errorf("the plain http endpoint was called")
	}

	lc := New(Options{AllowPrivate: true})
	defer lc.CloseIdleConnections()
	if _, err := lc.Invoke(t.Context(), srv.URL, secret, json.RawMessage(`{}`), 5*time.Second); err != nil {
		t.Errorf("plain http with AllowPrivate: %v", err)
	}
}

func TestInvokeTimesOut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow, _ := countingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		case <-time.After(20 * time.Second):
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"output":"late"}`)
	})
	slowBody, _ := countingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"output":`)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		case <-time.After(20 * time.Second):
		}
		io.WriteString(w, `"late"}`)
	})
	t.Cleanup(func() { close(release) }) // before the servers close
	c := New(Options{AllowPrivate: true})
	defer c.CloseIdleConnections()
	secret := newSecret(t)
	const timeout = 300 * time.Millisecond

	deadlineCtx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		endpoint string
		timeout  time.Duration
	}{
		{"no answer within the timeout", t.Context(), slow.URL, timeout},
		{"headers then nothing", t.Context(), slowBody.URL, timeout},
		{"no answer before the context's deadline", deadlineCtx, slow.URL, 30 * time.Second},
	}
	for _, tt := range tests {
		start := time.Now()
		_, err := c.Invoke(tt.ctx, tt.endpoint, secret, json.RawMessage(`{}`), tt.timeout)
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("%s: %v, want ErrTimeout", tt.name, err)
		}
		if d := time.Since(start); d > timeout+2*time.Second {
			t.Errorf("%s: returned after %s", tt.name, d)
		}
	}

	ctx, cancelNow := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancelNow)
	_, err := c.Invoke(ctx, slow.URL, secret, json.RawMessage(`{}`), 30*time.Second)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrMisbehaved) {
		t.Errorf("canceled call: %v, want context.Canceled and no plugin fault", err)
	}
}

func TestInvokeReportsMisbehaviour(t *testing.T) {
	t.Parallel()
	big := `{"output":"` + strings.Repeat("a", 2<<20) + `"}`
	tests := []struct {
		name    string
		handler http.HandlerFunc
		say     string
	}{
		{"a 500", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"output":1}`)
		}, "status 500"},
		{"a 404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, "status 404"},
		{"a 2 MiB response", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			io.WriteString(w, big)
		}, "bytes"},
		{"a 2 MiB response of unknown length", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, big[:10])
			w.(http.Flusher).Flush()
			io.WriteString(w, big[10:])
		}, "larger than"},
		{"invalid JSON", jsonAnswer(`{"output": [1,}`), "not valid JSON"},
		{"truncated JSON", jsonAnswer(`{"output": "abc`), "not valid JSON"},
		{"trailing data", jsonAnswer(`{"output": 1} {"output": 2}`), "not valid JSON"},
		{"an empty body", jsonAnswer(``), "not a JSON object"},
		{"an array", jsonAnswer(`[{"output": 1}]`), "not a JSON object"},
		{"null", jsonAnswer(`null`), "not a JSON object"},
		{"no output", jsonAnswer(`{"result": 1}`), `no "output"`},
		{"another content type", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, `{"output":1}`)
		}, "content type"},
		{"no content type", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil
			io.WriteString(w, `{"output":1}`)
		}, "content type"},
		{"a reset connection", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				panic(err)
			}
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}, ""},
		{"a closed connection", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				panic(err)
			}
			conn.Close()
		}, ""},
	}
	secret := newSecret(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := countingServer(t, false, tt.handler)
			c := New(Options{AllowPrivate: true})
			defer c.CloseIdleConnections()
			out, err := c.Invoke(t.Context(), srv.URL, secret, json.RawMessage(`{}`), 5*time.Second)
			if !errors.Is(err, ErrMisbehaved) {
				t.Fatalf("got %.40s, %v; want ErrMisbehaved", out, err)
			}
			if !strings.Contains(err.Error(), tt.say) {
				t.Errorf("error %q does not say %q", err, tt.say)
			}
		})
	}

	t.Run("a connection refused", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		c := New(Options{AllowPrivate: true})
		if _, err := c.Invoke(t.Context(), "http://"+addr+"/", secret, json.RawMessage(`{}`), 5*time.Second); !errors.Is(err, ErrMisbehaved) {
			t.Errorf("got %v, want ErrMisbehaved", err)
		}
	})
	t.Run("a host that does not resolve", func(t *testing.T) {
		t.Parallel()
		c := newTestClient(t, Options{}, &testNet{})
		if _, err := c.Invoke(t.Context(), "https://nowhere.example.com/", secret, json.RawMessage(`{}`), 5*time.Second); !errors.Is(err, ErrMisbehaved) {
			t.Errorf("got %v, want ErrMisbehaved", err)
		}
	})
}

func jsonAnswer(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}
}

func TestInvokeRejectsBadArguments(t *testing.T) {
	t.Parallel()
	srv, hits := countingServer(t, false, echo("whsec_AAAA"))
	c := New(Options{AllowPrivate: true})
	defer c.CloseIdleConnections()
	secret := newSecret(t)
	tests := []struct {
		name   string
		secret string
		input  string
		want   error
	}{
		{"an empty secret", "", `{}`, ErrInvalidSecret},
		{"a secret that is not base64", "whsec_not base64!", `{}`, ErrInvalidSecret},
		{"an input over MaxRequestBody", secret, `"` + strings.Repeat("a", MaxRequestBody) + `"`, ErrInputTooLarge},
		{"an input that is not JSON", secret, `{"text":`, errInvalidInput},
		{"no input", secret, ``, errInvalidInput},
	}
	for _, tt := range tests {
		_, err := c.Invoke(t.Context(), srv.URL, tt.secret, json.RawMessage(tt.input), 5*time.Second)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
		if errors.Is(err, ErrMisbehaved) || errors.Is(err, ErrRefused) || errors.Is(err, ErrTimeout) {
			t.Errorf("%s: %v is reported as the plugin's fault", tt.name, err)
		}
	}
	if hits.Load() > 0 {
		t.Errorf("the plugin was called %d times", hits.Load())
	}
}

// Calls reuse their connections.
func TestInvokeKeepsConnectionsAlive(t *testing.T) {
	t.Parallel()
	secret := newSecret(t)
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(echo(secret))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := New(Options{AllowPrivate: true})
	defer c.CloseIdleConnections()
	for range 50 {
		if _, err := c.Invoke(t.Context(), srv.URL, secret, json.RawMessage(`{"n":1}`), 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("50 sequential calls opened %d connections, want 1", n)
	}
}
