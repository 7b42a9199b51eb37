package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/riposte-civic/riposte/api/auth"
)

// A participant forms a team, gets an invitation link, publishes a
// profile and finds it with a filter on the "looking for a team" page;
// every page passes axe-core.
func TestBrowserFormsATeamAndLooksForMembers(t *testing.T) {
	e := newEnv(t)
	org := e.user("org@example.org", auth.RoleOrganizer)
	e.user("ada@example.org", auth.RoleParticipant)
	ed := e.edition(org, "lyon-2026")

	tb := e.openTab(t, "en")
	tb.signIn("ada@example.org")
	tb.open("/hackathons/" + ed.Slug)
	tb.do(chromedp.Click(chromedp.CSS(`a[href="/hackathons/lyon-2026/teams"]`)), chromedp.WaitVisible(chromedp.ID("name")))
	tb.do(chromedp.SendKeys(chromedp.ID("name"), "Les Veilleurs"), chromedp.SendKeys(chromedp.ID("needs"), "A designer"),
		chromedp.Click(chromedp.CSS(`input[name=open]`)), chromedp.Submit(chromedp.ID("name")))
	tb.notice("Your team is formed.")
	if s := tb.text("#mine-h"); !strings.Contains(s, "Les Veilleurs") {
		t.Fatalf("my team: %q", s)
	}
	tb.do(chromedp.Click(chromedp.CSS(`form[action$="/invitations"] button`)))
	tb.until(`!!document.querySelector(".invite-link")`)

	tb.open("/hackathons/" + ed.Slug + "/looking")
	tb.do(chromedp.SendKeys(chromedp.ID("p-skills"), "Go, design"), chromedp.SendKeys(chromedp.ID("p-wants"), "A map of networks"),
		chromedp.Click(chromedp.CSS(`input[name=visible]`)), chromedp.Submit(chromedp.ID("p-skills")))
	tb.notice("Your profile is saved.")
	tb.do(chromedp.SendKeys(chromedp.ID("skill"), "design"), chromedp.Submit(chromedp.ID("skill")))
	tb.until(`location.search.includes("skill=design")`)
	if s := tb.text("main"); !strings.Contains(s, "A map of networks") || !strings.Contains(s, "Les Veilleurs") {
		t.Fatalf("looking page: %s", s)
	}
}
