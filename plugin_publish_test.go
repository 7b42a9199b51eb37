package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
)

// startPublishServer runs a server with an empty database and returns its
// base URL.
func startPublishServer(t *testing.T) string {
	t.Helper()
	base, _, stop := startServer(t, map[string]string{"RIPOSTE_DATA_DIR": t.TempDir(), "RIPOSTE_ADDR": "127.0.0.1:0",
		"RIPOSTE_SEED": "false", "RIPOSTE_LOG_LEVEL": "error"})
	t.Cleanup(func() { stop() })
	return base
}

// call sends a request to the server and returns the status and body.
func call(t *testing.T, method, url, token, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// newAPIToken registers an account and returns an API token of it with
// scopes.
func newAPIToken(t *testing.T, base, email string, scopes ...string) string {
	t.Helper()
	if res, body := postJSON(t, base+"/api/v1/auth/register", map[string]string{"email": email, "password": "a long passphrase", "name": "P"}); res.StatusCode != 201 {
		t.Fatalf("register %s: %d %v", email, res.StatusCode, body)
	}
	res, body := postJSON(t, base+"/api/v1/auth/login", map[string]string{"email": email, "password": "a long passphrase"})
	access, _ := body["access_token"].(string)
	if res.StatusCode != 200 || access == "" {
		t.Fatalf("login %s: %d %v", email, res.StatusCode, body)
	}
	req, _ := json.Marshal(map[string]any{"name": "publish", "scopes": scopes})
	code, b := call(t, "POST", base+"/api/v1/me/tokens", access, string(req))
	var tok struct{ Token string }
	if json.Unmarshal(b, &tok); code != 201 || tok.Token == "" {
		t.Fatalf("token for %s: %d %s", email, code, b)
	}
	return tok.Token
}

// publish runs `riposte plugin publish` with token, and returns what it
// printed and its exit code.
func publish(t *testing.T, token string, args ...string) (string, int) {
	t.Helper()
	var stdout, stderr strings.Builder
	err := run(context.Background(), append([]string{"riposte", "plugin", "publish"}, args...), envMap(map[string]string{"RIPOSTE_TOKEN": token}), &stdout, &stderr)
	code := exitCode(err, false, &stderr)
	return stdout.String() + stderr.String(), code
}

// want fails the test unless out holds each of wants, in order.
func want(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	rest := out
	for _, w := range wants {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("%s does not say %q (in this order):\n%s", what, w, out)
			return
		}
		rest = rest[i+len(w):]
	}
}

