package api_test

import (
	"context"
	"log/slog"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/mail/mailtest"
)

// flush sends the mail outbox and returns what the server received since
// seen, moving seen on.
func flush(t *testing.T, e *env, srv *mailtest.Server, seen *int) []mailtest.Message {
	t.Helper()
	if _, err := e.MailRelay.Drain(t.Context()); err != nil {
		t.Fatalf("sending mail: %v", err)
	}
	got := srv.Messages()[*seen:]
	*seen += len(got)
	return got
}

// to returns the messages sent to an address.
func to(msgs []mailtest.Message, addr string) []mailtest.Message {
	var out []mailtest.Message
	for _, m := range msgs {
		if slices.Contains(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

var unsubscribeHeader = regexp.MustCompile(`^<(http://riposte\.test/unsubscribe\?token=[^>]+)>$`)

// unsubscribeURL checks a notification's List-Unsubscribe headers (RFC
// 2369 and 8058) and returns its URL.
func unsubscribeURL(t *testing.T, m mailtest.Message) string {
	t.Helper()
	u := unsubscribeHeader.FindStringSubmatch(m.Header.Get("List-Unsubscribe"))
	if u == nil || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("notification %q: List-Unsubscribe %q, List-Unsubscribe-Post %q", m.Subject,
			m.Header.Get("List-Unsubscribe"), m.Header.Get("List-Unsubscribe-Post"))
	}
	if !strings.Contains(m.Text, u[1]) {
		t.Errorf("notification %q: the text does not carry the unsubscribe link", m.Subject)
	}
	return u[1]
}

func (e *env) notifications(token string) map[string]bool {
	e.t.Helper()
	var got map[string]bool
	e.do(req{method: "GET", path: "/api/v1/me/notifications", token: token}).want(200).json(&got)
	return got
}

func TestNotificationSettings(t *testing.T) {
	e := newEnv(t)
	_, tok := e.user("ana@example.org", "participant")
	got := e.notifications(tok)
	want := []string{"collaborator_added", "deadline_reminder", "judge_assigned", "results_published", "team_activity", "version_published"}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, want) || slices.Contains(slices.Collect(maps.Values(got)), false) {
		t.Fatalf("a new account's settings: %v", got)
	}
	p := e.do(req{method: "PUT", path: "/api/v1/me/notifications", token: tok,
		body: map[string]bool{"judge_assigned": false, "password_reset": false}}).problem(422)
	if !slices.Equal(fields(p), []string{"password_reset"}) {
		t.Errorf("turning a security message off: %v", fields(p))
	}
	if !e.notifications(tok)["judge_assigned"] {
		t.Error("a refused change changed a setting")
	}
	var put map[string]bool
	e.do(req{method: "PUT", path: "/api/v1/me/notifications", token: tok, body: map[string]bool{"judge_assigned": false}}).want(200).json(&put)
	e.do(req{method: "PUT", path: "/api/v1/me/notifications", token: tok, body: map[string]bool{"results_published": true}}).want(200)
	if got := e.notifications(tok); got["judge_assigned"] || !got["results_published"] || put["judge_assigned"] {
		t.Errorf("after turning judge_assigned off: %v (answer %v)", got, put)
	}
	e.do(req{method: "PUT", path: "/api/v1/me/notifications", token: tok, body: map[string]bool{"judge_assigned": true}}).want(200)
	if !e.notifications(tok)["judge_assigned"] {
		t.Error("judge_assigned could not be turned back on")
	}
	e.do(req{method: "GET", path: "/api/v1/me/notifications"}).want(401)
	var apiTok api.APITokenCreated
	e.do(req{method: "POST", path: "/api/v1/me/tokens", token: tok, body: map[string]any{"name": "ci", "scopes": []string{"read"}}}).want(201).json(&apiTok)
	e.do(req{method: "GET", path: "/api/v1/me/notifications", token: apiTok.Token}).want(200)
	e.do(req{method: "PUT", path: "/api/v1/me/notifications", token: apiTok.Token, body: map[string]bool{"judge_assigned": false}}).want(403)
}

func TestJudgesAreToldOfNewAssignmentsAndCanUnsubscribeInOneClick(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		ed := newEdition(t, e)
		flush(t, e, srv, &seen)
		e.do(req{method: "PUT", path: "/api/v1/me/notifications", token: ed.judges["j2"], body: map[string]bool{"judge_assigned": false}}).want(200)

		assigned := ed.assign(t)
		msgs := flush(t, e, srv, &seen)
		if len(to(msgs, "j2@example.org")) != 0 || len(to(msgs, "j4@example.org")) != 0 {
			t.Errorf("a judge who turned assignments off, or got none, was written to: %d messages", len(msgs))
		}
		var one mailtest.Message
		for _, j := range []string{"j1", "j3"} {
			got := to(msgs, j+"@example.org")
			var entries []string
			for p, js := range assigned {
				if slices.Contains(js, j) {
					entries = append(entries, p)
				}
			}
			if len(entries) == 0 {
				continue
			}
			if len(got) != 1 {
				t.Fatalf("%s, assigned %v, received %d messages", j, entries, len(got))
			}
			m := got[0]
			if m.Subject != "Nouveaux projets à évaluer pour Hackathon 2026" || !strings.Contains(m.Text, "http://riposte.test/judge") ||
				!strings.Contains(m.HTML, `href="http://riposte.test/judge"`) {
				t.Errorf("%s's message: subject %q\n%s\n%s", j, m.Subject, m.Text, m.HTML)
			}
			for _, p := range []string{"alerte", "bouclier"} {
				if strings.Contains(m.Text, "("+p+")") != slices.Contains(entries, p) || strings.Contains(m.HTML, "("+p+")") != slices.Contains(entries, p) {
					t.Errorf("%s is assigned %v; the message says:\n%s", j, entries, m.Text)
				}
			}
			one = m
		}
		if one.Subject == "" {
			t.Fatal("no judge was told of an assignment")
		}
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/assignments", token: ed.org, body: map[string]int{"judges_per_submission": 2}}).want(200)
		if again := flush(t, e, srv, &seen); len(again) != 0 {
			t.Errorf("a run that assigns nothing new sent %d messages", len(again))
		}

		link := unsubscribeURL(t, one)
		u, _ := url.Parse(link)
		judge := strings.TrimSuffix(one.To[0], "@example.org")
		page := e.do(req{method: "GET", path: u.RequestURI()}).want(200)
		if !strings.Contains(page.Body.String(), `<form method="post" action="/unsubscribe"`) || !e.notifications(ed.judges[judge])["judge_assigned"] {
			t.Errorf("opening the link should show a button and change nothing:\n%s", page.Body)
		}
		forged := strings.Replace(u.RequestURI(), "judge_assigned", "results_published", 1)
		e.do(req{method: "POST", path: forged, body: "List-Unsubscribe=One-Click",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}).want(404)
		e.do(req{method: "POST", path: u.RequestURI(), body: "List-Unsubscribe=One-Click",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://mail.example.net", "Sec-Fetch-Site": "cross-site"}}).want(200)
		if got := e.notifications(ed.judges[judge]); got["judge_assigned"] || !got["results_published"] {
			t.Errorf("after one-click unsubscribing: %v", got)
		}
	}, withSMTP(t, srv))
}

func TestTeamsAreToldOfCollaboratorsAndVersions(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		_, ana := e.user("ana@example.org", "participant")
		bo, boTok := e.user("bo@example.org", "participant")
		_, cyTok := e.user("cy@example.org", "participant")
		e.do(req{method: "PUT", path: "/api/v1/me/notifications", token: cyTok, body: map[string]bool{"collaborator_added": false}}).want(200)
		e.publishedPlugin(ana, "veille-rumeurs")
		for _, who := range []string{"bo@example.org", "cy@example.org"} {
			e.do(req{method: "POST", path: "/api/v1/plugins/veille-rumeurs/collaborators", token: ana, body: map[string]string{"email": who}}).want(201)
		}
		msgs := flush(t, e, srv, &seen)
		if len(msgs) != 1 || msgs[0].To[0] != "bo@example.org" {
			t.Fatalf("adding bo, and cy who turned it off: %d messages (%v)", len(msgs), msgs)
		}
		m := msgs[0]
		if !strings.HasPrefix(m.Subject, "Vous pouvez désormais publier des versions de ") ||
			!strings.Contains(m.Text, "http://riposte.test/my/plugins/veille-rumeurs") {
			t.Errorf("collaborator message: %q\n%s", m.Subject, m.Text)
		}
		unsubscribeURL(t, m)

		e.do(req{method: "POST", path: "/api/v1/plugins/veille-rumeurs/versions", token: boTok, body: manifest("veille-rumeurs", "1.1.0")}).want(201)
		msgs = flush(t, e, srv, &seen)
		var got []string
		for _, m := range msgs {
			got = append(got, m.To...)
			if !strings.Contains(m.Subject, "1.1.0 est publié") || !strings.Contains(m.Text, bo.Name+" a publié la version 1.1.0") {
				t.Errorf("version message to %v: %q\n%s", m.To, m.Subject, m.Text)
			}
			unsubscribeURL(t, m)
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"ana@example.org", "cy@example.org"}) {
			t.Errorf("a version published by bo was announced to %v, want the owner and the other collaborator", got)
		}
	}, withSMTP(t, srv))
}

