package plugins

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// optionsFor returns the options a corpus file is checked with: files named
// builtin-* stand for tools compiled into Riposte.
func optionsFor(name string) Options {
	return Options{AllowBuiltin: strings.HasPrefix(name, "builtin-")}
}

func TestValidManifests(t *testing.T) {
	files, _ := filepath.Glob("testdata/manifests/valid/*")
	if len(files) < 3 {
		t.Fatalf("only %d valid manifests in the corpus", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, _ := os.ReadFile(f)
			m, err := Check(data, optionsFor(filepath.Base(f)))
			if err != nil {
				t.Fatal(err)
			}
			// The canonical form is itself a valid manifest with the same content.
			again, err := Check(m.Canonical(), optionsFor(filepath.Base(f)))
			if err != nil || !bytes.Equal(again.Canonical(), m.Canonical()) {
				t.Fatalf("canonical form does not round-trip: %v", err)
			}
		})
	}
}

// wantPaths reads the problem paths a corpus file must produce: a "# want:"
// first line in YAML, a .want file (one path a line) for JSON.
func wantPaths(t *testing.T, file string, data []byte) []string {
	t.Helper()
	if strings.HasSuffix(file, ".json") {
		w, err := os.ReadFile(strings.TrimSuffix(file, ".json") + ".want")
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSuffix(string(w), "\n"), "\n")
	}
	first, _, _ := strings.Cut(string(data), "\n")
	list, ok := strings.CutPrefix(first, "# want: ")
	if !ok {
		t.Fatalf("%s has no # want: line", file)
	}
	return strings.Split(list, ", ")
}

func TestInvalidManifests(t *testing.T) {
	files, _ := filepath.Glob("testdata/manifests/invalid/*")
	for _, f := range files {
		if strings.HasSuffix(f, ".want") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, _ := os.ReadFile(f)
			_, err := Check(data, Options{})
			var me *ManifestError
			if !errors.As(err, &me) || !errors.Is(err, ErrInvalidManifest) {
				t.Fatalf("Check = %v, want a *ManifestError", err)
			}
			var got []string
			for _, p := range me.Problems {
				got = append(got, p.Path)
				if p.Message == "" || strings.Contains(p.Message, "urn:riposte") {
					t.Errorf("problem at %q has an unhelpful message %q", p.Path, p.Message)
				}
			}
			slices.Sort(got)
			want := wantPaths(t, f, data)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("problems at %q, want %q:\n%v", got, want, err)
			}
		})
	}
}

func TestMessagesHelpNewcomers(t *testing.T) {
	data, _ := os.ReadFile("testdata/manifests/invalid/unknown-field-typo.yaml")
	_, err := Check(data, Options{})
	if !strings.Contains(err.Error(), `sumary: unknown field; did you mean "summary"?`) {
		t.Errorf("typo not explained: %v", err)
	}
	data, _ = os.ReadFile("testdata/manifests/invalid/license-deprecated.yaml")
	if _, err := Check(data, Options{}); !strings.Contains(err.Error(), "GPL-2.0-only") {
		t.Errorf("deprecated license without a hint: %v", err)
	}
}

func TestInsecureEndpointsOnlyWhenAllowed(t *testing.T) {
	data, _ := os.ReadFile("testdata/manifests/invalid/runtime-http-plain-http.yaml")
	if _, err := Check(data, Options{AllowInsecureEndpoints: true}); err != nil {
		t.Fatalf("http endpoint refused with AllowInsecureEndpoints: %v", err)
	}
}

