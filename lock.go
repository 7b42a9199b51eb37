package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// lockFile is the file in the data directory that a process holding the
// directory keeps locked; it holds that process's id.
const lockFile = "riposte.lock"

// errLocked is what tryLock returns when another process holds the lock.
var errLocked = errors.New("locked by another process")

// dataDirInUseError says that another process holds the data directory.
type dataDirInUseError struct {
	Dir  string // as the user gave it
	PID  int    // 0 when unknown
	Hint string // what to do about it
}

func (e *dataDirInUseError) Error() string {
	msg := "another Riposte is using " + e.Dir
	if e.PID > 0 {
		msg += fmt.Sprintf(" (pid %d)", e.PID)
	}
	return msg + ": " + e.Hint
}

// dataLock is a process's hold on a data directory: the embedded search
// index and an SQLite database there are for one process at a time.
type dataLock struct{ f *os.File }

// lockDataDir takes the data directory dir for this process, creating it
// if needed, or fails at once with a *dataDirInUseError when another
// process holds it. The operating system lets go of the lock when the
// process ends, however it ends.
func lockDataDir(dir string) (*dataLock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := tryLock(f); err != nil {
		defer f.Close()
		if errors.Is(err, errLocked) {
			return nil, &dataDirInUseError{Dir: dir, PID: readPID(f),
				Hint: "stop it first, or give this one a data directory of its own (--data-dir or RIPOSTE_DATA_DIR)"}
		}
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	// The file stays: removing it would let a process that opened it
	// before the removal lock a file nobody else sees.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dataLock{f}, nil
}

// Release lets go of the data directory.
func (l *dataLock) Release() error { return l.f.Close() }

// readPID reads the process id a lock file holds; 0 if it holds none yet.
func readPID(f *os.File) int {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 32))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}
