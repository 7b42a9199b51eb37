package judging

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func within(tb testing.TB, what string, got, want, tol float64) {
	tb.Helper()
	if math.Abs(got-want) > tol {
		tb.Errorf("%s = %.15g, want %.15g (± %g)", what, got, want, tol)
	}
}

// TestUpdateFirstVoteByHand checks the first vote between two entries at
// the prior (μ = 0, σ² = 1) by a judge at the prior (α = 10, β = 1):
//
//	p = e⁰/(e⁰+e⁰) = 1/2, q = 10e⁰/(10e⁰+1e⁰) = 10/11
//	μ_w = 0 + 1·(10/11 − 1/2) = 9/22, μ_l = −9/22
//	σ²  = 1·(1 + 1·(10·1/11² − 1/2²)) = 1 + 10/121 − 1/4 = 403/484
//	C₁ = 1/2 (the correction term has the factor e^μl − e^μw = 0), so the
//	matched moments are those of Beta(10, 1): the judge is unchanged.
func TestUpdateFirstVoteByHand(t *testing.T) {
	w, l, j := Update(NewContender("a"), NewContender("b"), NewJudge())
	within(t, "μ_w", w.Mu, 9.0/22, 1e-12)
	within(t, "μ_l", l.Mu, -9.0/22, 1e-12)
	within(t, "σ²_w", w.Sigma2, 403.0/484, 1e-12)
	within(t, "σ²_l", l.Sigma2, 403.0/484, 1e-12)
	within(t, "α", j.Alpha, 10, 1e-9)
	within(t, "β", j.Beta, 1, 1e-9)
	if w.ID != "a" || l.ID != "b" {
		t.Errorf("ids = %q, %q, want a, b", w.ID, l.ID)
	}
}

// TestUpdateWorkedExample follows three votes of one judge among entries
// A, B, C, all at the prior: A over B, then C over B, then A over C. The
// expected values were computed separately, at 30 significant digits with
// Python's mpmath, from the paper's equations in their exponential form
// (e^μ rather than the logistic function the code uses):
//
//	c₁ = e^μw/(e^μw+e^μl) + ½(σ²w+σ²l)·e^μw·e^μl·(e^μl−e^μw)/(e^μw+e^μl)³, c₂ = 1 − c₁
//	c  = (c₁α + c₂β)/(α+β)
//	E[η]  = (c₁(α+1)α + c₂αβ) / (c(α+β+1)(α+β))
//	E[η²] = (c₁(α+2)(α+1)α + c₂(α+1)αβ) / (c(α+β+2)(α+β+1)(α+β))
//	α' = (E[η]−E[η²])·E[η]/(E[η²]−E[η]²), β' = (E[η]−E[η²])·(1−E[η])/(E[η²]−E[η]²)
//	μw' = μw + σ²w·(αe^μw/(αe^μw+βe^μl) − e^μw/(e^μw+e^μl)), μl' = μl − σ²l·(same)
//	σ²' = σ²·max(1 + σ²·(αe^μw·βe^μl/(αe^μw+βe^μl)² − e^μw·e^μl/(e^μw+e^μl)²), κ)
//
// Vote 1 is the one TestUpdateFirstVoteByHand derives by hand. In vote 2
// the loser B is already below C (−0.409 against 0), so c₁ > ½ and the
// judge's α grows: the vote agrees with what the model believed.
func TestUpdateWorkedExample(t *testing.T) {
	const tol = 1e-9
	a, b, c, j := NewContender("A"), NewContender("B"), NewContender("C"), NewJudge()

	a, b, j = Update(a, b, j)
	within(t, "1: μ_A", a.Mu, 0.409090909090909, tol)
	within(t, "1: σ²_A", a.Sigma2, 0.832644628099174, tol)
	within(t, "1: μ_B", b.Mu, -0.409090909090909, tol)
	within(t, "1: σ²_B", b.Sigma2, 0.832644628099174, tol)
	within(t, "1: α", j.Alpha, 10, tol)
	within(t, "1: β", j.Beta, 1, tol)

	c, b, j = Update(c, b, j)
	within(t, "2: μ_C", c.Mu, 0.336842236689147, tol)
	within(t, "2: σ²_C", c.Sigma2, 0.818582838368148, tol)
	within(t, "2: μ_B", b.Mu, -0.689560787987038, tol)
	within(t, "2: σ²_B", b.Sigma2, 0.706868640276162, tol)
	within(t, "2: α", j.Alpha, 10.1527287716352, tol)
	within(t, "2: β", j.Beta, 0.997787297155233, tol)

	a, c, j = Update(a, c, j)
	within(t, "3: μ_A", a.Mu, 0.740630639967007, tol)
	within(t, "3: σ²_A", a.Sigma2, 0.712758074992725, tol)
	within(t, "3: μ_C", c.Mu, 0.0109015835296772, tol)
	within(t, "3: σ²_C", c.Sigma2, 0.702711405990886, tol)
	within(t, "3: α", j.Alpha, 10.1825575717805, tol)
	within(t, "3: β", j.Beta, 0.997284001753379, tol)

	// The information gain of comparing A with B now, computed in the same
	// way: Σ over the two votes of c·(KL(N'_A‖N_A) + KL(N'_B‖N_B) +
	// γ·KL(Beta'‖Beta)), with KL(N(μ₁,σ²₁)‖N(μ₂,σ²₂)) = (μ₁−μ₂)²/(2σ²₂) +
	// (r − 1 − ln r)/2, r = σ²₁/σ²₂, and the Beta divergence by lnB and ψ.
	within(t, "gain(A, B) after 3 votes", ExpectedInfoGain(j, a, b), 0.0756827990880582, tol)
}

