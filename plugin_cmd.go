package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/riposte-civic/riposte/plugins"
)

func newPluginCommand(getenv func(string) string) *cobra.Command {
	validate := &cobra.Command{
		Use:   "validate FILE",
		Short: "check a plugin manifest (YAML or JSON); exit 1 with one problem a line",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr(c, "plugin validate needs one FILE, got %q", args)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			return runPluginValidate(args[0], getenv, c.OutOrStdout())
		},
	}
	return newGroupCommand("plugin", "create and check plugins", "init NAME [--runtime http|builtin] [--dir DIR], or validate FILE",
		newPluginInitCommand(), validate)
}

// runPluginValidate handles `riposte plugin validate FILE`.
func runPluginValidate(file string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	m, err := plugins.Check(data, plugins.Options{AllowInsecureEndpoints: cfg.PluginsAllowPrivate, Development: !cfg.Production})
	var me *plugins.ManifestError
	if errors.As(err, &me) {
		for _, p := range me.Problems {
			path := p.Path
			if path == "" {
				path = "(manifest)" // the document as a whole
			}
			fmt.Fprintf(stdout, "%s: %s\n", path, p.Message)
		}
		return fmt.Errorf("%s: %d problem(s)", file, len(me.Problems))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: valid manifest of %s %s\n", file, m.Slug, m.Version)
	return nil
}
