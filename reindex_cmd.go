package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
)

func newReindexCommand(getenv func(string) string) *cobra.Command {
	var check bool
	c := &cobra.Command{
		Use:   "reindex [--check]",
		Short: "rebuild the search index from the database (or compare them)",
		Args:  noArgs("reindex takes no arguments besides --check"),
	}
	flags := addConfigFlags(c.Flags())
	c.Flags().BoolVar(&check, "check", false, "compare the index with the database and report drift, changing nothing")
	c.RunE = func(c *cobra.Command, _ []string) error {
		cfg, err := flags.load(getenv)
		if err != nil {
			return err
		}
		return runReindex(c.Context(), cfg, check, c.OutOrStdout())
	}
	return c
}

// runReindex handles `riposte reindex [--check]`: rebuild the search index
// from the database, or compare the two. The embedded index is for one
// process at a time: with a server running on it, reindex fails at once.
func runReindex(ctx context.Context, cfg config, check bool, stdout io.Writer) error {
	if cfg.MeiliURL == "" {
		lock, err := lockDataDir(cfg.DataDir)
		var inUse *dataDirInUseError
		if errors.As(err, &inUse) {
			inUse.Hint = "ask the server to rebuild its index instead, with POST /api/v1/admin/reindex as an administrator"
		}
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	engine, err := openEngine(ctx, cfg)
	if err != nil {
		return err
	}
	defer engine.Close()
	if check {
		return reportDrift(ctx, st, engine, stdout)
	}
	start := time.Now()
	n, err := search.Reindex(ctx, st, engine)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reindexed %d plugins into %s in %s\n", n, engine.Name(), time.Since(start).Round(time.Millisecond))
	return nil
}

// reportDrift prints how the index differs from the database and fails
// when it does.
func reportDrift(ctx context.Context, st *store.Store, engine search.Engine, stdout io.Writer) error {
	d, err := search.Check(ctx, st, engine)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s index: %d documents; database: %d listed plugins\n", engine.Name(), d.Indexed, d.Listed)
	fmt.Fprint(stdout, listSlugs("missing from the index", d.Missing)+listSlugs("in the index but not listed", d.Extra)+
		listSlugs("indexed at an older revision", d.Stale))
	if !d.Clean() {
		return fmt.Errorf("the index has drifted (%d missing, %d extra, %d stale): run riposte reindex",
			len(d.Missing), len(d.Extra), len(d.Stale))
	}
	fmt.Fprintln(stdout, "the index matches the database")
	return nil
}

func listSlugs(label string, slugs []string) string {
	if len(slugs) == 0 {
		return ""
	}
	more := ""
	if len(slugs) > 20 {
		slugs, more = slugs[:20], fmt.Sprintf(" … (%d in all)", len(slugs))
	}
	return fmt.Sprintf("  %s: %s%s\n", label, strings.Join(slugs, ", "), more)
}
