package component

import (
	"fmt"
	"unicode/utf8"
)

// Error is a malformed or unsupported binary: what was wrong, in which section, at which byte
// offset of the whole input. Offsets count from the first byte of the outermost component, so a
// problem inside a nested component or an embedded core module points at the right byte.
type Error struct {
	Section string // e.g. "canon section", "core module 2 import section", "component header"
	Offset  int
	Msg     string
}

func (e *Error) Error() string {
	return fmt.Sprintf("wasm component: %s at offset %#x: %s", e.Section, e.Offset, e.Msg)
}

// maxNameLen bounds every name and string in the binary (Wasmtime's parser uses the same figure).
const maxNameLen = 100_000

// reader decodes one byte range with a sticky error: after the first failure every read returns
// zero values and err keeps the first message, so decoding loops stay short and never index past
// the buffer. Every count is checked against the bytes left before anything is allocated for it,
// so a hostile LEB128 count cannot make us allocate more than the input's size.
type reader struct {
	b       []byte
	pos     int
	base    int // absolute offset of b[0]
	section string
	err     *Error
}

func newReader(b []byte, base int, section string) *reader {
	return &reader{b: b, base: base, section: section}
}

func (r *reader) off() int { return r.base + r.pos }

func (r *reader) failAt(off int, format string, args ...any) {
	if r.err == nil {
		r.err = &Error{Section: r.section, Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
}

func (r *reader) fail(format string, args ...any) { r.failAt(r.off(), format, args...) }

func (r *reader) ok() bool { return r.err == nil }

// Err returns the first error as an error value (nil when none), avoiding the typed-nil trap.
func (r *reader) Err() error {
	if r.err == nil {
		return nil
	}
	return r.err
}

func (r *reader) eof() bool { return r.pos >= len(r.b) }

func (r *reader) remaining() int {
	if r.err != nil || r.pos > len(r.b) {
		return 0
	}
	return len(r.b) - r.pos
}

func (r *reader) u8() byte {
	if r.err != nil {
		return 0
	}
	if r.pos >= len(r.b) {
		r.fail("unexpected end of section or function")
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

func (r *reader) peek() byte {
	if r.err != nil {
		return 0
	}
	if r.pos >= len(r.b) {
		r.fail("unexpected end of section or function")
		return 0
	}
	return r.b[r.pos]
}

// uleb reads an unsigned LEB128 of at most bits bits.
func (r *reader) uleb(bits uint) uint64 {
	start := r.off()
	var v uint64
	var shift uint
	for i := 0; ; i++ {
		c := r.u8()
		if r.err != nil {
			return 0
		}
		if shift >= bits || (bits-shift < 7 && uint64(c&0x7f)>>(bits-shift) != 0) {
			r.failAt(start, "invalid var_u%d: integer representation too long or too large", bits)
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
		shift += 7
	}
}

func (r *reader) u32() uint32 { return uint32(r.uleb(32)) }
func (r *reader) u64() uint64 { return r.uleb(64) }

// sleb reads a signed LEB128 of at most bits bits (33 for type indices, 32/64 for constants).
func (r *reader) sleb(bits uint) int64 {
	start := r.off()
	var v int64
	var shift uint
	for {
		c := r.u8()
		if r.err != nil {
			return 0
		}
		if shift >= bits {
			r.failAt(start, "invalid var_s%d: integer representation too long", bits)
			return 0
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			if bits < 64 {
				lim := int64(1) << (bits - 1)
				if v < -lim || v >= lim {
					r.failAt(start, "invalid var_s%d: integer too large", bits)
					return 0
				}
			}
			return v
		}
	}
}

// count reads a vector length and checks it against max and against the bytes left, assuming
// each element takes at least minSize bytes.
func (r *reader) count(what string, max, minSize int) int {
	start := r.off()
	n := r.u32()
	if r.err != nil {
		return 0
	}
	if uint64(n) > uint64(max) {
		r.failAt(start, "%s count %d is over the limit of %d", what, n, max)
		return 0
	}
	if minSize < 1 {
		minSize = 1
	}
	if int(n) > r.remaining()/minSize {
		r.failAt(start, "%s count %d is larger than the %d bytes that follow", what, n, r.remaining())
		return 0
	}
	return int(n)
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.pos {
		r.fail("unexpected end: %d bytes needed, %d left", n, len(r.b)-r.pos)
		return nil
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s
}

// name reads a UTF-8 string (names, interface ids, field names).
func (r *reader) name(what string) string {
	start := r.off()
	n := r.u32()
	if r.err != nil {
		return ""
	}
	if n > maxNameLen {
		r.failAt(start, "%s of %d bytes is over the limit of %d", what, n, maxNameLen)
		return ""
	}
	b := r.bytes(int(n))
	if r.err != nil {
		return ""
	}
	if !utf8.Valid(b) {
		r.failAt(start, "%s is not valid UTF-8", what)
		return ""
	}
	return string(b)
}

// sub returns a reader over the next n bytes and advances past them.
func (r *reader) sub(n int, section string) *reader {
	base := r.off()
	b := r.bytes(n)
	if r.err != nil {
		return &reader{base: base, section: section, err: r.err}
	}
	return newReader(b, base, section)
}

// done fails unless the reader consumed exactly its bytes.
func (r *reader) done() {
	if r.err == nil && r.pos != len(r.b) {
		r.fail("section size mismatch: %d unexpected trailing bytes", len(r.b)-r.pos)
	}
}