// TestExpectedInfoGainWorkedExample checks the gain of one pair at the prior
// and after one vote, against the same mpmath computation.
func TestExpectedInfoGainWorkedExample(t *testing.T) {
	within(t, "gain at the prior", ExpectedInfoGain(NewJudge(), NewContender("A"), NewContender("B")), 0.183148344769949, 1e-9)
	_, b, j := Update(NewContender("A"), NewContender("B"), NewJudge())
	within(t, "gain(B, C) after A over B", ExpectedInfoGain(j, b, NewContender("C")), 0.16057733393418, 1e-9)
}

func TestExpectedInfoGainPrefersCloseUncertainEntries(t *testing.T) {
	prev := Contender{ID: "p", Mu: 0, Sigma2: 0.5}
	close := Contender{ID: "close", Mu: 0.1, Sigma2: 1}
	far := Contender{ID: "far", Mu: 4, Sigma2: 1}
	known := Contender{ID: "known", Mu: 0.1, Sigma2: 0.05}
	j := NewJudge()
	g := ExpectedInfoGain(j, prev, close)
	if gf := ExpectedInfoGain(j, prev, far); !(g > gf) {
		t.Errorf("gain with a close entry %g ≤ with a far one %g", g, gf)
	}
	if gk := ExpectedInfoGain(j, prev, known); !(g > gk) {
		t.Errorf("gain with an uncertain entry %g ≤ with a well-known one %g", g, gk)
	}
}

func TestDigamma(t *testing.T) {
	// Values from mpmath.digamma.
	for _, c := range []struct{ x, want float64 }{
		{1, -0.577215664901533}, {0.5, -1.96351002602142}, {10, 2.25175258906672}, {2.75, 0.818901024975433},
	} {
		within(t, fmt.Sprintf("ψ(%g)", c.x), digamma(c.x), c.want, 1e-12)
	}
}

func TestUpdateLearnsAnAdversarialJudge(t *testing.T) {
	// Entries far apart and well known; a judge who keeps voting the weak
	// one over the strong one loses reliability: α/(α+β) falls.
	strong := Contender{ID: "s", Mu: 2, Sigma2: 0.2}
	weak := Contender{ID: "w", Mu: -2, Sigma2: 0.2}
	j := NewJudge()
	before := j.Alpha / (j.Alpha + j.Beta)
	for range 5 {
		_, _, j = Update(weak, strong, j)
	}
	if after := j.Alpha / (j.Alpha + j.Beta); !(after < before-0.05) {
		t.Errorf("reliability %g → %g, want a clear fall", before, after)
	}
}

