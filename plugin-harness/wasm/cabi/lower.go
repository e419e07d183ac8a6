package cabi

// Lowering host values into guest memory for a call (CanonicalABI.md "Storing", "Flat Lowering",
// lower_flat_values), in the order Wasmtime 44 performs it — the order of realloc calls and
// memory writes is visible to the guest's allocator, so it is part of the behaviour:
//   - parameters that flatten to more than MaxFlatParams values: one realloc for the whole tuple,
//     then each parameter stored in order;
//   - a string: one realloc, then its bytes (UTF-16 and latin1+utf16 may realloc again to shrink
//     or widen, exactly as Wasmtime's lower_string does);
//   - a list: one realloc for the element array, then each element stored in order;
//   - an option or variant: the discriminant, then the payload; padding is never written.
// Every pointer realloc returns is checked against the alignment asked for and the memory's size
// after the call, as Wasmtime does (options.rs LowerContext::realloc).

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf16"
	"unicode/utf8"
)

// LowerPreDispatch lowers evaluate-pre-dispatch's arguments; the result is the core call's
// arguments (one i32: the address of the spilled parameter tuple).
func LowerPreDispatch(o Options, a PreDispatchArgs) ([]uint64, error) {
	return lowerCall(&o, &FuncEvaluatePreDispatch, a)
}

// LowerPostDispatch lowers evaluate-post-dispatch's arguments.
func LowerPostDispatch(o Options, a PostDispatchArgs) ([]uint64, error) {
	return lowerCall(&o, &FuncEvaluatePostDispatch, a)
}

// LowerTransformArguments lowers transform-arguments' arguments (a.Value: the tool arguments).
func LowerTransformArguments(o Options, a TransformArgs) ([]uint64, error) {
	return lowerCall(&o, &FuncTransformArguments, a)
}

// LowerTransformOutput lowers transform-output's arguments (a.Value: the tool result).
func LowerTransformOutput(o Options, a TransformArgs) ([]uint64, error) {
	return lowerCall(&o, &FuncTransformOutput, a)
}

// LowerResolveIdentity lowers resolve-identity's arguments: four flat i32s (headers pointer and
// count, config pointer and length).
func LowerResolveIdentity(o Options, a ResolveIdentityArgs) ([]uint64, error) {
	return lowerCall(&o, &FuncResolveIdentity, a)
}

func lowerCall(o *Options, f *Func, args recordValue) ([]uint64, error) {
	if err := o.check(f, true); err != nil {
		return nil, err
	}
	vals := args.fields()
	if len(vals) != len(f.params) {
		return nil, fmt.Errorf("cabi: %s takes %d parameters, got %d", f.Name, len(f.params), len(vals))
	}
	w := &lowerer{o: o}
	if f.SpillsParams {
		tt := f.paramTuple()
		ptr, err := w.realloc(f.Name+" parameters", 0, 0, tt.Align(), uint64(tt.Size()))
		if err != nil {
			return nil, err
		}
		offs := tt.FieldOffsets()
		for i, p := range f.params {
			if err := w.store(p.t, vals[i], ptr+offs[i], p.name); err != nil {
				return nil, err
			}
		}
		return []uint64{uint64(ptr)}, nil
	}
	var flat []uint64
	for i, p := range f.params {
		fv, err := w.flat(p.t, vals[i], p.name)
		if err != nil {
			return nil, err
		}
		flat = append(flat, fv...)
	}
	return flat, nil
}

type lowerer struct {
	o *Options
}

