package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
)

// runReindex handles `riposte reindex [--check]`: rebuild the search index
// from the database, or compare the two.
func runReindex(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	var check bool
	cfg, rest, err := configFlags("reindex", args, getenv, func(fs *flag.FlagSet) {
		fs.BoolVar(&check, "check", false, "compare the index with the database and report drift, changing nothing")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("reindex takes no arguments besides --check")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	engine, err := openEngineFor(ctx, cfg, 10*time.Second)
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

// openEngineFor opens the configured engine for a command, giving up after
// wait: an embedded index held by a running server would block forever.
func openEngineFor(ctx context.Context, cfg config, wait time.Duration) (search.Engine, error) {
	type opened struct {
		e   search.Engine
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		e, err := openEngine(cfg)
		ch <- opened{e, err}
	}()
	select {
	case o := <-ch:
		return o.e, o.err
	case <-time.After(wait):
		return nil, errors.New("the search index is in use, probably by a running server: ask it instead with POST /api/v1/admin/reindex")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
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
