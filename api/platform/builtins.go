package platform

import (
	"context"
	"log/slog"

	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/plugins"
)

// SyncBuiltins registers compiled-in plugins, or their new versions, and
// records the names of plugins registered before names were kept for the
// look-alike check (registry.IndexNames); it logs what it did.
func SyncBuiltins(ctx context.Context, reg *registry.Service, builtins []plugins.Plugin, log *slog.Logger) error {
	synced, err := reg.SyncBuiltins(ctx, builtins)
	if err != nil {
		return err
	}
	for _, r := range synced {
		switch r.Action {
		case "registered", "updated":
			log.Info("compiled-in plugin "+r.Action, "plugin", r.Slug, "version", r.Version)
		case "skipped":
			log.Warn("compiled-in plugin not registered", "plugin", r.Slug, "reason", r.Reason)
		}
	}
	n, err := reg.IndexNames(ctx)
	if n > 0 {
		log.Info("plugin names recorded for the look-alike check", "plugins", n)
	}
	return err
}
