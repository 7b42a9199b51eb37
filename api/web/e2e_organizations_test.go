package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/riposte-civic/riposte/api/auth"
)

// A restricted plugin's page shows a visitor its name, summary, publisher
// and how to get access, and nothing else; its organisation's page lists
// it. Both pass axe-core, in English and French.
func TestBrowserRestrictedPluginAndOrganizationPages(t *testing.T) {
	e := newEnv(t)
	owner := e.user("owner@example.org", auth.RoleParticipant)
	e.restrictedTool(owner)

	tb := e.openTab(t, "en")
	tb.open("/plugins/termes")
	if s := tb.text("main"); !strings.Contains(s, "Termes de recrutement") || !strings.Contains(s, "Verified publisher") ||
		!strings.Contains(s, "Restricted access") || strings.Contains(s, "zanzibarique") {
		t.Fatalf("restricted page: %s", s)
	}
	tb.do(chromedp.Click(chromedp.CSS(`.publisher a`)), chromedp.WaitVisible(chromedp.CSS("h1")))
	tb.until(`location.pathname === "/organizations/veille-citoyenne"`)
	if s := tb.text("main"); !strings.Contains(s, "Termes de recrutement") || !strings.Contains(s, "Veille Citoyenne") {
		t.Fatalf("organisation page: %s", s)
	}

	fr := e.openTab(t, "fr")
	fr.open("/plugins/termes")
	if s := fr.text("#restricted-h"); !strings.Contains(s, "Accès restreint") {
		t.Fatalf("French restricted notice: %q", s)
	}
	fr.open("/organizations")
	fr.signIn("owner@example.org")
	fr.open("/organizations/veille-citoyenne")
	fr.open("/organizations/new")
}
