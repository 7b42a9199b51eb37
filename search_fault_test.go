package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store/storetest"
)

// meiliProcess is a Meilisearch the test owns, to freeze and stop it.
type meiliProcess struct {
	bin, dir, addr, key string
	cmd                 *exec.Cmd
}

func startMeili(t *testing.T, m *meiliProcess) {
	t.Helper()
	m.cmd = exec.Command(m.bin, "--db-path", filepath.Join(m.dir, "data.ms"), "--http-addr", m.addr,
		"--master-key", m.key, "--env", "development", "--no-analytics", "--log-level", "WARN")
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.cmd.Process.Signal(syscall.SIGCONT); m.cmd.Process.Kill(); m.cmd.Wait() })
	eventually(t, 30*time.Second, "Meilisearch to start", func() bool {
		res, err := http.Get("http://" + m.addr + "/health")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	})
}

func (m *meiliProcess) stop(t *testing.T) {
	t.Helper()
	m.cmd.Process.Signal(syscall.SIGCONT)
	m.cmd.Process.Signal(syscall.SIGTERM)
	m.cmd.Wait()
}

func eventually(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %s", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// client calls the server with a bound: a request that hangs fails the test.
type client struct {
	t     *testing.T
	base  string
	token string
	http  *http.Client
}

func (c *client) do(method, path string, body any, out any) int {
	c.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// pluginManifest is a plugin whose summary holds a word no compiled-in tool
// uses, so that searching for it finds the test's plugins only.
func pluginManifest(slug, version string) string {
	return fmt.Sprintf(`{"slug":%q,"name":"Outil %s","version":%q,"summary":"Veille zeugmatique contre la propagande %s",
		"categories":["detection"],"languages":["fr"],"license":"MIT","repository":"https://example.org/%s",
		"maintainers":[{"name":"A","email":"a@example.org"}],"runtime":{"type":"none"}}`, slug, slug, version, slug, slug)
}

func (c *client) publish(slug string) {
	c.t.Helper()
	if code := c.do("POST", "/api/v1/plugins", pluginManifest(slug, "1.0.0"), nil); code != 201 {
		c.t.Fatalf("create %s: %d", slug, code)
	}
	if code := c.do("POST", "/api/v1/plugins/"+slug+"/publish", nil, nil); code != 200 {
		c.t.Fatalf("publish %s: %d", slug, code)
	}
}

type searchAnswer struct {
	Engine string `json:"engine"`
	Hits   []struct {
		Slug string `json:"slug"`
	} `json:"hits"`
}

func (c *client) search(q string) (string, []string) {
	c.t.Helper()
	var r searchAnswer
	if code := c.do("GET", "/api/v1/search?limit=100&q="+q, nil, &r); code != 200 {
		c.t.Fatalf("search %q: %d", q, code)
	}
	var slugs []string
	for _, h := range r.Hits {
		slugs = append(slugs, h.Slug)
	}
	slices.Sort(slugs)
	return r.Engine, slugs
}

type readyAnswer struct {
	Status string `json:"status"`
	Search struct {
		Status  string `json:"status"`
		Pending int    `json:"pending"`
	} `json:"search"`
}

func (c *client) ready() readyAnswer {
	var r readyAnswer
	c.do("GET", "/readyz", nil, &r)
	return r
}

// TestSearchSurvivesMeilisearchOutages freezes and then stops a real
// Meilisearch under a real server: writes keep succeeding, /readyz says
// degraded, search answers from the database; once Meilisearch is back the
// index converges to exactly the database.
func TestSearchSurvivesMeilisearchOutages(t *testing.T) {
	bin := storetest.SkipUnlessSet(t, "RIPOSTE_MEILI_BIN", "the path scripts/meili.sh path prints")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	m := &meiliProcess{bin: bin, dir: t.TempDir(), addr: ln.Addr().String(), key: "fault-test-master-key-0123456789"}
	ln.Close()
	startMeili(t, m)

	env := map[string]string{"RIPOSTE_DATA_DIR": t.TempDir(), "RIPOSTE_ADDR": "127.0.0.1:0", "RIPOSTE_SEED": "false",
		"RIPOSTE_LOG_LEVEL": "error", "RIPOSTE_MEILI_URL": "http://" + m.addr, "RIPOSTE_MEILI_KEY": m.key,
		"RIPOSTE_ADMIN_PASSWORD": "fault-test-password"}
	base, _, stop := startServer(t, env)
	defer stop()
	c := &client{t: t, base: base, http: &http.Client{Timeout: 10 * time.Second}}
	var login struct {
		AccessToken string `json:"access_token"`
	}
	c.do("POST", "/api/v1/auth/login", map[string]string{"email": "admin@riposte.localhost", "password": "fault-test-password"}, &login)
	c.token = login.AccessToken
	for _, s := range []string{"alpha", "bravo", "charlie"} {
		c.publish(s)
	}
	eventually(t, 30*time.Second, "the first index", func() bool {
		engine, slugs := c.search("zeugmatique")
		return engine == "meilisearch" && len(slugs) == 3
	})

	// Meilisearch hangs: writes are prompt, searches come from the database.
	m.cmd.Process.Signal(syscall.SIGSTOP)
	c.publish("delta")
	if code := c.do("POST", "/api/v1/plugins/alpha/versions", pluginManifest("alpha", "2.0.0"), nil); code != 201 {
		t.Fatalf("new version while Meilisearch hangs: %d", code)
	}
	if code := c.do("DELETE", "/api/v1/plugins/bravo", nil, nil); code != 204 {
		t.Fatalf("withdrawal while Meilisearch hangs: %d", code)
	}
	engine, slugs := c.search("zeugmatique")
	if engine != "database" || !slices.Equal(slugs, []string{"alpha", "charlie", "delta"}) {
		t.Fatalf("search while Meilisearch hangs: %s %v", engine, slugs)
	}
	eventually(t, 15*time.Second, "/readyz to say degraded", func() bool {
		r := c.ready()
		return r.Status == "degraded" && r.Search.Status == "degraded" && r.Search.Pending > 0
	})

	// Meilisearch is down.
	m.stop(t)
	c.publish("echo")
	if code := c.do("DELETE", "/api/v1/plugins/charlie", nil, nil); code != 204 {
		t.Fatalf("withdrawal while Meilisearch is down: %d", code)
	}
	if engine, slugs := c.search("zeugmatique"); engine != "database" || !slices.Equal(slugs, []string{"alpha", "delta", "echo"}) {
		t.Fatalf("search while Meilisearch is down: %s %v", engine, slugs)
	}
	if r := c.ready(); r.Status != "degraded" {
		t.Fatalf("readyz while Meilisearch is down: %+v", r)
	}

	// It comes back: the relay catches up and the index is exactly the database.
	startMeili(t, m)
	eventually(t, 90*time.Second, "the index to catch up", func() bool {
		r := c.ready()
		return r.Status == "ok" && r.Search.Pending == 0
	})
	if engine, slugs := c.search("zeugmatique"); engine != "meilisearch" || !slices.Equal(slugs, []string{"alpha", "delta", "echo"}) {
		t.Fatalf("search after recovery: %s %v", engine, slugs)
	}
	var out bytes.Buffer
	checkEnv := map[string]string{}
	for k, v := range env {
		checkEnv[k] = v
	}
	if err := run(t.Context(), []string{"riposte", "reindex", "--check"}, envMap(checkEnv), &out, os.Stderr); err != nil {
		t.Fatalf("reindex --check after recovery: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "the index matches the database") {
		t.Fatalf("reindex --check: %s", out.String())
	}
}
