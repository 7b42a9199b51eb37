package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/seed"
)

// seeded loads the seed catalogue, as a first start does: the example
// entries, the editions and the tools of seed/wasm, whose modules run in
// the platform's sandbox.
func (e *env) seeded() {
	e.t.Helper()
	r, err := seed.Load(e.t.Context(), e.SeedDeps())
	if err != nil {
		e.t.Fatal(err)
	}
	if r.Tools.Created != 2 {
		e.t.Fatalf("seed: %s; skipped %v", r, r.Skipped)
	}
	e.index()
}

// A moderator opens the seeded codes-veille tool in French, reads that it
// runs here, sandboxed, and that what they paste goes nowhere else, then
// tries it: the answer opens with its headline, then the term found, its
// kind by a label, not a code. Screenshots at 1280 and 390 pixels are kept.
func TestBrowserTriesTheSeededWASMTool(t *testing.T) {
	e := newEnv(t)
	e.seeded()
	tb := e.openTab(t, "fr")
	tb.open("/plugins/codes-veille")
	if facts := tb.text(".facts"); !strings.Contains(facts, "Sur ce serveur, isolé") {
		t.Fatalf("facts: %s", facts)
	}
	if howto := tb.text(".howto"); !strings.Contains(howto, "Il fonctionne sur ce serveur, isolé") ||
		!strings.Contains(howto, "n’est envoyé nulle part ailleurs, et Riposte ne le conserve pas") {
		t.Fatalf("how to use it: %s", howto)
	}
	if label := tb.text(`label[for="try-text"]`); !strings.HasPrefix(label, "Texte à lire") {
		t.Fatalf("the text field is labelled %q", label)
	}
	tb.do(chromedp.SetValue(chromedp.ID("try-text"), "Revendication relayée par l'agence Amaq ce matin"),
		chromedp.SetValue(chromedp.ID("try-language"), "fr"),
		chromedp.Click(chromedp.CSS(`#try button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".answer-headline")))
	if h := tb.text(".answer-headline-value"); !strings.HasPrefix(h, "1 terme du lexique trouvé : Amaq.") {
		t.Fatalf("headline %q", h)
	}
	if label := tb.text(".answer-headline-label"); label != "En bref" {
		t.Fatalf("headline label %q", label)
	}
	// The headline first, then the count, then the term with its kind's
	// label, what it means and its sources; the language code is hidden.
	tb.until(`(() => {
		const dts = [...document.querySelectorAll(".output dt")];
		const top = s => { const e = dts.find(d => d.textContent === s); return e ? e.getBoundingClientRect().top : NaN; };
		const h = document.querySelector(".answer-headline").getBoundingClientRect().top;
		return h < top("Termes trouvés") && top("Termes trouvés") < top("Terme") && top("Terme") < top("Ce que c'est") &&
			top("Ce que c'est") < top("Ce que cela veut dire") && top("Ce que cela veut dire") < top("Sources") &&
			!dts.some(d => d.textContent === "Language" || d.textContent === "Id" || d.textContent === "Normalized");
	})()`)
	if out := tb.text(".output"); !strings.Contains(out, "Un média de la propagande") || !strings.Contains(out, "Europol") {
		t.Fatalf("answer: %s", out)
	}
	tb.screenshotAt("codes-veille", 1280, "")
	tb.screenshotAt("codes-veille", phone, "")
	tb.until(`document.documentElement.scrollWidth <= window.innerWidth`) // nothing overflows a phone's width
}

// The catalogue's runtime filter "On this server, sandboxed" lists the two
// seeded tools, and only them.
func TestBrowserFiltersTheToolsThatRunSandboxed(t *testing.T) {
	e := newEnv(t)
	e.seeded()
	tb := e.openTab(t, "en")
	tb.open("/")
	tb.until(`document.querySelector("input[name=runtime][value=wasm]").labels[0].textContent.startsWith("On this server, sandboxed 2")`)
	tb.do(chromedp.Click(chromedp.CSS(`input[name=runtime][value=wasm]`)))
	tb.until(`document.getElementById("count").textContent.trim() === "2 tools" && location.search.includes("runtime=wasm")`)
	results := tb.text("#results")
	for _, name := range []string{"Bonjour", "Codes Veille"} {
		if !strings.Contains(results, name) {
			t.Errorf("%s missing from the filtered results: %s", name, results)
		}
	}
	tb.do(chromedp.Click(chromedp.CSS(`a[href="/plugins/bonjour"]`)), chromedp.WaitVisible(chromedp.ID("try")))
	tb.audit()
}

// A sandboxed tool's page says that what people type is not stored; in
// development mode, where the first bytes of a module's error output go to
// the server's log, it also says that, since a tool could repeat the input
// there. In production that output is discarded and the page says nothing
// more.
func TestSandboxedToolPageSaysWhereItsErrorsGo(t *testing.T) {
	for _, production := range []bool{false, true} {
		e := newEnvWith(t, func(o *platformtest.Options) { o.Production = production })
		e.seeded()
		p := e.browser().get("/plugins/bonjour").want(t, 200, "what you type is sent nowhere else, and Riposte does not store it.")
		if got := strings.Contains(p.body, "development mode"); got != !production {
			t.Errorf("production %v: the page mentions development mode: %v, want %v", production, got, !production)
		}
	}
}
