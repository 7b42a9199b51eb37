package store_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// scans returns the steps of a plan that read a whole table.
func scans(plan []string) []string {
	var out []string
	for _, step := range plan {
		step = strings.TrimSpace(step)
		if strings.HasPrefix(step, "SCAN ") || strings.Contains(step, "Seq Scan") {
			out = append(out, step)
		}
	}
	return out
}

// The statements a request runs when nothing is kept must find their rows
// through an index: a statement that reads a whole table costs more with
// every plugin (the bar: GET /api/v1/plugins/{slug} and the catalogue at
// 100,000 plugins at 0.8× or more of their rate at 10,000).
func TestHotReadsScanNoTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// The check finds a scan where there is one.
		plan, err := s.PlanForTest(ctx, `SELECT id FROM plugins WHERE summary = $1`, "x")
		if err != nil {
			t.Fatal(err)
		}
		if len(scans(plan)) == 0 {
			t.Fatalf("a filter on an unindexed column not seen as a scan: %q", plan)
		}
		for name, q := range store.HotReads {
			plan, err := s.PlanForTest(ctx, q.SQL, q.Args...)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := scans(plan); len(got) > 0 {
				t.Errorf("%s reads a whole table: %q (plan %q)", name, got, plan)
			}
		}
	})
}

func TestEditionNamesReadsTheEditionsAsked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org := newUser(t, s, "org@example.org", "organizer")
		t0 := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
		// More editions than a page of the edition list holds.
		for i := range 105 {
			slug := fmt.Sprintf("edition-%03d", i)
			if _, err := s.InsertHackathon(ctx, store.Hackathon{Slug: slug, Name: "Édition " + slug, StartsAt: t0.AddDate(0, 0, i),
				EndsAt: t0.AddDate(0, 0, i+1), SubmissionDeadline: t0.AddDate(0, 0, i+1), JudgingDeadline: t0.AddDate(0, 0, i+2),
				Rubric: []byte(`[]`), CreatedBy: org.ID}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.EditionNames(ctx, []string{"edition-000", "edition-104", "nowhere"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"edition-000": "Édition edition-000", "edition-104": "Édition edition-104"}
		if !maps.Equal(got, want) {
			t.Fatalf("names %v, want %v", got, want)
		}
		if got, err := s.EditionNames(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("no slug: %v, %v", got, err)
		}
	})
}
