package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/pluginstest"
	"github.com/riposte-civic/riposte/plugins/wasm"
)

// manifestNames are the file names a plugin's folder may hold its manifest
// under, in the order they are looked for.
var manifestNames = []string{"manifest.yaml", "manifest.yml", "manifest.json"}

// buildTimeout bounds the build of a module.
const buildTimeout = 5 * time.Minute

// pluginFolder is a plugin's folder and its manifest, as written.
type pluginFolder struct {
	dir          string
	manifestFile string
	data         []byte
}

// readPluginFolder reads the manifest of the plugin at path: a folder
// holding one of manifestNames, or the manifest file itself.
func readPluginFolder(path string) (pluginFolder, error) {
	info, err := os.Stat(path)
	if err != nil {
		return pluginFolder{}, err
	}
	f := pluginFolder{dir: filepath.Dir(path), manifestFile: path}
	if info.IsDir() {
		f.dir, f.manifestFile = path, ""
		for _, name := range manifestNames {
			if _, err := os.Stat(filepath.Join(path, name)); err == nil {
				f.manifestFile = filepath.Join(path, name)
				break
			}
		}
		if f.manifestFile == "" {
			return f, fmt.Errorf("%s holds no manifest: a plugin's folder has a %s (riposte plugin init writes one)", path, manifestNames[0])
		}
	}
	f.data, err = os.ReadFile(f.manifestFile)
	return f, err
}

// printProblems writes one problem a line, with its path.
func printProblems(w io.Writer, problems []plugins.Problem) {
	for _, p := range problems {
		path := p.Path
		if path == "" {
			path = "(manifest)" // the document as a whole
		}
		fmt.Fprintf(w, "%s: %s\n", path, p.Message)
	}
}

// checkManifest validates the manifest as the server does, reserved
// names included (only the check against the server's catalogue is left
// to the server), writing its problems one a line.
func checkManifest(name string, data []byte, opts plugins.Options, stdout io.Writer) (*plugins.Manifest, error) {
	m, err := plugins.Check(data, opts)
	if err == nil {
		err = plugins.CheckNames(m, nil)
	}
	var me *plugins.ManifestError
	if errors.As(err, &me) {
		printProblems(stdout, me.Problems)
		return nil, fmt.Errorf("%s: %d problem(s)", name, len(me.Problems))
	}
	return m, err
}

// moduleSource is where a wasm plugin's module comes from: a file built by
// a go:generate directive of the plugin's folder, or a file given as it is.
type moduleSource struct {
	file  string   // the module's file
	build []string // the arguments of the go command that builds it; none for a given file
	env   []string // VAR=value pairs the build adds to the environment
	from  string   // the file holding the directive
}

// findModule says where the module of the plugin in dir comes from:
// given, the file; otherwise the directive
//
//	//go:generate env GOOS=wasip1 GOARCH=wasm go build … -o NAME.wasm .
//
// in one of the folder's Go files; otherwise the folder's one .wasm file.
func findModule(dir, given string) (moduleSource, error) {
	if given != "" {
		return moduleSource{file: given}, nil
	}
	src, ok, err := buildDirective(dir)
	if err != nil || ok {
		return src, err
	}
	found, _ := filepath.Glob(filepath.Join(dir, "*.wasm"))
	if len(found) == 1 {
		return moduleSource{file: found[0]}, nil
	}
	return moduleSource{}, fmt.Errorf("which module? %s has %d .wasm files and no Go file with a line "+
		"//go:generate env GOOS=wasip1 GOARCH=wasm go build … -o NAME.wasm . to build one: build yours "+
		"(tinygo, cargo, javy: see docs/plugin-guide.md) and give it with --module FILE", dir, len(found))
}

// buildDirective finds the go:generate directive that builds a module
// among the Go files of dir, other than tests.
func buildDirective(dir string) (moduleSource, bool, error) {
	d, ok, err := wasm.FindBuildDirective(dir)
	if err != nil || !ok {
		return moduleSource{}, false, err
	}
	return moduleSource{file: filepath.Join(dir, filepath.FromSlash(d.Module())), build: d.Args, env: d.Env,
		from: filepath.Base(d.File)}, true, nil
}

// load builds the module when its source says how, and reads it.
func (src moduleSource) load(ctx context.Context, dir string, stdout io.Writer) ([]byte, error) {
	if src.build != nil {
		if err := src.run(ctx, dir); err != nil {
			return nil, err
		}
	}
	bin, err := os.ReadFile(src.file)
	if err != nil {
		return nil, fmt.Errorf("the module: %w", err)
	}
	how := "given"
	if src.build != nil {
		how = "built from the go:generate line of " + src.from
	}
	fmt.Fprintf(stdout, "module %s (%s, %s): sha256:%s\n", relativePath(src.file), how, size(len(bin)), wasm.Digest(bin))
	return bin, nil
}

// run runs the build, printing the compiler's messages when it fails.
func (src moduleSource) run(ctx context.Context, dir string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("building the module needs the go command (https://go.dev/dl/), or build it yourself and give it with --module FILE: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, src.build...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), src.env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the module (%s go %s) failed: %w\n%s", strings.Join(src.env, " "), strings.Join(src.build, " "),
			err, bytes.TrimSpace(out))
	}
	return nil
}

// size writes a number of bytes for people.
func size(n int) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