// TestPluginPublishWASM publishes a scaffolded wasm plugin as a
// participant would: upload, register, publish, invoke; then a new
// version, and the same version again.
func TestPluginPublishWASM(t *testing.T) {
	t.Parallel()
	base := startPublishServer(t)
	token := newAPIToken(t, base, "ada@example.org", "plugins:write", "plugins:invoke")
	dir := initWASMPlugin(t, "tract-tidy")
	manifestFile := filepath.Join(dir, "manifest.yaml")

	out, code := publish(t, token, dir, "--server", base)
	if code != 0 {
		t.Fatalf("publish: exit %d\n%s", code, out)
	}
	bin, _ := os.ReadFile(filepath.Join(dir, "tract-tidy.wasm"))
	sum := wasm.Digest(bin)
	want(t, "publish", out, "tract-tidy.wasm (built from the go:generate line of main.go", "ok    A message with stray spaces",
		"uploaded the module sha256:"+sum, "runtime.module is now sha256:"+sum,
		"registered tract-tidy 0.1.0; it is published", "page     "+base+"/plugins/tract-tidy",
		"curl -sS "+base+"/api/v1/plugins/tract-tidy/invoke -H 'Content-Type: application/json' -d '{\"input\":{\"text\":\"  Ne prenez pas   le métro ce soir  \"}}'")
	if m, _ := os.ReadFile(manifestFile); !strings.Contains(string(m), `module: "sha256:`+sum+`"`) || !strings.Contains(string(m), "# The SHA-256 of tract-tidy.wasm") {
		t.Errorf("manifest.yaml does not pin the module published, or lost its comments:\n%s", m)
	}
	checkVersionModule(t, base, "tract-tidy", "0.1.0", sum)
	const first = `{"output":{"text":"Ne prenez pas le métro ce soir","words":7},"plugin":"tract-tidy","version":"0.1.0"`
	if got := runPrintedCurl(t, out); got != "" && !strings.HasPrefix(got, first) {
		t.Errorf("the curl publish printed answered %s, want %s…", got, first)
	}
	if code, got := call(t, "POST", base+"/api/v1/plugins/tract-tidy/invoke", "", `{"input":{"text":" un  deux "}}`); code != 200 ||
		!strings.HasPrefix(string(got), `{"output":{"text":"un deux","words":2},"plugin":"tract-tidy","version":"0.1.0"`) {
		t.Errorf("anonymous invocation: %d %s", code, got)
	}

	// The same version again: refused, and the manifest is left alone.
	before, _ := os.ReadFile(manifestFile)
	out, code = publish(t, token, dir, "--server", base)
	want(t, "publishing 0.1.0 again", out, "the server has the module sha256:"+sum+" already",
		"refused to add version 0.1.0 to tract-tidy: 409 Conflict", "raise version in the manifest")
	if after, _ := os.ReadFile(manifestFile); code != 1 || !bytes.Equal(after, before) {
		t.Errorf("publishing 0.1.0 again: exit %d (want 1), manifest changed %v", code, !bytes.Equal(after, before))
	}

	// A new version with a new behaviour.
	editFile(t, filepath.Join(dir, "main.go"), `Text: strings.Join(words, " ")`, `Text: strings.ToUpper(strings.Join(words, " "))`)
	editFile(t, manifestFile, "version: 0.1.0", "version: 0.2.0")
	editFile(t, manifestFile, "kind: added\n    description: First version", "kind: changed\n    description: Capitals")
	out, code = publish(t, token, dir, "--server", base)
	want(t, "publishing 0.2.0", out, "uploaded the module", "added version 0.2.0 to tract-tidy; it is published", "versions/0.2.0")
	if code != 0 {
		t.Fatalf("publishing 0.2.0: exit %d\n%s", code, out)
	}
	if code, got := call(t, "POST", base+"/api/v1/plugins/tract-tidy/invoke", "", `{"input":{"text":" un  deux "}}`); code != 200 ||
		!strings.HasPrefix(string(got), `{"output":{"text":"UN DEUX","words":2},"plugin":"tract-tidy","version":"0.2.0"`) {
		t.Errorf("invocation of 0.2.0: %d %s", code, got)
	}
	checkVersionModule(t, base, "tract-tidy", "0.1.0", sum)

	// Another account may not add versions to it.
	other := newAPIToken(t, base, "bob@example.org", "plugins:write")
	editFile(t, manifestFile, "version: 0.2.0", "version: 0.3.0")
	out, code = publish(t, other, dir, "--server", base)
	want(t, "another account's publish", out, "refused to add version 0.3.0 to tract-tidy: 403 Forbidden", "belongs to another account")
	if code != 1 {
		t.Errorf("another account's publish: exit %d, want 1", code)
	}
}

// checkVersionModule checks the module a version pins.
func checkVersionModule(t *testing.T, base, slug, version, sum string) {
	t.Helper()
	code, b := call(t, "GET", base+"/api/v1/plugins/"+slug+"/versions/"+version, "", "")
	var v struct {
		ModuleSHA256 string `json:"module_sha256"`
	}
	if json.Unmarshal(b, &v); code != 200 || v.ModuleSHA256 != sum {
		t.Errorf("%s %s pins module %q (%d), want %s", slug, version, v.ModuleSHA256, code, sum)
	}
}

// runPrintedCurl runs the curl command publish printed and returns its
// output; "" when there is no curl to run it.
func runPrintedCurl(t *testing.T, out string) string {
	t.Helper()
	line := regexp.MustCompile(`(?m)^  (curl -sS .*/invoke .*)$`).FindStringSubmatch(out)
	if line == nil {
		t.Errorf("publish printed no curl command:\n%s", out)
		return ""
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Logf("curl is not installed: the printed command is not run")
		return ""
	}
	got, err := exec.Command("sh", "-c", line[1]).CombinedOutput()
	if err != nil {
		t.Errorf("%s: %v\n%s", line[1], err, got)
	}
	return string(got)
}

