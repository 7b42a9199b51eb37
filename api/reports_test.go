package api_test

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// t0 is when the reports of these tests are filed.
var reportT0 = time.Date(2026, 11, 13, 21, 30, 0, 0, time.UTC)

// report files a report and returns the receipt.
func (e *env) report(slug, reason, contact string) api.ReportReceipt {
	e.t.Helper()
	var r api.ReportReceipt
	e.do(req{method: "POST", path: "/api/v1/plugins/" + slug + "/reports",
		body: map[string]string{"reason": reason, "details": "It relays " + reason, "contact": contact}}).want(201).json(&r)
	return r
}

// resolve decides a report and returns the answer.
func (e *env) resolve(token string, id int64, action string) response {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/api/v1/reports/" + itoa(id) + "/resolve", token: token,
		body: map[string]string{"action": action, "note": "decided " + action}})
}

// queue returns the moderation queue of a status ("" for the default).
func (e *env) queue(token, status string) api.List[api.ReportResponse] {
	e.t.Helper()
	var l api.List[api.ReportResponse]
	e.do(req{method: "GET", path: "/api/v1/reports?status=" + status, token: token}).want(200).json(&l)
	return l
}

func TestReportsAreValidatedAndClocked(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, owner := e.user("owner@example.org", auth.RoleParticipant)
		e.publishedPlugin(owner, "propagande")
		e.createPlugin(owner, "brouillon")
		e.clock.Set(reportT0)

		url := "/api/v1/plugins/propagande/reports"
		for _, tc := range []struct {
			body  map[string]string
			field string
		}{
			{map[string]string{"reason": "spam", "details": "x"}, "reason"},
			{map[string]string{"reason": "other", "details": "  "}, "details"},
			{map[string]string{"reason": "other", "details": strings.Repeat("x", 5001)}, "details"},
			{map[string]string{"reason": "other", "details": "x", "contact": strings.Repeat("x", 321)}, "contact"},
		} {
			if p := e.do(req{method: "POST", path: url, body: tc.body}).problem(422); !slices.Equal(fields(p), []string{tc.field}) {
				t.Errorf("%v: fields %v, want %s", tc.body, fields(p), tc.field)
			}
		}
		e.do(req{method: "POST", path: "/api/v1/plugins/nowhere/reports", body: map[string]string{"reason": "other", "details": "x"}}).problem(404)
		e.do(req{method: "POST", path: "/api/v1/plugins/brouillon/reports", body: map[string]string{"reason": "other", "details": "x"}}).problem(404)

		urgent, other := e.report("propagande", "terrorist_content", ""), e.report("propagande", "misinformation", "")
		if urgent.Status != "open" || !urgent.DueAt.Equal(reportT0.Add(90*time.Minute)) {
			t.Errorf("terrorist content report = %+v, want open, due 90 minutes later", urgent)
		}
		if !other.DueAt.Equal(reportT0.Add(24 * time.Hour)) {
			t.Errorf("misinformation report due %v, want 24 hours later", other.DueAt)
		}
	})
}

func TestTheTakedownClockIsConfigurable(t *testing.T) {
	e := newEnv(t, func(o *options) { o.TakedownSLA = time.Hour })
	_, owner := e.user("owner@example.org", auth.RoleParticipant)
	e.publishedPlugin(owner, "propagande")
	e.clock.Set(reportT0)
	if r := e.report("propagande", "illegal", ""); !r.DueAt.Equal(reportT0.Add(time.Hour)) {
		t.Fatalf("illegal content due %v with a one-hour clock", r.DueAt)
	}
}

func TestReportsAreRateLimitedPerAddress(t *testing.T) {
	e := newEnv(t, func(o *options) { o.ReportsPerHour = 2 })
	_, owner := e.user("owner@example.org", auth.RoleParticipant)
	e.publishedPlugin(owner, "propagande")
	body := map[string]string{"reason": "other", "details": "x"}
	for range 2 {
		e.do(req{method: "POST", path: "/api/v1/plugins/propagande/reports", body: body, remote: "198.51.100.7:1234"}).want(201)
	}
	r := e.do(req{method: "POST", path: "/api/v1/plugins/propagande/reports", body: body, remote: "198.51.100.7:1234"})
	r.problem(429)
	if r.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	e.do(req{method: "POST", path: "/api/v1/plugins/propagande/reports", body: body, remote: "198.51.100.8:1234"}).want(201)
}

