package store_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

func newUser(t *testing.T, s *store.Store, email, role string) store.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), store.NewUser{Email: email, Name: "N " + email, Role: role, PasswordHash: "h"})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada := newUser(t, s, "ada@example.org", "participant")
		if ada.ID == 0 || ada.CreatedAt.IsZero() || ada.Disabled {
			t.Fatalf("created user = %+v", ada)
		}
		if _, err := s.CreateUser(ctx, store.NewUser{Email: "ada@example.org", Name: "x", Role: "judge", PasswordHash: "h"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate e-mail: err = %v, want ErrConflict", err)
		}
		if _, err := s.CreateUser(ctx, store.NewUser{Email: "bad@example.org", Name: "x", Role: "emperor", PasswordHash: "h"}); err == nil {
			t.Fatal("unknown role accepted by the database")
		}
		got, err := s.UserByEmail(ctx, "ada@example.org")
		if err != nil || got.ID != ada.ID || !got.CreatedAt.Equal(ada.CreatedAt) {
			t.Fatalf("UserByEmail = %+v, %v; want %+v", got, err, ada)
		}
		if _, err := s.UserByID(ctx, ada.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown id: err = %v, want ErrNotFound", err)
		}
		role, yes := "organizer", true
		up, err := s.UpdateUser(ctx, ada.ID, store.UserPatch{Role: &role, Disabled: &yes})
		if err != nil || up.Role != "organizer" || !up.Disabled || up.PasswordHash != "h" {
			t.Fatalf("UpdateUser = %+v, %v", up, err)
		}
		if _, err := s.UpdateUser(ctx, ada.ID+100, store.UserPatch{Role: &role}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("update unknown: err = %v, want ErrNotFound", err)
		}
	})
}

func TestListUsersFiltersAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		newUser(t, s, "ada@example.org", "judge")
		newUser(t, s, "bob@example.org", "participant")
		newUser(t, s, "adele@example.org", "judge")
		newUser(t, s, "a_b@example.org", "participant")
		cases := []struct {
			name   string
			filter store.UserFilter
			page   store.Page
			want   []string
			total  int
		}{
			{"all", store.UserFilter{}, store.Page{Limit: 10}, []string{"ada@example.org", "bob@example.org", "adele@example.org", "a_b@example.org"}, 4},
			{"by role", store.UserFilter{Role: "judge"}, store.Page{Limit: 10}, []string{"ada@example.org", "adele@example.org"}, 2},
			{"by prefix, any case", store.UserFilter{Query: "AD"}, store.Page{Limit: 10}, []string{"ada@example.org", "adele@example.org"}, 2},
			{"underscore is literal", store.UserFilter{Query: "a_"}, store.Page{Limit: 10}, []string{"a_b@example.org"}, 1},
			{"second page", store.UserFilter{}, store.Page{Limit: 2, Offset: 2}, []string{"adele@example.org", "a_b@example.org"}, 4},
		}
		for _, c := range cases {
			users, total, err := s.ListUsers(ctx, c.filter, c.page)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []string
			for _, u := range users {
				got = append(got, u.Email)
			}
			if total != c.total || len(got) != len(c.want) {
				t.Fatalf("%s: got %v (total %d), want %v (total %d)", c.name, got, total, c.want, c.total)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("%s: got %v, want %v", c.name, got, c.want)
				}
			}
		}
	})
}

func TestRefreshRotationAndReuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		at := time.Now().UTC()
		exp := at.Add(time.Hour)
		if _, err := s.CreateSession(ctx, "sess1", u.ID, at.Add(24*time.Hour), store.RefreshGrant{TokenHash: "r1", ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, u.ID, "sess1", at); err != nil {
			t.Fatalf("live session: %v", err)
		}
		sess, err := s.RotateRefresh(ctx, "r1", store.RefreshGrant{TokenHash: "r2", ExpiresAt: exp}, at)
		if err != nil || sess.ID != "sess1" || sess.UserID != u.ID {
			t.Fatalf("rotate = %+v, %v", sess, err)
		}
		if _, err := s.RotateRefresh(ctx, "r1", store.RefreshGrant{TokenHash: "r3", ExpiresAt: exp}, at); !errors.Is(err, store.ErrTokenReused) {
			t.Fatalf("reuse: err = %v, want ErrTokenReused", err)
		}
		// The reuse revoked the family: the newest token and the session are dead.
		if _, err := s.RotateRefresh(ctx, "r2", store.RefreshGrant{TokenHash: "r4", ExpiresAt: exp}, at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after reuse: err = %v, want ErrNotFound", err)
		}
		if _, err := s.SessionUser(ctx, u.ID, "sess1", at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("session after reuse: err = %v, want ErrNotFound", err)
		}
		if _, err := s.RotateRefresh(ctx, "nope", store.RefreshGrant{TokenHash: "r5", ExpiresAt: exp}, at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown token: err = %v, want ErrNotFound", err)
		}
	})
}

