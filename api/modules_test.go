package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/plugins/wasm"
	"github.com/riposte-civic/riposte/plugins/wasm/wasmtest"
)

// upload sends a module's bytes as a token's owner.
func (e *env) upload(token string, bin []byte) response {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/api/v1/modules", token: token, body: bin, header: map[string]string{"Content-Type": "application/wasm"}})
}

// wasmPlugin returns the manifest of a wasm plugin running the module
// whose SHA-256 is sum, with runtime settings such as "timeout_ms":100.
func wasmPlugin(slug, version, sum string, settings ...string) string {
	rt := `"type":"wasm","module":"sha256:` + sum + `"`
	for _, s := range settings {
		rt += "," + s
	}
	return fmt.Sprintf(`{"slug":%q,"name":"Tool %s","version":%q,"summary":"A sandboxed tool","categories":["detection"],
		"languages":["fr"],"license":"MIT","repository":"https://example.org/%s",
		"maintainers":[{"name":"Ada","email":"ada@example.org"}],"runtime":{%s},
		"input_schema":{"type":"object"},"output_schema":{},"examples":[{"name":"empty","input":{}}]}`, slug, slug, version, slug, rt)
}

// publishWasm uploads a module, registers a wasm plugin running it, and
// publishes it.
func (e *env) publishWasm(token, slug string, bin []byte, settings ...string) {
	e.t.Helper()
	var m api.ModuleResponse
	e.upload(token, bin).json(&m)
	e.do(req{method: "POST", path: "/api/v1/plugins", token: token, body: wasmPlugin(slug, "1.0.0", m.SHA256, settings...)}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/" + slug + "/publish", token: token}).want(200)
}

// A participant uploads a module, registers a plugin that runs it,
// publishes it, and anyone invokes it.
func TestUploadRegisterPublishInvokeAWasmPlugin(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, tok := e.user("ada@example.org", auth.RoleParticipant)
		echo := wasmtest.Build(t, wasmtest.Echo)
		var m api.ModuleResponse
		e.upload(tok, echo).want(201).json(&m)
		if m.SHA256 != wasm.Digest(echo) || m.Size != int64(len(echo)) || !slices.Contains(m.Imports, "wasi_snapshot_preview1.fd_write") {
			t.Fatalf("upload = %+v", m)
		}
		var again api.ModuleResponse
		e.upload(tok, echo).want(200).json(&again)
		if again.SHA256 != m.SHA256 || again.Size != m.Size || !slices.Equal(again.Imports, m.Imports) {
			t.Errorf("the same bytes again = %+v, want %+v", again, m)
		}
		e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: wasmPlugin("echo", "1.0.0", m.SHA256)}).want(201)
		e.do(req{method: "POST", path: "/api/v1/plugins/echo/publish", token: tok}).want(200)
		var out api.InvokeResponse
		e.invoke("echo", map[string]any{"input": map[string]any{"message": "Ne prenez pas le métro"}}, "").want(200).json(&out)
		if string(out.Output) != `{"message":"Ne prenez pas le métro"}` || out.Version != "1.0.0" {
			t.Errorf("invoke = %+v", out)
		}
		if strings.Contains(e.logs.String(), "prenez pas") {
			t.Errorf("the input or the output reached the log:\n%s", e.logs)
		}
		var v api.VersionResponse
		e.do(req{method: "GET", path: "/api/v1/plugins/echo/versions/1.0.0"}).want(200).json(&v)
		if v.ModuleSHA256 != m.SHA256 {
			t.Errorf("the version runs module %q, want %s", v.ModuleSHA256, m.SHA256)
		}
	})
}

