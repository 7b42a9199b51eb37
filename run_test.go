package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/store"
)

// asCommandEnv, set to 1, makes the test binary the riposte command: see
// riposteOnPath.
const asCommandEnv = "RIPOSTE_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(asCommandEnv) == "1" {
		main()
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// riposteOnPath returns the environment variables under which programs
// the test starts find this checkout's riposte command on PATH: the test
// binary itself, acting as the command, without building it.
func riposteOnPath(t *testing.T) []string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(self, filepath.Join(dir, "riposte")); err != nil {
		t.Fatal(err)
	}
	return []string{"PATH=" + dir + string(os.PathListSeparator) + os.Getenv("PATH"), asCommandEnv + "=1"}
}

// syncBuffer is a buffer safe to write from a server goroutine while a
// test reads it.
type syncBuffer = platformtest.Logs

func runCmd(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"riposte"}, args...), envMap(env), &out, io.Discard)
	return out.String(), err
}

func TestVersionAndUsage(t *testing.T) {
	out, err := runCmd(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "riposte ") {
		t.Fatalf("version: %q, %v", out, err)
	}
	_, err = runCmd(t, nil, "frobnicate")
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "usage:") {
		t.Fatalf("unknown command: %v", err)
	}
}

// commandPaths are every command of the command line.
var commandPaths = [][]string{
	{"serve"}, {"migrate"}, {"migrate", "up"}, {"migrate", "down"}, {"migrate", "status"}, {"user", "create"},
	{"seed"}, {"reindex"}, {"plugin"}, {"plugin", "init"}, {"plugin", "validate"}, {"plugin", "test"}, {"plugin", "publish"},
	{"healthcheck"}, {"version"},
}

func TestEveryCommandHasItsOwnHelp(t *testing.T) {
	t.Parallel()
	for _, path := range commandPaths {
		name := strings.Join(path, " ")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := runCmd(t, nil, append(path, "--help")...)
			if code := exitCode(err, false, io.Discard); code != 0 || !strings.Contains(out, "riposte "+name) || !strings.Contains(out, "Usage:") {
				t.Fatalf("riposte %s --help: exit %d, %v\n%s", name, code, err, out)
			}
			usage := "Usage:\n  riposte " + name
			if again, err := runCmd(t, nil, append([]string{"help"}, path...)...); err != nil || !strings.Contains(out, usage) || !strings.Contains(again, usage) {
				t.Errorf("riposte help %s: %v; want the usage of the command as with --help\n%s", name, err, again)
			}
		})
	}
	out, err := runCmd(t, nil, "--help")
	for _, path := range commandPaths {
		if err != nil || (len(path) > 1 || path[0] != "migrate" && path[0] != "plugin") && !strings.Contains(out, "  "+strings.Join(path, " ")) {
			t.Errorf("riposte --help does not list %q: %v\n%s", path, err, out)
		}
	}
}

