package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/riposte-civic/riposte/api/judging"
)

// poolInput is assignmentInput with challenge pools: ten challenges with
// nine judges each, ten judges in no pool; 70% of the entries pick one
// challenge, 15% two (joining their pools), 15% none (judged by the
// judges in no pool).
func poolInput(submissions int) judging.AssignInput {
	in := assignmentInput(submissions, 100, 3, 0.05)
	r := rand.New(rand.NewPCG(uint64(submissions), 11))
	pool := func(c int) []int64 {
		var out []int64
		for j := range 9 {
			out = append(out, int64(c*9+j+1))
		}
		return out
	}
	outside := []int64{}
	for j := 91; j <= 100; j++ {
		outside = append(outside, int64(j))
	}
	in.Allowed = map[string][]int64{}
	for _, slug := range in.Submissions {
		switch x := r.Float64(); {
		case x < 0.70:
			in.Allowed[slug] = pool(r.IntN(10))
		case x < 0.85:
			in.Allowed[slug] = append(pool(r.IntN(10)), pool(r.IntN(10))...)
		default:
			in.Allowed[slug] = outside
		}
	}
	return in
}

// benchPools times assignment with challenge pools.
func benchPools() {
	fmt.Println("| submissions × judges × per submission, 10 pools of 9 + 10 outside, 5% conflicts | assignments | uncovered | worst spread within a pool | median of 5 |")
	fmt.Println("|---|---:|---:|---:|---:|")
	var last time.Duration
	for _, n := range []int{500, 2000} {
		in := poolInput(n)
		var out judging.Assignment
		d := medianTime(5, func() { out = judging.Assign(in) })
		load := map[int64]int{}
		for _, p := range out.Pairs {
			load[p.Judge]++
		}
		spread := 0
		for g := range 11 {
			lo, hi := 1<<30, 0
			last := g*9 + 9
			if g == 10 {
				last = 100
			}
			for j := g*9 + 1; j <= last; j++ {
				lo, hi = min(lo, load[int64(j)]), max(hi, load[int64(j)])
			}
			spread = max(spread, hi-lo)
		}
		fmt.Printf("| %d × 100 × 3 | %d | %d | %d | %s |\n", n, len(out.Pairs), len(out.Uncovered), spread, d.Round(time.Millisecond))
		last = d
	}
	fmt.Println()
	fmt.Println(bar(fmt.Sprintf("assignment with pools of 2,000 submissions in %s", last.Round(time.Millisecond)), last < time.Second, "under 1 s"))
	fmt.Println()
}
