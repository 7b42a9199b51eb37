package moderation_test

import (
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/moderation"
	"github.com/riposte-civic/riposte/api/store"
)

// Nearest rank: the p-th percentile of n sorted values is the one at rank
// ⌈p·n/100⌉, never an interpolation.
func TestPercentileIsNearestRank(t *testing.T) {
	m := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Minute
		}
		return out
	}
	for _, tc := range []struct {
		values []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 50, 0},
		{m(7), 50, 7 * time.Minute},
		{m(7), 90, 7 * time.Minute},
		{m(1, 2), 50, 1 * time.Minute}, // rank 1, not the mean 1.5
		{m(1, 2, 3, 4), 50, 2 * time.Minute},
		{m(1, 2, 3, 4), 90, 4 * time.Minute},
		{m(15, 20, 35, 40, 50), 30, 20 * time.Minute}, // rank ⌈1.5⌉ = 2
		{m(15, 20, 35, 40, 50), 40, 20 * time.Minute}, // rank 2 exactly
		{m(15, 20, 35, 40, 50), 100, 50 * time.Minute},
		{m(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Minute},
	} {
		if got := moderation.Percentile(tc.values, tc.p); got != tc.want {
			t.Errorf("P%v of %v = %v, want %v", tc.p, tc.values, got, tc.want)
		}
	}
}

// The queue's metrics: reports awaiting a decision by reason, the longest
// wait (an appeal waits from its appeal), and first decisions within and
// past their clock.
func TestMeasure(t *testing.T) {
	t0 := time.Date(2026, 11, 13, 21, 30, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := t0.Add(d); return &v }
	takedown := "takedown"
	reports := []store.Report{
		{Reason: "illegal", Status: store.ReportOpen, CreatedAt: t0.Add(time.Hour), FirstDueAt: t0.Add(150 * time.Minute)},
		{Reason: "other", Status: store.ReportAppealed, CreatedAt: t0, FirstDueAt: t0.Add(24 * time.Hour),
			FirstAction: &takedown, FirstResolvedAt: at(25 * time.Hour), AppealedAt: at(26 * time.Hour)},
		{Reason: "illegal", Status: store.ReportResolved, CreatedAt: t0, FirstDueAt: t0.Add(90 * time.Minute),
			FirstAction: &takedown, FirstResolvedAt: at(90 * time.Minute)},
	}
	q := moderation.Measure(reports, t0.Add(27*time.Hour))
	if q.Open["illegal"] != 1 || q.Open["other"] != 1 || q.OldestAge != 26*time.Hour || q.Within != 1 || q.Past != 1 {
		t.Fatalf("measure = %+v", q)
	}
}
