package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
)

// phone is the width of a small phone's screen, in CSS pixels.
const phone = 390

// submitUnchecked sends a form as typed, without the browser's own checks,
// to see the server's answer.
func (tb *tab) submitUnchecked(form string) {
	tb.t.Helper()
	tb.do(chromedp.Evaluate[chromedp.Void](`(f => { f.noValidate = true; f.requestSubmit(); })(document.querySelector(` + "`" + form + "`" + `))`))
}

// withoutScripts keeps the tab's pages from running any script.
func (tb *tab) withoutScripts() {
	tb.t.Helper()
	tb.plain = true
	tb.do(scripts(false))
}

// scripts lets the page run scripts, or not.
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// judged brings the fixture's edition to its judging: j1 scores its entry,
// the organizer decides it.
func (e *env) judged(f fixture) {
	e.t.Helper()
	e.clock.Set(time.Now().Add(3 * time.Hour))
	mine := e.queued(f.j1)
	if _, err := e.hk.Review(context.Background(), f.j1, "paris-2016", mine, judging.Scores{"impact": 8, "craft": 6}.Raw(), "Clear."); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.hk.Decide(context.Background(), f.org, "paris-2016", mine, hackathons.Accepted, "Prix du jury", "Bravo"); err != nil {
		e.t.Fatal(err)
	}
}

// Every page and form answer fits a phone's screen: nothing overflows
// sideways (wide tables scroll in their box, which the keyboard reaches),
// axe-core finds nothing, and the catalogue's filters fold behind a button
// above the results, with or without JavaScript.
func TestBrowserPagesFitAPhone(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	e.judged(f)

	org := e.openTab(t, "en")
	org.resize(phone)
	org.signIn(f.org.Email)
	for _, path := range []string{"/organize", "/organize/paris-2016", "/organize/paris-2016/results", "/organize/paris-2016/publish",
		"/organize/paris-2016/edit", "/hackathons/paris-2016", "/organize/new"} {
		org.open(path)
	}
	org.submitUnchecked(`form.edition-form`)
	org.until(`document.getElementById("problems") !== null`)
	// Declaring a conflict over a score asks for confirmation.
	org.open("/organize/paris-2016")
	org.do(chromedp.SetValue(chromedp.ID("c-judge"), itoa(f.j1.ID)), chromedp.SetValue(chromedp.ID("c-plugin"), e.queued(f.j1)),
		chromedp.SendKeys(chromedp.ID("c-reason"), "Mentored the team"), chromedp.Submit(chromedp.ID("c-reason")))
	org.until(`document.getElementById("confirm") !== null`)

	judge := e.openTab(t, "fr")
	judge.resize(phone)
	judge.signIn(f.j2.Email)
	judge.open("/judge")
	judge.open("/judge/paris-2016/" + e.queued(f.j2))
	judge.do(chromedp.SetValue(chromedp.ID("score-impact"), "11"))
	judge.submitUnchecked(`main form.stack`)
	judge.until(`document.getElementById("problems") !== null`)

	team := e.openTab(t, "en")
	team.resize(phone)
	team.signIn(f.team.Email)
	team.open("/my/plugins")
	team.open("/my/plugins/alpha")
	team.open("/my/new")
	team.open("/my/new/manifest")
	long := "description: |\n" + strings.Repeat("  A line of the description, long enough to fill the listing of the manifest.\n", 60)
	team.do(chromedp.SetValue(chromedp.ID("manifest"), strings.Replace(manifest("veille", "Veille", "Watch", long), "MIT", "MITT", 1)),
		chromedp.Submit(chromedp.ID("manifest")))
	team.until(`document.querySelector(".error-summary") !== null`)

	visitor := e.openTab(t, "en")
	visitor.resize(phone)
	visitor.open("/")
	visitor.until(`!document.getElementById("filters").open &&
		document.getElementById("filters").getBoundingClientRect().bottom <= document.querySelector(".hits").getBoundingClientRect().top`)
	visitor.do(chromedp.Click(chromedp.CSS(`#filters > summary`)))
	visitor.until(`document.getElementById("filters").open`)
	visitor.do(chromedp.Click(chromedp.CSS(`input[name=category][value=detection]`)))
	visitor.until(`location.search.includes("category=detection") && document.getElementById("filters").open`)
	for _, path := range []string{"/plugins/rumeur", "/hackathons", "/signin", "/signup", "/no/such/page"} {
		visitor.open(path)
	}
	visitor.open("/plugins/portes-ouvertes")
	visitor.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("try-country").add(new Option("ZZ", "ZZ", true, true))`))
	visitor.submitUnchecked(`#try form`)
	visitor.until(`document.querySelector("#try .field-error") !== null`)

	// Without JavaScript, the filters fold and unfold all the same, and a
	// button applies them.
	plain := e.openTab(t, "en")
	plain.resize(phone)
	plain.withoutScripts()
	plain.open("/")
	plain.until(`!document.getElementById("filters").open`)
	plain.do(chromedp.Click(chromedp.CSS(`#filters > summary`)))
	plain.until(`document.getElementById("filters").open`)
	plain.do(chromedp.Click(chromedp.CSS(`input[name=category][value=detection]`)), chromedp.Click(chromedp.CSS(`#filters .apply button`)))
	plain.until(`location.search.includes("category=detection")`)
}

// The catalogue, a rumour check, the judging desk and the results page,
// at a laptop's width and a phone's, saved as PNG files where CI keeps
// them (RIPOSTE_TEST_ARTIFACTS) for people to look at.
func TestBrowserScreenshotsAtTwoWidths(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	e.judged(f)
	dir := artifacts(t)
	visitor, judge := e.openTab(t, "fr"), e.openTab(t, "fr")
	judge.signIn(f.j1.Email)
	for _, width := range []int64{1280, phone} {
		visitor.resize(width)
		visitor.open("/")
		visitor.screenshot(dir, "catalogue")
		for _, path := range []string{"/plugins/rumeur", "/hackathons", "/signin", "/signup", "/no/such/page"} {
			visitor.open(path)
		}
		visitor.open("/plugins/portes-ouvertes")
		visitor.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("try-country").add(new Option("ZZ", "ZZ", true, true))`))
		visitor.submitUnchecked(`#try form`)
		visitor.until(`document.querySelector("#try .field-error") !== null`)
		visitor.do(chromedp.Click(chromedp.CSS(`#try button[type=submit]`))) // on the plugin's first example
		visitor.until(`document.querySelector(".output") !== null`)
		visitor.screenshot(dir, "emergency-numbers")
		visitor.open("/plugins/rumeur")
		visitor.do(chromedp.Click(chromedp.CSS(`#try button[type=submit]`))) // a doctored photo, its first example
		visitor.until(`(document.querySelector(".answer-headline-value") || {}).textContent.startsWith("Faux")`)
		visitor.screenshot(dir, "rumour-check")
		judge.resize(width)
		judge.open("/judge")
		judge.screenshot(dir, "judging-desk")
	}
	e.clock.Set(time.Now().Add(72 * time.Hour))
	if _, err := e.hk.PublishResults(context.Background(), f.org, "paris-2016"); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int64{1280, phone} {
		visitor.resize(width)
		visitor.open("/hackathons/paris-2016")
		visitor.screenshot(dir, "results")
	}
}
