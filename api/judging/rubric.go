// Package judging is the pure logic of hackathon judging: rubrics and the
// scores they allow, review scores and leaderboards (raw or z-score
// normalised), and the assignment of judges to submissions without
// conflicts of interest. It does no I/O.
package judging

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/riposte-civic/riposte/api/valid"
)

// Criterion is one line of a rubric: scores are whole numbers from Min to
// Max, and the criterion counts Weight in the total.
type Criterion struct {
	Key         string  `json:"key"`
	Label       string  `json:"label"`
	Description string  `json:"description"`
	Weight      float64 `json:"weight"`
	Min         int     `json:"min"`
	Max         int     `json:"max"`
}

// Rubric is the list of criteria of a hackathon.
type Rubric []Criterion

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// MaxCriteria bounds a rubric's length.
const MaxCriteria = 20

// Check reports every problem of a rubric, with paths such as
// "rubric[1].weight".
func (r Rubric) Check(c *valid.Checker) {
	if len(r) == 0 || len(r) > MaxCriteria {
		c.Addf("rubric", "give 1 to %d criteria", MaxCriteria)
	}
	seen := map[string]bool{}
	for i, cr := range r {
		p := fmt.Sprintf("rubric[%d]", i)
		switch {
		case !keyPattern.MatchString(cr.Key):
			c.Add(p+".key", "must be a short lowercase identifier such as impact or respect_of_rights")
		case seen[cr.Key]:
			c.Addf(p+".key", "%q is used twice", cr.Key)
		}
		seen[cr.Key] = true
		c.Length(cr.Label, 1, 80, p+".label")
		c.Length(cr.Description, 0, 1000, p+".description")
		c.Check(cr.Weight > 0 && cr.Weight <= 1000, p+".weight", "must be greater than 0 (and at most 1000)")
		c.Check(cr.Min >= 0 && cr.Max > cr.Min && cr.Max <= 100, p+".max", "scores go from min to max: 0 ≤ min < max ≤ 100")
	}
}

// WithDefaults fills unset ranges with 0 to 10.
func (r Rubric) WithDefaults() Rubric {
	out := slices.Clone(r)
	for i := range out {
		if out[i].Min == 0 && out[i].Max == 0 {
			out[i].Max = 10
		}
	}
	return out
}

// Scores are a review's marks, by criterion key.
type Scores map[string]int

// RawScores are a review's marks as a client sent them, by criterion key,
// before ParseScores checks them: each should be a whole number.
type RawScores map[string]json.RawMessage

// Raw gives scores the form a client sends them in.
func (s Scores) Raw() RawScores {
	out := make(RawScores, len(s))
	for k, v := range s {
		out[k] = json.RawMessage(strconv.Itoa(v))
	}
	return out
}

// ParseScores reads a review's marks against the rubric and reports every
// problem, each under "scores.<key>": a criterion missing, null, not a
// whole number or out of its range, and any key that is not a criterion.
func (r Rubric) ParseScores(raw RawScores, c *valid.Checker) Scores {
	out := Scores{}
	for _, cr := range r {
		field := "scores." + cr.Key
		v, ok := raw[cr.Key]
		if !ok {
			c.Addf(field, "is missing: score %s (%s) from %d to %d", cr.Key, cr.Label, cr.Min, cr.Max)
			continue
		}
		n, problem := mark(v)
		if problem == "" && (n < int64(cr.Min) || n > int64(cr.Max)) {
			problem = "is out of range"
		}
		if problem != "" {
			c.Addf(field, "%s: it must be a whole number from %d to %d", problem, cr.Min, cr.Max)
			continue
		}
		out[cr.Key] = int(n)
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.ContainsFunc(r, func(cr Criterion) bool { return cr.Key == k }) {
			field := "scores." + k
			if !utf8.ValidString(k) || len(k) > 64 {
				field = "scores"
			}
			c.Addf(field, "%q is not a criterion of this hackathon's rubric", k)
		}
	}
	return out
}

// mark reads one score: a JSON number with no fractional part. It says
// what is wrong otherwise.
func mark(v json.RawMessage) (int64, string) {
	var x any
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	if err := d.Decode(&x); err != nil {
		return 0, "is not a number"
	}
	switch n := x.(type) {
	case nil:
		return 0, "is null"
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, ""
		}
		f, err := n.Float64()
		if err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<31 {
			return int64(f), "" // 7.0 is 7
		}
		if err == nil && f != math.Trunc(f) {
			return 0, "is not a whole number (" + n.String() + ")"
		}
		return 0, "is out of range"
	}
	return 0, "is not a number"
}

// ReviewScore is a review's score out of 100:
//
//	100 × Σ wᵢ·(sᵢ−minᵢ)/(maxᵢ−minᵢ) / Σ wᵢ
func (r Rubric) ReviewScore(s Scores) float64 {
	var num, den float64
	for _, cr := range r {
		num += cr.Weight * float64(s[cr.Key]-cr.Min) / float64(cr.Max-cr.Min)
		den += cr.Weight
	}
	if den == 0 {
		return 0
	}
	return 100 * num / den
}
