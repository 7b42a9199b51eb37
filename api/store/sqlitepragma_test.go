package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// pragma reads an integer pragma on one connection.
func pragma(t *testing.T, c *sql.Conn, name string) int64 {
	t.Helper()
	var v int64
	if err := c.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

// Every SQLite connection, the pool's last as its first, has its page
// cache and does not map the file: a mapping per connection would count
// the database in the resident set once per connection.
func TestSQLiteConnectionSettings(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "riposte.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check := func(who string, c *sql.Conn, queryOnly int64) {
		t.Helper()
		if got := pragma(t, c, "mmap_size"); got != 0 {
			t.Errorf("%s: mmap_size %d, want 0", who, got)
		}
		if got := pragma(t, c, "cache_size"); got != sqliteCacheKiB {
			t.Errorf("%s: cache_size %d, want %d", who, got, sqliteCacheKiB)
		}
		if got := pragma(t, c, "query_only"); got != queryOnly {
			t.Errorf("%s: query_only %d, want %d", who, got, queryOnly)
		}
		var mode string
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("%s: journal_mode %q (%v), want wal", who, mode, err)
		}
	}
	// Hold every read connection at once, so that each is a distinct one.
	n := s.read.Stats().MaxOpenConnections
	for i := range n {
		c, err := s.read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		check(fmt.Sprintf("read connection %d", i+1), c, 1)
	}
	if got := s.read.Stats().OpenConnections; got != n {
		t.Fatalf("%d read connections open, want %d", got, n)
	}
	w, err := s.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	check("writer", w, 0)
}
