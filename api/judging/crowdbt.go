package judging

import (
	"cmp"
	"math"
	"slices"
)

// Pairwise judging follows the Crowd-BT model of X. Chen, P. N. Bennett,
// K. Collins-Thompson and E. Horvitz, "Pairwise ranking aggregation in a
// crowdsourced setting", WSDM 2013: each entry has a Bradley–Terry score
// known as a normal distribution (mean Mu, variance Sigma2); each judge a
// reliability η, the probability that the judge's vote is honest, known as a
// Beta(Alpha, Beta) distribution. docs/judging.md writes the equations.

// The constants of the model, as in the paper's experiments.
const (
	// Gamma weighs what a vote teaches about the judge against what it
	// teaches about the two entries, in the expected information gain.
	Gamma = 0.1
	// Kappa keeps a variance positive: a vote never shrinks it below Kappa
	// times what it was.
	Kappa = 1e-4
	// PriorMu and PriorSigma2 are an entry's score before any vote.
	PriorMu     = 0.0
	PriorSigma2 = 1.0
	// PriorAlpha and PriorBeta are a judge's reliability before any vote:
	// honest with probability 10/11 on average.
	PriorAlpha = 10.0
	PriorBeta  = 1.0
)

// Contender is an entry of pairwise judging: its score is normally
// distributed with mean Mu and variance Sigma2.
type Contender struct {
	ID     string
	Mu     float64
	Sigma2 float64
}

// NewContender returns an entry with the prior score, as before any vote.
func NewContender(id string) Contender {
	return Contender{ID: id, Mu: PriorMu, Sigma2: PriorSigma2}
}

// Judge is a judge's reliability: the probability that a vote is honest
// follows Beta(Alpha, Beta).
type Judge struct {
	Alpha float64
	Beta  float64
}

// NewJudge returns a judge with the prior reliability, as before any vote.
func NewJudge() Judge { return Judge{Alpha: PriorAlpha, Beta: PriorBeta} }

// Update returns the winner, the loser and the judge after the judge voted
// winner better than loser. Every new value is computed from the old ones.
func Update(winner, loser Contender, j Judge) (Contender, Contender, Judge) {
	w, l, nj, _ := vote(j, winner, loser)
	return w, l, nj
}

// sigmoid is the logistic function 1 / (1 + e^−x).
func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// vote returns w, l and j after j voted w over l, and c, the probability
// that j votes so. With p = e^μw/(e^μw+e^μl), the Bradley–Terry probability
// that w beats l, and q = αe^μw/(αe^μw+βe^μl), the same with the judge's
// odds of honesty folded in: the means move by ±σ²·(q − p); the variances
// shrink by the factor max(1 + σ²·(q(1−q) − p(1−p)), Kappa); the judge's
// Beta matches the first two moments of its reliability after the vote.
func vote(j Judge, w, l Contender) (Contender, Contender, Judge, float64) {
	d := w.Mu - l.Mu
	p, q := sigmoid(d), sigmoid(d+math.Log(j.Alpha/j.Beta))
	nw, nl := w, l
	nw.Mu, nl.Mu = w.Mu+w.Sigma2*(q-p), l.Mu-l.Sigma2*(q-p)
	m := q*(1-q) - p*(1-p)
	nw.Sigma2, nl.Sigma2 = w.Sigma2*max(1+w.Sigma2*m, Kappa), l.Sigma2*max(1+l.Sigma2*m, Kappa)
	nj, c := updatedJudge(j, p, w.Sigma2+l.Sigma2)
	return nw, nl, nj, c
}

// updatedJudge matches the first two moments of the judge's reliability
// after a vote for an entry that wins with Bradley–Terry probability p,
// with s the sum of the two variances, and also returns c, the probability
// that this judge casts that vote. A judge whose moments cannot be matched
// (a variance that rounding makes zero) keeps the reliability it had.
func updatedJudge(j Judge, p, s float64) (Judge, float64) {
	a, b := j.Alpha, j.Beta
	c1 := p + 0.5*s*p*(1-p)*(1-2*p)
	c2 := 1 - c1
	c := (c1*a + c2*b) / (a + b)
	e1 := (c1*(a+1)*a + c2*a*b) / (c * (a + b + 1) * (a + b))
	e2 := (c1*(a+2)*(a+1)*a + c2*(a+1)*a*b) / (c * (a + b + 2) * (a + b + 1) * (a + b))
	v := e2 - e1*e1
	na, nb := (e1-e2)*e1/v, (e1-e2)*(1-e1)/v
	if !(na > 0 && nb > 0) || math.IsInf(na, 0) || math.IsInf(nb, 0) {
		return j, c
	}
	return Judge{Alpha: na, Beta: nb}, c
}

// ExpectedInfoGain is how much, on average over the two possible votes, the
// judge comparing a with b would teach: the Kullback–Leibler divergence of
// the updated distributions (both scores, and the judge's reliability
// weighed by Gamma) from the current ones, each outcome weighed by its
// probability.
func ExpectedInfoGain(j Judge, a, b Contender) float64 {
	aw, bl, ja, c := vote(j, a, b)
	bw, al, jb, _ := vote(j, b, a)
	lnB := lnBeta(j.Alpha, j.Beta)
	ifA := klNormal(aw, a) + klNormal(bl, b) + Gamma*klBeta(ja, j, lnB)
	ifB := klNormal(al, a) + klNormal(bw, b) + Gamma*klBeta(jb, j, lnB)
	return c*ifA + (1-c)*ifB
}

