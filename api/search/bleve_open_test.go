package search

import (
	"strings"
	"testing"
	"time"
)

// TestBleveOpenGivesUpOnAnIndexInUse checks that opening an index another
// process holds fails after a while, saying so, instead of waiting forever
// on the index's file lock.
func TestBleveOpenGivesUpOnAnIndexInUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	held, err := NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()

	done := make(chan error, 1)
	go func() {
		b, err := newBleve(dir, 200*time.Millisecond)
		if err == nil {
			b.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "in use by another process") {
			t.Fatalf("opening an index in use: %v, want an error saying it is in use", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("opening an index in use still waits after 10s")
	}
}