func TestRefreshExpiryAndLogout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		at := time.Now().UTC()
		s.CreateSession(ctx, "s1", u.ID, at.Add(24*time.Hour), store.RefreshGrant{TokenHash: "a1", ExpiresAt: at.Add(time.Minute)})
		if _, err := s.RotateRefresh(ctx, "a1", store.RefreshGrant{TokenHash: "a2", ExpiresAt: at.Add(time.Hour)}, at.Add(2*time.Minute)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired token: err = %v, want ErrNotFound", err)
		}
		s.CreateSession(ctx, "s2", u.ID, at.Add(24*time.Hour), store.RefreshGrant{TokenHash: "b1", ExpiresAt: at.Add(time.Hour)})
		if err := s.RevokeSessionByRefresh(ctx, "b1", "logout", at); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RotateRefresh(ctx, "b1", store.RefreshGrant{TokenHash: "b2", ExpiresAt: at.Add(time.Hour)}, at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after logout: err = %v, want ErrNotFound", err)
		}
		if _, err := s.SessionUser(ctx, u.ID, "s2", at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("session after logout: err = %v, want ErrNotFound", err)
		}
		if n, err := s.PruneSessions(ctx, at.Add(48*time.Hour)); err != nil || n != 2 {
			t.Fatalf("prune = %d, %v; want 2 sessions", n, err)
		}
	})
}

func TestConcurrentRefreshHasOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "ada@example.org", "participant")
		at := time.Now().UTC()
		s.CreateSession(ctx, "s1", u.ID, at.Add(time.Hour), store.RefreshGrant{TokenHash: "r0", ExpiresAt: at.Add(time.Hour)})
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, errs[i] = s.RotateRefresh(ctx, "r0", store.RefreshGrant{TokenHash: "next" + string(rune('a'+i)), ExpiresAt: at.Add(time.Hour)}, at)
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, store.ErrTokenReused) && !errors.Is(err, store.ErrNotFound):
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d rotations of one token succeeded, want exactly 1", wins)
		}
	})
}

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada := newUser(t, s, "ada@example.org", "participant")
		bob := newUser(t, s, "bob@example.org", "participant")
		at := time.Now().UTC()
		tok, err := s.CreateAPIToken(ctx, store.NewAPIToken{UserID: ada.ID, Name: "ci", TokenHash: "h1", Prefix: "rpt_abcd", Scopes: []string{"read", "plugins:write"}, ExpiresAt: at.Add(time.Hour)})
		if err != nil || len(tok.Scopes) != 2 {
			t.Fatalf("create = %+v, %v", tok, err)
		}
		gotTok, gotUser, err := s.APITokenUser(ctx, "h1", at)
		if err != nil || gotTok.ID != tok.ID || gotUser.ID != ada.ID || gotTok.Scopes[1] != "plugins:write" {
			t.Fatalf("APITokenUser = %+v %+v %v", gotTok, gotUser, err)
		}
		if _, _, err := s.APITokenUser(ctx, "h1", at.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired: err = %v, want ErrNotFound", err)
		}
		if err := s.TouchAPIToken(ctx, tok.ID, at); err != nil {
			t.Fatal(err)
		}
		list, total, err := s.ListAPITokens(ctx, ada.ID, store.Page{Limit: 10})
		if err != nil || total != 1 || list[0].LastUsedAt == nil {
			t.Fatalf("list = %+v (%d), %v", list, total, err)
		}
		if err := s.RevokeAPIToken(ctx, bob.ID, tok.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoking another user's token: err = %v, want ErrNotFound", err)
		}
		if err := s.RevokeAPIToken(ctx, ada.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.APITokenUser(ctx, "h1", at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked: err = %v, want ErrNotFound", err)
		}
		if err := s.RevokeAPIToken(ctx, ada.ID, tok.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second revoke: err = %v, want ErrNotFound", err)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		actor := newUser(t, s, "ada@example.org", "admin").ID
		for i, action := range []string{"user.update", "plugin.takedown"} {
			err := s.InTx(ctx, func(tx *store.Tx) error {
				return tx.AppendAudit(ctx, store.AuditEntry{ActorID: &actor, Action: action, TargetType: "user", TargetID: "7", Details: map[string]any{"n": i}})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		list, total, err := s.ListAudit(ctx, store.Page{Limit: 10})
		if err != nil || total != 2 || list[0].Action != "plugin.takedown" || *list[0].ActorID != actor || list[0].Details["n"] != float64(1) {
			t.Fatalf("ListAudit = %+v (%d), %v", list, total, err)
		}
		if err := s.ExecForTest(ctx, `UPDATE audit_log SET action = 'forged'`); err == nil {
			t.Fatal("audit log row updated")
		}
		if err := s.ExecForTest(ctx, `DELETE FROM audit_log`); err == nil {
			t.Fatal("audit log row deleted")
		}
		if _, total, _ := s.ListAudit(ctx, store.Page{Limit: 10}); total != 2 {
			t.Fatalf("audit log has %d entries after tampering, want 2", total)
		}
	})
}

func TestTransactionRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.CreateUser(ctx, store.NewUser{Email: "ghost@example.org", Name: "g", Role: "participant", PasswordHash: "h"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx err = %v, want boom", err)
		}
		if n, _ := s.CountUsers(ctx); n != 0 {
			t.Fatalf("%d users after rollback, want 0", n)
		}
	})
}

func TestMigrateDownAndUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		status, err := s.MigrationStatus(ctx)
		if err != nil || len(status) == 0 || !status[len(status)-1].Applied {
			t.Fatalf("status = %+v, %v", status, err)
		}
		for range status {
			if _, err := s.MigrateDown(ctx); err != nil {
				t.Fatalf("down: %v", err)
			}
		}
		if _, err := s.CountUsers(ctx); err == nil {
			t.Fatal("users table still there after migrating all the way down")
		}
		n, err := s.Migrate(ctx)
		if err != nil || n != len(status) {
			t.Fatalf("up applied %d, %v; want %d", n, err, len(status))
		}
		newUser(t, s, "ada@example.org", "participant")
	})
}

func TestUnavailable(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{sql.ErrNoRows, false},
		{fmt.Errorf("create: %w", &pgconn.PgError{Code: "23505"}), false},
		{&pgconn.PgError{Code: "42P01"}, false},
		{fmt.Errorf("x: %w", &pgconn.PgError{Code: "57P01"}), true},
		{&pgconn.PgError{Code: "57P03"}, true},
		{&pgconn.PgError{Code: "08006"}, true},
		{&pgconn.PgError{Code: "53300"}, true},
		{fmt.Errorf("x: %w", driver.ErrBadConn), true},
		{fmt.Errorf("x: %w", pgconn.ErrConnClosed), true},
		{errors.New("something else"), false},
	} {
		if got := store.Unavailable(c.err); got != c.want {
			t.Errorf("Unavailable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestConnectTimeout(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://u@db:5432/riposte":                    "postgres://u@db:5432/riposte?connect_timeout=5",
		"postgres://u@db/riposte?sslmode=verify-full":     "postgres://u@db/riposte?connect_timeout=5&sslmode=verify-full",
		"postgres://u@db/riposte?connect_timeout=30":      "postgres://u@db/riposte?connect_timeout=30",
		"postgresql://u@db/riposte?connect_timeout=0&x=1": "postgresql://u@db/riposte?connect_timeout=0&x=1",
	} {
		if got := store.WithConnectTimeout(dsn); got != want {
			t.Errorf("%s: %s, want %s", dsn, got, want)
		}
	}
}
