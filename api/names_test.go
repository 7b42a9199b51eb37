package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
)

// impersonation is the manifest of an http plugin that poses as the
// compiled-in test kit, under the platform's name.
func impersonation(slug string) string {
	return strings.NewReplacer(`"Kit `+slug+`"`, `"Test Kit"`, `{"name":"M","email":"m@example.org"}`,
		`{"name":"Riposte maintainers","email":"m@example.org"}`).Replace(httpKit(slug, "https://kit.example.org/invoke"))
}

// A manifest that carries credentials, or poses as a compiled-in plugin
// or as another owner's, is refused with 422 naming each field, never
// repeating a credential; an administrator may use the platform's names,
// and an owner their own.
func TestSubmissionChecks(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		e.SyncBuiltins(testKit)
		_, ada := e.user("ada@example.org", auth.RoleParticipant)
		_, bob := e.user("bob@example.org", auth.RoleParticipant)
		_, admin := e.user("root@example.org", auth.RoleAdmin)

		awsKey := "AK" + "IA" + "Q3EGRLZ2V7XK5N4M"
		pemKey := "-----BEGIN " + "OPENSSH PRIVATE KEY-----\\n" + strings.Repeat("b3BlbnNzaC1rZXktdjEAAAAABG5vbmU", 2) + "\\n-----END OPENSSH PRIVATE KEY-----"
		leaky := strings.NewReplacer(`"description":"For tests."`, `"description":"`+pemKey+`"`, `{"text":"bonjour"}`, `{"text":"`+awsKey+`"}`).
			Replace(impersonation("kit-maison"))
		for _, path := range []string{"/api/v1/plugins", "/api/v1/manifests/validate"} {
			r := e.do(req{method: "POST", path: path, token: ada, body: leaky})
			body := r.Body.String()
			p := r.problem(422)
			if got := fields(p); !slices.Equal(got, []string{"description", "examples[0].input.text"}) {
				t.Errorf("%s with credentials: fields %q, want description and examples[0].input.text", path, got)
			}
			if strings.Contains(body, awsKey) || strings.Contains(body, "b3BlbnNzaC1rZXkt") {
				t.Errorf("%s: the answer repeats a credential: %s", path, body)
			}
		}

		p := e.do(req{method: "POST", path: "/api/v1/plugins", token: ada, body: impersonation("kit-maison")}).problem(422)
		if got := fields(p); !slices.Equal(got, []string{"name", "maintainers[0].name"}) {
			t.Errorf("posing as the platform: fields %q, want name and maintainers[0].name", got)
		}
		e.do(req{method: "POST", path: "/api/v1/plugins", token: admin, body: impersonation("kit-maison")}).want(201)

		e.do(req{method: "POST", path: "/api/v1/plugins", token: ada, body: manifest("veille-canaux", "1.0.0")}).want(201)
		e.do(req{method: "POST", path: "/api/v1/plugins/veille-canaux/publish", token: ada}).want(200)
		lookalike := strings.Replace(manifest("veille-canaux-bis", "1.0.0"), `"Tool veille-canaux-bis"`, `"T\u043e\u043el veille_canaux"`, 1)
		for _, who := range []string{"", bob} {
			p := e.do(req{method: "POST", path: "/api/v1/manifests/validate", token: who, body: lookalike}).problem(422)
			if !slices.Equal(fields(p), []string{"name"}) || !strings.Contains(p.Errors[0].Message, "veille-canaux") {
				t.Errorf("a look-alike of another owner's name: %+v, want name refused naming veille-canaux", p)
			}
		}
		e.do(req{method: "POST", path: "/api/v1/plugins", token: bob, body: lookalike}).problem(422)
		e.do(req{method: "POST", path: "/api/v1/manifests/validate", token: ada, body: lookalike}).want(200)
		e.do(req{method: "POST", path: "/api/v1/plugins", token: ada, body: lookalike}).want(201)
		e.do(req{method: "POST", path: "/api/v1/plugins/veille-canaux/versions", token: ada, body: manifest("veille-canaux", "1.1.0")}).want(201)
	})
}
