package component

// Reading component-level types (type section, type declarations, extern descriptions) and
// substituting resources in them.

// readType reads one component type definition. c is the component whose type section is being
// read, or nil inside a type declaration (where resources cannot be defined).
func (p *parser) readType(c *Component, stack []*scope, s *reader) Type {
	sc := stack[len(stack)-1]
	off := s.off()
	b := s.u8()
	if !s.ok() {
		return nil
	}
	if prim, ok := primitiveFromByte(b); ok {
		return prim
	}
	switch b {
	case 0x3f: // resource
		rep := readCoreValType(s)
		if s.ok() && rep != I32 {
			s.failAt(off, "resources can only be represented by `i32`")
			return nil
		}
		rt := &ResourceType{Defined: true, Rep: rep, Dtor: -1}
		switch d := s.u8(); d {
		case 0x00:
		case 0x01:
			idx := s.u32()
			if c != nil && s.ok() && uint64(idx) >= uint64(len(c.sc.coreFuncs)) {
				s.failAt(off, "unknown core func %d: resource destructor out of bounds", idx)
				return nil
			}
			rt.Dtor = int64(idx)
		default:
			if s.ok() {
				s.failAt(off, "invalid leading byte (0x%02x) for resource destructor", d)
			}
			return nil
		}
		if c == nil || sc.kind != 'c' {
			s.failAt(off, "resources can only be defined within a concrete component")
			return nil
		}
		c.definedResources = append(c.definedResources, rt)
		return rt
	case 0x40, 0x43: // func, async func
		ft := &FuncType{Async: b == 0x43}
		n := s.count("component function parameter", maxFuncParams, 2)
		for i := 0; i < n && s.ok(); i++ {
			nameOff := s.off()
			f := Field{Name: s.name("parameter name")}
			f.Type = p.readValType(sc, s)
			for _, prev := range ft.Params {
				if prev.Name == f.Name && s.ok() {
					s.failAt(nameOff, "function parameter name `%s` conflicts with previous parameter name `%s`", f.Name, prev.Name)
				}
			}
			ft.Params = append(ft.Params, f)
		}
		rOff := s.off()
		switch rb := s.u8(); rb {
		case 0x00:
			ft.Result = p.readValType(sc, s)
		case 0x01:
			if z := s.u8(); z != 0x00 && s.ok() {
				s.failAt(rOff+1, "invalid leading byte (0x%02x) for number of results", z)
			}
		default:
			if s.ok() {
				s.failAt(rOff, "invalid leading byte (0x%02x) for component function results", rb)
			}
		}
		return ft
	case 0x41, 0x42: // component type, instance type
		return p.readTypeDecls(stack, s, b == 0x41, off)
	}
	return p.readDefinedType(sc, s, b, off)
}

