package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/plugins/wasm"
	"github.com/riposte-civic/riposte/plugins/wasm/wasmtest"
)

// initWASMPlugin scaffolds a wasm plugin named slug into a new folder
// outside the checkout and returns the folder.
func initWASMPlugin(t *testing.T, slug string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), slug)
	if out, err := runCmd(t, nil, "plugin", "init", slug, "--runtime", "wasm", "--dir", dir); err != nil {
		t.Fatalf("plugin init: %v\n%s", err, out)
	}
	return dir
}

// editFile replaces old by new in a file, which must hold old.
func editFile(t *testing.T, file, old, new string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), old) {
		t.Fatalf("%s does not hold %q (%v)", file, old, err)
	}
	os.WriteFile(file, []byte(strings.Replace(string(b), old, new, 1)), 0o644)
}

// TestPluginInitWASMBuildsAnywhere scaffolds a wasm plugin outside the
// checkout: a module of its own, standard library only, whose tests pass
// without the network; `plugin test` builds it and runs its example in
// the server's sandbox.
func TestPluginInitWASMBuildsAnywhere(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "tract-tidy")
	out, err := runCmd(t, nil, "plugin", "init", "tract-tidy", "--runtime", "wasm", "--dir", dir)
	if err != nil {
		t.Fatalf("plugin init: %v\n%s", err, out)
	}
	for _, want := range []string{"riposte plugin test", "riposte plugin publish", "RIPOSTE_TOKEN", "docs/plugin-guide.md", "go test ./..."} {
		if !strings.Contains(out, want) {
			t.Errorf("the next steps do not say %s:\n%s", want, out)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var names []string
	checkout, _ := os.Getwd()
	for _, f := range files {
		names = append(names, filepath.Base(f))
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), checkout) || strings.Contains(string(b), `"`+riposteModule) {
			t.Errorf("%s refers to Riposte's source:\n%s", filepath.Base(f), b)
		}
	}
	if want := []string{"README.md", "go.mod", "main.go", "main_test.go", "manifest.yaml"}; !slices.Equal(names, want) {
		t.Errorf("files %q, want %q", names, want)
	}
	if gomod, _ := os.ReadFile(filepath.Join(dir, "go.mod")); strings.Contains(string(gomod), "require") {
		t.Errorf("go.mod requires modules; the plugin is standard library only:\n%s", gomod)
	}

	got := goToolWith(t, dir, riposteOnPath(t), "test", "-count=1", "-v", "./...")
	for _, test := range []string{"TestTidiesTheText", "TestAnswersOnStandardOutput", "TestExitsNonZeroOnWhatTheSchemaRefuses", "TestRunsInRipostesSandbox"} {
		if !strings.Contains(got, "--- PASS: "+test) {
			t.Errorf("%s did not pass:\n%s", test, got)
		}
	}
	// The scaffold's own test ran the module in the server's sandbox.
	if !strings.Contains(got, "PASS  tract-tidy 0.1.0 runs in Riposte's sandbox") {
		t.Errorf("TestRunsInRipostesSandbox did not run the module in the sandbox:\n%s", got)
	}
	goTool(t, dir, "vet", "./...")
	if mods := strings.TrimSpace(goTool(t, dir, "list", "-deps", "-test", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}{{end}}{{end}}", "./...")); mods != "" {
		t.Errorf("the plugin uses modules %s", mods)
	}
	if out, err := runCmd(t, nil, "plugin", "validate", dir); err != nil || !strings.Contains(out, "valid manifest of tract-tidy 0.1.0") {
		t.Errorf("plugin validate DIR: %v\n%s", err, out)
	}

	out, err = runCmd(t, nil, "plugin", "test", dir)
	if err != nil {
		t.Fatalf("plugin test: %v\n%s", err, out)
	}
	bin, _ := os.ReadFile(filepath.Join(dir, "tract-tidy.wasm"))
	sum := wasm.Digest(bin)
	for _, want := range []string{
		"tract-tidy.wasm (built from the go:generate line of main.go, ",
		"sha256:" + sum,
		`ok    A message with stray spaces (`, `{"text":"Ne prenez pas le métro ce soir","words":7}`,
		"ok    stops when its context ends",
		"PASS  tract-tidy 0.1.0 runs in Riposte's sandbox (timeout_ms 2000, memory_mb 64)",
		"riposte plugin publish uploads this one and sets it",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plugin test does not say %s:\n%s", want, out)
		}
	}
	if out, _ := runCmd(t, nil, "plugin", "validate", dir); !strings.Contains(out, "but tract-tidy.wasm is sha256:"+sum) {
		t.Errorf("plugin validate DIR does not compare runtime.module with the module built:\n%s", out)
	}
}

