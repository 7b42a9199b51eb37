package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/riposte-civic/riposte/api/auth"
)

func TestBrowserAdministratorDeclaresACrisisShownInBothLanguages(t *testing.T) {
	e := newEnv(t)
	e.user("admin@example.org", auth.RoleAdmin)
	tb := e.openTab(t, "en")
	tb.signIn("admin@example.org")
	tb.open("/admin/crisis")
	tb.do(chromedp.SendKeys(chromedp.ID("title_en"), "Attack in central London"),
		chromedp.SendKeys(chromedp.ID("message_en"), "Stay indoors and follow official instructions."),
		chromedp.SendKeys(chromedp.ID("title_fr"), "Attaque dans le centre de Londres"),
		chromedp.SetValue(chromedp.ID("region"), "GB"),
		chromedp.SendKeys(chromedp.ID("links"), "Metropolitan Police | https://www.met.police.uk"),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	tb.notice("The crisis is declared: every page shows it.")
	banner := tb.text(`[role=alert].crisis`)
	for _, s := range []string{"Attack in central London", "Stay indoors", "999", "Police, ambulance, fire", "0800 789 321", "Metropolitan Police"} {
		if !strings.Contains(banner, s) {
			t.Fatalf("English banner lacks %q: %s", s, banner)
		}
	}

	fr := e.openTab(t, "fr")
	fr.open("/")
	fr.until(`document.querySelector("[role=alert].crisis") !== null`)
	banner = fr.text(`[role=alert].crisis`)
	for _, s := range []string{"Attaque dans le centre de Londres", "Numéros d’urgence", "999", "Police, ambulance, pompiers",
		"Stay indoors"} { // the message was given in English only
		if !strings.Contains(banner, s) {
			t.Fatalf("French banner lacks %q: %s", s, banner)
		}
	}
	fr.until(`document.querySelector(".crisis p[lang=en]") !== null`) // the English message is marked as such

	tb.open("/admin/crisis")
	tb.do(chromedp.Click(chromedp.CSS(`button[name=end]`)))
	tb.notice("The crisis is over: the banner is gone.")
	tb.until(`document.querySelector(".crisis") === null`)
}
