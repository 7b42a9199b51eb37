package wasm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/riposte-civic/riposte/plugins"
)

// WASI is the only module a plugin may import from.
const WASI = "wasi_snapshot_preview1"

// linkTimeout bounds a module's start section while Check links it.
const linkTimeout = 2 * time.Second

// Module is what Check found in a module.
type Module struct {
	SHA256 string // of its bytes, in hexadecimal
	Size   int64  // in bytes
	// Imports lists the functions it imports, as "module.name", sorted.
	Imports []string
	// MinMemoryPages is the memory it starts with, in pages of 64 KiB.
	MinMemoryPages uint32
}

// MinMemoryMB is the memory the module starts with, in MiB, rounded up.
func (m Module) MinMemoryMB() int { return int((m.MinMemoryPages + 15) / 16) }

// ErrInvalidModule is what every *ModuleError matches with errors.Is.
var ErrInvalidModule = errors.New("invalid WebAssembly module")

// ModuleError lists what makes a module unfit to run as a plugin. Each
// problem's path says what it concerns: "module" (the bytes as a whole),
// "module.imports", "module.exports" or "module.memory".
type ModuleError struct {
	Problems []plugins.Problem
}

func (e *ModuleError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "invalid WebAssembly module: " + strings.Join(lines, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalidModule) hold.
func (e *ModuleError) Unwrap() error { return ErrInvalidModule }

func invalid(path, format string, args ...any) *ModuleError {
	return &ModuleError{Problems: []plugins.Problem{{Path: path, Message: fmt.Sprintf(format, args...)}}}
}

// Check compiles a module and checks that it can run as a plugin: it
// imports nothing but WASI functions, exports _start and its memory, and
// starts with at most maxMemoryMB of memory (and at most
// plugins.MaxMemoryMB). Problems are a *ModuleError. The compiled module
// stays in the host's cache, so that the first call does not compile it.
func (h *Host) Check(ctx context.Context, bin []byte, maxMemoryMB int) (Module, error) {
	c, release, err := h.modules.get(ctx, Digest(bin), func(context.Context) ([]byte, error) { return bin, nil })
	if err != nil {
		return Module{}, err
	}
	defer release()
	if c.info.MinMemoryPages > pages(maxMemoryMB) {
		return Module{}, invalid("module.memory", "it starts with %d MiB of memory, more than the %d MiB allowed", c.info.MinMemoryMB(), maxMemoryMB)
	}
	return c.info, nil
}

// Digest returns the SHA-256 of a module's bytes in hexadecimal, as
// Module.SHA256 and runtime.module (after "sha256:") give it.
func Digest(bin []byte) string {
	sum := sha256.Sum256(bin)
	return hex.EncodeToString(sum[:])
}

// compile compiles and checks a module, as the cache asks.
func (h *Host) compile(ctx context.Context, bin []byte) (*compiled, error) {
	if !bytes.HasPrefix(bin, []byte("\x00asm\x01\x00\x00\x00")) {
		return nil, invalid("module", "is not a WebAssembly module in the binary format (version 1): its bytes do not start with \\0asm")
	}
	code, err := h.rt.CompileModule(ctx, Prepare(bin))
	if err != nil {
		return nil, compileError(err)
	}
	info, problems := inspect(code)
	if len(problems) == 0 {
		problems = h.link(ctx, code, info.MinMemoryPages)
	}
	if len(problems) > 0 {
		code.Close(ctx)
		return nil, &ModuleError{Problems: problems}
	}
	info.SHA256, info.Size = Digest(bin), int64(len(bin))
	return &compiled{code: code, info: info}, nil
}

// compileError says why wazero would not compile a module.
func compileError(err error) error {
	msg := firstLine(err.Error())
	if strings.Contains(msg, "over limit of") {
		return invalid("module.memory", "it asks for more memory than the %d MiB a plugin may use (%s)", plugins.MaxMemoryMB, msg)
	}
	return invalid("module", "does not compile: %s", msg)
}

// inspect reads a compiled module's imports, exports and memory.
func inspect(code wazero.CompiledModule) (Module, []plugins.Problem) {
	var (
		info            Module
		ps, others      []string
		problems        []plugins.Problem
		foreignMemories = code.ImportedMemories()
	)
	for _, f := range code.ImportedFunctions() {
		mod, name, _ := f.Import()
		if mod == WASI {
			ps = append(ps, mod+"."+name)
		} else {
			others = append(others, mod+"."+name)
		}
	}
	for _, m := range foreignMemories {
		mod, name, _ := m.Import()
		others = append(others, mod+"."+name+" (a memory)")
	}
	slices.Sort(ps)
	info.Imports = slices.Compact(ps)
	if len(others) > 0 {
		problems = append(problems, plugins.Problem{Path: "module.imports", Message: fmt.Sprintf(
			"imports %s: a plugin may only import the WASI functions of %s", list(others, 5), WASI)})
	}
	if start, ok := code.ExportedFunctions()["_start"]; !ok || len(start.ParamTypes()) > 0 || len(start.ResultTypes()) > 0 {
		problems = append(problems, plugins.Problem{Path: "module.exports",
			Message: "must export _start, a function without parameters or results: build a WASI command (wasm32-wasip1), not a library"})
	}
	if mem, ok := code.ExportedMemories()["memory"]; ok && len(foreignMemories) == 0 {
		info.MinMemoryPages = mem.Min()
	} else if len(foreignMemories) == 0 {
		problems = append(problems, plugins.Problem{Path: "module.exports", Message: `must export its memory as "memory", as WASI requires`})
	}
	return info, problems
}

// link instantiates a module without starting it, to find imports that
// WASI does not provide (globals and tables, whose imports inspect cannot
// see) and functions imported with another signature than WASI's.
func (h *Host) link(ctx context.Context, code wazero.CompiledModule, minPages uint32) []plugins.Problem {
	ctx, cancel := context.WithTimeout(ctx, linkTimeout)
	defer cancel()
	mem := h.memory(uint64(minPages) << 16)
	defer mem.release()
	mod, err := h.rt.InstantiateModule(withMemory(ctx, mem), code, h.config.WithStartFunctions())
	if mod != nil {
		mod.Close(ctx)
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return []plugins.Problem{{Path: "module", Message: fmt.Sprintf("its start section runs for more than %s", linkTimeout)}}
	}
	return []plugins.Problem{{Path: "module.imports", Message: "cannot be provided: " + firstLine(err.Error())}}
}

// list names at most n items, and how many more there are.
func list(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// firstLine returns the first line of s, at most 300 bytes of it.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
