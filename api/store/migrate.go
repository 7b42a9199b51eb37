package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrations embed.FS

// MigrationStatus describes one migration and whether it is applied.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

func (s *Store) migrator() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	return goose.NewProvider(dialect, s.write, fsys, goose.WithDisableGlobalRegistry(true))
}

// migrationLock runs fn while holding a lock that other processes migrating
// the same PostgreSQL schema wait for, so that replicas starting together
// take turns. SQLite needs none: its write transactions exclude each other.
func (s *Store) migrationLock(ctx context.Context, fn func() error) error {
	if s.dialect != Postgres {
		return fn()
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	const key = `hashtext('riposte-migrate:' || current_schema())`
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+key+`)`); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+key+`)`)
	return fn()
}

// Migrate applies every pending migration and reports how many it applied.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := s.migrator()
	if err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	var res []*goose.MigrationResult
	err = s.migrationLock(ctx, func() (err error) {
		res, err = p.Up(ctx)
		return err
	})
	if err != nil {
		return len(res), fmt.Errorf("store: migrate: %w", err)
	}
	return len(res), nil
}

// MigrateDown rolls back the most recent migration and returns its version.
func (s *Store) MigrateDown(ctx context.Context) (int64, error) {
	p, err := s.migrator()
	if err != nil {
		return 0, fmt.Errorf("store: migrate down: %w", err)
	}
	var res *goose.MigrationResult
	err = s.migrationLock(ctx, func() (err error) {
		res, err = p.Down(ctx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: migrate down: %w", err)
	}
	return res.Source.Version, nil
}

// MigrationStatus lists every known migration, oldest first.
func (s *Store) MigrationStatus(ctx context.Context) ([]MigrationStatus, error) {
	p, err := s.migrator()
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	list, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	out := make([]MigrationStatus, len(list))
	for i, m := range list {
		out[i] = MigrationStatus{
			Version: m.Source.Version,
			Name:    m.Source.Path,
			Applied: m.State == goose.StateApplied,
		}
	}
	return out, nil
}
