// Package storetest opens migrated, throw-away databases for tests: SQLite
// in a temporary directory always, and PostgreSQL when
// RIPOSTE_TEST_DATABASE_URL points at a server (each test gets a schema of
// its own, dropped afterwards).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/store"
)

// EnvDatabaseURL names the variable holding the PostgreSQL test server URL.
const EnvDatabaseURL = "RIPOSTE_TEST_DATABASE_URL"

// EnvRequireAll, when set (CI sets it), turns a missing test service into a
// failure instead of a skip.
const EnvRequireAll = "RIPOSTE_TEST_REQUIRE_ALL"

// SkipUnlessSet skips the test, saying how to enable it, when the variable
// name is empty — or fails it when RIPOSTE_TEST_REQUIRE_ALL is set. It
// returns the variable's value.
func SkipUnlessSet(tb testing.TB, name, example string) string {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		msg := fmt.Sprintf("set %s (e.g. %s) to run this test", name, example)
		if os.Getenv(EnvRequireAll) != "" {
			tb.Fatalf("%s is set but %s is not: %s", EnvRequireAll, name, msg)
		}
		tb.Skip(msg)
	}
	return v
}

// Each runs fn once per available database, as subtests named "sqlite" and
// "postgres". Without RIPOSTE_TEST_DATABASE_URL the postgres subtest is
// skipped, saying why.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a migrated, empty store of dialect d, closed when the test
// ends. For PostgreSQL without RIPOSTE_TEST_DATABASE_URL, it skips the test.
func Open(tb testing.TB, d store.Dialect) *store.Store {
	tb.Helper()
	dsn := URL(tb, d)
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", d, err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate %s: %v", d, err)
	}
	return s
}

// URL returns the location of a fresh, empty (unmigrated) database of
// dialect d, removed when the test ends.
func URL(tb testing.TB, d store.Dialect) string {
	tb.Helper()
	if d == store.SQLite {
		return "sqlite:" + filepath.Join(tb.TempDir(), "riposte.db")
	}
	base := SkipUnlessSet(tb, EnvDatabaseURL, "postgres://postgres@127.0.0.1:5432/test")
	return freshSchema(tb, base)
}

// OpenSQL opens the database at dsn, as URL gives it, with database/sql and
// without the store, for tests that read rows the store does not expose.
// It is closed when the test ends.
func OpenSQL(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	driver, source := "pgx", dsn
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, source = "sqlite", path
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// freshSchema creates a uniquely named schema on the server at base and
// returns base with that schema as its search path.
func freshSchema(tb testing.TB, base string) string {
	tb.Helper()
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	schema := "t_" + strings.ToLower(rand.Text()[:16])
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("postgres at %s: %v", EnvDatabaseURL, err)
	}
	tb.Cleanup(func() {
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", EnvDatabaseURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return fmt.Sprint(u)
}
