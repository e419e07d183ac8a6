package wasm

// Small readers and writers of the core WebAssembly binary format (WebAssembly core spec,
// "Binary Format"): enough to rename a module's imports and to read its name section. Every
// length is checked against the bytes left before it is used, so hostile input costs at most
// its own size.

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// binReader reads one core module's bytes; the first failure sticks.
type binReader struct {
	b   []byte
	pos int
	err error
	// refType, when set, is told of every reference type the reader skips (value types, block
	// types, heap types): where it starts, whether it is nullable, and its heap type as an s33
	// (an abstract heap type is negative: func is -0x10, extern -0x11; a type index is >= 0).
	// features.go uses it to find the types the gateway's Wasmtime refuses.
	refType func(at int, nullable bool, heap int64)
}

func (r *binReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("at byte %d: %s", r.pos, fmt.Sprintf(format, args...))
	}
}

func (r *binReader) eof() bool { return r.err != nil || r.pos >= len(r.b) }

func (r *binReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.pos >= len(r.b) {
		r.fail("unexpected end of the module")
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

// uleb reads an unsigned LEB128 of at most bits bits.
func (r *binReader) uleb(bits uint) uint64 {
	var v uint64
	for shift := uint(0); ; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		if shift >= bits || (shift+7 > bits && uint64(c&0x7f)>>(bits-shift) != 0) {
			r.fail("integer too large for %d bits", bits)
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
}

// sleb skips a signed LEB128 of at most bits bits (its value is never needed here).
func (r *binReader) sleb(bits uint) {
	for n := uint(0); ; n += 7 {
		c := r.byte()
		if r.err != nil {
			return
		}
		if n >= bits {
			r.fail("integer too large for %d bits", bits)
			return
		}
		if c&0x80 == 0 {
			return
		}
	}
}

func (r *binReader) u32() uint32 { return uint32(r.uleb(32)) }

// bytes returns the next n bytes (a view into the input).
func (r *binReader) bytes(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)-r.pos) {
		r.fail("a length of %d runs past the end of the module (%d bytes left)", n, len(r.b)-r.pos)
		return nil
	}
	out := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return out
}

// name reads a vec(byte) that must be UTF-8, as every name in the binary format.
func (r *binReader) name() string {
	b := r.bytes(r.uleb(32))
	if r.err == nil && !utf8.Valid(b) {
		r.fail("a name is not UTF-8")
	}
	return string(b)
}

func appendULEB(out []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			out = append(out, c|0x80)
			continue
		}
		return append(out, c)
	}
}

func appendName(out []byte, s string) []byte {
	return append(appendULEB(out, uint64(len(s))), s...)
}

// section is one section of a core module: its id and contents.
type section struct {
	id        byte
	start     int // offset of the contents in the module
	contents  []byte
	customTag string // a custom section's name
}

// sections splits a core module into its sections.
func sections(m []byte) ([]section, error) {
	if len(m) < 8 || string(m[:4]) != "\x00asm" || string(m[4:8]) != "\x01\x00\x00\x00" {
		return nil, errors.New("not a core WebAssembly module (no \\0asm version 1 header)")
	}
	r := &binReader{b: m, pos: 8}
	var out []section
	for !r.eof() {
		id := r.byte()
		size := r.uleb(32)
		start := r.pos
		body := r.bytes(size)
		if r.err != nil {
			break
		}
		s := section{id: id, start: start, contents: body}
		if id == 0 {
			cr := &binReader{b: body}
			s.customTag = cr.name()
			if cr.err != nil {
				return nil, fmt.Errorf("custom section at byte %d: %v", start, cr.err)
			}
		}
		out = append(out, s)
	}
	return out, r.err
}

// skipRefType reads a reference or value type: one byte, or the function-references proposal's
// (ref null? ht) with a heap type.
func (r *binReader) skipValType() {
	at := r.pos
	switch c := r.byte(); c {
	case 0x63, 0x64: // (ref null ht), (ref ht)
		if r.refType == nil {
			r.sleb(33)
			return
		}
		if h := r.s33(); r.err == nil {
			r.refType(at, c == 0x63, h)
		}
	case 0x7f, 0x7e, 0x7d, 0x7c, 0x7b: // numbers and vectors
	default: // a reference type's shorthand: (ref null ht) of an abstract heap type
		if r.refType != nil && r.err == nil {
			r.refType(at, true, int64(c)-0x80)
		}
	}
}

// skipLimits reads limits: flags, min, optional max, and the custom-page-sizes exponent.
func (r *binReader) skipLimits() {
	flags := r.byte()
	if flags&^0x0f != 0 {
		r.fail("unknown limits flags 0x%02x", flags)
		return
	}
	bits := uint(32)
	if flags&0x04 != 0 {
		bits = 64
	}
	r.uleb(bits)
	if flags&0x01 != 0 {
		r.uleb(bits)
	}
	if flags&0x08 != 0 {
		r.u32()
	}
}

