package storetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The tests that need a service skip without it, and `go test` prints
// nothing of a package that passes, skips included. So that nobody takes
// a run for complete when it is not, the first test process of a run that
// imports this package writes one line per missing service, and how to
// provide it, to the terminal. Without a terminal it writes nothing: CI
// sets RIPOSTE_TEST_REQUIRE_ALL, which makes a missing service fail.
func init() {
	if testing.Testing() {
		announceMissing(missingServices(os.Getenv, exists))
	}
}

// chromiumPath is where the browser tests look for Chromium when
// RIPOSTE_TEST_CHROMIUM is not set.
const chromiumPath = "/usr/bin/chromium"

// service is a service some tests need, as a test run finds it.
type service struct {
	name    string
	present func(getenv func(string) string, exists func(string) bool) bool
	enable  string // how to provide it
}

var services = []service{
	{"PostgreSQL", func(getenv func(string) string, _ func(string) bool) bool { return getenv(EnvDatabaseURL) != "" },
		"set " + EnvDatabaseURL + "=postgres://postgres@127.0.0.1:5432/test"},
	{"Meilisearch", func(getenv func(string) string, _ func(string) bool) bool {
		return getenv("RIPOSTE_TEST_MEILI_URL") != ""
	},
		"set RIPOSTE_TEST_MEILI_URL and RIPOSTE_TEST_MEILI_KEY (scripts/meili.sh start prints them)"},
	{"Chromium", func(getenv func(string) string, exists func(string) bool) bool {
		return getenv("RIPOSTE_TEST_CHROMIUM") != "" || exists(chromiumPath)
	}, "install Debian's chromium, or set RIPOSTE_TEST_CHROMIUM to a Chromium"},
}

// missingServices returns a line for each service the tests go without,
// saying how to provide it; none when RIPOSTE_TEST_REQUIRE_ALL is set,
// which makes their tests fail instead.
func missingServices(getenv func(string) string, exists func(string) bool) []string {
	if getenv(EnvRequireAll) != "" {
		return nil
	}
	var lines []string
	for _, s := range services {
		if !s.present(getenv, exists) {
			lines = append(lines, fmt.Sprintf("go test: the %s tests skip: %s to run them", s.name, s.enable))
		}
	}
	return lines
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// noticePrefix starts the names of the files that mark a run as told.
const noticePrefix = "riposte-test-notice-"

// announceMissing writes lines to the terminal, once per run of the go
// command (the parent of every test process of the run).
func announceMissing(lines []string) {
	if len(lines) == 0 {
		return
	}
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer tty.Close()
	removeOldMarkers()
	marker := filepath.Join(os.TempDir(), fmt.Sprintf("%s%d-%s", noticePrefix, os.Getppid(), parentStart()))
	f, err := os.OpenFile(marker, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return // another test process of this run has told
	}
	f.Close()
	fmt.Fprintln(tty, strings.Join(lines, "\n"))
}

// parentStart tells the parent process from an earlier one with the same
// id: its start time, where /proc has it.
func parentStart() string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", os.Getppid()))
	if err != nil {
		return ""
	}
	_, after, _ := strings.Cut(string(b), ") ")
	if f := strings.Fields(after); len(f) > 19 {
		return f[19]
	}
	return ""
}

// removeOldMarkers removes the marks of runs over a day old.
func removeOldMarkers() {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), noticePrefix+"*"))
	for _, m := range old {
		if info, err := os.Stat(m); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
			os.Remove(m)
		}
	}
}
