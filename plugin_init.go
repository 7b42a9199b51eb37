package main

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"go/format"
	"go/token"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"text/template"
	"time"

	"github.com/spf13/cobra"

	"github.com/riposte-civic/riposte/plugins"
)

// pluginTemplates are the files `riposte plugin init` writes, one folder
// per runtime. They use [[ ]] as delimiters, which Go code, YAML and
// Markdown leave alone.
//
//go:embed templates/plugin
var pluginTemplates embed.FS

// riposteModule is the module path of Riposte, which compiled-in plugins
// belong to.
const riposteModule = "github.com/riposte-civic/riposte"

// riposteModuleFiles are Riposte's go.mod and go.sum: an http plugin
// requires the versions of its modules that Riposte uses, with their
// checksums, so that it builds from the module cache Riposte was built
// from.
//
//go:embed go.mod go.sum
var riposteModuleFiles embed.FS

// httpPluginModules are the modules an http plugin requires: its tests
// read the manifest and check the examples against its schemas as Riposte
// does. It requires nothing of Riposte itself.
var httpPluginModules = []struct {
	path     string
	indirect bool
}{
	{"github.com/santhosh-tekuri/jsonschema/v6", false},
	{"go.yaml.in/yaml/v3", false},
	{"golang.org/x/text", true}, // for jsonschema
}

// pluginSummary is the scaffolded tool's summary, in its manifest and README.
const pluginSummary = "Tidies a message (trims it, collapses its spaces) and counts its words"

// pluginInitUsage is the synopsis of `riposte plugin init`.
const pluginInitUsage = "riposte plugin init NAME [--runtime wasm|http|builtin] [--dir DIR]"

// scaffold is what the templates are filled in with.
type scaffold struct {
	Slug       string // the plugin's slug, NAME on the command line
	Name       string // its display name, from the slug
	Summary    string
	Package    string // builtin: the Go package name
	Dir        string // builtin: the folder, relative to the checkout, with slashes
	ImportPath string // builtin: the package's import path

	// wasm: runtime.module until the first publish sets it.
	Module string

	// go.mod of an http or wasm plugin.
	GoVersion string
	Require   []string // "path version" of the modules it imports
	Indirect  []string // "path version" of the modules those import
}

// scaffoldFile is one file to write: its name in the plugin's folder and
// its template, or its content.
type scaffoldFile struct {
	name, template string
	data           []byte
}

func newPluginInitCommand() *cobra.Command {
	var kind, dir string
	c := &cobra.Command{
		Use:   "init NAME [--runtime wasm|http|builtin] [--dir DIR]",
		Short: "create a working plugin: manifest, code, tests, README (see docs/plugin-guide.md)",
		Long: "Create a working plugin named NAME (its slug): a manifest, the code, its tests and a README.\n" +
			"A wasm plugin is a Go program that Riposte runs itself, sandboxed (no server to host); an http\n" +
			"plugin is a service you host. Both are Go modules of their own that build anywhere. A builtin\n" +
			"goes into plugins/ of a Riposte checkout. docs/plugin-guide.md goes from there to a published plugin.",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr(c, "plugin init needs one NAME: %s", pluginInitUsage)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			return runPluginInit(c.Context(), args[0], kind, dir, c.OutOrStdout())
		},
	}
	c.Flags().StringVar(&kind, "runtime", plugins.RuntimeHTTP, "wasm (a program Riposte runs, sandboxed), http (a service Riposte calls) or builtin (compiled into Riposte)")
	c.Flags().StringVar(&dir, "dir", "", "the folder to create (default: NAME, or plugins/PACKAGE for a builtin)")
	return c
}

// runPluginInit handles `riposte plugin init`: it writes a working plugin
// of the runtime asked for, then says what to do next.
func runPluginInit(ctx context.Context, slug, kind, dir string, stdout io.Writer) error {
	if err := checkSlug(slug); err != nil {
		return err
	}
	switch kind {
	case plugins.RuntimeBuiltin:
		return initBuiltin(slug, dir, stdout)
	case plugins.RuntimeHTTP:
		return initHTTP(ctx, slug, dir, stdout)
	case plugins.RuntimeWASM:
		return initWASM(slug, dir, stdout)
	}
	return fmt.Errorf("unknown runtime %q: want wasm (a program Riposte runs, sandboxed), http (a service Riposte calls) "+
		"or builtin (a tool compiled into Riposte); "+
		"a catalogue entry needs only a manifest, see docs/plugin-manifest.md", kind)
}

