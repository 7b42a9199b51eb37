package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// hotSet is how many plugins the repeated GET /api/v1/plugins/{slug} load
// asks for, whatever the catalogue's size: the same share of repeated
// plugins at every size, so that the rates compare the same mix of kept
// representations and reads (with a random slug among all of them, a
// 5-second run asks each of 10,000 plugins many times and most of
// 100,000 once).
const hotSet = 1000

// getPlan splits a catalogue of size plugins (slugs s-0 … s-(size-1)) for
// the GET loads: hot, hotSet plugins (half the catalogue below 2,000)
// drawn at random over the whole catalogue, for the repeated load; and
// fresh, every other plugin in random order, for the load that asks each
// plugin once. Both are the same for the same size and seed.
func getPlan(size int, seed uint64) (hot, fresh []int) {
	order := rand.New(rand.NewPCG(seed, uint64(size))).Perm(size)
	n := min(hotSet, size/2)
	return order[:n:n], order[n:]
}

func slugPaths(ids []int) []string {
	paths := make([]string, len(ids))
	for i, id := range ids {
		paths[i] = fmt.Sprintf("/api/v1/plugins/s-%d", id)
	}
	return paths
}

// onceLoad asks each of paths once, in order, over conns keep-alive
// connections, until every path is asked or d has passed, and reports the
// rate over the time it took. It measures what no cache answers: a
// plugin not asked before in the run is read from the database. (wrk
// cannot stop at a number of requests: it divides what it did by the
// whole duration.) asked is how many paths were asked.
func onceLoad(ctx context.Context, base string, paths []string, conns int, d time.Duration) (l load, asked int, err error) {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var (
		next    atomic.Int64
		errs    atomic.Int64
		mu      sync.Mutex
		latency []time.Duration
		wg      sync.WaitGroup
		first   error
	)
	start := time.Now()
	deadline := start.Add(d)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			defer func() { mu.Lock(); latency = append(latency, mine...); mu.Unlock() }()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				i := next.Add(1) - 1
				if i >= int64(len(paths)) {
					return
				}
				t := time.Now()
				res, err := client.Get(base + paths[i])
				if err != nil {
					errs.Add(1)
					mu.Lock()
					first = cmpErr(first, err)
					mu.Unlock()
					continue
				}
				_, err = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				mine = append(mine, time.Since(t))
				if err != nil || res.StatusCode != http.StatusOK {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if err := ctx.Err(); err != nil {
		return l, 0, err
	}
	if len(latency) == 0 {
		return l, 0, fmt.Errorf("no answer: %v", first)
	}
	slices.Sort(latency)
	l.RPS = float64(len(latency)) / took.Seconds()
	l.P50, l.P99 = latency[len(latency)/2], latency[min(len(latency)-1, len(latency)*99/100)]
	l.Errors = int(errs.Load())
	return l, len(latency), nil
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
