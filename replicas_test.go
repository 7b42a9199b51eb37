package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// The tests here run two riposte processes behind no balancer, requests
// alternating between them, on one PostgreSQL database and one
// Meilisearch, and break what they stand on. docs/operators.md ("Several
// replicas") cites them.

const (
	replicaAdmin    = "admin@riposte.localhost"
	replicaPassword = "replica-test-password"
	replicaSecret   = "replica-test-signing-secret-0123456789abcdef"
)

// twoReplicas starts two replicas on the database at dbURL and, when m is
// not nil, on that Meilisearch (the embedded engine otherwise).
func twoReplicas(t *testing.T, dbURL string, m *meiliProcess) (a, b *replica) {
	t.Helper()
	env := map[string]string{"RIPOSTE_DATABASE_URL": dbURL, "RIPOSTE_JWT_SECRET": replicaSecret,
		"RIPOSTE_ADMIN_PASSWORD": replicaPassword}
	if m != nil {
		env["RIPOSTE_MEILI_URL"], env["RIPOSTE_MEILI_KEY"] = "http://"+m.addr, m.key
	}
	a = startReplica(t, "a", env)
	b = startReplica(t, "b", env)
	return a, b
}

// waitIndexed waits until no replica reports updates pending for the
// search index.
func waitIndexed(t *testing.T, limit time.Duration, rs ...*replica) {
	t.Helper()
	eventually(t, limit, "the search outbox to drain", func() bool {
		for _, r := range rs {
			ready := r.client(t, "").ready()
			if ready.Status != "ok" || ready.Search.Pending != 0 {
				return false
			}
		}
		return true
	})
}

// isSubset reports whether every element of sub is in of.
func isSubset(sub, of []string) bool {
	for _, s := range sub {
		if !slices.Contains(of, s) {
			return false
		}
	}
	return true
}

// indexMatchesDatabase runs `riposte reindex --check`, which compares
// every document of the index with the database.
func indexMatchesDatabase(t *testing.T, dbURL string, m *meiliProcess) {
	t.Helper()
	var out bytes.Buffer
	env := map[string]string{"RIPOSTE_DATA_DIR": t.TempDir(), "RIPOSTE_DATABASE_URL": dbURL,
		"RIPOSTE_MEILI_URL": "http://" + m.addr, "RIPOSTE_MEILI_KEY": m.key, "RIPOSTE_LOG_LEVEL": "error"}
	if err := run(t.Context(), []string{"riposte", "reindex", "--check"}, envMap(env), &out, os.Stderr); err != nil ||
		!strings.Contains(out.String(), "the index matches the database") {
		t.Fatalf("reindex --check: %v\n%s", err, out.String())
	}
}