// checkSlug applies the manifest's slug rule to NAME.
func checkSlug(slug string) error {
	if !plugins.ValidSlug(slug) {
		return fmt.Errorf("invalid plugin name %q: NAME is the plugin's slug, %d to %d %s, such as portes-ouvertes",
			slug, plugins.MinSlugLen, plugins.MaxSlugLen, plugins.SlugRule)
	}
	return nil
}

// initBuiltin writes a compiled-in plugin into a Riposte checkout.
func initBuiltin(slug, dir string, stdout io.Writer) error {
	pkg := strings.ReplaceAll(slug, "-", "")
	if !token.IsIdentifier(pkg) || pkg == "main" {
		return fmt.Errorf("invalid plugin name %q for a builtin: without its hyphens it must be a Go package name (a letter first, not a Go keyword)", slug)
	}
	if _, taken := plugins.Lookup(slug); taken {
		return fmt.Errorf("a compiled-in plugin is already registered as %q", slug)
	}
	root, dir, err := builtinFolder(pkg, dir)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("%s: a compiled-in plugin needs a folder of its own inside the Riposte checkout %s", dir, root)
	}
	rel = filepath.ToSlash(rel)
	s := scaffold{Slug: slug, Name: displayName(slug), Summary: pluginSummary, Package: pkg, Dir: rel, ImportPath: riposteModule + "/" + rel}
	files := []scaffoldFile{
		{name: "manifest.yaml", template: "builtin/manifest.yaml.tmpl"},
		{name: pkg + ".go", template: "builtin/plugin.go.tmpl"},
		{name: pkg + "_test.go", template: "builtin/plugin_test.go.tmpl"},
		{name: "README.md", template: "builtin/README.md.tmpl"},
	}
	written, err := writeScaffold(dir, files, s, plugins.Options{AllowBuiltin: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created the compiled-in plugin %s (runtime builtin, package %s):\n", slug, s.ImportPath)
	listFiles(stdout, written)
	fmt.Fprintf(stdout, `
Next steps, from %s:
- run its tests, the conformance suite and one of its own:
    go test ./%[2]s
- add it to the binary: import it in plugins/all/all.go,
    _ "%[3]s"
  and add "%[4]s" to the list in plugins/all/all_test.go (both lists stay
  in alphabetical order: gofmt sorts the imports, the test checks its list);
- start Riposte (go run .), which publishes it at start-up, and try it:
    curl -X POST http://localhost:8080/api/v1/plugins/%[4]s/invoke -H 'Content-Type: application/json' -d '{"input":{"text":"  Ne prenez pas   le métro  "}}'
`, root, rel, s.ImportPath, slug)
	return nil
}

// builtinFolder returns the Riposte checkout and the folder for a
// compiled-in plugin: dir, or plugins/<pkg> when run from the checkout's
// root.
func builtinFolder(pkg, dir string) (root, folder string, err error) {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", "", err
		}
		if modulePath(filepath.Join(wd, "go.mod")) != riposteModule {
			return "", "", fmt.Errorf("a compiled-in plugin goes into Riposte's own source: run this from the root of a Riposte checkout "+
				"(where go.mod says module %s), or give --dir inside one; %s is not one", riposteModule, wd)
		}
		return wd, filepath.Join(wd, "plugins", pkg), nil
	}
	folder, err = filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	root, ok := findCheckout(filepath.Dir(folder))
	if !ok {
		return "", "", fmt.Errorf("%s is not inside a Riposte checkout (a folder whose go.mod says module %s): "+
			"a compiled-in plugin goes into Riposte's own source", dir, riposteModule)
	}
	return root, folder, nil
}