// realloc calls the guest's allocator and checks its answer. Sizes past u32 fail as Wasmtime's
// conversion of them does.
func (w *lowerer) realloc(field string, oldPtr uint32, oldSize uint64, align uint32, newSize uint64) (uint32, error) {
	if oldSize > math.MaxUint32 || newSize > math.MaxUint32 {
		return 0, &Trap{Message: msgIntConversion, Field: field,
			Detail: fmt.Sprintf("an allocation of %d bytes does not fit the guest's 32-bit realloc", max(oldSize, newSize))}
	}
	ptr, err := w.o.Realloc(oldPtr, uint32(oldSize), align, uint32(newSize))
	if err != nil {
		return 0, err
	}
	if ptr%align != 0 {
		return 0, &Trap{Message: msgReallocNotAligned, Field: field,
			Detail: fmt.Sprintf("realloc(%d, %d, %d, %d) returned 0x%x, expected a multiple of %d", oldPtr, oldSize, align, newSize, ptr, align)}
	}
	if size := uint64(w.o.Memory.Size()); uint64(ptr)+newSize > size {
		return 0, &Trap{Message: msgReallocOutOfBounds, Field: field,
			Detail: fmt.Sprintf("realloc(%d, %d, %d, %d) returned 0x%x; 0x%x + %d ends past the memory's %d bytes", oldPtr, oldSize, align, newSize, ptr, ptr, newSize, size)}
	}
	return ptr, nil
}

func (w *lowerer) write(addr uint32, b []byte, field string) error {
	if len(b) == 0 || w.o.Memory.Write(addr, b) {
		return nil
	}
	// Only reachable when Memory breaks its own Size: every address here was checked against it.
	return fmt.Errorf("cabi: %s: writing %d bytes at 0x%x failed although the memory reports %d bytes", field, len(b), addr, w.o.Memory.Size())
}

func (w *lowerer) writeU32(addr, v uint32, field string) error {
	return w.write(addr, binary.LittleEndian.AppendUint32(nil, v), field)
}

func (w *lowerer) writePair(addr, ptr, n uint32, field string) error {
	b := binary.LittleEndian.AppendUint32(make([]byte, 0, 8), ptr)
	return w.write(addr, binary.LittleEndian.AppendUint32(b, n), field)
}

func typeMismatch(t *witType, v any, field string) error {
	return fmt.Errorf("cabi: %s: a %T cannot be lowered as %s", field, v, t.Name)
}

// store writes v, of type t, at addr (aligned and in bounds: addr lies in memory realloc returned).
func (w *lowerer) store(t *witType, v any, addr uint32, field string) error {
	switch t.kind {
	case kindU16:
		x, ok := v.(uint16)
		if !ok {
			return typeMismatch(t, v, field)
		}
		return w.write(addr, binary.LittleEndian.AppendUint16(nil, x), field)
	case kindS32:
		x, ok := v.(int32)
		if !ok {
			return typeMismatch(t, v, field)
		}
		return w.writeU32(addr, uint32(x), field)
	case kindU64:
		x, ok := v.(uint64)
		if !ok {
			return typeMismatch(t, v, field)
		}
		return w.write(addr, binary.LittleEndian.AppendUint64(nil, x), field)
	case kindString, kindList:
		ptr, n, err := w.lowerIndirect(t, v, field)
		if err != nil {
			return err
		}
		return w.writePair(addr, ptr, n, field)
	case kindRecord:
		r, ok := v.(recordValue)
		if !ok {
			return typeMismatch(t, v, field)
		}
		vals := r.fields()
		if len(vals) != len(t.fields) {
			return fmt.Errorf("cabi: %s: %s has %d fields, the value %d", field, t.Name, len(t.fields), len(vals))
		}
		offs := t.FieldOffsets()
		for i, f := range t.fields {
			if err := w.store(f.t, vals[i], addr+offs[i], field+"."+f.name); err != nil {
				return err
			}
		}
		return nil
	case kindVariant:
		idx, payload, err := caseOf(t, v, field)
		if err != nil {
			return err
		}
		disc := binary.LittleEndian.AppendUint32(nil, uint32(idx))[:discriminantSize(len(t.cases))]
		if err := w.write(addr, disc, field); err != nil {
			return err
		}
		if c := t.cases[idx]; c.t != nil {
			return w.store(c.t, payload, addr+t.PayloadOffset(), field+"."+c.name)
		}
		return nil
	}
	return typeMismatch(t, v, field)
}

// caseOf is the case index and payload of a variant value; options are *string.
func caseOf(t *witType, v any, field string) (int, any, error) {
	var idx int
	var payload any
	switch x := v.(type) {
	case *string:
		if t != tOptString {
			return 0, nil, typeMismatch(t, v, field)
		}
		if x != nil {
			idx, payload = 1, *x
		}
	case variantValue:
		idx, payload = x.caseValue()
	default:
		return 0, nil, typeMismatch(t, v, field)
	}
	if idx < 0 || idx >= len(t.cases) {
		return 0, nil, fmt.Errorf("cabi: %s: case %d of %s, which has %d cases", field, idx, t.Name, len(t.cases))
	}
	return idx, payload, nil
}

