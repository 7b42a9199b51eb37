package web

import (
	"net/url"
	"path"
	"strings"
)

// localPath returns p as a path on this site, and "/" when p could lead
// anywhere else, so that a "next" parameter cannot send anyone away.
//
// It reads p as a browser reads a URL: leading and trailing controls and
// spaces are dropped, tabs and newlines are removed wherever they are, and
// a backslash in the path is a slash. What is left must start with a single
// slash and name no scheme or host. The answer is that cleaned form, with
// dot segments resolved and any fragment dropped, so that the browser goes
// exactly where it was checked to go; percent-escapes are kept as they are,
// never decoded into slashes.
func localPath(p string) string {
	p = browserClean(p)
	u, err := url.Parse(p)
	if err != nil || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	clean := path.Clean(u.EscapedPath())
	if strings.HasSuffix(u.EscapedPath(), "/") && clean != "/" {
		clean += "/"
	}
	if u.RawQuery != "" {
		clean += "?" + u.RawQuery
	}
	return clean
}

// browserClean applies the clean-up a browser makes to a URL before
// parsing it (WHATWG URL standard): C0 controls and spaces trimmed from both
// ends, ASCII tabs and newlines removed, and backslashes in the path — before
// any query or fragment — read as slashes.
func browserClean(p string) string {
	p = strings.TrimFunc(p, func(r rune) bool { return r <= ' ' })
	p = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, p)
	end := strings.IndexAny(p, "?#")
	if end < 0 {
		end = len(p)
	}
	return strings.ReplaceAll(p[:end], `\`, "/") + p[end:]
}
