// Package wasmtest checks the seed's WebAssembly tools against what they
// claim: that the manifest is valid, that it pins the committed module,
// and that the committed module is the build of the source next to it —
// the same bytes when built with the same Go, the same answers always.
//
// Each tool's tests call it from the tool's folder; the source, the
// manifest and the module are read from there.
package wasmtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/riposte-civic/riposte/plugins"
)

// Limits of the wasm runtime on manifests.
const (
	maxTimeoutMS = 10000
	maxMemoryMB  = 256
)

// Native runs a tool's program on the host, as main does: it reads stdin,
// writes stdout and stderr, and returns the exit code.
type Native func(stdin io.Reader, stdout, stderr io.Writer) int

// Example is one of the manifest's examples.
type Example struct {
	Name  string          `json:"name"`
	Input json.RawMessage `json:"input"`
}

// Runtime is the manifest's runtime object for the wasm runtime.
type Runtime struct {
	Type      string `json:"type"`
	Module    string `json:"module"`
	TimeoutMS int    `json:"timeout_ms"`
	MemoryMB  int    `json:"memory_mb"`
}

// Tool is a WebAssembly tool of the seed: its folder, manifest and
// committed module.
type Tool struct {
	Dir        string
	Runtime    Runtime
	Examples   []Example
	ModuleFile string // the committed module's file name, from the go:generate line
	Committed  []byte // the committed module

	manifest []byte         // manifest.yaml as written
	doc      map[string]any // manifest.yaml decoded
	output   *plugins.Schema
}

// Load reads the tool in dir.
func Load(tb testing.TB, dir string) *Tool {
	tb.Helper()
	t := &Tool{Dir: dir}
	var err error
	if t.manifest, err = os.ReadFile(filepath.Join(dir, "manifest.yaml")); err != nil {
		tb.Fatal(err)
	}
	if err := yaml.Unmarshal(t.manifest, &t.doc); err != nil {
		tb.Fatalf("manifest.yaml: %v", err)
	}
	decodeMember(tb, t.doc, "runtime", &t.Runtime)
	decodeMember(tb, t.doc, "examples", &t.Examples)
	var output json.RawMessage
	decodeMember(tb, t.doc, "output_schema", &output)
	if t.output, err = plugins.CompileSchema(output); err != nil {
		tb.Fatalf("manifest.yaml: output_schema: %v", err)
	}
	cmd, err := readBuildCommand(dir)
	if err != nil {
		tb.Fatal(err)
	}
	t.ModuleFile = filepath.FromSlash(cmd.Module())
	if t.Committed, err = os.ReadFile(filepath.Join(dir, t.ModuleFile)); err != nil {
		tb.Fatalf("the committed module: %v (build it with go generate)", err)
	}
	return t
}

// decodeMember decodes doc[key] into v through JSON, strictly.
func decodeMember(tb testing.TB, doc map[string]any, key string, v any) {
	tb.Helper()
	b, err := json.Marshal(doc[key])
	if err == nil {
		d := json.NewDecoder(bytes.NewReader(b))
		d.DisallowUnknownFields()
		err = d.Decode(v)
	}
	if err != nil {
		tb.Fatalf("manifest.yaml: %s: %v", key, err)
	}
}

// Limits are the limits the manifest asks the runtime for.
func (t *Tool) Limits() Limits {
	return Limits{Timeout: time.Duration(t.Runtime.TimeoutMS) * time.Millisecond, MemoryMB: t.Runtime.MemoryMB}
}

// Fresh returns the module built from the tool's source by its go:generate
// command, built once per test binary.
func (t *Tool) Fresh(tb testing.TB) []byte {
	tb.Helper()
	module, took, err := build(t.Dir)
	if err != nil {
		tb.Fatalf("building the module from its source: %v", err)
	}
	tb.Logf("%s: built from source in %v, %d bytes", t.ModuleFile, took.Round(time.Millisecond), len(module))
	return module
}

// CheckManifest checks the manifest with Riposte's validator, all but its
// runtime object, which it checks against the wasm runtime's rules
// itself: the validator of this version does not know runtime type wasm.
// CheckManifestWithRuntime checks the whole.
func (t *Tool) CheckManifest(tb testing.TB) {
	tb.Helper()
	doc := make(map[string]any, len(t.doc))
	for k, v := range t.doc {
		doc[k] = v
	}
	doc["runtime"] = map[string]any{"type": plugins.RuntimeBuiltin, "builtin": doc["slug"], "timeout_ms": t.Runtime.TimeoutMS}
	b, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := plugins.Check(b, plugins.Options{AllowBuiltin: true}); err != nil {
		tb.Errorf("manifest.yaml: %v", err)
	}
	for _, problem := range runtimeProblems(t.Runtime) {
		tb.Errorf("manifest.yaml: runtime.%s", problem)
	}
	for _, key := range []string{"input_schema", "output_schema"} {
		for _, problem := range presentationProblems(key, t.doc[key]) {
			tb.Errorf("manifest.yaml: %s", problem)
		}
	}
}

