package moderation

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/riposte-civic/riposte/api/store"
)

// Transparency is what the platform publishes about reports and the
// action taken on them. It holds no personal data: counts and durations.
type Transparency struct {
	// Months counts, for each month (UTC) and reason, the reports filed
	// that month and the first decisions taken that month.
	Months []MonthReason
	// Reasons sums every month up, by reason, with the time to action.
	Reasons []ReasonFigures
	// All sums every reason up.
	All Figures
}

// MonthReason counts one month's reports and decisions for one reason.
type MonthReason struct {
	Month      string // YYYY-MM
	Reason     string
	Reports    int
	Takedowns  int
	Dismissals int
}

// ReasonFigures are the figures of one reason.
type ReasonFigures struct {
	Reason string
	Figures
}

// Figures are counts and the time to action of a set of reports.
type Figures struct {
	Reports    int
	Takedowns  int
	Dismissals int
	// Median and P90 are the nearest-rank percentiles of the time from a
	// report to its first decision, over the decided reports; zero when
	// none is decided.
	Median time.Duration
	P90    time.Duration
	// WithinClock counts the first decisions taken by the report's due
	// time; Share is WithinClock over the decided reports (0 when none).
	WithinClock int
	Share       float64
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest value such that at least p per cent of
// the values are less than or equal to it, that is sorted[⌈p/100·n⌉−1].
// It returns 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	return sorted[min(max(rank, 1), n)-1]
}

// Transparency computes the transparency report from every report.
func (s *Service) Transparency(ctx context.Context) (Transparency, error) {
	all, err := s.store.AllReports(ctx)
	if err != nil {
		return Transparency{}, err
	}
	return Compute(all), nil
}

// Compute computes the transparency report of a set of reports. The first
// decision on a report is the one counted: an appeal's outcome changes the
// plugin, not the time it took to act.
func Compute(reports []store.Report) Transparency {
	months := map[[2]string]*MonthReason{}
	month := func(t time.Time, reason string) *MonthReason {
		k := [2]string{t.UTC().Format("2006-01"), reason}
		if months[k] == nil {
			months[k] = &MonthReason{Month: k[0], Reason: reason}
		}
		return months[k]
	}
	byReason := map[string][]store.Report{}
	for _, r := range reports {
		month(r.CreatedAt, r.Reason).Reports++
		byReason[r.Reason] = append(byReason[r.Reason], r)
		if r.FirstAction == nil || r.FirstResolvedAt == nil {
			continue
		}
		if m := month(*r.FirstResolvedAt, r.Reason); *r.FirstAction == ActionTakedown {
			m.Takedowns++
		} else {
			m.Dismissals++
		}
	}
	t := Transparency{All: figures(reports)}
	for _, m := range months {
		t.Months = append(t.Months, *m)
	}
	slices.SortFunc(t.Months, func(a, b MonthReason) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(slices.Index(reasons, a.Reason), slices.Index(reasons, b.Reason)))
	})
	for _, reason := range reasons {
		if list := byReason[reason]; len(list) > 0 {
			t.Reasons = append(t.Reasons, ReasonFigures{Reason: reason, Figures: figures(list)})
		}
	}
	return t
}

// figures sums a set of reports up.
func figures(reports []store.Report) Figures {
	f := Figures{Reports: len(reports)}
	var times []time.Duration
	for _, r := range reports {
		if r.FirstAction == nil || r.FirstResolvedAt == nil {
			continue
		}
		if *r.FirstAction == ActionTakedown {
			f.Takedowns++
		} else {
			f.Dismissals++
		}
		if !r.FirstResolvedAt.After(r.FirstDueAt) {
			f.WithinClock++
		}
		times = append(times, r.FirstResolvedAt.Sub(r.CreatedAt))
	}
	slices.Sort(times)
	f.Median, f.P90 = Percentile(times, 50), Percentile(times, 90)
	if len(times) > 0 {
		f.Share = float64(f.WithinClock) / float64(len(times))
	}
	return f
}
