package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/remote"
)

// kit is a compiled-in plugin whose behaviour the input chooses, to
// exercise every way an invocation can end.
type kit struct {
	m     *plugins.Manifest
	calls atomic.Int64
}

const kitManifest = `{"slug":"test-kit","name":"Test kit","version":"1.0.0","summary":"Answers as asked",
	"description":"For tests.","categories":["research"],"languages":["en"],"license":"MIT",
	"repository":"https://example.org/kit","maintainers":[{"name":"M","email":"m@example.org"}],
	"runtime":{"type":"builtin","builtin":"test-kit","timeout_ms":200},
	"input_schema":{"type":"object","required":["text"],"additionalProperties":false,"properties":{
		"text":{"type":"string","maxLength":50},
		"mode":{"enum":["echo","bad-output","slow","panic","refuse","fail"]}}},
	"output_schema":{"type":"object","required":["echo"],"properties":{"echo":{"type":"string"}}},
	"examples":[{"name":"echo","input":{"text":"bonjour"}}]}`

var testKit = func() *kit {
	m, err := plugins.Check([]byte(kitManifest), plugins.Options{AllowBuiltin: true})
	if err != nil {
		panic(err)
	}
	k := &kit{m: m}
	plugins.Register(k)
	return k
}()

func (k *kit) Manifest() *plugins.Manifest { return k.m }

func (k *kit) Invoke(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
	k.calls.Add(1)
	var in struct{ Text, Mode string }
	if err := json.Unmarshal(input, &in); err != nil {
		return nil, err
	}
	switch in.Mode {
	case "bad-output":
		return json.RawMessage(`{"echo":5}`), nil
	case "slow":
		<-ctx.Done()
		return nil, ctx.Err()
	case "panic":
		panic("kit asked to panic")
	case "refuse":
		return nil, &plugins.InputError{Path: "input.text", Message: "no answer for this text"}
	case "fail":
		return nil, errors.New("database of the plugin is gone")
	}
	return json.Marshal(map[string]string{"echo": in.Text})
}

func (e *env) invoke(slug string, body any, token string) response {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/api/v1/plugins/" + slug + "/invoke", body: body, token: token})
}

