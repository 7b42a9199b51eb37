package wasm

import (
	"context"

	"github.com/tetratelabs/wazero/experimental"
)

// maxRecycled is the largest linear memory kept for another call; larger
// ones go back to the garbage collector.
const maxRecycled = 32 << 20

// linearMemory is one instance's memory: it refuses to grow past limit,
// and comes from, then returns to, the host's recycled memories.
type linearMemory struct {
	h       *Host
	buf     []byte
	limit   uint64
	refused bool // the module asked for more than limit
}

var _ experimental.LinearMemory = (*linearMemory)(nil)

// memory returns an instance's memory of at most limit bytes.
func (h *Host) memory(limit uint64) *linearMemory {
	return &linearMemory{h: h, limit: limit}
}

// withMemory makes m the memory of the instance that ctx instantiates.
// The module's own minimum must be within m's limit.
func withMemory(ctx context.Context, m *linearMemory) context.Context {
	return experimental.WithMemoryAllocator(ctx, experimental.MemoryAllocatorFunc(func(_, maxBytes uint64) experimental.LinearMemory {
		m.limit = min(m.limit, maxBytes)
		return m
	}))
}

// Reallocate gives the memory size bytes, all of them zero but those the
// module wrote, or nil when size is over the limit: the module's
// memory.grow then fails.
func (m *linearMemory) Reallocate(size uint64) []byte {
	if size > m.limit {
		m.refused = true
		return nil
	}
	if m.buf == nil {
		if b, ok := m.h.memories.Get().(*[]byte); ok {
			m.buf = (*b)[:0]
		}
	}
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	grown := make([]byte, size, max(size, min(2*uint64(cap(m.buf)), m.limit)))
	copy(grown, m.buf)
	m.buf = grown
	return grown
}

// Free does nothing: wazero may call it from another goroutine while the
// module still runs. release, called once the call is over, recycles
// the memory.
func (m *linearMemory) Free() {}

// release clears the memory and keeps it for another call. Call it once
// the instance is closed.
func (m *linearMemory) release() {
	if m.buf == nil || cap(m.buf) > maxRecycled {
		m.buf = nil
		return
	}
	clear(m.buf)
	b := m.buf[:0]
	m.buf = nil
	m.h.memories.Put(&b)
}
