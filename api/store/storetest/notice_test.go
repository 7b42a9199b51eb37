package storetest

import (
	"slices"
	"strings"
	"testing"
)

func TestMissingServicesSaysWhichAndHow(t *testing.T) {
	t.Parallel()
	all := map[string]string{EnvDatabaseURL: "postgres://x", "RIPOSTE_TEST_MEILI_URL": "http://m", "RIPOSTE_TEST_CHROMIUM": "/c"}
	without := func(names ...string) map[string]string {
		m := map[string]string{}
		for k, v := range all {
			if !slices.Contains(names, k) {
				m[k] = v
			}
		}
		return m
	}
	for _, tc := range []struct {
		name     string
		env      map[string]string
		chromium bool // /usr/bin/chromium is installed
		want     []string
	}{
		{"everything", all, false, nil},
		{"nothing", nil, false, []string{"PostgreSQL tests skip: set " + EnvDatabaseURL + "=", "Meilisearch tests skip: set RIPOSTE_TEST_MEILI_URL", "Chromium tests skip: install"}},
		{"no PostgreSQL", without(EnvDatabaseURL), false, []string{"PostgreSQL"}},
		{"no Meilisearch", without("RIPOSTE_TEST_MEILI_URL"), false, []string{"Meilisearch"}},
		{"a Meilisearch key without its URL", map[string]string{EnvDatabaseURL: "postgres://x", "RIPOSTE_TEST_MEILI_KEY": "k", "RIPOSTE_TEST_CHROMIUM": "/c"}, false, []string{"Meilisearch"}},
		{"Chromium installed where the tests look", without("RIPOSTE_TEST_CHROMIUM"), true, nil},
		{"no Chromium", without("RIPOSTE_TEST_CHROMIUM"), false, []string{"Chromium"}},
		{"nothing, but every service required", map[string]string{EnvRequireAll: "1"}, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := missingServices(func(k string) string { return tc.env[k] }, func(p string) bool { return tc.chromium && p == chromiumPath })
			if len(got) != len(tc.want) {
				t.Fatalf("lines %q, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("line %d = %q, want it to say %q", i, got[i], w)
				}
			}
		})
	}
}