// Uploads refuse, naming what is wrong, what cannot run as a plugin.
func TestModuleUploadsAreChecked(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("ada@example.org", auth.RoleParticipant)
	for _, tt := range []struct {
		name  string
		bin   []byte
		field string
	}{
		{"not WebAssembly", []byte("MZ\x90\x00 a Windows program"), "module"},
		{"more memory at start than a plugin may have", wasmtest.MinMemory(4097), "module.memory"},
		{"an import from env", wasmtest.Importing("env", "abort"), "module.imports"},
		{"a library without _start", wasmtest.WithoutStart(), "module.exports"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := e.upload(tok, tt.bin).problem(422)
			if got := fields(p); len(got) == 0 || got[0] != tt.field {
				t.Errorf("problems at %v, want %s: %+v", got, tt.field, p)
			}
		})
	}
	t.Run("another media type", func(t *testing.T) {
		p := e.do(req{method: "POST", path: "/api/v1/modules", token: tok, body: wasmtest.MinMemory(1)}).problem(415)
		if !strings.Contains(p.Detail, "application/wasm") {
			t.Errorf("415 detail %q", p.Detail)
		}
	})
	t.Run("anonymous", func(t *testing.T) {
		e.do(req{method: "POST", path: "/api/v1/modules", body: wasmtest.MinMemory(1), header: map[string]string{"Content-Type": "application/wasm"}}).problem(401)
	})
	t.Run("a token without plugins:write", func(t *testing.T) {
		var ro api.APITokenCreated
		e.do(req{method: "POST", path: "/api/v1/me/tokens", token: tok, body: map[string]any{"name": "ro", "scopes": []string{"read"}}}).want(201).json(&ro)
		e.upload(ro.Token, wasmtest.MinMemory(1)).problem(403)
	})
}

// Module bodies have their own limit: larger than other bodies, but a
// limit still.
func TestModuleUploadsHaveTheirOwnSizeLimit(t *testing.T) {
	echo := wasmtest.Build(t, wasmtest.Echo) // over the 1 MiB of other bodies
	e := newEnv(t)
	_, tok := e.user("ada@example.org", auth.RoleParticipant)
	e.upload(tok, echo).want(201)
	small := newEnv(t, func(o *options) { o.MaxModuleBytes = 1 << 20 })
	_, tok = small.user("ada@example.org", auth.RoleParticipant)
	if p := small.upload(tok, echo).problem(413); !strings.Contains(p.Detail, "1 MiB") {
		t.Errorf("413 detail %q", p.Detail)
	}
	small.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: strings.Repeat("x", 2<<20)}).problem(413)
}

// An upload whose compilation outlasts the server's usual read and write
// timeouts still gets its answer: the upload has deadlines of its own, so
// the module is not kept while the caller is told nothing.
func TestSlowModuleUploadKeepsItsAnswer(t *testing.T) {
	echo := wasmtest.Build(t, wasmtest.Echo) // compiling it takes far more than the timeouts below
	e := newEnv(t)
	_, tok := e.user("ada@example.org", auth.RoleParticipant)
	hs := api.HTTPServer("127.0.0.1:0", e.srv, slog.New(slog.DiscardHandler))
	hs.ReadTimeout, hs.WriteTimeout = 20*time.Millisecond, 20*time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	r, _ := http.NewRequestWithContext(t.Context(), "POST", "http://"+ln.Addr().String()+"/api/v1/modules", bytes.NewReader(echo))
	r.Header.Set("Content-Type", "application/wasm")
	r.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("the upload's answer was lost: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("status %d, want 201", res.StatusCode)
	}
}

