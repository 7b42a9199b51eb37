package wasmtest

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitsDirectivesAsGoGenerateDoes(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
	}{
		{`env GOOS=wasip1 go build -o x.wasm .`, []string{"env", "GOOS=wasip1", "go", "build", "-o", "x.wasm", "."}},
		{`go build "-ldflags=-s -w"  -o x.wasm .`, []string{"go", "build", "-ldflags=-s -w", "-o", "x.wasm", "."}},
		{`sh -c "go version > BUILT_WITH"`, []string{"sh", "-c", "go version > BUILT_WITH"}},
		{`echo "a \"quoted\" word"`, []string{"echo", `a "quoted" word`}},
	} {
		got, err := splitDirective(tc.line)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("splitDirective(%q) = %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
	if _, err := splitDirective(`go build "-ldflags=-s -w`); err == nil {
		t.Error("an unterminated quoted string is accepted")
	}
}

func TestRecognisesOnlyTheModuleBuild(t *testing.T) {
	for _, tc := range []struct {
		line, output string // output "" when the line is not the module's build
	}{
		{`env GOOS=wasip1 GOARCH=wasm go build -trimpath -o tool.wasm .`, "tool.wasm"},
		{`sh -c "go version > BUILT_WITH"`, ""},
		{`env GOOS=wasip1 GOARCH=wasm go vet .`, ""},
		{`env GOOS=wasip1 GOARCH=wasm go build -o tool .`, ""},
		{`go build -o tool.wasm .`, ""},
	} {
		words, err := splitDirective(tc.line)
		if err != nil {
			t.Fatal(err)
		}
		cmd, ok := parseBuildCommand(words)
		switch {
		case !ok && tc.output != "":
			t.Errorf("%q is not recognised as the build of %s", tc.line, tc.output)
		case ok && (cmd.args[cmd.output] != tc.output || !slices.Equal(cmd.env, []string{"GOOS=wasip1", "GOARCH=wasm"}) || cmd.args[0] != "build"):
			t.Errorf("%q: output %q, env %q, args %q; want output %q", tc.line, cmd.args[cmd.output], cmd.env, cmd.args, tc.output)
		}
	}
}

func TestAppliesTheWasmRuntimeRules(t *testing.T) {
	good := Runtime{Type: "wasm", Module: "sha256:" + strings.Repeat("ab", 32), TimeoutMS: 2000, MemoryMB: 64}
	if p := runtimeProblems(good); len(p) > 0 {
		t.Errorf("a good runtime has problems: %q", p)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Runtime)
		field string
	}{
		{"another type", func(r *Runtime) { r.Type = "http" }, "type"},
		{"a module that is not a sha256", func(r *Runtime) { r.Module = "bonjour.wasm" }, "module"},
		{"an uppercase digest", func(r *Runtime) { r.Module = "sha256:" + strings.Repeat("AB", 32) }, "module"},
		{"no timeout", func(r *Runtime) { r.TimeoutMS = 0 }, "timeout_ms"},
		{"a timeout past the limit", func(r *Runtime) { r.TimeoutMS = 10001 }, "timeout_ms"},
		{"memory past the limit", func(r *Runtime) { r.MemoryMB = 257 }, "memory_mb"},
	} {
		r := good
		tc.edit(&r)
		p := runtimeProblems(r)
		if len(p) != 1 || !strings.HasPrefix(p[0], tc.field+":") {
			t.Errorf("%s: problems %q, want one about %s", tc.name, p, tc.field)
		}
	}
}
