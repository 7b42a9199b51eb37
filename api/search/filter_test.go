package search

import (
	"html"
	"testing"
)

func TestMeiliFilterEscapesValues(t *testing.T) {
	cases := []struct {
		in   map[Field][]string
		want string
	}{
		{nil, ""},
		{map[Field][]string{Category: {"emergency"}}, `categories = "emergency"`},
		{map[Field][]string{Language: {"ar"}, Category: {"emergency", "prevention"}},
			`(categories = "emergency" OR categories = "prevention") AND languages = "ar"`},
		{map[Field][]string{Category: {`x" OR status = "draft`}}, `categories = "x\" OR status = \"draft"`},
		{map[Field][]string{Tag: {`a\" OR 1=1`}}, `tags = "a\\\" OR 1=1"`},
		{map[Field][]string{License: {"MIT\x00\x01"}}, `license = "MIT"`},
	}
	for _, c := range cases {
		if got := MeiliFilter(c.in); got != c.want {
			t.Errorf("MeiliFilter(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestHighlightedIsSafeHTML(t *testing.T) {
	got := Highlighted("<script>" + MarkStart + "Propagande" + MarkEnd + " & co")
	if want := "&lt;script&gt;<em>Propagande</em> &amp; co"; got != want {
		t.Fatalf("Highlighted = %q, want %q", got, want)
	}
	// Apart from the marks, the text is escaped exactly as html.EscapeString does.
	for _, text := range []string{`'quoted' "twice" <b>&amp;</b>`, "مكافحة الدعاية & \"l'élection\"", ""} {
		if got, want := Highlighted(text), html.EscapeString(text); got != want {
			t.Errorf("Highlighted(%q) = %q, want %q", text, got, want)
		}
	}
	if Clean("a"+MarkStart+"b\x00c\n") != "abc\n" {
		t.Fatal("Clean keeps control characters")
	}
}
