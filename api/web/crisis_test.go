package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/crisis"
)

// declare declares a crisis in France through the service.
func (e *env) declare(title, message map[string]string) {
	e.t.Helper()
	c := crisis.Crisis{Active: true, Title: title, Message: message, Region: "FR", ExpiresAt: time.Now().Add(time.Hour),
		Links: []crisis.Link{{Label: "Préfecture de police", URL: "https://www.prefecturedepolice.interieur.gouv.fr"}}}
	if err := e.Crisis.Set(context.Background(), c, nil); err != nil {
		e.t.Fatal(err)
	}
}

func TestEveryPageShowsTheCrisisInItsLanguage(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	if p := b.get("/about").want(t, 200); strings.Contains(p.body, `role="alert"`) {
		t.Fatal("a banner without a crisis")
	}
	e.declare(map[string]string{"fr": "Attaque en cours", "en": "Attack under way"},
		map[string]string{"fr": "Restez à l'abri."})
	for _, path := range []string{"/", "/about", "/hackathons", "/signin", "/no-such-page"} {
		b.lang = "en"
		p := b.get(path)
		for _, s := range []string{`class="crisis" role="alert"`, "Attack under way", "Emergency numbers:", `href="tel:112"`, "<strong>17</strong>",
			"Police (police and gendarmerie)", `href="https://www.prefecturedepolice.interieur.gouv.fr"`,
			`lang="fr" dir="auto">Restez à l&#39;abri.`} {
			if !strings.Contains(p.body, s) {
				t.Fatalf("%s in English lacks %q:\n%s", path, s, p.body)
			}
		}
		b.lang = "fr"
		p = b.get(path)
		for _, s := range []string{"Attaque en cours", "Numéros d’urgence", "Police secours (police et gendarmerie)", `dir="auto">Restez à l&#39;abri.`} {
			if !strings.Contains(p.body, s) {
				t.Fatalf("%s in French lacks %q:\n%s", path, s, p.body)
			}
		}
	}
}

func TestTheCataloguePutsEmergencyToolsFirstDuringACrisis(t *testing.T) {
	e := newEnv(t)
	u := e.user("ada@example.org", auth.RoleParticipant)
	// Without a query, tools equal in every other way come in no set order;
	// with "abris", the others match it in their names too and rank above
	// the emergency tool, unless a crisis puts it first.
	e.published(u, strings.Replace(manifest("urgence-nuit", "Urgence nuit", "Abris pour la nuit"), "[counter-speech]", "[emergency]", 1))
	for _, name := range []string{"Alerte abris", "Veille abris", "Carte abris", "Relais abris"} {
		e.published(u, manifest(strings.ToLower(strings.ReplaceAll(name, " ", "-")), name, "Abris pour la nuit"))
	}
	e.index()
	first := func(path string) string {
		t.Helper()
		body := e.browser().get(path).want(t, 200).body
		i := strings.Index(body, `href="/plugins/`)
		if i < 0 {
			t.Fatalf("%s: no hit:\n%s", path, body)
		}
		slug, _, _ := strings.Cut(body[i+len(`href="/plugins/`):], `"`)
		return slug
	}
	if first("/?q=abris") == "urgence-nuit" {
		t.Fatal("the emergency tool comes first without a crisis: the test shows nothing")
	}
	e.declare(map[string]string{"en": "Attack"}, map[string]string{"en": "Stay indoors."})
	if got := first("/"); got != "urgence-nuit" {
		t.Errorf("catalogue without a query: %s first", got)
	}
	if got := first("/?q=abris"); got != "urgence-nuit" {
		t.Errorf("catalogue search: %s first", got)
	}
}

func TestAdministratorsDeclareAndEndACrisisFromTheirPage(t *testing.T) {
	e := newEnv(t)
	e.user("part@example.org", auth.RoleParticipant)
	e.user("admin@example.org", auth.RoleAdmin)
	part := e.browser()
	part.signIn("part@example.org")
	part.get("/admin/crisis").want(t, http.StatusForbidden)
	if p := part.post("/admin/crisis", url.Values{"title_en": {"x"}}); p.StatusCode != http.StatusForbidden {
		t.Fatalf("a participant declared a crisis: %d", p.StatusCode)
	}

	b := e.browser()
	b.signIn("admin@example.org")
	b.get("/admin/crisis").want(t, 200, "No crisis is in force.", `href="/admin/crisis"`)
	p := b.post("/admin/crisis", url.Values{"title_en": {""}, "message_en": {"Stay indoors."}, "region": {"FR"}, "hours": {"200"},
		"links": {"Police | http://example.org"}})
	p.want(t, http.StatusUnprocessableEntity, "Give a title of at most 120 characters", "Give a whole number of hours, from 1 to 168.",
		"Give at most 5 links", `href="#title_fr"`, `href="#hours"`, `href="#links"`, "Stay indoors.")
	if _, ok, _ := e.Crisis.Current(context.Background()); ok {
		t.Fatal("a refused form declared a crisis")
	}
	p = b.post("/admin/crisis", url.Values{"title_en": {"Attack under way"}, "message_fr": {"Restez chez vous."}, "region": {"FR"},
		"hours": {"12"}, "links": {"Préfecture de police | https://www.prefecturedepolice.interieur.gouv.fr\n"}})
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/admin/crisis?done=crisisset" {
		t.Fatalf("declare: %d %s\n%s", p.StatusCode, p.Header.Get("Location"), p.body)
	}
	c, ok, err := e.Crisis.Current(context.Background())
	if err != nil || !ok || c.Title["en"] != "Attack under way" || len(c.Links) != 1 || c.ExpiresAt.Sub(time.Now()) > 12*time.Hour {
		t.Fatalf("declared: %+v %v %v", c, ok, err)
	}
	b.get("/admin/crisis?done=crisisset").want(t, 200, "The crisis is declared", "A crisis is in force until", "Renew the crisis",
		`value="Attack under way"`, "Préfecture de police | https://www.prefecturedepolice.interieur.gouv.fr")
	p = b.post("/admin/crisis", url.Values{"end": {"1"}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("end: %d", p.StatusCode)
	}
	if _, ok, _ := e.Crisis.Current(context.Background()); ok {
		t.Fatal("the crisis did not end")
	}
}
