package web_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/judging"
)

// EnvChromium names the browser the end-to-end tests drive. When it is
// set (CI sets it), the tests must run; otherwise they run when Debian's
// /usr/bin/chromium is installed and are skipped when it is not. Nothing
// downloads a browser.
const EnvChromium = "RIPOSTE_TEST_CHROMIUM"

// EnvArtifacts names a directory for the screenshots the tests take (CI
// keeps it): those of the pages at two widths, and those of failed tests.
// By default they go to the test's, or the system's, temporary directory.
const EnvArtifacts = "RIPOSTE_TEST_ARTIFACTS"

// axeVersion is the axe-core vendored in testdata/axe-core (see its
// README), which every page state the tests visit must satisfy.
const axeVersion = "4.14.1"

// loadAxe reads the vendored axe-core, checking its version and that its
// licence header is kept.
func loadAxe(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("/*! axe v"+axeVersion+"\n")) || !bytes.Contains(b[:1000], []byte("Mozilla Public")) {
		t.Fatalf("testdata/axe-core/axe.min.js is not axe-core %s with its licence header", axeVersion)
	}
	return string(b)
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(EnvChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", EnvChromium, p, err)
		}
		return p
	}
	const debian = "/usr/bin/chromium"
	if _, err := os.Stat(debian); err != nil {
		t.Skipf("no browser: install Debian's chromium (apt-get install chromium) or set %s to run the end-to-end tests", EnvChromium)
	}
	return debian
}

// tab is a headless Chromium tab on the test server.
type tab struct {
	t     *testing.T
	e     *env
	ctx   context.Context
	axe   string // axe-core's source, injected into pages
	width int64
	plain bool // the pages run no script
}

// openTab starts a headless browser for the test. When the test fails, a
// screenshot of the page is saved and its path logged.
func (e *env) openTab(t *testing.T, lang string) *tab {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", lang), chromedp.Flag("accept-lang", lang),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-proxy-server", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatalf("start %s: %v", path, err)
	}
	// Without motion, a page opened at an anchor is already where it
	// scrolls to when the test clicks: a smooth scroll under way would move
	// the button from under the pointer.
	if err := chromedp.Do(ctx, reducedMotion); err != nil {
		t.Fatalf("reduce motion: %v", err)
	}
	tb := &tab{t: t, e: e, ctx: ctx, axe: loadAxe(t), width: 1280}
	t.Cleanup(tb.screenshotOnFailure)
	return tb
}

// reducedMotion makes the tab's pages see prefers-reduced-motion: reduce.
var reducedMotion = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
	return err
})

// resize sets the width of the viewport, as a phone's (390) or a
// laptop's (1280).
func (tb *tab) resize(width int64) {
	tb.t.Helper()
	tb.width = width
	tb.do(chromedp.EmulateViewport(width, 900))
}