// TestReplicasShareOnePostgresAndMeilisearch: what one replica does, the
// other shows — a publication in its search once the relay has passed, a
// takedown within the cache time, a replayed refresh token as a reuse —
// and the two relays never index a change twice.
func TestReplicasShareOnePostgresAndMeilisearch(t *testing.T) {
	start := time.Now()
	m := ownMeili(t)
	dbURL := storetest.URL(t, store.Postgres)
	a, b := twoReplicas(t, dbURL, m)
	adminA, _ := signIn(t, a.base, replicaAdmin, replicaPassword)
	t.Logf("started after %s", time.Since(start).Round(time.Millisecond))
	ca, cb := a.client(t, adminA), b.client(t, adminA)

	// Published on a, found by b's search once the relay has passed.
	ca.publish("alpha")
	eventually(t, 30*time.Second, "b's search to find what a published", func() bool {
		engine, slugs := cb.search("zeugmatique")
		return engine == "meilisearch" && slices.Equal(slugs, []string{"alpha"})
	})

	// A takedown on a is gone from b within the cache time (2 s; the
	// check runs every second), allowing a second for a loaded machine.
	anonA, anonB := a.client(t, ""), b.client(t, "")
	if code := anonB.do("GET", "/api/v1/plugins/alpha", nil, nil); code != 200 {
		t.Fatalf("b reads alpha: %d", code)
	}
	if code := ca.do("DELETE", "/api/v1/plugins/alpha", map[string]string{"reason": "Propagande terroriste"}, nil); code != 204 {
		t.Fatalf("takedown on a: %d", code)
	}
	taken := time.Now()
	if code := anonA.do("GET", "/api/v1/plugins/alpha", nil, nil); code != 404 {
		t.Fatalf("a after its takedown: %d", code)
	}
	eventually(t, 3*time.Second, "the takedown to reach b", func() bool {
		return anonB.do("GET", "/api/v1/plugins/alpha", nil, nil) == 404
	})
	t.Logf("the takedown reached the other replica after %s", time.Since(taken).Round(time.Millisecond))
	eventually(t, 30*time.Second, "b's search to forget the takedown", func() bool {
		_, slugs := cb.search("zeugmatique")
		return len(slugs) == 0
	})

	// A refresh token rotated on a and replayed on b is a reuse: the whole
	// session is revoked, on both.
	if code := ca.do("POST", "/api/v1/auth/register", map[string]string{"email": "ada@example.org", "password": "ada-password-1234", "name": "Ada"}, nil); code != 201 {
		t.Fatalf("register: %d", code)
	}
	_, first := signIn(t, a.base, "ada@example.org", "ada-password-1234")
	var rotated struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if code := a.client(t, "").do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": first}, &rotated); code != 200 {
		t.Fatalf("refresh on a: %d", code)
	}
	if code := b.client(t, rotated.AccessToken).do("GET", "/api/v1/me", nil, nil); code != 200 {
		t.Fatalf("the rotated session on b: %d", code)
	}
	if code := b.client(t, "").do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": first}, nil); code != 401 {
		t.Fatalf("the spent refresh token replayed on b: %d, want 401", code)
	}
	if code := a.client(t, "").do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": rotated.RefreshToken}, nil); code != 401 {
		t.Fatalf("the session's current refresh token after the reuse: %d, want 401 (the session is revoked)", code)
	}
	for _, r := range []*replica{a, b} {
		eventually(t, 3*time.Second, "the revoked session's access token to be refused on "+r.name, func() bool {
			return r.client(t, rotated.AccessToken).do("GET", "/api/v1/me", nil, nil) == 401
		})
	}

	webSessionGraceIsPerReplica(t, a, b, "ada@example.org", "ada-password-1234")
	t.Logf("refresh checked after %s", time.Since(start).Round(time.Millisecond))
	// Leases: a burst of changes, made on both replicas while both relays
	// run, reaches Meilisearch exactly once each.
	const n = 40
	slugs := make([]string, n)
	for i := range n {
		slugs[i] = fmt.Sprintf("lease-%02d", i)
		[]*client{ca, cb}[i%2].publish(slugs[i])
	}
	t.Logf("published after %s", time.Since(start).Round(time.Millisecond))
	waitIndexed(t, 60*time.Second, a, b)
	t.Logf("indexed after %s", time.Since(start).Round(time.Millisecond))
	before := m.lastTask(t)
	var wg sync.WaitGroup
	for i, slug := range slugs {
		c := []*client{ca, cb}[i%2]
		wg.Go(func() {
			if code := c.do("POST", "/api/v1/plugins/"+slug+"/versions", pluginManifest(slug, "2.0.0"), nil); code != 201 {
				t.Errorf("new version of %s: %d", slug, code)
			}
		})
	}
	wg.Wait()
	waitIndexed(t, 60*time.Second, a, b)
	var sent, deleted, batches int
	for _, task := range m.tasks(t, before) {
		switch task.Type {
		case "documentAdditionOrUpdate":
			sent += task.Details.ReceivedDocuments
			batches++
		case "documentDeletion":
			deleted += task.Details.ProvidedIDs
		default:
			t.Errorf("unexpected task on the index: %+v", task)
		}
	}
	t.Logf("%d changes reached Meilisearch as %d documents in %d batches", n, sent, batches)
	if sent != n || deleted != 0 {
		t.Fatalf("%d changes, one per plugin: Meilisearch received %d documents and %d deletions, want %d and 0", n, sent, deleted, n)
	}
	if got := m.slugs(t); !isSubset(slugs, got) {
		t.Fatalf("the index holds %v, missing some of %v", got, slugs)
	}
	indexMatchesDatabase(t, dbURL, m)
}

