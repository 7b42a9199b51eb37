package web

import (
	"html"
	"html/template"
	"net/url"
	"strings"
)

// markdown renders the subset of Markdown that plugin descriptions need,
// safely: every character of the source is escaped, and only the markup
// written here is produced. Blocks: paragraphs, headings (shifted down so
// that # in a description does not compete with the page's own headings),
// fenced code, bulleted and numbered lists, quotes and rules. Inline: code,
// **strong** (or __strong__), *emphasis*, and links to http, https and mailto addresses,
// which open as untrusted (rel="nofollow noopener noreferrer ugc"). Raw
// HTML is shown as text. Each block has dir="auto", so that Arabic
// paragraphs read right to left among French ones.
func markdown(src string) template.HTML {
	var b strings.Builder
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	blocks(&b, lines)
	return template.HTML(b.String())
}

// blocks renders lines as a sequence of blocks.
func blocks(b *strings.Builder, lines []string) {
	for i := 0; i < len(lines); {
		i = max(block(b, lines, i), i+1) // every block takes at least a line
	}
}

// block renders the block starting at lines[i] and returns the index of
// the line after it.
func block(b *strings.Builder, lines []string, i int) int {
	line := strings.TrimRight(lines[i], " \t")
	trimmed := strings.TrimLeft(line, " ")
	switch {
	case strings.TrimSpace(trimmed) == "":
		return i + 1
	case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
		return fenced(b, lines, i, trimmed[:3])
	case heading(trimmed) > 0:
		n := heading(trimmed)
		level := min(n+2, 6)
		tag := "h" + string(rune('0'+level))
		b.WriteString("<" + tag + ` dir="auto">`)
		inline(b, strings.TrimSpace(strings.TrimRight(trimmed[n:], "# ")))
		b.WriteString("</" + tag + ">\n")
		return i + 1
	case isRule(trimmed):
		b.WriteString("<hr>\n")
		return i + 1
	case strings.HasPrefix(trimmed, ">"):
		return quote(b, lines, i)
	case listItem(trimmed) != "":
		return list(b, lines, i)
	}
	return paragraph(b, lines, i)
}

// heading returns the level of an ATX heading line, or 0.
func heading(s string) int {
	n := 0
	for n < len(s) && s[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(s) && s[n] != ' ') {
		return 0
	}
	return n
}

func isRule(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 3 {
		return false
	}
	for _, c := range []string{"-", "*", "_"} {
		if strings.Trim(s, c) == "" {
			return true
		}
	}
	return false
}

func fenced(b *strings.Builder, lines []string, i int, fence string) int {
	b.WriteString(`<pre dir="ltr"><code>`)
	j := i + 1
	for ; j < len(lines); j++ {
		if strings.HasPrefix(strings.TrimSpace(lines[j]), fence) {
			j++
			break
		}
		if j > i+1 {
			b.WriteString("\n")
		}
		b.WriteString(html.EscapeString(lines[j]))
	}
	b.WriteString("</code></pre>\n")
	return j
}

func quote(b *strings.Builder, lines []string, i int) int {
	var inner []string
	j := i
	for ; j < len(lines); j++ {
		t := strings.TrimLeft(lines[j], " ")
		if !strings.HasPrefix(t, ">") {
			break
		}
		inner = append(inner, strings.TrimPrefix(strings.TrimPrefix(t, ">"), " "))
	}
	b.WriteString("<blockquote>\n")
	blocks(b, inner)
	b.WriteString("</blockquote>\n")
	return j
}

// listItem returns "ul" or "ol" when the line starts a list item.
func listItem(s string) string {
	if len(s) >= 2 && strings.ContainsRune("-*+", rune(s[0])) && s[1] == ' ' {
		return "ul"
	}
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n > 0 && n <= 9 && n+1 < len(s) && (s[n] == '.' || s[n] == ')') && s[n+1] == ' ' {
		return "ol"
	}
	return ""
}

// itemText returns a list item's text without its marker.
func itemText(s string) string {
	if listItem(s) == "ul" {
		return strings.TrimSpace(s[2:])
	}
	n := strings.IndexAny(s, ".)")
	return strings.TrimSpace(s[n+1:])
}

