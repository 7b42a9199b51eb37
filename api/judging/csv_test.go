package judging

import (
	"testing"
)

// No text cell reaches a spreadsheet as a formula.
func TestCellTextKeepsFormulasAsText(t *testing.T) {
	cases := map[string]string{
		"":                          "",
		"Portes Ouvertes":           "Portes Ouvertes",
		"=1+1":                      "'=1+1",
		`=HYPERLINK("http://evil")`: `'=HYPERLINK("http://evil")`,
		"+33 1 23":                  "'+33 1 23",
		"-2":                        "'-2",
		"@SUM(A1)":                  "'@SUM(A1)",
		"\tx":                       "'\tx",
		"\rx":                       "'\rx",
		"a=b":                       "a=b",
		"'quoted":                   "'quoted",
		"Élan":                      "Élan",
		"\nx":                       "\nx",
	}
	for in, want := range cases {
		if got := cellText(in); got != want {
			t.Errorf("cellText(%q) = %q, want %q", in, got, want)
		}
	}
}

// The spreadsheet holds every row with its rank, score, reviews and
// criteria, quoted as CSV requires, its text cells guarded.
func TestLeaderboardCSV(t *testing.T) {
	rank1, rank2 := 1, 2
	top, second := 8.123456, -0.5
	r := Rubric{{Key: "impact"}, {Key: "craft"}}
	rows := []Row{
		{Rank: &rank1, Plugin: "portes-ouvertes", Name: "Portes, ouvertes", Score: &top, Reviews: 3,
			Criteria: map[string]float64{"impact": 4.5, "craft": 3}},
		{Rank: &rank2, Plugin: "formule", Name: `=HYPERLINK("http://evil")`, Score: &second, Reviews: 1,
			Criteria: map[string]float64{"impact": 1}},
		{Plugin: "sans-avis", Name: "Sans\navis", Reviews: 0},
	}
	want := "rank,plugin,name,score,reviews,impact,craft\n" +
		"1,portes-ouvertes,\"Portes, ouvertes\",8.1235,3,4.50,3.00\n" +
		"2,formule,\"'=HYPERLINK(\"\"http://evil\"\")\",-0.5000,1,1.00,0.00\n" +
		",sans-avis,\"Sans\navis\",,0,,\n"
	if got := string(LeaderboardCSV(r, rows)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := string(LeaderboardCSV(nil, nil)); got != "rank,plugin,name,score,reviews\n" {
		t.Errorf("an empty leaderboard is %q", got)
	}
	if got := CSVName("paris-2016", ZScore); got != "paris-2016-leaderboard-zscore.csv" {
		t.Errorf("CSVName = %q", got)
	}
}
