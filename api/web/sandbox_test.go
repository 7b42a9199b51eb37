package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/plugins/wasm"
	"github.com/riposte-civic/riposte/plugins/wasm/wasmtest"
)

// api sends a JSON or WebAssembly body to the API with a bearer token and
// decodes the answer into out, failing the test unless the status is code.
func (e *env) api(method, path, token, contentType string, body []byte, code int, out any) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var raw bytes.Buffer
	raw.ReadFrom(res.Body)
	if res.StatusCode != code {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, code, raw.String())
	}
	if out != nil {
		if err := json.Unmarshal(raw.Bytes(), out); err != nil {
			e.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// A participant uploads a module through the API, registers and publishes
// the plugin that runs it; anyone tries it from its page, which runs it in
// the sandbox and shows its answer.
func TestTryAnUploadedWasmPlugin(t *testing.T) {
	e := newEnv(t)
	e.publishWasm(t, "echo-bac", wasmtest.Build(t, wasmtest.Echo))

	b := e.browser()
	b.get("/plugins/echo-bac").want(t, 200, `id="try"`, `id="try-text"`, "On this server, sandboxed")
	p := b.post("/plugins/echo-bac/try", url.Values{"text": {"Ne prenez pas le métro ce soir"}}).
		want(t, 200, `class="output"`, "version 1.0.0")
	// The answer, not the form that keeps what was typed, holds the text.
	_, output, _ := strings.Cut(p.body, `class="output"`)
	if !strings.Contains(output, "Texte renvoyé") || !strings.Contains(output, "Ne prenez pas le métro ce soir") {
		t.Fatalf("the answer does not show the module's output:\n%s", output)
	}
}

// publishWasm uploads bin through the API as a participant, and registers
// and publishes a plugin running it, with a text in and a text out.
func (e *env) publishWasm(t *testing.T, slug string, bin []byte) {
	t.Helper()
	e.user("ada@example.org", auth.RoleParticipant)
	var login struct {
		AccessToken string `json:"access_token"`
	}
	creds, _ := json.Marshal(map[string]string{"email": "ada@example.org", "password": password("ada@example.org")})
	e.api("POST", "/api/v1/auth/login", "", "application/json", creds, http.StatusOK, &login)
	var module struct {
		SHA256 string `json:"sha256"`
	}
	e.api("POST", "/api/v1/modules", login.AccessToken, "application/wasm", bin, http.StatusCreated, &module)
	if module.SHA256 != wasm.Digest(bin) {
		t.Fatalf("the upload answered sha256 %q, want %s", module.SHA256, wasm.Digest(bin))
	}
	m := manifest(slug, "Echo bac", "Renvoie le texte donné",
		`input_schema: {type: object, required: [text], properties: {text: {type: string, title: Texte}}}`,
		`output_schema: {type: object, required: [text], properties: {text: {type: string, title: Texte renvoyé}}}`,
		`examples: [{name: Un message, input: {text: bonjour}}]`)
	m = strings.Replace(m, "runtime: {type: none}", `runtime: {type: wasm, module: "sha256:`+module.SHA256+`", timeout_ms: 5000}`, 1)
	e.api("POST", "/api/v1/plugins", login.AccessToken, "application/yaml", []byte(m), http.StatusCreated, nil)
	e.api("POST", "/api/v1/plugins/"+slug+"/publish", login.AccessToken, "application/json", nil, http.StatusOK, nil)
}

// A tool that fails when tried shows why on its form, under the status the
// API gives the same failure (502), not as if the input were refused.
func TestTryAFailingPluginAnswersAsTheAPI(t *testing.T) {
	e := newEnv(t)
	e.publishWasm(t, "piege", wasmtest.Trap())
	e.browser().post("/plugins/piege/try", url.Values{"text": {"bonjour"}}).
		want(t, http.StatusBadGateway, "The tool failed")
}
