//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
)

// frame is what bigcall reads: one C call with any number of stack words (purego alone caps a
// call at 32 arguments; make needs 27 stack words on amd64, evaluate_pre_dispatch 63) and, on
// arm64, x8 (docs/native-abi.md §6.1). The field offsets are fixed by bigcall_amd64.s and
// bigcall_arm64.s. A frame holds no Go pointer (whoever made it keeps the words it points at
// alive), so the one made for every call is allocated without pointer bitmaps.
type frame struct {
	fn     uintptr
	regs   [8]uintptr // integer argument registers in order: rdi rsi rdx rcx r8 r9 (amd64 reads 6), x0–x7 (arm64)
	x8     uintptr    // arm64's indirect result register (sret); amd64 passes sret in regs[0] and ignores this
	nstack uintptr
	stack  uintptr // address of the nstack words (kept alive by the caller)
	r0, r1 uintptr // rax rdx / x0 x1 after the call
}

func bigcall()
func bigcallAddr() uintptr
func bigcallN()
func bigcallNAddr() uintptr

var (
	bigcallPC  = bigcallAddr()
	bigcallNPC = bigcallNAddr()
)

// sizeFrame is the stride bigcallN walks.
const sizeFrame = 112

var _ [sizeFrame - unsafe.Sizeof(frame{})]struct{} // frame must stay 112 bytes
var _ [unsafe.Sizeof(frame{}) - sizeFrame]struct{}

// batch holds frames to make in one trip to the system stack (callMany).
type batch struct {
	count  uintptr
	frames uintptr // address of count frames
}

// callMany makes each call of frames in order, in one cgocall; none may take stack words or an
// sret buffer, so the same frame means the same call under every convention.
func callMany(frames []frame) {
	if len(frames) == 0 {
		return
	}
	b := newBatch()
	b.count, b.frames = uintptr(len(frames)), uintptr(unsafe.Pointer(&frames[0]))
	purego.SyscallN(bigcallNPC, uintptr(unsafe.Pointer(b)))
	runtime.KeepAlive(b)
	runtime.KeepAlive(frames)
}

//go:noinline
func newBatch() *batch { return new(batch) }

// newFrames returns n zeroed frames on the heap.
//
//go:noinline
func newFrames(n int) []frame { return make([]frame, n) }

// wordsFrame is a frame for a call of at most three scalar arguments, which every supported
// convention passes in the first three integer registers, in order, with nothing else.
func wordsFrame(fn uintptr, args ...uintptr) frame {
	if len(args) > 3 {
		panic("wordsFrame: more than three scalar arguments need a signature")
	}
	f := frame{fn: fn}
	copy(f.regs[:], args)
	return f
}

// callWords calls fn with at most three scalar arguments and returns its first result register.
func callWords(fn uintptr, args ...uintptr) uintptr {
	f := newFrame()
	*f = wordsFrame(fn, args...)
	purego.SyscallN(bigcallPC, uintptr(unsafe.Pointer(f)))
	runtime.KeepAlive(f)
	return f.r0
}

// cCall is one call being prepared by a layout: its frame and the Go words it hands over (stack
// words, by-reference copies, the sret buffer). Host callbacks run Go code on this goroutine during
// the call and may grow (move) its stack, so everything bigcall or the plugin holds a pointer to
// lives on the heap. Everything the callee may retain must be C memory: these words are valid only
// for the call.
type cCall struct {
	l     *layout
	f     *frame
	buf   []uintptr // stack words, then the copies, then the sret buffer
	stack []uintptr
	sret  []uintptr
}

// prepare makes a fresh frame for one call by l (a callee may modify a by-reference copy, so each
// call gets its own).
func (l *layout) prepare() cCall {
	c := cCall{l: l, f: newFrame(), buf: words(l.stack + l.copies + l.sret)}
	c.stack = c.buf[:l.stack]
	copies := c.buf[l.stack : l.stack+l.copies]
	c.sret = c.buf[l.stack+l.copies:]
	for i, p := range l.params {
		if p.byRef {
			c.put(i, 0, addrOf(copies[p.copy:]))
		}
	}
	if l.sret > 0 {
		if l.sretInReg0 {
			c.f.regs[0] = addrOf(c.sret)
		} else {
			c.f.x8 = addrOf(c.sret)
		}
	}
	return c
}

// put writes word k of parameter i where the layout placed it.
func (c *cCall) put(i, k int, v uintptr) {
	p := c.l.params[i]
	if p.at.reg {
		c.f.regs[p.at.i+k] = v
	} else {
		c.stack[p.at.i+k] = v
	}
}

// scalar sets parameter i, a scalar.
func (c *cCall) scalar(i int, v uintptr) { c.put(i, 0, v) }

// pair sets parameter i, a composite of two words (an RStr: pointer, length).
func (c *cCall) pair(i int, w0, w1 uintptr) {
	if c.l.params[i].words != 2 || c.l.params[i].byRef {
		panic("pair: the parameter is not a two-word composite")
	}
	c.put(i, 0, w0)
	c.put(i, 1, w1)
}

// borrow sets parameter i, an RStr, to s: borrowed for the call, so the caller keeps s alive.
func (c *cCall) borrow(i int, s string) {
	w0, w1 := rstr(s)
	c.pair(i, w0, w1)
}

// aggregate returns the words of parameter i, a composite the caller fills in: stack words where
// it is copied onto the stack, its copy where it is passed by reference.
func (c *cCall) aggregate(i int) []uintptr {
	p := c.l.params[i]
	if p.byRef {
		off := c.l.stack + p.copy
		return c.buf[off : off+p.words]
	}
	if p.at.reg {
		panic("aggregate: a composite placed in registers is set with pair")
	}
	return c.stack[p.at.i : p.at.i+p.words]
}

// call makes the call and returns the first result register. The sret buffer, if any, holds the
// returned struct.
func (c *cCall) call(fn uintptr) uintptr {
	c.f.fn, c.f.nstack = fn, uintptr(len(c.stack))
	if len(c.stack) > 0 {
		c.f.stack = addrOf(c.stack)
	}
	purego.SyscallN(bigcallPC, uintptr(unsafe.Pointer(c.f)))
	runtime.KeepAlive(c.f)
	runtime.KeepAlive(c.buf)
	return c.f.r0
}

// forget wipes the argument words after the call: the plugin owns what they pointed at now, and
// no pointer to it may stay behind in Go memory (leak checkers would count it as reachable).
func (c *cCall) forget() {
	clear(c.buf[:c.l.stack+c.l.copies])
	c.f.regs = [8]uintptr{}
}

//go:noinline
func newFrame() *frame { return new(frame) }

// words returns n zeroed words on the heap (sret buffers, stack frames).
//
//go:noinline
func words(n int) []uintptr { return make([]uintptr, n) }
