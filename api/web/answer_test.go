package web

import (
	"strings"
	"testing"
)

const verdictSchema = `{
  "type": "object",
  "x-riposte-headline": "conclusion",
  "properties": {
    "conclusion": {"type": "string", "title": "Conclusion", "x-riposte-title": {"fr": "Conclusion", "ar": "الخلاصة"}},
    "matches": {"type": "array", "title": "Matching rumours", "x-riposte-title": {"fr": "Rumeurs correspondantes"},
      "items": {"$ref": "#/$defs/match"}},
    "advice": {"type": "array", "title": "How to check", "x-riposte-title": {"fr": "Comment vérifier"}, "items": {"type": "string"}},
    "language": {"type": "string", "x-riposte-hidden": true}
  },
  "$defs": {
    "match": {"type": "object", "properties": {
      "verdict": {"enum": ["false", "unfounded"], "title": "Verdict",
        "x-riposte-enum-labels": {"false": {"fr": "Faux", "en": "False"}, "unfounded": {"en": "Unfounded"}}},
      "debunk": {"type": "string", "title": "Debunk", "x-riposte-title": {"fr": "Démenti"}},
      "date": {"type": "string", "format": "date", "title": "Date"},
      "sources": {"type": "array", "title": "Sources", "items": {"type": "string"}},
      "id": {"type": "string", "x-riposte-hidden": true}
    }}
  }
}`

// order fails unless every text appears in html, in this order.
func order(t *testing.T, html string, texts ...string) {
	t.Helper()
	at := 0
	for _, s := range texts {
		i := strings.Index(html[at:], s)
		if i < 0 {
			t.Fatalf("%q missing, or out of order, in:\n%s", s, html)
		}
		at += i + len(s)
	}
}

func TestAnswersReadInSchemaOrderWithTitles(t *testing.T) {
	output := `{"advice": ["Search the image"], "language": "fr", "matches": [{"sources": ["https://www.bbc.co.uk/news/x"],
		"id": "jubbal", "debunk": "The photo was doctored.", "verdict": "false", "date": "2015-11-14"}],
		"conclusion": "False: a debunked rumour.", "extra_note": "kept"}`
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{`class="answer-headline"`, "Conclusion", "False: a debunked rumour.", "Matching rumours", "Verdict", ">False<",
			"Debunk", "The photo was doctored.", "14 November 2015", "Sources",
			`<a href="https://www.bbc.co.uk/news/x" rel="noopener noreferrer nofollow">www.bbc.co.uk/news/x</a>`,
			"How to check", "Search the image", "Extra note", "kept"}},
		{"fr", []string{"Conclusion", "Rumeurs correspondantes", ">Faux<", "Démenti", "14 novembre 2015", "Comment vérifier"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			html := string(renderAnswer(locales[tc.lang], []byte(verdictSchema), []byte(output)))
			order(t, html, tc.want...)
			for _, absent := range []string{"jubbal", ">fr<", "Language", "False: a debunked rumour.</span></div></div><dl class=\"answer-fields\"><dt>Conclusion"} {
				if strings.Contains(html, absent) {
					t.Errorf("%q shown:\n%s", absent, html)
				}
			}
		})
	}
}

func TestAnswersWithoutSchemaStillRead(t *testing.T) {
	html := string(renderAnswer(locales["en"], nil, []byte(`{"zeta_value": 1234.5678, "alpha": true, "list": [], "none": null}`)))
	order(t, html, "Zeta value", "1,234.57", "Alpha", "Yes", "List", "None", "None", "—")
}

// A plugin's output is never markup: everything is escaped, only http(s)
// addresses become links, and deep or huge outputs are cut, leaving the
// rest to the raw answer.
func TestHostileAnswersAreHarmless(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 40) + `"bottom"` + strings.Repeat("}", 40)
	huge := `[` + strings.Repeat(`"<b>item</b>",`, 5000) + `"last"]`
	for name, tc := range map[string]struct {
		output string
		lacks  []string
		has    []string
	}{
		"markup": {output: `{"<script>alert(1)</script>": "<img src=x onerror=alert(1)>", "t": "</dd></dl><script>x</script>"}`,
			lacks: []string{"<script>", "<img"}, has: []string{"&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt;"}},
		"javascript links": {output: `{"u": "javascript:alert(1)", "v": "see JAVASCRIPT:alert(2) or data:text/html,<x>"}`,
			lacks: []string{"<a ", "href"}},
		"quotes in addresses": {output: `{"u": "https://example.org/\"onmouseover=\"alert(1)", "v": "https://example.org/a'b"}`,
			lacks: []string{`"onmouseover`, "'b"}, has: []string{`href="https://example.org/"`, "&#34;onmouseover=&#34;alert(1)"}},
		"deep":       {output: deep, lacks: []string{"bottom"}, has: []string{"more in the raw answer"}},
		"huge array": {output: huge, lacks: []string{"last"}, has: []string{"and 4,951 more in the raw answer", "&lt;b&gt;item&lt;/b&gt;"}},
		"not JSON":   {output: `{"a": <script>`, lacks: []string{"<script>"}, has: []string{"could not be shown"}},
		"too deep to decode": {output: strings.Repeat("[", 100) + strings.Repeat("]", 100),
			has: []string{"could not be shown"}},
	} {
		t.Run(name, func(t *testing.T) {
			html := string(renderAnswer(locales["en"], nil, []byte(tc.output)))
			for _, s := range tc.lacks {
				if strings.Contains(html, s) {
					t.Errorf("%q in:\n%.2000s", s, html)
				}
			}
			for _, s := range tc.has {
				if !strings.Contains(html, s) {
					t.Errorf("%q missing in:\n%.2000s", s, html)
				}
			}
			if len(html) > 200<<10 {
				t.Errorf("rendered %d bytes", len(html))
			}
		})
	}
}

func TestLinkifyKeepsSentencePunctuationOut(t *testing.T) {
	got := linkify("Call 112 or see https://www.gouvernement.fr/risques. Then (https://x.example/a).")
	order(t, got, `Call 112 or see <a href="https://www.gouvernement.fr/risques"`, `>https://www.gouvernement.fr/risques</a>. Then (`,
		`<a href="https://x.example/a"`, `</a>).`)
}

func TestAnswersSayEachThingOnce(t *testing.T) {
	schema := `{"type": "object", "x-riposte-headline": "result", "properties": {"result": {"type": "string", "title": "Result"},
		"platform": {"type": "object", "title": "Platform", "properties": {"id": {"type": "string", "x-riposte-hidden": true}, "name": {"type": "string"}}}}}`
	html := string(renderAnswer(locales["en"], []byte(schema), []byte(`{"result": "Nothing found"}`)))
	if strings.Contains(html, "—") || strings.Contains(html, "answer-fields") {
		t.Errorf("an empty list of fields under the headline:\n%s", html)
	}
	html = string(renderAnswer(locales["en"], []byte(schema), []byte(`{"result": "Found", "platform": {"id": "x", "name": "X (Twitter)"}}`)))
	order(t, html, "Found", "<dt>Platform</dt><dd>", "X (Twitter)</span></dd></dl>")
	if strings.Contains(html, "Name") {
		t.Errorf("an object of one value is shown as a list:\n%s", html)
	}
}