func TestNextEntryFirst(t *testing.T) {
	entries := []Contender{{"d", 0, 1}, {"c", 0, 0.5}, {"b", 0, 1}, {"a", 0, 1}}
	views := map[string]int{"a": 2, "b": 1, "c": 1, "d": 1}
	for _, c := range []struct {
		name string
		in   NextInput
		want string
	}{
		{"least viewed, then largest σ², then smallest id", NextInput{Entries: entries, Views: views}, "b"},
		{"without views, largest σ² then id", NextInput{Entries: entries}, "a"},
		{"skipping excluded", NextInput{Entries: entries, Views: views, Seen: []string{"b"}, Skipped: []string{"d"}}, "c"},
		{"previous gone: as a first entry", NextInput{Entries: entries, Views: views, Previous: "gone"}, "b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := NextEntry(c.in)
			if !ok || got.ID != c.want {
				t.Errorf("NextEntry = %q, %v, want %q", got.ID, ok, c.want)
			}
		})
	}
}

func TestNextEntryChoosesHighestGain(t *testing.T) {
	entries := []Contender{{"prev", 0, 0.5}, {"far", 4, 1}, {"close", 0.1, 1}, {"known", 0.1, 0.05}}
	got, ok := NextEntry(NextInput{Judge: NewJudge(), Previous: "prev", Entries: entries})
	if !ok || got.ID != "close" {
		t.Fatalf("NextEntry = %q, %v, want close", got.ID, ok)
	}
	got, ok = NextEntry(NextInput{Judge: NewJudge(), Previous: "prev", Entries: entries, Conflicts: []string{"close"}})
	if !ok || got.ID == "close" || got.ID == "prev" {
		t.Fatalf("NextEntry with close conflicted = %q, %v", got.ID, ok)
	}
	prior := []Contender{NewContender("p"), NewContender("x"), NewContender("y"), NewContender("z")}
	got, ok = NextEntry(NextInput{Judge: NewJudge(), Previous: "p", Entries: prior, Views: map[string]int{"x": 2, "y": 1, "z": 1}})
	if !ok || got.ID != "y" {
		t.Fatalf("NextEntry among equal gains = %q, %v, want y (least viewed, then smallest id)", got.ID, ok)
	}
	_, ok = NextEntry(NextInput{Judge: NewJudge(), Previous: "prev", Entries: entries, Seen: []string{"prev", "far"}, Conflicts: []string{"close"}, Skipped: []string{"known"}})
	if ok {
		t.Fatal("NextEntry found an entry when every one is excluded")
	}
}

// TestNextEntryProperties draws random editions and checks that the chosen
// entry is never previous, seen, conflicted or skipped, that one is found
// whenever one is eligible, that it has the highest gain among the eligible
// ones, and that the order of the lists does not change the answer.
func TestNextEntryProperties(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 19))
		in := NextInput{Judge: Judge{Alpha: 0.5 + 12*r.Float64(), Beta: 0.5 + 3*r.Float64()}, Views: map[string]int{}}
		out := map[string]bool{}
		for i := range r.IntN(25) {
			c := Contender{ID: fmt.Sprintf("e%02d", i), Mu: r.NormFloat64(), Sigma2: 0.01 + r.Float64()}
			in.Entries = append(in.Entries, c)
			in.Views[c.ID] = r.IntN(3)
			switch r.IntN(6) {
			case 0:
				in.Seen = append(in.Seen, c.ID)
			case 1:
				in.Conflicts = append(in.Conflicts, c.ID)
			case 2:
				in.Skipped = append(in.Skipped, c.ID)
			default:
				continue
			}
			out[c.ID] = true
		}
		if len(in.Entries) > 0 && r.IntN(4) > 0 {
			in.Previous = in.Entries[r.IntN(len(in.Entries))].ID
			out[in.Previous] = true
		}
		checkNextEntry(t, seed, in, out, r)
	}
}

