package web

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/riposte-civic/riposte/plugins"
)

// manifestLine is one line of a submitted manifest with the problems found
// at it.
type manifestLine struct {
	N        int
	Text     string
	Problems []plugins.Problem
}

// annotated places each problem of a manifest at the line of its field,
// so that the form can show it there. Problems whose field is absent (a
// required field left out) or that concern the whole document are
// returned apart.
func annotated(text string, problems []plugins.Problem) (lines []manifestLine, apart []plugins.Problem) {
	var doc yaml.Node
	parsed := yaml.Unmarshal([]byte(text), &doc) == nil && len(doc.Content) > 0
	for i, t := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		lines = append(lines, manifestLine{N: i + 1, Text: t})
	}
	for _, p := range problems {
		n := 0
		if parsed && p.Path != "" {
			n = locate(doc.Content[0], p.Path)
		}
		if n == 0 {
			n = lineInMessage(p.Message)
		}
		if n < 1 || n > len(lines) {
			apart = append(apart, p)
			continue
		}
		lines[n-1].Problems = append(lines[n-1].Problems, p)
	}
	return lines, apart
}

// locate returns the line of the deepest node of path ("runtime.endpoint",
// "categories[1]", "maintainers[0].email") that the document has, or 0.
func locate(n *yaml.Node, path string) int {
	line := 0
	for _, seg := range segments(path) {
		var next *yaml.Node
		switch {
		case n.Kind == yaml.MappingNode && !seg.index:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == seg.key {
					line, next = n.Content[i].Line, n.Content[i+1]
				}
			}
		case n.Kind == yaml.SequenceNode && seg.index && seg.i < len(n.Content):
			next = n.Content[seg.i]
			line = next.Line
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

type segment struct {
	key   string
	index bool
	i     int
}

// segments splits "a.b[1].c" into a, b, [1], c.
func segments(path string) []segment {
	var out []segment
	for part := range strings.SplitSeq(path, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key != "" {
			out = append(out, segment{key: key})
		}
		for rest != "" {
			num, after, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(num)
			if err != nil {
				break
			}
			out = append(out, segment{index: true, i: i})
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return out
}

// lineInMessage finds "line N" in a parser's message.
func lineInMessage(msg string) int {
	i := strings.Index(msg, "line ")
	if i < 0 {
		return 0
	}
	j := i + 5
	for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
		j++
	}
	n, _ := strconv.Atoi(msg[i+5 : j])
	return n
}

// problemLines lists the lines that have problems, in order, for the
// summary's links.
func problemLines(lines []manifestLine) []manifestLine {
	var out []manifestLine
	for _, l := range lines {
		if len(l.Problems) > 0 {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b manifestLine) int { return cmp.Compare(a.N, b.N) })
	return out
}

// manifestYAML writes a stored (JSON) manifest as YAML in the same field
// order, as a starting point for a new version.
func manifestYAML(stored []byte) string {
	var doc yaml.Node
	if err := yaml.Unmarshal(stored, &doc); err != nil {
		return string(stored)
	}
	var block func(n *yaml.Node)
	block = func(n *yaml.Node) {
		n.Style &^= yaml.FlowStyle
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && strings.Contains(n.Value, "\n") {
			n.Style = yaml.LiteralStyle
		} else if n.Kind == yaml.ScalarNode {
			n.Style &^= yaml.DoubleQuotedStyle
		}
		for _, c := range n.Content {
			block(c)
		}
	}
	block(&doc)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return string(stored)
	}
	return string(out)
}
