package judging

import (
	"cmp"
	"math"
	"slices"
)

// Normalization says how review scores combine into a submission's score.
type Normalization string

// The normalisations.
const (
	// Raw: a submission's score is the mean of its review scores.
	Raw Normalization = "none"
	// ZScore: each review score is first expressed as a z-score among its
	// judge's reviews in the hackathon, which corrects judges who mark
	// harshly or leniently; a submission's score is the mean of its z.
	ZScore Normalization = "zscore"
)

// Review is one judge's scores for one submission.
type Review struct {
	Judge  int64
	Plugin string
	Scores Scores
}

// Entry is a submission on the leaderboard.
type Entry struct {
	Plugin string
	Name   string
}

// Decimals is how many decimals leaderboard scores keep. Ranks follow
// scores as they are shown: two entries whose scores differ by rounding
// noise share their rank, and a z-score of 3e-16 is 0.
const Decimals = 4

// round keeps Decimals decimals, and never gives -0.
func round(x float64) float64 {
	const scale = 1e4 // 10^Decimals
	r := math.Round(x*scale) / scale
	if r == 0 {
		return 0
	}
	return r
}

// Row is a leaderboard line. Score is nil for a submission without
// reviews; so is Rank.
type Row struct {
	Rank     *int
	Plugin   string
	Name     string
	Score    *float64
	Reviews  int
	Criteria map[string]float64 // mean raw score per criterion
	// Sigma and Comparisons are set in pairwise mode only (see
	// PairwiseLeaderboard): Score is then the mean μ.
	Sigma       *float64
	Comparisons int
}

// Leaderboard ranks submissions by score (rounded to Decimals), then
// number of reviews, then name; submissions without reviews come last. Equal score and number of
// reviews share a rank (1, 2, 2, 4). Reviews of plugins not in entries are
// ignored.
func Leaderboard(r Rubric, entries []Entry, reviews []Review, n Normalization) []Row {
	scores := reviewScores(r, reviews, n)
	byPlugin := map[string][]int{}
	for i, rv := range reviews {
		byPlugin[rv.Plugin] = append(byPlugin[rv.Plugin], i)
	}
	rows := make([]Row, len(entries))
	for i, e := range entries {
		rows[i] = Row{Plugin: e.Plugin, Name: e.Name, Criteria: map[string]float64{}}
		idx := byPlugin[e.Plugin]
		if len(idx) == 0 {
			continue
		}
		var sum float64
		for _, j := range idx {
			sum += scores[j]
		}
		mean := round(sum / float64(len(idx)))
		rows[i].Score, rows[i].Reviews = &mean, len(idx)
		for _, cr := range r {
			var s float64
			for _, j := range idx {
				s += float64(reviews[j].Scores[cr.Key])
			}
			rows[i].Criteria[cr.Key] = s / float64(len(idx))
		}
	}
	slices.SortStableFunc(rows, compareRows)
	rank := 0
	for i := range rows {
		if rows[i].Score == nil {
			break
		}
		if i == 0 || *rows[i].Score != *rows[i-1].Score || rows[i].Reviews != rows[i-1].Reviews {
			rank = i + 1
		}
		r := rank
		rows[i].Rank = &r
	}
	return rows
}

func compareRows(a, b Row) int {
	switch {
	case a.Score == nil && b.Score == nil:
		return cmp.Compare(a.Name, b.Name)
	case a.Score == nil:
		return 1
	case b.Score == nil:
		return -1
	}
	return cmp.Or(cmp.Compare(*b.Score, *a.Score), cmp.Compare(b.Reviews, a.Reviews), cmp.Compare(a.Name, b.Name))
}

// reviewScores returns each review's score, raw or as a z-score among its
// judge's reviews.
func reviewScores(r Rubric, reviews []Review, n Normalization) []float64 {
	raw := make([]float64, len(reviews))
	for i, rv := range reviews {
		raw[i] = r.ReviewScore(rv.Scores)
	}
	if n != ZScore {
		return raw
	}
	byJudge := map[int64][]int{}
	for i, rv := range reviews {
		byJudge[rv.Judge] = append(byJudge[rv.Judge], i)
	}
	z := make([]float64, len(reviews))
	for _, idx := range byJudge {
		if len(idx) < 2 {
			continue // z = 0 with a single review
		}
		var sum float64
		for _, i := range idx {
			sum += raw[i]
		}
		mean := sum / float64(len(idx))
		var sq float64
		for _, i := range idx {
			sq += (raw[i] - mean) * (raw[i] - mean)
		}
		sd := math.Sqrt(sq / float64(len(idx))) // population standard deviation
		if sd == 0 {
			continue
		}
		for _, i := range idx {
			z[i] = (raw[i] - mean) / sd
		}
	}
	return z
}
