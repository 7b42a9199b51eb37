package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	_ "github.com/riposte-civic/riposte/plugins/rumeur" // the rumour check, tried below
)

// inOrder fails unless the body holds every text, in this order.
func (p page) inOrder(t testing.TB, texts ...string) {
	t.Helper()
	at := 0
	for _, s := range texts {
		i := strings.Index(p.body[at:], s)
		if i < 0 {
			t.Fatalf("%s %s: body lacks %q after offset %d:\n%s", p.Request.Method, p.Request.URL.Path, s, at, p.body)
		}
		at += i + len(s)
	}
}

// The rumour check's answer reads as a result: its conclusion first and
// large, then the rumour with its verdict, debunk and fact-checks, then
// the advice; titles in the page's language; codes and keys hidden. Its
// form is labelled in the page's language, in the schema's order.
func TestRumourCheckReadsAsAResult(t *testing.T) {
	e := newEnv(t)
	e.builtins()
	b := e.browser()
	b.lang = "fr"
	b.get("/plugins/rumeur").want(t, http.StatusOK).inOrder(t,
		`<label for="try-message">Message à vérifier`, "Le texte reçu ou vu, en français ou en anglais",
		`<label for="try-language">Langue de la réponse`, `<option value="fr" selected>Français</option>`, `<option value="en">Anglais</option>`)
	p := b.post("/plugins/rumeur/try", url.Values{"message": {"URGENT : l'un des kamikazes de Paris était un sikh converti, regardez la photo avec son coran"},
		"language": {"fr"}}).want(t, http.StatusOK)
	p.inOrder(t, `<h3>Réponse</h3>`, `class="answer-headline"`, "Conclusion",
		"Faux : ce message ressemble à une rumeur démentie (Attentats du 13 novembre 2015, Paris).",
		"Rumeurs démenties auxquelles il ressemble", "<dt>Verdict</dt><dd><span", ">Faux</span>", "Ce qui a circulé", "Démenti",
		"<dt>Vérifications</dt>", `<a href="https://www.nbcnews.com/`, `rel="noopener noreferrer nofollow"`, "Événement", "Date de diffusion",
		`<time datetime="2015-11-14">14 novembre 2015</time>`, "Comment vérifier par vous-même", "Conseil", "Réponse brute (JSON)", `&#34;verdict_label&#34;`)
	answer := p.body[strings.Index(p.body, `class="answer"`):strings.Index(p.body, "<details>")]
	for _, hidden := range []string{"jubbal-photo", "verdict_label", ">false<", "Language", "Langue"} {
		if strings.Contains(answer, hidden) {
			t.Errorf("the answer shows %q:\n%s", hidden, answer)
		}
	}
	// In English, with nothing matching, the conclusion says so first.
	b.lang = "en"
	b.post("/plugins/rumeur/try", url.Values{"message": {"The town council meets on Tuesday."}, "language": {"en"}}).
		want(t, http.StatusOK).inOrder(t, "Conclusion", "No known debunked rumour resembles this message.",
		"Debunked rumours it resembles", "None", "How to check for yourself", "reverse image search")
}
