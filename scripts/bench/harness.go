package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// bench holds what scenarios share: built binaries and load settings.
type bench struct {
	dir      string
	duration time.Duration
	rounds   int
	conns    int
	built    map[string]string
	// pin runs upstream servers (Meilisearch, plugin servers) on CPU 1 and
	// everything else on CPU 0, as if the upstream had a machine of its own.
	pin bool
	// profiles, when not empty, is where scenarios that support it write
	// pprof profiles of Riposte under load (see profileRiposte).
	profiles string
	// scale is what the scale scenario runs.
	scale scaleConfig
	// bursts counts the scale scenario's bursts of versions on one catalogue.
	bursts int
}

// The CPUs of a pinned bench.
const (
	frontCPU    = "0"
	upstreamCPU = "1"
)

// command builds a command for name and args, on cpu when the bench is
// pinned (with taskset, which runs name in its own process).
func (b *bench) command(ctx context.Context, cpu, name string, args ...string) *exec.Cmd {
	if b.pin {
		return exec.CommandContext(ctx, "taskset", append([]string{"-c", cpu, name}, args...)...)
	}
	return exec.CommandContext(ctx, name, args...)
}

func newBench(duration time.Duration, rounds, conns int) (*bench, error) {
	if _, err := exec.LookPath("wrk"); err != nil {
		return nil, fmt.Errorf("wrk is needed: apt-get install wrk")
	}
	dir, err := os.MkdirTemp("", "riposte-bench-")
	if err != nil {
		return nil, err
	}
	return &bench{dir: dir, duration: duration, rounds: rounds, conns: conns, built: map[string]string{}}, nil
}

func (b *bench) cleanup() { os.RemoveAll(b.dir) }

// build compiles a package of this module once and returns the binary.
func (b *bench) build(pkg string) (string, error) {
	if bin, ok := b.built[pkg]; ok {
		return bin, nil
	}
	bin := filepath.Join(b.dir, strings.NewReplacer("/", "_", ".", "_").Replace(pkg))
	args := []string{"build", "-o", bin}
	if pkg == "." && b.profiles != "" {
		args = append(args, "-tags", "riposte_pprof") // serves net/http/pprof on RIPOSTE_PPROF_ADDR
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build %s: %w", pkg, err)
	}
	b.built[pkg] = bin
	return bin, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// process is a server started for a scenario.
type process struct {
	cmd    *exec.Cmd
	addr   string
	stdout *bytes.Buffer
	pprof  string // where a Riposte built for profiles serves them
}

// start runs bin with args and env, and waits until readyPath answers 200
// at its address.
func (b *bench) start(ctx context.Context, bin string, args, env []string, addr, readyPath string) (*process, error) {
	return b.startOn(ctx, frontCPU, bin, args, env, addr, readyPath)
}

// startOn is start on a CPU of a pinned bench.
func (b *bench) startOn(ctx context.Context, cpu, bin string, args, env []string, addr, readyPath string) (*process, error) {
	cmd := b.command(ctx, cpu, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out := &bytes.Buffer{}
	cmd.Stdout = out
	// Servers log at their default level, to a file as in production.
	logs, err := os.CreateTemp(b.dir, filepath.Base(bin)+"-*.log")
	if err != nil {
		return nil, err
	}
	defer logs.Close()
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, addr: addr, stdout: out}
	// Polled finely: the start-up scenario times this wait.
	poll := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := poll.Get("http://" + addr + readyPath)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return p, nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	p.stop()
	tail, _ := os.ReadFile(logs.Name())
	return nil, fmt.Errorf("%s did not become ready at %s:\n%s", filepath.Base(bin), addr, tail)
}

func (p *process) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// peakRSS reads the process's peak resident set size, in bytes.
func (p *process) peakRSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if kb, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			return n * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc status")
}

// prepare builds pkg and picks a free address for the server it makes.
func (b *bench) prepare(pkg string) (bin, addr string, err error) {
	if bin, err = b.build(pkg); err != nil {
		return "", "", err
	}
	addr, err = freeAddr()
	return bin, addr, err
}

// startBaseline starts the bare-Gin reference server.
func (b *bench) startBaseline(ctx context.Context) (*process, error) {
	bin, addr, err := b.prepare("./scripts/bench/baseline")
	if err != nil {
		return nil, err
	}
	return b.start(ctx, bin, []string{addr}, nil, addr, "/ping")
}

// startProxy starts the bare reverse proxy (scripts/bench/proxy) in front
// of target, ready when readyPath answers through it.
func (b *bench) startProxy(ctx context.Context, target, readyPath string) (*process, error) {
	bin, addr, err := b.prepare("./scripts/bench/proxy")
	if err != nil {
		return nil, err
	}
	return b.start(ctx, bin, []string{addr, target}, nil, addr, readyPath)
}

// startRiposte starts riposte on an empty data directory with extra
// environment, and returns it with the administrator's credentials.
func (b *bench) startRiposte(ctx context.Context, env ...string) (*process, error) {
	data, err := os.MkdirTemp(b.dir, "data-")
	if err != nil {
		return nil, err
	}
	return b.startRiposteIn(ctx, data, env...)
}

