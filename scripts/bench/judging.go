package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/riposte-civic/riposte/api/judging"
)

// medianTime runs fn n times and returns the median duration.
func medianTime(n int, fn func()) time.Duration {
	ds := make([]time.Duration, n)
	for i := range ds {
		start := time.Now()
		fn()
		ds[i] = time.Since(start)
	}
	slices.Sort(ds)
	return ds[n/2]
}

func assignmentInput(submissions, judges, k int, conflictRate float64) judging.AssignInput {
	r := rand.New(rand.NewPCG(uint64(submissions), 5))
	in := judging.AssignInput{PerSubmission: k}
	for j := range judges {
		in.Judges = append(in.Judges, int64(j+1))
	}
	for s := range submissions {
		slug := fmt.Sprintf("p-%d", s)
		in.Submissions = append(in.Submissions, slug)
		for _, j := range in.Judges {
			if r.Float64() < conflictRate {
				in.Conflicts = append(in.Conflicts, judging.Pair{Judge: j, Plugin: slug})
			}
		}
	}
	return in
}

// benchJudging times assignment and leaderboards, in process: the work is
// pure computation, done once per request.
func benchJudging(_ context.Context, _ *bench) error {
	fmt.Println("| submissions × judges × per submission, 5% conflicts | assignments | uncovered | max − min load | median of 5 |")
	fmt.Println("|---|---:|---:|---:|---:|")
	var last time.Duration
	for _, n := range []int{500, 1000, 2000} {
		in := assignmentInput(n, 100, 3, 0.05)
		var out judging.Assignment
		d := medianTime(5, func() { out = judging.Assign(in) })
		load := map[int64]int{}
		for _, p := range out.Pairs {
			load[p.Judge]++
		}
		lo, hi := len(out.Pairs), 0
		for _, j := range in.Judges {
			lo, hi = min(lo, load[j]), max(hi, load[j])
		}
		fmt.Printf("| %d × 100 × 3 | %d | %d | %d | %s |\n", n, len(out.Pairs), len(out.Uncovered), hi-lo, d.Round(time.Millisecond))
		last = d
	}
	fmt.Println()
	fmt.Println(bar(fmt.Sprintf("assignment of 2,000 submissions in %s", last.Round(time.Millisecond)), last < time.Second, "well under 1 s"))
	fmt.Println()
	benchPools()

	rubric := judging.Rubric{{Key: "impact", Weight: 3, Max: 10}, {Key: "feasibility", Weight: 2, Max: 10},
		{Key: "rights", Weight: 2, Max: 10}, {Key: "openness", Weight: 1, Max: 10}, {Key: "quality", Weight: 1, Max: 10}}
	fmt.Println("| reviews | submissions | judges | none | zscore |")
	fmt.Println("|---:|---:|---:|---:|---:|")
	var worst time.Duration
	for _, reviews := range []int{750, 1500, 3000} {
		r := rand.New(rand.NewPCG(uint64(reviews), 9))
		subs := reviews / 3
		entries := make([]judging.Entry, subs)
		for i := range entries {
			entries[i] = judging.Entry{Plugin: fmt.Sprintf("p-%d", i), Name: fmt.Sprintf("Plugin %d", i)}
		}
		list := make([]judging.Review, reviews)
		for i := range list {
			s := judging.Scores{}
			for _, c := range rubric {
				s[c.Key] = r.IntN(11)
			}
			list[i] = judging.Review{Judge: int64(1 + r.IntN(100)), Plugin: entries[i/3].Plugin, Scores: s}
		}
		none := medianTime(5, func() { judging.Leaderboard(rubric, entries, list, judging.Raw) })
		z := medianTime(5, func() { judging.Leaderboard(rubric, entries, list, judging.ZScore) })
		fmt.Printf("| %d | %d | 100 | %s | %s |\n", reviews, subs, none.Round(time.Microsecond), z.Round(time.Microsecond))
		worst = max(none, z)
	}
	fmt.Println()
	fmt.Println(bar(fmt.Sprintf("leaderboard of 3,000 reviews in %s", worst.Round(time.Microsecond)), worst < time.Second, "well under 1 s"))
	fmt.Println()
	return nil
}