// Only those who uploaded a module may name it; the same bytes uploaded
// by someone else make them one of its uploaders.
func TestOnlyUploadersMayNameAModule(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, ada := e.user("ada@example.org", auth.RoleParticipant)
		_, bob := e.user("bob@example.org", auth.RoleParticipant)
		bin := wasmtest.MinMemory(1)
		var m api.ModuleResponse
		e.upload(ada, bin).want(201).json(&m)
		p := e.do(req{method: "POST", path: "/api/v1/plugins", token: bob, body: wasmPlugin("copie", "1.0.0", m.SHA256)}).problem(422)
		if got := fields(p); !slices.Equal(got, []string{"runtime.module"}) {
			t.Fatalf("bob names ada's module: problems at %v", got)
		}
		var his api.ModuleResponse
		e.upload(bob, bin).want(200).json(&his)
		if his.SHA256 != m.SHA256 {
			t.Errorf("bob's upload is %s, want the same module %s", his.SHA256, m.SHA256)
		}
		e.do(req{method: "POST", path: "/api/v1/plugins", token: bob, body: wasmPlugin("copie", "1.0.0", m.SHA256)}).want(201)
	})
}

// A version's module cannot be swapped, and it is what the version
// resource and the judges' snapshot name.
func TestAVersionsModuleCannotBeSwapped(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, tok := e.user("ada@example.org", auth.RoleParticipant)
		var first, second api.ModuleResponse
		e.upload(tok, wasmtest.MinMemory(1)).want(201).json(&first)
		e.upload(tok, wasmtest.MinMemory(2)).want(201).json(&second)
		e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: wasmPlugin("outil", "1.0.0", first.SHA256)}).want(201)
		e.do(req{method: "POST", path: "/api/v1/plugins/outil/versions", token: tok, body: wasmPlugin("outil", "1.0.0", second.SHA256)}).problem(409)
		var v api.VersionResponse
		e.do(req{method: "GET", path: "/api/v1/plugins/outil/versions/1.0.0", token: tok}).want(200).json(&v)
		if v.ModuleSHA256 != first.SHA256 {
			t.Fatalf("version 1.0.0 runs %q, want %s", v.ModuleSHA256, first.SHA256)
		}
		e.do(req{method: "POST", path: "/api/v1/plugins/outil/publish", token: tok}).want(200)
		sub := submitToAnEdition(t, e, tok, "outil")
		if sub.Version != "1.0.0" || sub.ModuleSHA256 != first.SHA256 {
			t.Errorf("the submission froze %+v, want 1.0.0 running %s", sub, first.SHA256)
		}
		e.do(req{method: "POST", path: "/api/v1/plugins/outil/versions", token: tok, body: wasmPlugin("outil", "1.1.0", second.SHA256)}).want(201)
		var later api.SubmissionDetailResponse
		e.do(req{method: "GET", path: "/api/v1/hackathons/edition/submissions/outil", token: tok}).want(200).json(&later)
		if later.ModuleSHA256 != first.SHA256 {
			t.Errorf("after a new version, the submission runs %s, want %s", later.ModuleSHA256, first.SHA256)
		}
	})
}

// submitToAnEdition enters a plugin in a new edition and returns the
// entry.
func submitToAnEdition(t *testing.T, e *env, owner, plugin string) api.SubmissionResponse {
	t.Helper()
	_, org := e.user("org@example.org", auth.RoleOrganizer)
	now := time.Now().UTC()
	e.do(req{method: "POST", path: "/api/v1/hackathons", token: org, body: map[string]any{
		"slug": "edition", "name": "Edition", "city": "Paris",
		"starts_at": now.Add(-time.Hour).Format(time.RFC3339), "ends_at": now.Add(24 * time.Hour).Format(time.RFC3339),
		"submission_deadline": now.Add(24 * time.Hour).Format(time.RFC3339), "judging_deadline": now.Add(48 * time.Hour).Format(time.RFC3339),
		"rubric": []map[string]any{{"key": "impact", "label": "Impact", "weight": 1}},
	}}).want(201)
	var sub api.SubmissionResponse
	e.do(req{method: "POST", path: "/api/v1/hackathons/edition/submissions", token: owner, body: map[string]string{"plugin": plugin}}).want(201).json(&sub)
	return sub
}

