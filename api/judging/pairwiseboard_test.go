package judging

import (
	"strings"
	"testing"
)

func TestPairwiseLeaderboardRanksByMeanAndLeavesUncomparedLast(t *testing.T) {
	rows := PairwiseLeaderboard([]PairwiseEntry{
		{Contender: Contender{ID: "never", Mu: 0, Sigma2: 1}, Name: "Never compared"},
		{Contender: Contender{ID: "low", Mu: -0.5, Sigma2: 0.64}, Name: "Low", Comparisons: 3},
		{Contender: Contender{ID: "high", Mu: 0.8, Sigma2: 0.25}, Name: "High", Comparisons: 4},
		{Contender: Contender{ID: "tie-a", Mu: 0.1, Sigma2: 0.36}, Name: "Tie A", Comparisons: 2},
		{Contender: Contender{ID: "tie-b", Mu: 0.1, Sigma2: 0.36}, Name: "Tie B", Comparisons: 2},
	})
	want := []struct {
		plugin string
		rank   int // 0: none
		sigma  float64
	}{{"high", 1, 0.5}, {"tie-a", 2, 0.6}, {"tie-b", 2, 0.6}, {"low", 4, 0.8}, {"never", 0, 1}}
	for i, w := range want {
		r := rows[i]
		rank := 0
		if r.Rank != nil {
			rank = *r.Rank
		}
		if r.Plugin != w.plugin || rank != w.rank || *r.Sigma != w.sigma {
			t.Errorf("row %d = %s rank %d σ %v, want %s rank %d σ %v", i, r.Plugin, rank, *r.Sigma, w.plugin, w.rank, w.sigma)
		}
	}
}

func TestPairwiseCSVGuardsFormulas(t *testing.T) {
	rows := PairwiseLeaderboard([]PairwiseEntry{{Contender: Contender{ID: "x", Mu: 1.23456, Sigma2: 0.25}, Name: "=HYPERLINK()", Comparisons: 1}})
	got := string(PairwiseCSV(rows))
	want := "rank,plugin,name,score,sigma,comparisons\n1,x,'=HYPERLINK(),1.2346,0.5000,1\n"
	if got != want {
		t.Fatalf("csv = %q, want %q", got, want)
	}
	if !strings.HasPrefix(got, "rank,") {
		t.Fatal("no header")
	}
}