// flat lowers v, of type t, into core values (CanonicalABI.md lower_flat). The discriminant of a
// variant is followed by its case's payload, padded with zeros to the width every case shares.
func (w *lowerer) flat(t *witType, v any, field string) ([]uint64, error) {
	switch t.kind {
	case kindU16:
		x, ok := v.(uint16)
		if !ok {
			return nil, typeMismatch(t, v, field)
		}
		return []uint64{uint64(x)}, nil
	case kindS32:
		x, ok := v.(int32)
		if !ok {
			return nil, typeMismatch(t, v, field)
		}
		return []uint64{uint64(uint32(x))}, nil
	case kindU64:
		x, ok := v.(uint64)
		if !ok {
			return nil, typeMismatch(t, v, field)
		}
		return []uint64{x}, nil
	case kindString, kindList:
		ptr, n, err := w.lowerIndirect(t, v, field)
		if err != nil {
			return nil, err
		}
		return []uint64{uint64(ptr), uint64(n)}, nil
	case kindRecord:
		r, ok := v.(recordValue)
		if !ok {
			return nil, typeMismatch(t, v, field)
		}
		vals := r.fields()
		if len(vals) != len(t.fields) {
			return nil, fmt.Errorf("cabi: %s: %s has %d fields, the value %d", field, t.Name, len(t.fields), len(vals))
		}
		var out []uint64
		for i, f := range t.fields {
			fv, err := w.flat(f.t, vals[i], field+"."+f.name)
			if err != nil {
				return nil, err
			}
			out = append(out, fv...)
		}
		return out, nil
	case kindVariant:
		idx, payload, err := caseOf(t, v, field)
		if err != nil {
			return nil, err
		}
		out := make([]uint64, 1, len(t.Flat()))
		out[0] = uint64(idx)
		if c := t.cases[idx]; c.t != nil {
			fv, err := w.flat(c.t, payload, field+"."+c.name)
			if err != nil {
				return nil, err
			}
			out = append(out, fv...) // integers only: a join never reinterprets bits here
		}
		for len(out) < cap(out) {
			out = append(out, 0)
		}
		return out, nil
	}
	return nil, typeMismatch(t, v, field)
}

// lowerIndirect stores a string's or a list's contents in freshly allocated guest memory and
// returns the pointer and the length (code units for strings, elements for lists).
func (w *lowerer) lowerIndirect(t *witType, v any, field string) (uint32, uint32, error) {
	if t.kind == kindString {
		s, ok := v.(string)
		if !ok {
			return 0, 0, typeMismatch(t, v, field)
		}
		return w.lowerString(s, field)
	}
	var elems []any
	switch x := v.(type) {
	case []string:
		if t.elem != tString {
			return 0, 0, typeMismatch(t, v, field)
		}
		elems = make([]any, len(x))
		for i, s := range x {
			elems[i] = s
		}
	case []Pair:
		if t.elem != tPair {
			return 0, 0, typeMismatch(t, v, field)
		}
		elems = make([]any, len(x))
		for i, p := range x {
			elems[i] = p
		}
	default:
		return 0, 0, typeMismatch(t, v, field)
	}
	size := uint64(t.elem.Size())
	ptr, err := w.realloc(field, 0, 0, t.elem.Align(), uint64(len(elems))*size)
	if err != nil {
		return 0, 0, err
	}
	for i, e := range elems {
		if err := w.store(t.elem, e, ptr+uint32(uint64(i)*size), fmt.Sprintf("%s[%d]", field, i)); err != nil {
			return 0, 0, err
		}
	}
	return ptr, uint32(len(elems)), nil
}

