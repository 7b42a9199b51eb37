// Package wasmtest gives tests WebAssembly modules: plugins built from Go
// sources with the Go toolchain (GOOS=wasip1 GOARCH=wasm), and tiny
// modules assembled byte by byte for what the toolchain cannot produce.
//
// Builds are cached under the user's cache directory, keyed by the
// sources and the Go version, so that a module is built once per machine
// until its source changes; within a test binary, once.
package wasmtest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The modules built from this package's testdata.
const (
	// Echo answers its input: {"output": input}.
	Echo = "echo"
	// Modes behaves as its input's "mode" says: "spin" (loops forever),
	// "grow" (takes "mb" MiB of memory), "sleep" (for "ms", holding
	// "mb" MiB), "sandbox"
	// (reports the files, environment variable "env", arguments and
	// address "addr" it could reach), "flood" (writes 10 MiB),
	// "exit" (code 3), "panic", "garbage" (not JSON), "nooutput" (JSON
	// without "output"), "stderr" (writes "text" there); otherwise
	// {"text", "calls"}, calls counting the calls its instance answered.
	Modes = "modes"
)

var builds sync.Map // directory → *build

type build struct {
	once sync.Once
	bin  []byte
	err  error
}

// Build returns the module built from testdata/<name> of this package:
// Echo or Modes.
func Build(tb testing.TB, name string) []byte {
	tb.Helper()
	_, file, _, _ := runtime.Caller(0)
	return BuildDir(tb, filepath.Join(filepath.Dir(file), "testdata", name))
}

// BuildDir returns the module built from the Go package in dir, a command
// for wasip1.
func BuildDir(tb testing.TB, dir string) []byte {
	tb.Helper()
	v, _ := builds.LoadOrStore(dir, &build{})
	b := v.(*build)
	b.once.Do(func() { b.bin, b.err = buildCached(dir) })
	if b.err != nil {
		tb.Fatalf("building the WebAssembly module in %s: %v", dir, b.err)
	}
	return b.bin
}

// buildCached returns the module built from dir, from the cache when it
// has a build of the same sources by the same Go version.
func buildCached(dir string) ([]byte, error) {
	key, err := sourceKey(dir)
	if err != nil {
		return nil, err
	}
	cacheDir, err := os.UserCacheDir()
	if err != nil {
		cacheDir = os.TempDir()
	}
	cacheDir = filepath.Join(cacheDir, "riposte", "wasmtest")
	out := filepath.Join(cacheDir, filepath.Base(dir)+"-"+key+".wasm")
	if bin, err := os.ReadFile(out); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", out, os.Getpid())
	cmd := exec.Command("go", "build", "-trimpath", "-o", tmp, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("%v\n%s", err, msg)
	}
	if err := os.Rename(tmp, out); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

// sourceKey hashes the Go files of dir, go.mod and go.sum when it has
// them, and the Go version.
func sourceKey(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version())
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".go") || n == "go.mod" || n == "go.sum" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