// klNormal is KL(N(x) ‖ N(y)) for the scores of x and y.
func klNormal(x, y Contender) float64 {
	r := x.Sigma2 / y.Sigma2
	d := x.Mu - y.Mu
	return d*d/(2*y.Sigma2) + (r-1-math.Log(r))/2
}

// klBeta is KL(Beta(x) ‖ Beta(y)) for the reliabilities x and y, given
// lnBy = lnBeta(y.Alpha, y.Beta).
func klBeta(x, y Judge, lnBy float64) float64 {
	return lnBy - lnBeta(x.Alpha, x.Beta) +
		(x.Alpha-y.Alpha)*digamma(x.Alpha) + (x.Beta-y.Beta)*digamma(x.Beta) +
		(y.Alpha-x.Alpha+y.Beta-x.Beta)*digamma(x.Alpha+x.Beta)
}

// lnBeta is the logarithm of the Beta function, for positive arguments.
func lnBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// digamma is ψ(x) for x > 0: the recurrence ψ(x) = ψ(x+1) − 1/x up to
// x ≥ 10, then the asymptotic series, good to about 1e-13.
func digamma(x float64) float64 {
	var acc float64
	for ; x < 10; x++ {
		acc -= 1 / x
	}
	f := 1 / (x * x)
	series := f * (1.0/12 - f*(1.0/120-f*(1.0/252-f*(1.0/240-f*(1.0/132)))))
	return acc + math.Log(x) - 0.5/x - series
}

// NextInput is what choosing a judge's next entry needs.
type NextInput struct {
	Judge Judge
	// Previous is the ID of the entry the judge saw last, "" before the
	// first. The next entry will be compared with it.
	Previous string
	// Entries are all the entries of the edition, with their scores.
	Entries []Contender
	// Seen, Conflicts and Skipped are IDs the judge must not be shown:
	// entries already seen, entries of a conflict of interest, entries
	// skipped (the team was absent).
	Seen, Conflicts, Skipped []string
	// Views counts, for each entry ID, how many times any judge was shown
	// it; it only chooses the first entry. Missing IDs count as 0.
	Views map[string]int
}

// NextEntry chooses the next entry to show a judge, and reports false when
// none is left. After a previous entry, it is the eligible entry (neither
// previous, seen, conflicted nor skipped) whose comparison with the previous
// one has the highest ExpectedInfoGain; equal gains (as between entries
// still at the prior) go to the least viewed. The first entry, or one after
// a previous entry that is no longer among Entries, is the least viewed,
// then the most uncertain (largest Sigma2). Remaining ties go to the
// smallest ID, so the same input gives the same answer, whatever the order
// of its lists.
func NextEntry(in NextInput) (Contender, bool) {
	excluded := make(map[string]bool, len(in.Seen)+len(in.Conflicts)+len(in.Skipped)+1)
	for _, list := range [][]string{in.Seen, in.Conflicts, in.Skipped, {in.Previous}} {
		for _, id := range list {
			excluded[id] = true
		}
	}
	i := slices.IndexFunc(in.Entries, func(c Contender) bool { return c.ID == in.Previous })
	if in.Previous == "" || i < 0 {
		return first(in.Entries, excluded, in.Views)
	}
	prev := in.Entries[i]
	var best Contender
	bestGain, found := math.Inf(-1), false
	for _, c := range in.Entries {
		if excluded[c.ID] {
			continue
		}
		g := ExpectedInfoGain(in.Judge, prev, c)
		if math.IsNaN(g) {
			g = math.Inf(-1)
		}
		if !found || cmp.Or(cmp.Compare(bestGain, g), cmp.Compare(in.Views[c.ID], in.Views[best.ID]), cmp.Compare(c.ID, best.ID)) < 0 {
			best, bestGain, found = c, g, true
		}
	}
	return best, found
}

// first picks a judge's first entry: least viewed, then largest variance,
// then smallest ID.
func first(entries []Contender, excluded map[string]bool, views map[string]int) (Contender, bool) {
	var best Contender
	found := false
	for _, c := range entries {
		if excluded[c.ID] {
			continue
		}
		if !found || cmp.Or(cmp.Compare(views[c.ID], views[best.ID]),
			cmp.Compare(best.Sigma2, c.Sigma2), cmp.Compare(c.ID, best.ID)) < 0 {
			best, found = c, true
		}
	}
	return best, found
}

// SortByScore orders entries for a leaderboard: highest Mu first, then
// smallest Sigma2 (the better known), then ID.
func SortByScore(entries []Contender) {
	slices.SortFunc(entries, func(a, b Contender) int {
		return cmp.Or(cmp.Compare(b.Mu, a.Mu), cmp.Compare(a.Sigma2, b.Sigma2), cmp.Compare(a.ID, b.ID))
	})
}