// checkNextEntry checks NextEntry's answer for in, where out holds the IDs
// that must not be proposed.
func checkNextEntry(t *testing.T, seed uint64, in NextInput, out map[string]bool, r *rand.Rand) {
	t.Helper()
	got, ok := NextEntry(in)
	eligible, bestGain := 0, math.Inf(-1)
	prev := slices.IndexFunc(in.Entries, func(c Contender) bool { return c.ID == in.Previous })
	for _, c := range in.Entries {
		if !out[c.ID] {
			eligible++
			if prev >= 0 {
				bestGain = max(bestGain, ExpectedInfoGain(in.Judge, in.Entries[prev], c))
			}
		}
	}
	if ok != (eligible > 0) {
		t.Fatalf("seed %d: found %v with %d eligible", seed, ok, eligible)
	}
	if !ok {
		return
	}
	if out[got.ID] {
		t.Fatalf("seed %d: proposed %q, which is previous, seen, conflicted or skipped", seed, got.ID)
	}
	if prev >= 0 {
		if g := ExpectedInfoGain(in.Judge, in.Entries[prev], got); g != bestGain {
			t.Fatalf("seed %d: proposed gain %g, best eligible %g", seed, g, bestGain)
		}
	}
	shuffled := in
	shuffled.Entries = slices.Clone(in.Entries)
	r.Shuffle(len(shuffled.Entries), func(i, k int) {
		shuffled.Entries[i], shuffled.Entries[k] = shuffled.Entries[k], shuffled.Entries[i]
	})
	if again, _ := NextEntry(shuffled); again.ID != got.ID {
		t.Fatalf("seed %d: %q, then %q with the entries shuffled", seed, got.ID, again.ID)
	}
}

func TestSortByScore(t *testing.T) {
	entries := []Contender{{"c", 0.5, 1}, {"a", 1, 0.3}, {"b", 0.5, 0.2}, {"d", 0.5, 0.2}}
	SortByScore(entries)
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	if want := []string{"a", "b", "d", "c"}; !slices.Equal(ids, want) {
		t.Errorf("order = %v, want %v", ids, want)
	}
}

// simJudge is a simulated judge: it says the entry in front of it is better
// than the previous one with probability σ(sharpness·(quality difference)).
// A sharpness near 0 is a coin flip; a negative one votes the wrong way.
type simJudge struct {
	sharpness float64
	model     Judge
	previous  string
	seen      []string
	conflicts []string
}

// scenario is a simulated edition: entries of evenly spaced quality, judges
// of given sharpness, each conflicted with one entry, and a number of votes.
type scenario struct {
	entries   int
	step      float64 // quality difference between neighbours
	sharpness []float64
	votes     int
}

// edition is a scenario under way.
type edition struct {
	entries []Contender
	quality []float64 // by index in entries
	index   map[string]int
	judges  []*simJudge
	views   map[string]int
}

// newEdition gives the qualities to the IDs in an order drawn from r, so
// that the order of IDs, which breaks ties, says nothing of quality.
func newEdition(sc scenario, r *rand.Rand) *edition {
	e := &edition{entries: make([]Contender, sc.entries), quality: make([]float64, sc.entries),
		index: map[string]int{}, views: map[string]int{}}
	rank := r.Perm(sc.entries)
	for i := range e.entries {
		e.entries[i] = NewContender(fmt.Sprintf("e%02d", i))
		e.quality[i] = float64(rank[i]) * sc.step
		e.index[e.entries[i].ID] = i
	}
	for i, s := range sc.sharpness {
		e.judges = append(e.judges, &simJudge{sharpness: s, model: NewJudge(),
			conflicts: []string{e.entries[(i*7)%sc.entries].ID}})
	}
	return e
}

// chooser picks a judge's next entry; random draws from r when it needs to.
type chooser func(in NextInput, r *rand.Rand) (Contender, bool)

func byGain(in NextInput, _ *rand.Rand) (Contender, bool) { return NextEntry(in) }

// atRandom pairs the previous entry with an eligible entry drawn uniformly.
func atRandom(in NextInput, r *rand.Rand) (Contender, bool) {
	if in.Previous == "" {
		return NextEntry(in)
	}
	var eligible []Contender
	for _, c := range in.Entries {
		if c.ID != in.Previous && !slices.Contains(in.Seen, c.ID) && !slices.Contains(in.Conflicts, c.ID) {
			eligible = append(eligible, c)
		}
	}
	if len(eligible) == 0 {
		return Contender{}, false
	}
	return eligible[r.IntN(len(eligible))], true
}

