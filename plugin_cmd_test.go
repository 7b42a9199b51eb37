package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPluginValidate checks that the command line gives the corpus's
// verdicts: the same as the API, one problem a line with its path.
func TestPluginValidate(t *testing.T) {
	out, err := runCmd(t, nil, "plugin", "validate", "plugins/testdata/manifests/valid/http.yaml")
	if err != nil || !strings.Contains(out, "valid manifest of signal-rumeur 1.2.0-rc.1+build.7") {
		t.Fatalf("valid manifest: %q, %v", out, err)
	}
	files, _ := filepath.Glob("plugins/testdata/manifests/invalid/*.yaml")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		first, _, _ := strings.Cut(string(data), "\n")
		want := strings.Split(strings.TrimPrefix(first, "# want: "), ", ")
		out, err := runCmd(t, nil, "plugin", "validate", f)
		if err == nil {
			t.Errorf("%s: accepted", f)
			continue
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			path, _, _ := strings.Cut(line, ": ")
			got = append(got, strings.TrimPrefix(path, "(manifest)"))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: paths %q, want %q\n%s", filepath.Base(f), got, want, out)
		}
	}
	if _, err := runCmd(t, nil, "plugin", "validate", "no/such/file.yaml"); err == nil {
		t.Fatal("missing file accepted")
	}
}

// TestPluginValidateLocalEndpoint checks that the command line refuses a
// local endpoint as registration does, and says how to allow one on a
// development setup only.
func TestPluginValidateLocalEndpoint(t *testing.T) {
	const file = "plugins/testdata/manifests/invalid/runtime-http-localhost.yaml"
	out, err := runCmd(t, nil, "plugin", "validate", file)
	if err == nil || !strings.Contains(out, "runtime.endpoint: ") || !strings.Contains(out, "RIPOSTE_PLUGINS_ALLOW_PRIVATE=true") {
		t.Fatalf("development: %q, %v; want the setting named", out, err)
	}
	prod := map[string]string{"RIPOSTE_ENV": "production", "RIPOSTE_JWT_SECRET": strings.Repeat("k", 48)}
	out, err = runCmd(t, prod, "plugin", "validate", file)
	if err == nil || !strings.Contains(out, "runtime.endpoint: ") || strings.Contains(out, "RIPOSTE_PLUGINS_ALLOW_PRIVATE") {
		t.Fatalf("production: %q, %v; want a refusal without the setting", out, err)
	}
	if out, err := runCmd(t, map[string]string{"RIPOSTE_PLUGINS_ALLOW_PRIVATE": "true"}, "plugin", "validate", file); err != nil {
		t.Fatalf("with RIPOSTE_PLUGINS_ALLOW_PRIVATE: %q, %v", out, err)
	}
}
