package store

import "context"

// ExecForTest runs a raw statement on the writer, for tests that check what
// the database itself refuses.
func (s *Store) ExecForTest(ctx context.Context, query string) error {
	_, err := s.write.ExecContext(ctx, query)
	return err
}

// WithConnectTimeout is withConnectTimeout, for tests.
var WithConnectTimeout = withConnectTimeout
