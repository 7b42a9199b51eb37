package api_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
)

// scenarioReport is one report of the scenario: its reason, when it is
// filed, how long until a moderator decides it and what they decide.
type scenarioReport struct {
	reason   string
	filed    time.Time
	wait     time.Duration
	takedown bool
}

// scenario draws 100 reports from a seeded generator: one in three about
// terrorist or illegal content, decided after an exponentially distributed
// time of mean 60 minutes; the others decided after a mean of 16 hours;
// filed every 70 hours from 5 January 2026; half of them taken down.
func scenario() []scenarioReport {
	rng := rand.New(rand.NewPCG(2015, 1113))
	urgent, other := []string{"terrorist_content", "illegal"}, []string{"impersonation", "malware", "privacy", "misinformation", "other"}
	start := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	out := make([]scenarioReport, 100)
	for i := range out {
		r := scenarioReport{filed: start.Add(time.Duration(i) * 70 * time.Hour), takedown: rng.IntN(2) == 0}
		mean := 16 * time.Hour
		if rng.IntN(3) == 0 {
			r.reason, mean = urgent[rng.IntN(len(urgent))], time.Hour
		} else {
			r.reason = other[rng.IntN(len(other))]
		}
		r.wait = time.Duration(rng.ExpFloat64()*mean.Seconds()) * time.Second
		out[i] = r
	}
	return out
}

// handCount computes the transparency figures of the scenario as one
// would by hand: count, sort the waits, pick the nearest rank ⌈p·n/100⌉.
func handCount(reports []scenarioReport) (months []api.TransparencyMonth, total api.TransparencyFigures) {
	clock := func(reason string) time.Duration {
		if reason == "terrorist_content" || reason == "illegal" {
			return 90 * time.Minute
		}
		return 24 * time.Hour
	}
	rows := map[string]*api.TransparencyMonth{}
	row := func(t time.Time, reason string) *api.TransparencyMonth {
		k := t.Format("2006-01") + " " + reason
		if rows[k] == nil {
			rows[k] = &api.TransparencyMonth{Month: t.Format("2006-01"), Reason: reason}
		}
		return rows[k]
	}
	var waits []int64
	for _, r := range reports {
		row(r.filed, r.reason).Reports++
		if r.takedown {
			row(r.filed.Add(r.wait), r.reason).Takedowns++
			total.Takedowns++
		} else {
			row(r.filed.Add(r.wait), r.reason).Dismissals++
			total.Dismissals++
		}
		if r.wait <= clock(r.reason) {
			total.ResolvedWithinClock++
		}
		waits = append(waits, int64(r.wait.Seconds()))
	}
	slices.Sort(waits)
	n := len(waits)
	total.Reports = n
	total.MedianSeconds = waits[(50*n+99)/100-1]
	total.P90Seconds = waits[(90*n+99)/100-1]
	total.ShareWithinClock = float64(total.ResolvedWithinClock) / float64(n)
	order := slices.Collect(func(yield func(string) bool) {
		for k := range rows {
			if !yield(k) {
				return
			}
		}
	})
	slices.Sort(order)
	for _, k := range order {
		months = append(months, *rows[k])
	}
	return months, total
}

// The transparency report of 100 reports with known decision times agrees
// with a count by hand, and the moderation guide quotes it.
func TestTransparencyScenario(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, owner := e.user("owner@example.org", auth.RoleParticipant)
		_, mod := e.user("mod@example.org", auth.RoleModerator)
		reports := scenario()
		for i, r := range reports {
			slug := fmt.Sprintf("outil-%03d", i)
			e.publishedPlugin(owner, slug)
			e.clock.Set(r.filed)
			rec := e.report(slug, r.reason, "")
			e.clock.Set(r.filed.Add(r.wait))
			action := map[bool]string{true: "takedown", false: "dismiss"}[r.takedown]
			e.resolve(mod, rec.ID, action).want(200)
		}
		var tr api.TransparencyResponse
		e.do(req{method: "GET", path: "/api/v1/transparency"}).want(200).json(&tr)
		months, total := handCount(reports)
		// The API orders a month's rows by the reasons' order, the hand
		// count alphabetically: compare as sets of rows.
		got := slices.Clone(tr.Months)
		slices.SortFunc(got, func(a, b api.TransparencyMonth) int {
			return strings.Compare(a.Month+" "+a.Reason, b.Month+" "+b.Reason)
		})
		if !slices.Equal(got, months) {
			t.Errorf("months:\n%+v\nby hand:\n%+v", got, months)
		}
		if tr.Total != total {
			t.Fatalf("total %+v, by hand %+v", tr.Total, total)
		}
		line := scenarioLine(total)
		guide, err := os.ReadFile("../docs/moderation.md")
		if err != nil || !strings.Contains(string(guide), line) {
			t.Errorf("docs/moderation.md does not quote the scenario's figures:\n%s", line)
		}
	})
}

// scenarioLine is how the moderation guide states the scenario's figures.
func scenarioLine(f api.TransparencyFigures) string {
	return fmt.Sprintf("| %d | %d | %d | %s | %s | %d | %.0f %% |", f.Reports, f.Takedowns, f.Dismissals,
		time.Duration(f.MedianSeconds)*time.Second, time.Duration(f.P90Seconds)*time.Second,
		f.ResolvedWithinClock, math.Round(f.ShareWithinClock*100))
}
