package seed_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/seed"
)

// builtin is a compiled-in plugin, as the platform registers them at
// start-up before the seed is loaded.
type builtin struct{ m *plugins.Manifest }

func (b builtin) Manifest() *plugins.Manifest { return b.m }
func (b builtin) Invoke(context.Context, json.RawMessage) (json.RawMessage, error) {
	return json.RawMessage(`{}`), nil
}

func newBuiltin(t testing.TB, slug string) builtin {
	t.Helper()
	m, err := plugins.Check([]byte(`{"slug":"`+slug+`","name":"Portes Ouvertes","version":"1.0.0","summary":"Emergency numbers",
		"categories":["emergency"],"languages":["fr"],"license":"MIT","repository":"https://example.org/po",
		"maintainers":[{"name":"M","email":"m@example.org"}],"runtime":{"type":"builtin","builtin":"`+slug+`"},
		"input_schema":{"type":"object"},"output_schema":{"type":"object"},"examples":[{"name":"empty","input":{}}]}`),
		plugins.Options{AllowBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	return builtin{m}
}

// deps wires the services over st as the server does, with the one
// compiled-in tool the example edition lists that this test has.
func deps(t testing.TB, st *store.Store, now time.Time) seed.Deps {
	t.Helper()
	e := platformtest.New(t, func(o *platformtest.Options) {
		o.Store, o.AllowPrivateEndpoints = st, false
		o.Builtins = []plugins.Plugin{newBuiltin(t, "portes-ouvertes")}
	})
	e.Clock.Set(now)
	return e.SeedDeps()
}

// counts are the number of rows of every kind the seed touches.
type counts map[string]int

func countRows(t testing.TB, st *store.Store) counts {
	t.Helper()
	ctx := t.Context()
	c := counts{}
	var err error
	if c["users"], err = st.CountUsers(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range allPlugins(t, st) {
		c["plugins"]++
		c["plugins "+p.Status]++
		vs, err := st.Versions(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		c["plugin_versions"] += len(vs)
	}
	hs, n, err := st.ListHackathons(ctx, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	c["hackathons"] = n
	for _, h := range hs {
		subs, _ := st.Submissions(ctx, h.ID)
		judges, _ := st.Judges(ctx, h.ID)
		as, _ := st.Assignments(ctx, h.ID)
		rs, _ := st.Reviews(ctx, h.ID)
		cs, _ := st.Conflicts(ctx, h.ID)
		c["submissions"] += len(subs)
		c["hackathon_judges"] += len(judges)
		c["assignments"] += len(as)
		c["reviews"] += len(rs)
		c["judging_conflicts"] += len(cs)
	}
	if _, c["audit_log"], err = st.ListAudit(ctx, store.Page{Limit: 1}); err != nil {
		t.Fatal(err)
	}
	lag, err := st.IndexLag(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c["search_outbox"] = lag.Pending
	return c
}

func allPlugins(t testing.TB, st *store.Store) []store.Plugin {
	t.Helper()
	var out []store.Plugin
	for _, status := range []string{store.StatusDraft, store.StatusPublished, store.StatusRemoved} {
		list, _, err := st.ListPlugins(t.Context(), store.PluginFilter{Organizer: true, Status: status}, store.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, list...)
	}
	slices.SortFunc(out, func(a, b store.Plugin) int { return strings.Compare(a.Slug, b.Slug) })
	return out
}

func load(t testing.TB, d seed.Deps) seed.Report {
	t.Helper()
	r, err := seed.Load(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLoadTwiceChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := deps(t, st, time.Now())
		if empty, err := seed.Empty(t.Context(), st); err != nil || !empty {
			t.Fatalf("a database with only compiled-in plugins: empty = %v, %v", empty, err)
		}
		first := load(t, d)
		if first.Plugins.Created < 40 || first.Tools.Created != 2 || first.Editions.Created != 2 || first.Submissions.Created < 10 {
			t.Fatalf("first load: %s", first)
		}
		// The listed compiled-in tools this test lacks are skipped, saying so.
		if len(first.Skipped) == 0 {
			t.Fatal("no compiled-in tool skipped, yet this test registers only one")
		}
		for _, s := range first.Skipped {
			if !strings.HasPrefix(s.What, "submission of ") || s.Reason != "no such plugin" {
				t.Fatalf("skipped %v, want only the compiled-in tools this test lacks", first.Skipped)
			}
		}
		after := countRows(t, st)
		if after["plugins published"] != first.Plugins.Created+first.Tools.Created+1 || after["plugin_versions"] <= after["plugins"] {
			t.Fatalf("rows after the first load: %v", after)
		}
		if empty, _ := seed.Empty(t.Context(), st); empty {
			t.Fatal("a seeded database counts as empty")
		}

		second := load(t, d)
		if second.Changed() || second.Plugins.Existing != first.Plugins.Created || second.Tools.Existing != first.Tools.Created ||
			second.Submissions.Existing != first.Submissions.Created {
			t.Fatalf("second load: %s (%+v)", second, second)
		}
		if again := countRows(t, st); !reflect.DeepEqual(again, after) {
			t.Fatalf("the second load changed row counts:\n%s", diff(after, again))
		}
	})
}

func diff(a, b counts) string {
	var lines []string
	for k, v := range a {
		if b[k] != v {
			lines = append(lines, fmt.Sprintf("  %s: %d → %d", k, v, b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			lines = append(lines, fmt.Sprintf("  %s: none → %d", k, v))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func TestLoadWorksThroughTheServices(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	d := deps(t, st, time.Now())
	load(t, d)
	ctx := t.Context()

	// Example entries are published, owned by the disabled seed account,
	// queued for the search index, and their publication is audited.
	p, err := d.Registry.Get(ctx, auth.User{}, "vigie-rumeurs")
	if err != nil || p.Status != store.StatusPublished || *p.LatestVersion != "2.0.0" {
		t.Fatalf("vigie-rumeurs = %+v, %v", p, err)
	}
	owner, err := st.UserByEmail(ctx, seed.AccountEmail)
	if err != nil || !owner.Disabled || owner.ID != p.OwnerID || owner.PasswordHash != "" {
		t.Fatalf("seed account = %+v, %v", owner, err)
	}
	vs, total, err := d.Registry.Versions(ctx, auth.User{}, "vigie-rumeurs", store.Page{Limit: 10})
	if err != nil || total != 3 || vs[0].Version != "2.0.0" || vs[2].Version != "1.0.0" {
		t.Fatalf("versions = %+v (%d), %v", vs, total, err)
	}
	var m plugins.Manifest
	if err := json.Unmarshal(p.Manifest, &m); err != nil || !slices.Contains(m.Tags, seed.ExampleTag) ||
		!strings.HasPrefix(m.Repository, seed.RepositoryBase) || !strings.Contains(m.Description, "Exemple") {
		t.Fatalf("stored manifest is not marked as an example: %+v, %v", m, err)
	}
	if lag, _ := st.IndexLag(ctx); lag.Pending == 0 {
		t.Fatal("nothing queued for the search index")
	}
	audit, _, _ := st.ListAudit(ctx, store.Page{Limit: 100})
	if !slices.ContainsFunc(audit, func(e store.AuditEntry) bool { return e.Action == "plugin.publish" && e.TargetID == "vigie-rumeurs" }) ||
		!slices.ContainsFunc(audit, func(e store.AuditEntry) bool {
			return e.Action == "hackathon.create" && e.TargetID == "nec-mergitur-2016"
		}) {
		t.Fatal("publications and editions are not audited")
	}

	// The past edition has no entries; the example one is open with the
	// compiled-in tool and example entries, frozen at their current version.
	past, _ := d.Hackathons.Get(ctx, "nec-mergitur-2016")
	if subs, _ := st.Submissions(ctx, past.ID); len(subs) != 0 || past.ResultsPublishedAt != nil {
		t.Fatalf("the 2016 edition has %d submissions or results", len(subs))
	}
	open, _ := d.Hackathons.Get(ctx, "edition-exemple")
	if phase := d.Hackathons.Phase(open); phase != hackathons.PhaseOpen {
		t.Fatalf("example edition is %s", phase)
	}
	subs, _ := st.Submissions(ctx, open.ID)
	i := slices.IndexFunc(subs, func(s store.Submission) bool { return s.Slug == "vigie-rumeurs" })
	if i < 0 || subs[i].Version != "2.0.0" || !slices.ContainsFunc(subs, func(s store.Submission) bool { return s.Slug == "portes-ouvertes" }) {
		t.Fatalf("submissions = %+v", subs)
	}
}

func TestLoadLeavesOthersAlone(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	d := deps(t, st, time.Now())
	ctx := t.Context()
	u, err := st.CreateUser(ctx, store.NewUser{Email: "team@example.org", Name: "Team", Role: "participant"})
	if err != nil {
		t.Fatal(err)
	}
	team := auth.User{ID: u.ID, Role: auth.RoleParticipant}
	if _, err := d.Registry.Create(ctx, team, []byte(`{"slug":"kashif","name":"Kashif","version":"0.1.0","summary":"Ours",
		"categories":["detection"],"languages":["ar"],"license":"MIT","repository":"https://example.org/k",
		"maintainers":[{"name":"T","email":"t@example.org"}],"runtime":{"type":"none"}}`)); err != nil {
		t.Fatal(err)
	}
	r := load(t, d)
	if !slices.Contains(r.Skipped, seed.Skip{What: "plugin kashif", Reason: "the slug belongs to another account"}) ||
		!slices.ContainsFunc(r.Skipped, func(s seed.Skip) bool { return strings.HasPrefix(s.What, "submission of kashif") }) {
		t.Fatalf("skipped = %v", r.Skipped)
	}
	if p, _ := d.Registry.Get(ctx, team, "kashif"); p.OwnerID != u.ID || p.Status != store.StatusDraft {
		t.Fatalf("someone else's plugin changed: %+v", p)
	}
}

// snapshot is the catalogue as users see it, free of ids and timestamps.
type snapshot struct {
	Plugins  []string
	Versions []string
	Editions []string
}

func takeSnapshot(t testing.TB, st *store.Store) snapshot {
	t.Helper()
	ctx := t.Context()
	var s snapshot
	for _, p := range allPlugins(t, st) {
		s.Plugins = append(s.Plugins, fmt.Sprintf("%s %s %s %s", p.Slug, p.Status, p.OwnerName, *p.LatestVersion))
		vs, _ := st.Versions(ctx, p.ID)
		for _, v := range vs {
			s.Versions = append(s.Versions, fmt.Sprintf("%s@%s %s %s", p.Slug, v.Version, v.SHA256, v.Manifest))
		}
	}
	slices.Sort(s.Versions)
	hs, _, _ := st.ListHackathons(ctx, store.Page{Limit: 100})
	for _, h := range hs {
		line := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s|%s", h.Slug, h.Name, h.City, h.Description, h.StartsAt.UTC(), h.EndsAt.UTC(),
			h.SubmissionDeadline.UTC(), h.JudgingDeadline.UTC(), h.Rubric)
		subs, _ := st.Submissions(ctx, h.ID)
		for _, sub := range subs {
			line += fmt.Sprintf("|%s@%s %s", sub.Slug, sub.Version, sub.Status)
		}
		s.Editions = append(s.Editions, line)
	}
	return s
}

func TestSameCatalogueOnSQLiteAndPostgres(t *testing.T) {
	pg := storetest.Open(t, store.Postgres) // skips without a PostgreSQL server
	lite := storetest.Open(t, store.SQLite)
	now := time.Now()
	load(t, deps(t, lite, now))
	load(t, deps(t, pg, now))
	a, b := takeSnapshot(t, lite), takeSnapshot(t, pg)
	if len(a.Plugins) < 40 {
		t.Fatalf("only %d plugins", len(a.Plugins))
	}
	for name, pair := range map[string][2][]string{"plugins": {a.Plugins, b.Plugins}, "versions": {a.Versions, b.Versions}, "editions": {a.Editions, b.Editions}} {
		if !slices.Equal(pair[0], pair[1]) {
			for i := range max(len(pair[0]), len(pair[1])) {
				if i >= len(pair[0]) || i >= len(pair[1]) || pair[0][i] != pair[1][i] {
					t.Errorf("%s differ from line %d:\nsqlite:   %.300s\npostgres: %.300s", name, i, at(pair[0], i), at(pair[1], i))
					break
				}
			}
		}
	}
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return "(none)"
}

func TestDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		d := deps(t, st, time.Now())
		load(t, d)
		r, err := seed.LoadDemo(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Created) != 6 || r.JudgesAdded != 2 || r.Conflicts != 1 || r.Assignments == 0 || r.Reviews == 0 ||
			r.Plugins.Created != 3 || r.Submissions.Created != 2 {
			t.Fatalf("demo: %+v", r)
		}
		// Every printed password signs its account in.
		for _, a := range r.Created {
			if _, err := d.Auth.Login(ctx, a.Email, a.Password, "127.0.0.1"); err != nil {
				t.Fatalf("sign in as %s: %v", a.Email, err)
			}
		}
		byEmail := func(email string) auth.User {
			u, err := st.UserByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			return auth.User{ID: u.ID, Email: u.Email, Role: auth.Role(u.Role)}
		}
		org, judge2 := byEmail("organizer@"+seed.DemoDomain), byEmail("judge2@"+seed.DemoDomain)

		// The harsh judge recused themself and has reviews left to do.
		queue, err := d.Hackathons.Queue(ctx, judge2)
		if err != nil || !slices.ContainsFunc(queue, func(q store.QueueItem) bool { return q.ReviewedAt == nil }) {
			t.Fatalf("judge2's queue: %v, %v", queue, err)
		}
		if slices.ContainsFunc(queue, func(q store.QueueItem) bool { return q.PluginSlug == "demo-contre-rumeur-express" }) {
			t.Fatal("judge2 was assigned the entry they recused themself from")
		}
		board, err := d.Hackathons.Leaderboard(ctx, org, r.Edition, judging.Raw)
		if rows := board.Rows; err != nil || len(rows) < 10 || rows[0].Reviews == 0 {
			t.Fatalf("leaderboard: %+v, %v", rows, err)
		}
		// Three challenges brought by example organisations, which follow their entries.
		chs, err := d.Hackathons.Challenges(ctx, auth.User{}, r.Edition)
		if err != nil || len(chs) != 3 || chs[0].OrgSlug == "" || len(chs[0].Prizes) != 1 {
			t.Fatalf("demo challenges: %+v, %v", chs, err)
		}
		member := byEmail("participant1@" + seed.DemoDomain)
		if _, entries, err := d.Hackathons.ChallengeEntries(ctx, member, r.Edition, chs[0].ID); err != nil || len(entries) == 0 {
			t.Fatalf("entries to the first challenge: %v, %v", entries, err)
		}
		if org, _ := st.OrgEntries(ctx, *chs[1].OrganizationID); len(org) == 0 {
			t.Fatal("the second organisation follows no entry")
		}
		// The pairwise edition ranks its entries from the judges' votes.
		pw, err := d.Hackathons.Leaderboard(ctx, org, seed.DemoPairwiseEdition, judging.Raw)
		if err != nil || r.PairwiseVotes != 12 || len(pw.Rows) < 4 || pw.Rows[0].Sigma == nil || pw.Rows[0].Comparisons == 0 {
			t.Fatalf("pairwise demo: %d votes, %+v, %v", r.PairwiseVotes, pw.Rows, err)
		}
		// The team's entry records it; the looking-for-a-team page lists it and a profile.
		teams, err := d.Hackathons.Teams(ctx, r.Edition)
		if err != nil || r.Teams != 1 || len(teams) != 1 || len(teams[0].Members) != 2 {
			t.Fatalf("demo teams: %d formed, %+v, %v", r.Teams, teams, err)
		}
		entry, err := st.SubmissionOf(ctx, teams[0].HackathonID, "demo-contre-rumeur-express")
		if err != nil || entry.TeamID == nil || *entry.TeamID != teams[0].ID {
			t.Fatalf("the team's entry: %+v, %v", entry, err)
		}
		if l, err := d.Hackathons.Looking(ctx, r.Edition, hackathons.LookingFilter{}); err != nil || len(l.Profiles) != 1 || len(l.Teams) != 1 {
			t.Fatalf("looking for a team: %+v, %v", l, err)
		}
		if p, _ := d.Registry.Get(ctx, byEmail("participant3@"+seed.DemoDomain), "demo-daleel-al-usra"); p.Status != store.StatusDraft {
			t.Fatalf("participant3's plugin is %s, want a draft", p.Status)
		}

		before := countRows(t, st)
		again, err := seed.LoadDemo(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Created) != 0 || len(again.Existing) != 6 || again.Reviews != 0 || again.Assignments != 0 || again.PairwiseVotes != 0 || again.Teams != 0 {
			t.Fatalf("second demo: %+v", again)
		}
		if after := countRows(t, st); !reflect.DeepEqual(before, after) {
			t.Fatalf("the second demo changed row counts:\n%s", diff(before, after))
		}
	})
}