func TestOnlyModeratorsSeeTheQueueAndTheContact(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, owner := e.user("owner@example.org", auth.RoleParticipant)
		_, org := e.user("org@example.org", auth.RoleOrganizer)
		_, mod := e.user("mod@example.org", auth.RoleModerator)
		_, admin := e.user("root@example.org", auth.RoleAdmin)
		e.publishedPlugin(owner, "propagande")
		e.clock.Set(reportT0)
		e.report("propagande", "misinformation", "")
		first := e.report("propagande", "terrorist_content", "witness@example.org")

		e.do(req{method: "GET", path: "/api/v1/reports"}).problem(401)
		e.do(req{method: "GET", path: "/api/v1/reports", token: owner}).problem(403)
		e.do(req{method: "GET", path: "/api/v1/reports", token: org}).problem(403)
		e.do(req{method: "GET", path: "/api/v1/reports?status=lost", token: mod}).problem(422)
		e.clock.Set(reportT0.Add(2 * time.Hour))
		q := e.queue(admin, "")
		if q.Total != 2 || q.Items[0].ID != first.ID || q.Items[0].Contact != "witness@example.org" ||
			q.Items[0].AgeSeconds != 7200 || !q.Items[0].Overdue || q.Items[1].Overdue || q.Items[0].Plugin.Slug != "propagande" {
			t.Fatalf("queue, soonest due first = %+v", q)
		}
		for _, who := range []string{"", owner, org} {
			for _, path := range []string{"/api/v1/plugins/propagande", "/api/v1/plugins?owner=me", "/api/v1/transparency"} {
				if body := e.do(req{method: "GET", path: path, token: who}).Body.String(); strings.Contains(body, "witness@") {
					t.Errorf("%s shows the reporter's contact: %s", path, body)
				}
			}
		}
		_, details := e.auditTrail(admin)
		for _, d := range details {
			if fmt.Sprint(d) != strings.ReplaceAll(fmt.Sprint(d), "witness", "") {
				t.Errorf("audit holds the contact: %v", d)
			}
		}
	})
}

func TestTakedownFromAReport(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, owner := e.user("owner@example.org", auth.RoleParticipant)
		moderator, mod := e.user("mod@example.org", auth.RoleModerator)
		_, admin := e.user("root@example.org", auth.RoleAdmin)
		e.publishedPlugin(owner, "propagande")
		e.publishedPlugin(owner, "voisin")
		e.Index()
		if hits := hitSlugs(e.search("q=propagande")); !slices.Contains(hits, "propagande") {
			t.Fatalf("search before the takedown = %v", hits)
		}
		e.clock.Set(reportT0)
		r := e.report("propagande", "terrorist_content", "")
		other := e.report("propagande", "other", "")
		elsewhere := e.report("voisin", "other", "")

		e.resolve(owner, r.ID, "takedown").problem(403)
		if p := e.resolve(mod, r.ID, "erase").problem(422); !slices.Equal(fields(p), []string{"action"}) {
			t.Fatalf("unknown action: %+v", p)
		}
		e.resolve(mod, 999, "takedown").problem(404)
		e.clock.Set(reportT0.Add(40 * time.Minute))
		var done api.ReportResponse
		e.resolve(mod, r.ID, "takedown").want(200).json(&done)
		if done.Status != "resolved" || *done.Action != "takedown" || done.ResolvedAt == nil {
			t.Fatalf("resolved report = %+v", done)
		}
		e.resolve(mod, r.ID, "dismiss").problem(409)
		e.resolve(mod, other.ID, "dismiss").problem(409) // resolved with the first

		e.do(req{method: "GET", path: "/api/v1/plugins/propagande"}).problem(404)
		var seen api.PluginResponse
		e.do(req{method: "GET", path: "/api/v1/plugins/propagande", token: owner}).want(200).json(&seen)
		want := fmt.Sprintf("report %d: terrorist_content — decided takedown", r.ID)
		if seen.Status != "removed" || seen.RemovalReason == nil || *seen.RemovalReason != want {
			t.Fatalf("owner's view = %+v, want removal_reason %q", seen, want)
		}
		e.Index()
		if hits := hitSlugs(e.search("q=propagande")); slices.Contains(hits, "propagande") {
			t.Fatalf("search still finds the plugin taken down: %v", hits)
		}
		if q := e.queue(mod, ""); q.Total != 1 || q.Items[0].ID != elsewhere.ID {
			t.Fatalf("queue after the takedown = %+v", q)
		}
		lines, _ := e.auditTrail(admin)
		lines = slices.DeleteFunc(lines, func(l string) bool {
			return strings.HasPrefix(l, "user.") || strings.HasPrefix(l, "plugin.publish") || strings.HasPrefix(l, "version.")
		})
		modID := itoa(moderator.ID)
		wantLines := []string{
			"report.create report:" + itoa(r.ID) + " -", "report.create report:" + itoa(other.ID) + " -",
			"report.create report:" + itoa(elsewhere.ID) + " -",
			"plugin.takedown plugin:propagande " + modID, "report.resolve report:" + itoa(r.ID) + " " + modID,
			"report.resolve report:" + itoa(other.ID) + " " + modID,
		}
		if !slices.Equal(lines, wantLines) {
			t.Fatalf("audit:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
		}
	})
}

