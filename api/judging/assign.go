package judging

import (
	"cmp"
	"slices"
)

// Pair is a judge and a submission (by plugin slug).
type Pair struct {
	Judge  int64
	Plugin string
}

// AssignInput is an assignment problem.
type AssignInput struct {
	Judges        []int64
	Submissions   []string
	Conflicts     []Pair // pairs that must never be assigned
	Fixed         []Pair // assignments to keep: they already have reviews
	PerSubmission int    // judges wanted for each submission
	// Allowed restricts, by submission, the judges it may get (its
	// challenges' pools); a submission missing from it may get any judge.
	Allowed map[string][]int64
}

// Assignment is a solution: every pair, and the submissions that got fewer
// judges than wanted, with how many they lack.
type Assignment struct {
	Pairs     []Pair
	Uncovered map[string]int
}

// Assign gives each submission PerSubmission distinct judges, never a
// conflicted one, keeping the fixed pairs. It covers as many (submission,
// judge) slots as the conflicts allow, keeps judges' loads within one of
// each other where the conflicts allow it, and returns the same answer for
// the same input, whatever the order of its lists.
//
// With Allowed, each group of submissions sharing judges (a pool, or pools
// joined by submissions in several of them) is solved on its own, so loads
// are balanced within each pool.
func Assign(in AssignInput) Assignment {
	if in.Allowed != nil {
		return assignPools(in)
	}
	return assignOne(in)
}

func assignOne(in AssignInput) Assignment {
	p := newProblem(in)
	p.solve()
	p.balance()
	return p.result()
}

type problem struct {
	judges      []int64
	plugins     []string
	k           int
	eligible    [][]bool // [submission][judge]
	assigned    [][]bool // [submission][judge]: fixed or chosen
	fixed       [][]bool
	load        []int
	fixedLoad   []int
	fixedPerSub []int
}

func newProblem(in AssignInput) *problem {
	judges := slices.Compact(slices.Sorted(slices.Values(in.Judges)))
	plugins := slices.Compact(slices.Sorted(slices.Values(in.Submissions)))
	p := &problem{judges: judges, plugins: plugins, k: max(in.PerSubmission, 0),
		load: make([]int, len(judges)), fixedLoad: make([]int, len(judges)), fixedPerSub: make([]int, len(plugins))}
	ji := func(id int64) int {
		i, ok := slices.BinarySearch(judges, id)
		if !ok {
			return -1
		}
		return i
	}
	si := func(slug string) int {
		i, ok := slices.BinarySearch(plugins, slug)
		if !ok {
			return -1
		}
		return i
	}
	p.eligible, p.assigned, p.fixed = grid(len(plugins), len(judges), true), grid(len(plugins), len(judges), false), grid(len(plugins), len(judges), false)
	p.restrict(in.Allowed, ji)
	for _, c := range in.Conflicts {
		if s, j := si(c.Plugin), ji(c.Judge); s >= 0 && j >= 0 {
			p.eligible[s][j] = false
		}
	}
	for _, f := range in.Fixed {
		if s, j := si(f.Plugin), ji(f.Judge); s >= 0 && j >= 0 && !p.fixed[s][j] {
			p.fixed[s][j], p.assigned[s][j], p.eligible[s][j] = true, true, false
			p.fixedLoad[j]++
			p.load[j]++
			p.fixedPerSub[s]++
		}
	}
	return p
}

func grid(rows, cols int, v bool) [][]bool {
	g := make([][]bool, rows)
	for i := range g {
		g[i] = make([]bool, cols)
		if v {
			for j := range g[i] {
				g[i][j] = true
			}
		}
	}
	return g
}

// solve finds a maximum coverage with the smallest possible maximum load,
// by max-flow: source → submission (its remaining need) → eligible judge
// (1) → sink (the judge's remaining capacity).
func (p *problem) solve() {
	best := p.flow(len(p.plugins) * max(p.k, 1))
	total := best
	for _, f := range p.fixedLoad {
		total += f
	}
	limit := 0
	if len(p.judges) > 0 {
		limit = (total + len(p.judges) - 1) / len(p.judges)
	}
	for _, f := range p.fixedLoad {
		limit = max(limit, f)
	}
	for p.flow(limit) < best {
		limit++
	}
}

// flow solves the max-flow with judges' total loads capped at limit,
// records the chosen pairs, and returns how many it chose.
func (p *problem) flow(limit int) int {
	n, m := len(p.plugins), len(p.judges)
	g := newGraph(n + m + 2)
	src, sink := n+m, n+m+1
	edge := make([][]int, n) // [submission][judge] → edge index, -1 when not eligible
	for s := range n {
		g.add(src, s, max(p.k-p.fixedPerSub[s], 0))
		edge[s] = make([]int, m)
		for j := range m {
			edge[s][j] = -1
			if p.eligible[s][j] {
				edge[s][j] = g.add(s, n+j, 1)
			}
		}
	}
	for j := range m {
		g.add(n+j, sink, max(limit-p.fixedLoad[j], 0))
	}
	got := g.maxFlow(src, sink)
	copy(p.load, p.fixedLoad)
	for s := range n {
		for j := range m {
			p.assigned[s][j] = p.fixed[s][j] || (edge[s][j] >= 0 && g.edges[edge[s][j]].cap == 0)
			if !p.fixed[s][j] && p.assigned[s][j] {
				p.load[j]++
			}
		}
	}
	return got
}

