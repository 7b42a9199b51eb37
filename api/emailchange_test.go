package api_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail/mailtest"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
)

var changeLink = regexp.MustCompile(`http://riposte\.test/verify\?token=(rpe_[A-Za-z0-9]+)`)

func TestEmailChangeMovesTheAccountOnceTheNewAddressIsConfirmed(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		u, tok := e.user("old@example.org", auth.RoleParticipant)
		e.Account("taken@example.org", auth.RoleParticipant)
		change := func(password, email string) response {
			return e.do(req{method: "POST", path: "/api/v1/me/email", token: tok, body: map[string]string{"password": password, "email": email}})
		}
		for _, tc := range []struct{ password, email, field string }{
			{"wrong password", "new@example.org", "password"},
			{platformtest.Password("old@example.org"), "not an address", "email"},
			{platformtest.Password("old@example.org"), "OLD@example.org", "email"},
		} {
			if p := change(tc.password, tc.email).problem(422); !slices.Equal(fields(p), []string{tc.field}) {
				t.Errorf("%q, %q: fields %v, want %s", tc.password, tc.email, fields(p), tc.field)
			}
		}
		deliver(t, e, srv, &seen, 0)

		change(platformtest.Password("old@example.org"), "new@example.org").want(202)
		got := deliver(t, e, srv, &seen, 2)
		var link, notice mailtest.Message
		for _, m := range got {
			if m.To[0] == "new@example.org" {
				link = m
			} else {
				notice = m
			}
		}
		m := changeLink.FindStringSubmatch(link.Text)
		if m == nil || link.Subject != "Confirmez votre nouvelle adresse pour Riposte" {
			t.Fatalf("message to the new address %q:\n%s", link.Subject, link.Text)
		}
		if notice.To[0] != "old@example.org" || !strings.Contains(notice.Text, "new@example.org") {
			t.Errorf("notice to %v:\n%s", notice.To, notice.Text)
		}
		e.login("old@example.org", platformtest.Password("old@example.org")) // nothing changes before the link is used

		e.do(req{method: "POST", path: "/api/v1/auth/verify", body: map[string]string{"token": m[1]}}).want(204)
		e.login("new@example.org", platformtest.Password("old@example.org"))
		e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "old@example.org", "password": platformtest.Password("old@example.org")}}).want(401)
		if moved, err := e.store.UserByID(t.Context(), u.ID); err != nil || moved.Email != "new@example.org" || moved.VerifiedAt == nil {
			t.Errorf("after confirming: %+v, %v", moved, err)
		}
		if p := e.do(req{method: "POST", path: "/api/v1/auth/verify", body: map[string]string{"token": m[1]}}).problem(422); !slices.Equal(fields(p), []string{"token"}) {
			t.Errorf("a used link: %v", fields(p))
		}
		if !audited(t, e, "auth.email_change_request", u.ID) || !audited(t, e, "auth.email_change", u.ID) {
			t.Error("the change is not in the audit log")
		}

		// A taken address answers alike, and gets nothing: only the current address is told.
		change(platformtest.Password("old@example.org"), "taken@example.org").want(202)
		if got := deliver(t, e, srv, &seen, 1); got[0].To[0] != "new@example.org" || changeLink.MatchString(got[0].Text) {
			t.Errorf("for a taken address, a message to %v:\n%s", got[0].To, got[0].Text)
		}
	}, withSMTP(t, srv))
}

func TestEmailChangeWithoutEmailRefusesATakenAddress(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("old@example.org", auth.RoleParticipant)
	e.Account("taken@example.org", auth.RoleParticipant)
	p := e.do(req{method: "POST", path: "/api/v1/me/email", token: tok,
		body: map[string]string{"password": platformtest.Password("old@example.org"), "email": "taken@example.org"}}).problem(422)
	if !slices.Equal(fields(p), []string{"email"}) {
		t.Errorf("fields %v", fields(p))
	}
}

// An account asks for at most 3 change links every 10 minutes, whatever
// the new addresses: each request also mails its current address.
func TestEmailChangeIsRateLimitedPerAccount(t *testing.T) {
	srv := mailtest.Start(t)
	e := newEnv(t, withSMTP(t, srv))
	seen := len(srv.Messages())
	_, tok := e.user("old@example.org", auth.RoleParticipant)
	var codes []int
	for _, email := range []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org"} {
		r := e.do(req{method: "POST", path: "/api/v1/me/email", token: tok,
			body: map[string]string{"password": platformtest.Password("old@example.org"), "email": email}})
		codes = append(codes, r.Code)
		if r.Code == 429 && r.Header().Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if !slices.Equal(codes, []int{202, 202, 202, 429}) {
		t.Errorf("four change requests to four addresses: %v, want the fourth refused", codes)
	}
	deliver(t, e, srv, &seen, 6) // a link and a notice for each of the three
}
