package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/moderation"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
)

// reportT0 is when the reports of these tests are filed.
var reportT0 = time.Date(2026, 11, 13, 21, 30, 0, 0, time.UTC)

// A visitor reports a tool from its page, without an account; the answer
// says when a moderator is due to decide, and a moderator sees the report
// and decides it from the moderation page.
func TestReportAToolAndDecideIt(t *testing.T) {
	e := newEnv(t)
	team := e.user("team@example.org", auth.RoleParticipant)
	e.user("mod@example.org", auth.RoleModerator)
	e.published(team, manifest("propagande", "Propagande", "A tool"))
	e.clock.Set(reportT0)

	visitor := e.browser()
	visitor.get("/plugins/propagande").want(t, 200, `href="/plugins/propagande/report"`, "Report this tool")
	visitor.get("/plugins/propagande/report").want(t, 200, `<select id="reason" name="reason"`, "Terrorist content")
	visitor.post("/plugins/propagande/report", url.Values{"reason": {"spam"}, "details": {""}}).
		want(t, http.StatusUnprocessableEntity, `id="reason-error"`, `id="details-error"`)
	p := visitor.post("/plugins/propagande/report", url.Values{"reason": {"terrorist_content"},
		"details": {"Links to a propaganda video"}, "contact": {"witness@example.org"}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: status %d", p.StatusCode)
	}
	visitor.get(p.Header.Get("Location")).want(t, 200, "your report is received", "13 November 2026, 23:00 UTC")

	mod := e.browser()
	mod.signIn("mod@example.org")
	e.clock.Set(reportT0.Add(100 * time.Minute))
	q := mod.get("/moderation").want(t, 200, `href="/moderation"`, "witness@example.org", "overdue by 10 min", "Links to a propaganda video")
	if !strings.Contains(q.body, `action="/moderation/1/resolve"`) {
		t.Fatalf("no resolve form:\n%s", q.body)
	}
	p = mod.post("/moderation/1/resolve", url.Values{"action": {"takedown"}, "note": {"Propaganda video"}})
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/moderation?done=resolved" {
		t.Fatalf("resolve: status %d to %s", p.StatusCode, p.Header.Get("Location"))
	}
	mod.get("/moderation").want(t, 200, "No report here.")
	visitor.get("/plugins/propagande").want(t, 404)

	owner := e.browser()
	owner.signIn(team.Email)
	if strings.Contains(owner.get("/my/plugins/propagande").body, "witness@") {
		t.Fatal("the owner sees the reporter's contact")
	}
	owner.get("/my/plugins/propagande").want(t, 200, "report 1: terrorist_content — Propaganda video", `action="/my/plugins/propagande/appeal"`)
	p = owner.post("/my/plugins/propagande/appeal", url.Values{"report": {"1"}, "message": {"We document propaganda."}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("appeal: status %d: %s", p.StatusCode, p.body)
	}
	owner.get(p.Header.Get("Location")).want(t, 200, "Your appeal is sent", "Your appeal was sent on")
	mod.post("/moderation/1/resolve", url.Values{"action": {"dismiss"}}).want(t, http.StatusForbidden, "another moderator must decide the appeal")
}

// Only moderators (and administrators) open the moderation page, and only
// they see its link.
func TestTheModerationPageIsForModerators(t *testing.T) {
	e := newEnv(t)
	org := e.browser()
	org.signIn(e.user("org@example.org", auth.RoleOrganizer).Email)
	if strings.Contains(org.get("/").body, `href="/moderation"`) {
		t.Error("an organizer is shown the moderation link")
	}
	org.get("/moderation").want(t, http.StatusForbidden)
	admin := e.browser()
	admin.signIn(e.user("root@example.org", auth.RoleAdmin).Email)
	admin.get("/").want(t, 200, `href="/moderation"`)
	admin.get("/moderation").want(t, 200)
}

// The report form shares the API's allowance per address.
func TestTheReportFormIsRateLimited(t *testing.T) {
	e := newEnvWith(t, func(o *platformtest.Options) { o.ReportsPerHour = 1 })
	team := e.user("team@example.org", auth.RoleParticipant)
	e.published(team, manifest("propagande", "Propagande", "A tool"))
	b := e.browser()
	form := url.Values{"reason": {"other"}, "details": {"Broken"}}
	if p := b.post("/plugins/propagande/report", form); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("first report: %d", p.StatusCode)
	}
	p := b.post("/plugins/propagande/report", form).want(t, http.StatusTooManyRequests, "Too many reports")
	if p.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

// The transparency page publishes the figures, in French too.
func TestTransparencyPage(t *testing.T) {
	e := newEnv(t)
	team := e.user("team@example.org", auth.RoleParticipant)
	mod := platformtest.UserOf(e.Account("mod@example.org", auth.RoleModerator))
	e.published(team, manifest("propagande", "Propagande", "A tool"))
	e.clock.Set(reportT0)
	r, err := e.Moderation.Report(t.Context(), auth.User{}, "propagande", reportInput("illegal"))
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Set(reportT0.Add(65 * time.Minute))
	if _, err := e.Moderation.Resolve(t.Context(), mod, r.ID, decision("dismiss")); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.get("/transparency").want(t, 200, "Transparency report", "1 h 05 min", "100 %", "Illegal content", "2026-11")
	b.lang = "fr"
	b.get("/transparency").want(t, 200, "Rapport de transparence", "1 h 05 min", "Contenu illicite")
}

func reportInput(reason string) moderation.Input {
	return moderation.Input{Reason: reason, Details: "It relays " + reason}
}

func decision(action string) moderation.Decision { return moderation.Decision{Action: action} }