func newPluginTestCommand() *cobra.Command {
	var module string
	c := &cobra.Command{
		Use:   "test [DIR] [--module FILE]",
		Short: "build a wasm plugin and run its examples in Riposte's sandbox, checking its schemas",
		Long: "Build the WebAssembly module of the plugin in DIR (default: the current folder) as its go:generate\n" +
			"line says, check it as an upload is checked, and run the conformance suite on it with the host the\n" +
			"server runs plugins with: each example of the manifest, within its timeout_ms and memory_mb, its input\n" +
			"checked against input_schema and the answer against output_schema. Exit 1 when a check fails.\n" +
			"A module built another way (TinyGo, Rust, Javy) is given with --module.",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErr(c, "plugin test takes at most one DIR, got %q", args)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runPluginTest(c.Context(), dir, module, c.OutOrStdout())
		},
	}
	c.Flags().StringVar(&module, "module", "", "the module to run, built already (default: build it as the go:generate line of DIR says)")
	return c
}

// runPluginTest handles `riposte plugin test`.
func runPluginTest(ctx context.Context, dir, module string, stdout io.Writer) error {
	f, err := readPluginFolder(dir)
	if err != nil {
		return err
	}
	m, err := checkManifest(f.manifestFile, f.data, plugins.Options{}, stdout)
	if err != nil {
		return err
	}
	if m.Runtime.Type != plugins.RuntimeWASM {
		return fmt.Errorf("%s is a plugin of runtime %s: plugin test runs wasm plugins; test an http plugin with its own tests (go test ./...), "+
			"a builtin with go test in the Riposte checkout", m.Slug, m.Runtime.Type)
	}
	src, err := findModule(f.dir, module)
	if err != nil {
		return err
	}
	bin, err := src.load(ctx, f.dir, stdout)
	if err != nil {
		return err
	}
	if err := runInSandbox(ctx, m, bin, stdout); err != nil {
		return err
	}
	if sum := wasm.Digest(bin); m.Runtime.ModuleSHA256() != sum {
		fmt.Fprintf(stdout, "note: runtime.module in %s is %s, not this module; riposte plugin publish uploads this one and sets it\n",
			filepath.Base(f.manifestFile), m.Runtime.Module)
	}
	return nil
}

// runInSandbox checks a module as an upload does, then runs the
// conformance suite on it with the server's host, one line a check.
func runInSandbox(ctx context.Context, m *plugins.Manifest, bin []byte, stdout io.Writer) error {
	var stderr bytes.Buffer
	host, err := wasm.NewHost(ctx, wasm.Options{Logger: slog.New(stderrHandler{&stderr}), LogStderr: true})
	if err != nil {
		return err
	}
	defer host.Close(context.WithoutCancel(ctx))
	if err := checkModule(ctx, host, m, bin, stdout); err != nil {
		return err
	}
	p, err := host.Plugin(ctx, m, bin)
	if err != nil {
		return err
	}
	results, err := pluginstest.Check(ctx, p, plugins.Options{})
	if err != nil {
		return err
	}
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
			fmt.Fprintf(stdout, "FAIL  %s: %v\n", r.Name, r.Err)
			continue
		}
		fmt.Fprintf(stdout, "ok    %s%s\n", r.Name, answerLine(r))
	}
	if stderr.Len() > 0 {
		fmt.Fprintf(stdout, "The module wrote to its standard error:\n%s", stderr.String())
	}
	if failed > 0 {
		return fmt.Errorf("%s %s: %d of %d checks failed in the sandbox", m.Slug, m.Version, failed, len(results))
	}
	if len(m.Examples) == 0 {
		fmt.Fprintln(stdout, "note: the manifest has no examples, so nothing ran; add one under examples")
	}
	fmt.Fprintf(stdout, "PASS  %s %s runs in Riposte's sandbox (timeout_ms %d, memory_mb %d)\n", m.Slug, m.Version, m.Runtime.Timeout(), m.Runtime.Memory())
	return nil
}

// checkModule checks a module as an upload does, against the manifest's
// memory_mb.
func checkModule(ctx context.Context, host *wasm.Host, m *plugins.Manifest, bin []byte, stdout io.Writer) error {
	_, err := host.Check(ctx, bin, m.Runtime.Memory())
	var me *wasm.ModuleError
	if !errors.As(err, &me) {
		return err
	}
	printProblems(stdout, me.Problems)
	hint := ""
	if slices.ContainsFunc(me.Problems, func(p plugins.Problem) bool { return p.Path == "module.memory" }) {
		hint = fmt.Sprintf("; runtime.memory_mb of the manifest is %d MiB (at most %d)", m.Runtime.Memory(), plugins.MaxMemoryMB)
	}
	return fmt.Errorf("the module cannot run as a plugin: %d problem(s)%s", len(me.Problems), hint)
}

// answerLine is how long an example took and what it answered, shortened.
func answerLine(r pluginstest.Result) string {
	if r.Output == nil {
		return ""
	}
	out := string(r.Output)
	if n := 200; len(out) > n {
		for !utf8.RuneStart(out[n]) {
			n--
		}
		out = out[:n] + "…"
	}
	return fmt.Sprintf(" (%s): %s", r.Duration.Round(time.Millisecond), out)
}

// stderrHandler keeps what the host logs of the standard error of the
// modules it runs: the text alone, one message after another.
type stderrHandler struct{ w io.Writer }

func (h stderrHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h stderrHandler) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "stderr" {
			text := a.Value.String()
			io.WriteString(h.w, text)
			if !strings.HasSuffix(text, "\n") {
				io.WriteString(h.w, "\n")
			}
		}
		return true
	})
	return nil
}

func (h stderrHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h stderrHandler) WithGroup(string) slog.Handler      { return h }
