package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"syscall"
	"time"
	"unsafe"

	"github.com/riposte-civic/riposte/api/judging"
)

// pairwiseState is an edition of pairwise judging under way: entries whose
// scores random votes have spread, and judges part-way through.
type pairwiseState struct {
	entries []judging.Contender
	inputs  []judging.NextInput // one per judge
}

// newPairwiseState casts votes between random entries, then gives each of
// judges a reliability, a previous entry, seen entries and conflicts.
func newPairwiseState(entries, judges, votes, seen int, r *rand.Rand) pairwiseState {
	s := pairwiseState{entries: make([]judging.Contender, entries)}
	for i := range s.entries {
		s.entries[i] = judging.NewContender(fmt.Sprintf("e-%03d", i))
	}
	j := judging.NewJudge()
	for range votes {
		a, b := r.IntN(entries), r.IntN(entries)
		if a != b {
			s.entries[a], s.entries[b], j = judging.Update(s.entries[a], s.entries[b], j)
		}
	}
	views := map[string]int{}
	for _, e := range s.entries {
		views[e.ID] = r.IntN(10)
	}
	for range judges {
		in := judging.NextInput{Judge: judging.Judge{Alpha: 5 + 10*r.Float64(), Beta: 0.5 + 2*r.Float64()},
			Entries: s.entries, Views: views}
		for _, k := range r.Perm(entries)[:seen] {
			in.Seen = append(in.Seen, s.entries[k].ID)
		}
		in.Previous = in.Seen[len(in.Seen)-1]
		for _, k := range r.Perm(entries)[:entries/20] {
			in.Conflicts = append(in.Conflicts, s.entries[k].ID)
		}
		in.Skipped = []string{s.entries[r.IntN(entries)].ID}
		s.inputs = append(s.inputs, in)
	}
	return s
}

// threadCPU is the CPU time the calling OS thread has used so far
// (CLOCK_THREAD_CPUTIME_ID), or 0 where the clock cannot be read. Unlike
// the wall clock, it does not count time spent waiting for a CPU.
func threadCPU() time.Duration {
	const clockThreadCPUTime = 3
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

// percentile returns the p-th percentile (0–100) of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

// timeChoices chooses n next entries, going round the inputs, and returns
// the wall-clock and the CPU times of the choices, sorted.
func timeChoices(inputs []judging.NextInput, n int) (wall, cpu []time.Duration, err error) {
	runtime.LockOSThread() // so that the thread's CPU clock is the calls'
	defer runtime.UnlockOSThread()
	wall, cpu = make([]time.Duration, n), make([]time.Duration, n)
	for i := range wall {
		start, startCPU := time.Now(), threadCPU()
		if _, ok := judging.NextEntry(inputs[i%len(inputs)]); !ok {
			return nil, nil, fmt.Errorf("no next entry for judge %d", i%len(inputs))
		}
		wall[i], cpu[i] = time.Since(start), threadCPU()-startCPU
	}
	slices.Sort(wall)
	slices.Sort(cpu)
	return wall, cpu, nil
}

// benchPairwise times choosing a judge's next entry among 500, and the
// update after a vote, in process: both are pure computations done once
// per request.
func benchPairwise(_ context.Context, _ *bench) error {
	const entries, judges, choices = 500, 50, 2000
	s := newPairwiseState(entries, judges, 5000, 30, rand.New(rand.NewPCG(500, 11)))
	ds, cpu, err := timeChoices(s.inputs, choices)
	if err != nil {
		return err
	}

	const batch, batches = 1000, 200
	us := make([]time.Duration, batches)
	w, l, j := s.entries[0], s.entries[1], judging.NewJudge()
	for i := range us {
		start := time.Now()
		for range batch {
			w, l, j = judging.Update(w, l, j)
		}
		us[i] = time.Since(start) / batch
	}
	slices.Sort(us)

	fmt.Println("| operation | calls | p50 | p99 | max |")
	fmt.Println("|---|---:|---:|---:|---:|")
	fmt.Printf("| next entry among %d (%d judges, 30 seen, 5%% conflicts) | %d | %s | %s | %s |\n", entries, judges, choices,
		percentile(ds, 50).Round(time.Microsecond), percentile(ds, 99).Round(time.Microsecond), ds[len(ds)-1].Round(time.Microsecond))
	fmt.Printf("| the same, CPU time of the thread | %d | %s | %s | %s |\n", choices,
		percentile(cpu, 50).Round(time.Microsecond), percentile(cpu, 99).Round(time.Microsecond), cpu[len(cpu)-1].Round(time.Microsecond))
	fmt.Printf("| update after a vote (per call, batches of %d) | %d | %s | %s | %s |\n", batch, batch*batches,
		percentile(us, 50), percentile(us, 99), us[len(us)-1])
	fmt.Println()
	p99 := percentile(ds, 99)
	fmt.Println(bar(fmt.Sprintf("next entry among %d, p99 %s", entries, p99.Round(time.Microsecond)), p99 < 5*time.Millisecond, "< 5 ms"))
	fmt.Println(bar(fmt.Sprintf("next entry among %d, p99 of CPU time %s", entries, percentile(cpu, 99).Round(time.Microsecond)), percentile(cpu, 99) < 5*time.Millisecond, "< 5 ms"))
	fmt.Println("- wall-clock figures count time spent waiting for a CPU; see `uptime` while measuring")
	fmt.Println()
	return nil
}