func (p *parser) readDefinedType(sc *scope, s *reader, b byte, off int) Type {
	d := &DefinedType{}
	optVal := func() ValType {
		o := s.off()
		switch x := s.u8(); x {
		case 0x00:
			return nil
		case 0x01:
			return p.readValType(sc, s)
		default:
			if s.ok() {
				s.failAt(o, "invalid leading byte (0x%02x) for optional component value type", x)
			}
		}
		return nil
	}
	names := func(what string, max int) []string {
		n := s.count(what, max, 1)
		var out []string
		for i := 0; i < n && s.ok(); i++ {
			nm := s.name(what)
			for _, prev := range out {
				if prev == nm && s.ok() {
					s.fail("%s name `%s` is defined more than once", what, nm)
				}
			}
			out = append(out, nm)
		}
		return out
	}
	switch b {
	case 0x72:
		d.Kind = KindRecord
		n := s.count("record field", 10_000, 2)
		for i := 0; i < n && s.ok(); i++ {
			f := Field{Name: s.name("record field name")}
			f.Type = p.readValType(sc, s)
			for _, prev := range d.Fields {
				if prev.Name == f.Name && s.ok() {
					s.failAt(off, "record field name `%s` conflicts with previous field name `%s`", f.Name, prev.Name)
				}
			}
			d.Fields = append(d.Fields, f)
		}
		if n == 0 && s.ok() {
			s.failAt(off, "record type must have at least one field")
		}
	case 0x71:
		d.Kind = KindVariant
		n := s.count("variant case", 10_000, 3)
		for i := 0; i < n && s.ok(); i++ {
			cs := Case{Name: s.name("variant case name")}
			cs.Type = optVal()
			if z := s.u8(); z != 0x00 && s.ok() {
				s.fail("invalid leading byte (0x%02x) for variant case refinement (zero byte required)", z)
			}
			for _, prev := range d.Cases {
				if prev.Name == cs.Name && s.ok() {
					s.failAt(off, "variant case name `%s` conflicts with previous case name `%s`", cs.Name, prev.Name)
				}
			}
			d.Cases = append(d.Cases, cs)
		}
		if n == 0 && s.ok() {
			s.failAt(off, "variant type must have at least one case")
		}
	case 0x70:
		d.Kind = KindList
		d.Elem = p.readValType(sc, s)
	case 0x67:
		d.Kind = KindFixedList
		d.Elem = p.readValType(sc, s)
		d.Len = s.u32()
	case 0x63:
		d.Kind = KindMap
		d.Key = p.readValType(sc, s)
		d.Elem = p.readValType(sc, s)
	case 0x6f:
		d.Kind = KindTuple
		n := s.count("tuple type", 10_000, 1)
		for i := 0; i < n && s.ok(); i++ {
			d.Types = append(d.Types, p.readValType(sc, s))
		}
		if n == 0 && s.ok() {
			s.failAt(off, "tuple type must have at least one type")
		}
	case 0x6e:
		d.Kind = KindFlags
		d.Names = names("flag", 32)
	case 0x6d:
		d.Kind = KindEnum
		d.Names = names("enum case", 10_000)
		if len(d.Names) == 0 && s.ok() {
			s.failAt(off, "enum type must have at least one variant")
		}
	case 0x6b:
		d.Kind = KindOption
		d.Elem = p.readValType(sc, s)
	case 0x6a:
		d.Kind = KindResult
		d.Ok = optVal()
		d.Err = optVal()
	case 0x69, 0x68:
		d.Kind = KindOwn
		if b == 0x68 {
			d.Kind = KindBorrow
		}
		idx := s.u32()
		if !s.ok() {
			return nil
		}
		if uint64(idx) >= uint64(len(sc.types)) {
			s.failAt(off, "unknown type %d: type index out of bounds", idx)
			return nil
		}
		rt, ok := sc.types[idx].(*ResourceType)
		if !ok {
			s.failAt(off, "type index %d is not a resource type", idx)
			return nil
		}
		d.Resource = rt
	case 0x66, 0x65:
		d.Kind = KindStream
		if b == 0x65 {
			d.Kind = KindFuture
		}
		d.Elem = optVal()
	default:
		if s.ok() {
			s.failAt(off, "invalid leading byte (0x%02x) for component defined type", b)
		}
		return nil
	}
	if !s.ok() {
		return nil
	}
	d.depth = 1 + maxChildDepth(d)
	if d.depth > maxTypeDepth {
		s.failAt(off, "type nesting is too deep (over %d levels)", maxTypeDepth)
		return nil
	}
	return d
}

func maxChildDepth(d *DefinedType) int {
	m := 0
	see := func(t ValType) {
		if t != nil {
			if x := typeDepth(t); x > m {
				m = x
			}
		}
	}
	for _, f := range d.Fields {
		see(f.Type)
	}
	for _, c := range d.Cases {
		see(c.Type)
	}
	for _, t := range d.Types {
		see(t)
	}
	see(d.Elem)
	see(d.Key)
	see(d.Ok)
	see(d.Err)
	return m
}

// readValType reads a value type: a primitive byte or an index (s33) of a defined value type.
func (p *parser) readValType(sc *scope, s *reader) ValType {
	if prim, ok := primitiveFromByte(s.peek()); ok && s.ok() {
		s.u8()
		return prim
	}
	off := s.off()
	idx := s.sleb(33)
	if !s.ok() {
		return nil
	}
	if idx < 0 || idx >= int64(len(sc.types)) {
		s.failAt(off, "unknown type %d: type index out of bounds", idx)
		return nil
	}
	vt, ok := sc.types[idx].(ValType)
	if !ok {
		s.failAt(off, "type index %d is not a defined type", idx)
		return nil
	}
	return vt
}