// An endpoint is vetted at registration as the remote client will vet it
// at each call: https, and a host that is not local or private. Only a
// development server says how to allow local endpoints.
func TestEndpointRules(t *testing.T) {
	base, _ := os.ReadFile("testdata/manifests/invalid/runtime-http-plain-http.yaml")
	const hint = "RIPOSTE_PLUGINS_ALLOW_PRIVATE=true"
	tests := []struct {
		endpoint string
		want     string // "" when accepted; otherwise part of the message
		hint     bool   // a development server names the setting
	}{
		{"https://signal-rumeur.example.org/invoke", "", false},
		{"https://93.184.215.14/invoke", "", false},
		{"https://localhost.example.org/invoke", "", false},
		{"http://signal-rumeur.example.org/invoke", "must be an https URL", true},
		{"http://127.0.0.1:8081/invoke", "must be an https URL", true},
		{"ftp://signal-rumeur.example.org/invoke", "must be an https URL", false},
		{"https://localhost:8443/invoke", `"localhost" is a loopback name`, true},
		{"https://LocalHost./invoke", "loopback name", true},
		{"https://tool.localhost/invoke", "loopback name", true},
		{"https://metadata.google.internal/computeMetadata", "internal name", true},
		{"https://nas.local/invoke", "local-network name", true},
		{"https://127.0.0.1/invoke", "127.0.0.1 is a loopback address", true},
		{"https://10.0.0.8/invoke", "private address", true},
		{"https://169.254.169.254/latest", "link-local address", true},
		{"https://[fd00::1]/invoke", "unique-local address", true},
		{"https://[::ffff:192.168.0.1]/invoke", "private address", true},
	}
	for _, tt := range tests {
		data := bytes.Replace(base, []byte("http://signal-rumeur.example.org/invoke"), []byte(tt.endpoint), 1)
		if _, err := Check(data, Options{AllowInsecureEndpoints: true}); err != nil && tt.want != "" && !strings.HasPrefix(tt.endpoint, "ftp:") {
			t.Errorf("%s with AllowInsecureEndpoints: %v", tt.endpoint, err)
		}
		for _, dev := range []bool{false, true} {
			_, err := Check(data, Options{Development: dev})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("%s (development %v): %v, want it accepted", tt.endpoint, dev, err)
			case tt.want == "":
			case err == nil || !strings.Contains(err.Error(), "runtime.endpoint: ") || !strings.Contains(err.Error(), tt.want):
				t.Errorf("%s (development %v): %v, want runtime.endpoint %q", tt.endpoint, dev, err, tt.want)
			case strings.Contains(err.Error(), hint) != (dev && tt.hint):
				t.Errorf("%s (development %v): %v; naming %s: want %v", tt.endpoint, dev, err, hint, dev && tt.hint)
			}
		}
	}
}