func list(b *strings.Builder, lines []string, i int) int {
	kind := listItem(strings.TrimLeft(lines[i], " "))
	b.WriteString("<" + kind + ` dir="auto">` + "\n")
	j := i
	for j < len(lines) {
		t := strings.TrimLeft(strings.TrimRight(lines[j], " \t"), " ")
		if listItem(t) != kind {
			break
		}
		text := itemText(t)
		j++
		// Indented lines that follow continue the item.
		for j < len(lines) && strings.HasPrefix(lines[j], "  ") && strings.TrimSpace(lines[j]) != "" &&
			listItem(strings.TrimLeft(lines[j], " ")) == "" {
			text += " " + strings.TrimSpace(lines[j])
			j++
		}
		b.WriteString("<li>")
		inline(b, text)
		b.WriteString("</li>\n")
	}
	b.WriteString("</" + kind + ">\n")
	return j
}

func paragraph(b *strings.Builder, lines []string, i int) int {
	var parts []string
	j := i
	for ; j < len(lines); j++ {
		t := strings.TrimSpace(lines[j])
		if t == "" || (j > i && (heading(t) > 0 || strings.HasPrefix(t, "```") || strings.HasPrefix(t, ">") ||
			listItem(t) != "" || isRule(t))) {
			break
		}
		parts = append(parts, t)
	}
	b.WriteString(`<p dir="auto">`)
	inline(b, strings.Join(parts, " "))
	b.WriteString("</p>\n")
	return j
}

// inline renders a line's inline markup.
func inline(b *strings.Builder, s string) {
	for len(s) > 0 {
		switch {
		case s[0] == '\\' && len(s) > 1 && strings.ContainsRune("\\`*_[]()<>#!-", rune(s[1])):
			b.WriteString(html.EscapeString(s[1:2]))
			s = s[2:]
			continue
		case s[0] == '`':
			if end := strings.IndexByte(s[1:], '`'); end >= 0 {
				b.WriteString("<code>" + html.EscapeString(s[1:1+end]) + "</code>")
				s = s[end+2:]
				continue
			}
		case strings.HasPrefix(s, "**") || strings.HasPrefix(s, "__"):
			if end := strings.Index(s[2:], s[:2]); end > 0 {
				b.WriteString("<strong>")
				inline(b, s[2:2+end])
				b.WriteString("</strong>")
				s = s[end+4:]
				continue
			}
		case s[0] == '*': // not _, which joins words such as snake_case
			if end := strings.IndexByte(s[1:], '*'); end > 0 && s[1] != ' ' {
				b.WriteString("<em>")
				inline(b, s[1:1+end])
				b.WriteString("</em>")
				s = s[end+2:]
				continue
			}
		case s[0] == '[':
			if text, href, rest, ok := link(s); ok {
				b.WriteString(`<a href="` + html.EscapeString(href) + `" rel="nofollow noopener noreferrer ugc">`)
				inline(b, text)
				b.WriteString("</a>")
				s = rest
				continue
			}
		case s[0] == '<':
			if end := strings.IndexByte(s, '>'); end > 0 {
				if href := safeURL(s[1:end]); href != "" {
					b.WriteString(`<a href="` + html.EscapeString(href) + `" rel="nofollow noopener noreferrer ugc">` +
						html.EscapeString(s[1:end]) + "</a>")
					s = s[end+1:]
					continue
				}
			}
		}
		// Plain text up to the next character that may start markup.
		n := strings.IndexAny(s[1:], "\\`*_[<")
		if n < 0 {
			n = len(s) - 1
		}
		b.WriteString(html.EscapeString(s[:n+1]))
		s = s[n+1:]
	}
}

// link parses [text](url) at the start of s.
func link(s string) (text, href, rest string, ok bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				if i+1 >= len(s) || s[i+1] != '(' {
					return "", "", "", false
				}
				end := strings.IndexByte(s[i+2:], ')')
				if end < 0 {
					return "", "", "", false
				}
				target := strings.TrimSpace(s[i+2 : i+2+end])
				if sp := strings.IndexAny(target, " \t"); sp >= 0 {
					target = target[:sp] // drop a "title"
				}
				href := safeURL(target)
				if href == "" {
					return "", "", "", false
				}
				return s[1:i], href, s[i+3+end:], true
			}
		}
	}
	return "", "", "", false
}

// safeURL returns u if it is an absolute http, https or mailto address.
func safeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		if p.Host == "" {
			return ""
		}
		return p.String()
	case "mailto":
		if p.Opaque == "" {
			return ""
		}
		return p.String()
	}
	return ""
}
