package web

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestMarkdownRendersTheSubset(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"paragraphs", "one\ntwo\n\nthree", "<p dir=\"auto\">one two</p>\n<p dir=\"auto\">three</p>\n"},
		{"headings shift below the page's", "# Title\n### Small", "<h3 dir=\"auto\">Title</h3>\n<h5 dir=\"auto\">Small</h5>\n"},
		{"emphasis", "**bold** and *it* and `x < y`", `<p dir="auto"><strong>bold</strong> and <em>it</em> and <code>x &lt; y</code></p>` + "\n"},
		{"snake_case stays", "a_b_c", "<p dir=\"auto\">a_b_c</p>\n"},
		{"lists", "- a\n- b\n\n1. c\n2. d", "<ul dir=\"auto\">\n<li>a</li>\n<li>b</li>\n</ul>\n<ol dir=\"auto\">\n<li>c</li>\n<li>d</li>\n</ol>\n"},
		{"fenced code", "```\n<b>\n  x\n```", "<pre dir=\"ltr\"><code>&lt;b&gt;\n  x</code></pre>\n"},
		{"quote", "> said", "<blockquote>\n<p dir=\"auto\">said</p>\n</blockquote>\n"},
		{"links", "[site](https://example.org/a?b=1&c=2)", `<p dir="auto"><a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer ugc">site</a></p>` + "\n"},
		{"autolinks", "<https://example.org>", `<p dir="auto"><a href="https://example.org" rel="nofollow noopener noreferrer ugc">https://example.org</a></p>` + "\n"},
		{"arabic", "مرحبا بكم", "<p dir=\"auto\">مرحبا بكم</p>\n"},
		{"rule", "a\n\n---\n\nb", "<p dir=\"auto\">a</p>\n<hr>\n<p dir=\"auto\">b</p>\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(markdown(tc.in)); got != tc.want {
				t.Fatalf("markdown(%q) =\n%q\nwant\n%q", tc.in, got, tc.want)
			}
		})
	}
}

// Whatever a description says, no markup but the renderer's comes out:
// known tags, with only dir, rel and http(s)/mailto href attributes.
func TestMarkdownIsSafe(t *testing.T) {
	for _, in := range []string{
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](data:text/html,<script>alert(1)</script>)",
		"[x](//evil.example)",
		`[x](https://example.org/"onmouseover="alert(1))`,
		"[x](https://example.org/ 'title\"onclick=x')",
		"<javascript:alert(1)>",
		"**<b>**",
		"# <h1>",
		"- <li>",
		"> <div>",
		"`</code><script>`",
	} {
		if err := checkSafe(string(markdown(in))); err != "" {
			t.Errorf("markdown(%q): %s", in, err)
		}
	}
}

var (
	tagPattern  = regexp.MustCompile(`<(/?)([a-z0-9]+)((?: [a-z]+="[^"<>]*")*)>`)
	attrPattern = regexp.MustCompile(` ([a-z]+)="([^"]*)"`)
	allowedTags = "p h3 h4 h5 h6 ul ol li pre code blockquote hr strong em a"
)

// checkSafe returns what is wrong with rendered HTML, or "".
func checkSafe(out string) string {
	rest := tagPattern.ReplaceAllStringFunc(out, func(tag string) string {
		m := tagPattern.FindStringSubmatch(tag)
		if !slices.Contains(strings.Fields(allowedTags), m[2]) {
			return "<!tag " + m[2]
		}
		for _, a := range attrPattern.FindAllStringSubmatch(m[3], -1) {
			switch {
			case a[1] == "dir" && (a[2] == "auto" || a[2] == "ltr"):
			case a[1] == "rel" && m[2] == "a":
			case a[1] == "href" && m[2] == "a" && (strings.HasPrefix(a[2], "https://") || strings.HasPrefix(a[2], "http://") || strings.HasPrefix(a[2], "mailto:")):
			default:
				return "<!attribute " + a[0]
			}
		}
		return ""
	})
	if i := strings.IndexAny(rest, "<>"); i >= 0 {
		return "unexpected markup near " + strconv.Quote(rest[i:min(len(rest), i+40)]) + " in " + strconv.Quote(out)
	}
	return ""
}

func FuzzMarkdown(f *testing.F) {
	f.Add("# a\n- [b](https://c) *d* **e** `f`\n> g\n```\nh\n```")
	f.Add("[a](https://x\"y) <https://z> __u__")
	f.Fuzz(func(t *testing.T, in string) {
		if err := checkSafe(string(markdown(in))); err != "" {
			t.Fatal(err)
		}
	})
}
