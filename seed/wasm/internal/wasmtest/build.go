package wasmtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/riposte-civic/riposte/plugins/wasm"
)

// readBuildCommand finds, in dir's Go files, the directive that builds
// the module:
//
//	//go:generate env GOOS=wasip1 GOARCH=wasm go build … -o NAME.wasm .
func readBuildCommand(dir string) (wasm.BuildDirective, error) {
	d, ok, err := wasm.FindBuildDirective(dir)
	if err == nil && !ok {
		err = errors.New("no Go file of the tool has a `//go:generate env GOOS=wasip1 GOARCH=wasm go build … -o NAME.wasm .` line")
	}
	return d, err
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
	args := slices.Clone(cmd.Args)
	args[cmd.Output] = filepath.Join(tmp, "module.wasm")
	c := exec.Command("go", args...)
	c.Dir = dir
	c.Env = append(os.Environ(), cmd.Env...)
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