// pageLanguages are the languages presentation keywords may give.
var pageLanguages = map[string]bool{"fr": true, "en": true, "ar": true}

// presentationProblems finds, in a schema, presentation keywords that
// are not text per language: a comma left unquoted in a YAML flow
// mapping ({fr: a, b}) cuts a title short without making it invalid.
func presentationProblems(path string, v any) []string {
	var out []string
	perLanguage := func(path string, v any) {
		m, ok := v.(map[string]any)
		if !ok || len(m) == 0 {
			out = append(out, fmt.Sprintf("%s: want a text per language, such as {fr: …, en: …}", path))
			return
		}
		for lang, text := range m {
			if s, ok := text.(string); !pageLanguages[lang] || !ok || strings.TrimSpace(s) == "" {
				out = append(out, fmt.Sprintf("%s.%s: want a language (fr, en, ar) and its text; quote a text that holds a comma", path, lang))
			}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			switch k {
			case "x-riposte-title", "x-riposte-description":
				perLanguage(path+"."+k, sub)
			case "x-riposte-enum-labels":
				labels, ok := sub.(map[string]any)
				if !ok {
					out = append(out, path+"."+k+": want labels by value")
				}
				for value, l := range labels {
					perLanguage(path+"."+k+"."+value, l)
				}
			default:
				out = append(out, presentationProblems(path+"."+k, sub)...)
			}
		}
	case []any:
		for i, sub := range x {
			out = append(out, presentationProblems(fmt.Sprintf("%s[%d]", path, i), sub)...)
		}
	}
	return out
}

var modulePattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// runtimeProblems applies the wasm runtime's rules to r.
func runtimeProblems(r Runtime) []string {
	var out []string
	if r.Type != "wasm" {
		out = append(out, fmt.Sprintf("type: is %q, want wasm", r.Type))
	}
	if !modulePattern.MatchString(r.Module) {
		out = append(out, fmt.Sprintf("module: is %q, want sha256: and 64 lowercase hexadecimal digits", r.Module))
	}
	if r.TimeoutMS < 1 || r.TimeoutMS > maxTimeoutMS {
		out = append(out, fmt.Sprintf("timeout_ms: is %d, want 1 to %d", r.TimeoutMS, maxTimeoutMS))
	}
	if r.MemoryMB < 1 || r.MemoryMB > maxMemoryMB {
		out = append(out, fmt.Sprintf("memory_mb: is %d, want 1 to %d", r.MemoryMB, maxMemoryMB))
	}
	return out
}

// CheckManifestWithRuntime checks the whole manifest, runtime included,
// with Riposte's validator, as `riposte plugin validate` and publishing do.
func (t *Tool) CheckManifestWithRuntime(tb testing.TB) {
	tb.Helper()
	if _, err := plugins.Check(t.manifest, plugins.Options{}); err != nil {
		tb.Errorf("manifest.yaml: %v", err)
	}
}

// CheckPinned checks that runtime.module names the committed module.
func (t *Tool) CheckPinned(tb testing.TB) {
	tb.Helper()
	sum := sha256.Sum256(t.Committed)
	if want := "sha256:" + hex.EncodeToString(sum[:]); t.Runtime.Module != want {
		tb.Errorf("manifest.yaml: runtime.module is %q, but the committed %s is %s: set runtime.module to it after go generate",
			t.Runtime.Module, t.ModuleFile, want)
	}
}

// CheckReproducible checks that the committed module is, byte for byte,
// what go generate builds from the source, when the go command is the
// version BUILT_WITH records; with another version it skips.
func (t *Tool) CheckReproducible(tb testing.TB) {
	tb.Helper()
	recorded, err := os.ReadFile(filepath.Join(t.Dir, "BUILT_WITH"))
	if err != nil {
		tb.Fatalf("BUILT_WITH: %v (go generate writes it)", err)
	}
	fields := strings.Fields(string(recorded)) // go version go1.26.8 linux/amd64
	if len(fields) < 3 || fields[0] != "go" || fields[1] != "version" {
		tb.Fatalf("BUILT_WITH holds %q, not the output of `go version`", recorded)
	}
	current, err := goVersion()
	if err != nil {
		tb.Fatalf("go env GOVERSION: %v", err)
	}
	if current != fields[2] {
		tb.Skipf("the committed module was built with %s and this go command is %s: the byte-for-byte comparison needs the same version (the behaviour test still compares them)",
			fields[2], current)
	}
	fresh := t.Fresh(tb)
	if !bytes.Equal(fresh, t.Committed) {
		tb.Errorf("the committed %s (%d bytes, %s) is not what go generate builds from its source with %s (%d bytes, %s): run go generate and commit the module",
			t.ModuleFile, len(t.Committed), digest(t.Committed), current, len(fresh), digest(fresh))
	}
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}