// readTypeDecls reads the declarations of a component type (isComp) or an instance type.
func (p *parser) readTypeDecls(stack []*scope, s *reader, isComp bool, off int) Type {
	if len(stack) >= p.opts.MaxDepth {
		s.failAt(off, "type declarations nested more than %d deep", p.opts.MaxDepth)
		return nil
	}
	nsc := &scope{kind: 'i'}
	if isComp {
		nsc.kind = 't'
	}
	st := append(append([]*scope(nil), stack...), nsc)
	n := s.count("type declaration", 1_000_000, 2)
	if !p.addItems(s, n) {
		return nil
	}
	for i := 0; i < n && s.ok(); i++ {
		dOff := s.off()
		switch b := s.u8(); b {
		case 0x00:
			nsc.coreTypes = append(nsc.coreTypes, p.readCoreType(st, s)...)
		case 0x01:
			t := p.readType(nil, st, s)
			if s.ok() {
				nsc.types = append(nsc.types, t)
			}
		case 0x02:
			p.readAlias(nil, st, s)
		case 0x03, 0x04:
			if b == 0x03 && !isComp {
				s.failAt(dOff, "invalid leading byte (0x03) for instance type declaration")
				return nil
			}
			name := readExternName(s, "name")
			srt, t, fresh := p.readExternDesc(st, s, name)
			if !s.ok() {
				return nil
			}
			if fresh && b == 0x04 {
				nsc.declared = append(nsc.declared, t.(*ResourceType))
			}
			list := &nsc.exports
			if b == 0x03 {
				list = &nsc.imports
			}
			for _, prev := range *list {
				if prev.Name == name {
					s.failAt(dOff, "name `%s` conflicts with previous name `%s`", name, prev.Name)
					return nil
				}
			}
			*list = append(*list, ExternDesc{Name: name, Sort: srt, Type: t})
			switch srt {
			case SortType:
				nsc.types = append(nsc.types, t.(Type))
			case SortInstance:
				nsc.declInstances = append(nsc.declInstances, t.(*InstanceType))
			case SortFunc:
				nsc.declFuncs++
			}
		default:
			s.failAt(dOff, "invalid leading byte (0x%02x) for component or instance type declaration", b)
			return nil
		}
	}
	if isComp {
		return &ComponentType{Imports: nsc.imports, Exports: nsc.exports}
	}
	return &InstanceType{Exports: nsc.exports, declared: nsc.declared}
}

// readExternDesc reads the sort and type of an import, an export ascription or a declaration.
// A "sub resource" type bound yields a fresh abstract resource named name.
func (p *parser) readExternDesc(stack []*scope, s *reader, name string) (Sort, any, bool) {
	sc := stack[len(stack)-1]
	off := s.off()
	b1 := s.u8()
	var b2 byte
	if b1 == 0x00 {
		b2 = s.u8()
	}
	srt, ok := sortFromBytes(b1, b2)
	if !s.ok() {
		return 0, nil, false
	}
	if !ok {
		s.failAt(off, "invalid leading byte (0x%02x) for component external kind", b1)
		return 0, nil, false
	}
	typeAt := func(idx uint32) Type {
		if uint64(idx) >= uint64(len(sc.types)) {
			s.failAt(off, "unknown type %d: type index out of bounds", idx)
			return nil
		}
		return sc.types[idx]
	}
	switch srt {
	case SortCoreModule:
		idx := s.u32()
		if !s.ok() {
			return 0, nil, false
		}
		if uint64(idx) >= uint64(len(sc.coreTypes)) {
			s.failAt(off, "unknown core type %d: type index out of bounds", idx)
			return 0, nil, false
		}
		mt, ok := sc.coreTypes[idx].(*CoreModuleType)
		if !ok {
			s.failAt(off, "core type index %d is not a module type", idx)
			return 0, nil, false
		}
		return srt, mt, false
	case SortFunc:
		t := typeAt(s.u32())
		if !s.ok() {
			return 0, nil, false
		}
		ft, ok := t.(*FuncType)
		if !ok {
			s.failAt(off, "type index is not a function type (for `%s`)", name)
			return 0, nil, false
		}
		return srt, ft, false
	case SortValue:
		p.readValType(sc, s)
		if s.ok() {
			s.failAt(off, "component-model values are not supported (`%s`)", name)
		}
		return 0, nil, false
	case SortType:
		switch bound := s.u8(); bound {
		case 0x00:
			t := typeAt(s.u32())
			if !s.ok() {
				return 0, nil, false
			}
			return srt, t, false
		case 0x01:
			return srt, &ResourceType{Name: name, abstract: true}, true
		default:
			if s.ok() {
				s.failAt(off, "invalid leading byte (0x%02x) for type bound", bound)
			}
			return 0, nil, false
		}
	case SortComponent:
		t := typeAt(s.u32())
		if !s.ok() {
			return 0, nil, false
		}
		ct, ok := t.(*ComponentType)
		if !ok {
			s.failAt(off, "type index is not a component type (for `%s`)", name)
			return 0, nil, false
		}
		return srt, ct, false
	case SortInstance:
		t := typeAt(s.u32())
		if !s.ok() {
			return 0, nil, false
		}
		it, ok := t.(*InstanceType)
		if !ok {
			s.failAt(off, "type index is not an instance type (for `%s`)", name)
			return 0, nil, false
		}
		return srt, it, false
	}
	return 0, nil, false
}