// TestMeilisearchKilledUnderReplicas: Meilisearch killed (SIGKILL) under
// two replicas: they keep accepting writes and answer searches from the
// database; restarted on its data, the relays catch up and the index holds
// exactly what the database lists.
func TestMeilisearchKilledUnderReplicas(t *testing.T) {
	m := ownMeili(t)
	dbURL := storetest.URL(t, store.Postgres)
	a, b := twoReplicas(t, dbURL, m)
	token, _ := signIn(t, a.base, replicaAdmin, replicaPassword)
	ca, cb := a.client(t, token), b.client(t, token)
	ca.publish("alpha")
	cb.publish("bravo")
	waitIndexed(t, 30*time.Second, a, b)

	m.cmd.Process.Signal(syscall.SIGKILL)
	m.cmd.Wait()
	ca.publish("charlie")
	cb.publish("delta")
	if code := ca.do("DELETE", "/api/v1/plugins/alpha", nil, nil); code != 204 {
		t.Fatalf("withdrawal while Meilisearch is down: %d", code)
	}
	want := []string{"bravo", "charlie", "delta"}
	for _, c := range []*client{ca, cb} {
		if engine, slugs := c.search("zeugmatique"); engine != "database" || !slices.Equal(slugs, want) {
			t.Fatalf("search on %s while Meilisearch is down: %s %v", c.base, engine, slugs)
		}
	}
	eventually(t, 15*time.Second, "/readyz to say degraded", func() bool {
		r := cb.ready()
		return r.Status == "degraded" && r.Search.Pending > 0
	})

	startMeili(t, m)
	waitIndexed(t, 90*time.Second, a, b)
	for _, c := range []*client{ca, cb} {
		eventually(t, 15*time.Second, "search to use Meilisearch again", func() bool {
			engine, slugs := c.search("zeugmatique")
			return engine == "meilisearch" && slices.Equal(slugs, want)
		})
	}
	if got := m.slugs(t); !isSubset(want, got) || slices.Contains(got, "alpha") {
		t.Fatalf("after the catch-up the index holds %v, want %v and no alpha", got, want)
	}
	indexMatchesDatabase(t, dbURL, m)
}