// lowerString copies a host string into the guest in the lift's encoding, following Wasmtime's
// lower_string (typed.rs) call for call.
func (w *lowerer) lowerString(s, field string) (uint32, uint32, error) {
	if !utf8.ValidString(s) {
		// The gateway's strings are Rust strings, always UTF-8; ours come from JSON and flags.
		return 0, 0, fmt.Errorf("cabi: %s: the host string is not UTF-8 (%q)", field, clip(s))
	}
	n := uint64(len(s))
	switch w.o.Encoding {
	case UTF8:
		if n > maxStringByteLength {
			return 0, 0, &Trap{Message: fmt.Sprintf("string length of %d too large to copy into wasm", n), Field: field,
				Detail: fmt.Sprintf("%d bytes, the most is %d", n, maxStringByteLength)}
		}
		ptr, err := w.realloc(field, 0, 0, 1, n)
		if err != nil {
			return 0, 0, err
		}
		return ptr, uint32(n), w.write(ptr, []byte(s), field)
	case UTF16:
		size := 2 * n
		if size > maxStringByteLength {
			return 0, 0, &Trap{Message: fmt.Sprintf("string length of %d too large to copy into wasm", n), Field: field,
				Detail: fmt.Sprintf("%d bytes as UTF-16, the most is %d", size, maxStringByteLength)}
		}
		ptr, err := w.realloc(field, 0, 0, 2, size)
		if err != nil {
			return 0, 0, err
		}
		units := utf16.Encode([]rune(s))
		if err := w.write(ptr, utf16Bytes(units), field); err != nil {
			return 0, 0, err
		}
		copied := uint64(len(units))
		if 2*copied < size {
			if ptr, err = w.realloc(field, ptr, size, 2, 2*copied); err != nil {
				return 0, 0, err
			}
		}
		return ptr, uint32(copied), nil
	}
	return w.lowerCompact(s, field)
}

// lowerCompact is latin1+utf16: latin1 while every character fits a byte; at the first that does
// not, the allocation grows to the UTF-16 worst case, the bytes so far are widened in place, the
// rest is written as UTF-16, and the length carries the UTF-16 tag.
func (w *lowerer) lowerCompact(s, field string) (uint32, uint32, error) {
	n := uint64(len(s))
	ptr, err := w.realloc(field, 0, 0, 2, n)
	if err != nil {
		return 0, 0, err
	}
	latin1 := make([]byte, 0, len(s))
	for i, ch := range s {
		if ch < 0x100 {
			latin1 = append(latin1, byte(ch))
			continue
		}
		// Wasmtime writes each latin1 byte as it goes; the guest can look only when realloc runs.
		if err := w.write(ptr, latin1, field); err != nil {
			return 0, 0, err
		}
		worst := 2 * n
		if worst > maxStringByteLength {
			return 0, 0, &Trap{Message: msgByteLengthHuge, Field: field,
				Detail: fmt.Sprintf("%d bytes as UTF-16, the most is %d", worst, maxStringByteLength)}
		}
		if ptr, err = w.realloc(field, ptr, n, 2, worst); err != nil {
			return 0, 0, err
		}
		// Widen what realloc kept at the new address, as Wasmtime does.
		result := uint64(len(latin1))
		kept, ok := w.o.Memory.Read(ptr, uint32(result))
		if !ok {
			return 0, 0, fmt.Errorf("cabi: %s: reading %d bytes at 0x%x failed although realloc's answer was in bounds", field, result, ptr)
		}
		wide := make([]byte, 2*result, 2*n)
		for j := range kept {
			wide[2*j] = kept[j]
		}
		units := utf16.Encode([]rune(s[i:]))
		wide = append(wide, utf16Bytes(units)...)
		if err := w.write(ptr, wide, field); err != nil {
			return 0, 0, err
		}
		result += uint64(len(units))
		if worst > 2*result {
			if ptr, err = w.realloc(field, ptr, worst, 2, 2*result); err != nil {
				return 0, 0, err
			}
		}
		return ptr, uint32(result) | utf16Tag, nil
	}
	if err := w.write(ptr, latin1, field); err != nil {
		return 0, 0, err
	}
	if result := uint64(len(latin1)); result < n {
		if ptr, err = w.realloc(field, ptr, n, 2, result); err != nil {
			return 0, 0, err
		}
	}
	return ptr, uint32(len(latin1)), nil
}

func utf16Bytes(units []uint16) []byte {
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
