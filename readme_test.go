package main

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeDocumentsConfiguration keeps the README's configuration table
// in step with what the program reads.
func TestReadmeDocumentsConfiguration(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range configVars {
		if !strings.Contains(string(readme), "| `"+v.Name+"` |") {
			t.Errorf("README.md has no configuration row for %s", v.Name)
		}
	}
	if !strings.HasPrefix(string(readme), "# Riposte\n\n```sh\ngo run .") || !strings.Contains(string(readme), "go test ./...") {
		t.Error("README.md must open with the two commands: go run . and go test ./...")
	}
}

// TestReadmeLinksAndSteps checks that the documents the README links to
// exist, and that CI runs the README's test command (the first one, go run
// ., is what TestFirstRun does with the built binary).
func TestReadmeLinksAndSteps(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range strings.Split(string(readme), "](")[1:] {
		target, _, _ := strings.Cut(part, ")")
		target, _, _ = strings.Cut(target, "#")
		if strings.HasPrefix(target, "http") || target == "" {
			continue
		}
		if _, err := os.Stat(target); err != nil {
			t.Errorf("README.md links to %s, which does not exist", target)
		}
	}
	for _, doc := range []string{"docs/plugin-guide.md", "docs/judging.md", "docs/operators.md", "docs/performance.md"} {
		if !strings.Contains(string(readme), "("+doc+")") {
			t.Errorf("README.md does not link to %s", doc)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "go test -race -count=1 ./...") {
		t.Error(".ci/run does not run the README's test command, go test ./...")
	}
}
