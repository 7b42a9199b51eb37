package wasmtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// Limits are the sandbox limits a manifest asks for.
type Limits struct {
	Timeout  time.Duration // runtime.timeout_ms
	MemoryMB int           // runtime.memory_mb
}

// Result is what one run of a module did.
type Result struct {
	Stdout, Stderr []byte
	ExitCode       uint32 // 0 when the program ended normally
	Err            error  // a trap, the timeout or a refused module; nil otherwise
}

// RunModule runs a WASI preview 1 command module once per stdin, each
// time in a fresh instance, sandboxed as a plugin is on Riposte: no
// files, no environment, no arguments beyond the program's name, the
// system clocks, random bytes, and the memory and time limits given. It
// compiles the module once.
//
// It is the one place the tests use a WebAssembly host; Riposte's own
// will take its place.
func RunModule(tb testing.TB, module []byte, limits Limits, stdins [][]byte) []Result {
	tb.Helper()
	ctx := context.Background()
	cfg := wazero.NewRuntimeConfig().
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(uint32(limits.MemoryMB) * 16) // 64 KiB pages
	r := wazero.NewRuntimeWithConfig(ctx, cfg)
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	compiled, err := r.CompileModule(ctx, module)
	if err != nil {
		tb.Fatalf("compiling the module: %v", err)
	}
	results := make([]Result, len(stdins))
	for i, stdin := range stdins {
		var stdout, stderr bytes.Buffer
		mc := wazero.NewModuleConfig().
			WithName("").
			WithArgs("plugin").
			WithStdin(bytes.NewReader(stdin)).
			WithStdout(&stdout).
			WithStderr(&stderr).
			WithSysWalltime().
			WithSysNanotime().
			WithSysNanosleep().
			WithRandSource(rand.Reader)
		runCtx, cancel := context.WithTimeout(ctx, limits.Timeout)
		mod, err := r.InstantiateModule(runCtx, compiled, mc)
		cancel()
		if mod != nil {
			mod.Close(ctx)
		}
		res := Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
		var exit *sys.ExitError
		switch {
		case errors.As(err, &exit) && exit.ExitCode() != sys.ExitCodeDeadlineExceeded && exit.ExitCode() != sys.ExitCodeContextCanceled:
			res.ExitCode = exit.ExitCode()
		case err != nil:
			res.Err = err
		}
		results[i] = res
	}
	return results
}
