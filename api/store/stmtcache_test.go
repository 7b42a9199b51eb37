package store

import (
	"context"
	"errors"
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

func TestTransactionReusesItsStatements(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		for i := range 50 {
			if _, err := tx.CreateUser(ctx, NewUser{Email: fmt.Sprintf("u%d@example.org", i), Name: "U", Role: "participant", PasswordHash: "!"}); err != nil {
				return err
			}
		}
		ts, ok := tx.w.(txStmts)
		if !ok {
			t.Fatalf("the transaction writes through %T, not its statements", tx.w)
		}
		if len(ts.stmts) != 1 {
			t.Errorf("%d statements prepared for 50 identical inserts, want 1", len(ts.stmts))
		}
		// A uniqueness violation is still reported as a conflict.
		_, err := tx.CreateUser(ctx, NewUser{Email: "u1@example.org", Name: "U", Role: "participant", PasswordHash: "!"})
		if !errors.Is(err, ErrConflict) {
			t.Errorf("duplicate e-mail in a transaction: %v, want ErrConflict", err)
		}
		// Invalid SQL reports its error through the plain call.
		if _, err := tx.w.ExecContext(ctx, "SELEKT 1"); err == nil {
			t.Error("invalid SQL succeeded in a transaction")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 50 {
		t.Fatalf("%d users after the transaction, want 50 (%v)", n, err)
	}
}