// TestPluginPublishDraft checks --draft: a new plugin stays a draft, which
// only its owner may invoke, and publish says how to publish it.
func TestPluginPublishDraft(t *testing.T) {
	t.Parallel()
	base := startPublishServer(t)
	token := newAPIToken(t, base, "ada@example.org", "plugins:write", "plugins:invoke")
	dir := catalogueEntry(t, "draft-entry")
	editFile(t, filepath.Join(dir, "manifest.yaml"), "runtime: {type: none}", "runtime: {type: http, endpoint: \"https://draft.example.org/invoke\"}")
	out, code := publish(t, token, dir, "--server", base, "--draft")
	want(t, "publish --draft", out, "registered draft-entry 1.0.0; it is a draft",
		"curl -sS -X POST "+base+"/api/v1/plugins/draft-entry/publish -H \"Authorization: Bearer $RIPOSTE_TOKEN\"",
		"/invoke -H \"Authorization: Bearer $RIPOSTE_TOKEN\" -H 'Content-Type: application/json' -d '{\"input\":{\"text\":\"l'\\''avis\"}}'",
		"signing secret")
	if code != 0 {
		t.Fatalf("publish --draft: exit %d", code)
	}
	if code, _ := call(t, "GET", base+"/api/v1/plugins/draft-entry", "", ""); code != 404 {
		t.Errorf("the draft is visible to anyone: %d", code)
	}
	var p pluginState
	if code, b := call(t, "GET", base+"/api/v1/plugins/draft-entry", token, ""); json.Unmarshal(b, &p) != nil || code != 200 || p.Status != "draft" {
		t.Errorf("the owner sees %d %s, want the draft", code, b)
	}
}

// catalogueEntry writes the manifest of a catalogue entry into a new
// folder.
func catalogueEntry(t *testing.T, slug string) string {
	t.Helper()
	dir := t.TempDir()
	manifest := "slug: " + slug + `
name: Entry ` + slug + `
version: 1.0.0
summary: A catalogue entry published from the command line
categories: [research]
languages: [fr]
license: MIT
repository: https://example.org/entry
maintainers: [{name: A, email: a@example.org}]
runtime: {type: none}
input_schema: {type: object, required: [text], properties: {text: {type: string}}}
output_schema: {type: object}
examples: [{name: one, input: {text: "l'avis"}}]
`
	os.WriteFile(filepath.Join(dir, "manifest.yaml"), []byte(manifest), 0o644)
	return dir
}

// TestPluginPublishReportsTheServersReasons checks what publish prints
// when the server or the command line refuses: the fields at fault one a
// line, what to do, and the exit code.
func TestPluginPublishReportsTheServersReasons(t *testing.T) {
	t.Parallel()
	base := startPublishServer(t)
	token := newAPIToken(t, base, "ada@example.org", "plugins:write")
	readOnly := newAPIToken(t, base, "bob@example.org", "read")
	entry := catalogueEntry(t, "an-entry")
	local := catalogueEntry(t, "local-tool")
	editFile(t, filepath.Join(local, "manifest.yaml"), "runtime: {type: none}", "runtime: {type: http, endpoint: \"http://127.0.0.1:9/invoke\"}")
	badVersion := catalogueEntry(t, "bad-version")
	editFile(t, filepath.Join(badVersion, "manifest.yaml"), "version: 1.0.0", "version: one")
	builtin := catalogueEntry(t, "a-builtin")
	editFile(t, filepath.Join(builtin, "manifest.yaml"), "runtime: {type: none}", "runtime: {type: builtin, builtin: a-builtin}")
	unreachable := "http://127.0.0.1:1"
	taken := catalogueEntry(t, "taken-slug")
	if out, code := publish(t, newAPIToken(t, base, "carol@example.org", "plugins:write"), taken, "--server", base, "--draft"); code != 0 {
		t.Fatalf("carol's draft: exit %d\n%s", code, out)
	}
	for _, tc := range []struct {
		name, token string
		args        []string
		code        int
		want        []string
	}{
		{"an endpoint the server refuses", token, []string{local, "--server", base}, 1,
			[]string{"runtime.endpoint: must be an https URL", "refused to register local-tool 1.0.0: 422 Unprocessable Entity"}},
		{"a slug another account has as a draft", token, []string{taken, "--server", base}, 1,
			[]string{"refused to register taken-slug 1.0.0: 409 Conflict", "The slug is taken"}},
		{"an unknown token", "rpt_not-a-token", []string{entry, "--server", base}, 1,
			[]string{"401 Unauthorized", "RIPOSTE_TOKEN is not a valid API token", "POST /api/v1/me/tokens"}},
		{"a token without plugins:write", readOnly, []string{entry, "--server", base}, 1,
			[]string{"refused to register an-entry 1.0.0: 403 Forbidden", "lacks the plugins:write scope"}},
		{"no token", "", []string{entry, "--server", base}, 2, []string{"RIPOSTE_TOKEN must hold an API token", "Usage:"}},
		{"a server that is not a URL", token, []string{entry, "--server", "riposte.example.org"}, 2, []string{`--server "riposte.example.org"`}},
		{"two folders", token, []string{entry, entry}, 2, []string{"at most one DIR"}},
		{"an invalid manifest, never sent", token, []string{badVersion, "--server", unreachable}, 1, []string{"version: ", "1 problem(s)"}},
		{"a builtin", token, []string{builtin, "--server", unreachable}, 1, []string{"published when a Riposte that includes it starts"}},
		{"no manifest", token, []string{t.TempDir(), "--server", unreachable}, 1, []string{"holds no manifest"}},
		{"a server that does not answer", token, []string{entry, "--server", unreachable}, 1, []string{"127.0.0.1:1", "connection refused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code := publish(t, tc.token, tc.args...)
			want(t, "publish", out, tc.want...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, out)
			}
		})
	}

	// A catalogue entry, on the server RIPOSTE_PUBLIC_URL names.
	var stdout strings.Builder
	err := run(context.Background(), []string{"riposte", "plugin", "publish", entry},
		envMap(map[string]string{"RIPOSTE_TOKEN": token, "RIPOSTE_PUBLIC_URL": base + "/"}), &stdout, io.Discard)
	want(t, "publishing a catalogue entry", stdout.String(), "registered an-entry 1.0.0; it is published", "page     "+base+"/plugins/an-entry")
	if err != nil || strings.Contains(stdout.String(), "Invoke it") {
		t.Errorf("publishing a catalogue entry: %v\n%s", err, stdout.String())
	}
}

