package main

// The smallest WASI command a plugin can be, assembled byte by byte
// (https://webassembly.github.io/spec/core/binary/modules.html): it reads
// its standard input to the end and writes a fixed answer. It has no
// runtime to start, no allocator and no garbage collector, which makes it
// the floor of what a call costs: what is left is the instantiation and
// the host's own work.

// minimalAnswer is what the minimal module writes.
const minimalAnswer = `{"output":{"text":"ok"}}`

// minimalModule returns the minimal module. Its memory (one page) holds,
// from address 0: the iovec of the answer (address 64, its length), the
// iovec of the read buffer (address 1024, 4096 bytes), the count fd_read
// writes (address 16), and the answer at address 64.
func minimalModule() []byte {
	const (
		typeFunc = 0x60
		i32      = 0x7f
		// Instructions.
		block, loop, end  = 0x02, 0x03, 0x0b
		brIf, call, drop  = 0x0d, 0x10, 0x1a
		i32Load, i32Const = 0x28, 0x41
		void              = 0x40
	)
	le32 := func(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
	c := func(v uint32) []byte { return append([]byte{i32Const}, sleb(v)...) }

	types := wasmVec(
		[]byte{typeFunc, 0, 0},                          // 0: () → ()
		[]byte{typeFunc, 4, i32, i32, i32, i32, 1, i32}, // 1: fd_read, fd_write
	)
	imports := wasmVec(
		wasmCat(wasmStr("wasi_snapshot_preview1"), wasmStr("fd_read"), []byte{0x00, 1}),
		wasmCat(wasmStr("wasi_snapshot_preview1"), wasmStr("fd_write"), []byte{0x00, 1}),
	)
	const fdRead, fdWrite, start = 0, 1, 2
	body := wasmCat(
		[]byte{0}, // no locals
		// Read until fd_read fails or reads nothing.
		[]byte{block, void, loop, void},
		c(0), c(8), c(1), c(16), []byte{call, fdRead},
		[]byte{brIf, 1}, // an error: out
		c(16), []byte{i32Load, 2, 0},
		[]byte{brIf, 0}, // read something: again
		[]byte{end, end},
		// Write the answer to standard output.
		c(1), c(0), c(1), c(20), []byte{call, fdWrite, drop},
		[]byte{end},
	)
	data := wasmCat(le32(64), le32(uint32(len(minimalAnswer))), le32(1024), le32(4096))
	data = append(data, make([]byte, 64-len(data))...)
	data = append(data, minimalAnswer...)

	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, wasmSection(1, types)...)
	m = append(m, wasmSection(2, imports)...)
	m = append(m, wasmSection(3, wasmVec(uleb(0)))...)
	m = append(m, wasmSection(5, wasmVec([]byte{0x00, 1}))...) // memory: at least one page
	m = append(m, wasmSection(7, wasmVec(
		wasmCat(wasmStr("memory"), []byte{0x02, 0}),
		wasmCat(wasmStr("_start"), []byte{0x00, start}),
	))...)
	m = append(m, wasmSection(10, wasmVec(wasmCat(uleb(uint32(len(body))), body)))...)
	m = append(m, wasmSection(11, wasmVec(wasmCat([]byte{0}, c(0), []byte{end}, uleb(uint32(len(data))), data)))...)
	return m
}

func wasmSection(id byte, contents []byte) []byte {
	return wasmCat([]byte{id}, uleb(uint32(len(contents))), contents)
}

func wasmVec(items ...[]byte) []byte {
	return wasmCat(append([][]byte{uleb(uint32(len(items)))}, items...)...)
}

func wasmStr(s string) []byte { return wasmCat(uleb(uint32(len(s))), []byte(s)) }

func wasmCat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func uleb(v uint32) []byte {
	var out []byte
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}

// sleb encodes a non-negative v as a signed LEB128.
func sleb(v uint32) []byte {
	var out []byte
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if v == 0 && b&0x40 == 0 {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}
