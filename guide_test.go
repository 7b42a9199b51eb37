//go:build unix

package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// guideStep is a block of docs/plugin-guide.md to run.
type guideStep struct {
	line int // where its code starts in the guide
	code string
}

// guideSteps returns the guide's runnable blocks, in order: those fenced
// as "sh". Blocks fenced as "sh no-test", or in another language, are for
// reading only.
func guideSteps(md string) []guideStep {
	var steps []guideStep
	var code strings.Builder
	inFence, runnable, start := false, false, 0
	for i, line := range strings.Split(md, "\n") {
		fence := strings.TrimSpace(line)
		switch {
		case !inFence && strings.HasPrefix(fence, "```"):
			inFence, runnable, start = true, strings.TrimPrefix(fence, "```") == "sh", i+2
			code.Reset()
		case inFence && fence == "```":
			inFence = false
			if runnable {
				steps = append(steps, guideStep{line: start, code: code.String()})
			}
		case inFence:
			code.WriteString(line + "\n")
		}
	}
	return steps
}

func TestGuideStepsAreTheShBlocks(t *testing.T) {
	t.Parallel()
	md := "# T\n\n```sh\necho one\n```\n\n```sh no-test\necho never\n```\n\n```json\n{}\n```\n\n```sh\necho two\necho three\n```\n"
	got := guideSteps(md)
	if len(got) != 2 || got[0] != (guideStep{4, "echo one\n"}) || got[1] != (guideStep{16, "echo two\necho three\n"}) {
		t.Fatalf("steps = %+v", got)
	}
}

// TestGuideRunsAgainstARealServer follows docs/plugin-guide.md as a
// participant would: it runs the guide's steps with bash, in an empty
// folder, against a Riposte built from this checkout — the wasm plugin the
// guide scaffolds, tested and published with the command line, and the
// http plugin it scaffolds, served on loopback — and checks what the
// plugins answer through Riposte.
func TestGuideRunsAgainstARealServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs Riposte and a plugin; skipped with -short")
	}
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the guide's steps need %s, which is not installed: %v", tool, err)
		}
	}
	t.Parallel()
	guide, err := os.ReadFile("docs/plugin-guide.md")
	if err != nil {
		t.Fatal(err)
	}
	steps := guideSteps(string(guide))
	if len(steps) < 10 {
		t.Fatalf("found %d runnable steps in the guide; the markers must have changed", len(steps))
	}

	bin := t.TempDir()
	goTool(t, ".", "build", "-o", filepath.Join(bin, "riposte"), ".")
	base := startGuideServer(t, filepath.Join(bin, "riposte"))

	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	for _, s := range steps {
		fmt.Fprintf(&script, "echo '>>> docs/plugin-guide.md:%d' >&2\n%s", s.line, s.code)
	}
	stdout, stderr := runGuide(t, script.String(), bin, base)
	if t.Failed() {
		return
	}

	// The answers the guide shows, through Riposte: the wasm plugin it
	// scaffolds, tested in the sandbox and published at 0.1.0, then 0.2.0;
	// the http plugin at 0.1.0, then 0.2.0 from CI, a built-in, and the
	// errors it explains.
	const wasmAnswer = `{"output":{"text":"Ne prenez pas le métro ce soir","words":7},"plugin":"tract-tidy","version":"0.1.0","duration_ms":`
	const answer = `{"output":{"text":"Ne prenez pas le métro ce soir","words":7},"plugin":"tract-check","version":"0.1.0","duration_ms":`
	for _, a := range []string{wasmAnswer, answer} {
		if !strings.Contains(string(guide), a) {
			t.Errorf("the guide no longer shows the answer %s", a)
		}
	}
	full := stdout
	for _, want := range []string{
		"PASS  tract-tidy 0.1.0 runs in Riposte's sandbox",
		"registered tract-tidy 0.1.0; it is published",
		wasmAnswer,
		"added version 0.2.0 to tract-tidy; it is published",
		"valid manifest of tract-check 0.1.0",
		answer,
		`"plugin":"tract-check","version":"0.2.0"`,
		`"plugin":"portes-ouvertes"`,
		"HTTP 422", "HTTP 409", "HTTP 502",
	} {
		i := strings.Index(stdout, want)
		if i < 0 {
			t.Errorf("the guide's output lacks %s", want)
			continue
		}
		stdout = stdout[i+len(want):]
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", full, stderr)
	}
}

// runGuide runs the script with bash in an empty folder, with riposte (in
// bin) and go on PATH, and returns what it printed. It fails the test when
// the script fails.
func runGuide(t *testing.T, script, bin, base string) (stdout, stderr string) {
	t.Helper()
	work, logs := t.TempDir(), t.TempDir()
	scriptFile := filepath.Join(logs, "guide.sh")
	os.WriteFile(scriptFile, []byte(script), 0o644)
	outFile, _ := os.Create(filepath.Join(logs, "stdout"))
	errFile, _ := os.Create(filepath.Join(logs, "stderr"))
	defer outFile.Close()
	defer errFile.Close()

	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the guide's steps need go: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", scriptFile)
	cmd.Dir, cmd.Stdout, cmd.Stderr = work, outFile, errFile
	cmd.Env = append(guideEnviron("RIPOSTE_", "PLUGIN_", "PATH=", "GOFLAGS="),
		"PATH="+bin+string(os.PathListSeparator)+filepath.Dir(goBin)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"RIPOSTE="+base, "PLUGIN_PORT="+guidePort(t),
		"GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly")
	// The script and the plugin server it starts in the background form a
	// process group, stopped as a whole.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	runErr := cmd.Run()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	out, _ := os.ReadFile(outFile.Name())
	errs, _ := os.ReadFile(errFile.Name())
	if runErr != nil {
		t.Errorf("the guide's steps failed (%v); the last step started is the last >>> line:\n%s\nstdout:\n%s", runErr, errs, out)
	}
	return string(out), string(errs)
}

// startGuideServer runs the server on a free loopback port with an empty data
// folder, allowing loopback plugins, and returns its base URL once ready.
func startGuideServer(t *testing.T, bin string) string {
	t.Helper()
	addr := "127.0.0.1:" + guidePort(t)
	logFile, err := os.Create(filepath.Join(t.TempDir(), "riposte.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(guideEnviron("RIPOSTE_"),
		"RIPOSTE_ADDR="+addr, "RIPOSTE_DATA_DIR="+t.TempDir(), "RIPOSTE_SEED=false",
		"RIPOSTE_PLUGINS_ALLOW_PRIVATE=true", "RIPOSTE_ADMIN_PASSWORD=guide-admin-passphrase",
		"RIPOSTE_ENV=development", "RIPOSTE_LOG_LEVEL=warn")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		logFile.Close()
	})
	base := "http://" + addr
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			logs, _ := os.ReadFile(logFile.Name())
			t.Fatalf("riposte serve stopped: %v\n%s", err, logs)
		default:
		}
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	logs, _ := os.ReadFile(logFile.Name())
	t.Fatalf("riposte serve was not ready within a minute:\n%s", logs)
	return ""
}

// guideEnviron is this process's environment without the variables
// whose "NAME=value" starts with one of the prefixes.
func guideEnviron(prefixes ...string) []string {
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		env = append(env, kv)
	}
	return env
}

// guidePort returns a loopback TCP port that was free a moment ago.
func guidePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}