// balance moves assignments, along alternating paths, from judges with the
// most work to judges with at least two fewer, without changing coverage.
// Each move lowers the sum of squared loads, so it ends.
func (p *problem) balance() {
	for {
		order := p.byLoad()
		if len(order) == 0 || p.load[order[len(order)-1]]-p.load[order[0]] <= 1 {
			return // within one already
		}
		top := p.load[order[len(order)-1]]
		moved := false
		for _, low := range order {
			if p.load[low] > top-2 {
				break // nobody has two more than this judge or any after it
			}
			if p.shift(low) {
				moved = true
				break
			}
		}
		if !moved {
			return
		}
	}
}

// byLoad lists judges from the least loaded, ties by id.
func (p *problem) byLoad() []int {
	order := make([]int, len(p.judges))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p.load[a], p.load[b]) })
	return order
}

// step is a link of a chain of moves: judge takes sub from the judge
// before it in the chain, from.
type step struct{ judge, sub, from int }

// shift looks, breadth first, for a chain low takes submission s from judge
// a, a takes s' from judge b, …, ending at a judge with at least two more
// assignments than low, and applies it.
func (p *problem) shift(low int) bool {
	holders := make([][]int, len(p.plugins)) // judges holding each submission, fixed ones excepted
	for s := range p.plugins {
		for a := range p.judges {
			if p.assigned[s][a] && !p.fixed[s][a] {
				holders[s] = append(holders[s], a)
			}
		}
	}
	prev := map[int]step{low: {judge: low, sub: -1, from: -1}}
	queue := []int{low}
	for len(queue) > 0 {
		j := queue[0]
		queue = queue[1:]
		for s := range p.plugins {
			if !p.eligible[s][j] || p.assigned[s][j] {
				continue
			}
			for _, a := range holders[s] {
				if _, seen := prev[a]; seen {
					continue
				}
				prev[a] = step{judge: a, sub: s, from: j}
				if p.load[a] >= p.load[low]+2 {
					p.apply(prev, a)
					return true
				}
				queue = append(queue, a)
			}
		}
	}
	return false
}

// apply walks a found chain back from its end: each judge gives its
// submission to the judge before it.
func (p *problem) apply(prev map[int]step, end int) {
	a := end
	for prev[a].from >= 0 {
		st := prev[a]
		p.assigned[st.sub][a], p.assigned[st.sub][st.from] = false, true
		a = st.from
	}
	p.load[end]--
	p.load[a]++
}

func (p *problem) result() Assignment {
	out := Assignment{Uncovered: map[string]int{}}
	for s, slug := range p.plugins {
		got := 0
		for j, id := range p.judges {
			if p.assigned[s][j] {
				out.Pairs = append(out.Pairs, Pair{Judge: id, Plugin: slug})
				got++
			}
		}
		if got < p.k {
			out.Uncovered[slug] = p.k - got
		}
	}
	return out
}

// graph is a flow network for Dinic's algorithm.
type graph struct {
	edges []flowEdge
	adj   [][]int
	level []int
	next  []int
}

type flowEdge struct{ to, cap int }

func newGraph(n int) *graph { return &graph{adj: make([][]int, n)} }

// add adds an edge and its reverse, and returns the forward edge's index.
func (g *graph) add(from, to, capacity int) int {
	g.edges = append(g.edges, flowEdge{to, capacity}, flowEdge{from, 0})
	g.adj[from] = append(g.adj[from], len(g.edges)-2)
	g.adj[to] = append(g.adj[to], len(g.edges)-1)
	return len(g.edges) - 2
}

func (g *graph) maxFlow(s, t int) int {
	total := 0
	for g.bfs(s, t) {
		g.next = make([]int, len(g.adj))
		for f := g.dfs(s, t, int(^uint(0)>>1)); f > 0; f = g.dfs(s, t, int(^uint(0)>>1)) {
			total += f
		}
	}
	return total
}

func (g *graph) bfs(s, t int) bool {
	g.level = make([]int, len(g.adj))
	for i := range g.level {
		g.level[i] = -1
	}
	g.level[s] = 0
	queue := []int{s}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, e := range g.adj[u] {
			if v := g.edges[e].to; g.edges[e].cap > 0 && g.level[v] < 0 {
				g.level[v] = g.level[u] + 1
				queue = append(queue, v)
			}
		}
	}
	return g.level[t] >= 0
}

func (g *graph) dfs(u, t, f int) int {
	if u == t {
		return f
	}
	for ; g.next[u] < len(g.adj[u]); g.next[u]++ {
		e := g.adj[u][g.next[u]]
		v := g.edges[e].to
		if g.edges[e].cap > 0 && g.level[v] == g.level[u]+1 {
			if d := g.dfs(v, t, min(f, g.edges[e].cap)); d > 0 {
				g.edges[e].cap -= d
				g.edges[e^1].cap += d
				return d
			}
		}
	}
	return 0
}