// TestReplicaKilledDuringWrites: one of two replicas is killed (SIGKILL)
// in the middle of a write load on a PostgreSQL of the test's own: every
// write it acknowledged is in the database, and the other replica goes on.
func TestReplicaKilledDuringWrites(t *testing.T) {
	m := ownMeili(t)
	pg := ownPostgres(t)
	a, b := twoReplicas(t, pg.url(), m)
	token, _ := signIn(t, a.base, replicaAdmin, replicaPassword)

	var (
		mu      sync.Mutex
		acked   []string
		n       atomic.Int64
		failedA atomic.Int64
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	hc := &http.Client{Timeout: 10 * time.Second}
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				r := []*replica{a, b}[(w+i)%2]
				slug := fmt.Sprintf("write-%d-%d", w, i)
				ans := exchange(hc, "POST", r.base+"/api/v1/plugins", token, pluginManifest(slug, "1.0.0"))
				switch {
				case ans.status == 201:
					mu.Lock()
					acked = append(acked, slug)
					mu.Unlock()
					n.Add(1)
				case r == a:
					failedA.Add(1) // a is being killed: refused or cut connections
				default:
					t.Errorf("write on b: %d %v %s", ans.status, ans.err, ans.body)
				}
			}
		})
	}
	eventually(t, 30*time.Second, "the load to get going", func() bool { return n.Load() >= 40 })
	a.kill(t)
	killedAt := n.Load()
	eventually(t, 30*time.Second, "b to acknowledge more writes after a's death", func() bool { return n.Load() >= killedAt+40 })
	close(stop)
	wg.Wait()
	if t.Failed() {
		return
	}
	t.Logf("%d writes acknowledged (%d before the kill), %d failed on the killed replica", len(acked), killedAt, failedA.Load())

	db, err := sql.Open("pgx", pg.url())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT slug FROM plugins WHERE slug LIKE 'write-%'`)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		stored[s] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, s := range acked {
		if !stored[s] {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Fatalf("%d acknowledged writes are not in the database: %v", len(missing), missing)
	}
	if r := b.client(t, "").ready(); r.Status != "ok" {
		t.Fatalf("the surviving replica's /readyz: %+v", r)
	}
}

// TestPostgresRestartDuringLoad: PostgreSQL (a cluster of the test's own)
// is restarted under a load of reads and writes: while it is down,
// requests fail fast with 503 problem documents, never a 500 or a hang,
// and once it is back the same process serves again.
func TestPostgresRestartDuringLoad(t *testing.T) {
	pg := ownPostgres(t)
	env := map[string]string{"RIPOSTE_DATABASE_URL": pg.url(), "RIPOSTE_JWT_SECRET": replicaSecret,
		"RIPOSTE_ADMIN_PASSWORD": replicaPassword}
	r := startReplica(t, "a", env)
	token, _ := signIn(t, r.base, replicaAdmin, replicaPassword)
	c := r.client(t, token)
	c.publish("stable")

	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		bad      []string
		slowest  time.Duration
	)
	const fast = 5 * time.Second // a request that takes longer hangs
	stop := make(chan struct{})
	var wg sync.WaitGroup
	hc := &http.Client{Timeout: 30 * time.Second}
	requests := []func(i int) (string, string, any){
		func(i int) (string, string, any) {
			slug := fmt.Sprintf("load-%d", i)
			return "POST", "/api/v1/plugins", pluginManifest(slug, "1.0.0")
		},
		func(int) (string, string, any) { return "GET", "/api/v1/plugins?limit=5", nil },
		func(int) (string, string, any) { return "GET", "/api/v1/me", nil },
		func(int) (string, string, any) { return "GET", "/api/v1/hackathons", nil },
	}
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				method, path, body := requests[w](w*100000 + i)
				ans := exchange(hc, method, r.base+path, token, body)
				mu.Lock()
				statuses[ans.status]++
				slowest = max(slowest, ans.took)
				switch {
				case ans.err != nil:
					bad = append(bad, fmt.Sprintf("%s %s: %v after %s", method, path, ans.err, ans.took))
				case ans.took > fast:
					bad = append(bad, fmt.Sprintf("%s %s: %d after %s", method, path, ans.status, ans.took))
				case ans.status == 503 && (!ans.isProblem() || ans.retryAfter == ""):
					bad = append(bad, fmt.Sprintf("%s %s: 503 that is not a problem document with Retry-After: %s %q %s",
						method, path, ans.contentType, ans.retryAfter, ans.body))
				case ans.status != 200 && ans.status != 201 && ans.status != 503:
					bad = append(bad, fmt.Sprintf("%s %s: %d %s", method, path, ans.status, ans.body))
				}
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	count := func(status int) int { mu.Lock(); defer mu.Unlock(); return statuses[status] }
	eventually(t, 30*time.Second, "the load to get going", func() bool { return count(201) >= 10 })

	pg.stop(t)
	eventually(t, 30*time.Second, "requests to be refused while PostgreSQL is down", func() bool { return count(503) >= 20 })
	var ready readyAnswer
	if code := r.client(t, "").do("GET", "/readyz", nil, &ready); code != 503 {
		t.Errorf("/readyz while PostgreSQL is down: %d %+v", code, ready)
	}
	pg.start(t)
	created := count(201)
	eventually(t, 30*time.Second, "writes to succeed again", func() bool { return count(201) >= created+10 })
	close(stop)
	wg.Wait()
	t.Logf("answers: %v; slowest %s", statuses, slowest.Round(time.Millisecond))
	if len(bad) > 0 {
		if len(bad) > 20 {
			bad = bad[:20]
		}
		t.Fatalf("answers that are neither a success nor a prompt 503 problem:\n%s", strings.Join(bad, "\n"))
	}
	if code := r.client(t, "").do("GET", "/readyz", nil, nil); code != 200 {
		t.Fatalf("/readyz after PostgreSQL came back: %d", code)
	}
}

// webSessionGraceIsPerReplica shows the limit of the pages' refresh grace:
// two requests of one browser bearing the same expired access cookie get
// the same new session on one replica, but on two replicas the second
// presents a spent refresh token, which signs the browser out.
func webSessionGraceIsPerReplica(t *testing.T, a, b *replica, email, password string) {
	t.Helper()
	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := func(r *replica, method, path string, form url.Values, cookies ...*http.Cookie) *http.Response {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, r.base+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for _, c := range cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	refreshCookie := func(res *http.Response) *http.Cookie {
		for _, c := range res.Cookies() {
			if c.Name == "riposte_rt" && c.Value != "" {
				return c
			}
		}
		t.Fatalf("no refresh cookie in %v", res.Cookies())
		return nil
	}
	signedIn := page(a, "POST", "/signin", url.Values{"email": {email}, "password": {password}, "next": {"/my/plugins"}})
	if signedIn.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in page: %d", signedIn.StatusCode)
	}
	rt := refreshCookie(signedIn)
	// The access cookie has expired: both requests carry the refresh cookie only.
	first := page(a, "GET", "/my/plugins", nil, rt)
	if first.StatusCode != 200 {
		t.Fatalf("a page on a with the refresh cookie: %d", first.StatusCode)
	}
	if again := page(a, "GET", "/my/plugins", nil, rt); again.StatusCode != 200 {
		t.Fatalf("the same cookie again on a, within the grace: %d", again.StatusCode)
	}
	if other := page(b, "GET", "/my/plugins", nil, rt); other.StatusCode != http.StatusSeeOther {
		t.Fatalf("the same cookie on b: %d, want a redirect to sign in (the grace is per replica)", other.StatusCode)
	}
	eventually(t, 3*time.Second, "the session refreshed on a to be revoked", func() bool {
		return page(a, "GET", "/my/plugins", nil, refreshCookie(first)).StatusCode == http.StatusSeeOther
	})
}