// subst copies t with the resources in m replaced. Parts that mention none of them are shared,
// not copied; memo keeps shared parts shared so the work is linear in the type's size.
func (p *parser) subst(s *reader, t any, m map[*ResourceType]*ResourceType, memo map[any]any) any {
	if len(m) == 0 || t == nil || !s.ok() {
		return t
	}
	switch t.(type) {
	case Primitive, *CoreModuleType:
		return t
	}
	if done, ok := memo[t]; ok {
		return done
	}
	if !p.spend(s, 1) {
		return t
	}
	var out any = t
	switch x := t.(type) {
	case *ResourceType:
		if r, ok := m[x]; ok {
			out = r
		}
	case *DefinedType:
		cp := *x
		changed := false
		sv := func(v ValType) ValType {
			if v == nil {
				return nil
			}
			n := p.subst(s, v, m, memo).(ValType)
			if n != v {
				changed = true
			}
			return n
		}
		if x.Fields != nil {
			cp.Fields = make([]Field, len(x.Fields))
			for i, f := range x.Fields {
				cp.Fields[i] = Field{Name: f.Name, Type: sv(f.Type)}
			}
		}
		if x.Cases != nil {
			cp.Cases = make([]Case, len(x.Cases))
			for i, c := range x.Cases {
				cp.Cases[i] = Case{Name: c.Name, Type: sv(c.Type)}
			}
		}
		if x.Types != nil {
			cp.Types = make([]ValType, len(x.Types))
			for i, e := range x.Types {
				cp.Types[i] = sv(e)
			}
		}
		cp.Elem, cp.Key, cp.Ok, cp.Err = sv(x.Elem), sv(x.Key), sv(x.Ok), sv(x.Err)
		if x.Resource != nil {
			if r, ok := m[x.Resource]; ok {
				cp.Resource = r
				changed = true
			}
		}
		if changed {
			out = &cp
		}
	case *FuncType:
		cp := &FuncType{Async: x.Async, Params: make([]Field, len(x.Params))}
		changed := false
		for i, f := range x.Params {
			nt := p.subst(s, f.Type, m, memo).(ValType)
			changed = changed || nt != f.Type
			cp.Params[i] = Field{Name: f.Name, Type: nt}
		}
		if x.Result != nil {
			cp.Result = p.subst(s, x.Result, m, memo).(ValType)
			changed = changed || cp.Result != x.Result
		}
		if changed {
			out = cp
		}
	case *InstanceType:
		cp := &InstanceType{Exports: p.substDescs(s, x.Exports, m, memo)}
		for _, r := range x.declared {
			if n, ok := p.subst(s, r, m, memo).(*ResourceType); ok {
				cp.declared = append(cp.declared, n)
			}
		}
		out = cp
	case *ComponentType:
		out = &ComponentType{Imports: p.substDescs(s, x.Imports, m, memo), Exports: p.substDescs(s, x.Exports, m, memo)}
	}
	memo[t] = out
	return out
}

func (p *parser) substDescs(s *reader, ds []ExternDesc, m map[*ResourceType]*ResourceType, memo map[any]any) []ExternDesc {
	out := make([]ExternDesc, len(ds))
	for i, d := range ds {
		out[i] = ExternDesc{Name: d.Name, Sort: d.Sort, Type: p.subst(s, d.Type, m, memo)}
	}
	return out
}