// TestPluginTestReportsWhatFails checks that `plugin test` exits 1 and
// says why, for each way a wasm plugin can fail on the server.
func TestPluginTestReportsWhatFails(t *testing.T) {
	t.Parallel()
	module := func(t *testing.T, bin []byte) string {
		f := filepath.Join(t.TempDir(), "module.wasm")
		os.WriteFile(f, bin, 0o644)
		return f
	}
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, dir string) []string // returns extra arguments
		want []string
	}{
		{"an answer outside output_schema", func(t *testing.T, dir string) []string {
			editFile(t, filepath.Join(dir, "main.go"), "Words: len(words)", "Words: -len(words)")
			return nil
		}, []string{"FAIL  A message with stray spaces: ", "does not match output_schema", "output.words"}},
		{"a program that exits with an error", func(t *testing.T, dir string) []string {
			editFile(t, filepath.Join(dir, "main.go"), "words := strings.Fields(in.Text)", `if in.Text != "" { return Output{}, fmt.Errorf("broken on purpose") }
	words := strings.Fields(in.Text)`)
			return nil
		}, []string{"FAIL  A message with stray spaces: ", "exited with code 2", "standard error:\nbreak-it: broken on purpose"}},
		{"a program that does not compile", func(t *testing.T, dir string) []string {
			editFile(t, filepath.Join(dir, "main.go"), "words := strings.Fields(in.Text)", "words := strings.Fields(in.Txt)")
			return nil
		}, []string{"building the module (GOOS=wasip1 GOARCH=wasm go build", "in.Txt undefined"}},
		{"memory_mb below the module's own", func(t *testing.T, dir string) []string {
			editFile(t, filepath.Join(dir, "manifest.yaml"), "memory_mb: 64", "memory_mb: 1")
			return nil
		}, []string{"module.memory: it starts with", "runtime.memory_mb of the manifest is 1 MiB"}},
		{"an example input_schema refuses", func(t *testing.T, dir string) []string {
			editFile(t, filepath.Join(dir, "manifest.yaml"), `input: {text: "  Ne prenez pas   le métro ce soir  "}`, `input: {text: ""}`)
			return nil
		}, []string{"examples[0].input.text: does not match input_schema"}},
		{"a module that runs past timeout_ms", func(t *testing.T, dir string) []string {
			editFile(t, filepath.Join(dir, "manifest.yaml"), "timeout_ms: 2000", "timeout_ms: 100")
			return []string{"--module", module(t, wasmtest.Loop())}
		}, []string{"module.wasm (given", "FAIL  A message with stray spaces: ", "still running when its time was up"}},
		{"a module importing more than WASI", func(t *testing.T, dir string) []string {
			return []string{"--module", module(t, wasmtest.Importing("env", "abort"))}
		}, []string{"module.imports: imports env.abort"}},
		{"a file that is not a module", func(t *testing.T, dir string) []string {
			return []string{"--module", filepath.Join(dir, "README.md")}
		}, []string{"module: is not a WebAssembly module"}},
		{"no module to build or run", func(t *testing.T, dir string) []string {
			os.Remove(filepath.Join(dir, "main.go"))
			return nil
		}, []string{"which module?", "--module FILE"}},
		{"an http plugin", func(t *testing.T, dir string) []string {
			editFile(t, filepath.Join(dir, "manifest.yaml"), "type: wasm", "type: http\n  endpoint: https://example.org/invoke")
			editFile(t, filepath.Join(dir, "manifest.yaml"), "module: ", "# module: ")
			editFile(t, filepath.Join(dir, "manifest.yaml"), "memory_mb: 64", "")
			return nil
		}, []string{"plugin test runs wasm plugins"}},
		{"a folder without a manifest", func(t *testing.T, dir string) []string {
			os.Remove(filepath.Join(dir, "manifest.yaml"))
			return nil
		}, []string{"holds no manifest"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := initWASMPlugin(t, "break-it")
			args := append([]string{"plugin", "test", dir}, tc.edit(t, dir)...)
			out, err := runCmd(t, nil, args...)
			if err == nil {
				t.Fatalf("plugin test passed:\n%s", out)
			}
			if code := exitCode(err, false, &strings.Builder{}); code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			all := out + "\n" + err.Error()
			for _, want := range tc.want {
				if !strings.Contains(all, want) {
					t.Errorf("plugin test does not say %q:\n%s", want, all)
				}
			}
			if strings.Contains(all, "PASS") {
				t.Errorf("plugin test says PASS:\n%s", all)
			}
		})
	}
}

// TestPluginTestRunsAModuleBuiltElsewhere checks a plugin whose module
// another toolchain built (TinyGo, Rust, Javy): a folder holding the
// manifest and one .wasm file, or a module given with --module.
func TestPluginTestRunsAModuleBuiltElsewhere(t *testing.T) {
	t.Parallel()
	src := initWASMPlugin(t, "built-elsewhere")
	bin := wasmtest.BuildDir(t, src)
	dir := t.TempDir()
	manifest, _ := os.ReadFile(filepath.Join(src, "manifest.yaml"))
	os.WriteFile(filepath.Join(dir, "manifest.yaml"), manifest, 0o644)
	os.WriteFile(filepath.Join(dir, "plugin.wasm"), bin, 0o644)
	out, err := runCmd(t, nil, "plugin", "test", dir)
	if err != nil || !strings.Contains(out, "module "+filepath.Join(dir, "plugin.wasm")+" (given") || !strings.Contains(out, "PASS  built-elsewhere") {
		t.Errorf("a folder with one module: %v\n%s", err, out)
	}
	elsewhere := filepath.Join(t.TempDir(), "out.wasm")
	os.WriteFile(elsewhere, bin, 0o644)
	os.WriteFile(filepath.Join(dir, "other.wasm"), []byte("not this one"), 0o644)
	if out, err := runCmd(t, nil, "plugin", "test", dir); err == nil || !strings.Contains(err.Error(), "has 2 .wasm files") {
		t.Errorf("a folder with two modules: %v\n%s", err, out)
	}
	out, err = runCmd(t, nil, "plugin", "test", dir, "--module", elsewhere)
	if err != nil || !strings.Contains(out, "PASS  built-elsewhere") {
		t.Errorf("--module: %v\n%s", err, out)
	}
}
