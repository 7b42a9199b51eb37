//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package main

import "os"

// tryLock does nothing where flock(2) is missing: there, the embedded
// search index's own lock keeps a second process out, after a wait.
func tryLock(*os.File) error { return nil }
