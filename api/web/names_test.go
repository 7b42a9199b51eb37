package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
)

// The checks on submission show at their field in the short form, in the
// page's language, and on their line in the manifest editor, which never
// repeats a credential in its messages.
func TestSubmissionChecksShowAtTheirField(t *testing.T) {
	e := newEnv(t)
	ada := e.user("ada@example.org", auth.RoleParticipant)
	e.user("bob@example.org", auth.RoleParticipant)
	e.published(ada, manifest("veille-canaux", "Veille Canaux", "Watches channels"))
	b := e.browser()
	b.signIn("bob@example.org")
	form := url.Values{"name": {"Riposte Official"}, "slug": {"veille-canau"}, "summary": {"Watch channels"}, "categories": {"detection"},
		"languages": {"fr"}, "license": {"MIT"}, "repository": {"https://example.org/veille"}, "runtime": {"none"}, "action": {"register"}}
	b.post("/my/new", form).want(t, http.StatusUnprocessableEntity,
		`id="new-name-error">This cannot be published as it is: uses`, "which is the platform&#39;s name",
		`id="new-slug-error">This cannot be published as it is: is confusable with`, "veille-canaux")
	b.lang = "fr"
	b.post("/my/new", form).want(t, http.StatusUnprocessableEntity, `id="new-name-error">Ceci ne peut pas être publié tel quel : uses`)

	key := "gl" + "pat-" + "Zq8xT2mLk9Vb4Rw7Np3Y"
	text := manifest("veille-bob", "Veille Bob", "Watches channels, with "+key)
	p := b.post("/my/new/manifest", url.Values{"manifest": {text}}).want(t, http.StatusUnprocessableEntity, "holds what looks like a GitLab token")
	for _, part := range strings.Split(p.body, `class="field-error"`)[1:] {
		if msg, _, _ := strings.Cut(part, "</p>"); strings.Contains(msg, key) {
			t.Errorf("a message repeats the credential: %s", msg)
		}
	}
}
