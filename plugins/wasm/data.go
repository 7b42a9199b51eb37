package wasm

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// Go lays a module's initial memory out in tens of thousands of data
// segments (one per run of non-zero bytes: about 37,000 for a 3 MB
// module), and wazero evaluates each segment's offset, with allocations,
// every time it instantiates the module: a third of the cost of a call.
// Before compiling, a host rewrites such a data section into a few
// segments that leave the memory exactly as the original ones do. The
// module's code, and what each instance starts with, do not change.

// Limits of the rewrite.
const (
	// minSegments is the fewest data segments worth rewriting: below it,
	// the module is compiled as it is.
	minSegments = 256
	// maxImage bounds the memory image the rewrite builds.
	maxImage = 64 << 20
	// zeroRun is the shortest run of zero bytes that separates two
	// segments of the rewritten section; shorter runs are written as
	// part of a segment.
	zeroRun = 64
)

// Section ids and encodings of the binary format
// (https://webassembly.github.io/spec/core/binary/modules.html).
const (
	idMemory    = 5
	idData      = 11
	idDataCount = 12
	opI32Const  = 0x41
	opEnd       = 0x0b
)

var errNotRewritten = errors.New("not rewritten")

// Prepare returns the bytes a host compiles for the module bin: bin with
// its data segments coalesced when it has many, or bin itself. Each
// instance of either starts with the same memory and runs the same code.
// A benchmark or a tool that runs a module with wazero as a host does
// compiles these bytes.
func Prepare(bin []byte) []byte { return coalesceData(bin) }

// coalesceData returns bin with its data section rewritten into few
// segments, when it has many and nothing depends on their number or
// order: they are all active, in memory 0, at constant offsets within the
// memory the module defines, and no data count section names them (which
// memory.init and data.drop need). Otherwise, or when bin is malformed,
// it returns bin itself, for the compiler to judge.
func coalesceData(bin []byte) []byte {
	out, err := rewriteData(bin)
	if err != nil {
		return bin
	}
	return out
}

// section is a section of a module: its id, and where its contents lie
// in the module's bytes.
type section struct {
	id         byte
	start, end int // of the whole section, id included
	body       []byte
}

func sections(bin []byte) ([]section, error) {
	var ss []section
	r := reader{b: bin, pos: 8}
	for r.pos < len(bin) {
		start := r.pos
		id := r.byte()
		n := r.u32()
		body := r.bytes(int(n))
		if r.err != nil {
			return nil, r.err
		}
		ss = append(ss, section{id: id, start: start, end: r.pos, body: body})
	}
	return ss, nil
}

func rewriteData(bin []byte) ([]byte, error) {
	ss, err := sections(bin)
	if err != nil {
		return nil, err
	}
	var data *section
	var memoryBytes uint64
	for i := range ss {
		switch ss[i].id {
		case idDataCount:
			return nil, errNotRewritten
		case idData:
			data = &ss[i]
		case idMemory:
			r := reader{b: ss[i].body}
			if r.u32() != 1 {
				return nil, errNotRewritten
			}
			flags := r.byte()
			if flags > 1 || r.err != nil { // 2 and 3 are shared memories
				return nil, errNotRewritten
			}
			memoryBytes = uint64(r.u32()) << 16
			if r.err != nil {
				return nil, r.err
			}
		}
	}
	if data == nil || memoryBytes == 0 {
		return nil, errNotRewritten
	}
	r := reader{b: data.body}
	n := r.u32()
	if n < minSegments {
		return nil, errNotRewritten
	}
	type segment struct {
		offset uint64
		init   []byte
	}
	segments := make([]segment, 0, n)
	low, high := uint64(1<<32), uint64(0)
	for range n {
		// Flag 0: active, memory 0, an offset expression, the bytes.
		if r.u32() != 0 || r.byte() != opI32Const {
			return nil, errNotRewritten
		}
		offset := uint64(uint32(r.s32()))
		if r.byte() != opEnd {
			return nil, errNotRewritten
		}
		init := r.bytes(int(r.u32()))
		if r.err != nil {
			return nil, r.err
		}
		if offset+uint64(len(init)) > memoryBytes {
			return nil, errNotRewritten // instantiation fails: keep the failure as it is
		}
		if len(init) > 0 {
			low, high = min(low, offset), max(high, offset+uint64(len(init)))
		}
		segments = append(segments, segment{offset, init})
	}
	if r.pos != len(r.b) || high <= low || high-low > maxImage {
		return nil, errNotRewritten
	}
	// The memory the segments leave, applied in order over zeros.
	image := make([]byte, high-low)
	for _, s := range segments {
		if len(s.init) > 0 {
			copy(image[s.offset-low:], s.init)
		}
	}
	var body []byte
	count := 0
	for i := 0; i < len(image); {
		if image[i] == 0 {
			i++
			continue
		}
		// A segment from i up to a run of zeroRun zeros, or the end.
		end := i + 1
		for zeros := 0; end < len(image); end++ {
			if image[end] != 0 {
				zeros = 0
				continue
			}
			if zeros++; zeros == zeroRun {
				end -= zeroRun - 1
				break
			}
		}
		seg := bytes.TrimRight(image[i:end], "\x00")
		body = append(body, 0, opI32Const)
		body = appendS32(body, int32(uint32(low+uint64(i))))
		body = append(body, opEnd)
		body = binary.AppendUvarint(body, uint64(len(seg)))
		body = append(body, seg...)
		count++
		i = end
	}
	body = append(binary.AppendUvarint(nil, uint64(count)), body...)
	out := make([]byte, 0, len(bin)-len(data.body)+len(body))
	out = append(out, bin[:data.start]...)
	out = append(out, idData)
	out = binary.AppendUvarint(out, uint64(len(body)))
	out = append(out, body...)
	return append(out, bin[data.end:]...), nil
}

// appendS32 appends v in signed LEB128.
func appendS32(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// reader reads the binary format; its first error sticks.
type reader struct {
	b   []byte
	pos int
	err error
}

var errTruncated = errors.New("wasm: truncated")

func (r *reader) byte() byte {
	if r.err != nil || r.pos >= len(r.b) {
		r.err = errTruncated
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.pos {
		r.err = errTruncated
		return nil
	}
	b := r.b[r.pos : r.pos+n]
	r.pos += n
	return b
}

// u32 reads an unsigned LEB128 of at most 32 bits.
func (r *reader) u32() uint32 {
	var v uint32
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= uint32(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.err = errTruncated
	return 0
}

// s32 reads a signed LEB128 of at most 32 bits.
func (r *reader) s32() int32 {
	var v int64
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= int64(c&0x7f) << shift
		if c < 0x80 {
			if c&0x40 != 0 {
				v |= -1 << (shift + 7)
			}
			return int32(v)
		}
	}
	r.err = errTruncated
	return 0
}
