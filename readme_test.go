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
