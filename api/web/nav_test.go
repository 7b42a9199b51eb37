package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
)

// Each role sees its own entry point in the navigation, and lands there
// after signing in, unless the sign-in was asked for by a page.
func TestEachRoleSeesAndLandsOnItsEntryPoint(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.user("org@example.org", auth.RoleOrganizer)
	judge := e.user("judge@example.org", auth.RoleJudge)
	e.user("idle-judge@example.org", auth.RoleJudge)
	orgJudge := e.user("org-judge@example.org", auth.RoleOrganizer)
	team := e.user("team@example.org", auth.RoleParticipant)
	e.edition(org, "paris-2016")
	e.published(team, manifest("alpha", "Tool alpha", "Summary of alpha"))
	if _, _, err := e.hk.Submit(ctx, team, "paris-2016", "alpha"); err != nil {
		t.Fatal(err)
	}
	for _, j := range []auth.User{judge, orgJudge} {
		if _, err := e.hk.AddJudge(ctx, org, "paris-2016", j.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.hk.Assign(ctx, org, "paris-2016", 2); err != nil {
		t.Fatal(err)
	}
	const (
		desk     = `href="/judge"`
		organize = `href="/organize"`
		tools    = `href="/my/plugins"`
	)
	for _, tc := range []struct {
		email, lands string
		shown, not   []string
	}{
		{"team@example.org", "/my/plugins", []string{tools, ">My tools<"}, []string{desk, organize}},
		{"judge@example.org", "/judge", []string{desk}, []string{organize}},
		{"idle-judge@example.org", "/judge", []string{desk}, []string{organize}},
		{"org@example.org", "/organize", []string{organize}, []string{desk}},
		{"org-judge@example.org", "/organize", []string{organize, desk}, nil},
	} {
		t.Run(tc.email, func(t *testing.T) {
			b := e.browser()
			for _, next := range []string{"", "/"} {
				p := b.post("/signin", url.Values{"email": {tc.email}, "password": {password(tc.email)}, "next": {next}}).
					want(t, http.StatusSeeOther)
				if loc := p.Header.Get("Location"); loc != tc.lands+"?done=signedin" {
					t.Errorf("next %q: lands on %s, want %s", next, loc, tc.lands)
				}
			}
			p := b.get("/hackathons").want(t, http.StatusOK, tc.shown...)
			for _, s := range tc.not {
				if strings.Contains(p.body, s) {
					t.Errorf("the navigation shows %s:\n%s", s, p.body)
				}
			}
			// A page that asked for the sign-in is where it leads.
			p = b.post("/signin", url.Values{"email": {tc.email}, "password": {password(tc.email)}, "next": {"/hackathons/paris-2016"}})
			if loc := p.Header.Get("Location"); loc != "/hackathons/paris-2016?done=signedin" {
				t.Errorf("with next, lands on %s", loc)
			}
		})
	}
	// A new account is a participant's: it lands on its tools.
	p := e.browser().post("/signup", url.Values{"email": {"new@example.org"}, "password": {"a long password"}, "name": {"New"}}).
		want(t, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/my/plugins?done=signedup" {
		t.Errorf("sign-up lands on %s", loc)
	}
}