// simulate runs a scenario with a chooser and returns the Kendall tau of
// the ranking by μ with the true order. The qualities, the judges' turns
// and their votes are drawn from the seed alone, so that both choosers face
// the same judges; the random chooser draws from a stream of its own.
func simulate(sc scenario, seed uint64, choose chooser) float64 {
	votes := rand.New(rand.NewPCG(seed, 1))
	picks := rand.New(rand.NewPCG(seed, 2))
	e := newEdition(sc, votes)
	for cast := 0; cast < sc.votes; {
		j := e.judges[votes.IntN(len(e.judges))]
		next, ok := choose(NextInput{Judge: j.model, Previous: j.previous, Entries: e.entries,
			Seen: j.seen, Conflicts: j.conflicts, Views: e.views}, picks)
		if !ok {
			continue
		}
		e.views[next.ID]++
		j.seen = append(j.seen, next.ID)
		if j.previous != "" {
			e.vote(j, e.index[next.ID], e.index[j.previous], votes.Float64())
			cast++
		}
		j.previous = next.ID
	}
	scores := make([]float64, len(e.entries))
	for i, c := range e.entries {
		scores[i] = c.Mu
	}
	return kendallTau(scores, e.quality)
}

// vote has judge j say whether entry n is better than entry p, by drawing u
// uniformly in [0, 1), and updates the model.
func (e *edition) vote(j *simJudge, n, p int, u float64) {
	if u < sigmoid(j.sharpness*(e.quality[n]-e.quality[p])) {
		e.entries[n], e.entries[p], j.model = Update(e.entries[n], e.entries[p], j.model)
	} else {
		e.entries[p], e.entries[n], j.model = Update(e.entries[p], e.entries[n], j.model)
	}
}

// kendallTau is Kendall's τ-a of two lists of scores of the same items:
// (concordant − discordant pairs) / all pairs, ties counting as neither.
func kendallTau(x, y []float64) float64 {
	n := len(x)
	var s float64
	for i := range n {
		for k := i + 1; k < n; k++ {
			a, b := x[i]-x[k], y[i]-y[k]
			switch {
			case a*b > 0:
				s++
			case a*b < 0:
				s--
			}
		}
	}
	return s / float64(n*(n-1)/2)
}

func TestKendallTau(t *testing.T) {
	within(t, "same order", kendallTau([]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}), 1, 0)
	within(t, "reversed", kendallTau([]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}), -1, 0)
	within(t, "one swap", kendallTau([]float64{1, 2, 3, 4}, []float64{1, 3, 2, 4}), 4.0/6, 1e-15)
	within(t, "a tie", kendallTau([]float64{1, 1, 3}, []float64{1, 2, 3}), 2.0/3, 1e-15)
}

// meanTaus runs a scenario over seeds 1…n with both choosers and returns
// their mean Kendall taus, logging each.
func meanTaus(t *testing.T, sc scenario, n int) (gain, random float64) {
	t.Helper()
	for s := range uint64(n) {
		g, r := simulate(sc, s+1, byGain), simulate(sc, s+1, atRandom)
		t.Logf("seed %2d: Kendall tau %.3f by information gain, %.3f at random", s+1, g, r)
		gain += g / float64(n)
		random += r / float64(n)
	}
	t.Logf("mean over %d seeds, %d votes: %.3f by information gain, %.3f at random", n, sc.votes, gain, random)
	return gain, random
}

// TestPairwiseRankingBeatsRandomPairing ranks 40 entries of known quality
// (0, 0.2, …, 7.8) with 12 simulated judges — 8 careful (sharpness 3 or 2),
// one middling (1), two noisy (0.3), one who votes the wrong way (−2) —
// and 300 votes, choosing pairs by information gain and at random; then
// the same with a second judge voting the wrong way instead of the middling
// one. docs/judging.md reports the taus.
func TestPairwiseRankingBeatsRandomPairing(t *testing.T) {
	sc := scenario{entries: 40, step: 0.2, votes: 300,
		sharpness: []float64{3, 3, 3, 3, 2, 2, 2, 2, 1, 0.3, 0.3, -2}}
	gain, random := meanTaus(t, sc, 10)
	if gain < 0.78 {
		t.Errorf("mean tau by information gain %.3f, want ≥ 0.78", gain)
	}
	if gain < random+0.05 {
		t.Errorf("mean tau by information gain %.3f, at random %.3f: want at least 0.05 more", gain, random)
	}

	sc.sharpness = []float64{3, 3, 3, 3, 2, 2, 2, 2, 0.3, 0.3, -2, -2}
	gain, random = meanTaus(t, sc, 10)
	if gain < 0.7 || gain <= random {
		t.Errorf("two judges voting the wrong way: mean tau %.3f by information gain, %.3f at random; want ≥ 0.7 and more", gain, random)
	}
}
