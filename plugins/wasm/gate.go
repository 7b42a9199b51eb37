package wasm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/riposte-civic/riposte/plugins"
)

// gate admits executions while fewer than slots run and the memory they
// reserve stays within budget.
type gate struct {
	mu                        sync.Mutex
	slots, budget             int // the limits: executions, MiB
	running, reserved         int
	peakRunning, peakReserved int
	left                      chan struct{} // closed, then replaced, when an execution leaves
}

func newGate(slots, budget int) *gate {
	return &gate{slots: slots, budget: budget, left: make(chan struct{})}
}

// enter admits an execution reserving mb MiB, waiting up to wait for
// room. It fails with plugins.ErrBusy when there is none by then, or when
// ctx's deadline comes first; with ctx's error when ctx is canceled. The
// function it returns lets the execution out.
func (g *gate) enter(ctx context.Context, mb int, wait time.Duration) (leave func(), err error) {
	var timeout <-chan time.Time
	for {
		g.mu.Lock()
		if g.running < g.slots && g.reserved+mb <= g.budget {
			g.running++
			g.reserved += mb
			g.peakRunning, g.peakReserved = max(g.peakRunning, g.running), max(g.peakReserved, g.reserved)
			g.mu.Unlock()
			return func() { g.leave(mb) }, nil
		}
		left, running, reserved := g.left, g.running, g.reserved
		g.mu.Unlock()
		if timeout == nil {
			t := time.NewTimer(wait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-left:
		case <-timeout:
			return nil, g.busy(running, reserved, wait)
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.Canceled) {
				return nil, ctx.Err()
			}
			return nil, g.busy(running, reserved, wait)
		}
	}
}

func (g *gate) busy(running, reserved int, wait time.Duration) error {
	return fmt.Errorf("%w (waited up to %s: %d of %d executions running, %d of %d MiB reserved)",
		plugins.ErrBusy, wait, running, g.slots, reserved, g.budget)
}

func (g *gate) leave(mb int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running--
	g.reserved -= mb
	close(g.left)
	g.left = make(chan struct{})
}

func (g *gate) stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	return Stats{Running: g.running, PeakRunning: g.peakRunning, MemoryMB: g.reserved, PeakMemoryMB: g.peakReserved}
}
