package main

import (
	"strings"
	"testing"
	"time"
)

func TestLogsAreBufferedButNotLost(t *testing.T) {
	out := &syncBuffer{}
	log, lw := newLogger(config{}, out)
	log.Info("request", "route", "/a")
	if out.String() != "" {
		t.Fatal("an info line was written at once; it should wait for the next flush")
	}
	deadline := time.Now().Add(2 * time.Second)
	for out.String() == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "route=/a") {
		t.Fatalf("the buffered line never came out: %q", out.String())
	}
	log.Info("before the failure")
	log.Error("failure")
	if s := out.String(); !strings.Contains(s, "before the failure") || !strings.Contains(s, "failure") {
		t.Fatalf("an error did not flush the buffer: %q", s)
	}
	log.Info("last words")
	lw.Close()
	if !strings.Contains(out.String(), "last words") {
		t.Fatal("Close did not flush the buffer")
	}
}
