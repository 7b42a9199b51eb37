package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/plugins/remote"
)

// goTool runs the go command in dir, without the network, and fails the
// test with its output if it fails.
func goTool(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return goToolWith(t, dir, nil, args...)
}

// goToolWith is goTool with more environment variables.
func goToolWith(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the scaffolded plugins: %v", err)
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// TestPluginInitHTTPBuildsAnywhere scaffolds an http plugin outside the
// checkout and builds and tests it there without the network: it depends
// on nothing of Riposte, only on modules Riposte's build has cached.
func TestPluginInitHTTPBuildsAnywhere(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "tract-check")
	out, err := runCmd(t, nil, "plugin", "init", "--runtime", "http", "tract-check", "--dir", dir)
	if err != nil {
		t.Fatalf("plugin init: %v\n%s", err, out)
	}
	for _, want := range []string{"main.go", "signature.go", "main_test.go", "manifest.yaml", "go.mod", "go.sum", "README.md"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("no %s: %v", want, err)
		}
	}
	for _, want := range []string{"RIPOSTE_PLUGINS_ALLOW_PRIVATE", "docs/plugin-guide.md", "go test ./..."} {
		if !strings.Contains(out, want) {
			t.Errorf("the next steps do not say %s:\n%s", want, out)
		}
	}
	checkout, _ := os.Getwd()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), checkout) || strings.Contains(string(b), `"`+riposteModule) ||
			(filepath.Base(f) == "go.mod" && strings.Contains(string(b), riposteModule)) {
			t.Errorf("%s refers to Riposte's source (%s or %s):\n%s", filepath.Base(f), checkout, riposteModule, b)
		}
	}
	gosum, _ := os.ReadFile(filepath.Join(dir, "go.sum"))
	if strings.Contains(string(gosum), "gin-gonic") {
		t.Error("go.sum keeps checksums the plugin does not need")
	}

	// The generated tests sign a call, refuse others and log why, and check
	// the manifest's example against the schemas.
	got := goTool(t, dir, "test", "-count=1", "-v", "./...")
	for _, test := range []string{"TestAnswersSignedCalls", "TestRefusesCallsNotSignedWithItsSecret", "TestManifestAndExamples"} {
		if !strings.Contains(got, "--- PASS: "+test) {
			t.Errorf("%s did not pass:\n%s", test, got)
		}
	}
	goTool(t, dir, "vet", "./...")
	mods := strings.Fields(goTool(t, dir, "list", "-deps", "-test", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}{{end}}{{end}}", "./..."))
	var want []string
	for _, m := range httpPluginModules {
		want = append(want, m.path)
	}
	if slices.Sort(mods); !slices.Equal(slices.Compact(mods), want) {
		t.Errorf("the plugin uses modules %v; httpPluginModules lists %v", mods, want)
	}
	if out, err := runCmd(t, nil, "plugin", "validate", filepath.Join(dir, "manifest.yaml")); err != nil {
		t.Errorf("plugin validate: %v\n%s", err, out)
	}
	checkScaffoldedServer(t, dir)
}

// checkScaffoldedServer builds the scaffolded server and calls it as
// Riposte does: a call signed with its secret is answered; one signed with
// another is refused, and the server's log says why without the secret.
func checkScaffoldedServer(t *testing.T, dir string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "server")
	goTool(t, dir, "build", "-o", bin, ".")
	secret, _ := remote.NewSecret()
	other, _ := remote.NewSecret()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	logs := &syncBuffer{}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PLUGIN_SECRET="+secret, "PLUGIN_ADDR="+addr)
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	call := func(secret string) int {
		body := []byte(`{"input":{"text":" un  deux "}}`)
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			now := time.Now()
			sig, _ := remote.Sign(secret, "msg_1", now, body)
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/invoke", bytes.NewReader(body))
			req.Header.Set("webhook-id", "msg_1")
			req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
			req.Header.Set("webhook-signature", sig)
			res, err := http.DefaultClient.Do(req)
			if err == nil {
				res.Body.Close()
				return res.StatusCode
			}
			if time.Now().After(deadline) {
				t.Fatalf("the scaffolded server does not answer: %v\n%s", err, logs.String())
			}
		}
	}
	if code := call(secret); code != http.StatusOK {
		t.Errorf("a call signed with the server's secret: %d, want 200\n%s", code, logs.String())
	}
	if code := call(other); code != http.StatusUnauthorized {
		t.Errorf("a call signed with another secret: %d, want 401", code)
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), "refused a call") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if l := logs.String(); !strings.Contains(l, "refused a call") || !strings.Contains(l, "bad signature") ||
		strings.Contains(l, strings.TrimPrefix(secret, "whsec_")) || strings.Contains(l, "deux") {
		t.Errorf("the server's log should say it refused a call for a bad signature, without the secret or the body:\n%s", l)
	}
}