func newInvokeEnv(t *testing.T, opts ...option) *env {
	t.Helper()
	e := newEnv(t, opts...)
	if _, err := e.registry.SyncBuiltins(t.Context(), []plugins.Plugin{testKit}); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestInvokeBuiltin(t *testing.T) {
	e := newInvokeEnv(t)
	before := testKit.calls.Load()
	var r api.InvokeResponse
	e.invoke("test-kit", map[string]any{"input": map[string]string{"text": "bonjour"}}, "").want(200).json(&r)
	if string(r.Output) != `{"echo":"bonjour"}` || r.Plugin != "test-kit" || r.Version != "1.0.0" || r.DurationMS < 0 {
		t.Fatalf("invoke = %+v (output %s)", r, r.Output)
	}

	// Input that breaks the schema never reaches the plugin.
	calls := testKit.calls.Load()
	p := e.invoke("test-kit", map[string]any{"input": map[string]any{"text": strings.Repeat("x", 51), "extra": 1}}, "").problem(422)
	if got := fields(p); !slices.Contains(got, "input.text") || !slices.Contains(got, "input") {
		t.Errorf("schema problems = %+v", p.Errors)
	}
	e.invoke("test-kit", map[string]any{}, "").problem(422)
	e.invoke("test-kit", `{"input":`, "").problem(400)
	if testKit.calls.Load() != calls {
		t.Fatal("an invalid input reached the plugin")
	}

	for mode, status := range map[string]int{"bad-output": 502, "panic": 502, "fail": 502, "slow": 504, "refuse": 422} {
		start := time.Now()
		p := e.invoke("test-kit", map[string]any{"input": map[string]string{"text": "x", "mode": mode}}, "").problem(status)
		if status == 502 && (strings.Contains(p.Detail, "database") || strings.Contains(p.Detail, "panic") || strings.Contains(p.Detail, "echo")) {
			t.Errorf("%s: the detail leaks internals: %q", mode, p.Detail)
		}
		if mode == "refuse" && !slices.Equal(fields(p), []string{"input.text"}) {
			t.Errorf("refuse: fields %v", fields(p))
		}
		if mode == "slow" && time.Since(start) > 5*time.Second {
			t.Errorf("slow: the 200 ms timeout was not applied")
		}
	}
	if testKit.calls.Load()-before != 6 {
		t.Errorf("the plugin ran %d times, want 6", testKit.calls.Load()-before)
	}

	// Inputs and outputs never reach the log.
	e.invoke("test-kit", map[string]any{"input": map[string]string{"text": "secret-marker"}}, "").want(200)
	if strings.Contains(e.logs.String(), "secret-marker") {
		t.Error("an input was logged")
	}
	m := e.do(req{method: "GET", path: "/metrics"}).want(200).Body.String()
	for _, want := range []string{
		`riposte_plugin_invocations_total{outcome="ok",plugin="test-kit"} 2`,
		`riposte_plugin_invocations_total{outcome="invalid_input",plugin="test-kit"} 3`,
		`riposte_plugin_invocations_total{outcome="timeout",plugin="test-kit"} 1`,
		`riposte_plugin_invocations_total{outcome="error",plugin="test-kit"} 3`,
		`riposte_plugin_invocation_duration_seconds_count{plugin="test-kit"}`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestInvokeWhoAndWhat(t *testing.T) {
	e := newInvokeEnv(t)
	_, tok := e.user("owner@example.org", auth.RoleParticipant)
	in := map[string]any{"input": map[string]string{"text": "hi"}}

	// API tokens need the plugins:invoke scope; sessions and anonymous callers do not.
	token := func(scope string) string {
		var created api.APITokenCreated
		e.do(req{method: "POST", path: "/api/v1/me/tokens", token: tok,
			body: api.APITokenRequest{Name: scope, Scopes: []string{scope}, ExpiresInDays: 1}}).want(201).json(&created)
		return created.Token
	}
	e.invoke("test-kit", in, token(auth.ScopeRead)).problem(403)
	e.invoke("test-kit", in, token(auth.ScopePluginsInvoke)).want(200)
	e.invoke("test-kit", in, tok).want(200)

	// Catalogue entries, drafts of others and unknown plugins.
	e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("just-listed", "1.0.0")}).want(201)
	e.invoke("just-listed", in, tok).problem(409)
	e.invoke("just-listed", in, "").problem(404)
	e.invoke("no-such-tool", in, "").problem(404)
	e.do(req{method: "GET", path: "/api/v1/plugins/just-listed/openapi.json", token: tok}).problem(409)

	// A plugin taken down cannot be run.
	_, org := e.user("org@example.org", auth.RoleOrganizer)
	e.do(req{method: "DELETE", path: "/api/v1/plugins/test-kit", token: org, body: map[string]string{"reason": "test"}}).want(204)
	e.invoke("test-kit", in, "").problem(404)
	e.invoke("test-kit", in, org).problem(409)
}

func TestInvokeRateLimit(t *testing.T) {
	e := newInvokeEnv(t, withInvokeRate(ratelimit.Rate{Burst: 2, Every: time.Hour}))
	in := map[string]any{"input": map[string]string{"text": "hi"}}
	from := func(addr string) response {
		return e.do(req{method: "POST", path: "/api/v1/plugins/test-kit/invoke", body: in, remote: addr + ":1234"})
	}
	from("192.0.2.1").want(200)
	from("192.0.2.1").want(200)
	r := from("192.0.2.1")
	r.problem(429)
	if r.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	from("192.0.2.2").want(200) // another client has its own allowance
}

// remotePlugin is an http plugin served by the test: it checks signatures
// with remote.Verify and answers as the input's mode asks.
func remotePlugin(t testing.TB, secret *atomic.Value) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := secret.Load().(string)
		body, err := remote.Verify(r, s)
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var call struct {
			Input struct{ Text, Mode string } `json:"input"`
		}
		if err := json.Unmarshal(body, &call); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch call.Input.Mode {
		case "huge":
			io.WriteString(w, `{"output":{"echo":"`+strings.Repeat("x", 2<<20)+`"}}`)
		case "garbage":
			io.WriteString(w, `{"output":`)
		case "truncated": // promises more than it sends, then hangs up
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, `{"output":`)
		default:
			fmt.Fprintf(w, `{"output":{"echo":%q}}`, call.Input.Text)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestInvokeRemote(t *testing.T) {
	eachDialect(t, testInvokeRemote)
}

func testInvokeRemote(t *testing.T, e *env) {
	var secret atomic.Value
	srv := remotePlugin(t, &secret)
	_, tok := e.user("owner@example.org", auth.RoleParticipant)
	_, other := e.user("other@example.org", auth.RoleParticipant)
	m := strings.NewReplacer(`{"type":"builtin","builtin":"test-kit","timeout_ms":200}`,
		`{"type":"http","endpoint":"`+srv.URL+`/invoke","timeout_ms":2000}`, `"test-kit"`, `"remote-kit"`,
		`["echo","bad-output","slow","panic","refuse","fail"]`, `["echo","huge","garbage","truncated"]`, `"Test kit"`, `"Remote kit"`).
		Replace(kitManifest)
	e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: m}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/remote-kit/publish", token: tok}).want(200)
	in := func(text, mode string) map[string]any {
		return map[string]any{"input": map[string]string{"text": text, "mode": mode}}
	}

	p := e.invoke("remote-kit", in("hi", "echo"), "").problem(409)
	if !strings.Contains(p.Detail, "secret") {
		t.Errorf("no-secret detail %q", p.Detail)
	}
	e.do(req{method: "POST", path: "/api/v1/plugins/remote-kit/secret", token: other}).problem(403)
	e.do(req{method: "POST", path: "/api/v1/plugins/remote-kit/secret"}).problem(401)
	var s api.SecretResponse
	e.do(req{method: "POST", path: "/api/v1/plugins/remote-kit/secret", token: tok}).want(200).json(&s)
	if !strings.HasPrefix(s.Secret, "whsec_") {
		t.Fatalf("secret %q", s.Secret)
	}
	secret.Store(s.Secret)

	var r api.InvokeResponse
	e.invoke("remote-kit", in("salut", "echo"), "").want(200).json(&r)
	if string(r.Output) != `{"echo":"salut"}` || r.Plugin != "remote-kit" {
		t.Fatalf("remote invoke = %+v", r)
	}
	e.invoke("remote-kit", in("x", "huge"), "").problem(502)
	e.invoke("remote-kit", in("x", "garbage"), "").problem(502)
	// A connection cut mid-answer is the plugin's fault, not a malformed
	// request body.
	if p := e.invoke("remote-kit", in("x", "truncated"), "").problem(502); p.Detail != "the plugin did not answer properly" {
		t.Errorf("truncated answer: detail %q", p.Detail)
	}

	// Rotating the secret: the plugin, still holding the old one, refuses
	// the calls, which is a fault of the plugin for the caller.
	e.do(req{method: "POST", path: "/api/v1/plugins/remote-kit/secret", token: tok}).want(200)
	e.invoke("remote-kit", in("x", "echo"), "").problem(502)

	// Only http plugins have a secret.
	e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: manifest("listed-only", "1.0.0")}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/listed-only/secret", token: tok}).problem(409)
}

