package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
)

// fixture is an edition open for entries, paris-2016, with two entries of
// the team (alpha and beta), two judges, and one judge assigned to each
// entry; and the built-in plugins, to try.
type fixture struct {
	org, j1, j2, team auth.User
}

func (e *env) fixture() fixture {
	e.t.Helper()
	ctx := context.Background()
	f := fixture{org: e.user("org@example.org", auth.RoleOrganizer), j1: e.user("j1@example.org", auth.RoleJudge),
		j2: e.user("j2@example.org", auth.RoleJudge), team: e.user("team@example.org", auth.RoleParticipant)}
	e.edition(f.org, "paris-2016")
	for _, slug := range []string{"alpha", "beta"} {
		e.published(f.team, manifest(slug, "Tool "+slug, "Summary of "+slug))
		if _, _, err := e.hk.Submit(ctx, f.team, "paris-2016", slug); err != nil {
			e.t.Fatal(err)
		}
	}
	for _, j := range []auth.User{f.j1, f.j2} {
		if _, err := e.hk.AddJudge(ctx, f.org, "paris-2016", j.ID); err != nil {
			e.t.Fatal(err)
		}
	}
	if _, err := e.hk.Assign(ctx, f.org, "paris-2016", 1); err != nil {
		e.t.Fatal(err)
	}
	e.builtins()
	return f
}

// queued returns the entry of the edition a judge is asked to review.
func (e *env) queued(j auth.User) string {
	e.t.Helper()
	items, err := e.hk.Queue(context.Background(), j)
	if err != nil || len(items) == 0 {
		e.t.Fatalf("queue of %s: %v %v", j.Email, items, err)
	}
	return items[0].PluginSlug
}

var (
	postRoute = regexp.MustCompile(`m\.Handle\("POST ([^"]+)"`)
	backLink  = regexp.MustCompile(`href="(/(?:lang/[a-z]+|signin)\?next=[^"]*)"`)
)