func TestLicenses(t *testing.T) {
	for _, ok := range []string{"MIT", "Apache-2.0", "AGPL-3.0-or-later", "CC0-1.0", "MIT OR Apache-2.0", "(MIT AND BSD-3-Clause) OR GPL-3.0-only",
		"GPL-2.0-or-later WITH Classpath-exception-2.0", "LicenseRef-My-License", "EUPL-1.2"} {
		if msg := checkLicense(ok); msg != "" {
			t.Errorf("%q refused: %s", ok, msg)
		}
	}
	for _, bad := range []string{"", "MIT-ish", "mit", "GPL-2.0", "MIT OR", "(MIT", "MIT)", "MIT AND AND Apache-2.0", "MIT WITH nothing", "Proprietary"} {
		if checkLicense(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
	if len(spdx) < 600 {
		t.Fatalf("the SPDX list has %d identifiers; expected the full list", len(spdx))
	}
}

// TestPublishedSchemaAgrees checks the served JSON Schema against the
// corpus: every valid manifest satisfies it, and the invalid ones whose
// fault a schema can express violate it.
// publishedSchema compiles the published JSON Schema, or the part of it
// at fragment ("#/properties/slug").
func publishedSchema(t *testing.T, fragment string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ManifestJSONSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(ManifestSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(ManifestSchemaID + fragment)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPublishedSchemaAgrees(t *testing.T) {
	s := publishedSchema(t, "")
	check := func(file string) error {
		data, _ := os.ReadFile(file)
		var tree any
		if strings.HasSuffix(file, ".json") {
			json.Unmarshal(data, &tree)
		} else {
			var ps problems
			tree = decodeYAMLTree(data, &ps)
		}
		canon, _ := json.Marshal(tree)
		v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(canon))
		return s.Validate(v)
	}
	valid, _ := filepath.Glob("testdata/manifests/valid/*")
	for _, f := range valid {
		if err := check(f); err != nil {
			t.Errorf("%s fails the published schema: %v", f, err)
		}
	}
	for _, name := range []string{"slug-format", "slug-too-long", "name-missing", "version-leading-v", "summary-too-long",
		"categories-too-many", "category-unknown", "category-duplicate", "language-three-letters", "tags-too-many", "tag-uppercase",
		"repository-ftp", "maintainers-missing", "runtime-type-unknown", "timeout-too-large", "change-kind-unknown",
		"runtime-wasm-timeout-too-large", "runtime-wasm-memory-too-large", "runtime-wasm-bad-module", "unknown-field-typo", "unknown-nested-field", "wrong-type-string-for-list"} {
		if check("testdata/manifests/invalid/"+name+".yaml") == nil {
			t.Errorf("invalid/%s.yaml passes the published schema", name)
		}
	}
}

// Each runtime type has its own default and largest timeout: builtin and
// http plugins keep 5 s and 30 s, wasm plugins get 2 s and 10 s; the
// validation and the published schema agree.
func TestTimeoutsPerRuntimeType(t *testing.T) {
	runtimeSchema := publishedSchema(t, "#/properties/runtime")
	module := "sha256:" + strings.Repeat("ab", 32)
	tests := []struct {
		rt          Runtime
		def, max    int
		valid       bool
		description string
	}{
		{Runtime{Type: RuntimeBuiltin, Builtin: "x"}, 5000, 30000, true, "builtin without timeout"},
		{Runtime{Type: RuntimeHTTP, Endpoint: "https://tool.example.org/", TimeoutMS: 15000}, 5000, 30000, true, "http at 15 s"},
		{Runtime{Type: RuntimeHTTP, Endpoint: "https://tool.example.org/", TimeoutMS: 30001}, 5000, 30000, false, "http over 30 s"},
		{Runtime{Type: RuntimeWASM, Module: module}, 2000, 10000, true, "wasm without timeout"},
		{Runtime{Type: RuntimeWASM, Module: module, TimeoutMS: 10000}, 2000, 10000, true, "wasm at 10 s"},
		{Runtime{Type: RuntimeWASM, Module: module, TimeoutMS: 15000}, 2000, 10000, false, "wasm at 15 s"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if def, max := TimeoutLimits(tt.rt.Type); def != tt.def || max != tt.max {
				t.Errorf("TimeoutLimits(%s) = %d, %d; want %d, %d", tt.rt.Type, def, max, tt.def, tt.max)
			}
			if want := cmp.Or(tt.rt.TimeoutMS, tt.def); tt.rt.Timeout() != want {
				t.Errorf("Timeout() = %d, want %d", tt.rt.Timeout(), want)
			}
			var ps problems
			checkRuntime(tt.rt, Options{AllowBuiltin: true}, &ps)
			if (len(ps) == 0) != tt.valid {
				t.Errorf("valid = %v (%v), want %v", len(ps) == 0, ps, tt.valid)
			}
			b, _ := json.Marshal(tt.rt)
			v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err := runtimeSchema.Validate(v); (err == nil) != tt.valid {
				t.Errorf("the published schema says valid = %v (%v), want %v", err == nil, err, tt.valid)
			}
		})
	}
}

// FuzzDecode feeds arbitrary documents to the decoder and validator: they
// must never panic, and anything accepted must survive a round trip.
func FuzzDecode(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		files, _ := filepath.Glob("testdata/manifests/" + dir + "/*")
		for _, file := range files {
			data, _ := os.ReadFile(file)
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			var me *ManifestError
			if !errors.As(err, &me) || len(me.Problems) == 0 {
				t.Fatalf("Decode error %v is not a *ManifestError with problems", err)
			}
			return
		}
		if err := Validate(m, Options{AllowBuiltin: true}); err == nil {
			if _, err := Check(m.Canonical(), Options{AllowBuiltin: true}); err != nil {
				t.Fatalf("accepted manifest fails after a round trip: %v", err)
			}
		}
	})
}
