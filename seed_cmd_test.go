package main

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
	"github.com/riposte-civic/riposte/seed"
)

// seededTables are the tables `riposte seed --demo` writes to.
var seededTables = []string{"users", "plugins", "plugin_versions", "plugin_facets", "plugin_collaborators", "hackathons",
	"hackathon_judges", "submissions", "judging_conflicts", "assignments", "reviews", "audit_log", "search_outbox",
	"modules", "module_uploads", "plugin_version_modules", "pairwise_entries", "pairwise_judges", "pairwise_votes", "pairwise_views"}

// rowCounts counts the rows of the seeded tables of the database at dsn.
func rowCounts(t *testing.T, dsn string) map[string]int {
	t.Helper()
	db := storetest.OpenSQL(t, dsn)
	counts := map[string]int{}
	for _, table := range seededTables {
		var n int
		if err := db.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		counts[table] = n
	}
	return counts
}

var demoPassword = regexp.MustCompile(`(?m)^\s+(organizer|judge|participant)\s+(\S+@` + regexp.QuoteMeta(seed.DemoDomain) + `)\s+(\S+)$`)

func TestSeedCommandTwiceLeavesTheSameRows(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.URL(t, d) // an empty database; PostgreSQL only with RIPOSTE_TEST_DATABASE_URL
			env := map[string]string{"RIPOSTE_DATA_DIR": t.TempDir(), "RIPOSTE_DATABASE_URL": dsn}
			out, err := runCmd(t, env, "seed", "--demo")
			if err != nil {
				t.Fatalf("first seed: %v\n%s", err, out)
			}
			first := rowCounts(t, dsn)
			if first["plugins"] < 40 || first["hackathons"] != 3 || first["reviews"] == 0 || first["pairwise_votes"] == 0 || first["users"] < 8 {
				t.Fatalf("after the first seed: %v\n%s", first, out)
			}
			// Every compiled-in tool the example edition lists exists, and no
			// example entry takes a compiled-in tool's slug.
			if strings.Contains(out, "skipped") {
				t.Fatalf("the seed skipped something: compare seed/editions.yaml with plugins/all:\n%s", out)
			}
			if got := len(demoPassword.FindAllString(out, -1)); got != 6 {
				t.Fatalf("%d demo accounts printed with a password, want 6:\n%s", got, out)
			}
			// On an empty database the seed creates the administrator a
			// server would, so that starting one later leaves nobody out.
			if !strings.Contains(out, "administrator created: sign in as admin@riposte.localhost with password") {
				t.Fatalf("no administrator:\n%s", out)
			}

			out, err = runCmd(t, env, "seed", "--demo")
			if err != nil {
				t.Fatalf("second seed: %v\n%s", err, out)
			}
			if second := rowCounts(t, dsn); !maps.Equal(first, second) {
				var changed []string
				for _, table := range seededTables {
					if first[table] != second[table] {
						changed = append(changed, table)
					}
				}
				t.Fatalf("the second seed changed %v: %v → %v", changed, first, second)
			}
			if demoPassword.MatchString(out) || strings.Contains(out, "administrator created") {
				t.Fatalf("the second seed printed passwords again:\n%s", out)
			}
			if !strings.Contains(out, "(0 new)") || strings.Count(out, "already exists") != 6 {
				t.Fatalf("the second seed does not say it found everything:\n%s", out)
			}
		})
	}
}

func TestSeedCommandRefusesArguments(t *testing.T) {
	_, err := runCmd(t, map[string]string{"RIPOSTE_DATA_DIR": t.TempDir()}, "seed", "everything")
	if _, ok := err.(usageError); !ok {
		t.Fatalf("err = %v, want a usage error", err)
	}
	out, _ := runCmd(t, nil, "help")
	if !slices.ContainsFunc(strings.Split(out, "\n"), func(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "seed [--demo]") }) {
		t.Fatalf("usage does not list seed:\n%s", out)
	}
}