func TestPluginInitBuiltinCompilesAndConforms(t *testing.T) {
	t.Parallel()
	// A folder inside the module, which `./...` patterns skip (leading _).
	dir, err := os.MkdirTemp("plugins", "_plugininit")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	out, err := runCmd(t, nil, "plugin", "init", "zz-tidy-text", "--runtime", "builtin", "--dir", dir)
	if err != nil {
		t.Fatalf("plugin init: %v\n%s", err, out)
	}
	for _, want := range []string{"manifest.yaml", "zztidytext.go", "zztidytext_test.go", "README.md"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("no %s: %v", want, err)
		}
	}
	importPath := "github.com/riposte-civic/riposte/" + filepath.ToSlash(dir)
	if !strings.Contains(out, `_ "`+importPath+`"`) || !strings.Contains(out, "plugins/all/all_test.go") {
		t.Errorf("the next steps do not say how to add the tool to plugins/all:\n%s", out)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, "manifest.yaml"))
	if !strings.Contains(string(manifest), "runtime: {type: builtin, builtin: zz-tidy-text") {
		t.Errorf("manifest.yaml does not register the slug as its builtin id:\n%s", manifest)
	}
	got := goTool(t, ".", "test", "-count=1", "-v", "./"+filepath.ToSlash(dir))
	for _, test := range []string{"TestConformance", "TestTidiesTheText"} {
		if !strings.Contains(got, "--- PASS: "+test) {
			t.Errorf("%s did not pass:\n%s", test, got)
		}
	}
	goTool(t, ".", "vet", "./"+filepath.ToSlash(dir))
}

func TestPluginInitBuiltinGoesIntoPluginsOfTheCheckout(t *testing.T) {
	wd, _ := os.Getwd()
	root, dir, err := builtinFolder("tidytext", "")
	if err != nil || root != wd || dir != filepath.Join(wd, "plugins", "tidytext") {
		t.Fatalf("from the checkout's root: %q, %q, %v", root, dir, err)
	}

	t.Chdir(t.TempDir())
	out, err := runCmd(t, nil, "plugin", "init", "tidy-text", "--runtime", "builtin")
	if err == nil || !strings.Contains(err.Error(), "root of a Riposte checkout") {
		t.Fatalf("outside a checkout: %v\n%s", err, out)
	}
	if entries, _ := os.ReadDir("."); len(entries) > 0 {
		t.Errorf("wrote %d files outside a checkout", len(entries))
	}
}

func TestPluginInitRefuses(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	taken := filepath.Join(tmp, "taken")
	os.MkdirAll(taken, 0o755)
	os.WriteFile(filepath.Join(taken, "notes.txt"), []byte("mine"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no name", []string{"--runtime", "http"}, "needs one NAME"},
		{"two names", []string{"one-tool", "two-tool"}, "needs one NAME"},
		{"too short a slug", []string{"ab"}, `invalid plugin name "ab"`},
		{"uppercase", []string{"Tract-Check"}, "lowercase letters and digits"},
		{"underscore", []string{"tract_check"}, "lowercase letters and digits"},
		{"double hyphen", []string{"tract--check"}, "single hyphens"},
		{"unknown flag", []string{"tract-check", "-x"}, "unknown shorthand flag: 'x'"},
		{"unknown long flag", []string{"tract-check", "--color", "red"}, "unknown flag: --color"},
		{"too long a slug", []string{strings.Repeat("a", 65)}, "3 to 64"},
		{"unknown runtime", []string{"tract-check", "--runtime", "lambda"}, `unknown runtime "lambda"`},
		{"catalogue entry", []string{"tract-check", "--runtime", "none"}, "needs only a manifest"},
		{"folder not empty", []string{"tract-check", "--dir", taken}, "already exists and is not empty"},
		{"builtin package starting with a digit", []string{"2-check", "--runtime", "builtin", "--dir", filepath.Join(tmp, "b")}, "Go package name"},
		{"builtin id already registered", []string{"rumeur", "--runtime", "builtin", "--dir", "plugins/_rumeur2"}, "already registered"},
		{"builtin outside the checkout", []string{"tidy-text", "--runtime", "builtin", "--dir", filepath.Join(tmp, "tidy")}, "not inside a Riposte checkout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runCmd(t, nil, append([]string{"plugin", "init"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q\n%s", err, tc.want, out)
			}
		})
	}
	entries, _ := os.ReadDir(tmp)
	if len(entries) != 1 {
		t.Errorf("refused commands wrote into %s: %v", tmp, entries)
	}
	if got, _ := os.ReadFile(filepath.Join(taken, "notes.txt")); string(got) != "mine" {
		t.Error("a file in an existing folder was changed")
	}
	if _, err := os.Stat("plugins/_rumeur2"); err == nil {
		os.RemoveAll("plugins/_rumeur2")
		t.Error("a refused builtin left its folder")
	}
}