// However a module fails, the caller gets the status of an http plugin
// failing the same way, with the same generic detail, and the next call
// of a good plugin works.
func TestWasmPluginsFailLikeOtherPlugins(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("ada@example.org", auth.RoleParticipant)
	modes := wasmtest.Build(t, wasmtest.Modes)
	e.publishWasm(tok, "spin", modes, `"timeout_ms":100`)
	e.publishWasm(tok, "modes", modes, `"memory_mb":32`, `"timeout_ms":10000`) // a Go module takes a while to give up on memory
	echo := wasmtest.Build(t, wasmtest.Echo)
	e.publishWasm(tok, "echo", echo)
	e.publishWasm(tok, "trap", wasmtest.Trap())
	// The echo module answers what it is given, which this plugin's
	// output_schema refuses unless it has a verdict.
	var m api.ModuleResponse
	e.upload(tok, echo).want(200).json(&m)
	strict := strings.Replace(wasmPlugin("strict", "1.0.0", m.SHA256), `"output_schema":{}`, `"output_schema":{"type":"object","required":["verdict"]}`, 1)
	e.do(req{method: "POST", path: "/api/v1/plugins", token: tok, body: strict}).want(201)
	e.do(req{method: "POST", path: "/api/v1/plugins/strict/publish", token: tok}).want(200)
	e.invoke("modes", map[string]any{"input": map[string]any{"mode": "echo"}}, "").want(200) // compiled before the clock starts
	for _, tt := range []struct {
		name, plugin, mode string
		status             int
	}{
		{"an infinite loop with timeout_ms 100", "spin", "spin", 504},
		{"memory past memory_mb", "modes", "grow", 502},
		{"10 MiB on standard output", "modes", "flood", 502},
		{"a non-zero exit", "modes", "exit", 502},
		{"an answer that is not JSON", "modes", "garbage", 502},
		{"no output member", "modes", "nooutput", 502},
		{"a trap", "trap", "", 502},
		{"an output that fails output_schema", "strict", "", 502},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			p := e.invoke(tt.plugin, map[string]any{"input": map[string]any{"mode": tt.mode, "mb": 100}}, "").problem(tt.status)
			took := time.Since(start)
			t.Logf("%d after %s: %s", tt.status, took, p.Detail)
			if tt.status == 504 && took > time.Second {
				t.Errorf("the loop was stopped after %s, want about 100 ms", took)
			}
			if strings.Contains(p.Detail, "module") {
				t.Errorf("the detail tells the caller what the module did: %q", p.Detail)
			}
			var out api.InvokeResponse
			e.invoke("echo", map[string]any{"input": map[string]any{"next": true}}, "").want(200).json(&out)
			if string(out.Output) != `{"next":true}` {
				t.Errorf("the next call answered %s", out.Output)
			}
		})
	}
	var p api.PluginResponse
	e.do(req{method: "GET", path: "/api/v1/plugins/spin", token: tok}).want(200).json(&p)
	if p.RuntimeStatus == nil || p.RuntimeStatus.State != "timeout" {
		t.Errorf("the owner sees runtime status %+v, want timeout", p.RuntimeStatus)
	}
}

// A wasm plugin sees nothing of the server: no file, no environment
// variable, no network.
func TestWasmPluginsSeeNothingOfTheServer(t *testing.T) {
	t.Setenv("RIPOSTE_TEST_SECRET", "do-not-leak")
	e := newEnv(t)
	_, tok := e.user("ada@example.org", auth.RoleParticipant)
	e.publishWasm(tok, "sandbox", wasmtest.Build(t, wasmtest.Modes))
	srv := e.Serve() // a real listener the module could try to reach
	var out api.InvokeResponse
	e.invoke("sandbox", map[string]any{"input": map[string]any{"mode": "sandbox", "env": "RIPOSTE_TEST_SECRET",
		"addr": strings.TrimPrefix(srv.URL, "http://")}}, "").want(200).json(&out)
	var seen map[string]json.RawMessage
	if err := json.Unmarshal(out.Output, &seen); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"passwd", "root", "env", "environ", "dialed"} {
		if v, ok := seen[leak]; ok {
			t.Errorf("the module saw %s: %s", leak, v)
		}
	}
	if string(seen["args"]) != `["plugin"]` {
		t.Errorf("the module's arguments: %s", seen["args"])
	}
}

