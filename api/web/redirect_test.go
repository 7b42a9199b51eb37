package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
)

// nextCases are "next" parameters as they appear in a URL, with where they
// may lead: the known ways to smuggle another site past a "starts with a
// slash" check, and paths on this site that must survive.
var nextCases = []struct {
	name, next, want string
}{
	{"tab between the slashes", "%2F%09%2Fevil.example", "/"},
	{"newline between the slashes", "%2F%0A%2Fevil.example", "/"},
	{"carriage return between the slashes", "/%0D/evil.example", "/"},
	{"tab, not encoded in the path", "/%09/evil.example", "/"},
	{"slash backslash", "%2F%5Cevil.example", "/"},
	{"backslash slash", "%5C%2Fevil.example", "/"},
	{"two backslashes", "%5C%5Cevil.example", "/"},
	{"encoded double slash", "%2f%2fevil.example", "/"},
	{"double slash", "//evil.example", "/"},
	{"double slash with a path", "//evil.example/signin", "/"},
	{"scheme without slashes", "https:evil.example", "/"},
	{"scheme and host", "https://evil.example", "/"},
	{"javascript", "javascript:alert(1)", "/"},
	{"leading space", "%20//evil.example", "/"},
	{"leading control", "%01//evil.example", "/"},
	{"trailing tab after a double slash", "//evil.example%09", "/"},
	{"control in the middle", "/a%00//evil.example", "/"},
	{"relative path", "evil.example", "/"},
	{"dot relative path", "./plugins", "/"},
	{"empty", "", "/"},
	{"double-encoded slashes stay encoded", "%252f%252fevil.example", "/"},
	{"encoded slashes inside a path stay encoded", "/%252f%252fevil.example", "/%2f%2fevil.example"},
	{"dot segment before a double slash", "/.//evil.example", "/evil.example"},
	{"parent segments before a double slash", "/a/..//evil.example", "/evil.example"},
	{"backslash later in the path", "/plugins%5Crumeur", "/plugins/rumeur"},
	{"fragment dropped", "/plugins/rumeur%23versions", "/plugins/rumeur"},
	{"a plugin page with its query", "/plugins/rumeur?lang=en", "/plugins/rumeur?lang=en"},
	{"a plugin page with an encoded query", "%2Fplugins%2Frumeur%3Flang%3Den", "/plugins/rumeur?lang=en"},
	{"backslash in the query kept", "/search?q=a%255Cb", "/search?q=a%5Cb"},
	{"the home page", "/", "/"},
	{"a trailing slash kept", "/hackathons/", "/hackathons/"},
}

var nextField = regexp.MustCompile(`name="next" value="([^"]*)"`)

func TestNextParameterStaysOnTheSite(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", auth.RoleParticipant)
	for _, c := range nextCases {
		t.Run(c.name, func(t *testing.T) {
			b := e.browser()
			p := b.get("/lang/en?next=" + c.next)
			if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != c.want {
				t.Errorf("language switch: %d to %q, want %q", p.StatusCode, p.Header.Get("Location"), c.want)
			}
			p = b.get("/signin?next=" + c.next)
			if m := nextField.FindStringSubmatch(p.body); m == nil || html.UnescapeString(m[1]) != c.want {
				t.Errorf("sign-in form carries next %q, want %q", m, c.want)
			}
			raw, err := url.QueryUnescape(c.next)
			if err != nil {
				t.Fatal(err)
			}
			p = b.post("/signin", url.Values{"email": {"ada@example.org"}, "password": {password("ada@example.org")}, "next": {raw}})
			dest := c.want
			if dest == "/" {
				dest = "/my/plugins" // nowhere asked for: a participant's entry point
			}
			want := dest + "?done=signedin"
			if strings.Contains(dest, "?") {
				want = dest + "&done=signedin"
			}
			if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != want {
				t.Errorf("sign-in: %d to %q, want %q", p.StatusCode, p.Header.Get("Location"), want)
			}
		})
	}
}
