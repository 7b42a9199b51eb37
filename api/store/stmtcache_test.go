package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func TestStatementCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cache := s.caches[0]
	for i := range maxCachedStmts + 50 {
		var n int
		if err := s.r.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil || n != i {
			t.Fatalf("query %d: %d, %v", i, n, err)
		}
	}
	if got := cache.n.Load(); got != maxCachedStmts {
		t.Fatalf("%d statements cached, want the bound %d", got, maxCachedStmts)
	}
	// A statement that fails to prepare reports its error through the plain call.
	if err := s.r.QueryRowContext(ctx, "SELEKT 1").Scan(new(int)); err == nil {
		t.Fatal("invalid SQL succeeded")
	}
}
