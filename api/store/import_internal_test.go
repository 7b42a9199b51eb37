package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// On SQLite an import's statements take anonymous parameters, a bounded
// number of them: binding numbered ones ($1, $2, …) costs time that grows
// with the square of their number, which made an import of a thousand
// rows per statement seven times slower than one insert per row.
func TestImportBindsFewAnonymousParametersOnSQLite(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, NewUser{Email: "ada@example.org", Name: "Ada", Role: "participant", PasswordHash: "!"})
	if err != nil {
		t.Fatal(err)
	}
	var list []ImportPlugin
	for i := range 300 {
		v := "1.0.0"
		list = append(list, ImportPlugin{Slug: fmt.Sprintf("p-%d", i), OwnerID: u.ID, Published: true,
			Versions: []NewPluginVersion{{Version: v, Key: v, Manifest: []byte(`{}`), SHA256: "x", CreatedBy: u.ID}},
			Latest:   Latest{Version: &v, Name: fmt.Sprintf("Outil %d", i), Tags: []string{"a", fmt.Sprint(i)}},
			NameKeys: []string{fmt.Sprintf("p%d", i)}})
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.ImportPlugins(ctx, list, true); err != nil {
			return err
		}
		ts, ok := tx.w.(txStmts)
		if !ok {
			t.Fatalf("the transaction writes through %T, not its statements", tx.w)
		}
		inserts := 0
		for query := range ts.stmts {
			if !strings.HasPrefix(query, "INSERT INTO") {
				continue
			}
			inserts++
			if strings.Contains(query, "$") {
				t.Errorf("numbered parameters in %.60s…", query)
			}
			if n := strings.Count(query, "?"); n > sqliteImportParams {
				t.Errorf("%d parameters in %.60s…, want at most %d", n, query, sqliteImportParams)
			}
		}
		if inserts == 0 {
			t.Error("no insert prepared on the transaction")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
