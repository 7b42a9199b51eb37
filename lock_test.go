package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/search"
)

// runWithin runs the command line and fails the test if it takes longer
// than limit: what is under test is that it does not wait.
func runWithin(t *testing.T, limit time.Duration, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), append([]string{"riposte"}, args...), envMap(env), &out, io.Discard)
	}()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(limit):
		t.Fatalf("riposte %s still runs after %s", strings.Join(args, " "), limit)
		return "", nil
	}
}

// TestSecondRiposteOnTheSameDataFailsAtOnce starts a server, then the
// commands that need its data directory to themselves: each fails at once,
// naming the directory as given and the server's process.
func TestSecondRiposteOnTheSameDataFailsAtOnce(t *testing.T) {
	t.Chdir(t.TempDir())
	env := map[string]string{"RIPOSTE_DATA_DIR": "./data", "RIPOSTE_ADDR": "127.0.0.1:0", "RIPOSTE_SEED": "false", "RIPOSTE_LOG_LEVEL": "warn"}
	_, _, stop := startServer(t, env)
	defer stop()

	inUse := fmt.Sprintf("another Riposte is using ./data (pid %d)", os.Getpid())
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"serve", nil, "--data-dir"},
		{"serve on the same folder by another path", []string{"serve", "--data-dir", "data/."}, "using data/."},
		{"reindex", []string{"reindex"}, "POST /api/v1/admin/reindex"},
		{"migrate up", []string{"migrate", "up"}, "--data-dir"},
		{"migrate down", []string{"migrate", "down"}, "--data-dir"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runWithin(t, 5*time.Second, env, tc.args...)
			var e *dataDirInUseError
			if !errors.As(err, &e) || e.PID != os.Getpid() || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q and %q", err, inUse, tc.want)
			}
			if tc.args == nil && !strings.HasPrefix(err.Error(), inUse) {
				t.Fatalf("err = %q, want it to start with %q", err, inUse)
			}
		})
	}
	// Reading commands and those SQLite lets share the database still work.
	if out, err := runWithin(t, 20*time.Second, env, "migrate", "status"); err != nil || strings.Contains(out, "pending") {
		t.Errorf("migrate status next to a server: %v\n%s", err, out)
	}
	if out, err := runWithin(t, 20*time.Second, env, "user", "create", "--email", "next@example.org"); err != nil {
		t.Errorf("user create next to a server: %v\n%s", err, out)
	}

	// Once the server stops, the folder is free again.
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if out, err := runWithin(t, 60*time.Second, env, "reindex", "--check"); err != nil {
		t.Fatalf("reindex --check after the server stopped: %v\n%s", err, out)
	}
}

func TestLockDataDirWritesItsPIDAndReleases(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	lock, err := lockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, lockFile)); strings.TrimSpace(string(b)) != fmt.Sprint(os.Getpid()) {
		t.Errorf("lock file holds %q, want this process's id", b)
	}
	if _, err := lockDataDir(dir); err == nil {
		t.Fatal("a second lock on the same folder was granted")
	}
	lock.Release()
	again, err := lockDataDir(dir)
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	again.Release()
}

// TestCancelEndsAWaitingStartUp checks that a start-up waiting on
// something that does not answer ends as soon as it is interrupted.
func TestCancelEndsAWaitingStartUp(t *testing.T) {
	t.Run("a database that accepts connections and never answers", func(t *testing.T) {
		silent := silentListener(t)
		env := map[string]string{"RIPOSTE_DATA_DIR": t.TempDir(), "RIPOSTE_ADDR": "127.0.0.1:0",
			"RIPOSTE_DATABASE_URL": "postgres://riposte@" + silent + "/riposte?sslmode=disable"}
		checkCancelEnds(t, env)
	})
	t.Run("an embedded index held by another process", func(t *testing.T) {
		dir := t.TempDir()
		held, err := search.NewBleve(filepath.Join(dir, "search"))
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			e, err := openEngine(ctx, config{DataDir: dir})
			if err == nil {
				e.Close()
			}
			done <- err
		}()
		time.Sleep(100 * time.Millisecond)
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("openEngine after cancel: %v, want context.Canceled", err)
			}
		case <-time.After(time.Second):
			t.Fatal("opening the index did not end within 1s of the cancel")
		}
	})
}

// checkCancelEnds starts serve, cancels it while it starts, and checks
// that it returns at once.
func checkCancelEnds(t *testing.T, env map[string]string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"riposte"}, envMap(env), out, io.Discard) }()
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("serve ended before the cancel: %v", err)
	default:
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("serve after cancel: %v, want context.Canceled", err)
		}
		if code := exitCode(err, true, io.Discard); code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("serve did not end within 2s of the cancel")
	}
}

// silentListener accepts TCP connections and never writes to them; it
// returns its address.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan []net.Conn, 1)
	go func() {
		var conns []net.Conn
		for {
			c, err := l.Accept()
			if err != nil {
				accepted <- conns
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for _, c := range <-accepted {
			c.Close()
		}
	})
	return l.Addr().String()
}