// startRiposteIn starts riposte as startRiposte does, on the data
// directory data, empty or left by an earlier start.
func (b *bench) startRiposteIn(ctx context.Context, data string, env ...string) (*process, error) {
	bin, addr, err := b.prepare(".")
	if err != nil {
		return nil, err
	}
	env = append([]string{
		"RIPOSTE_ADDR=" + addr, "RIPOSTE_DATA_DIR=" + data, "RIPOSTE_SEED=false",
		"RIPOSTE_ADMIN_EMAIL=" + adminEmail, "RIPOSTE_ADMIN_PASSWORD=" + adminPassword,
		// The load comes from one address: per-client limits would measure
		// the limiter's refusals, not the work.
		"RIPOSTE_SEARCH_RATE=0", "RIPOSTE_PLUGIN_CREATE_RATE=0",
	}, env...)
	pprofAddr := ""
	if b.profiles != "" {
		if pprofAddr, err = freeAddr(); err != nil {
			return nil, err
		}
		env = append(env, "RIPOSTE_PPROF_ADDR="+pprofAddr)
	}
	p, err := b.start(ctx, bin, nil, env, addr, "/readyz")
	if p != nil {
		p.pprof = pprofAddr
	}
	return p, err
}

// startRiposteAsAdmin starts riposte as startRiposte does and signs in as
// its administrator; the caller stops the process.
func (b *bench) startRiposteAsAdmin(ctx context.Context, env ...string) (*process, string, error) {
	rip, err := b.startRiposte(ctx, env...)
	if err != nil {
		return nil, "", err
	}
	token, err := login(rip.addr, adminEmail, adminPassword)
	if err != nil {
		rip.stop()
		return nil, "", err
	}
	return rip, token, nil
}

const (
	adminEmail    = "bench-admin@riposte.localhost"
	adminPassword = "bench-admin-password"
)

// call sends a JSON request and decodes a JSON answer into out. headers are
// extra name, value pairs.
func call(method, url, token string, body, out any, headers ...string) (int, error) {
	var rd *bytes.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode, nil
}

// login signs in and returns an access token.
func login(addr, email, password string) (string, error) {
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	code, err := call("POST", "http://"+addr+"/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, &tr)
	if err != nil || code != 200 {
		return "", fmt.Errorf("login: %d %v", code, err)
	}
	return tr.AccessToken, nil
}

// load is one wrk measurement.
type load struct {
	RPS      float64
	P50, P99 time.Duration
	Errors   int
}

var (
	reqsPerSec = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	latencyPct = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)`)
	non2xx     = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	sockErrs   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// wrk loads url with the bench's connections for its duration. extra are
// more wrk arguments: a header ("Name: value") or "-s", script.
func (b *bench) wrk(ctx context.Context, url string, extra ...string) (load, error) {
	args := []string{"-t2", "-c" + strconv.Itoa(b.conns), "-d" + b.duration.String(), "--latency"}
	for i := 0; i < len(extra); i++ {
		if extra[i] == "-s" && i+1 < len(extra) {
			args = append(args, "-s", extra[i+1])
			i++
			continue
		}
		args = append(args, "-H", extra[i])
	}
	out, err := b.command(ctx, frontCPU, "wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		return load{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	return parseWrk(string(out))
}

func parseWrk(out string) (load, error) {
	var l load
	m := reqsPerSec.FindStringSubmatch(out)
	if m == nil {
		return l, fmt.Errorf("no Requests/sec in wrk output:\n%s", out)
	}
	l.RPS, _ = strconv.ParseFloat(m[1], 64)
	for _, m := range latencyPct.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		d := time.Duration(v * float64(map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[3]]))
		if m[1] == "50" {
			l.P50 = d
		} else {
			l.P99 = d
		}
	}
	if m := non2xx.FindStringSubmatch(out); m != nil {
		l.Errors, _ = strconv.Atoi(m[1])
	}
	if m := sockErrs.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			l.Errors += n
		}
	}
	return l, nil
}

// compare runs baseline and subject alternately for the bench's rounds and
// returns the median of each.
func (b *bench) compare(baseline, subject func() (load, error)) (load, load, error) {
	ls, err := b.alternate(baseline, subject)
	if err != nil {
		return load{}, load{}, err
	}
	return ls[0], ls[1], nil
}

// alternate runs each of runs in turn for the bench's rounds and returns
// the median of each.
func (b *bench) alternate(runs ...func() (load, error)) ([]load, error) {
	all := make([][]load, len(runs))
	for range b.rounds {
		for i, run := range runs {
			l, err := run()
			if err != nil {
				return nil, err
			}
			all[i] = append(all[i], l)
		}
	}
	out := make([]load, len(runs))
	for i, ls := range all {
		out[i] = median(ls)
	}
	return out, nil
}

func median(ls []load) load {
	slices.SortFunc(ls, func(a, b load) int {
		switch {
		case a.RPS < b.RPS:
			return -1
		case a.RPS > b.RPS:
			return 1
		}
		return 0
	})
	return ls[len(ls)/2]
}

// report prints a comparison as a markdown table with the ratio and the bar.
func report(baseName string, base load, subjName string, subj load, bar float64) error {
	ratio := subj.RPS / base.RPS
	fmt.Println("| target | requests/s | p50 | p99 | errors |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, r := range []struct {
		name string
		l    load
	}{{baseName, base}, {subjName, subj}} {
		fmt.Printf("| %s | %.0f | %s | %s | %d |\n", r.name, r.l.RPS, r.l.P50.Round(time.Microsecond), r.l.P99.Round(time.Microsecond), r.l.Errors)
	}
	verdict := "meets"
	if ratio < bar {
		verdict = "MISSES"
	}
	fmt.Printf("\nratio %.2f× (bar ≥ %.2f×): %s the bar\n\n", ratio, bar, verdict)
	if subj.Errors > 0 {
		return fmt.Errorf("%s answered %d errors under load", subjName, subj.Errors)
	}
	return nil
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// drain reads and closes a response body so the connection is reused.
func drain(res *http.Response) {
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
}
