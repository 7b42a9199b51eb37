package seed_test

import (
	"context"
	"database/sql"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// wasmTools are the tools of seed/wasm.
var wasmTools = []string{"bonjour", "codes-veille"}

// moduleRows counts the rows of the tables that hold modules.
func moduleRows(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, table := range []string{"modules", "module_uploads", "plugin_version_modules"} {
		var n int
		if err := db.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		counts[table] = n
	}
	return counts
}

func TestWASMToolsRunOnTheServer(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.URL(t, d)
			st, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			if _, err := st.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			e := platformtest.New(t, func(o *platformtest.Options) { o.Store = st })
			e.Clock.Set(time.Now())
			db := storetest.OpenSQL(t, dsn)

			r := load(t, e.SeedDeps())
			if r.Tools.Created != len(wasmTools) {
				t.Fatalf("first load: %s, want %d WebAssembly tools created; skipped: %v", r, len(wasmTools), r.Skipped)
			}
			first := moduleRows(t, db)
			if want := len(wasmTools); first["modules"] != want || first["module_uploads"] != want || first["plugin_version_modules"] != want {
				t.Fatalf("after the first load: %v, want %d of each", first, want)
			}

			// Listed, published, runtime wasm, owned by the seed account.
			for _, slug := range wasmTools {
				var p api.PluginResponse
				e.Do(platformtest.Request{Method: http.MethodGet, Path: "/api/v1/plugins/" + slug}).Want(http.StatusOK).JSON(&p)
				if p.Status != store.StatusPublished || p.Runtime != "wasm" || p.Owner.Name != "Exemples Riposte" {
					t.Errorf("%s: status %s, runtime %s, owner %+v; want published, wasm, the seed account", slug, p.Status, p.Runtime, p.Owner)
				}
			}
			e.Index()
			var found api.SearchResponse
			e.Do(platformtest.Request{Method: http.MethodGet, Path: "/api/v1/search?runtime=wasm&limit=100"}).Want(http.StatusOK).JSON(&found)
			var slugs []string
			for _, h := range found.Hits {
				slugs = append(slugs, h.Slug)
			}
			slices.Sort(slugs)
			if !slices.Equal(slugs, wasmTools) || found.Facets["runtime"]["wasm"] != len(wasmTools) {
				t.Errorf("search runtime=wasm: %v, runtime facet %v; want %v", slugs, found.Facets["runtime"], wasmTools)
			}

			// They answer, through the server, with what their sources say.
			var greeting struct {
				Output struct{ Greeting, Language string } `json:"output"`
				Plugin string                              `json:"plugin"`
			}
			e.Do(platformtest.Request{Method: http.MethodPost, Path: "/api/v1/plugins/bonjour/invoke",
				Body: `{"input": {"name": "Amina", "language": "en"}}`}).Want(http.StatusOK).JSON(&greeting)
			if !strings.Contains(greeting.Output.Greeting, "Amina") || greeting.Output.Language != "en" || greeting.Plugin != "bonjour" {
				t.Errorf("bonjour answered %+v", greeting)
			}
			var codes struct {
				Output struct {
					Summary string `json:"summary"`
					Found   int    `json:"found"`
					Matches []struct {
						ID, Found string
						Sources   []string
					} `json:"matches"`
				} `json:"output"`
			}
			e.Do(platformtest.Request{Method: http.MethodPost, Path: "/api/v1/plugins/codes-veille/invoke",
				Body: `{"input": {"text": "Revendication relayée par l'agence AMAQ ce matin", "language": "fr"}}`}).Want(http.StatusOK).JSON(&codes)
			if out := codes.Output; out.Found != 1 || len(out.Matches) != 1 || out.Matches[0].ID != "amaq" || out.Matches[0].Found != "AMAQ" ||
				len(out.Matches[0].Sources) == 0 || !strings.Contains(out.Summary, "Amaq") {
				t.Errorf("codes-veille answered %+v, want Amaq found once, with its sources", out)
			}
			var none struct {
				Output struct{ Found int } `json:"output"`
			}
			e.Do(platformtest.Request{Method: http.MethodPost, Path: "/api/v1/plugins/codes-veille/invoke",
				Body: `{"input": {"text": "Rendez-vous samedi au club de foot"}}`}).Want(http.StatusOK).JSON(&none)
			if none.Output.Found != 0 {
				t.Errorf("codes-veille found %d terms in a text without any", none.Output.Found)
			}

			// Loading again uploads nothing and stores no second module.
			again := load(t, e.SeedDeps())
			if again.Changed() || again.Tools.Existing != len(wasmTools) {
				t.Fatalf("second load: %s", again)
			}
			if after := moduleRows(t, db); !maps.Equal(after, first) {
				t.Fatalf("the second load changed module rows: %v → %v", first, after)
			}
		})
	}
}
