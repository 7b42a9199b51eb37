package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// goTool runs the go command in dir, without the network, and fails the
// test with its output if it fails.
func goTool(t *testing.T, dir string, args ...string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the scaffolded plugins: %v", err)
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

func TestPluginInitHTTPBuildsAndPassesItsTestsOffline(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "tract-check")
	out, err := runCmd(t, nil, "plugin", "init", "--runtime", "http", "tract-check", "--dir", dir)
	if err != nil {
		t.Fatalf("plugin init: %v\n%s", err, out)
	}
	for _, want := range []string{"main.go", "main_test.go", "manifest.yaml", "go.mod", "go.sum", "README.md"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("no %s: %v", want, err)
		}
	}
	for _, want := range []string{"RIPOSTE_PLUGINS_ALLOW_PRIVATE", "docs/plugin-guide.md", "go test ./..."} {
		if !strings.Contains(out, want) {
			t.Errorf("the next steps do not mention %s:\n%s", want, out)
		}
	}

	// Outside the checkout, the module builds against it through a replace.
	checkout, _ := os.Getwd()
	gomod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if !strings.Contains(string(gomod), "replace github.com/riposte-civic/riposte => "+checkout+"\n") {
		t.Errorf("go.mod does not build against the checkout %s:\n%s", checkout, gomod)
	}
	gosum, _ := os.ReadFile(filepath.Join(dir, "go.sum"))
	if strings.Contains(string(gosum), "gin-gonic") {
		t.Error("go.sum keeps checksums the plugin does not need")
	}

	main, _ := os.ReadFile(filepath.Join(dir, "main.go"))
	if !strings.Contains(string(main), "remote.Verify(r, secret)") {
		t.Error("main.go does not check signatures with remote.Verify")
	}
	// The generated tests sign a call, send a badly signed one, and check
	// the manifest and the example's answer against the schemas.
	got := goTool(t, dir, "test", "-count=1", "-v", "./...")
	for _, test := range []string{"TestAnswersSignedCalls", "TestRefusesCallsNotSignedWithItsSecret", "TestManifestAndExamples"} {
		if !strings.Contains(got, "--- PASS: "+test) {
			t.Errorf("%s did not pass:\n%s", test, got)
		}
	}
	goTool(t, dir, "vet", "./...")

	if out, err := runCmd(t, nil, "plugin", "validate", filepath.Join(dir, "manifest.yaml")); err != nil {
		t.Errorf("plugin validate: %v\n%s", err, out)
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
		{"unknown flag", []string{"tract-check", "-x"}, "not defined"},
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

// TestPluginInitSDKModules keeps sdkModules, the requirements written into
// an http plugin's go.mod, in step with what the SDK imports.
func TestPluginInitSDKModules(t *testing.T) {
	t.Parallel()
	out := goTool(t, ".", "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", "./plugins", "./plugins/remote")
	var mods []string
	for _, m := range strings.Fields(out) {
		if m != riposteModule && !slices.Contains(mods, m) {
			mods = append(mods, m)
		}
	}
	slices.Sort(mods)
	if want := sdkModules(); !slices.Equal(mods, want) {
		t.Fatalf("the SDK imports modules %v; sdkModules lists %v", mods, want)
	}
}
