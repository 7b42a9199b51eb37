// Package store keeps Riposte's state in SQLite or PostgreSQL through
// database/sql. The same SQL serves both dialects wherever it can ($n
// placeholders and RETURNING work on both); the few differences go through
// the Dialect switch.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors returned by store methods, wrapped with context.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the change would break a uniqueness rule or the
	// state the row is in does not allow it.
	ErrConflict = errors.New("conflict")
)

// Dialect names the SQL database behind a Store.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the database. It is safe for concurrent use.
type Store struct {
	queries
	read    *sql.DB
	write   *sql.DB
	caches  []*stmtCache
	dialect Dialect
	// changed are told, after each commit, which plugins it changed.
	changed []func(slugs []string)
}

// Tx is a transaction: the same queries as Store, applied atomically.
type Tx struct {
	queries
	tx *sql.Tx
	// changed lists the plugins the transaction changed, for the
	// store's change listeners.
	changed []string
}

// OnPluginsChanged calls fn after every committed transaction that
// changed plugins — the changes that feed the search outbox, and yanks —
// with their slugs, in this process. Register listeners before serving.
func (s *Store) OnPluginsChanged(fn func(slugs []string)) {
	s.changed = append(s.changed, fn)
}

// PluginChanged records that the transaction changes what a plugin's
// representations show, for the store's change listeners. Changes that
// queue the plugin for the search index record it already.
func (tx *Tx) PluginChanged(slug string) {
	tx.changed = append(tx.changed, slug)
}

// dbtx is what both *sql.DB and *sql.Tx offer.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries holds every query method. On a Store, reads go to r and writes to
// w (on SQLite these are separate pools, the writer holding one
// connection); in a Tx both are the transaction.
type queries struct {
	r, w    dbtx
	dialect Dialect
}

// Open connects to the database at dsn and checks that it answers.
//
// dsn is either a PostgreSQL URL (postgres://… or postgresql://…) or an
// SQLite location: sqlite:PATH, file:PATH, or a bare path. The SQLite file's
// directory is created if needed. Open does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var (
		s   *Store
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err = openPostgres(dsn)
	case dsn == "":
		return nil, errors.New("store: empty database location")
	default:
		s, err = openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return s, nil
}

// connectTimeout bounds the opening of a PostgreSQL connection when the
// URL does not say (connect_timeout): a server that does not answer at all
// (a failover, a lost route) makes requests fail with 503 after that long
// rather than wait for it.
const connectTimeout = "5"

// withConnectTimeout returns dsn with connect_timeout set, unless it is.
func withConnectTimeout(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // sql.Open reports it
	}
	q := u.Query()
	if q.Has("connect_timeout") {
		return dsn
	}
	q.Set("connect_timeout", connectTimeout)
	u.RawQuery = q.Encode()
	return u.String()
}

func openPostgres(dsn string) (*Store, error) {
	db, err := sql.Open("pgx", withConnectTimeout(dsn))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db.SetMaxOpenConns(4 * runtime.GOMAXPROCS(0))
	db.SetMaxIdleConns(4 * runtime.GOMAXPROCS(0))
	db.SetConnMaxIdleTime(5 * time.Minute)
	return newStore(db, db, Postgres), nil
}

