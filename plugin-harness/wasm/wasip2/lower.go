package wasip2

// Lowering: host results into core results and linear memory through the guest's realloc.

func (c *call) realloc(align, size uint32) (uint32, error) {
	if c.mem == nil {
		return 0, errNoMemory
	}
	p, err := c.mem.Realloc(c.ctx, 0, 0, align, size)
	if err != nil {
		return 0, err
	}
	if p%align != 0 {
		return 0, trapf("realloc return: result not aligned")
	}
	m, err := c.memory()
	if err != nil {
		return 0, err
	}
	if uint64(p)+uint64(size) > uint64(m.Size()) {
		return 0, trapf("realloc return: beyond end of memory")
	}
	return p, nil
}

// lowerFlat lowers a result that flattens to at most one value.
func (c *call) lowerFlat(t *Type, v any) (uint64, error) {
	switch t.Kind {
	case KindBool:
		if v.(bool) {
			return 1, nil
		}
		return 0, nil
	case KindU8, KindU16, KindU32, KindU64, KindFlags:
		return v.(uint64), nil
	case KindEnum:
		return uint64(v.(Variant).Case), nil
	case KindOwn:
		idx, err := c.table.InsertOwn(v.(*Resource))
		return uint64(idx), err
	}
	return 0, trapf("internal: cannot lower %s as one flat value", t)
}

// store lowers v of type t into memory at ptr (the ABI's store).
func (c *call) store(t *Type, ptr uint32, v any) error {
	m, err := c.memory()
	if err != nil {
		return err
	}
	oob := func(ok bool) error {
		if !ok {
			return trapf("out of bounds memory access")
		}
		return nil
	}
	switch t.Kind {
	case KindBool:
		var b byte
		if v.(bool) {
			b = 1
		}
		return oob(m.WriteByte(ptr, b))
	case KindU8:
		return oob(m.WriteByte(ptr, byte(v.(uint64))))
	case KindU16:
		return oob(m.WriteUint16Le(ptr, uint16(v.(uint64))))
	case KindU32:
		return oob(m.WriteUint32Le(ptr, uint32(v.(uint64))))
	case KindU64:
		return oob(m.WriteUint64Le(ptr, v.(uint64)))
	case KindFlags:
		switch t.size() {
		case 1:
			return oob(m.WriteByte(ptr, byte(v.(uint64))))
		case 2:
			return oob(m.WriteUint16Le(ptr, uint16(v.(uint64))))
		}
		return oob(m.WriteUint32Le(ptr, uint32(v.(uint64))))
	case KindString, KindList:
		p, n, err := c.lowerHeap(t, v)
		if err != nil {
			return err
		}
		m, err = c.memory() // realloc may have grown it
		if err != nil {
			return err
		}
		if err := oob(m.WriteUint32Le(ptr, p)); err != nil {
			return err
		}
		return oob(m.WriteUint32Le(ptr+4, n))
	case KindTuple, KindRecord:
		vals := v.([]any)
		var off uint32
		for i, f := range t.Fields {
			off = alignTo(off, f.Type.align())
			if err := c.store(f.Type, ptr+off, vals[i]); err != nil {
				return err
			}
			off += f.Type.size()
		}
		return nil
	case KindOwn:
		idx, err := c.table.InsertOwn(v.(*Resource))
		if err != nil {
			return err
		}
		return oob(m.WriteUint32Le(ptr, idx))
	case KindBorrow:
		return trapf("internal: the host never lowers a borrow")
	}
	vr := v.(Variant)
	cases := t.cases()
	var ok bool
	switch discSize(len(cases)) {
	case 1:
		ok = m.WriteByte(ptr, byte(vr.Case))
	case 2:
		ok = m.WriteUint16Le(ptr, uint16(vr.Case))
	default:
		ok = m.WriteUint32Le(ptr, vr.Case)
	}
	if err := oob(ok); err != nil {
		return err
	}
	if ct := cases[vr.Case]; ct != nil {
		return c.store(ct, ptr+t.payloadOffset(), vr.Val)
	}
	return nil
}

// lowerHeap copies a string or list into memory the guest's realloc gives, returning its
// pointer and length. Like Wasmtime it calls realloc even for an empty one.
func (c *call) lowerHeap(t *Type, v any) (uint32, uint32, error) {
	if t.Kind == KindString {
		s := v.(string)
		if len(s) > maxStringByteLength {
			return 0, 0, trapf("string length of %d too large to copy into wasm", len(s))
		}
		p, err := c.realloc(1, uint32(len(s)))
		if err != nil {
			return 0, 0, err
		}
		m, _ := c.memory()
		if !m.WriteString(p, s) {
			return 0, 0, trapf("out of bounds memory access")
		}
		return p, uint32(len(s)), nil
	}
	elem := t.Elem
	switch b := v.(type) {
	case []byte:
		p, err := c.realloc(1, uint32(len(b)))
		if err != nil {
			return 0, 0, err
		}
		m, _ := c.memory()
		if !m.Write(p, b) {
			return 0, 0, trapf("out of bounds memory access")
		}
		return p, uint32(len(b)), nil
	case fillBytes:
		p, err := c.realloc(1, b.n)
		if err != nil {
			return 0, 0, err
		}
		m, _ := c.memory()
		view, ok := m.Read(p, b.n)
		if !ok {
			return 0, 0, trapf("out of bounds memory access")
		}
		if err := b.fill(view); err != nil {
			return 0, 0, err
		}
		return p, b.n, nil
	}
	vals := v.([]any)
	size := uint64(len(vals)) * uint64(elem.size())
	if size > 1<<32-1 {
		return 0, 0, trapf("size overflow copying a list")
	}
	p, err := c.realloc(elem.align(), uint32(size))
	if err != nil {
		return 0, 0, err
	}
	for i, ev := range vals {
		if err := c.store(elem, p+uint32(i)*elem.size(), ev); err != nil {
			return 0, 0, err
		}
	}
	return p, uint32(len(vals)), nil
}
