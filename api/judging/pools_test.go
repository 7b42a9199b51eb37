package judging

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// poolInstance has two pools (judges 1–2 and 3–6), judges 7–8 outside
// any pool, entries to each pool, one entry to both, and entries to none.
func poolInstance() AssignInput {
	in := AssignInput{PerSubmission: 2, Judges: []int64{1, 2, 3, 4, 5, 6, 7, 8}, Allowed: map[string][]int64{}}
	add := func(prefix string, n int, allowed []int64) {
		for i := range n {
			slug := fmt.Sprintf("%s-%d", prefix, i)
			in.Submissions = append(in.Submissions, slug)
			in.Allowed[slug] = allowed
		}
	}
	add("a", 5, []int64{1, 2})
	add("b", 9, []int64{3, 4, 5, 6})
	add("ab", 1, []int64{1, 2, 3, 4, 5, 6})
	add("none", 6, []int64{7, 8})
	in.Conflicts = []Pair{{Judge: 3, Plugin: "b-0"}, {Judge: 7, Plugin: "none-0"}}
	return in
}

func TestPoolsKeepEntriesWithinTheirPools(t *testing.T) {
	in := poolInstance()
	out := Assign(in)
	conflicted := map[Pair]bool{}
	for _, c := range in.Conflicts {
		conflicted[c] = true
	}
	got := map[string]int{}
	for _, p := range out.Pairs {
		if !slices.Contains(in.Allowed[p.Plugin], p.Judge) {
			t.Errorf("%s judged by %d, outside its pools %v", p.Plugin, p.Judge, in.Allowed[p.Plugin])
		}
		if conflicted[p] {
			t.Errorf("%s judged by %d despite a conflict", p.Plugin, p.Judge)
		}
		got[p.Plugin]++
	}
	for _, s := range in.Submissions {
		if s != "none-0" && got[s] != 2 {
			t.Errorf("%s has %d judges, want 2", s, got[s])
		}
	}
	if got["none-0"] != 1 || out.Uncovered["none-0"] != 1 {
		t.Errorf("none-0: %d judges, uncovered %v; want 1 judge, 1 uncovered (its only other judge has a conflict)", got["none-0"], out.Uncovered)
	}
}

func TestPoolsBalanceLoadsWithinEachPool(t *testing.T) {
	out := Assign(poolInstance())
	load := map[int64]int{}
	for _, p := range out.Pairs {
		load[p.Judge]++
	}
	for _, pool := range [][]int64{{1, 2}, {3, 4, 5, 6}, {7, 8}} {
		lo, hi := 1<<30, 0
		for _, j := range pool {
			lo, hi = min(lo, load[j]), max(hi, load[j])
		}
		if hi-lo > 1 {
			t.Errorf("pool %v loads %v: spread %d, want at most 1", pool, load, hi-lo)
		}
	}
	// Pool 1–2 has 5 entries and a share of the shared one: 10 or 11 slots
	// over two judges, far more per judge than the 4–judge pool.
	if load[1]+load[2] < 10 {
		t.Errorf("pool 1–2 took %d slots, want at least 10", load[1]+load[2])
	}
}

func TestPoolsKeepReviewedPairsOutsideThePool(t *testing.T) {
	in := poolInstance()
	in.Fixed = []Pair{{Judge: 7, Plugin: "a-0"}}
	out := Assign(in)
	if !slices.Contains(out.Pairs, Pair{Judge: 7, Plugin: "a-0"}) {
		t.Fatalf("reviewed pair (7, a-0) dropped: %v", out.Pairs)
	}
	n := 0
	for _, p := range out.Pairs {
		if p.Plugin == "a-0" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("a-0 has %d judges, want 2 (the reviewed one and one of its pool)", n)
	}
}

func TestPoolsAnswerDoesNotDependOnOrder(t *testing.T) {
	in := poolInstance()
	want := Assign(in)
	r := rand.New(rand.NewPCG(3, 4))
	for range 5 {
		r.Shuffle(len(in.Judges), func(i, j int) { in.Judges[i], in.Judges[j] = in.Judges[j], in.Judges[i] })
		r.Shuffle(len(in.Submissions), func(i, j int) {
			in.Submissions[i], in.Submissions[j] = in.Submissions[j], in.Submissions[i]
		})
		if got := Assign(in); !slices.Equal(got.Pairs, want.Pairs) {
			t.Fatalf("shuffled input gave %v, want %v", got.Pairs, want.Pairs)
		}
	}
}

func TestPoolsLeaveAnEntryWithNoAllowedJudgeUncovered(t *testing.T) {
	in := AssignInput{PerSubmission: 2, Judges: []int64{1, 2}, Submissions: []string{"a", "b"},
		Allowed: map[string][]int64{"a": {1, 2}, "b": {9}}}
	out := Assign(in)
	if out.Uncovered["b"] != 2 || len(out.Uncovered) != 1 || len(out.Pairs) != 2 {
		t.Fatalf("pairs %v, uncovered %v; want a judged twice and b uncovered (its only judge is not a judge)", out.Pairs, out.Uncovered)
	}
}
