//go:build linux || darwin

package native

import (
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
)

// frame is what bigcall reads; the field offsets are fixed by bigcall_amd64.s.
type frame struct {
	fn     uintptr
	regs   [6]uintptr // rdi rsi rdx rcx r8 r9
	nstack uintptr
	stack  *uintptr
	r0, r1 uintptr
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
const sizeFrame = 88

var _ [sizeFrame - unsafe.Sizeof(frame{})]struct{} // frame must stay 88 bytes

// batch holds frames to make in one trip to the system stack (callMany).
type batch struct {
	count  uintptr
	frames *frame
}

// callMany makes each call of frames in order, in one cgocall; none may take stack words.
func callMany(frames []frame) {
	if len(frames) == 0 {
		return
	}
	b := newBatch()
	b.count, b.frames = uintptr(len(frames)), &frames[0]
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

// call invokes the C function fn with the six integer registers and the stack words given, on the
// system stack (purego's cgocall), and returns rax. A struct returned through a hidden pointer takes
// regs[0] (sret). Everything the callee may retain must be C memory: the frame and the words are Go
// memory that is valid only for the call.
func call(fn uintptr, regs [6]uintptr, stack []uintptr) uintptr {
	f := newFrame()
	f.fn, f.regs, f.nstack = fn, regs, uintptr(len(stack))
	if len(stack) > 0 {
		f.stack = &stack[0]
	}
	purego.SyscallN(bigcallPC, uintptr(unsafe.Pointer(f)))
	runtime.KeepAlive(f)
	runtime.KeepAlive(stack)
	return f.r0
}

// Host callbacks run Go code on this goroutine during the call and may grow (move) its stack, so
// everything bigcall or the plugin holds a pointer to must live on the heap: a value returned from
// a function that is not inlined always does.

//go:noinline
func newFrame() *frame { return new(frame) }

// words returns n zeroed words on the heap (sret buffers, stack frames).
//
//go:noinline
func words(n int) []uintptr { return make([]uintptr, n) }
