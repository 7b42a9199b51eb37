package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
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
	form := b.get("/plugins/rumeur").want(t, http.StatusOK)
	if strings.Contains(form.body, "language of the answer") {
		t.Error("a hint repeats the field's title, in English")
	}
	form.inOrder(t,
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

// Each plugin page says who maintains the tool and how to reach them, and
// how to use it: the form and the API for a tool that runs here, saying
// where what one types goes; the team's pages for one described only.
func TestPluginPageSaysWhoMaintainsItAndHowToUseIt(t *testing.T) {
	e := newEnv(t)
	e.builtins()
	owner := e.user("owner@example.org", auth.RoleParticipant)
	e.published(owner, manifest("guide-reponse", "Guide", "A guide to answering propaganda", "homepage: https://guide.example.org"))
	e.published(owner, strings.Replace(manifest("veille-http", "Veille", "Watches rumours"), "runtime: {type: none}",
		`runtime: {type: http, endpoint: "https://tool.example.org/invoke"}
input_schema: {type: object, properties: {q: {type: string}}}
output_schema: {type: object}
examples: [{name: One, input: {q: x}}]`, 1))
	b := e.browser()
	b.get("/plugins/guide-reponse").want(t, http.StatusOK).inOrder(t,
		"<dt>Maintainers</dt>", `<a href="mailto:ada@example.org" dir="auto">Ada</a>`,
		`<h2 id="howto-h">How to use it</h2>`, "This tool does not run on Riposte",
		`<a href="https://guide.example.org" rel="nofollow noopener noreferrer">its website</a>`,
		`<a href="https://example.org/guide-reponse" rel="nofollow noopener noreferrer">its source code</a>`,
		"Write to its maintainers:", `href="mailto:ada@example.org"`, "ada@example.org")
	p := b.get("/plugins/portes-ouvertes").want(t, http.StatusOK)
	p.inOrder(t, "<dt>Runs</dt><dd>On this server</dd>", "How to use it", `<a href="#try">`, "It runs on this server",
		`<a href="/api/v1/plugins/portes-ouvertes/openapi.json"`, "Write to its maintainers", `id="try"`)
	if strings.Contains(p.body, "does not run on Riposte") {
		t.Fatal("a runnable tool is said to be described only")
	}
	b.get("/plugins/veille-http").want(t, http.StatusOK).inOrder(t, "<dt>Runs</dt><dd>On its team’s server</dd>",
		"It runs on its team’s server (tool.example.org): what you type is sent there")
	b.lang = "fr"
	b.get("/plugins/guide-reponse").want(t, http.StatusOK, "Comment l’utiliser", "Cet outil ne fonctionne pas sur Riposte", "Écrivez à ses responsables")
}

// The runtime filter says in plain words where a tool runs.
func TestCatalogueFiltersSpeakPlainWords(t *testing.T) {
	e := newEnv(t)
	e.builtins()
	owner := e.user("owner@example.org", auth.RoleParticipant)
	e.published(owner, manifest("guide-reponse", "Guide", "A guide to answering propaganda"))
	e.index()
	b := e.browser()
	p := b.get("/").want(t, http.StatusOK, "<legend>Runs</legend>", ">On this server<", ">Described only<")
	if strings.Contains(p.body, "Catalogue entry only") {
		t.Fatal("the runtime filter still speaks of catalogue entries")
	}
	b.lang = "fr"
	b.get("/").want(t, http.StatusOK, "<legend>Fonctionne</legend>", ">Sur ce serveur<", ">Décrit seulement<")
}

// newEnvRunBy is newEnv for an instance whose configuration names who
// runs it and how to reach them.
func newEnvRunBy(t testing.TB, operator, contact string) *env {
	t.Helper()
	pe := platformtest.New(t, func(o *platformtest.Options) { o.Operator, o.Contact = operator, contact })
	return &env{Env: pe, t: t, srv: pe.Serve(), store: pe.Store, reg: pe.Registry, hk: pe.Hackathons, clock: pe.Clock}
}

// Every page links to a page that says what Riposte is, who runs this
// instance (as configured, never invented) and what is checked and what
// is not.
func TestAboutPageSaysWhoRunsItAndWhatIsChecked(t *testing.T) {
	e := newEnv(t)
	owner := e.user("owner@example.org", auth.RoleParticipant)
	e.published(owner, manifest("guide-reponse", "Guide", "A guide to answering propaganda"))
	b := e.browser()
	for _, path := range []string{"/", "/plugins/guide-reponse", "/hackathons", "/signin", "/signup", "/nowhere"} {
		if p := b.get(path); !strings.Contains(p.body, `<a href="/about">About Riposte</a>`) {
			t.Errorf("%s does not link to the about page:\n%s", path, p.body)
		}
	}
	p := b.get("/about").want(t, http.StatusOK, "<title>About Riposte · Riposte</title>")
	p.inOrder(t, "What Riposte is", "13 November 2015", "January 2016",
		"Who runs this site", "run by its organizers", "have not published a contact address",
		"How tools are checked", "What Riposte checks", "never changed afterwards", "SHA-256", "does not store or log what you type",
		"What Riposte does not check", "does what it says", "Being listed is not an endorsement")
	if strings.Contains(p.body, "mailto:") {
		t.Fatal("a contact is shown though none is configured")
	}
	b.lang = "fr"
	b.get("/about").want(t, http.StatusOK).inOrder(t, "Ce qu’est Riposte", "13 novembre 2015", "janvier 2016",
		"Qui gère ce site", "gérée par ses organisateurs", "Ce que Riposte vérifie", "Ce que Riposte ne vérifie pas",
		`<a href="/about">À propos de Riposte</a>`)

	for contact, link := range map[string]string{
		"civic-tech@paris.example":      `<a href="mailto:civic-tech@paris.example">civic-tech@paris.example</a>`,
		"https://paris.example/contact": `<a href="https://paris.example/contact" rel="noopener noreferrer">https://paris.example/contact</a>`,
	} {
		run := newEnvRunBy(t, "Ville de Paris <Mission civic tech>", contact)
		run.browser().get("/about").want(t, http.StatusOK, "run by <strong dir=\"auto\">Ville de Paris &lt;Mission civic tech&gt;</strong>",
			"To reach them: "+link, "to the people who run this site")
	}
}

// A participant starts from a short form that writes the manifest: a
// catalogue entry by default, the full editor one click away, every
// problem at its field, a review in the editor before registering.
func TestNewPluginFromAShortForm(t *testing.T) {
	e := newEnv(t)
	ada := e.user("ada@example.org", auth.RoleParticipant)
	e.published(ada, manifest("deja-pris", "Taken", "Already there"))
	b := e.browser()
	b.signIn("ada@example.org")
	b.get("/my/new").want(t, http.StatusOK, `<a href="/my/new/manifest">`, `id="new-name"`, `id="new-slug"`, `id="new-summary"`,
		`name="categories" value="counter-speech"`, `name="languages" value="ar"`, `<option>AGPL-3.0-or-later</option>`,
		`id="new-runtime-none" name="runtime" value="none" checked`, `id="new-runtime-http" name="runtime" value="http" aria-describedby`,
		"You will be named as its maintainer: Name ada (ada@example.org).")
	b.get("/my/new/manifest").want(t, http.StatusOK, `<textarea id="manifest"`, `action="/my/new/manifest"`, `<a href="/my/new">`)

	// Nothing filled in: every problem at its field, in the page's language.
	b.lang = "fr"
	p := b.post("/my/new", url.Values{"action": {"register"}}).want(t, http.StatusUnprocessableEntity, `id="problems"`)
	for _, f := range []string{"name", "slug", "summary", "categories", "languages", "license", "repository"} {
		if !strings.Contains(p.body, `id="new-`+f+`-error"`) || !strings.Contains(p.body, `href="#new-`+f+`"`) {
			t.Errorf("no error at %s:\n%s", f, p.body)
		}
	}
	p.inOrder(t, `id="new-name" name="name"`, `aria-describedby="new-name-hint new-name-error" aria-invalid="true"`,
		`<p class="field-error" id="new-name-error">Donnez un nom à l’outil`)
	p.inOrder(t, `<fieldset id="new-categories" aria-describedby="new-categories-hint new-categories-error">`,
		"Choisissez une à trois catégories.")

	// A taken slug, a licence typed by hand; what was typed is kept.
	form := url.Values{"name": {"Déjà pris"}, "slug": {"deja-pris"}, "summary": {"Watch rumours"}, "categories": {"detection", "research"},
		"languages": {"fr", "ar"}, "other_languages": {"de, tr"}, "license": {"other"}, "other_license": {"LGPL-3.0-or-later"},
		"repository": {"https://example.org/veille"}, "runtime": {"none"}, "action": {"register"}}
	b.lang = "en"
	b.post("/my/new", form).want(t, http.StatusConflict, `id="new-slug-error">This short name is taken`,
		`value="Déjà pris"`, `value="de, tr"`, `value="LGPL-3.0-or-later"`, `id="new-category-research" name="categories" value="research" checked`)

	// Reviewing shows the manifest in the editor, written from the form, the slug derived from the name.
	form.Set("slug", "")
	form.Set("name", "Veille des rumeurs")
	form.Set("action", "review")
	p = b.post("/my/new", form).want(t, http.StatusOK, `<textarea id="manifest"`, `action="/my/new/manifest"`,
		"Riposte wrote this manifest from your answers.")
	p.inOrder(t, "slug: veille-des-rumeurs", "name: Veille des rumeurs", "version: 0.1.0", "categories: [detection, research]",
		"languages: [fr, ar, de, tr]", "license: LGPL-3.0-or-later", "repository: https://example.org/veille",
		"- name: Name ada", "email: ada@example.org", "runtime: {type: none}")

	// Registering directly makes a draft catalogue entry.
	form.Set("action", "register")
	p = b.post("/my/new", form).want(t, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/my/plugins/veille-des-rumeurs?done=created" {
		t.Fatalf("registered, then sent to %s", loc)
	}
	b.get("/my/plugins/veille-des-rumeurs").want(t, http.StatusOK, "Draft", "Veille des rumeurs")
}

// A tool on its team's server gets a starting input and output; its
// address is checked at its field.
func TestNewPluginOnItsTeamsServer(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", auth.RoleParticipant)
	b := e.browser()
	b.signIn("ada@example.org")
	form := url.Values{"name": {"Vérif"}, "summary": {"Checks a message"}, "categories": {"detection"}, "languages": {"fr"},
		"license": {"MIT"}, "repository": {"https://example.org/verif"}, "runtime": {"http"}, "endpoint": {"ftp://verif.example.org/invoke"},
		"action": {"register"}}
	b.post("/my/new", form).want(t, http.StatusUnprocessableEntity, `id="new-endpoint-error"`,
		`aria-describedby="new-endpoint-hint new-endpoint-error" aria-invalid="true"`, `value="ftp://verif.example.org/invoke"`)
	form.Set("endpoint", "https://verif.example.org/invoke")
	form.Set("action", "review")
	b.post("/my/new", form).want(t, http.StatusOK).inOrder(t, "runtime: {type: http, endpoint: &#39;https://verif.example.org/invoke&#39;}",
		"input_schema:", "output_schema:", "x-riposte-headline: result", "examples:")
	form.Set("action", "register")
	b.post("/my/new", form).want(t, http.StatusSeeOther)
	e.browser().get("/plugins/verif").want(t, http.StatusNotFound)                                   // a draft
	b.get("/plugins/verif").want(t, http.StatusOK, "<dd>On its team’s server</dd>", "Text to check") // its owner sees the draft
}
