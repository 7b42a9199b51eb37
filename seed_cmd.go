package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/platform"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
	"github.com/riposte-civic/riposte/seed"
)

func newSeedCommand(getenv func(string) string) *cobra.Command {
	var demo bool
	c := &cobra.Command{
		Use:   "seed [--demo]",
		Short: "load the example catalogue and editions; --demo adds accounts for every role",
		Long: "Load the example catalogue and editions into the configured database; --demo adds accounts to try\n" +
			"every role (passwords printed once), judges and reviews. A running server indexes the changes for search.",
		Args: noArgs("seed takes no arguments besides --demo"),
	}
	flags := addConfigFlags(c.Flags())
	c.Flags().BoolVar(&demo, "demo", false, "also create demonstration accounts, judges and reviews")
	c.RunE = func(c *cobra.Command, _ []string) error {
		cfg, err := flags.load(getenv)
		if err != nil {
			return err
		}
		return runSeed(c.Context(), cfg, demo, c.OutOrStdout(), c.ErrOrStderr())
	}
	return c
}

// runSeed handles `riposte seed [--demo]`: load the seed catalogue into
// the configured database, and with --demo the accounts, judges and
// reviews that let every role be tried.
func runSeed(ctx context.Context, cfg config, demo bool, stdout, stderr io.Writer) error {
	log, logs := newLogger(cfg, stderr)
	defer logs.Close()
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	// As on a first start: an administrator, then the compiled-in tools,
	// so that a server started later finds the platform complete.
	svc := newAuthService(st, nil)
	adminCreated, adminPassword, err := svc.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
	if err != nil {
		return err
	}
	reg := registry.New(st, cfg.PluginsAllowPrivate)
	// The seed's WebAssembly tools are uploaded as POST /api/v1/modules
	// does, checked by a host of the server's limits. Its compiled code
	// stays in memory: a running server may be writing the data
	// directory's cache.
	host, err := wasm.NewHost(ctx, wasm.Options{Concurrency: cfg.WASMConcurrency, MemoryMB: cfg.WASMMemoryMB})
	if err != nil {
		return err
	}
	defer host.Close(context.WithoutCancel(ctx))
	reg.SetWASM(host)
	if err := platform.SyncBuiltins(ctx, reg, plugins.Registered(), log); err != nil {
		return err
	}
	d := seed.Deps{Store: st, Registry: reg, Hackathons: hackathons.New(st, nil), Auth: svc}
	r, err := seed.Load(ctx, d)
	if err != nil {
		return err
	}
	printSeedReport(stdout, r)
	if adminCreated {
		printAdmin(stdout, cfg, adminPassword)
	}
	if demo {
		dr, err := seed.LoadDemo(ctx, d)
		if err != nil {
			return err
		}
		if err := printDemoReport(stdout, dr); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, "The server indexes these changes for search as it runs (now if one is running, else when it starts).")
	return nil
}

func printSeedReport(w io.Writer, r seed.Report) {
	fmt.Fprintf(w, "seed catalogue: %s\n", r)
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  skipped %s: %s\n", s.What, s.Reason)
	}
}

func printAdmin(w io.Writer, cfg config, generated string) {
	if generated != "" {
		fmt.Fprintf(w, "administrator created: sign in as %s with password %s (shown once: keep it now)\n", cfg.AdminEmail, generated)
		return
	}
	fmt.Fprintf(w, "administrator created: sign in as %s with the password in RIPOSTE_ADMIN_PASSWORD\n", cfg.AdminEmail)
}

func printDemoReport(w io.Writer, r seed.DemoReport) error {
	fmt.Fprintf(w, "demo in edition %s: %d plugins (%d new), %d judges added, %d conflicts declared, %d assignments made, %d reviews recorded\n",
		r.Edition, r.Plugins.Created+r.Plugins.Updated+r.Plugins.Existing, r.Plugins.Created, r.JudgesAdded, r.Conflicts, r.Assignments, r.Reviews)
	if r.Teams > 0 {
		fmt.Fprintf(w, "demo teams formed in %s: %d\n", r.Edition, r.Teams)
	}
	if r.PairwiseEdition != "" {
		fmt.Fprintf(w, "demo edition judged pairwise: %s, %d votes cast\n", r.PairwiseEdition, r.PairwiseVotes)
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  skipped %s: %s\n", s.What, s.Reason)
	}
	if len(r.Created) > 0 {
		fmt.Fprintln(w, "demo accounts (passwords shown once: keep them now):")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, a := range r.Created {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.Role, a.Email, a.Password)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, email := range r.Existing {
		fmt.Fprintf(w, "  %s already exists: left alone, password not shown\n", email)
	}
	return nil
}

// seedFirstRun loads the seed catalogue when the database holds nothing
// but compiled-in plugins: the first start of a new platform.
func seedFirstRun(ctx context.Context, d seed.Deps, log *slog.Logger) error {
	empty, err := seed.Empty(ctx, d.Store)
	if err != nil || !empty {
		return err
	}
	r, err := seed.Load(ctx, d)
	if err != nil {
		return fmt.Errorf("load the seed catalogue (RIPOSTE_SEED=false starts without it): %w", err)
	}
	log.Info("seed catalogue loaded", "plugins", r.Plugins.Created, "wasm_tools", r.Tools.Created, "editions", r.Editions.Created, "submissions", r.Submissions.Created)
	for _, s := range r.Skipped {
		log.Info("seed item skipped", "item", s.What, "reason", s.Reason)
	}
	return nil
}
