package plugins

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocumentedExamplesAreValid checks every YAML example in
// docs/plugin-manifest.md, so that the guide cannot drift from the rules.
func TestDocumentedExamplesAreValid(t *testing.T) {
	doc, err := os.ReadFile("../docs/plugin-manifest.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 3 {
		t.Fatalf("found %d YAML examples, want one per runtime type", len(blocks))
	}
	for _, b := range blocks {
		opts := Options{AllowBuiltin: strings.Contains(b[1], "type: builtin")}
		if _, err := Check([]byte(b[1]), opts); err != nil {
			t.Errorf("documented example is invalid: %v\n%s", err, b[1])
		}
	}
}