// axeViolation is what axe-core reports of a rule a page breaks.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRun runs every rule of axe-core on the page and keeps its violations.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help,
	nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.html.slice(0, 200))})))`

// audit checks the page as it is now: axe-core finds no violation, of any
// impact, and the page does not overflow the viewport sideways (wide
// tables scroll inside their own box). A page being replaced is audited
// once it has loaded.
func (tb *tab) audit() {
	tb.t.Helper()
	var (
		found []axeViolation
		wide  []int
		err   error
	)
	for range 5 {
		if found, wide, err = tb.runAxe(); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond) // the page was navigating
	}
	if err != nil {
		tb.t.Fatalf("axe: %v", err)
	}
	where := tb.location()
	for _, v := range found {
		tb.t.Errorf("axe at %s, %d px: %s (%s, %s):\n  %s", where, tb.width, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
	if wide[0] > wide[1] {
		tb.t.Errorf("%s overflows at %d px: %d px wide", where, tb.width, wide[0])
	}
}

// runAxe injects axe-core if the page lacks it and runs it; it also
// measures the page's width against the viewport's.
func (tb *tab) runAxe() ([]axeViolation, []int, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, 60*time.Second)
	defer cancel()
	if tb.plain { // axe-core is a script: let it run, the page's own scripts have had their chance
		if err := chromedp.Do(ctx, scripts(true)); err != nil {
			return nil, nil, err
		}
		defer chromedp.Do(ctx, scripts(false))
	}
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		return nil, nil, err
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err == nil && !loaded {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](tb.axe))
	}
	if err != nil {
		return nil, nil, err
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, nil, err
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
	return found, wide, err
}

// location is the page's path and query.
func (tb *tab) location() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		return "?"
	}
	return s
}

// artifacts is the directory the tests' screenshots go to.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(EnvArtifacts)
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves the whole page as dir/name-<width>.png, and logs where.
func (tb *tab) screenshot(dir, name string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot of %s: %v", name, err)
	}
	file := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, tb.width))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", file)
}

func (tb *tab) screenshotOnFailure() {
	if !tb.t.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100) /* 100 is PNG */)
	if err != nil {
		tb.t.Logf("no screenshot: %v", err)
		return
	}
	dir := os.Getenv(EnvArtifacts)
	if dir == "" {
		dir = os.TempDir()
	}
	os.MkdirAll(dir, 0o755)
	name := filepath.Join(dir, fmt.Sprintf("riposte-%s-%d.png", strings.ReplaceAll(tb.t.Name(), "/", "_"), time.Now().UnixNano()))
	if err := os.WriteFile(name, png, 0o644); err != nil {
		tb.t.Logf("no screenshot: %v", err)
		return
	}
	tb.t.Logf("screenshot of the failure: %s", name)
}

// do runs steps, failing the test on the first error. Each call has a
// deadline so that a missing element fails rather than hangs.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// text returns an element's visible text.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// until waits for a JavaScript condition to hold, across the page loads
// that forms cause, then audits the page.
func (tb *tab) until(cond string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond))
		if err == nil {
			tb.audit()
			return
		}
		if ctx.Err() != nil {
			tb.t.Fatalf("waiting for %s: %v", cond, err)
		}
		time.Sleep(20 * time.Millisecond) // the page was replaced while polling: ask the new one
	}
}

// notice waits for the confirmation a form leads to.
func (tb *tab) notice(text string) {
	tb.t.Helper()
	tb.until(fmt.Sprintf(`(document.querySelector(".notice") || {}).textContent === %q`, text))
}

// open goes to a page and audits it.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.e.srv.URL + path))
	tb.audit()
}

// signIn signs in through the form.
func (tb *tab) signIn(email string) {
	tb.t.Helper()
	tb.open("/signin")
	tb.do(chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password(email)),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	tb.until(`location.search.includes("done=signedin")`)
}

func TestBrowserSearchWithATypoAndAFacet(t *testing.T) {
	e := newEnv(t)
	owner := e.user("owner@example.org", auth.RoleParticipant)
	e.published(owner, manifest("signalement-haine", "Signalement haine", "Report hateful posts to the platforms"))
	e.published(owner, strings.Replace(manifest("signalement-rumeurs", "Signalement rumeurs", "Report rumours after an attack"),
		"languages: [fr, ar]", "languages: [en]", 1))
	e.published(owner, manifest("contre-recits", "Contre récits", "Write counter-speech replies"))
	e.index()
	tb := e.openTab(t, "en")
	tb.open("/")
	// The keyboard reaches the skip link first, and it is visible on focus.
	tb.do(chromedp.KeyEvent(kb.Tab))
	tb.until(`document.activeElement.classList.contains("skip") && document.activeElement.getBoundingClientRect().left >= 0`)
	// Typing with a typo narrows the results without leaving the page.
	tb.do(chromedp.SendKeys(chromedp.ID("q"), "signalemnt"))
	tb.until(`document.getElementById("count").textContent.trim() === "2 tools" && location.search.includes("q=signalemnt")`)
	if s := tb.text("#results"); !strings.Contains(s, "Signalement haine") || strings.Contains(s, "Contre récits") {
		t.Fatalf("results: %s", s)
	}
	if html := tb.text(".hit h3"); !strings.Contains(html, "Signalement") {
		t.Fatalf("first hit: %s", html)
	}
	tb.until(`document.querySelector(".hit h3 em") !== null`) // highlighted
	// A facet narrows further, and the URL says so, ready to share.
	tb.do(chromedp.Click(chromedp.CSS(`input[name=language][value=en]`)))
	tb.until(`document.getElementById("count").textContent.trim() === "1 tool" && location.search.includes("language=en")`)
	tb.until(`document.activeElement.name === "language"`) // focus stays on the facet
	shared := ""
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	shared, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	// Opening the shared URL shows the same search.
	other := e.openTab(t, "fr")
	other.do(chromedp.Navigate(shared))
	if s := other.text("#count"); s != "1 outil" {
		t.Fatalf("shared search shows %q", s)
	}
	other.do(chromedp.Click(chromedp.CSS(`a[href="/plugins/signalement-rumeurs"]`)), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h := other.text("h1"); h != "Signalement rumeurs" {
		t.Fatalf("plugin page title %q", h)
	}
}

func TestBrowserOpensAndTriesAPlugin(t *testing.T) {
	e := newEnv(t)
	e.builtins()
	tb := e.openTab(t, "en")
	tb.open("/?q=portes")
	tb.do(chromedp.Click(chromedp.CSS(`a[href="/plugins/portes-ouvertes"]`)), chromedp.WaitVisible(chromedp.ID("try")))
	tb.do(chromedp.SetValue(chromedp.ID("try-country"), "FR"), chromedp.SetValue(chromedp.ID("try-language"), "en"),
		chromedp.Click(chromedp.CSS(`#try button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".output")))
	if out := tb.text(".output"); !strings.Contains(out, "112") {
		t.Fatalf("answer: %s", out)
	}
}