// initHTTP writes a plugin that runs as an HTTP service, as a Go module of
// its own that depends on nothing of Riposte: it checks signatures itself.
func initHTTP(ctx context.Context, slug, dir string, stdout io.Writer) error {
	if dir == "" {
		dir = slug
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	s := scaffold{Slug: slug, Name: displayName(slug), Summary: pluginSummary}
	goSum, err := setModule(&s)
	if err != nil {
		return err
	}
	files := []scaffoldFile{
		{name: "manifest.yaml", template: "http/manifest.yaml.tmpl"},
		{name: "main.go", template: "http/main.go.tmpl"},
		{name: "signature.go", template: "http/signature.go.tmpl"},
		{name: "main_test.go", template: "http/main_test.go.tmpl"},
		{name: "go.mod", template: "http/go.mod.tmpl"},
		{name: "go.sum", data: goSum},
		{name: "README.md", template: "http/README.md.tmpl"},
	}
	written, err := writeScaffold(abs, files, s, plugins.Options{})
	if err != nil {
		return err
	}
	note := ""
	if err := tidyOffline(ctx, abs, goSum); err != nil {
		note = fmt.Sprintf("\n`go mod tidy` could not run offline (%v): go.sum keeps all of Riposte's checksums; `go mod tidy` trims it.\n", err)
	}
	fmt.Fprintf(stdout, "Created the http plugin %s:\n", slug)
	listFiles(stdout, written)
	fmt.Fprint(stdout, note)
	fmt.Fprintf(stdout, `
Next steps:
- run its tests (signed calls, refused ones, the manifest's examples) and check its manifest:
    cd %s
    go test ./...
    riposte plugin validate manifest.yaml
- register and publish it, get its signing secret, serve it with that secret
  (PLUGIN_SECRET=whsec_… go run . answers on http://127.0.0.1:8081/invoke) and invoke it
  through Riposte: docs/plugin-guide.md goes through each step.
The endpoint in manifest.yaml is a placeholder: put your server's public https address there.
To try the plugin with a Riposte on your machine, run that Riposte with
RIPOSTE_PLUGINS_ALLOW_PRIVATE=true and use http://127.0.0.1:8081/invoke as the endpoint.
`, relativePath(abs))
	return nil
}

// placeholderModule is runtime.module in a new wasm plugin's manifest: a
// valid value that names no module, until `riposte plugin publish` sets
// the SHA-256 of the module it uploads.
var placeholderModule = "sha256:" + strings.Repeat("0", 64)

// initWASM writes a plugin that Riposte runs as a WebAssembly module: a
// Go module of its own, standard library only.
func initWASM(slug, dir string, stdout io.Writer) error {
	if dir == "" {
		dir = slug
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	gomod, err := riposteModuleFiles.ReadFile("go.mod")
	if err != nil {
		return err
	}
	s := scaffold{Slug: slug, Name: displayName(slug), Summary: pluginSummary, Module: placeholderModule, GoVersion: goVersion(string(gomod))}
	files := []scaffoldFile{
		{name: "manifest.yaml", template: "wasm/manifest.yaml.tmpl"},
		{name: "main.go", template: "wasm/main.go.tmpl"},
		{name: "main_test.go", template: "wasm/main_test.go.tmpl"},
		{name: "go.mod", template: "wasm/go.mod.tmpl"},
		{name: "README.md", template: "wasm/README.md.tmpl"},
	}
	written, err := writeScaffold(abs, files, s, plugins.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created the wasm plugin %s, which Riposte runs itself, sandboxed:\n", slug)
	listFiles(stdout, written)
	fmt.Fprintf(stdout, `
Next steps:
- run its tests, then build the module and run it as Riposte will, on the manifest's examples:
    cd %s
    go test ./...
    riposte plugin test
- publish it with an API token that has the plugins:write scope:
    RIPOSTE_TOKEN=rpt_… riposte plugin publish --server https://riposte.example.org
  It builds and uploads the module, sets runtime.module in manifest.yaml, registers
  and publishes the plugin, and prints how to invoke it. docs/plugin-guide.md goes
  through each step.
`, relativePath(abs))
	return nil
}

// setModule fills in the go.mod of an http plugin: Riposte's go version
// and the versions of httpPluginModules it uses. It returns the go.sum to
// start from, Riposte's, whose checksums cover them.
func setModule(s *scaffold) ([]byte, error) {
	gomod, err := riposteModuleFiles.ReadFile("go.mod")
	if err != nil {
		return nil, err
	}
	s.GoVersion = goVersion(string(gomod))
	for _, m := range httpPluginModules {
		v := requiredVersion(string(gomod), m.path)
		if v == "" {
			return nil, fmt.Errorf("riposte's go.mod does not require %s, which http plugins need (a bug in riposte)", m.path)
		}
		if m.indirect {
			s.Indirect = append(s.Indirect, m.path+" "+v)
		} else {
			s.Require = append(s.Require, m.path+" "+v)
		}
	}
	return riposteModuleFiles.ReadFile("go.sum")
}

// tidyOffline runs `go mod tidy` in a new plugin module without the
// network, to keep only the checksums it needs, and checks that its
// packages still load; otherwise it puts back the go.mod and go.sum it was
// given.
func tidyOffline(ctx context.Context, dir string, goSum []byte) error {
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return errors.New("no go command")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	env := append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	for _, step := range []struct {
		flags string
		args  []string
	}{
		{"-mod=mod", []string{"mod", "tidy", "-e"}},
		{"-mod=readonly", []string{"list", "-deps", "-test", "./..."}},
	} {
		cmd := exec.CommandContext(ctx, goBin, step.args...)
		cmd.Dir, cmd.Env = dir, append(env, "GOFLAGS="+step.flags)
		if out, err := cmd.CombinedOutput(); err != nil {
			os.WriteFile(filepath.Join(dir, "go.mod"), gomod, 0o644)
			os.WriteFile(filepath.Join(dir, "go.sum"), goSum, 0o644)
			return fmt.Errorf("go %s: %s", strings.Join(step.args, " "), firstLine(out, err))
		}
	}
	return nil
}

// writeScaffold renders the files into dir, which must not exist or be
// empty, after checking that the manifest is valid. It returns the paths of
// the files written.
func writeScaffold(dir string, files []scaffoldFile, s scaffold, opts plugins.Options) ([]string, error) {
	contents := make([][]byte, len(files))
	for i, f := range files {
		if f.template == "" {
			contents[i] = f.data
			continue
		}
		b, err := render(f.template, s)
		if err != nil {
			return nil, err
		}
		if f.name == "manifest.yaml" {
			if _, err := plugins.Check(b, opts); err != nil {
				return nil, fmt.Errorf("the scaffold's manifest is invalid (a bug in riposte): %w", err)
			}
		}
		contents[i] = b
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s already exists and is not empty: plugin init writes only into a new or empty folder; choose another with --dir", relativePath(dir))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for i, f := range files {
		p := filepath.Join(dir, f.name)
		if err := writeNew(p, contents[i]); err != nil {
			return written, err
		}
		written = append(written, p)
	}
	return written, nil
}

// render fills in a template; Go source comes out gofmt-formatted.
func render(name string, s scaffold) ([]byte, error) {
	src, err := fs.ReadFile(pluginTemplates, path.Join("templates/plugin", name))
	if err != nil {
		return nil, err
	}
	t, err := template.New(name).Delims("[[", "]]").Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, s); err != nil {
		return nil, err
	}
	if strings.HasSuffix(name, ".go.tmpl") {
		return format.Source(b.Bytes())
	}
	return b.Bytes(), nil
}

// writeNew creates a file that must not exist yet.
func writeNew(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: plugin init never overwrites a file", relativePath(name))
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// findCheckout returns the nearest folder, from dir up, whose go.mod is
// Riposte's.
func findCheckout(dir string) (string, bool) {
	for {
		if modulePath(filepath.Join(dir, "go.mod")) == riposteModule {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// modulePath reads the module line of a go.mod file; "" if there is none.
func modulePath(gomod string) string {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(data)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// goVersion returns the go line of a go.mod, or this toolchain's version.
func goVersion(gomod string) string {
	for line := range strings.Lines(gomod) {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "go" {
			return f[1]
		}
	}
	if v, ok := strings.CutPrefix(runtime.Version(), "go"); ok && strings.HasPrefix(v, "1.") {
		return v
	}
	return "1.26"
}

// requiredVersion returns the version of module m that a go.mod requires.
func requiredVersion(gomod, m string) string {
	for line := range strings.Lines(gomod) {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "require" {
			f = f[1:]
		}
		if len(f) >= 2 && f[0] == m {
			return f[1]
		}
	}
	return ""
}

// displayName turns a slug into a name: "tract-check" → "Tract Check".
func displayName(slug string) string {
	words := strings.Split(slug, "-")
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// relativePath shortens p to a path from the working folder when it is
// under it.
func relativePath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

func listFiles(w io.Writer, files []string) {
	for _, f := range files {
		fmt.Fprintf(w, "  %s\n", relativePath(f))
	}
}

// firstLine is the first line of a command's output, or its error.
func firstLine(out []byte, err error) string {
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if line == "" {
		return err.Error()
	}
	return line
}
