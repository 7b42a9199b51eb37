package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/riposte-civic/riposte/plugins"
)

// runPlugin handles `riposte plugin …`.
func runPlugin(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "init" {
		return runPluginInit(ctx, args[1:], stdout)
	}
	if len(args) != 2 || args[0] != "validate" {
		return usageError("plugin needs: init NAME [--runtime http|builtin] [--dir DIR], or validate FILE")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(args[1])
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
		return fmt.Errorf("%s: %d problem(s)", args[1], len(me.Problems))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: valid manifest of %s %s\n", args[1], m.Slug, m.Version)
	return nil
}
