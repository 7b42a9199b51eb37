package plugins

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// spdxData is the SPDX License List's identifiers, from the npm package
// spdx-license-ids (CC0-1.0).
//
//go:embed spdx-licenses.json
var spdxData []byte

type spdxList struct {
	Licenses   []string `json:"licenses"`
	Deprecated []string `json:"deprecated"`
}

// spdx maps identifiers, lower-cased, to their canonical spelling; spdxOld
// holds the deprecated ones.
var spdx, spdxOld = loadSPDX()

func loadSPDX() (map[string]string, map[string]string) {
	var l spdxList
	if err := json.Unmarshal(spdxData, &l); err != nil {
		panic("plugins: embedded SPDX list: " + err.Error())
	}
	ids, old := map[string]string{}, map[string]string{}
	for _, id := range l.Licenses {
		ids[strings.ToLower(id)] = id
	}
	for _, id := range l.Deprecated {
		old[strings.ToLower(id)] = id
	}
	return ids, old
}

var (
	licenseRef  = regexp.MustCompile(`^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$`)
	exceptionID = regexp.MustCompile(`^[A-Za-z0-9.+-]*exception[A-Za-z0-9.+-]*$`)
)

// checkLicense checks an SPDX license expression: identifiers from the SPDX
// License List (or LicenseRef-…), optionally combined with AND, OR, WITH
// and parentheses, such as "MIT" or "Apache-2.0 OR MIT". It returns a
// message for a newcomer, or "".
func checkLicense(expr string) string {
	tokens := strings.Fields(strings.NewReplacer("(", " ( ", ")", " ) ").Replace(expr))
	if len(tokens) == 0 {
		return "is required: an SPDX license identifier such as MIT, Apache-2.0 or AGPL-3.0-or-later"
	}
	p := &licenseParser{tokens: tokens}
	if msg := p.expression(); msg != "" {
		return msg
	}
	if p.pos < len(tokens) {
		return fmt.Sprintf("unexpected %q in the license expression", tokens[p.pos])
	}
	return ""
}

type licenseParser struct {
	tokens []string
	pos    int
}

func (p *licenseParser) next() string {
	if p.pos >= len(p.tokens) {
		return ""
	}
	t := p.tokens[p.pos]
	p.pos++
	return t
}

func (p *licenseParser) peek() string {
	if p.pos >= len(p.tokens) {
		return ""
	}
	return p.tokens[p.pos]
}

// expression := term { ("AND" | "OR") term }
func (p *licenseParser) expression() string {
	if msg := p.term(); msg != "" {
		return msg
	}
	for p.peek() == "AND" || p.peek() == "OR" {
		p.next()
		if msg := p.term(); msg != "" {
			return msg
		}
	}
	return ""
}

// term := "(" expression ")" | license [ "WITH" exception ]
func (p *licenseParser) term() string {
	t := p.next()
	if t == "(" {
		if msg := p.expression(); msg != "" {
			return msg
		}
		if p.next() != ")" {
			return "unbalanced parentheses in the license expression"
		}
		return ""
	}
	if msg := checkLicenseID(t); msg != "" {
		return msg
	}
	if p.peek() == "WITH" {
		p.next()
		if e := p.next(); !exceptionID.MatchString(e) {
			return fmt.Sprintf("%q is not an SPDX license exception such as Classpath-exception-2.0", e)
		}
	}
	return ""
}

func checkLicenseID(t string) string {
	id := strings.TrimSuffix(t, "+")
	switch {
	case t == "":
		return "the license expression ends too early"
	case licenseRef.MatchString(t):
		return ""
	case spdx[strings.ToLower(id)] == id:
		return ""
	case spdx[strings.ToLower(id)] != "":
		return fmt.Sprintf("write %q as %q", t, spdx[strings.ToLower(id)])
	case spdxOld[strings.ToLower(id)] != "":
		return fmt.Sprintf("%q is a deprecated SPDX identifier; use its -only or -or-later form, such as %s-only", t, id)
	}
	return fmt.Sprintf("%q is not an SPDX license identifier (see https://spdx.org/licenses/), such as MIT, Apache-2.0 or AGPL-3.0-or-later", t)
}
