package wasmtest

import (
	"strings"
	"testing"
)

func TestAppliesTheWasmRuntimeRules(t *testing.T) {
	good := Runtime{Type: "wasm", Module: "sha256:" + strings.Repeat("ab", 32), TimeoutMS: 2000, MemoryMB: 64}
	if p := runtimeProblems(good); len(p) > 0 {
		t.Errorf("a good runtime has problems: %q", p)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Runtime)
		field string
	}{
		{"another type", func(r *Runtime) { r.Type = "http" }, "type"},
		{"a module that is not a sha256", func(r *Runtime) { r.Module = "bonjour.wasm" }, "module"},
		{"an uppercase digest", func(r *Runtime) { r.Module = "sha256:" + strings.Repeat("AB", 32) }, "module"},
		{"no timeout", func(r *Runtime) { r.TimeoutMS = 0 }, "timeout_ms"},
		{"a timeout past the limit", func(r *Runtime) { r.TimeoutMS = 10001 }, "timeout_ms"},
		{"memory past the limit", func(r *Runtime) { r.MemoryMB = 257 }, "memory_mb"},
	} {
		r := good
		tc.edit(&r)
		p := runtimeProblems(r)
		if len(p) != 1 || !strings.HasPrefix(p[0], tc.field+":") {
			t.Errorf("%s: problems %q, want one about %s", tc.name, p, tc.field)
		}
	}
}