func TestTeamsAreToldWhenResultsArePublished(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		ed := newEdition(t, e)
		e.do(req{method: "PUT", path: "/api/v1/me/notifications", token: ed.owner2, body: map[string]bool{"results_published": false}}).want(200)
		ed.assign(t)
		flush(t, e, srv, &seen)
		e.clock.Set(t0.Add(49 * time.Hour))
		e.do(req{method: "POST", path: "/api/v1/hackathons/paris-2026/publish-results", token: ed.org}).want(200)
		msgs := flush(t, e, srv, &seen)
		links := map[string]string{"owner@example.org": "http://riposte.test/my/plugins/alerte", "j3@example.org": "http://riposte.test/my/plugins/bouclier"}
		if len(msgs) != len(links) {
			t.Fatalf("publishing sent %d messages, want one to alerte's owner and one to bouclier's collaborator (its owner turned them off)", len(msgs))
		}
		for _, m := range msgs {
			link, ok := links[m.To[0]]
			if !ok || m.Subject != "Les résultats de Hackathon 2026 sont publiés" || !strings.Contains(m.Text, link) ||
				!strings.Contains(m.HTML, `href="`+link+`"`) || !strings.Contains(m.Text, "http://riposte.test/hackathons/paris-2026") {
				t.Errorf("results message to %v: %q\n%s", m.To, m.Subject, m.Text)
			}
			unsubscribeURL(t, m)
		}
	}, withSMTP(t, srv))
}

