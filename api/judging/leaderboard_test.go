package judging

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/valid"
)

type fixtureRow struct {
	Plugin   string             `json:"plugin"`
	Name     string             `json:"name"`
	Score    *float64           `json:"score"`
	Reviews  int                `json:"reviews"`
	Rank     *int               `json:"rank"`
	Criteria map[string]float64 `json:"criteria"`
}

type fixture struct {
	Rubric  Rubric   `json:"rubric"`
	Entries []Entry  `json:"entries"`
	Reviews []Review `json:"reviews"`
	// Expected leaderboards, computed independently with exact fractions;
	// docs/judging.md walks through the same numbers.
	Expected map[Normalization][]fixtureRow `json:"expected"`
}

func loadFixture(t *testing.T) fixture {
	t.Helper()
	b, err := os.ReadFile("testdata/hackathon.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestLeaderboardMatchesTheHandComputedFixture(t *testing.T) {
	f := loadFixture(t)
	for _, n := range []Normalization{Raw, ZScore} {
		got := Leaderboard(f.Rubric, f.Entries, f.Reviews, n)
		want := f.Expected[n]
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows, want %d", n, len(got), len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.Plugin != w.Plugin || g.Reviews != w.Reviews || !sameInt(g.Rank, w.Rank) || !near(g.Score, w.Score) {
				t.Errorf("%s row %d = %s rank %v score %v (%d reviews); want %s rank %v score %v (%d)", n, i,
					g.Plugin, deref(g.Rank), derefF(g.Score), g.Reviews, w.Plugin, deref(w.Rank), derefF(w.Score), w.Reviews)
			}
			for k, v := range w.Criteria {
				if math.Abs(g.Criteria[k]-v) > 1e-9 {
					t.Errorf("%s %s criterion %s = %v, want %v", n, w.Plugin, k, g.Criteria[k], v)
				}
			}
		}
	}
}

func near(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) <= 0.5e-4+1e-9 // scores keep four decimals
}

func sameInt(a, b *int) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }
func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
func derefF(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestReviewScoreFormula(t *testing.T) {
	r := Rubric{{Key: "a", Weight: 3, Min: 0, Max: 10}, {Key: "b", Weight: 1, Min: 1, Max: 5}}
	cases := []struct {
		s    Scores
		want float64
	}{
		{Scores{"a": 10, "b": 5}, 100},
		{Scores{"a": 0, "b": 1}, 0},
		{Scores{"a": 5, "b": 3}, 50},
		{Scores{"a": 10, "b": 1}, 75},
	}
	for _, c := range cases {
		if got := r.ReviewScore(c.s); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("ReviewScore(%v) = %v, want %v", c.s, got, c.want)
		}
	}
}

func TestZScoreEdgeCases(t *testing.T) {
	r := Rubric{{Key: "a", Weight: 1, Min: 0, Max: 10}}
	entries := []Entry{{"p", "P"}, {"q", "Q"}, {"s", "S"}}
	reviews := []Review{
		{Judge: 1, Plugin: "p", Scores: Scores{"a": 7}},                                                  // a judge with one review: z = 0
		{Judge: 2, Plugin: "q", Scores: Scores{"a": 4}}, {Judge: 2, Plugin: "s", Scores: Scores{"a": 4}}, // no deviation: z = 0
	}
	for _, row := range Leaderboard(r, entries, reviews, ZScore) {
		if row.Score == nil || *row.Score != 0 {
			t.Errorf("%s: z = %v, want 0", row.Plugin, derefF(row.Score))
		}
	}
	// Ties share a rank; more reviews rank first; then names.
	rows := Leaderboard(r, []Entry{{"x", "Xylo"}, {"y", "Ybis"}, {"z", "Zèbre"}}, []Review{
		{Judge: 1, Plugin: "x", Scores: Scores{"a": 5}}, {Judge: 1, Plugin: "y", Scores: Scores{"a": 5}},
		{Judge: 2, Plugin: "y", Scores: Scores{"a": 5}}, {Judge: 1, Plugin: "z", Scores: Scores{"a": 5}},
	}, Raw)
	if rows[0].Plugin != "y" || *rows[1].Rank != 2 || *rows[2].Rank != 2 || rows[1].Plugin != "x" {
		t.Errorf("ties: %v %v %v", rows[0].Plugin, rows[1].Plugin, rows[2].Plugin)
	}
}

