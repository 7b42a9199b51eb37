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
