package search

import "strings"

// Engines mark matches with these control characters, which cannot occur
// in indexed text (documents are cleaned by Clean), and Highlighted turns
// the marked text into safe HTML.
const (
	MarkStart = "\x02"
	MarkEnd   = "\x03"
)

// Highlighted escapes marked text for HTML and turns the marks into <em>
// tags, so that a name such as "<script>" can never become markup.
func Highlighted(marked string) string {
	return highlighter.Replace(marked)
}

// highlighter escapes as html.EscapeString does and turns the marks into
// tags, in one pass.
var highlighter = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;",
	MarkStart, "<em>", MarkEnd, "</em>",
)

// Clean removes control characters, the highlight marks among them, from
// text to index or to search for.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