func TestRubricAndScoreChecks(t *testing.T) {
	var c valid.Checker
	Rubric{{Key: "Impact", Label: "", Weight: 0, Min: 5, Max: 5}, {Key: "ok", Label: "OK", Weight: 1, Max: 10}, {Key: "ok", Label: "Dup", Weight: 1, Max: 10}}.Check(&c)
	got := c.Err().Error()
	for _, want := range []string{"rubric[0].key", "rubric[0].label", "rubric[0].weight", "rubric[0].max", "rubric[2].key"} {
		if !strings.Contains(got, want) {
			t.Errorf("rubric problems lack %s: %s", want, got)
		}
	}
	var empty valid.Checker
	Rubric{}.Check(&empty)
	if empty.Err() == nil {
		t.Error("an empty rubric passed")
	}
	if d := (Rubric{{Key: "k", Weight: 1}}).WithDefaults(); d[0].Min != 0 || d[0].Max != 10 {
		t.Errorf("defaults = %+v", d[0])
	}
}

func TestScoresAreParsedStrictly(t *testing.T) {
	r := Rubric{{Key: "impact", Label: "Impact", Weight: 2, Min: 0, Max: 10}, {Key: "rights", Label: "Rights", Weight: 1, Min: 1, Max: 5}}
	cases := []struct {
		name string
		raw  string
		want map[string]string // field → a word its message must contain
	}{
		{"valid", `{"impact": 0, "rights": 5}`, nil},
		{"a whole number written with a decimal point", `{"impact": 7.0, "rights": 5}`, nil},
		{"null is not 0", `{"impact": null, "rights": 5}`, map[string]string{"scores.impact": "null"}},
		{"a fraction names its criterion", `{"impact": 7.5, "rights": 5}`, map[string]string{"scores.impact": "7.5"}},
		{"missing and extra, all at once", `{"impact": 11, "extra": 3}`,
			map[string]string{"scores.impact": "range", "scores.rights": "missing", "scores.extra": "not a criterion"}},
		{"text, booleans and objects", `{"impact": "7", "rights": true, "x": {}}`,
			map[string]string{"scores.impact": "not a number", "scores.rights": "not a number", "scores.x": "not a criterion"}},
		{"huge numbers", `{"impact": 1e40, "rights": -99999999999999999999}`,
			map[string]string{"scores.impact": "range", "scores.rights": "range"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var raw RawScores
			if err := json.Unmarshal([]byte(tc.raw), &raw); err != nil {
				t.Fatal(err)
			}
			var c valid.Checker
			got := r.ParseScores(raw, &c)
			var problems valid.Errors
			if err := c.Err(); err != nil {
				problems = err.(valid.Errors)
			}
			if len(problems) != len(tc.want) {
				t.Fatalf("problems %v, want fields %v", problems, tc.want)
			}
			for _, p := range problems {
				if word, ok := tc.want[p.Field]; !ok || !strings.Contains(p.Message, word) {
					t.Errorf("%s: %q, want a problem mentioning %q", p.Field, p.Message, word)
				}
			}
			if tc.want == nil && (len(got) != 2 || got["rights"] != 5) {
				t.Errorf("scores %v", got)
			}
		})
	}
	if raw := (Scores{"impact": 7}).Raw(); string(raw["impact"]) != "7" {
		t.Errorf("Raw() = %s", raw["impact"])
	}
}

func TestLeaderboardScoresKeepFourDecimals(t *testing.T) {
	r := Rubric{{Key: "a", Weight: 1, Min: 0, Max: 10}}
	entries := []Entry{{"p", "P"}, {"q", "Q"}, {"s", "S"}}
	// Judge 1 gives p the mean minus one deviation's worth, judge 2 the
	// opposite: unrounded, p's z-score is -1.1e-16.
	reviews := []Review{
		{Judge: 1, Plugin: "p", Scores: Scores{"a": 0}}, {Judge: 1, Plugin: "q", Scores: Scores{"a": 0}}, {Judge: 1, Plugin: "s", Scores: Scores{"a": 1}},
		{Judge: 2, Plugin: "p", Scores: Scores{"a": 1}}, {Judge: 2, Plugin: "q", Scores: Scores{"a": 0}}, {Judge: 2, Plugin: "s", Scores: Scores{"a": 1}},
	}
	want := map[string]float64{"p": 0, "q": -1.0607, "s": 1.0607}
	for _, row := range Leaderboard(r, entries, reviews, ZScore) {
		if *row.Score != want[row.Plugin] || math.Signbit(*row.Score) != (want[row.Plugin] < 0) {
			t.Errorf("%s: score %v, want %v", row.Plugin, *row.Score, want[row.Plugin])
		}
	}
	raw := Leaderboard(Rubric{{Key: "a", Weight: 1, Min: 0, Max: 3}}, entries[:1], []Review{{Judge: 1, Plugin: "p", Scores: Scores{"a": 1}}}, Raw)
	if *raw[0].Score != 33.3333 {
		t.Errorf("raw score %v, want 33.3333", *raw[0].Score)
	}
}