func TestDeadlineRemindersGoOnceToThoseWithWorkLeft(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		ed := newEdition(t, e)
		_, late := e.user("late@example.org", "participant")
		e.publishedPlugin(late, "retard")
		_, quiet := e.user("quiet@example.org", "participant")
		e.publishedPlugin(quiet, "silence")
		e.do(req{method: "PUT", path: "/api/v1/me/notifications", token: quiet, body: map[string]bool{"deadline_reminder": false}}).want(200)
		assigned := ed.assign(t)
		flush(t, e, srv, &seen)
		remind := func() []mailtest.Message {
			t.Helper()
			if _, err := e.Hackathons.RemindDeadlines(t.Context()); err != nil {
				t.Fatal(err)
			}
			return flush(t, e, srv, &seen)
		}

		e.clock.Set(t0.Add(-time.Hour)) // entries close in 25 hours
		if got := remind(); len(got) != 0 {
			t.Fatalf("25 hours before the deadline, %d reminders", len(got))
		}
		e.clock.Set(t0.Add(time.Hour)) // entries close in 23 hours
		got := remind()
		if len(got) != 1 || got[0].To[0] != "late@example.org" || got[0].Subject != "Les inscriptions à Hackathon 2026 se terminent dans 24 heures" ||
			!strings.Contains(got[0].Text, "http://riposte.test/hackathons/paris-2026") {
			t.Fatalf("submission reminders went to %d accounts, want only the participant with a plugin and no entry: %v", len(got), got)
		}
		unsubscribeURL(t, got[0])
		e.clock.Set(t0.Add(2 * time.Hour))
		if again := remind(); len(again) != 0 {
			t.Fatalf("a second pass sent %d reminders again", len(again))
		}

		// Judging closes at t0+48h: one judge has scored everything.
		done := ed.other(assigned)
		e.clock.Set(t0.Add(25 * time.Hour))
		for p, js := range assigned {
			if slices.Contains(js, done) {
				ed.review(done, p, scores(5, 3)).want(200)
			}
		}
		got = remind()
		var judges []string
		for _, m := range got {
			judges = append(judges, strings.TrimSuffix(m.To[0], "@example.org"))
			if m.Subject != "L'évaluation de Hackathon 2026 se termine dans 24 heures" || !strings.Contains(m.Text, "http://riposte.test/judge") {
				t.Errorf("judging reminder to %v: %q\n%s", m.To, m.Subject, m.Text)
			}
		}
		var want []string
		for _, j := range []string{"j1", "j2", "j3"} {
			for _, js := range assigned {
				if j != done && slices.Contains(js, j) && !slices.Contains(want, j) {
					want = append(want, j)
				}
			}
		}
		slices.Sort(judges)
		slices.Sort(want)
		if !slices.Equal(judges, want) {
			t.Errorf("judging reminders went to %v, want the judges with reviews left %v (%s has none)", judges, want, done)
		}
		if again := remind(); len(again) != 0 {
			t.Errorf("a second pass sent %d judging reminders again", len(again))
		}
	}, withSMTP(t, srv))
}

func TestRemindersFromTwoReplicasAreSentOnce(t *testing.T) {
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		seen := len(srv.Messages())
		newEdition(t, e)
		_, late := e.user("late@example.org", "participant")
		e.publishedPlugin(late, "retard")
		flush(t, e, srv, &seen)
		e.clock.Set(t0.Add(time.Hour))

		// Two loops, as two replicas would run them, until both made a pass.
		ctx, cancel := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() { e.Hackathons.RunReminders(ctx, time.Millisecond, slog.New(slog.DiscardHandler)) })
		}
		time.Sleep(100 * time.Millisecond)
		cancel()
		wg.Wait() // RunReminders returns once its context ends
		if got := flush(t, e, srv, &seen); len(got) != 1 || got[0].To[0] != "late@example.org" {
			t.Fatalf("two replicas sent %d reminders, want one", len(got))
		}
	}, withSMTP(t, srv))
}