func TestCommandLineMistakesExitWith2AndTheCommandsUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args       []string
		msg, usage string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`, "usage: riposte [command]"},
		{[]string{"sed"}, "did you mean seed?", "usage: riposte [command]"},
		{[]string{"--frob"}, "unknown flag: --frob", "usage: riposte [command]"},
		{[]string{"seed", "--frob"}, "unknown flag: --frob", "riposte seed [--demo]"},
		{[]string{"seed", "everything"}, "seed takes no arguments", "riposte seed [--demo]"},
		{[]string{"migrate"}, "migrate needs one of: up, down, status", "riposte migrate [command]"},
		{[]string{"migrate", "sideways"}, `unknown migrate command "sideways"`, "riposte migrate [command]"},
		{[]string{"migrate", "status", "--data-dir"}, "flag needs an argument", "riposte migrate status"},
		{[]string{"user", "create"}, "user create needs --email", "riposte user create --email E"},
		{[]string{"plugin", "validate"}, "plugin validate needs one FILE", "riposte plugin validate FILE"},
		{[]string{"plugin", "test", "one", "two"}, "plugin test takes at most one DIR", "riposte plugin test [DIR]"},
		{[]string{"plugin", "publish", "--frob"}, "unknown flag: --frob", "riposte plugin publish [DIR]"},
		{[]string{"help", "frobnicate"}, `no command "frobnicate"`, "usage: riposte [command]"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			_, err := runCmd(t, map[string]string{"RIPOSTE_DATA_DIR": t.TempDir()}, tc.args...)
			var stderr bytes.Buffer
			if code := exitCode(err, false, &stderr); code != 2 {
				t.Fatalf("exit %d, want 2: %v", code, err)
			}
			if got := stderr.String(); !strings.HasPrefix(got, "riposte: ") || !strings.Contains(got, tc.msg) || !strings.Contains(got, tc.usage) {
				t.Fatalf("stderr does not say %q, then the usage %q:\n%s", tc.msg, tc.usage, got)
			}
		})
	}
}

func TestFlagsGoAnywhereAfterTheCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if out, err := runCmd(t, nil, "migrate", "up", "--data-dir", dir); err != nil || !strings.HasPrefix(out, "applied ") {
		t.Fatalf("migrate up --data-dir: %q, %v", out, err)
	}
	for _, args := range [][]string{
		{"migrate", "status", "--data-dir", dir},
		{"migrate", "--data-dir", dir, "status"},
		{"migrate", "--data-dir=" + dir, "status"},
	} {
		out, err := runCmd(t, nil, args...)
		if err != nil || !strings.Contains(out, "applied") || strings.Contains(out, "pending") {
			t.Errorf("%q: %v\n%s", args, err, out)
		}
	}
}

func TestMigrateCommands(t *testing.T) {
	env := map[string]string{"RIPOSTE_DATA_DIR": t.TempDir()}
	out, err := runCmd(t, env, "migrate", "status")
	if err != nil || !strings.Contains(out, "pending") {
		t.Fatalf("status before: %q, %v", out, err)
	}
	pending := strings.Count(out, "pending")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	latest := strings.Fields(lines[len(lines)-1])[0] // versions need not be contiguous
	if out, err = runCmd(t, env, "migrate", "up"); err != nil || out != fmt.Sprintf("applied %d migration(s)\n", pending) {
		t.Fatalf("up: %q, %v; want %d applied", out, err, pending)
	}
	if out, _ = runCmd(t, env, "migrate", "status"); strings.Contains(out, "pending") {
		t.Fatalf("status after up: %q", out)
	}
	if out, err = runCmd(t, env, "migrate", "down"); err != nil || out != "rolled back migration "+latest+"\n" {
		t.Fatalf("down: %q, %v", out, err)
	}
	if out, _ = runCmd(t, env, "migrate", "status"); strings.Count(out, "pending") != 1 {
		t.Fatalf("status after down: %q", out)
	}
	if _, err = runCmd(t, env, "migrate", "sideways"); err == nil {
		t.Fatal("unknown migrate action accepted")
	}
}

func TestUserCreate(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"RIPOSTE_DATA_DIR": dir}
	out, err := runCmd(t, env, "user", "create", "--email", "Judge@Example.org", "--role", "judge")
	if err != nil || !strings.Contains(out, "created judge account") || !regexp.MustCompile(`password \(shown once\): \S{20,}`).MatchString(out) {
		t.Fatalf("user create: %q, %v", out, err)
	}
	if _, err := runCmd(t, env, "user", "create", "--email", "judge@example.org", "--role", "judge"); err == nil {
		t.Fatal("a second account with the same e-mail was created")
	}
	if _, err := runCmd(t, env, "user", "create", "--email", "x@example.org", "--role", "emperor"); err == nil || !strings.Contains(err.Error(), "role") {
		t.Fatalf("unknown role: %v", err)
	}
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("from-a-file-123\n"), 0o600)
	if out, err := runCmd(t, env, "user", "create", "--email", "org@example.org", "--role", "organizer", "--password-file", pw); err != nil || strings.Contains(out, "shown once") {
		t.Fatalf("user create with a password file: %q, %v", out, err)
	}

	// Each account the command opened is in the audit log, by the platform.
	s, err := store.Open(context.Background(), "sqlite:"+filepath.Join(dir, "riposte.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	entries, _, err := s.ListAudit(context.Background(), store.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var created []string
	for _, e := range slices.Backward(entries) {
		if e.Action == "user.create" && e.ActorID == nil && e.Details["source"] == "platform" {
			created = append(created, fmt.Sprint(e.Details["role"]))
		}
	}
	if !slices.Equal(created, []string{"judge", "organizer"}) {
		t.Fatalf("accounts created by the command in the audit log: %v (%+v)", created, entries)
	}
}

// startServer runs `riposte serve` on a free port and returns its base URL,
// its standard output, and a function that stops it and returns run's error.
func startServer(t *testing.T, env map[string]string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"riposte"}, envMap(env), out, io.Discard) }()
	addr := regexp.MustCompile(`running on (\S+)`)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			var once sync.Once
			var err error
			return "http://" + m[1], out, func() error {
				once.Do(func() { cancel(); err = <-done })
				return err
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not start:\n%s", out.String())
	return "", nil, nil
}

func postJSON(t *testing.T, url string, body any) (*http.Response, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	res, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return res, m
}

func TestServeFirstRunAndShutdown(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"RIPOSTE_DATA_DIR": dir, "RIPOSTE_ADDR": "127.0.0.1:0", "RIPOSTE_SEED": "false", "RIPOSTE_LOG_LEVEL": "warn"}
	base, out, stop := startServer(t, env)
	defer stop()

	m := regexp.MustCompile(`Sign in as (\S+) with password (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no administrator credentials printed:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "E-mail:      not sent (no RIPOSTE_SMTP_URL): written to the log; addresses are not verified") ||
		!strings.Contains(out.String(), base+"/dev/mail") {
		t.Errorf("start-up without SMTP does not say that e-mail is not sent and addresses not verified:\n%s", out.String())
	}
	res, body := postJSON(t, base+"/api/v1/auth/login", map[string]string{"email": m[1], "password": m[2]})
	if res.StatusCode != 200 || body["user"].(map[string]any)["role"] != "admin" {
		t.Fatalf("admin login: %d %v", res.StatusCode, body)
	}
	if info, err := os.Stat(filepath.Join(dir, "jwt-secret")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("development signing secret: %v, %v", info, err)
	}
	port := base[strings.LastIndexByte(base, ':')+1:]
	if _, err := runCmd(t, map[string]string{"RIPOSTE_ADDR": "127.0.0.1:" + port}, "healthcheck"); err != nil {
		t.Fatalf("healthcheck against a ready server: %v", err)
	}

	// A request in flight when the signal comes still gets its answer.
	pr, pw := io.Pipe()
	answered := make(chan int, 1)
	sent := make(chan struct{})
	go func() {
		trace := &httptrace.ClientTrace{WroteHeaders: func() { close(sent) }}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "POST", base+"/api/v1/auth/register", pr)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Log(err)
			answered <- -1
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()
	fmt.Fprint(pw, `{"email":"late@example.org",`)
	<-sent
	time.Sleep(200 * time.Millisecond) // let the server accept the connection and start reading
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(100 * time.Millisecond)
	fmt.Fprint(pw, `"password":"long enough","name":"Late"}`)
	pw.Close()
	if code := <-answered; code != 201 {
		t.Fatalf("in-flight request answered %d, want 201", code)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("serve returned %v after shutdown", err)
	}
	if _, err := runCmd(t, map[string]string{"RIPOSTE_ADDR": "127.0.0.1:" + port}, "healthcheck"); err == nil {
		t.Fatal("healthcheck passed with the server stopped")
	}

	// A second start on the same data keeps the accounts and prints no password.
	base, out, stop2 := startServer(t, env)
	defer stop2()
	if strings.Contains(out.String(), "password") && strings.Contains(out.String(), "shown once") {
		t.Fatalf("second start printed a new password:\n%s", out.String())
	}
	if res, _ := postJSON(t, base+"/api/v1/auth/login", map[string]string{"email": m[1], "password": m[2]}); res.StatusCode != 200 {
		t.Fatalf("admin login after restart: %d", res.StatusCode)
	}
}

