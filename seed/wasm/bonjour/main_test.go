package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/seed/wasm/internal/wasmtest"
)

func TestGreetsInEachLanguage(t *testing.T) {
	for _, tc := range []struct {
		in   Input
		want Output
	}{
		{Input{Name: "Amina"}, Output{Greeting: "Bonjour, Amina !", Language: "fr"}},
		{Input{Name: "Louis", Language: "en"}, Output{Greeting: "Hello, Louis!", Language: "en"}},
		{Input{Name: "أمينة", Language: "ar"}, Output{Greeting: "مرحبا يا أمينة!", Language: "ar"}},
		{Input{Name: "  Jo  ", Language: "fr"}, Output{Greeting: "Bonjour, Jo !", Language: "fr"}},
	} {
		got, err := answer(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("answer(%+v) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

// TestExitsNonZeroOnWhatTheSchemaRefuses checks that an input the manifest
// does not allow (Riposte never sends one) ends the program with a message
// on stderr and nothing on stdout, rather than an answer.
func TestExitsNonZeroOnWhatTheSchemaRefuses(t *testing.T) {
	for _, tc := range []struct{ name, stdin, says string }{
		{"not JSON", `hello`, "the call must be"},
		{"no name", `{"input": {}}`, "name is empty"},
		{"a blank name", `{"input": {"name": "  "}}`, "name is empty"},
		{"an unknown language", `{"input": {"name": "Jo", "language": "de"}}`, `language "de"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(strings.NewReader(tc.stdin), &stdout, &stderr)
			if code == 0 || stdout.Len() > 0 || !strings.Contains(stderr.String(), tc.says) {
				t.Errorf("exit %d, stdout %q, stderr %q; want a non-zero exit, no answer, and %q", code, stdout.String(), stderr.String(), tc.says)
			}
		})
	}
}

func TestManifestIsValidButForItsRuntime(t *testing.T) {
	wasmtest.Load(t, ".").CheckManifest(t)
}

// TestManifestPassesRiposteValidation checks the whole manifest, runtime
// included, with Riposte's validator.
func TestManifestPassesRiposteValidation(t *testing.T) {
	wasmtest.Load(t, ".").CheckManifestWithRuntime(t)
}

func TestManifestPinsTheCommittedModule(t *testing.T) {
	wasmtest.Load(t, ".").CheckPinned(t)
}

// TestCommittedModuleBehavesAsItsSource runs the source natively, the
// committed module and a fresh build through WebAssembly on the examples
// and on the inputs below, and compares what they do.
func TestCommittedModuleBehavesAsItsSource(t *testing.T) {
	wasmtest.Load(t, ".").CheckBehaviour(t, run,
		wasmtest.Call{Name: "a name with spaces around it", Stdin: []byte(`{"input": {"name": "  Jo  ", "language": "en"}}`)},
		wasmtest.Call{Name: "a long name", Stdin: []byte(`{"input": {"name": "` + strings.Repeat("é", 80) + `"}}`)},
		wasmtest.Call{Name: "not JSON", Stdin: []byte(`hello`)},
		wasmtest.Call{Name: "no name", Stdin: []byte(`{"input": {}}`)},
		wasmtest.Call{Name: "an unknown language", Stdin: []byte(`{"input": {"name": "Jo", "language": "de"}}`)},
	)
}

func TestCommittedModuleIsTheBuildOfItsSource(t *testing.T) {
	wasmtest.Load(t, ".").CheckReproducible(t)
}
