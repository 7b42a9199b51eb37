package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of the CPU times in /proc/PID/stat (USER_HZ,
// 100 on Linux).
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU time, user and system, that process pid has used so
// far, or 0 where /proc cannot tell.
func cpuTime(pid int) time.Duration {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing parenthesis. utime and stime are fields 14 and 15.
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	user, _ := strconv.ParseInt(fields[11], 10, 64)
	sys, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(user+sys) * clockTick
}

// cpuMeter adds up the CPU time some processes use during runs.
type cpuMeter struct {
	pids  []int
	start []time.Duration
	used  []time.Duration
}

func newCPUMeter(pids ...int) *cpuMeter {
	return &cpuMeter{pids: pids, start: make([]time.Duration, len(pids)), used: make([]time.Duration, len(pids))}
}

func (m *cpuMeter) begin() {
	for i, pid := range m.pids {
		m.start[i] = cpuTime(pid)
	}
}

func (m *cpuMeter) end() {
	for i, pid := range m.pids {
		m.used[i] += cpuTime(pid) - m.start[i]
	}
}

// perRequest is the CPU time process i used per request, over requests.
func (m *cpuMeter) perRequest(i int, requests float64) string {
	if requests <= 0 {
		return "?"
	}
	return fmt.Sprintf("%.2f ms", float64(m.used[i])/float64(time.Millisecond)/requests)
}

// readPID reads a process id from a pid file, or 0.
func readPID(path string) int {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	return pid
}

// metered wraps a run so that m counts the CPU it costs and requests the
// requests it made.
func metered(b *bench, m *cpuMeter, requests *float64, run func() (load, error)) func() (load, error) {
	return func() (load, error) {
		m.begin()
		l, err := run()
		m.end()
		*requests += l.RPS * b.duration.Seconds()
		return l, err
	}
}
