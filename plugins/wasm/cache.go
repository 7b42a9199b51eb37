package wasm

import (
	"context"
	"sync"

	"github.com/tetratelabs/wazero"
)

// compiled is a module compiled and checked, ready to instantiate.
type compiled struct {
	code wazero.CompiledModule
	info Module
}

// moduleCache keeps compiled modules by SHA-256, the least recently used
// dropped first beyond max. Concurrent requests for one module compile it
// once. A module dropped while calls use it is closed after the last.
type moduleCache struct {
	mu      sync.Mutex
	entries map[string]*cacheEntry
	max     int
	tick    uint64
	compile func(ctx context.Context, bin []byte) (*compiled, error)
}

type cacheEntry struct {
	ready   chan struct{} // closed once compiled, or failed
	c       *compiled
	err     error
	refs    int    // calls using it
	used    uint64 // tick of the last use
	dropped bool   // out of the cache: close after the last call
}

func newModuleCache(max int, compile func(context.Context, []byte) (*compiled, error)) *moduleCache {
	return &moduleCache{entries: map[string]*cacheEntry{}, max: max, compile: compile}
}

// get returns the module whose SHA-256 is sum, compiling the bytes load
// returns when the cache does not have it, and the function to call when
// done with it. A module that fails to compile is not kept.
func (mc *moduleCache) get(ctx context.Context, sum string, load func(context.Context) ([]byte, error)) (*compiled, func(), error) {
	mc.mu.Lock()
	e, found := mc.entries[sum]
	if !found {
		e = &cacheEntry{ready: make(chan struct{})}
		mc.entries[sum] = e
	}
	mc.mu.Unlock()
	if found {
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	} else {
		mc.fill(ctx, sum, e, load)
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if e.err != nil {
		return nil, nil, e.err
	}
	e.refs++
	mc.tick++
	e.used = mc.tick
	mc.trim()
	return e.c, func() { mc.release(e) }, nil
}

// fill compiles e, on behalf of every caller waiting for it: the first
// caller's cancellation does not fail the others.
func (mc *moduleCache) fill(ctx context.Context, sum string, e *cacheEntry, load func(context.Context) ([]byte, error)) {
	ctx = context.WithoutCancel(ctx)
	var c *compiled
	bin, err := load(ctx)
	if err == nil {
		c, err = mc.compile(ctx, bin)
	}
	mc.mu.Lock()
	e.c, e.err = c, err
	if err != nil {
		delete(mc.entries, sum)
	}
	mc.mu.Unlock()
	close(e.ready)
}

// trim drops the least recently used modules beyond max. Call it with mu
// held.
func (mc *moduleCache) trim() {
	for len(mc.entries) > mc.max {
		var oldest string
		for sum, e := range mc.entries {
			if e.c != nil && (oldest == "" || e.used < mc.entries[oldest].used) {
				oldest = sum
			}
		}
		if oldest == "" {
			return // all are being compiled
		}
		e := mc.entries[oldest]
		delete(mc.entries, oldest)
		e.dropped = true
		if e.refs == 0 {
			e.c.code.Close(context.Background())
		}
	}
}

func (mc *moduleCache) release(e *cacheEntry) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	e.refs--
	if e.dropped && e.refs == 0 {
		e.c.code.Close(context.Background())
	}
}

func (mc *moduleCache) len() int {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	return len(mc.entries)
}
