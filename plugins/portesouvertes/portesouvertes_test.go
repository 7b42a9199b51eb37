package portesouvertes

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/pluginstest"
)

func TestConformance(t *testing.T) { pluginstest.Run(t, New()) }

func TestEveryEntryIsCitedAndTranslated(t *testing.T) {
	p := New()
	for code, c := range p.data.Countries {
		for _, n := range c.Numbers {
			if len(n.Sources) == 0 {
				t.Errorf("%s %s has no source", code, n.Number)
			}
			for _, l := range []string{"fr", "en", "ar"} {
				if n.Service[l] == "" {
					t.Errorf("%s %s has no %s text", code, n.Number, l)
				}
			}
			for _, s := range n.Sources {
				if p.data.Sources[s] == "" {
					t.Errorf("%s %s cites unknown source %q", code, n.Number, s)
				}
			}
		}
		for _, acc := range c.Accounts {
			if len(acc.Sources) == 0 || p.data.Sources[acc.Sources[0]] == "" {
				t.Errorf("%s %s has no known source", code, acc.Name)
			}
		}
		adv, ok := p.data.Advice[c.Advice]
		if !ok || len(adv.Sources) == 0 {
			t.Errorf("%s has no cited advice", code)
		}
		for _, l := range []string{"fr", "en", "ar"} {
			if len(adv.Steps[l]) == 0 || adv.Title[l] == "" || c.Name[l] == "" {
				t.Errorf("%s advice or name lacks %s", code, l)
			}
			if len(adv.Note) > 0 && adv.Note[l] == "" {
				t.Errorf("%s advice note lacks %s", code, l)
			}
		}
	}
}

func TestFranceListsTheNationalNumbers(t *testing.T) {
	out, err := New().Invoke(context.Background(), json.RawMessage(`{"country":"FR","language":"en"}`))
	if err != nil {
		t.Fatal(err)
	}
	var a Answer
	json.Unmarshal(out, &a)
	var got []string
	for _, n := range a.Numbers {
		got = append(got, n.Number)
	}
	if strings.Join(got, ",") != "112,17,15,18,114" || !strings.HasPrefix(a.Advice.Steps[0], "Escape") {
		t.Fatalf("France in English: %v / %q", got, a.Advice.Steps[0])
	}
	_, err = New().Invoke(context.Background(), json.RawMessage(`{"country":"ZZ"}`))
	var ie *plugins.InputError
	if !errors.As(err, &ie) || ie.Path != "input.country" {
		t.Fatalf("unknown country: %v", err)
	}
}

var languages = []string{"fr", "en", "ar"}

// invoke runs the plugin for a country in a language and returns the raw
// answer and its decoded form.
func invoke(t *testing.T, p *Plugin, country, lang string) (json.RawMessage, Answer) {
	t.Helper()
	out, err := p.Invoke(context.Background(), json.RawMessage(`{"country":"`+country+`","language":"`+lang+`"}`))
	if err != nil {
		t.Fatalf("%s %s: %v", country, lang, err)
	}
	var a Answer
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatalf("%s %s: %v", country, lang, err)
	}
	return out, a
}

// phoneNumber is a group of digits, possibly split by single spaces, as in
// "0800 789 321"; \p{Nd} also matches Arabic-Indic digits.
var phoneNumber = regexp.MustCompile(`\p{Nd}+(?:[ \x{00A0}\x{202F}]\p{Nd}+)*`)

// digits keeps the digits of s, written with ASCII digits.
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '\u0660' && r <= '\u0669': // Arabic-Indic
			b.WriteRune('0' + r - '\u0660')
		case r >= '\u06F0' && r <= '\u06F9': // Extended Arabic-Indic
			b.WriteRune('0' + r - '\u06F0')
		}
	}
	return b.String()
}

// numbersIn lists every number written anywhere in a JSON document: in its
// keys and string values, once decoded, so that escapes do not count.
func numbersIn(t *testing.T, doc json.RawMessage) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	var found []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			for _, m := range phoneNumber.FindAllString(v, -1) {
				found = append(found, digits(m))
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				walk(k)
				walk(e)
			}
		}
	}
	walk(v)
	return found
}

func TestAnswersNameOnlyTheCountrysOwnNumbers(t *testing.T) {
	p := New()
	owners := map[string][]string{} // number → countries listing it
	for code, c := range p.data.Countries {
		for _, n := range c.Numbers {
			owners[digits(n.Number)] = append(owners[digits(n.Number)], code)
		}
	}
	if len(p.data.Countries) < 5 || len(owners) < 10 {
		t.Fatalf("the dataset lost countries or numbers: %d countries, %d numbers", len(p.data.Countries), len(owners))
	}
	for code := range p.data.Countries {
		for _, lang := range languages {
			out, _ := invoke(t, p, code, lang)
			for _, n := range numbersIn(t, out) {
				if others := owners[n]; len(others) > 0 && !slices.Contains(others, code) {
					sort.Strings(others)
					t.Errorf("%s in %s: the answer names %s, a number of %v only:\n%s", code, lang, n, others, out)
				}
			}
		}
	}
}