// Callers beyond the sandbox's concurrency wait briefly, then are told to
// come back: 503 with Retry-After.
func TestBusySandboxAnswers503WithRetryAfter(t *testing.T) {
	e := newEnv(t, func(o *options) {
		o.WASM.Concurrency, o.WASM.Wait = 2, 200*time.Millisecond
	})
	_, tok := e.user("ada@example.org", auth.RoleParticipant)
	e.publishWasm(tok, "sleepy", wasmtest.Build(t, wasmtest.Modes))
	e.invoke("sleepy", map[string]any{"input": map[string]any{"mode": "echo"}}, "").want(200)
	codes := make([]int, 20)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Go(func() {
			r := e.invoke("sleepy", map[string]any{"input": map[string]any{"mode": "sleep", "ms": 500}}, "")
			codes[i] = r.Code
			if r.Code == http.StatusServiceUnavailable && r.Header().Get("Retry-After") != "1" {
				t.Errorf("503 with Retry-After %q", r.Header().Get("Retry-After"))
			}
		})
	}
	wg.Wait()
	ok, busy := 0, 0
	for _, c := range codes {
		switch c {
		case 200:
			ok++
		case 503:
			busy++
		}
	}
	s := e.WASM.Stats()
	t.Logf("%d answered, %d busy; at most %d executions at once", ok, busy, s.PeakRunning)
	if ok != 2 || busy != 18 || s.PeakRunning != 2 {
		t.Errorf("%d answered and %d busy, %d at once; want 2, 18 and 2 (codes %v)", ok, busy, s.PeakRunning, codes)
	}
}

// A wasm plugin goes through the invocation every plugin goes through: its
// input checked against input_schema, its own OpenAPI document, the
// invocation rate and the metrics.
func TestWasmPluginsAreInvokedAsEveryPlugin(t *testing.T) {
	e := newEnv(t, withInvokeRate(ratelimit.Rate{Burst: 3, Every: time.Hour}))
	_, tok := e.user("ada@example.org", auth.RoleParticipant)
	e.publishWasm(tok, "echo", wasmtest.Build(t, wasmtest.Echo))
	from := func(input any) response {
		return e.do(req{method: "POST", path: "/api/v1/plugins/echo/invoke", body: map[string]any{"input": input}, remote: "192.0.2.1:1234"})
	}
	if p := from("not an object").problem(422); len(fields(p)) == 0 || !strings.HasPrefix(fields(p)[0], "input") {
		t.Errorf("an input input_schema refuses: problems at %v", fields(p))
	}
	// Three calls are allowed, whether the refused input counts or not:
	// the fourth at the latest is refused.
	from(map[string]any{"n": 1}).want(200)
	from(map[string]any{"n": 2}).want(200)
	r := from(map[string]any{"n": 3})
	if r.Code == http.StatusOK {
		r = from(map[string]any{"n": 4})
	}
	if r.problem(429); r.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}

	var doc map[string]any
	e.do(req{method: "GET", path: "/api/v1/plugins/echo/openapi.json"}).want(200).json(&doc)
	validateOpenAPI31(t, doc)
	if _, ok := doc["paths"].(map[string]any)["/plugins/echo/invoke"]; !ok {
		t.Errorf("the OpenAPI document has no invoke operation: %v", doc["paths"])
	}

	m := e.do(req{method: "GET", path: "/metrics"}).want(200).Body.String()
	for _, want := range []string{
		`riposte_plugin_invocations_total{outcome="ok",plugin="echo"}`,
		`riposte_plugin_invocations_total{outcome="invalid_input",plugin="echo"} 1`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
