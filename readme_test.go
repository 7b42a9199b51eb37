package main

import (
	"os"
	"path/filepath"
	"regexp"
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
	for _, doc := range []string{"docs/plugin-guide.md", "docs/participants.md", "docs/judging.md", "docs/operators.md", "docs/performance.md"} {
		if !strings.Contains(string(readme), "("+doc+")") {
			t.Errorf("README.md does not link to %s", doc)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^go test -race -count=1( -timeout \S+)? \./\.\.\.$`).Match(ci) {
		t.Error(".ci/run does not run the README's test command, go test ./...")
	}
}

// TestReadmeTellsNewcomersWhatToExpect checks the README's sentences a
// newcomer acts on: the first go run compiles silently for minutes, and
// the riposte commands run through go run . COMMAND or an installed binary.
func TestReadmeTellsNewcomersWhatToExpect(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(readme)), " ")
	for _, says := range []string{
		"The very first `go run .` compiles Riposte first: a few minutes on a small machine, during which it prints nothing",
		"`go run . COMMAND` runs a command (`go run . seed --demo`)",
		"`go install .` installs the `riposte` binary in `$(go env GOPATH)/bin`",
	} {
		if !strings.Contains(text, says) {
			t.Errorf("README.md no longer says: %s", says)
		}
	}
}

// TestDocumentTablesAreWhole checks every Markdown table of the README and
// docs/: a header, its separator, then rows with as many cells, with no
// row cut off from its table by a paragraph.
func TestDocumentTablesAreWhole(t *testing.T) {
	files, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(files, "README.md", "seed/README.md", "api/web/README.md") {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		inFence := false
		for i := 0; i < len(lines); i++ {
			if strings.HasPrefix(strings.TrimSpace(lines[i]), "```") {
				inFence = !inFence
			}
			if inFence || !strings.HasPrefix(lines[i], "|") {
				continue
			}
			start, cells := i, tableCells(lines[i])
			if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "|-") && !strings.HasPrefix(lines[i+1], "| -") && !strings.HasPrefix(lines[i+1], "|:") {
				t.Errorf("%s:%d: a table row without a header and separator above it: %s", name, i+1, lines[i])
			}
			for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
				if n := tableCells(lines[i]); n != cells {
					t.Errorf("%s:%d: %d cells, the table's header at line %d has %d", name, i+1, n, start+1, cells)
				}
			}
		}
	}
}

// tableCells counts the cells of a Markdown table row: its pipes outside
// code spans, less the outer one.
func tableCells(row string) int {
	pipes, code := 0, false
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '`':
			code = !code
		case row[i] == '\\':
			i++
		case row[i] == '|' && !code:
			pipes++
		}
	}
	return pipes - 1
}
