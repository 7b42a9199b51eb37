package wasmtest

// Tiny modules, assembled from the binary format's sections
// (https://webassembly.github.io/spec/core/binary/modules.html). Each has
// one memory exported as "memory" and, unless said otherwise, a _start
// that returns at once.

// Section ids.
const (
	sectionType     = 1
	sectionImport   = 2
	sectionFunction = 3
	sectionMemory   = 5
	sectionExport   = 7
	sectionCode     = 10
)

// Instructions.
const (
	opUnreachable = 0x00
	opLoop        = 0x03
	opBr          = 0x0c
	opEnd         = 0x0b
)

// MinMemory is a module whose memory starts with pages pages of 64 KiB.
func MinMemory(pages uint32) []byte {
	return assemble(nil, pages, true, nil)
}

// Importing is a module that imports the function name of module mod.
func Importing(mod, name string) []byte {
	imp := vec(cat(str(mod), str(name), []byte{0x00}, uleb(0))) // a function of type 0
	return assemble(imp, 1, true, nil)
}

// WithoutStart is a module that exports no _start: a library, not a
// command.
func WithoutStart() []byte {
	return assemble(nil, 1, false, nil)
}

// Trap is a module whose _start traps at once (unreachable).
func Trap() []byte {
	return assemble(nil, 1, true, []byte{opUnreachable})
}

// Loop is a module whose _start loops forever.
func Loop() []byte {
	return assemble(nil, 1, true, []byte{opLoop, 0x40, opBr, 0x00, opEnd})
}

// assemble builds a module with a type () → (), the imports imp (a
// section's contents, or nil), a memory of pages pages exported as
// "memory", and with start a function of that type whose body is code,
// exported as _start.
func assemble(imp []byte, pages uint32, start bool, code []byte) []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, section(sectionType, vec([]byte{0x60, 0x00, 0x00}))...)
	if imp != nil {
		m = append(m, section(sectionImport, imp)...)
	}
	imported := uint32(0)
	if imp != nil {
		imported = 1
	}
	exports := [][]byte{cat(str("memory"), []byte{0x02}, uleb(0))}
	if start {
		m = append(m, section(sectionFunction, vec(uleb(0)))...)
		exports = append(exports, cat(str("_start"), []byte{0x00}, uleb(imported)))
	}
	m = append(m, section(sectionMemory, vec(cat([]byte{0x00}, uleb(pages))))...)
	m = append(m, section(sectionExport, vec(exports...))...)
	if start {
		body := cat(uleb(0), code, []byte{opEnd}) // no locals
		m = append(m, section(sectionCode, vec(cat(uleb(uint32(len(body))), body)))...)
	}
	return m
}

func section(id byte, contents []byte) []byte {
	return cat([]byte{id}, uleb(uint32(len(contents))), contents)
}

// vec is a vector: its length, then its items.
func vec(items ...[]byte) []byte {
	return cat(append([][]byte{uleb(uint32(len(items)))}, items...)...)
}

func str(s string) []byte { return cat(uleb(uint32(len(s))), []byte(s)) }

func uleb(n uint32) []byte {
	var b []byte
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
