//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"
	"unsafe"
)

// Limits on what the harness reads out of plugin memory: a longer "string" or vector is treated as
// corrupt, never read.
const (
	maxPluginString = 16 << 20
	maxPluginVec    = 1 << 16
)

// Offsets inside abi_stable's RVec vtable (a WithMetadata block; docs/native-abi.md §2.1).
const (
	vtDestructor = 24
	vtGrow       = 32
)

// ptrAt turns a plugin address into a pointer. The addresses come from the plugin and are not Go
// memory; going through memory keeps vet's unsafeptr check quiet about a deliberate conversion.
func ptrAt(addr uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&addr)) }

// mem views n bytes of plugin memory at addr. A wild pointer faults the worker, which the parent
// reports as a crash.
func mem(addr uintptr, n int) []byte { return unsafe.Slice((*byte)(ptrAt(addr)), n) }

func word(addr uintptr) uintptr      { return *(*uintptr)(ptrAt(addr)) }
func setWord(addr, v uintptr)        { *(*uintptr)(ptrAt(addr)) = v }
func byteAt(addr uintptr) byte       { return *(*byte)(ptrAt(addr)) }
func u16At(addr uintptr) uint16      { return binary.LittleEndian.Uint16(mem(addr, 2)) }
func i32At(addr uintptr) int32       { return int32(binary.LittleEndian.Uint32(mem(addr, 4))) }
func addrOf(w []uintptr) uintptr     { return uintptr(unsafe.Pointer(&w[0])) }
func wordsAt(addr uintptr) []uintptr { return unsafe.Slice((*uintptr)(ptrAt(addr)), 4) }

// alloc builds and frees abi_stable RStrings and RVecs the plugin can own, using the plugin's own
// RVec<u8> vtable (recipe B2 of docs/native-abi.md §3): the plugin's allocator makes every buffer, so
// its into_string adopts them and its destructor frees them, whatever its global allocator is.
type alloc struct {
	u8vt uintptr // the plugin's RVec<u8> vtable (WithMetadata block)
	grow uintptr // its grow_capacity_to
	// While batching, non-empty strings wait here and are allocated together by flush.
	batching bool
	pending  []pendingString
}

type pendingString struct {
	addr uintptr
	text string
}

func newAlloc(u8vt uintptr) *alloc {
	return &alloc{u8vt: u8vt, grow: word(u8vt + vtGrow)}
}

// put writes an RString holding s at addr (4 words, Go heap or plugin memory).
func (s *alloc) put(addr uintptr, text string) {
	setWord(addr, 1) // dangling, non-null: what an empty RVec<u8> holds
	setWord(addr+8, 0)
	setWord(addr+16, 0)
	setWord(addr+24, s.u8vt)
	if text == "" {
		return
	}
	if s.batching {
		s.pending = append(s.pending, pendingString{addr, text})
		return
	}
	s.reserve(addr, len(text))
	copy(mem(word(addr), len(text)), text)
	setWord(addr+8, uintptr(len(text)))
}

// begin starts collecting strings for one flush.
func (s *alloc) begin() { s.batching, s.pending = true, s.pending[:0] }

// flush allocates every pending string in one trip to the system stack and fills them in.
func (s *alloc) flush() {
	s.batching = false
	frames := newFrames(len(s.pending))
	for i, p := range s.pending {
		frames[i] = wordsFrame(s.grow, p.addr, uintptr(len(p.text)), 0 /* Exact */)
	}
	callMany(frames)
	for _, p := range s.pending {
		n := len(p.text)
		if word(p.addr) == 0 || word(p.addr+16) < uintptr(n) {
			panic(fmt.Sprintf("the plugin's RVec<u8> grow_capacity_to(%d) left capacity %d", n, word(p.addr+16)))
		}
		copy(mem(word(p.addr), n), p.text)
		setWord(p.addr+8, uintptr(n))
	}
	s.pending = s.pending[:0]
}

// reserve asks the plugin's allocator for n bytes in the empty RVec at addr.
func (s *alloc) reserve(addr uintptr, n int) {
	callWords(s.grow, addr, uintptr(n), 0 /* Exact */)
	if word(addr) == 0 || word(addr+16) < uintptr(n) {
		panic(fmt.Sprintf("the plugin's RVec<u8> grow_capacity_to(%d) left capacity %d", n, word(addr+16)))
	}
}

// putVec writes at addr an RVec of n elements of size elem, allocated as bytes through the u8
// vtable, and returns the element buffer; empty vecs carry the dangling pointer 8 (docs/native-abi.md §3).
func (s *alloc) putVec(addr uintptr, elem, n int) uintptr {
	setWord(addr, 8)
	setWord(addr+8, 0)
	setWord(addr+16, 0)
	setWord(addr+24, s.u8vt)
	if n == 0 {
		return 0
	}
	s.reserve(addr, elem*n)
	setWord(addr+8, uintptr(n))
	setWord(addr+16, uintptr(n))
	return word(addr)
}

// drop frees the RString or RVec at addr through the vtable it carries, as Rust's Drop does. A
// zero capacity owns no buffer; skipping it saves a call on the hot path.
func drop(addr uintptr) {
	if word(addr+16) == 0 {
		return
	}
	callWords(word(word(addr+24)+vtDestructor), addr)
}

// dropAll drops each RString or RVec in addrs, in order, in one trip to the system stack.
func dropAll(addrs []uintptr) {
	n := 0
	for _, a := range addrs {
		if word(a+16) != 0 {
			n++
		}
	}
	frames := newFrames(n)[:0]
	for _, a := range addrs {
		if word(a+16) != 0 {
			frames = append(frames, wordsFrame(word(word(a+24)+vtDestructor), a))
		}
	}
	callMany(frames)
}

// readString copies the RString or RStr at addr; it reports bytes that are not a valid string.
func readString(addr uintptr) (string, error) {
	ptr, n := word(addr), word(addr+8)
	switch {
	case n == 0:
		return "", nil
	case ptr == 0:
		return "", fmt.Errorf("null data pointer with length %d", n)
	case n > maxPluginString:
		return "", fmt.Errorf("implausible length %d", n)
	}
	b := mem(ptr, int(n))
	if !utf8.Valid(b) {
		return "", fmt.Errorf("%d bytes that are not UTF-8 (%q…)", n, b[:min(len(b), 16)])
	}
	return string(b), nil
}

// vecElems returns an RVec's buffer and length, refusing implausible lengths.
func vecElems(addr uintptr) (uintptr, int, error) {
	ptr, n := word(addr), word(addr+8)
	if n > maxPluginVec {
		return 0, 0, fmt.Errorf("implausible vector length %d", n)
	}
	if n > 0 && ptr == 0 {
		return 0, 0, fmt.Errorf("null vector buffer with length %d", n)
	}
	return ptr, int(n), nil
}