// importEntry is one import of a core module: its names and its description's bytes.
type importEntry struct {
	module, name string
	desc         []byte
}

// readImports reads an import section's entries.
func readImports(contents []byte) ([]importEntry, error) {
	r := &binReader{b: contents}
	n := r.u32()
	if r.err == nil && uint64(n) > uint64(len(contents)) {
		r.fail("%d imports cannot fit in %d bytes", n, len(contents))
	}
	var out []importEntry
	for i := uint32(0); i < n && r.err == nil; i++ {
		e := importEntry{module: r.name(), name: r.name()}
		start := r.pos
		switch kind := r.byte(); kind {
		case 0x00: // function: type index
			r.u32()
		case 0x01: // table: reference type, limits
			r.skipValType()
			r.skipLimits()
		case 0x02: // memory
			r.skipLimits()
		case 0x03: // global: value type, mutability
			r.skipValType()
			r.byte()
		case 0x04: // tag: attribute, type index
			r.byte()
			r.u32()
		default:
			r.fail("import %d (%q %q) has an unknown kind 0x%02x", i, e.module, e.name, kind)
		}
		e.desc = contents[start:min(r.pos, len(contents))]
		out = append(out, e)
	}
	if r.err == nil && r.pos != len(contents) {
		r.fail("%d bytes after the last import", len(contents)-r.pos)
	}
	if r.err != nil {
		return nil, fmt.Errorf("import section: %v", r.err)
	}
	return out, nil
}

// renameImports returns a copy of module m whose i-th import is renamed to names[i]
// (module, field); descriptions and every other section are kept byte for byte. wazero
// resolves an import by module and field name, so this is how an import is pointed at the
// exporter the component's instance graph names, whatever the names the module was built with.
func renameImports(m []byte, names [][2]string) ([]byte, error) {
	secs, err := sections(m)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(m)+64*len(names))
	out = append(out, m[:8]...)
	seen := false
	for _, s := range secs {
		if s.id != 2 {
			out = append(out, s.id)
			out = appendULEB(out, uint64(len(s.contents)))
			out = append(out, s.contents...)
			continue
		}
		if seen {
			return nil, errors.New("the module has two import sections")
		}
		seen = true
		imps, err := readImports(s.contents)
		if err != nil {
			return nil, err
		}
		if len(imps) != len(names) {
			return nil, fmt.Errorf("the module has %d imports, but %d new names were given", len(imps), len(names))
		}
		body := appendULEB(nil, uint64(len(imps)))
		for i, imp := range imps {
			body = appendName(body, names[i][0])
			body = appendName(body, names[i][1])
			body = append(body, imp.desc...)
		}
		out = append(out, 2)
		out = appendULEB(out, uint64(len(body)))
		out = append(out, body...)
	}
	if !seen && len(names) > 0 {
		return nil, fmt.Errorf("the module has no imports, but %d new names were given", len(names))
	}
	return out, nil
}

// moduleNames are a core module's name section (the "name" custom section's module name and
// function names), which Wasmtime prints in a trap's backtrace.
type moduleNames struct {
	module    string
	hasModule bool
	funcs     map[uint32]string
}

// readNames reads the name section of m; a missing or malformed one gives no names (Wasmtime
// ignores a name section it cannot parse, too).
func readNames(m []byte) moduleNames {
	secs, err := sections(m)
	if err != nil {
		return moduleNames{}
	}
	for _, s := range secs {
		if s.id != 0 || s.customTag != "name" {
			continue
		}
		r := &binReader{b: s.contents}
		r.name()
		var out moduleNames
		for !r.eof() {
			id := r.byte()
			sub := &binReader{b: r.bytes(r.uleb(32))}
			if r.err != nil {
				return moduleNames{}
			}
			switch id {
			case 0:
				out.module, out.hasModule = sub.name(), sub.err == nil
			case 1:
				n := sub.u32()
				out.funcs = make(map[uint32]string, min(int(n), len(sub.b)/2))
				for i := uint32(0); i < n && sub.err == nil; i++ {
					idx := sub.u32()
					name := sub.name()
					if sub.err == nil {
						out.funcs[idx] = name
					}
				}
				if sub.err != nil {
					out.funcs = nil
				}
			}
		}
		return out
	}
	return moduleNames{}
}

// memoryMinimums are the minimum sizes, in pages, of the memories a module defines (its memory
// section; imported memories belong to their exporter).
func memoryMinimums(m []byte) []uint64 {
	secs, err := sections(m)
	if err != nil {
		return nil
	}
	var out []uint64
	for _, s := range secs {
		if s.id != 5 {
			continue
		}
		r := &binReader{b: s.contents}
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			flags := r.byte()
			bits := uint(32)
			if flags&0x04 != 0 {
				bits = 64
			}
			min := r.uleb(bits)
			if flags&0x01 != 0 {
				r.uleb(bits)
			}
			if flags&0x08 != 0 {
				r.u32()
			}
			if r.err == nil {
				out = append(out, min)
			}
		}
	}
	return out
}
