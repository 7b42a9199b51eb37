package watch_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/watch"
)

// lockedBuffer is a log destination the watcher's goroutine and the test
// share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestAFailingCheckIsLoggedOnceAndItsRecoveryOnce(t *testing.T) {
	// Rounds 1–3 fail, 4–5 work, 6 fails, then every round works.
	outcomes := []bool{false, false, false, true, true, false}
	var (
		mu     sync.Mutex
		rounds int
	)
	ctx, cancel := context.WithCancel(context.Background())
	check := func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		rounds++
		if rounds == len(outcomes)+2 {
			cancel()
		}
		if rounds <= len(outcomes) && !outcomes[rounds-1] {
			return errors.New("database is locked")
		}
		return nil
	}
	var logs lockedBuffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		watch.Every(ctx, time.Millisecond, check, slog.New(slog.NewTextHandler(&logs, nil)), "checking things", "requests read the database meanwhile")
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher did not stop when its context ended")
	}
	got := logs.String()
	if n := strings.Count(got, `msg="checking things failed; requests read the database meanwhile" error="database is locked"`); n != 2 {
		t.Errorf("%d warnings, want one per run of failures (2):\n%s", n, got)
	}
	if n := strings.Count(got, `msg="checking things works again"`); n != 2 {
		t.Errorf("%d recoveries, want 2:\n%s", n, got)
	}
	if i, j := strings.Index(got, "failed"), strings.Index(got, "works again"); i < 0 || j < i {
		t.Errorf("the recovery is logged before the failure:\n%s", got)
	}
}