func TestPluginOpenAPI(t *testing.T) {
	e := newInvokeEnv(t)
	var doc map[string]any
	e.do(req{method: "GET", path: "/api/v1/plugins/test-kit/openapi.json"}).want(200).json(&doc)
	validateOpenAPI31(t, doc)
	op := doc["paths"].(map[string]any)["/plugins/test-kit/invoke"].(map[string]any)["post"].(map[string]any)
	examples := op["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["examples"].(map[string]any)
	if ex, _ := json.Marshal(examples["example1"]); !strings.Contains(string(ex), `"text":"bonjour"`) {
		t.Errorf("examples = %s", ex)
	}
	for _, code := range []string{"200", "422", "429", "502", "503", "504"} {
		if op["responses"].(map[string]any)[code] == nil {
			t.Errorf("no %s response", code)
		}
	}
	input := doc["components"].(map[string]any)["schemas"].(map[string]any)["Input"].(map[string]any)
	if input["required"].([]any)[0] != "text" {
		t.Errorf("input schema = %v", input)
	}
	e.do(req{method: "GET", path: "/api/v1/plugins/nope/openapi.json"}).problem(404)
}

// validateOpenAPI31 checks a document against the OpenAPI Initiative's JSON
// Schema for OpenAPI 3.1 (testdata/openapi-3.1.schema.json, published at
// https://spec.openapis.org/oas/3.1/schema/2021-04-15), and checks that
// the schemas it embeds compile.
func validateOpenAPI31(t *testing.T, doc map[string]any) {
	t.Helper()
	f, err := os.Open("testdata/openapi-3.1.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	spec, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("openapi-3.1.schema.json", spec); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("openapi-3.1.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(doc)
	v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err := s.Validate(v); err != nil {
		t.Fatalf("not a valid OpenAPI 3.1 document: %v\n%s", err, raw)
	}
	for name, schema := range doc["components"].(map[string]any)["schemas"].(map[string]any) {
		b, _ := json.Marshal(schema)
		if _, err := plugins.CompileSchema(b); err != nil {
			t.Errorf("components.schemas.%s does not compile: %v", name, err)
		}
	}
}

// httpKit is the kit's manifest as an http plugin with this slug and
// endpoint.
func httpKit(slug, endpoint string) string {
	return strings.NewReplacer(`{"type":"builtin","builtin":"test-kit","timeout_ms":200}`,
		`{"type":"http","endpoint":"`+endpoint+`","timeout_ms":2000}`, `"test-kit"`, `"`+slug+`"`, `"Test kit"`, `"Kit `+slug+`"`).Replace(kitManifest)
}

// strictRegistry makes the registry refuse local endpoints, as production
// does, reporting refusals to the server's log; only a development server
// says how to allow them.
func strictRegistry(development bool) func(*options) {
	return func(o *options) { o.AllowPrivateEndpoints, o.Production = false, !development }
}

// Endpoints are vetted when they are registered, as they will be when
// called; only a development server says how to allow local ones.
func TestLocalEndpointsRefusedAtRegistration(t *testing.T) {
	for _, development := range []bool{false, true} {
		e := newEnv(t, strictRegistry(development))
		_, tok := e.user("owner@example.org", auth.RoleParticipant)
		e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: httpKit("public-kit", "https://kit.example.org/invoke")}).want(201)
		for i, endpoint := range []string{"https://127.0.0.1:9/invoke", "https://[::1]/invoke", "https://169.254.169.254/latest",
			"https://10.0.0.1/invoke", "https://localhost:8443/invoke", "https://kit.LOCALHOST./invoke", "https://db.internal/invoke",
			"https://printer.local/invoke", "http://127.0.0.1:8081/invoke"} {
			slug := fmt.Sprintf("inside-%d", i)
			for _, r := range []req{
				{method: "POST", path: "/api/v1/manifests/validate", body: httpKit(slug, endpoint)},
				{method: "POST", path: "/api/v1/plugins", token: tok, body: httpKit(slug, endpoint)},
				{method: "POST", path: "/api/v1/plugins/public-kit/versions", token: tok,
					body: strings.Replace(httpKit("public-kit", endpoint), `"1.0.0"`, `"1.1.0"`, 1)},
			} {
				p := e.do(r).problem(422)
				if !slices.Equal(fields(p), []string{"runtime.endpoint"}) {
					t.Fatalf("%s via %s: %+v", endpoint, r.path, p)
				}
				if named := strings.Contains(p.Errors[0].Message, "RIPOSTE_PLUGINS_ALLOW_PRIVATE=true"); named != development {
					t.Errorf("%s (development %v): %q", endpoint, development, p.Errors[0].Message)
				}
			}
		}
	}
}

