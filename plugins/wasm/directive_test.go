package wasm_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/riposte-civic/riposte/plugins/wasm"
)

func TestGoGenerateLinesAreReadAsGoGenerateDoes(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
	}{
		{`env GOOS=wasip1 go build -o x.wasm .`, []string{"env", "GOOS=wasip1", "go", "build", "-o", "x.wasm", "."}},
		{"go build \t\"-ldflags=-s -w\"  -o x.wasm .", []string{"go", "build", "-ldflags=-s -w", "-o", "x.wasm", "."}},
		{`sh -c "go version > BUILT_WITH"`, []string{"sh", "-c", "go version > BUILT_WITH"}},
		{`echo "a \"quoted\" word"`, []string{"echo", `a "quoted" word`}},
	} {
		got, err := wasm.SplitDirective(tc.line)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("SplitDirective(%q) = %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
	if _, err := wasm.SplitDirective(`go build "-ldflags=-s -w`); err == nil {
		t.Error("an unterminated quoted string is accepted")
	}
}

func TestRecognisesOnlyTheModuleBuild(t *testing.T) {
	for _, tc := range []struct{ line, module string }{ // module "" when the line is not the module's build
		{`env GOOS=wasip1 GOARCH=wasm go build -trimpath -o tool.wasm .`, "tool.wasm"},
		{`env GOOS=wasip1 GOARCH=wasm go build -o out/tool.wasm .`, "out/tool.wasm"},
		{`sh -c "go version > BUILT_WITH"`, ""},
		{`env GOOS=wasip1 GOARCH=wasm go vet .`, ""},
		{`env GOOS=wasip1 GOARCH=wasm go build -o tool .`, ""},
		{`go build -o tool.wasm .`, ""},
	} {
		words, err := wasm.SplitDirective(tc.line)
		if err != nil {
			t.Fatal(err)
		}
		d, ok := wasm.ParseBuildDirective(words)
		switch {
		case ok != (tc.module != ""):
			t.Errorf("%q: recognised %v, want %v", tc.line, ok, tc.module != "")
		case ok && (d.Module() != tc.module || !slices.Equal(d.Env, []string{"GOOS=wasip1", "GOARCH=wasm"}) || d.Args[0] != "build"):
			t.Errorf("%q: module %q, env %q, args %q; want module %q", tc.line, d.Module(), d.Env, d.Args, tc.module)
		}
	}
}

// The directive is found in the folder's Go files, not in its tests, and
// the first file by name that has one wins.
func TestFindsTheDirectiveInTheFoldersGoFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a_test.go", "package main\n\n//go:generate env GOOS=wasip1 GOARCH=wasm go build -o test.wasm .\n")
	write("b.go", "package main\n\n//go:generate sh -c \"go version > BUILT_WITH\"\n")
	if _, ok, err := wasm.FindBuildDirective(dir); ok || err != nil {
		t.Fatalf("found a directive in a test or in another command: %v, %v", ok, err)
	}
	write("c.go", "package main\n\n//go:generate env GOOS=wasip1 GOARCH=wasm go build -o c.wasm .\n")
	write("d.go", "package main\n\n//go:generate env GOOS=wasip1 GOARCH=wasm go build -o d.wasm .\n")
	d, ok, err := wasm.FindBuildDirective(dir)
	if !ok || err != nil || d.Module() != "c.wasm" || d.File != filepath.Join(dir, "c.go") {
		t.Fatalf("found %+v, %v, %v; want c.wasm in c.go", d, ok, err)
	}
	write("b.go", "package main\n\n//go:generate env GOOS=wasip1 GOARCH=wasm go build \"-o b.wasm .\n")
	if _, _, err := wasm.FindBuildDirective(dir); err == nil {
		t.Fatal("an unterminated quoted string is not reported")
	}
}