// Every form's answer, refused or not, leads back only to pages that
// exist: the language switch and "Sign in" of an answer shown at a form's
// address point to the page the form belongs to, and a redirect goes to a
// page that answers GET. Every form of routes.go is tried.
func TestFormAnswersLeadOnlyToPagesThatExist(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	as := map[string]*browser{"visitor": e.browser()}
	for role, email := range map[string]string{"org": f.org.Email, "judge": f.j1.Email, "team": f.team.Email} {
		as[role] = e.browser()
		as[role].signIn(email)
	}
	as["mod"] = e.browser()
	as["mod"].signIn(e.user("mod@example.org", auth.RoleModerator).Email)
	e.user("admin@example.org", auth.RoleAdmin)
	as["admin"] = e.browser()
	as["admin"].signIn("admin@example.org")
	mine := e.queued(f.j1)
	e.verifiedOrg(f.team, "Collectif Test")
	teamToken := e.teamInvitation(f.j2, "paris-2016")
	ch, err := e.hk.CreateChallenge(context.Background(), f.org, "paris-2016", hackathons.ChallengeInput{Title: "Abris", BroughtBy: "Ville"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		route, who, path string
		form             url.Values
	}{
		{"/plugins/{slug}/try", "visitor", "/plugins/portes-ouvertes/try", url.Values{"country": {"XX"}, "language": {"en"}}},
		{"/plugins/{slug}/remove", "org", "/plugins/alpha/remove", url.Values{"reason": {""}}},
		{"/signin", "visitor", "/signin", url.Values{"email": {"nobody@example.org"}, "password": {"wrong password"}}},
		{"/signup", "visitor", "/signup", url.Values{"email": {"not an address"}}},
		{"/signout", "visitor", "/signout", url.Values{}},
		{"/judge/{hackathon}/{plugin}", "judge", "/judge/paris-2016/" + mine, url.Values{"score.impact": {"x"}}},
		{"/judge/{hackathon}/{plugin}/recuse", "judge", "/judge/paris-2016/" + mine + "/recuse", url.Values{"reason": {""}}},
		{"/pairwise/{hackathon}/vote", "judge", "/pairwise/paris-2016/vote", url.Values{"better": {"yes"}}},
		{"/pairwise/{hackathon}/skip", "judge", "/pairwise/paris-2016/skip", url.Values{}},
		{"/organize/{slug}/judges", "org", "/organize/paris-2016/judges", url.Values{"email": {"nobody@example.org"}}},
		{"/organize/{slug}/judges/{id}/remove", "org", "/organize/paris-2016/judges/999999/remove", url.Values{}},
		{"/organize/{slug}/conflicts", "org", "/organize/paris-2016/conflicts", url.Values{"reason": {""}}},
		{"/organize/{slug}/assign", "org", "/organize/paris-2016/assign", url.Values{"judges_per_submission": {"0"}}},
		{"/organize/{slug}/decisions/{plugin}", "org", "/organize/paris-2016/decisions/alpha", url.Values{"status": {"maybe"}}},
		{"/organize/new", "org", "/organize/new", url.Values{"name": {""}}},
		{"/organize/new", "org", "/organize/new", url.Values{"rows": {"5"}}},
		{"/organize/{slug}/edit", "org", "/organize/paris-2016/edit", url.Values{"name": {""}}},
		{"/organize/{slug}/publish", "org", "/organize/paris-2016/publish", url.Values{"confirm": {"yes"}}},
		{"/organize/{slug}/publish", "visitor", "/organize/paris-2016/publish", url.Values{"confirm": {"yes"}}},
		{"/my/new", "team", "/my/new", url.Values{"manifest": {"slug: x"}}},
		{"/my/new", "team", "/my/new", url.Values{"name": {""}}},
		{"/my/new/manifest", "team", "/my/new/manifest", url.Values{"manifest": {"slug: x"}}},
		{"/my/plugins/{slug}/versions/new", "team", "/my/plugins/alpha/versions/new", url.Values{"manifest": {"slug: alpha"}}},
		{"/my/plugins/{slug}/publish", "team", "/my/plugins/alpha/publish", url.Values{}},
		{"/my/plugins/{slug}/submit", "team", "/my/plugins/alpha/submit", url.Values{"edition": {"nowhere"}}},
		{"/my/plugins/{slug}/entries/{edition}/withdraw", "team", "/my/plugins/alpha/entries/nowhere/withdraw", url.Values{}},
		{"/password-reset", "visitor", "/password-reset", url.Values{"email": {"nobody@example.org"}}},
		{"/password-reset/confirm", "visitor", "/password-reset/confirm", url.Values{"token": {"rps_unknown"}, "password": {"a brand new password"}}},
		{"/verify", "visitor", "/verify", url.Values{"token": {"rpv_unknown"}}},
		{"/account/password", "team", "/account/password", url.Values{"current_password": {"wrong"}, "password": {"a brand new password"}}},
		{"/account/password", "visitor", "/account/password", url.Values{"current_password": {"wrong"}, "password": {"a brand new password"}}},
		{"/account/notifications", "team", "/account/notifications", url.Values{"judge_assigned": {"on"}}},
		{"/account/notifications", "visitor", "/account/notifications", url.Values{"judge_assigned": {"on"}}},
		{"/account/language", "team", "/account/language", url.Values{"language": {"de"}}},
		{"/account/language", "visitor", "/account/language", url.Values{"language": {"en"}}},
		{"/unsubscribe", "visitor", "/unsubscribe", url.Values{"token": {"1.judge_assigned.forged"}}},
		{"/account/email", "team", "/account/email", url.Values{"email_password": {"wrong"}, "email": {"new@example.org"}}},
		{"/account/email", "visitor", "/account/email", url.Values{"email_password": {"wrong"}, "email": {"new@example.org"}}},
		{"/account/verify", "team", "/account/verify", url.Values{}},
		{"/account/verify", "visitor", "/account/verify", url.Values{}},
		{"/plugins/{slug}/report", "visitor", "/plugins/alpha/report", url.Values{"reason": {"spam"}}},
		{"/plugins/{slug}/report", "visitor", "/plugins/alpha/report", url.Values{"reason": {"other"}, "details": {"Broken links"}}},
		{"/moderation/{id}/resolve", "mod", "/moderation/1/resolve", url.Values{"action": {"erase"}}},
		{"/my/plugins/{slug}/appeal", "team", "/my/plugins/alpha/appeal", url.Values{"report": {"1"}, "message": {"Please"}}},
		{"/admin/crisis", "admin", "/admin/crisis", url.Values{"title_en": {""}, "hours": {"0"}}},
		{"/organizations/new", "team", "/organizations/new", url.Values{"name": {""}}},
		{"/organizations/{slug}/review", "org", "/organizations/collectif-test/review", url.Values{"decision": {"verify"}}},
		{"/organizations/{slug}/invitations", "team", "/organizations/collectif-test/invitations", url.Values{"email": {""}}},
		{"/organizations/{slug}/members/{id}/remove", "team", "/organizations/collectif-test/members/999999/remove", url.Values{}},
		{"/organizations/{slug}/plugins", "team", "/organizations/collectif-test/plugins", url.Values{"plugin": {"nowhere"}}},
		{"/invitations/{token}", "team", "/invitations/unknown", url.Values{}},
		{"/hackathons/{slug}/teams", "team", "/hackathons/paris-2016/teams", url.Values{"name": {""}}},
		{"/hackathons/{slug}/teams/{id}/invitations", "team", "/hackathons/paris-2016/teams/999999/invitations", url.Values{}},
		{"/hackathons/{slug}/teams/{id}/edit", "team", "/hackathons/paris-2016/teams/999999/edit", url.Values{"open": {"on"}}},
		{"/hackathons/{slug}/teams/{id}/members/{user}/remove", "team", "/hackathons/paris-2016/teams/999999/members/1/remove", url.Values{}},
		{"/hackathons/{slug}/teams/{id}/invitations/{invitation}/revoke", "team", "/hackathons/paris-2016/teams/999999/invitations/1/revoke", url.Values{}},
		{"/hackathons/{slug}/profiles/me", "team", "/hackathons/paris-2016/profiles/me", url.Values{"wants": {strings.Repeat("w", 501)}}},
		{"/hackathons/{slug}/profiles/me/delete", "team", "/hackathons/paris-2016/profiles/me/delete", url.Values{}},
		{"/teams/invitations/{token}", "team", "/teams/invitations/" + teamToken, url.Values{}},
		{"/hackathons/{slug}/challenges/propose", "team", "/hackathons/paris-2016/challenges/propose", url.Values{"organization": {"collectif-test"}, "title": {""}}},
		{"/organize/{slug}/challenges", "org", "/organize/paris-2016/challenges", url.Values{"title": {""}}},
		{"/organize/{slug}/challenges/{id}", "org", "/organize/paris-2016/challenges/999999", url.Values{"title": {"T"}}},
		{"/organize/{slug}/challenges/{id}/delete", "org", "/organize/paris-2016/challenges/999999/delete", url.Values{}},
		{"/organize/{slug}/challenges/{id}/review", "org", "/organize/paris-2016/challenges/999999/review", url.Values{"decision": {"approve"}}},
		{"/organize/{slug}/challenges/{id}/judges", "org", "/organize/paris-2016/challenges/999999/judges", url.Values{"user_id": {"1"}}},
		{"/organize/{slug}/challenges/{id}/judges/{user}/remove", "org", "/organize/paris-2016/challenges/999999/judges/1/remove", url.Values{}},
		{"/hackathons/{slug}/challenges/{id}/entries/{plugin}/feedback", "team", "/hackathons/paris-2016/challenges/" + itoa(ch.ID) + "/entries/alpha/feedback", url.Values{"message": {"Hi"}}},
		{"/my/plugins/{slug}/entries/{edition}/challenges", "team", "/my/plugins/alpha/entries/paris-2016/challenges", url.Values{"challenge": {"999999"}}},
	}
	// A form's address, reloaded or shared, leads to the form's page.
	for path, want := range map[string]string{
		"/plugins/rumeur/try":                  "/plugins/rumeur",
		"/organize/paris-2016/judges":          "/organize/paris-2016",
		"/organize/paris-2016/decisions/alpha": "/organize/paris-2016",
		"/account/password":                    "/account",
	} {
		if p := as["org"].get(path); p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != want {
			t.Errorf("GET %s: status %d to %q, want 303 to %s", path, p.StatusCode, p.Header.Get("Location"), want)
		}
	}
	as["visitor"].get("/plugins/rumeur/nothing").want(t, http.StatusNotFound)
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range postRoute.FindAllStringSubmatch(string(src), -1) {
		if !slices.ContainsFunc(cases, func(c struct {
			route, who, path string
			form             url.Values
		}) bool {
			return c.route == m[1]
		}) {
			t.Errorf("no case tries the form POST %s", m[1])
		}
	}
	for _, c := range cases {
		t.Run(c.who+" "+c.path, func(t *testing.T) {
			b := as[c.who]
			p := b.post(c.path, c.form)
			var links []string
			if p.StatusCode/100 == 3 {
				links = append(links, p.Header.Get("Location"))
			} else {
				// The answer's address is in the address bar: reloading,
				// bookmarking or sharing it leads to the form's page.
				if got := b.follow(c.path); got.StatusCode != http.StatusOK && p.StatusCode != http.StatusNotFound {
					t.Errorf("the answer (status %d) is shown at %s, which answers GET with %d", p.StatusCode, c.path, got.StatusCode)
				}
				for _, m := range backLink.FindAllStringSubmatch(p.body, -1) {
					links = append(links, html.UnescapeString(m[1]))
				}
				if len(links) == 0 {
					t.Fatalf("status %d with no language switch:\n%s", p.StatusCode, p.body)
				}
			}
			for _, link := range links {
				target := link
				if u, err := url.Parse(link); err == nil && u.Query().Has("next") {
					target = u.Query().Get("next")
				}
				viewer := b
				if c.who == "visitor" && c.route != "/signout" && c.route != "/signin" && c.route != "/signup" && c.route != "/plugins/{slug}/try" {
					viewer = as["org"] // signing in leads there
				}
				if got := viewer.get(target); got.StatusCode != http.StatusOK {
					t.Errorf("the answer (status %d) links to %s, which answers %d", p.StatusCode, target, got.StatusCode)
				}
			}
		})
	}
}

// follow gets path and the redirects it answers with, at most five, and
// returns the last answer.
func (b *browser) follow(path string) page {
	b.e.t.Helper()
	p := b.get(path)
	for i := 0; i < 5 && p.StatusCode/100 == 3; i++ {
		p = b.get(p.Header.Get("Location"))
	}
	return p
}