func TestBrowserJudgeSignsInAndScores(t *testing.T) {
	e := newEnv(t)
	org := e.user("org@example.org", auth.RoleOrganizer)
	judge := e.user("judge@example.org", auth.RoleJudge)
	team := e.user("team@example.org", auth.RoleParticipant)
	e.edition(org, "paris-2016")
	for _, slug := range []string{"alpha", "beta"} {
		e.published(team, manifest(slug, "Tool "+slug, "Summary of "+slug))
		if _, _, err := e.hk.Submit(context.Background(), team, "paris-2016", slug); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.hk.AddJudge(context.Background(), org, "paris-2016", judge.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hk.Assign(context.Background(), org, "paris-2016", 1); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Now().Add(3 * time.Hour)) // submissions are closed: judging is open
	tb := e.openTab(t, "en")
	tb.signIn("judge@example.org")
	tb.do(chromedp.Click(chromedp.CSS(`a[href="/judge"]`)), chromedp.WaitVisible(chromedp.ID("progress")))
	if s := tb.text(".progress-line"); !strings.Contains(s, "0 of 2 scored") {
		t.Fatalf("progress: %s", s)
	}
	tb.do(chromedp.Click(chromedp.CSS(`a[href="/judge/paris-2016/alpha"]`)), chromedp.WaitVisible(chromedp.ID("score-impact")))
	if s := tb.text("main"); !strings.Contains(s, "version 1.0.0 (as submitted)") || !strings.Contains(s, "Does it help people facing propaganda?") {
		t.Fatalf("scoring form: %s", s)
	}
	tb.do(chromedp.SendKeys(chromedp.ID("score-impact"), "8"), chromedp.SendKeys(chromedp.ID("score-craft"), "6"),
		chromedp.SendKeys(chromedp.ID("comment"), "Clear and useful."),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	tb.notice("Your scores are saved. You can revise them until the judging deadline.")
	if s := tb.text(".progress-line"); !strings.Contains(s, "1 of 2 scored") {
		t.Fatalf("progress after scoring: %s", s)
	}
	// Revising shows the saved scores.
	tb.open("/judge/paris-2016/alpha")
	tb.until(`document.getElementById("score-impact").value === "8"`)
	tb.do(chromedp.SetValue(chromedp.ID("score-impact"), "9"), chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	tb.until(`location.pathname === "/judge"`)
	tb.open("/judge/paris-2016/alpha")
	tb.until(`document.getElementById("score-impact").value === "9"`)
}

func TestBrowserOrganizerAssignsAndPublishes(t *testing.T) {
	e := newEnv(t)
	org := e.user("org@example.org", auth.RoleOrganizer)
	judges := []auth.User{e.user("j1@example.org", auth.RoleJudge), e.user("j2@example.org", auth.RoleJudge)}
	team := e.user("team@example.org", auth.RoleParticipant)
	e.edition(org, "paris-2016")
	for _, slug := range []string{"alpha", "beta"} {
		e.published(team, manifest(slug, "Tool "+slug, "Summary of "+slug))
		if _, _, err := e.hk.Submit(context.Background(), team, "paris-2016", slug); err != nil {
			t.Fatal(err)
		}
	}
	tb := e.openTab(t, "fr")
	tb.signIn("org@example.org")
	tb.do(chromedp.Click(chromedp.CSS(`a[href="/organize"]`)), chromedp.Click(chromedp.CSS(`a[href="/organize/paris-2016"]`)),
		chromedp.WaitVisible(chromedp.ID("judge-email")))
	for _, j := range judges {
		tb.do(chromedp.SendKeys(chromedp.ID("judge-email"), j.Email), chromedp.Submit(chromedp.ID("judge-email")))
		tb.until(fmt.Sprintf(`document.querySelector("#judges-h + .scroll table") && document.querySelector("#judges-h + .scroll table").textContent.includes(%q)`, j.Email))
	}
	tb.do(chromedp.SetValue(chromedp.ID("per-entry"), "2"), chromedp.Submit(chromedp.ID("per-entry")))
	tb.notice("Répartition faite : 2 projets ont 2 jurés chacun.")
	// Submissions close, judges score, the deadline passes, the organizer decides and publishes.
	e.clock.Set(time.Now().Add(3 * time.Hour))
	for _, j := range judges {
		items, err := e.hk.Queue(context.Background(), j)
		if err != nil || len(items) != 2 {
			t.Fatalf("queue of %s: %v %v", j.Email, items, err)
		}
		for i, it := range items {
			if _, err := e.hk.Review(context.Background(), j, "paris-2016", it.PluginSlug, judging.Scores{"impact": 5 + 3*i, "craft": 5}.Raw(), "Noted"); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.clock.Set(time.Now().Add(72 * time.Hour))
	tb.open("/organize/paris-2016/results")
	tb.do(chromedp.Click(chromedp.CSS(`a[href$="normalize=zscore"]`)), chromedp.WaitVisible(chromedp.CSS(`strong[aria-current]`)))
	tb.do(chromedp.Click(chromedp.ID("acc-beta")), chromedp.SendKeys(chromedp.ID("award-beta"), "Prix du jury"),
		chromedp.Click(chromedp.CSS(`#entry-beta button[type=submit]`)))
	tb.notice("Décision enregistrée : Tool beta, Retenu, prix « Prix du jury ».")
	tb.do(chromedp.Click(chromedp.CSS(`a[href="/organize/paris-2016/publish"]`)), chromedp.WaitVisible(chromedp.ID("confirm-h")))
	if s := tb.text("main"); !strings.Contains(s, "1 projet n’a pas de décision") {
		t.Fatalf("the check before publishing: %s", s)
	}
	tb.do(chromedp.Click(chromedp.CSS(`form[action="/organize/paris-2016/publish"] button`)), chromedp.WaitVisible(chromedp.ID("results-h")))
	if s := tb.text("main"); !strings.Contains(s, "Tool beta") || !strings.Contains(s, "Résultats publiés") {
		t.Fatalf("published page: %s", s)
	}
}

func TestBrowserParticipantFixesAManifestAndPublishes(t *testing.T) {
	e := newEnv(t)
	tb := e.openTab(t, "en")
	// Sign up through the form.
	tb.open("/signup")
	tb.do(chromedp.SendKeys(chromedp.ID("name"), "Ada"), chromedp.SendKeys(chromedp.ID("email"), "ada@example.org"),
		chromedp.SendKeys(chromedp.ID("password"), "a long password"), chromedp.Submit(chromedp.ID("password")))
	tb.notice("Welcome! Your account is ready.")
	tb.do(chromedp.Click(chromedp.CSS(`a[href="/my/plugins"]`)), chromedp.Click(chromedp.CSS(`a[href="/my/new"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/my/new/manifest"]`)), chromedp.WaitVisible(chromedp.ID("manifest")))
	bad := strings.Replace(manifest("veille", "Veille", "Watch rumours"), "license: MIT", "license: MITT", 1)
	tb.do(chromedp.SetValue(chromedp.ID("manifest"), bad), chromedp.Submit(chromedp.ID("manifest")),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if s := tb.text("#line-7"); !strings.Contains(s, "license: MITT") || !strings.Contains(s, "license") {
		t.Fatalf("the problem is not at its line: %s", s)
	}
	tb.until(`document.getElementById("manifest").value.includes("MITT")`) // what was typed is kept
	tb.do(chromedp.SetValue(chromedp.ID("manifest"), manifest("veille", "Veille", "Watch rumours")), chromedp.Submit(chromedp.ID("manifest")))
	tb.notice("The plugin is registered as a draft. Publish it when it is ready.")
	tb.do(chromedp.Click(chromedp.CSS(`form[action="/my/plugins/veille/publish"] button`)))
	tb.notice("The plugin is published: everyone can find it now.")
	e.index()
	tb.open("/?q=veille")
	tb.do(chromedp.WaitVisible(chromedp.CSS(`a[href="/plugins/veille"]`)))
}