func TestNumbersInTextAreFoundWhole(t *testing.T) {
	doc := `{"a":["appelez le 17 ou le 112","hotline 0800 789 321, 2015","اتصل بالرقم ١٧"],"110":1}`
	got := numbersIn(t, json.RawMessage(doc))
	sort.Strings(got)
	if want := "0800789321,110,112,17,17,2015"; strings.Join(got, ",") != want {
		t.Fatalf("numbers found in %s: %v, want %s", doc, got, want)
	}
}

func TestEveryNumberInEveryAnswerHasASource(t *testing.T) {
	p := New()
	for code := range p.data.Countries {
		for _, lang := range languages {
			_, a := invoke(t, p, code, lang)
			if len(a.Numbers) == 0 {
				t.Errorf("%s in %s: no emergency number", code, lang)
			}
			for _, n := range a.Numbers {
				if n.Service == "" || len(n.Sources) == 0 || slices.Contains(n.Sources, "") {
					t.Errorf("%s in %s: number %s lacks its service or a source: %+v", code, lang, n.Number, n)
				}
			}
			if len(a.Advice.Steps) == 0 || len(a.Advice.Sources) == 0 || slices.Contains(a.Advice.Sources, "") {
				t.Errorf("%s in %s: advice lacks steps or a source: %+v", code, lang, a.Advice)
			}
		}
	}
}

func TestGeneralStepsSayTheyComeFromTheFrenchGuidance(t *testing.T) {
	p := New()
	sgdsn := p.data.Sources["sgdsn"]
	for code, c := range p.data.Countries {
		for _, lang := range languages {
			_, a := invoke(t, p, code, lang)
			borrowed := code != "FR" && slices.Contains(a.Advice.Sources, sgdsn)
			switch {
			case borrowed && (!strings.Contains(a.Advice.Note, "SGDSN") || !strings.Contains(a.Advice.Note, c.Name[lang])):
				t.Errorf("%s in %s: the French steps come without a note naming SGDSN and %q: %q", code, lang, c.Name[lang], a.Advice.Note)
			case borrowed && strings.Contains(a.Advice.Note, "{"):
				t.Errorf("%s in %s: the note keeps a placeholder: %q", code, lang, a.Advice.Note)
			case !borrowed && a.Advice.Note != "":
				t.Errorf("%s in %s: the country's own advice carries a note: %q", code, lang, a.Advice.Note)
			}
		}
	}
	for _, code := range []string{"BE", "DE", "ES"} {
		if _, a := invoke(t, p, code, "en"); a.Advice.Note == "" {
			t.Errorf("%s: no note; its advice is not its own", code)
		}
	}
}

func TestSharedStepsNameNoNumber(t *testing.T) {
	p := New()
	shared := map[string]int{}
	for _, c := range p.data.Countries {
		shared[c.Advice]++
	}
	for key, g := range p.data.Advice {
		if shared[key] < 2 {
			continue
		}
		for lang, steps := range g.Steps {
			for _, s := range steps {
				if phoneNumber.MatchString(s) {
					t.Errorf("advice %s, shared by %d countries, names a number in %s: %q", key, shared[key], lang, s)
				}
			}
		}
	}
}

func TestAnswersReadAsResults(t *testing.T) { pluginstest.Presented(t, New(), "fr", "en", "ar") }

// year matches a year as sources cite it ("décembre 2015").
var year = regexp.MustCompile(`^(19|20)[0-9]{2}$`)

// A number that no country lists (another country's police number written
// into a text, say) escapes the test above; this one allows in an answer
// only the country's own numbers and the years its sources cite.
func TestAnswersNameNoNumberButTheCountrysOwn(t *testing.T) {
	p := New()
	for code, c := range p.data.Countries {
		own := map[string]bool{}
		for _, n := range c.Numbers {
			own[digits(n.Number)] = true
		}
		for _, lang := range languages {
			out, a := invoke(t, p, code, lang)
			for _, n := range numbersIn(t, out) {
				if !own[n] && !year.MatchString(n) {
					t.Errorf("%s in %s: the answer names %s, which is not one of %s's numbers:\n%s", code, lang, n, code, out)
				}
			}
			var listed []string
			for _, n := range a.Numbers {
				listed = append(listed, n.Number)
			}
			if len(listed) != len(c.Numbers) {
				t.Errorf("%s in %s: %d numbers listed, the dataset holds %d", code, lang, len(listed), len(c.Numbers))
			}
		}
	}
}

// The numbers people dial, as the cited official sources give them: a
// change to any of them must be a deliberate change to this table too.
func TestEachCountryListsItsOfficialNumbers(t *testing.T) {
	want := map[string]string{
		"FR": "112,17,15,18,114",
		"BE": "112,101",
		"DE": "110,112",
		"ES": "112,091,062",
		"GB": "999,112,0800 789 321",
	}
	p := New()
	if len(p.data.Countries) != len(want) {
		t.Errorf("the dataset holds %d countries, this table %d: add the new country's numbers here", len(p.data.Countries), len(want))
	}
	for code, numbers := range want {
		for _, lang := range languages {
			_, a := invoke(t, p, code, lang)
			var got []string
			for _, n := range a.Numbers {
				got = append(got, n.Number)
			}
			if strings.Join(got, ",") != numbers {
				t.Errorf("%s in %s: numbers %v, want %s", code, lang, got, numbers)
			}
		}
	}
}
