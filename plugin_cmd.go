package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
)

func newPluginCommand(getenv func(string) string) *cobra.Command {
	validate := &cobra.Command{
		Use:   "validate FILE|DIR",
		Short: "check a plugin manifest (YAML or JSON, or a plugin's folder); exit 1 with one problem a line",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr(c, "plugin validate needs one FILE or DIR, got %q", args)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			return runPluginValidate(args[0], getenv, c.OutOrStdout())
		},
	}
	return newGroupCommand("plugin", "create, check and publish plugins",
		"init NAME [--runtime wasm|http|builtin] [--dir DIR], validate FILE|DIR, test [DIR] or publish [DIR]",
		newPluginInitCommand(), validate, newPluginTestCommand(), newPluginPublishCommand(getenv))
}

// runPluginValidate handles `riposte plugin validate FILE|DIR`.
func runPluginValidate(path string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	f, err := readPluginFolder(path)
	if err != nil {
		return err
	}
	m, err := checkManifest(f.manifestFile, f.data, plugins.Options{AllowInsecureEndpoints: cfg.PluginsAllowPrivate, Development: !cfg.Production}, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: valid manifest of %s %s\n", f.manifestFile, m.Slug, m.Version)
	if m.Runtime.Type == plugins.RuntimeWASM {
		noteModule(f, m, stdout)
	}
	return nil
}

// noteModule says whether runtime.module names the module built in the
// plugin's folder, when there is one.
func noteModule(f pluginFolder, m *plugins.Manifest, stdout io.Writer) {
	src, err := findModule(f.dir, "")
	if err != nil {
		return
	}
	bin, err := os.ReadFile(src.file)
	if err != nil {
		return
	}
	if sum := wasm.Digest(bin); sum != m.Runtime.ModuleSHA256() {
		fmt.Fprintf(stdout, "note: runtime.module is %s, but %s is sha256:%s; riposte plugin publish uploads the module and sets runtime.module\n",
			m.Runtime.Module, filepath.Base(src.file), sum)
		return
	}
	fmt.Fprintf(stdout, "runtime.module is %s, the SHA-256 of %s\n", m.Runtime.Module, filepath.Base(src.file))
}