// Endpoints registered before they were vetted (or names that resolve to
// private addresses) are still refused when called. The caller learns
// nothing of why; the owner reads it on the plugin, and the operator in the
// log, once a minute per plugin.
func TestInvokeRefusesPrivateEndpoints(t *testing.T) {
	e := newEnv(t, strictRegistry(false))
	owner, tok := e.user("owner@example.org", auth.RoleParticipant)
	_, other := e.user("other@example.org", auth.RoleParticipant)
	earlier := registry.New(e.store, true) // as the registry was before endpoints were vetted
	for i, endpoint := range []string{"https://127.0.0.1:9/invoke", "https://[::1]:9/invoke", "https://169.254.169.254/latest", "https://10.0.0.1/invoke"} {
		slug := fmt.Sprintf("inside-%d", i)
		if _, err := earlier.Create(t.Context(), auth.User{ID: owner.ID}, []byte(httpKit(slug, endpoint))); err != nil {
			t.Fatal(err)
		}
		e.do(req{method: "POST", path: "/api/v1/plugins/" + slug + "/publish", token: tok}).want(200)
		e.do(req{method: "POST", path: "/api/v1/plugins/" + slug + "/secret", token: tok}).want(200)
		for range 2 {
			p := e.invoke(slug, map[string]any{"input": map[string]string{"text": "x"}}, "").problem(502)
			if strings.Contains(p.Detail, "169.254") || strings.Contains(p.Detail, "127.0.0.1") {
				t.Errorf("%s: detail %q names the address", endpoint, p.Detail)
			}
		}
		var seen api.PluginResponse
		e.do(req{method: "GET", path: "/api/v1/plugins/" + slug, token: tok}).want(200).json(&seen)
		if st := seen.RuntimeStatus; st == nil || st.State != "refused" || !strings.Contains(st.Reason, "address") || time.Since(st.At) > time.Minute {
			t.Errorf("%s: owner sees runtime_status %+v", endpoint, st)
		}
		for _, token := range []string{"", other} {
			if body := e.do(req{method: "GET", path: "/api/v1/plugins/" + slug, token: token}).want(200).Body.String(); strings.Contains(body, "runtime_status") {
				t.Errorf("%s: a caller who is not the owner sees %s", endpoint, body)
			}
		}
		if n := strings.Count(e.logs.String(), "plugin="+slug+" "); n != 1 {
			t.Errorf("%s: %d log lines about %s, want one warning:\n%s", endpoint, n, slug, e.logs)
		}
	}
	if !strings.Contains(e.logs.String(), `level=WARN msg="plugin endpoint refused" plugin=inside-0 reason="plugin endpoint refused: 127.0.0.1 is a loopback address"`) {
		t.Errorf("refusal not logged as a warning with its reason:\n%s", e.logs)
	}
}