func TestServeRefusesBadConfiguration(t *testing.T) {
	_, err := runCmd(t, map[string]string{"RIPOSTE_ENV": "production", "RIPOSTE_DATA_DIR": t.TempDir()}, "serve")
	if err == nil || !strings.Contains(err.Error(), "RIPOSTE_JWT_SECRET") {
		t.Fatalf("production without a secret: %v", err)
	}
}

// TestUnreachableDatabaseIsReportedOnce checks that each reason the
// database cannot be reached is printed once, though the driver tries
// twice (with TLS, then without).
func TestUnreachableDatabaseIsReportedOnce(t *testing.T) {
	t.Parallel()
	env := map[string]string{"RIPOSTE_DATA_DIR": t.TempDir(), "RIPOSTE_DATABASE_URL": "postgres://nope@127.0.0.1:1/x"}
	for _, args := range [][]string{{"serve"}, {"migrate", "status"}} {
		_, err := runCmd(t, env, args...)
		var stderr bytes.Buffer
		exitCode(err, false, &stderr)
		if n := strings.Count(stderr.String(), "connection refused"); n != 1 {
			t.Errorf("riposte %s printed the reason %d times, want once:\n%s", args[0], n, stderr.String())
		}
	}
}

// A database that accepts connections and never answers is given up on
// after connectTimeout, with a message that says so.
func TestSilentDatabaseIsGivenUpOnWithAMessage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	defer func(d time.Duration) { connectTimeout = d }(connectTimeout)
	connectTimeout = 300 * time.Millisecond
	cfg := config{DatabaseURL: "postgres://nope@" + ln.Addr().String() + "/x?sslmode=disable"}
	start := time.Now()
	_, err = openStore(t.Context(), cfg)
	if err == nil || !strings.Contains(err.Error(), "the database did not answer within 300ms") {
		t.Fatalf("openStore: %v, want the database did not answer within 300ms", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("giving up took %s", took)
	}
}
