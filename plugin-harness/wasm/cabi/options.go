package cabi

import (
	"errors"
	"fmt"
)

// Memory is the guest's linear memory; wazero's api.Memory satisfies it. Read may return a view
// that is only valid until the memory grows: this package copies out of it at once.
type Memory interface {
	Size() uint32
	Read(offset, byteCount uint32) ([]byte, bool)
	Write(offset uint32, v []byte) bool
}

// Realloc calls the guest's realloc export (canonical option realloc): (old pointer, old size,
// alignment, new size) → pointer. An error from it (a trap in the guest, fuel, the deadline) is
// returned by the lowering unchanged.
type Realloc func(oldPtr, oldSize, align, newSize uint32) (uint32, error)

// StringEncoding is the canonical option string-encoding of a lift.
type StringEncoding uint8

const (
	UTF8 StringEncoding = iota
	UTF16
	Latin1UTF16 // latin1+utf16, "compact UTF-16"
)

func (e StringEncoding) String() string {
	switch e {
	case UTF8:
		return "utf8"
	case UTF16:
		return "utf16"
	case Latin1UTF16:
		return "latin1+utf16"
	}
	return fmt.Sprintf("string-encoding(%d)", uint8(e))
}

// DefaultHostcallFuel is Wasmtime's default cap on the bytes one lift may copy from the guest to
// the host (wasmtime crates/wasmtime/src/runtime/component/store.rs DEFAULT_HOSTCALL_FUEL, 128 MiB);
// the gateway never changes it.
const DefaultHostcallFuel = 128 << 20

// Options are the canonical options of the lifted function being called, plus the host's lift
// budget.
type Options struct {
	Memory   Memory
	Realloc  Realloc // needed when the function's NeedsRealloc
	Encoding StringEncoding
	// HostcallFuel caps the bytes a lift copies out of the guest, counted as Wasmtime counts them;
	// 0 means DefaultHostcallFuel.
	HostcallFuel uint64
}

// Trap is a failure of the canonical ABI itself while lowering arguments or lifting results. To
// the gateway it is an error of the call like a trap in the guest: its Error text is Wasmtime 44's
// own message, which the gateway puts into the decision ("… call failed: <message>"); Field and
// Detail say where and why, for people.
type Trap struct {
	Message string // Wasmtime's text
	Field   string // the value it concerns, e.g. "gate-decision.deny.message"
	Detail  string // what was expected and what was found
}

func (t *Trap) Error() string { return t.Message }

// Explain is the trap for a report: the field, what was wrong, and Wasmtime's words for it.
func (t *Trap) Explain() string {
	s := t.Message
	if t.Detail != "" {
		s = t.Detail + " (Wasmtime: " + t.Message + ")"
	}
	if t.Field != "" {
		s = t.Field + ": " + s
	}
	return s
}

// AsTrap returns the Trap in err's chain, if there is one.
func AsTrap(err error) (*Trap, bool) {
	var t *Trap
	ok := errors.As(err, &t)
	return t, ok
}

// Wasmtime 44's messages (crates/wasmtime/src/runtime/component/func/typed.rs, options.rs and
// the variant code of crates/component-macro/src/component.rs, which bindgen! types use).
const (
	msgReturnNotAligned   = "return pointer not aligned"
	msgReturnOutOfBounds  = "pointer out of bounds of memory"
	msgStringOutOfBounds  = "string pointer/length out of bounds of memory"
	msgListOutOfBounds    = "list pointer/length out of bounds of memory"
	msgListNotAligned     = "list pointer is not aligned"
	msgOptionDiscriminant = "invalid option discriminant"
	msgReallocNotAligned  = "realloc return: result not aligned"
	msgReallocOutOfBounds = "realloc return: beyond end of memory"
	msgHostcallFuel       = "too much data is being copied between the host and the guest: " +
		"fuel allocated for hostcalls has been exhausted"
	msgIntConversion  = "out of range integral type conversion attempted" // Rust's TryFromIntError
	msgByteLengthHuge = "byte length too large"
)

// msgVariantDiscriminant is the message of a variant's case index past its cases.
func msgVariantDiscriminant(d uint32) string { return fmt.Sprintf("unexpected discriminant: %d", d) }

// msgStringNotAligned is the message of a UTF-16 or latin1+utf16 string at an odd address.
func msgStringNotAligned(align uint32) string {
	return fmt.Sprintf("string pointer not aligned to %d", align)
}

// maxStringByteLength is the longest string Wasmtime 44 lowers, (1<<31)-1 bytes. The current
// spec says (1<<28)-1 and checks it on lifting too; Wasmtime 44 does not.
const maxStringByteLength = 1<<31 - 1

// utf16Tag marks a latin1+utf16 string's length as counting UTF-16 code units.
const utf16Tag = 1 << 31

// hostStringSize and hostPairSize are what Wasmtime charges against the hostcall fuel for each
// element of a lifted list<string> and list<tuple<string, string>>: the size of the Rust value it
// builds, String (24 bytes) and (String, String) (48 bytes), on the gateway's 64-bit hosts.
const (
	hostStringSize = 24
	hostPairSize   = 48
)

func (o *Options) check(f *Func, lowering bool) error {
	if f.NeedsMemory && o.Memory == nil {
		return fmt.Errorf("cabi: %s needs the guest's memory, but Options.Memory is nil", f.Name)
	}
	if lowering && f.NeedsRealloc && o.Realloc == nil {
		return fmt.Errorf("cabi: %s's parameters are lowered through the guest's realloc, but Options.Realloc is nil", f.Name)
	}
	if o.Encoding > Latin1UTF16 {
		return fmt.Errorf("cabi: unknown string encoding %d (expected utf8, utf16 or latin1+utf16)", o.Encoding)
	}
	return nil
}