// What a plugin's runtime last did is the business of its owner, its
// collaborators and organizers.
func TestRuntimeStatusForThoseInCharge(t *testing.T) {
	eachDialect(t, testRuntimeStatus)
}

func testRuntimeStatus(t *testing.T, e *env) {
	var secret atomic.Value
	srv := remotePlugin(t, &secret)
	_, tok := e.user("owner@example.org", auth.RoleParticipant)
	_, collabTok := e.user("collab@example.org", auth.RoleParticipant)
	_, org := e.user("org@example.org", auth.RoleOrganizer)
	_, other := e.user("other@example.org", auth.RoleParticipant)
	m := strings.Replace(httpKit("remote-kit", srv.URL+"/invoke"), `["echo","bad-output","slow","panic","refuse","fail"]`, `["echo","huge","garbage","truncated"]`, 1)
	e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: m}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/remote-kit/publish", token: tok}).want(200)
	e.do(req{method: "POST", path: "/api/v1/plugins/remote-kit/collaborators", token: tok, body: map[string]string{"email": "collab@example.org"}}).want(201)
	var s api.SecretResponse
	e.do(req{method: "POST", path: "/api/v1/plugins/remote-kit/secret", token: tok}).want(200).json(&s)
	secret.Store(s.Secret)
	status := func(token string) *api.RuntimeStatus {
		t.Helper()
		var p api.PluginResponse
		e.do(req{method: "GET", path: "/api/v1/plugins/remote-kit", token: token}).want(200).json(&p)
		return p.RuntimeStatus
	}
	in := func(mode string) map[string]any {
		return map[string]any{"input": map[string]string{"text": "x", "mode": mode}}
	}

	if st := status(tok); st != nil {
		t.Fatalf("status before any invocation: %+v", st)
	}
	e.invoke("remote-kit", in("echo"), "").want(200)
	if st := status(tok); st == nil || st.State != "ok" || st.Reason != "" {
		t.Fatalf("after a success: %+v", st)
	}
	public := e.do(req{method: "GET", path: "/api/v1/plugins/remote-kit"}).want(200)
	mine := e.do(req{method: "GET", path: "/api/v1/plugins/remote-kit", token: tok}).want(200)
	if public.Header().Get("ETag") == mine.Header().Get("ETag") || mine.Header().Get("Cache-Control") != "private, no-store" ||
		public.Header().Get("Cache-Control") != "public, max-age=10" {
		t.Fatalf("the owner's view shares the public ETag or caching: %v / %v", public.Header(), mine.Header())
	}

	// A failure right after a success is recorded at once, with its reason.
	e.invoke("remote-kit", in("garbage"), "").problem(502)
	for _, token := range []string{tok, collabTok, org} {
		if st := status(token); st == nil || st.State != "misbehaved" || !strings.Contains(st.Reason, "not valid JSON") {
			t.Fatalf("after a bad answer: %+v", st)
		}
	}
	for _, token := range []string{"", other} {
		if st := status(token); st != nil {
			t.Fatalf("someone not in charge sees %+v", st)
		}
	}
	// A later success clears it (changes are written at most once a second).
	time.Sleep(1100 * time.Millisecond)
	e.invoke("remote-kit", in("echo"), "").want(200)
	if st := status(tok); st == nil || st.State != "ok" {
		t.Fatalf("after a new success: %+v", st)
	}
}
