package judging

import (
	"cmp"
	"slices"
)

// restrict makes the judges outside a submission's allowed list
// ineligible for it.
func (p *problem) restrict(allowed map[string][]int64, ji func(int64) int) {
	for s, slug := range p.plugins {
		list, ok := allowed[slug]
		if !ok {
			continue
		}
		keep := make([]bool, len(p.judges))
		for _, id := range list {
			if j := ji(id); j >= 0 {
				keep[j] = true
			}
		}
		for j := range p.judges {
			p.eligible[s][j] = p.eligible[s][j] && keep[j]
		}
	}
}

// assignPools splits the problem into groups of judges linked by the
// submissions they may judge (a submission's allowed judges and the judges
// of its fixed pairs are one group), solves each group on its own and
// joins the answers.
func assignPools(in AssignInput) Assignment {
	judges := slices.Compact(slices.Sorted(slices.Values(in.Judges)))
	uf := newUnionFind(judges)
	subs := slices.Compact(slices.Sorted(slices.Values(in.Submissions)))
	links := map[string][]int64{}
	for _, slug := range subs {
		links[slug] = allowedOf(in.Allowed, slug, judges)
	}
	for _, f := range in.Fixed {
		if _, ok := links[f.Plugin]; ok && uf.has(f.Judge) {
			links[f.Plugin] = append(links[f.Plugin], f.Judge)
		}
	}
	groups := map[int64]*AssignInput{}
	out := Assignment{Uncovered: map[string]int{}}
	for _, slug := range subs {
		list := links[slug]
		if len(list) == 0 {
			if in.PerSubmission > 0 {
				out.Uncovered[slug] = in.PerSubmission
			}
			continue
		}
		for _, j := range list[1:] {
			uf.union(list[0], j)
		}
	}
	for _, j := range judges {
		root := uf.find(j)
		if groups[root] == nil {
			groups[root] = &AssignInput{PerSubmission: in.PerSubmission, Conflicts: in.Conflicts, Fixed: in.Fixed, Allowed: in.Allowed}
		}
		groups[root].Judges = append(groups[root].Judges, j)
	}
	for _, slug := range subs {
		if list := links[slug]; len(list) > 0 {
			g := groups[uf.find(list[0])]
			g.Submissions = append(g.Submissions, slug)
		}
	}
	for _, g := range groups {
		part := assignOne(*g)
		out.Pairs = append(out.Pairs, part.Pairs...)
		for slug, n := range part.Uncovered {
			out.Uncovered[slug] = n
		}
	}
	slices.SortFunc(out.Pairs, func(a, b Pair) int {
		return cmp.Or(cmp.Compare(a.Plugin, b.Plugin), cmp.Compare(a.Judge, b.Judge))
	})
	return out
}

// allowedOf returns the judges a submission may get among judges: its
// allowed list, or every judge when it has none.
func allowedOf(allowed map[string][]int64, slug string, judges []int64) []int64 {
	list, ok := allowed[slug]
	if !ok {
		return slices.Clone(judges)
	}
	var out []int64
	for _, j := range list {
		if _, found := slices.BinarySearch(judges, j); found {
			out = append(out, j)
		}
	}
	return out
}

// unionFind groups judges.
type unionFind struct{ parent map[int64]int64 }

func newUnionFind(ids []int64) *unionFind {
	u := &unionFind{parent: make(map[int64]int64, len(ids))}
	for _, id := range ids {
		u.parent[id] = id
	}
	return u
}

func (u *unionFind) has(id int64) bool { _, ok := u.parent[id]; return ok }

func (u *unionFind) find(id int64) int64 {
	for u.parent[id] != id {
		u.parent[id] = u.parent[u.parent[id]]
		id = u.parent[id]
	}
	return id
}

// union joins two groups; the smaller id leads, so groups do not depend
// on the order of the input.
func (u *unionFind) union(a, b int64) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
}
