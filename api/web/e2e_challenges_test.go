package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/riposte-civic/riposte/api/auth"
)

// An organizer, without JavaScript, creates a challenge brought by a
// verified organisation, with a link and a prize, gives it a judge, and
// finds it on the edition's page, in French. axe-core checks every page
// state, a failed form included.
func TestBrowserOrganizerSetsUpChallenges(t *testing.T) {
	e := newEnv(t)
	org := e.user("org@example.org", auth.RoleOrganizer)
	judge := e.user("judge@example.org", auth.RoleJudge)
	ngo := e.verifiedOrg(e.user("ngo@example.org", auth.RoleParticipant), "Abri Solidaire")
	ed := e.edition(org, "paris-2016")
	if _, err := e.hk.AddJudge(context.Background(), org, ed.Slug, judge.ID); err != nil {
		t.Fatal(err)
	}
	tb := e.openTab(t, "fr")
	tb.withoutScripts()
	tb.signIn("org@example.org")
	tb.open("/organize/paris-2016")
	tb.do(chromedp.Click(chromedp.CSS(`a[href="/organize/paris-2016/challenges"]`)), chromedp.WaitVisible(chromedp.ID("form-h")))
	tb.audit()
	tb.do(chromedp.SendKeys(chromedp.ID("title"), "Abris"), chromedp.SendKeys(chromedp.ID("links"), "Données | http://data.example.org"),
		chromedp.Submit(chromedp.ID("title")))
	tb.until(`document.getElementById("links-error") !== null`)
	tb.do(chromedp.SetValue(chromedp.ID("links"), "Données | https://data.example.org/abris"),
		chromedp.SendKeys(chromedp.ID("organization"), ngo.Slug), chromedp.SendKeys(chromedp.ID("prizes"), "Coup de cœur | Hébergement"),
		chromedp.Submit(chromedp.ID("title")))
	tb.notice("Les défis sont enregistrés.")
	tb.do(chromedp.Submit(chromedp.CSS(`form[action$="/judges"] select`)))
	tb.until(`document.body.textContent.includes("Jury de ce défi") && document.querySelector("form[action$='/remove']") !== null`)
	tb.open("/hackathons/paris-2016")
	tb.until(`document.getElementById("challenges-h") !== null && document.body.textContent.includes("Abri Solidaire") && document.body.textContent.includes("Coup de cœur")`)
	tb.do(chromedp.Click(chromedp.CSS(`ul.challenges a[href^="/hackathons/paris-2016/challenges/"]`)))
	tb.until(`document.querySelector("h1").textContent === "Abris" && document.body.textContent.includes("Données et liens")`)

	// A member of the organisation proposes a challenge, then sees it as proposed.
	member := e.openTab(t, "en")
	member.withoutScripts()
	member.signIn("ngo@example.org")
	member.open("/hackathons/paris-2016/challenges/propose")
	member.do(chromedp.SendKeys(chromedp.ID("title"), "Heatwaves"), chromedp.Submit(chromedp.ID("title")))
	member.notice("Your challenge is proposed to the organizers.")
	member.until(`document.body.textContent.includes("Heatwaves") && document.body.textContent.includes("Proposed")`)
}
