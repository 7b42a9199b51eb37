package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store/storetest"
)

// The helpers here run Riposte as real processes (the binary built once
// from this package), a PostgreSQL cluster and a Meilisearch of the test's
// own, for the tests of replicas and faults.

// binDir is where riposteBinary put the binary, removed after the tests
// (see TestMain).
var binDir string

// riposteBinary builds the riposte binary once per test run and returns
// its path.
var riposteBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "riposte-bin-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "riposte")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func buildRiposte(t *testing.T) string {
	t.Helper()
	bin, err := riposteBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// replica is a riposte process serving on a free port.
type replica struct {
	name string
	base string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

// startReplica runs `riposte serve` with env (on top of a minimal
// environment) and waits until it listens. It is stopped when the test
// ends.
func startReplica(t *testing.T, name string, env map[string]string) *replica {
	t.Helper()
	cmd := exec.Command(buildRiposte(t), "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "RIPOSTE_ADDR=127.0.0.1:0",
		"RIPOSTE_SEED=false", "RIPOSTE_LOG_LEVEL=warn", "RIPOSTE_DATA_DIR=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	r := &replica{name: name, cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = r.out, r.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-r.done
		}
		if t.Failed() {
			t.Logf("replica %s's output:\n%s", name, r.out.String())
		}
	})
	addr := regexp.MustCompile(`running on (\S+)`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := addr.FindStringSubmatch(r.out.String()); m != nil {
			r.base = "http://" + m[1]
			return r
		}
		select {
		case <-r.done:
			t.Fatalf("replica %s exited at start-up:\n%s", name, r.out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s did not start within a minute:\n%s", name, r.out.String())
		}
	}
}

// kill ends the process at once, as a crash or an OOM killer would.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-r.done
}

// client is a client of the replica, signed in with token when set.
func (r *replica) client(t *testing.T, token string) *client {
	return &client{t: t, base: r.base, token: token, http: &http.Client{Timeout: 10 * time.Second}}
}

// answer is one HTTP exchange, without failing the test on a transport
// error, for load that may meet faults.
type answer struct {
	status      int
	contentType string
	retryAfter  string
	body        []byte
	took        time.Duration
	err         error
}

func exchange(hc *http.Client, method, url, token string, body any) answer {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		if s, ok := body.(string); ok {
			b = []byte(s)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	res, err := hc.Do(req)
	if err != nil {
		return answer{err: err, took: time.Since(start)}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, contentType: res.Header.Get("Content-Type"), retryAfter: res.Header.Get("Retry-After"), body: b, took: time.Since(start)}
}

// signIn returns an access and a refresh token for the account.
func signIn(t *testing.T, base, email, password string) (access, refresh string) {
	t.Helper()
	var g struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	c := &client{t: t, base: base, http: &http.Client{Timeout: 10 * time.Second}}
	if code := c.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, &g); code != 200 {
		t.Fatalf("sign in as %s at %s: %d", email, base, code)
	}
	return g.AccessToken, g.RefreshToken
}

// freePort returns a TCP port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// ownMeili starts a Meilisearch of the test's own (RIPOSTE_MEILI_BIN).
func ownMeili(t *testing.T) *meiliProcess {
	t.Helper()
	bin := storetest.SkipUnlessSet(t, "RIPOSTE_MEILI_BIN", "the path scripts/meili.sh path prints")
	m := &meiliProcess{bin: bin, dir: t.TempDir(), addr: fmt.Sprintf("127.0.0.1:%d", freePort(t)),
		key: "replica-test-master-key-0123456789"}
	startMeili(t, m)
	return m
}

// get calls Meilisearch's API and decodes its answer into out.
func (m *meiliProcess) get(t *testing.T, path string, out any) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+m.addr+path, nil)
	req.Header.Set("Authorization", "Bearer "+m.key)
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("Meilisearch %s: %v", path, err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("Meilisearch %s: %d %s", path, res.StatusCode, b)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("Meilisearch %s: %v", path, err)
	}
}

// slugs returns the slugs of the documents in the plugins index, sorted.
func (m *meiliProcess) slugs(t *testing.T) []string {
	t.Helper()
	var page struct {
		Results []struct {
			Slug string `json:"slug"`
		} `json:"results"`
	}
	m.get(t, "/indexes/plugins/documents?fields=slug&limit=10000", &page)
	var s []string
	for _, d := range page.Results {
		s = append(s, d.Slug)
	}
	sort.Strings(s)
	return s
}

