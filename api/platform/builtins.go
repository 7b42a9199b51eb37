package platform

import (
	"context"
	"log/slog"

	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/plugins"
)

// SyncBuiltins registers compiled-in plugins, or their new versions, and
// records the names of plugins registered before names were kept for the
// look-alike check (registry.IndexNames); it logs what it did. It is
// RegisterBuiltins then RecordNames.
func SyncBuiltins(ctx context.Context, reg *registry.Service, builtins []plugins.Plugin, log *slog.Logger) error {
	if err := RegisterBuiltins(ctx, reg, builtins, log); err != nil {
		return err
	}
	return RecordNames(ctx, reg, log)
}

// RegisterBuiltins registers compiled-in plugins, or their new versions,
// and logs what it did.
func RegisterBuiltins(ctx context.Context, reg *registry.Service, builtins []plugins.Plugin, log *slog.Logger) error {
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
	return nil
}

// RecordNames records the names of plugins registered before names were
// kept for the look-alike check, and logs how many. Finding that there
// are none reads every plugin (a second at 100,000 plugins on
// PostgreSQL), so a server does it in the background once it serves.
func RecordNames(ctx context.Context, reg *registry.Service, log *slog.Logger) error {
	n, err := reg.IndexNames(ctx)
	if n > 0 {
		log.Info("plugin names recorded for the look-alike check", "plugins", n)
	}
	return err
}
