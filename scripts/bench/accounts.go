package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// benchLogins fires 100 sign-ins at once, each for its own account: first
// each from its own (proxied) address, so that no rate limit spares the
// hashing, then all from one address, so that the limiter answers most.
// It reports the answers and the server's peak memory.
func benchLogins(ctx context.Context, b *bench) error {
	const n = 100
	rip, err := b.startRiposte(ctx, "RIPOSTE_TRUSTED_PROXIES=127.0.0.1")
	if err != nil {
		return err
	}
	defer rip.stop()
	if err := createUsers(ctx, b, rip, n); err != nil {
		return err
	}
	fmt.Println("| concurrent sign-ins | client addresses | 200 | 429 | other | slowest | peak RSS |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|")
	for _, distinct := range []bool{true, false} {
		codes, worst := loginBurst(rip.addr, n, distinct)
		rss, err := rip.peakRSS()
		if err != nil {
			return err
		}
		other := n - codes[200] - codes[429]
		fmt.Printf("| %d | %s | %d | %d | %d | %s | %.0f MiB |\n", n, map[bool]string{true: "one each", false: "all the same"}[distinct],
			codes[200], codes[429], other, worst.Round(time.Millisecond), float64(rss)/(1<<20))
		if other > 0 {
			return fmt.Errorf("%d sign-ins got neither 200 nor 429: %v", other, codes)
		}
		if rss >= 1<<30 {
			return fmt.Errorf("peak RSS %d bytes, bar is < 1 GiB", rss)
		}
	}
	fmt.Println("\nbar: every sign-in answers 2xx or 429, peak RSS < 1 GiB: met")
	fmt.Println()
	return nil
}

// loginBurst signs n accounts in at once and counts the answers by status.
func loginBurst(addr string, n int, distinctAddresses bool) (map[int]int, time.Duration) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		codes = map[int]int{}
		worst time.Duration
	)
	for i := range n {
		wg.Go(func() {
			ip := "198.51.100.250"
			if distinctAddresses {
				ip = fmt.Sprintf("198.51.100.%d", i+1)
			}
			t0 := time.Now()
			code, err := callFrom(addr, ip, fmt.Sprintf("user%d@bench.example", i), "password-for-bench")
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				code = -1
			}
			codes[code]++
			worst = max(worst, d)
		})
	}
	wg.Wait()
	return codes, worst
}

func createUsers(ctx context.Context, b *bench, rip *process, n int) error {
	bin, err := b.build(".")
	if err != nil {
		return err
	}
	pw := filepath.Join(b.dir, "bench-password")
	if err := os.WriteFile(pw, []byte("password-for-bench"), 0o600); err != nil {
		return err
	}
	data := ""
	for _, e := range rip.cmd.Env {
		if v, ok := strings.CutPrefix(e, "RIPOSTE_DATA_DIR="); ok {
			data = v
		}
	}
	for i := range n {
		cmd := exec.CommandContext(ctx, bin, "user", "create", "--email", fmt.Sprintf("user%d@bench.example", i), "--password-file", pw)
		cmd.Env = append(os.Environ(), "RIPOSTE_DATA_DIR="+data)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("user create: %v\n%s", err, out)
		}
	}
	return nil
}

// callFrom signs in as if through a proxy for client address ip.
func callFrom(addr, ip, email, password string) (int, error) {
	return call("POST", "http://"+addr+"/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, nil,
		"X-Forwarded-For", ip)
}