// A takedown that fails leaves the report open: the plugin's removal and
// the report's resolution are one transaction.
func TestAFailedTakedownLeavesTheReportOpen(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			url := storetest.URL(t, d)
			st, err := store.Open(t.Context(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			if _, err := st.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			e := newEnv(t, func(o *options) { o.Store = st })
			_, owner := e.user("owner@example.org", auth.RoleParticipant)
			_, mod := e.user("mod@example.org", auth.RoleModerator)
			e.publishedPlugin(owner, "propagande")
			r := e.report("propagande", "terrorist_content", "")
			refuseRemovals(t, storetest.OpenSQL(t, url), d)
			if res := e.resolve(mod, r.ID, "takedown"); res.Code != 500 {
				t.Fatalf("takedown against a refusing database: %d %s", res.Code, res.Body)
			}
			if q := e.queue(mod, "open"); q.Total != 1 || q.Items[0].ID != r.ID {
				t.Fatalf("the report did not stay open: %+v", q)
			}
			e.do(req{method: "GET", path: "/api/v1/plugins/propagande"}).want(200)
		})
	}
}

// refuseRemovals makes the database refuse to mark a plugin removed.
func refuseRemovals(t *testing.T, db *sql.DB, d store.Dialect) {
	t.Helper()
	stmts := []string{`CREATE TRIGGER refuse_removal BEFORE UPDATE ON plugins WHEN NEW.status = 'removed'
		BEGIN SELECT RAISE(ABORT, 'removals refused'); END`}
	if d == store.Postgres {
		stmts = []string{`CREATE FUNCTION refuse_removal() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'removals refused'; END $$`,
			`CREATE TRIGGER refuse_removal BEFORE UPDATE ON plugins FOR EACH ROW WHEN (NEW.status = 'removed')
			EXECUTE FUNCTION refuse_removal()`}
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAppealOnceToAnotherModerator(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, owner := e.user("owner@example.org", auth.RoleParticipant)
		_, stranger := e.user("other@example.org", auth.RoleParticipant)
		_, mod := e.user("mod@example.org", auth.RoleModerator)
		_, mod2 := e.user("mod2@example.org", auth.RoleModerator)
		e.publishedPlugin(owner, "propagande")
		e.clock.Set(reportT0)
		r := e.report("propagande", "illegal", "")
		dismissed := e.report("propagande", "other", "")
		e.resolve(mod, dismissed.ID, "dismiss").want(200)
		e.resolve(mod, r.ID, "takedown").want(200)
		appeal := func(token string, id int64) response {
			return e.do(req{method: "POST", path: "/api/v1/reports/" + itoa(id) + "/appeal", token: token,
				body: map[string]string{"message": "This tool documents propaganda for researchers."}})
		}
		appeal(stranger, r.ID).problem(404)
		appeal("", r.ID).problem(401)
		appeal(owner, dismissed.ID).problem(409)
		if p := e.do(req{method: "POST", path: "/api/v1/reports/" + itoa(r.ID) + "/appeal", token: owner,
			body: map[string]string{"message": " "}}).problem(422); !slices.Equal(fields(p), []string{"message"}) {
			t.Fatalf("empty appeal: %+v", p)
		}
		e.clock.Set(reportT0.Add(3 * time.Hour))
		var rec api.ReportReceipt
		appeal(owner, r.ID).want(200).json(&rec)
		if rec.Status != "appealed" || !rec.DueAt.Equal(reportT0.Add(3*time.Hour+90*time.Minute)) {
			t.Fatalf("appeal receipt = %+v, want appealed, due 90 minutes after the appeal", rec)
		}
		appeal(owner, r.ID).problem(409)
		if q := e.queue(mod, "appealed"); q.Total != 1 || q.Items[0].AppealMessage == nil {
			t.Fatalf("appealed queue = %+v", q)
		}
		if p := e.resolve(mod, r.ID, "dismiss").problem(403); !strings.Contains(p.Detail, "another moderator") {
			t.Fatalf("the first moderator resolved the appeal: %+v", p)
		}
		e.resolve(mod2, r.ID, "dismiss").want(200)
		e.resolve(mod2, r.ID, "dismiss").problem(409)
		var back api.PluginResponse
		e.do(req{method: "GET", path: "/api/v1/plugins/propagande"}).want(200).json(&back)
		if back.Status != "published" || back.RemovalReason != nil {
			t.Fatalf("plugin after the appeal was upheld = %+v", back)
		}
		e.Index()
		if hits := hitSlugs(e.search("q=propagande")); !slices.Contains(hits, "propagande") {
			t.Fatalf("search does not find the restored plugin: %v", hits)
		}
		appeal(owner, r.ID).problem(409)
	})
}