// meiliTask is what a test reads of a Meilisearch task.
type meiliTask struct {
	UID     int    `json:"uid"`
	Type    string `json:"type"`
	Status  string `json:"status"`
	Details struct {
		ReceivedDocuments int `json:"receivedDocuments"`
		ProvidedIDs       int `json:"providedIds"`
	} `json:"details"`
}

// tasks returns the tasks on the plugins index with a uid above after.
func (m *meiliProcess) tasks(t *testing.T, after int) []meiliTask {
	t.Helper()
	var all []meiliTask
	from := -1
	for {
		path := "/tasks?indexUids=plugins&limit=1000"
		if from >= 0 {
			path += "&from=" + strconv.Itoa(from)
		}
		var page struct {
			Results []meiliTask `json:"results"`
			Next    *int        `json:"next"`
		}
		m.get(t, path, &page)
		for _, task := range page.Results {
			if task.UID > after {
				all = append(all, task)
			}
		}
		if page.Next == nil || *page.Next <= after {
			return all
		}
		from = *page.Next
	}
}

// lastTask is the uid of the newest task of the plugins index, or -1.
func (m *meiliProcess) lastTask(t *testing.T) int {
	last := -1
	for _, task := range m.tasks(t, -1) {
		last = max(last, task.UID)
	}
	return last
}

// pgCluster is a PostgreSQL cluster of the test's own, to stop and start.
type pgCluster struct {
	bin, data, log string
	port           int
	asPostgres     bool // run the server's programs as the postgres OS user (the test runs as root)
}

// ownPostgres initialises and starts a PostgreSQL cluster in a temporary
// directory, on a free port, stopped and removed when the test ends. It
// needs PostgreSQL's programs (initdb, pg_ctl), found in
// /usr/lib/postgresql/*/bin or on the PATH.
func ownPostgres(t *testing.T) *pgCluster {
	t.Helper()
	bin := pgBinDir()
	if bin == "" {
		msg := "install PostgreSQL's server programs (initdb, pg_ctl; Debian's postgresql package) to run this test"
		if os.Getenv(storetest.EnvRequireAll) != "" {
			t.Fatalf("%s is set but %s", storetest.EnvRequireAll, msg)
		}
		t.Skip(msg)
	}
	dir, err := os.MkdirTemp("", "riposte-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	pg := &pgCluster{bin: bin, data: filepath.Join(dir, "data"), log: filepath.Join(dir, "log"), port: freePort(t)}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, PostgreSQL needs the postgres OS user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		pg.asPostgres = true
	}
	if out, err := pg.command("initdb", "-D", pg.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--no-sync", "--no-instructions").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	conf := fmt.Sprintf("port = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nfsync = off\nmax_connections = 60\n", pg.port, dir)
	f, err := os.OpenFile(filepath.Join(pg.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(conf)
	f.Close()
	pg.start(t)
	t.Cleanup(func() {
		pg.command("pg_ctl", "-D", pg.data, "-m", "immediate", "-w", "stop").Run()
		if t.Failed() {
			if b, err := os.ReadFile(pg.log); err == nil {
				t.Logf("PostgreSQL's log:\n%s", b)
			}
		}
	})
	return pg
}

// pgBinDir returns the directory of the newest PostgreSQL server programs.
func pgBinDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return va - vb
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

func (pg *pgCluster) command(program string, args ...string) *exec.Cmd {
	path := filepath.Join(pg.bin, program)
	if pg.asPostgres {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func (pg *pgCluster) start(t *testing.T) {
	t.Helper()
	if out, err := pg.command("pg_ctl", "-D", pg.data, "-l", pg.log, "-w", "-t", "60", "start").CombinedOutput(); err != nil {
		b, _ := os.ReadFile(pg.log)
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, b)
	}
}

// stop shuts the server down as an operator restarting it would: open
// connections are ended.
func (pg *pgCluster) stop(t *testing.T) {
	t.Helper()
	if out, err := pg.command("pg_ctl", "-D", pg.data, "-m", "fast", "-w", "-t", "60", "stop").CombinedOutput(); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

// url is the cluster's postgres database.
func (pg *pgCluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
}

// isProblem reports whether an answer is a problem document.
func (a answer) isProblem() bool {
	var p struct {
		Status int `json:"status"`
	}
	return strings.HasPrefix(a.contentType, "application/problem+json") && json.Unmarshal(a.body, &p) == nil && p.Status == a.status
}