// sqlitePath extracts the file path from an SQLite location.
func sqlitePath(dsn string) string {
	p := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	p = strings.TrimPrefix(p, "//")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// sqliteCacheKiB is the page cache of each SQLite connection, in KiB
// written as SQLite takes it (negative).
const sqliteCacheKiB = -16384

func openSQLite(dsn string) (*Store, error) {
	path := sqlitePath(dsn)
	if path == "" {
		return nil, errors.New("store: empty SQLite path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// Timestamps are stored as integer microseconds so that they compare as
	// numbers and read back as time.Time.
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(10000)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "foreign_keys(1)")
	params.Add("_pragma", "synchronous(NORMAL)")
	// Each connection keeps up to 16 MiB of pages (cache_size, in KiB when
	// negative) and reads the rest with pread from the system's page cache.
	// The file is not mapped into memory (mmap_size stays 0): each
	// connection maps it on its own, and the resident set counts a page once
	// per mapping: with nine connections, the 473 MB database of
	// 100,000 plugins counted up to nine times (1.7 GiB resident, 0.7 GiB
	// without the map). Reads the process does not answer from its kept
	// representations cost a pread per page instead; see "Memory at
	// 100,000 plugins" in docs/performance.md.
	params.Add("_pragma", "cache_size("+strconv.Itoa(sqliteCacheKiB)+")")
	params.Set("_time_integer_format", "unix_micro")
	params.Set("_inttotime", "1")
	base := "file:" + path + "?" + params.Encode()

	write, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// One writer: SQLite allows one at a time, and queueing in Go is cheaper
	// than spinning on SQLITE_BUSY.
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	n := 4 * runtime.GOMAXPROCS(0)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxIdleTime(0)
	return newStore(read, write, SQLite), nil
}

func newStore(read, write *sql.DB, d Dialect) *Store {
	s := &Store{queries: queries{r: read, w: write, dialect: d}, read: read, write: write, dialect: d}
	if d == SQLite {
		// pgx caches prepared statements per connection by itself.
		r, w := newStmtCache(read), newStmtCache(write)
		s.queries.r, s.queries.w, s.caches = r, w, []*stmtCache{r, w}
	}
	return s
}

// Dialect reports which database the store talks to.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.write.PingContext(ctx); err != nil {
		return err
	}
	if s.read != s.write {
		return s.read.PingContext(ctx)
	}
	return nil
}

// Close closes every connection.
func (s *Store) Close() error {
	for _, c := range s.caches {
		c.close()
	}
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// InTx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise. On SQLite the transaction takes the write lock at
// once; on PostgreSQL it runs at READ COMMITTED and fn locks what it reads
// for update (see queries.forUpdate).
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) (err error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", mapError(err))
	}
	t := &Tx{queries: queries{r: tx, w: tx, dialect: s.dialect}, tx: tx}
	if s.dialect == SQLite {
		// A statement run more than once in the transaction is parsed
		// once (see txStmts).
		ts := txStmts{tx: tx, stmts: map[string]*sql.Stmt{}}
		t.queries.r, t.queries.w = ts, ts
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
			return
		}
		if cerr := tx.Commit(); cerr != nil {
			err = fmt.Errorf("store: commit: %w", mapError(cerr))
			return
		}
		if len(t.changed) > 0 {
			for _, fn := range s.changed {
				fn(t.changed)
			}
		}
	}()
	return fn(t)
}

// forUpdate is the row-locking suffix for a SELECT inside a transaction.
// SQLite needs none: its write transactions hold the database lock.
func (q queries) forUpdate() string {
	if q.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// mapError turns driver errors into the store's sentinels where they mean
// something to callers.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505", "23P01": // unique_violation, exclusion_violation
			return fmt.Errorf("%w: %s", ErrConflict, pgErr.ConstraintName)
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return fmt.Errorf("%w: concurrent update, retry", ErrConflict)
		}
		return err
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", ErrConflict, sqErr.Error())
		}
	}
	return err
}

// Unavailable reports whether err means that the database cannot be
// reached or does not serve now — refused or cut connections, a server
// shutting down, starting up or out of connections — rather than that the
// request is wrong: a request may succeed if tried again shortly. The
// connection pool drops broken connections and opens new ones, so the
// process recovers by itself once the database is back.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01–57P03: the server shuts
		// down, crashed or cannot accept connections yet; 53300: too many
		// connections.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" ||
			pgErr.Code == "57P03" || pgErr.Code == "53300"
	}
	var connectErr *pgconn.ConnectError
	return errors.As(err, &connectErr) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, pgconn.ErrConnClosed) || pgconn.SafeToRetry(err)
}

// Page selects a window of a list.
type Page struct {
	Limit  int
	Offset int
}

// now is the store's clock: UTC, microsecond precision as both databases keep.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}
