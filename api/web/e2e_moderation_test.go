package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/riposte-civic/riposte/api/auth"
)

// A visitor reports a tool from its page, without scripts; a moderator
// takes it down from the queue; its owner appeals; the transparency page
// counts it.
func TestBrowserReportModerateAndPublishFigures(t *testing.T) {
	e := newEnv(t)
	team := e.user("team@example.org", auth.RoleParticipant)
	e.user("mod@example.org", auth.RoleModerator)
	e.published(team, manifest("propagande", "Propagande", "A tool"))
	e.clock.Set(time.Date(2026, 11, 13, 21, 30, 0, 0, time.UTC))

	visitor := e.openTab(t, "en")
	visitor.withoutScripts()
	visitor.open("/plugins/propagande")
	visitor.do(chromedp.Click(chromedp.CSS(`a[href="/plugins/propagande/report"]`)))
	visitor.until(`location.pathname === "/plugins/propagande/report"`)
	visitor.submitUnchecked(`form[action="/plugins/propagande/report"]`)
	visitor.until(`document.getElementById("reason-error") !== null`)
	visitor.do(chromedp.SetValue(chromedp.ID("reason"), "terrorist_content"),
		chromedp.SendKeys(chromedp.ID("details"), "Links to a propaganda video"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	visitor.until(`location.pathname === "/plugins/propagande/reported"`)
	if s := visitor.text("main"); !strings.Contains(s, "13 November 2026, 23:00 UTC") {
		t.Fatalf("confirmation: %s", s)
	}

	mod := e.openTab(t, "en")
	mod.signIn("mod@example.org")
	mod.do(chromedp.Click(chromedp.CSS(`a[href="/moderation"]`)))
	mod.until(`document.querySelector("form[action='/moderation/1/resolve']") !== null`)
	if s := mod.text("main"); !strings.Contains(s, "1 h 30 min left") {
		t.Fatalf("queue: %s", s)
	}
	mod.do(chromedp.Click(chromedp.ID("action-1-takedown")), chromedp.SendKeys(chromedp.ID("note-1"), "Propaganda video"),
		chromedp.Click(chromedp.CSS(`form[action="/moderation/1/resolve"] button[type=submit]`)))
	mod.notice("The decision is recorded.")

	owner := e.openTab(t, "fr")
	owner.signIn(team.Email)
	owner.open("/my/plugins/propagande")
	owner.do(chromedp.SendKeys(chromedp.ID("appeal-message"), "Nous documentons la propagande."),
		chromedp.Click(chromedp.CSS(`form[action="/my/plugins/propagande/appeal"] button[type=submit]`)))
	owner.notice("Votre recours est envoyé : un autre modérateur le tranchera.")

	public := e.openTab(t, "fr")
	public.open("/transparency")
	if s := public.text("main"); !strings.Contains(s, "Contenu terroriste") || !strings.Contains(s, "100 %") {
		t.Fatalf("transparency page: %s", s)
	}
}
