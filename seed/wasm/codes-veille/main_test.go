package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/seed/wasm/internal/wasmtest"
)

// TestExitsNonZeroOnWhatTheSchemaRefuses checks that an input the manifest
// does not allow (Riposte never sends one) ends the program with a message
// on stderr and nothing on stdout, rather than an answer.
func TestExitsNonZeroOnWhatTheSchemaRefuses(t *testing.T) {
	for _, tc := range []struct{ name, stdin, says string }{
		{"not JSON", `Amaq`, "the call must be"},
		{"no text", `{"input": {}}`, "text is empty"},
		{"an unknown language", `{"input": {"text": "Amaq", "language": "ar"}}`, `language "ar"`},
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
	call := func(name, stdin string) wasmtest.Call { return wasmtest.Call{Name: name, Stdin: []byte(stdin)} }
	wasmtest.Load(t, ".").CheckBehaviour(t, run,
		call("every outlet, in English", `{"input": {"language": "en", "text": "Amaq, al-Naba', Dabiq, Rumiyah, Dar al-Islam, Al-Hayat Media Center, Al-Furqan Media, Nashir, al-Bayan radio"}}`),
		call("names, slogan and slurs in Arabic", `{"input": {"text": "دولة الخلافة ولاية سيناء باقية وتتمدد الطواغيت المرتدين والرافضة انغماسي استشهادي أشبال الخلافة"}}`),
		call("transliterations, accents and case", `{"input": {"text": "TĀGHŪT, Khilāfa, Wilāyat Khurāsān, RAFIDHA, Inghimasiyyin, cubs of the Caliphate ☝🏽"}}`),
		call("the same term many times", `{"input": {"text": "`+strings.Repeat("Amaq ", 500)+`"}}`),
		call("the longest text allowed", `{"input": {"text": "`+strings.Repeat("Le califat abbasside, ", 900)+`"}}`),
		call("not JSON", `Amaq`),
		call("no text", `{"input": {}}`),
		call("an unknown language", `{"input": {"text": "Amaq", "language": "ar"}}`),
	)
}

func TestCommittedModuleIsTheBuildOfItsSource(t *testing.T) {
	wasmtest.Load(t, ".").CheckReproducible(t)
}
