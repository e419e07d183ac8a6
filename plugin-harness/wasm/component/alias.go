package component

// ---- section 6: aliases ----

func (p *parser) aliasSection(c *Component, stack []*scope, s *reader) {
	n := s.count("alias", 1_000_000, 3)
	if !p.addItems(s, n) {
		return
	}
	for i := 0; i < n && s.ok(); i++ {
		p.readAlias(c, stack, s)
	}
}

// readAlias reads one alias into the innermost scope of stack; c is nil inside type
// declarations.
func (p *parser) readAlias(c *Component, stack []*scope, s *reader) {
	sc := stack[len(stack)-1]
	off := s.off()
	b1 := s.u8()
	var b2 byte
	if b1 == 0x00 {
		b2 = s.u8()
	}
	target := s.u8()
	if !s.ok() {
		return
	}
	switch target {
	case 0x00: // export of a component instance
		srt, ok := sortFromBytes(b1, b2)
		if !ok {
			s.failAt(off, "invalid leading byte (0x%02x) for component external kind", b1)
			return
		}
		inst, name := s.u32(), s.name("alias export name")
		if !s.ok() {
			return
		}
		var it *InstanceType
		if sc.kind == 'c' {
			if uint64(inst) >= uint64(len(sc.instances)) {
				s.failAt(off, "unknown instance %d: instance index out of bounds", inst)
				return
			}
			it = sc.instances[inst].ty
		} else {
			if uint64(inst) >= uint64(len(sc.declInstances)) {
				s.failAt(off, "unknown instance %d: instance index out of bounds", inst)
				return
			}
			it = sc.declInstances[inst]
		}
		ex := it.Export(name)
		if ex == nil {
			s.failAt(off, "instance %d has no export named `%s`", inst, name)
			return
		}
		if ex.Sort != srt {
			s.failAt(off, "export `%s` of instance %d is a %s, not a %s", name, inst, ex.Sort, srt)
			return
		}
		switch srt {
		case SortFunc:
			if sc.kind != 'c' {
				sc.declFuncs++
				return
			}
			sc.funcs = append(sc.funcs, funcEntry{kind: 'a', ty: ex.Type.(*FuncType), inst: inst, name: name, same: -1})
			c.addStep(stepFunc, 0, len(sc.funcs)-1)
		case SortInstance:
			if sc.kind != 'c' {
				sc.declInstances = append(sc.declInstances, ex.Type.(*InstanceType))
				return
			}
			sc.instances = append(sc.instances, instanceEntry{kind: 'a', ty: ex.Type.(*InstanceType), inst: inst, name: name, same: -1})
			c.addStep(stepInstance, 0, len(sc.instances)-1)
		case SortType:
			sc.types = append(sc.types, ex.Type.(Type))
		default:
			s.failAt(off, "aliasing a %s export of an instance is not supported", srt)
		}
	case 0x01: // export of a core instance
		if b1 != 0x00 {
			s.failAt(off, "invalid leading byte (0x%02x) for core instance export kind", b1)
			return
		}
		k, ok := coreSortFromByte(b2)
		if !ok || k > CoreTag {
			s.failAt(off+1, "invalid leading byte (0x%02x) for external kind", b2)
			return
		}
		inst, name := s.u32(), s.name("alias export name")
		if !s.ok() {
			return
		}
		if sc.kind != 'c' {
			s.failAt(off, "aliases in a component or instance type may only refer to types or instances")
			return
		}
		if uint64(inst) >= uint64(len(sc.coreInstances)) {
			s.failAt(off, "unknown core instance %d: instance index out of bounds", inst)
			return
		}
		var ex *CoreExport
		for i := range sc.coreInstances[inst].exports {
			if sc.coreInstances[inst].exports[i].Name == name {
				ex = &sc.coreInstances[inst].exports[i]
				break
			}
		}
		if ex == nil {
			s.failAt(off, "core instance %d has no export named `%s`", inst, name)
			return
		}
		if ex.Type.Sort != k {
			s.failAt(off, "export `%s` of core instance %d is a %s, not a %s", name, inst, ex.Type.Sort, k)
			return
		}
		if k == CoreFunc {
			sc.coreFuncs = append(sc.coreFuncs, coreFuncEntry{kind: 'a', ty: ex.Type.Func, inst: inst, name: name})
			c.addStep(stepCoreFunc, 0, len(sc.coreFuncs)-1)
			return
		}
		sc.coreItems[k] = append(sc.coreItems[k], coreItemEntry{inst: inst, name: name, ty: ex.Type})
		c.addStep(stepCoreItem, k, len(sc.coreItems[k])-1)
	case 0x02: // outer
		count, idx := s.u32(), s.u32()
		if !s.ok() {
			return
		}
		if uint64(count) >= uint64(len(stack)) {
			s.failAt(off, "invalid outer alias count of %d", count)
			return
		}
		from := stack[len(stack)-1-int(count)]
		switch {
		case b1 == 0x00 && b2 == 0x11: // core module
			if sc.kind != 'c' || uint64(idx) >= uint64(len(from.modules)) {
				s.failAt(off, "unknown module %d: module index out of bounds", idx)
				return
			}
			sc.modules = append(sc.modules, from.modules[idx])
		case b1 == 0x00 && b2 == 0x10: // core type
			if uint64(idx) >= uint64(len(from.coreTypes)) {
				s.failAt(off, "unknown core type %d: type index out of bounds", idx)
				return
			}
			sc.coreTypes = append(sc.coreTypes, from.coreTypes[idx])
		case b1 == 0x03: // type
			if uint64(idx) >= uint64(len(from.types)) {
				s.failAt(off, "unknown type %d: type index out of bounds", idx)
				return
			}
			sc.types = append(sc.types, from.types[idx])
		case b1 == 0x04: // component
			if sc.kind != 'c' || uint64(idx) >= uint64(len(from.components)) {
				s.failAt(off, "unknown component %d: component index out of bounds", idx)
				return
			}
			sc.components = append(sc.components, from.components[idx])
		default:
			s.failAt(off, "invalid leading byte (0x%02x) for component outer alias kind", b1)
		}
	default:
		s.failAt(off, "invalid leading byte (0x%02x) for alias", target)
	}
}

func sortFromBytes(b1, b2 byte) (Sort, bool) {
	switch b1 {
	case 0x00:
		if b2 == 0x11 {
			return SortCoreModule, true
		}
		return 0, false
	case 0x01, 0x02, 0x03, 0x04, 0x05:
		return Sort(b1), true
	}
	return 0, false
}
