package judging

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
)

// LeaderboardCSV is a leaderboard as a spreadsheet, in UTF-8: a header,
// then one line per row with its rank, plugin, name, score (Decimals
// decimals) and reviews, then the mean raw score of each criterion of the
// rubric (two decimals, empty without reviews). Text cells are written
// so that no spreadsheet takes them for formulas.
func LeaderboardCSV(r Rubric, rows []Row) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header := []string{"rank", "plugin", "name", "score", "reviews"}
	for _, c := range r {
		header = append(header, cellText(c.Key))
	}
	w.Write(header) // a bytes.Buffer never fails a write
	for _, row := range rows {
		w.Write(csvRecord(r, row))
	}
	w.Flush()
	return b.Bytes()
}

// csvRecord is one row of LeaderboardCSV.
func csvRecord(r Rubric, row Row) []string {
	rec := make([]string, 5, 5+len(r))
	rec[1], rec[2], rec[4] = cellText(row.Plugin), cellText(row.Name), strconv.Itoa(row.Reviews)
	if row.Rank != nil {
		rec[0] = strconv.Itoa(*row.Rank)
	}
	if row.Score != nil {
		rec[3] = strconv.FormatFloat(*row.Score, 'f', Decimals, 64)
	}
	for _, c := range r {
		cell := ""
		if row.Reviews > 0 {
			cell = strconv.FormatFloat(row.Criteria[c.Key], 'f', 2, 64)
		}
		rec = append(rec, cell)
	}
	return rec
}

// cellText keeps a text cell from being read as a formula by spreadsheets:
// a text starting with =, +, -, @, a tab or a carriage return is prefixed
// with an apostrophe.
func cellText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CSVName is the file name of an edition's leaderboard download.
func CSVName(edition string, n Normalization) string {
	return edition + "-leaderboard-" + string(n) + ".csv"
}