func TestAnAppealTakenDownStaysRemoved(t *testing.T) {
	e := newEnv(t)
	ownerAccount, owner := e.user("owner@example.org", auth.RoleParticipant)
	_, mod := e.user("mod@example.org", auth.RoleModerator)
	_, admin := e.user("root@example.org", auth.RoleAdmin)
	e.publishedPlugin(owner, "propagande")
	r := e.report("propagande", "malware", "")
	e.resolve(mod, r.ID, "takedown").want(200)
	e.do(req{method: "POST", path: "/api/v1/reports/" + itoa(r.ID) + "/appeal", token: owner,
		body: map[string]string{"message": "No malware here."}}).want(200)
	e.resolve(admin, r.ID, "takedown").want(200)
	e.do(req{method: "GET", path: "/api/v1/plugins/propagande"}).problem(404)
	lines, _ := e.auditTrail(admin)
	if !slices.Contains(lines, "report.appeal report:"+itoa(r.ID)+" "+itoa(ownerAccount.ID)) {
		t.Fatalf("the appeal is not audited as the owner's: %v", lines)
	}
	if n := len(slices.DeleteFunc(lines, func(l string) bool { return !strings.HasPrefix(l, "report.") })); n != 4 {
		t.Fatalf("report steps audited: %d, want create, resolve, appeal, resolve", n)
	}
}

