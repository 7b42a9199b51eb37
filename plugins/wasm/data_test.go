package wasm_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/riposte-civic/riposte/plugins/wasm"
	"github.com/riposte-civic/riposte/plugins/wasm/wasmtest"
)

// initialMemory instantiates bin without running it and returns its
// memory as the instance starts, or the instantiation's error.
func initialMemory(t *testing.T, bin []byte) ([]byte, error) {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter()) // compiles at once
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	mod, err := rt.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().WithStartFunctions())
	if err != nil {
		return nil, err
	}
	mem, _ := mod.Memory().Read(0, mod.Memory().Size())
	return bytes.Clone(mem), nil
}

// dataSegments counts the data segments of a module.
func dataSegments(t *testing.T, bin []byte) int {
	t.Helper()
	for pos := 8; pos < len(bin); {
		id := bin[pos]
		n, k := binary.Uvarint(bin[pos+1:])
		body := bin[pos+1+k : pos+1+k+int(n)]
		if id == 11 {
			count, _ := binary.Uvarint(body)
			return int(count)
		}
		pos += 1 + k + int(n)
	}
	return 0
}

// Modules built by Go have tens of thousands of data segments; the host
// compiles them with a few, and the memory an instance starts with is
// the same to the byte.
func TestPrepareLeavesTheMemoryAsTheModuleDoes(t *testing.T) {
	for _, name := range []string{wasmtest.Echo, wasmtest.Modes} {
		bin := wasmtest.Build(t, name)
		prepared := wasm.Prepare(bin)
		before, after := dataSegments(t, bin), dataSegments(t, prepared)
		t.Logf("%s: %d data segments, %d once prepared; %d bytes, %d once prepared", name, before, after, len(bin), len(prepared))
		if before < 1000 || after*100 > before {
			t.Errorf("%s: %d data segments, %d once prepared: want a hundredth or fewer", name, before, after)
		}
		want, err := initialMemory(t, bin)
		if err != nil {
			t.Fatal(err)
		}
		got, err := initialMemory(t, prepared)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the prepared module starts with another memory", name)
		}
	}
}

// segment is a data segment of an assembled module.
type segment struct {
	offset uint32
	init   []byte
}

// withSegments assembles a module with a memory of pages pages and the
// data segments segs: active ones, or passive when passive is set, with a
// data count section when dataCount is set.
func withSegments(pages uint32, segs []segment, passive, dataCount bool) []byte {
	section := func(id byte, body []byte) []byte {
		return append(binary.AppendUvarint([]byte{id}, uint64(len(body))), body...)
	}
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, section(5, binary.AppendUvarint([]byte{1, 0}, uint64(pages)))...)
	m = append(m, section(7, append([]byte{1, 6}, "memory\x02\x00"...))...)
	if dataCount {
		m = append(m, section(12, binary.AppendUvarint(nil, uint64(len(segs))))...)
	}
	body := binary.AppendUvarint(nil, uint64(len(segs)))
	for _, s := range segs {
		if passive {
			body = append(body, 1)
		} else {
			body = append(body, 0, 0x41)
			body = appendSLEB(body, int64(int32(s.offset)))
			body = append(body, 0x0b)
		}
		body = binary.AppendUvarint(body, uint64(len(s.init)))
		body = append(body, s.init...)
	}
	return append(m, section(11, body)...)
}

func appendSLEB(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// randomSegments returns n segments within size bytes, in no order, some
// overlapping, some empty, their bytes often zero.
func randomSegments(r *rand.Rand, n int, size uint32) []segment {
	segs := make([]segment, n)
	for i := range segs {
		init := make([]byte, r.IntN(300))
		for j := range init {
			if r.IntN(3) > 0 {
				init[j] = byte(r.IntN(256))
			}
		}
		offset := r.Uint32N(size - uint32(len(init)))
		if r.IntN(10) == 0 {
			offset = r.Uint32N(4096) // crowded at the start: overlaps
		}
		segs[i] = segment{offset, init}
	}
	return segs
}

// Segments in any order, overlapping, or empty, leave the memory as they
// did once prepared: later segments overwrite earlier ones, zeros
// included.
func TestPrepareKeepsTheOrderOfOverlappingSegments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 5 {
		segs := randomSegments(r, 2000, 4<<16)
		bin := withSegments(4, segs, false, false)
		prepared := wasm.Prepare(bin)
		if bytes.Equal(prepared, bin) {
			t.Fatalf("round %d: the module was not rewritten", round)
		}
		want, err := initialMemory(t, bin)
		if err != nil {
			t.Fatal(err)
		}
		got, err := initialMemory(t, prepared)
		if err != nil {
			t.Fatalf("round %d: the prepared module does not instantiate: %v", round, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("round %d: the prepared module starts with another memory", round)
		}
	}
}

// What the rewrite cannot keep as it was — the failure of a segment out
// of bounds, segments that code names (a data count section, passive
// segments) — or would not gain from, it leaves alone.
func TestPrepareLeavesAloneWhatItCannotRewrite(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	many := randomSegments(r, 1000, 2<<16)
	outOfBounds := append(randomSegments(r, 1000, 2<<16), segment{2<<16 - 1, []byte{1, 2}})
	for _, tt := range []struct {
		name string
		bin  []byte
	}{
		{"few segments", withSegments(2, many[:10], false, false)},
		{"a segment out of bounds", withSegments(2, outOfBounds, false, false)},
		{"a data count section", withSegments(2, many, false, true)},
		{"passive segments", withSegments(2, many, true, true)},
		{"no data", wasmtest.MinMemory(1)},
		{"truncated", withSegments(2, many, false, false)[:2000]},
	} {
		if got := wasm.Prepare(tt.bin); !bytes.Equal(got, tt.bin) {
			t.Errorf("%s: Prepare rewrote the module", tt.name)
		}
	}
	if _, err := initialMemory(t, withSegments(2, outOfBounds, false, false)); err == nil {
		t.Error("a segment out of bounds did not fail the instantiation")
	}
}
