package judging

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
)

// PairwiseEntry is an entry of a pairwise leaderboard: its score, the name
// shown, and how many comparisons it took part in.
type PairwiseEntry struct {
	Contender
	Name        string
	Comparisons int
}

// PairwiseLeaderboard ranks entries judged pairwise as SortByScore does.
// Score is μ and Sigma is σ = √σ², both rounded to Decimals; entries never
// compared have no rank and come last. Entries with the same rounded μ and
// σ share a rank (1, 2, 2, 4).
func PairwiseLeaderboard(entries []PairwiseEntry) []Row {
	byID := make(map[string]PairwiseEntry, len(entries))
	cs := make([]Contender, len(entries))
	for i, e := range entries {
		byID[e.ID], cs[i] = e, e.Contender
	}
	SortByScore(cs)
	rows := make([]Row, 0, len(cs))
	var unranked []Row
	for _, c := range cs {
		e := byID[c.ID]
		mu, sigma := round(c.Mu), round(math.Sqrt(c.Sigma2))
		r := Row{Plugin: c.ID, Name: e.Name, Score: &mu, Sigma: &sigma, Comparisons: e.Comparisons, Criteria: map[string]float64{}}
		if e.Comparisons == 0 {
			unranked = append(unranked, r)
			continue
		}
		rank := len(rows) + 1
		if n := len(rows); n > 0 && *rows[n-1].Score == mu && *rows[n-1].Sigma == sigma {
			rank = *rows[n-1].Rank
		}
		r.Rank = &rank
		rows = append(rows, r)
	}
	return append(rows, unranked...)
}

// PairwiseCSV is a pairwise leaderboard as CSV: rank, plugin, name, score
// (μ), sigma (σ), comparisons; text cells are kept from being read as
// formulas, as in LeaderboardCSV.
func PairwiseCSV(rows []Row) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"rank", "plugin", "name", "score", "sigma", "comparisons"}) // a bytes.Buffer never fails a write
	for _, row := range rows {
		rec := []string{"", cellText(row.Plugin), cellText(row.Name), "", "", strconv.Itoa(row.Comparisons)}
		if row.Rank != nil {
			rec[0] = strconv.Itoa(*row.Rank)
		}
		if row.Score != nil && row.Sigma != nil {
			rec[3], rec[4] = strconv.FormatFloat(*row.Score, 'f', Decimals, 64), strconv.FormatFloat(*row.Sigma, 'f', Decimals, 64)
		}
		w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}