// TestPluginPublishRetriesWithTheSameIdempotencyKey checks that a
// registration whose answers fail is sent again with the same key, so
// that the server registers it once.
func TestPluginPublishRetriesWithTheSameIdempotencyKey(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.Method + " " + r.URL.Path {
		case "GET /api/v1/plugins/an-entry":
			w.WriteHeader(http.StatusNotFound)
		case "POST /api/v1/plugins":
			keys = append(keys, r.Header.Get("Idempotency-Key"))
			if len(keys) < callAttempts {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"slug":"an-entry","status":"draft"}`)
		case "POST /api/v1/plugins/an-entry/publish":
			io.WriteString(w, `{"slug":"an-entry","status":"published"}`)
		default:
			http.Error(w, "unexpected", http.StatusTeapot)
		}
	}))
	defer srv.Close()
	f, err := readPluginFolder(catalogueEntry(t, "an-entry"))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := checkManifest(f.manifestFile, f.data, plugins.Options{}, io.Discard)
	api := newAPIClient(srv.URL, "rpt_x", io.Discard)
	api.backoff = time.Millisecond
	status, created, err := register(t.Context(), api, m, f.data, false)
	if err != nil || status != "published" || !created {
		t.Fatalf("register: %q, %v, %v", status, created, err)
	}
	if len(keys) != callAttempts || keys[0] == "" || keys[1] != keys[0] || keys[2] != keys[0] {
		t.Errorf("the attempts sent the keys %q; want one key, %d times", keys, callAttempts)
	}
}

// TestPluginPublishStopsWhenInterrupted checks that publish gives up at
// once on Ctrl-C while a server holds its request.
func TestPluginPublishStopsWhenInterrupted(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { // accepts, and never answers
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	err = run(ctx, []string{"riposte", "plugin", "publish", catalogueEntry(t, "an-entry"), "--server", "http://" + l.Addr().String()},
		envMap(map[string]string{"RIPOSTE_TOKEN": "rpt_x"}), io.Discard, io.Discard)
	var msg strings.Builder
	if !errors.Is(err, context.Canceled) || exitCode(err, true, &msg) != 1 || !strings.Contains(msg.String(), "interrupted") {
		t.Errorf("error %v (%q), want an interruption", err, msg.String())
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("publish took %s to stop", took)
	}
}
