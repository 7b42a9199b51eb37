package store

import (
	"context"
	"database/sql"
)

// ExecForTest runs a raw statement on the writer, for tests that check what
// the database itself refuses.
func (s *Store) ExecForTest(ctx context.Context, query string) error {
	_, err := s.write.ExecContext(ctx, query)
	return err
}

// WithConnectTimeout is withConnectTimeout, for tests.
var WithConnectTimeout = withConnectTimeout

// QueryRowForTest runs a raw query on the reader.
func (s *Store) QueryRowForTest(ctx context.Context, query string, args ...any) *sql.Row {
	return s.read.QueryRowContext(ctx, query, args...)
}

// The statements EachListedSource reads a chunk with: the id that ends it
// (after, n), and its listed plugins (after, end).
const (
	ListedChunkEnd = listedChunkEnd
	ListedChunk    = `SELECT ` + sourceColumns + sourceFrom + listedChunk
)

// HotReads are the statements the hot read paths run on a miss, by name,
// with arguments to plan them with: GET /api/v1/plugins/{slug} (the plugin,
// its awards), the check of what is kept of plugins, and the catalogue
// page's edition names.
var HotReads = map[string]struct {
	SQL  string
	Args []any
}{
	"plugin by slug": {pluginBySlugSQL, []any{"s-1"}},
	"plugin awards":  {pluginAwardsSQL, []any{int64(1)}},
	"revision sum":   {`SELECT n FROM plugin_changes WHERE id = 1`, nil},
	"edition names":  {editionNamesSQL(3), []any{"a", "b", "c"}},
}

// PlanForTest returns the plan of a read statement, a line per step:
// SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN with sequential
// scans discouraged (so that a table read whole means no index serves the
// statement, whatever the size of the test's tables).
func (s *Store) PlanForTest(ctx context.Context, query string, args ...any) ([]string, error) {
	var lines []string
	if s.dialect == SQLite {
		rows, err := s.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				return nil, err
			}
			lines = append(lines, detail)
		}
		return lines, rows.Err()
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, "EXPLAIN "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		lines = append(lines, line)
	}
	return lines, rows.Err()
}
