package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// startupRuns is how many starts each figure is the median of.
const startupRuns = 5

// benchStartup times riposte from exec to a 200 on /readyz: on an empty
// data directory (migrations, seed catalogue, administrator, first index),
// then again on the data it left, on SQLite with the embedded engine and,
// when RIPOSTE_BENCH_DATABASE_URL names a PostgreSQL server, on
// PostgreSQL. The bare-Gin reference server's start is the baseline.
func benchStartup(ctx context.Context, b *bench) error {
	bin, err := b.build(".")
	if err != nil {
		return err
	}
	base, err := b.build("./scripts/bench/baseline")
	if err != nil {
		return err
	}
	var baseRuns []time.Duration
	for range startupRuns {
		d, err := b.timeStart(ctx, base, func(addr string) ([]string, []string) { return []string{addr}, nil }, "/ping")
		if err != nil {
			return err
		}
		baseRuns = append(baseRuns, d)
	}
	fmt.Println("| server | first start, empty data | start on existing data |")
	fmt.Println("|---|---:|---:|")
	fmt.Printf("| bare Gin (baseline) | – | %s |\n", medianDuration(baseRuns))
	backends := []struct{ name, url string }{{"riposte, SQLite + embedded search", ""}}
	if u := os.Getenv("RIPOSTE_BENCH_DATABASE_URL"); u != "" {
		backends = append(backends, struct{ name, url string }{"riposte, PostgreSQL + embedded search", u})
	}
	for _, be := range backends {
		first, again, err := b.riposteStarts(ctx, bin, be.url)
		if err != nil {
			return fmt.Errorf("%s: %w", be.name, err)
		}
		fmt.Printf("| %s | %s | %s |\n", be.name, first, again)
	}
	fmt.Printf("\nmedians of %d starts, from exec to the first 200 on /readyz (or /ping)\n\n", startupRuns)
	return nil
}

// riposteStarts returns the median first start on fresh data and the median
// start on the data of a previous run.
func (b *bench) riposteStarts(ctx context.Context, bin, databaseURL string) (time.Duration, time.Duration, error) {
	var firsts, agains []time.Duration
	for i := range startupRuns {
		data, err := os.MkdirTemp(b.dir, "startup-")
		if err != nil {
			return 0, 0, err
		}
		env := []string{"RIPOSTE_DATA_DIR=" + data, "RIPOSTE_ADMIN_EMAIL=" + adminEmail, "RIPOSTE_ADMIN_PASSWORD=" + adminPassword}
		if databaseURL != "" {
			u, drop, err := freshDatabase(ctx, databaseURL, fmt.Sprintf("riposte_bench_startup_%d_%d", os.Getpid(), i))
			if err != nil {
				return 0, 0, err
			}
			defer drop()
			env = append(env, "RIPOSTE_DATABASE_URL="+u)
		}
		args := func(addr string) ([]string, []string) { return nil, append([]string{"RIPOSTE_ADDR=" + addr}, env...) }
		d, err := b.timeStart(ctx, bin, args, "/readyz")
		if err != nil {
			return 0, 0, err
		}
		firsts = append(firsts, d)
		if d, err = b.timeStart(ctx, bin, args, "/readyz"); err != nil {
			return 0, 0, err
		}
		agains = append(agains, d)
	}
	return medianDuration(firsts), medianDuration(agains), nil
}

// timeStart starts bin, waits until path answers 200, stops it, and
// returns how long it took to answer. setup gives the arguments and
// environment for an address.
func (b *bench) timeStart(ctx context.Context, bin string, setup func(addr string) (args, env []string), path string) (time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return 0, err
	}
	args, env := setup(addr)
	begin := time.Now()
	p, err := b.start(ctx, bin, args, env, addr, path)
	if err != nil {
		return 0, err
	}
	took := time.Since(begin)
	p.stop()
	return took, nil
}

// freshDatabase creates an empty database on the server of admin and
// returns its URL and a function that drops it.
func freshDatabase(ctx context.Context, admin, name string) (string, func(), error) {
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, err
	}
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	i := strings.LastIndexByte(admin, '/')
	q := strings.IndexByte(admin[i:], '?')
	u := admin[:i+1] + name
	if q >= 0 {
		u += admin[i+q:]
	}
	return u, func() {
		db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		db.Close()
	}, nil
}

func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2].Round(time.Millisecond)
}
