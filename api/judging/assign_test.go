package judging

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomInstance builds a small assignment problem. Conflicts are dense
// enough in some seeds that perfect balance is impossible, which the
// reference check accounts for.
func randomInstance(seed uint64) AssignInput {
	r := rand.New(rand.NewPCG(seed, 7))
	in := AssignInput{PerSubmission: 1 + r.IntN(4)}
	for j := range 1 + r.IntN(9) {
		in.Judges = append(in.Judges, int64(100+j*7))
	}
	for s := range r.IntN(20) {
		in.Submissions = append(in.Submissions, fmt.Sprintf("plugin-%02d", s))
	}
	rate := []float64{0, 0.05, 0.2, 0.5}[r.IntN(4)]
	for _, s := range in.Submissions {
		fixed := 0
		for _, j := range in.Judges {
			switch {
			case r.Float64() < rate:
				in.Conflicts = append(in.Conflicts, Pair{j, s})
			case fixed < in.PerSubmission && r.Float64() < 0.08:
				in.Fixed = append(in.Fixed, Pair{j, s})
				fixed++
			}
		}
	}
	return in
}

func TestAssignmentProperties(t *testing.T) {
	for seed := range uint64(400) {
		in := randomInstance(seed)
		out := Assign(in)
		conflict := map[Pair]bool{}
		for _, c := range in.Conflicts {
			conflict[c] = true
		}
		got := map[Pair]bool{}
		perSub := map[string]int{}
		load := map[int64]int{}
		for _, p := range out.Pairs {
			if conflict[p] {
				t.Fatalf("seed %d: conflicted pair %v assigned", seed, p)
			}
			if got[p] {
				t.Fatalf("seed %d: pair %v twice", seed, p)
			}
			got[p] = true
			perSub[p.Plugin]++
			load[p.Judge]++
		}
		for _, f := range in.Fixed {
			if !got[f] {
				t.Fatalf("seed %d: fixed pair %v dropped", seed, f)
			}
		}
		for _, s := range in.Submissions {
			if perSub[s] > in.PerSubmission || perSub[s]+out.Uncovered[s] != in.PerSubmission {
				t.Fatalf("seed %d: %s has %d judges, %d reported missing, want %d", seed, s, perSub[s], out.Uncovered[s], in.PerSubmission)
			}
		}
		coverage := len(out.Pairs)
		if best := refMaxCoverage(in); coverage != best {
			t.Fatalf("seed %d: %d pairs, but %d are possible", seed, coverage, best)
		}
		lo, hi := minMaxLoad(in.Judges, load)
		if len(in.Judges) > 0 && hi > 0 && refFeasible(in, 0, hi-1, coverage) {
			t.Fatalf("seed %d: max load %d, but the same coverage fits in %d", seed, hi, hi-1)
		}
		if hi-lo > 1 {
			for l := 0; l < hi; l++ {
				if refFeasible(in, l, l+1, coverage) {
					t.Fatalf("seed %d: loads %d–%d, but %d–%d is possible", seed, lo, hi, l, l+1)
				}
			}
		}
	}
}

func TestAssignmentIsDeterministic(t *testing.T) {
	for seed := range uint64(100) {
		in := randomInstance(seed)
		want := Assign(in)
		r := rand.New(rand.NewPCG(seed, 99))
		shuffled := AssignInput{PerSubmission: in.PerSubmission,
			Judges: slices.Clone(in.Judges), Submissions: slices.Clone(in.Submissions),
			Conflicts: slices.Clone(in.Conflicts), Fixed: slices.Clone(in.Fixed)}
		r.Shuffle(len(shuffled.Judges), func(i, j int) { shuffled.Judges[i], shuffled.Judges[j] = shuffled.Judges[j], shuffled.Judges[i] })
		r.Shuffle(len(shuffled.Submissions), func(i, j int) {
			shuffled.Submissions[i], shuffled.Submissions[j] = shuffled.Submissions[j], shuffled.Submissions[i]
		})
		r.Shuffle(len(shuffled.Conflicts), func(i, j int) {
			shuffled.Conflicts[i], shuffled.Conflicts[j] = shuffled.Conflicts[j], shuffled.Conflicts[i]
		})
		r.Shuffle(len(shuffled.Fixed), func(i, j int) { shuffled.Fixed[i], shuffled.Fixed[j] = shuffled.Fixed[j], shuffled.Fixed[i] })
		if got := Assign(shuffled); !slices.Equal(got.Pairs, want.Pairs) {
			t.Fatalf("seed %d: the order of the input changed the assignment", seed)
		}
	}
}

