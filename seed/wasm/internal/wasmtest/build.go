package wasmtest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// buildCommand is the `go build` that a tool's go:generate directive runs.
type buildCommand struct {
	env    []string // VAR=value pairs given to env
	args   []string // the arguments after "go"
	output int      // the index in args of the module's file name
}

// readBuildCommand finds, in dir/main.go, the directive that builds the
// module:
//
//	//go:generate env GOOS=wasip1 GOARCH=wasm go build … -o NAME.wasm .
func readBuildCommand(dir string) (buildCommand, error) {
	f, err := os.Open(filepath.Join(dir, "main.go"))
	if err != nil {
		return buildCommand{}, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "//go:generate ")
		if !ok {
			continue
		}
		words, err := splitDirective(line)
		if err != nil {
			return buildCommand{}, fmt.Errorf("main.go: %q: %w", line, err)
		}
		if cmd, ok := parseBuildCommand(words); ok {
			return cmd, nil
		}
	}
	if err := sc.Err(); err != nil {
		return buildCommand{}, err
	}
	return buildCommand{}, errors.New("main.go has no `//go:generate env GOOS=wasip1 GOARCH=wasm go build … -o NAME.wasm .` line")
}

// parseBuildCommand recognises env VAR=value… go build … -o NAME.wasm.
func parseBuildCommand(words []string) (buildCommand, bool) {
	if len(words) == 0 || words[0] != "env" {
		return buildCommand{}, false
	}
	var cmd buildCommand
	i := 1
	for ; i < len(words) && strings.Contains(words[i], "="); i++ {
		cmd.env = append(cmd.env, words[i])
	}
	if i+1 >= len(words) || words[i] != "go" || words[i+1] != "build" {
		return buildCommand{}, false
	}
	cmd.args = words[i+1:]
	o := slices.Index(cmd.args, "-o")
	if o < 0 || o+1 >= len(cmd.args) || !strings.HasSuffix(cmd.args[o+1], ".wasm") {
		return buildCommand{}, false
	}
	cmd.output = o + 1
	return cmd, true
}

// splitDirective splits a go:generate line into words as `go generate`
// does: on spaces, a double-quoted word being one Go string.
func splitDirective(line string) ([]string, error) {
	var words []string
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimSpace(line) {
		if line[0] != '"' {
			word, rest, _ := strings.Cut(line, " ")
			words, line = append(words, word), rest
			continue
		}
		end := 1
		for end < len(line) && (line[end] != '"' || line[end-1] == '\\') {
			end++
		}
		word, err := strconv.Unquote(line[:min(end+1, len(line))])
		if err != nil {
			return nil, fmt.Errorf("bad quoted string: %w", err)
		}
		words, line = append(words, word), line[min(end+1, len(line)):]
	}
	return words, nil
}

// freshBuild is one build of a tool's source, shared by the tests of a test
// binary: building a module takes seconds.
type freshBuild struct {
	once     sync.Once
	module   []byte
	duration time.Duration
	err      error
}

// builds holds the builds made by this test binary, by folder.
var builds sync.Map // absolute dir → *freshBuild

// build runs the tool's go:generate build command with its output in a
// temporary folder, and returns the module.
func build(dir string) ([]byte, time.Duration, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, 0, err
	}
	v, _ := builds.LoadOrStore(abs, &freshBuild{})
	b := v.(*freshBuild)
	b.once.Do(func() { b.module, b.duration, b.err = runBuild(abs) })
	return b.module, b.duration, b.err
}

func runBuild(dir string) ([]byte, time.Duration, error) {
	cmd, err := readBuildCommand(dir)
	if err != nil {
		return nil, 0, err
	}
	tmp, err := os.MkdirTemp("", "wasmtest-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(tmp)
	args := slices.Clone(cmd.args)
	args[cmd.output] = filepath.Join(tmp, "module.wasm")
	c := exec.Command("go", args...)
	c.Dir = dir
	c.Env = append(os.Environ(), cmd.env...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	start := time.Now()
	if err := c.Run(); err != nil {
		return nil, 0, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	took := time.Since(start)
	module, err := os.ReadFile(filepath.Join(tmp, "module.wasm"))
	return module, took, err
}

// goVersion is the version of the go command that builds the modules, as
// in "go1.26.8".
func goVersion() (string, error) {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	return strings.TrimSpace(string(out)), err
}
