package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
)

// Error pages take their status from the same table as the API's
// problems, and add only their wording, in the visitor's language, and
// the way to the sign-in page.
func TestErrorPagesSayWhatHappened(t *testing.T) {
	e := newEnv(t)
	owner := e.user("owner@example.org", auth.RoleParticipant)
	org := e.user("org@example.org", auth.RoleOrganizer)
	e.user("eve@example.org", auth.RoleParticipant)
	e.published(owner, manifest("signalement", "Signalement", "Report hateful posts"))
	e.edition(org, "paris-2016")
	visitor, eve, french := e.browser(), e.browser(), e.browser()
	eve.signIn("eve@example.org")
	french.lang = "fr"

	for _, tc := range []struct {
		name   string
		b      *browser
		method string
		path   string
		status int
		texts  []string
	}{
		{"a path no page has is not found", visitor, "GET", "/no/such/page", http.StatusNotFound,
			[]string{"Page not found", "This page does not exist"}},
		{"in the visitor's language", french, "GET", "/no/such/page", http.StatusNotFound,
			[]string{"Page introuvable"}},
		{"an unknown language is not found", visitor, "GET", "/lang/xx", http.StatusNotFound,
			[]string{"Page not found"}},
		{"a catalogue entry cannot be tried", visitor, "POST", "/plugins/signalement/try", http.StatusConflict,
			[]string{"This plugin cannot be tried", "Only runnable plugins"}},
		{"a refusal says why", eve, "GET", "/hackathons/paris-2016/leaderboard.csv", http.StatusForbidden,
			[]string{"Not allowed", "The results of this hackathon are not published yet."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var form url.Values
			if tc.method == "POST" {
				form = url.Values{}
			}
			tc.b.do(tc.method, tc.path, form).want(t, tc.status, tc.texts...)
		})
	}
}

// A visitor who must sign in is sent to the sign-in page and back, rather
// than shown a 401.
func TestSigningInIsAskedForByRedirect(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/judge", "/my/plugins", "/organize"} {
		p := e.browser().get(path).want(t, http.StatusSeeOther)
		if loc, want := p.Header.Get("Location"), "/signin?next="+url.QueryEscape(path); loc != want {
			t.Errorf("%s: Location %q, want %q", path, loc, want)
		}
	}
}
