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
