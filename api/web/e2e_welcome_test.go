package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// screenshotAt saves the page as seen at a width in pixels, whole or only
// the element sel, as name-<width>.png where the other screenshots go
// (see artifacts), and logs its path.
func (tb *tab) screenshotAt(name string, width int64, sel string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
		tb.t.Fatalf("viewport %d: %v", width, err)
	}
	shot := chromedp.FullScreenshot(100)
	if sel != "" {
		shot = chromedp.Screenshot(chromedp.CSS(sel))
	}
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(artifacts(tb.t), fmt.Sprintf("%s-%d.png", name, width))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
}

// A visitor checks a rumour in French: the conclusion comes first, above
// the rumour it names, whose verdict comes before its debunk and sources,
// and the advice comes last. Screenshots at 1280 and 390 pixels are kept.
func TestBrowserRumourCheckReadsAsAResult(t *testing.T) {
	e := newEnv(t)
	e.builtins()
	tb := e.openTab(t, "fr")
	tb.open("/plugins/rumeur")
	tb.do(chromedp.WaitVisible(chromedp.ID("try-message")))
	if label := tb.text(`label[for="try-message"]`); !strings.HasPrefix(label, "Message à vérifier") {
		t.Fatalf("the message field is labelled %q", label)
	}
	tb.do(chromedp.SetValue(chromedp.ID("try-message"), "URGENT : l'un des kamikazes de Paris était un sikh converti, regardez la photo avec son coran"),
		chromedp.Click(chromedp.CSS(`#try button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".answer-headline")))
	if h := tb.text(".answer-headline-value"); !strings.HasPrefix(h, "Faux : ce message ressemble à une rumeur démentie") {
		t.Fatalf("headline %q", h)
	}
	// Top to bottom: conclusion, verdict, debunk, sources, advice; the headline in larger type.
	tb.until(`(() => {
		const top = s => { const e = [...document.querySelectorAll(".output dt")].find(d => d.textContent === s); return e ? e.getBoundingClientRect().top : NaN; };
		const h = document.querySelector(".answer-headline").getBoundingClientRect().top;
		const big = parseFloat(getComputedStyle(document.querySelector(".answer-headline-value")).fontSize) >
			parseFloat(getComputedStyle(document.querySelector(".answer-fields dd")).fontSize);
		return big && h < top("Verdict") && top("Verdict") < top("Démenti") && top("Démenti") < top("Vérifications") &&
			top("Vérifications") < top("Comment vérifier par vous-même");
	})()`)
	tb.until(`document.querySelector(".output a[href^='https://www.nbcnews.com/']").rel === "noopener noreferrer nofollow"`)
	tb.screenshotAt("rumour-verdict", 1280, "")
	tb.screenshotAt("rumour-verdict", 390, "")
	tb.screenshotAt("rumour-answer", 390, ".output")
	tb.until(`document.documentElement.scrollWidth <= window.innerWidth`) // nothing overflows a phone's width
}

// A participant registers a catalogue entry through the short form: the
// slug follows the name as it is typed, and the plugin is a draft.
func TestBrowserNewPluginFromTheShortForm(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", "participant")
	tb := e.openTab(t, "en")
	tb.signIn("ada@example.org")
	tb.open("/my/new")
	tb.do(chromedp.SendKeys(chromedp.ID("new-name"), "Veille des rumeurs"))
	tb.until(`document.getElementById("new-slug").value === "veille-des-rumeurs"`)
	tb.do(chromedp.SendKeys(chromedp.ID("new-summary"), "Watches rumours after an attack"),
		chromedp.Click(chromedp.ID("new-category-detection")), chromedp.Click(chromedp.ID("new-language-fr")),
		chromedp.SetValue(chromedp.ID("new-license"), "MIT"),
		chromedp.SendKeys(chromedp.ID("new-repository"), "https://example.org/veille"))
	tb.until(`document.getElementById("new-runtime-none").checked`)
	tb.do(chromedp.Click(chromedp.CSS(`button[value=register]`)))
	tb.notice("The plugin is registered as a draft. Publish it when it is ready.")
	tb.until(`location.pathname === "/my/plugins/veille-des-rumeurs"`)
}