func TestAssignmentWhenConflictsForbidBalance(t *testing.T) {
	// Judge 1 is the only one free of conflicts with a, b and c; judge 2
	// can only take d.
	in := AssignInput{Judges: []int64{1, 2}, Submissions: []string{"a", "b", "c", "d"}, PerSubmission: 1,
		Conflicts: []Pair{{2, "a"}, {2, "b"}, {2, "c"}}}
	out := Assign(in)
	if len(out.Pairs) != 4 || len(out.Uncovered) != 0 {
		t.Fatalf("pairs %v, uncovered %v", out.Pairs, out.Uncovered)
	}
	in.Conflicts = append(in.Conflicts, Pair{1, "d"}, Pair{2, "d"})
	if out := Assign(in); out.Uncovered["d"] != 1 {
		t.Fatalf("d has no possible judge but is not reported: %v", out.Uncovered)
	}
	if out := Assign(AssignInput{Judges: nil, Submissions: []string{"a"}, PerSubmission: 2}); out.Uncovered["a"] != 2 {
		t.Fatalf("no judges: %v", out.Uncovered)
	}
}

func minMaxLoad(judges []int64, load map[int64]int) (int, int) {
	lo, hi := -1, 0
	for _, j := range judges {
		l := load[j]
		if lo < 0 || l < lo {
			lo = l
		}
		hi = max(hi, l)
	}
	return max(lo, 0), hi
}

// The reference: a plain Edmonds–Karp max-flow, independent of the
// Dinic code under test, with lower bounds handled by the textbook
// reduction to a circulation.

type refGraph struct{ capacity map[[2]int]int }

func (g *refGraph) add(u, v, c int) { g.capacity[[2]int{u, v}] += c }

func (g *refGraph) maxFlow(s, t, n int) int {
	flow := 0
	for {
		prev := make([]int, n)
		for i := range prev {
			prev[i] = -1
		}
		prev[s] = s
		queue := []int{s}
		for len(queue) > 0 && prev[t] < 0 {
			u := queue[0]
			queue = queue[1:]
			for v := range n {
				if prev[v] < 0 && g.capacity[[2]int{u, v}] > 0 {
					prev[v] = u
					queue = append(queue, v)
				}
			}
		}
		if prev[t] < 0 {
			return flow
		}
		for v := t; v != s; v = prev[v] {
			g.capacity[[2]int{prev[v], v}]--
			g.capacity[[2]int{v, prev[v]}]++
		}
		flow++
	}
}

// refNetwork lays out source, submissions, judges and sink.
func refNetwork(in AssignInput) (g *refGraph, fixedLoad []int, n int) {
	conflict, fixed := map[Pair]bool{}, map[Pair]bool{}
	for _, c := range in.Conflicts {
		conflict[c] = true
	}
	for _, f := range in.Fixed {
		fixed[f] = true
	}
	S, J := len(in.Submissions), len(in.Judges)
	g = &refGraph{capacity: map[[2]int]int{}}
	fixedLoad = make([]int, J)
	for s, slug := range in.Submissions {
		need := in.PerSubmission
		for j, id := range in.Judges {
			switch p := (Pair{id, slug}); {
			case fixed[p]:
				need--
				fixedLoad[j]++
			case !conflict[p]:
				g.add(1+s, 1+S+j, 1)
			}
		}
		g.add(0, 1+s, max(need, 0))
	}
	return g, fixedLoad, S + J + 2
}

// refMaxCoverage is the most pairs any assignment can have.
func refMaxCoverage(in AssignInput) int {
	g, fixedLoad, n := refNetwork(in)
	S, J := len(in.Submissions), len(in.Judges)
	for j := range J {
		g.add(1+S+j, n-1, 1<<20)
	}
	total := g.maxFlow(0, n-1, n)
	for _, f := range fixedLoad {
		total += f
	}
	return total
}

// refFeasible reports whether an assignment with exactly coverage pairs
// gives every judge a total load from lo to hi.
func refFeasible(in AssignInput, lo, hi, coverage int) bool {
	g, fixedLoad, n := refNetwork(in)
	S, J := len(in.Submissions), len(in.Judges)
	src, sink, ss, tt := 0, n-1, n, n+1
	excess := make([]int, n+2)
	lower := func(u, v, l, u2 int) bool {
		if u2 < l {
			return false
		}
		g.add(u, v, u2-l)
		excess[v] += l
		excess[u] -= l
		return true
	}
	fixedTotal := 0
	for j := range J {
		fixedTotal += fixedLoad[j]
		if !lower(1+S+j, sink, max(lo-fixedLoad[j], 0), hi-fixedLoad[j]) {
			return false
		}
	}
	if !lower(sink, src, coverage-fixedTotal, coverage-fixedTotal) {
		return false
	}
	need := 0
	for v, e := range excess {
		if e > 0 {
			g.add(ss, v, e)
			need += e
		} else if e < 0 {
			g.add(v, tt, -e)
		}
	}
	return g.maxFlow(ss, tt, n+2) == need
}
