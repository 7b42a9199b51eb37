//go:build race

package wasm_test

// raceDetector is true when the race detector runs, whose shadow memory
// makes the process's RSS say nothing of the modules', and under which
// recycled memories are dropped at random.
const raceDetector = true