func TestModerationMetrics(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, owner := e.user("owner@example.org", auth.RoleParticipant)
		_, mod := e.user("mod@example.org", auth.RoleModerator)
		e.publishedPlugin(owner, "propagande")
		e.publishedPlugin(owner, "voisin")
		e.clock.Set(reportT0)
		late := e.report("propagande", "terrorist_content", "")
		e.report("voisin", "misinformation", "")
		e.report("voisin", "misinformation", "")
		e.clock.Set(reportT0.Add(30 * time.Minute))
		quick := e.report("voisin", "illegal", "")
		e.resolve(mod, quick.ID, "dismiss").want(200)
		e.clock.Set(reportT0.Add(2 * time.Hour))
		e.resolve(mod, late.ID, "takedown").want(200)
		e.clock.Set(reportT0.Add(3 * time.Hour))
		m := e.do(req{method: "GET", path: "/metrics"}).want(200).Body.String()
		for _, want := range []string{
			`riposte_reports_open{reason="misinformation"} 2`,
			`riposte_reports_open{reason="terrorist_content"} 0`,
			`riposte_reports_oldest_open_age_seconds 10800`,
			`riposte_report_resolutions_total{clock="within"} 1`,
			`riposte_report_resolutions_total{clock="past"} 1`,
		} {
			if !strings.Contains(m, want+"\n") {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}

func TestTransparencyFigures(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, owner := e.user("owner@example.org", auth.RoleParticipant)
		_, mod := e.user("mod@example.org", auth.RoleModerator)
		for _, s := range []string{"un", "deux", "trois", "quatre"} {
			e.publishedPlugin(owner, "outil-"+s)
		}
		// Four terrorist-content reports decided after 10, 20, 60 and 120
		// minutes (three within the 90-minute clock), in November; one
		// misinformation report in December, still open.
		for i, minutes := range []int{10, 20, 60, 120} {
			e.clock.Set(reportT0)
			r := e.report("outil-"+[]string{"un", "deux", "trois", "quatre"}[i], "terrorist_content", "")
			e.clock.Set(reportT0.Add(time.Duration(minutes) * time.Minute))
			e.resolve(mod, r.ID, []string{"takedown", "dismiss"}[i%2]).want(200)
		}
		e.clock.Set(time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))
		e.report("outil-deux", "misinformation", "")

		var tr api.TransparencyResponse
		e.do(req{method: "GET", path: "/api/v1/transparency"}).want(200).json(&tr)
		wantMonths := []api.TransparencyMonth{
			{Month: "2026-11", Reason: "terrorist_content", Reports: 4, Takedowns: 2, Dismissals: 2},
			{Month: "2026-12", Reason: "misinformation", Reports: 1},
		}
		if !slices.Equal(tr.Months, wantMonths) {
			t.Fatalf("months = %+v, want %+v", tr.Months, wantMonths)
		}
		// Nearest rank over 600, 1200, 3600, 7200 s: median rank 2, p90 rank 4.
		want := api.TransparencyFigures{Reports: 5, Takedowns: 2, Dismissals: 2, MedianSeconds: 1200, P90Seconds: 7200,
			ResolvedWithinClock: 3, ShareWithinClock: 0.75}
		if tr.Total != want || tr.SLASeconds != 5400 || tr.Percentiles != "nearest-rank" || len(tr.Reasons) != 2 {
			t.Fatalf("transparency = %+v, want total %+v", tr, want)
		}
	})
}

// A plugin taken down stops running at once, though the process had it
// in memory.
func TestATakenDownPluginStopsRunning(t *testing.T) {
	e := newInvokeEnv(t)
	_, mod := e.user("mod@example.org", auth.RoleModerator)
	body := map[string]any{"input": map[string]string{"text": "bonjour"}}
	e.invoke("test-kit", body, "").want(200)
	r := e.report("test-kit", "malware", "")
	e.resolve(mod, r.ID, "takedown").want(200)
	e.invoke("test-kit", body, "").problem(404)
}

// An administrator makes an account a moderator; the role takes effect on
// its next request, on both databases.
func TestAdministratorsAppointModerators(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		u, tok := e.user("ada@example.org", auth.RoleParticipant)
		_, admin := e.user("root@example.org", auth.RoleAdmin)
		e.do(req{method: "GET", path: "/api/v1/reports", token: tok}).problem(403)
		var changed api.UserAdminResponse
		e.do(req{method: "PATCH", path: "/api/v1/users/" + itoa(u.ID), token: admin, body: map[string]string{"role": "moderator"}}).want(200).json(&changed)
		if changed.Role != "moderator" {
			t.Fatalf("changed = %+v", changed)
		}
		e.do(req{method: "GET", path: "/api/v1/reports", token: tok}).want(200)
		var mods api.List[api.UserAdminResponse]
		e.do(req{method: "GET", path: "/api/v1/users?role=moderator", token: admin}).want(200).json(&mods)
		if mods.Total != 1 {
			t.Fatalf("moderators = %+v", mods)
		}
	})
}
