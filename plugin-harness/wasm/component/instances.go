package component

import "strings"

// Core instance (section 2) and component instance (section 5) definitions.

// ---- section 2: core instances ----

func (p *parser) coreInstanceSection(c *Component, s *reader) {
	sc := c.sc
	n := s.count("core instance", maxInstances, 2)
	if !p.addItems(s, n) {
		return
	}
	for i := 0; i < n && s.ok(); i++ {
		off := s.off()
		if len(sc.coreInstances) >= maxInstances {
			s.fail("more than %d core instances", maxInstances)
			return
		}
		var e coreInstanceEntry
		switch b := s.u8(); b {
		case 0x00:
			mi := s.u32()
			na := s.count("core instantiation argument", 100_000, 3)
			for j := 0; j < na && s.ok(); j++ {
				a := coreArg{name: s.name("instantiation argument name")}
				kOff := s.off()
				if k := s.u8(); k != 0x12 && s.ok() {
					s.failAt(kOff, "invalid leading byte (0x%02x) for instantiation arg kind", k)
				}
				a.inst = s.u32()
				if s.ok() && uint64(a.inst) >= uint64(len(sc.coreInstances)) {
					s.failAt(kOff, "unknown core instance %d: instance index out of bounds", a.inst)
				}
				for _, prev := range e.args {
					if prev.name == a.name && s.ok() {
						s.failAt(kOff, "duplicate module instantiation argument named `%s`", a.name)
					}
				}
				e.args = append(e.args, a)
			}
			if !s.ok() {
				return
			}
			if uint64(mi) >= uint64(len(sc.modules)) {
				s.failAt(off, "unknown module %d: module index out of bounds", mi)
				return
			}
			e.module = int(mi)
			m := sc.modules[mi]
			checkModuleArgs(s, off, m, e.args, sc)
			e.exports = m.Exports
		case 0x01:
			e.module = -1
			ne := s.count("core instance export", 100_000, 3)
			for j := 0; j < ne && s.ok(); j++ {
				it := coreExportItem{name: s.name("export name")}
				kOff := s.off()
				k, ok := coreSortFromByte(s.u8())
				if !s.ok() {
					return
				}
				if !ok || k > CoreTag {
					s.failAt(kOff, "invalid core export kind in an instance made of exports")
					return
				}
				it.sort = k
				it.idx = s.u32()
				t, ok := coreItemType(sc, k, it.idx)
				if !ok && s.ok() {
					s.failAt(kOff, "unknown core %s %d: index out of bounds", k, it.idx)
					return
				}
				for _, prev := range e.items {
					if prev.name == it.name && s.ok() {
						s.failAt(kOff, "export name `%s` already defined", it.name)
					}
				}
				e.items = append(e.items, it)
				e.exports = append(e.exports, CoreExport{Name: it.name, Type: t})
			}
		default:
			s.failAt(off, "invalid leading byte (0x%02x) for core instance", b)
			return
		}
		sc.coreInstances = append(sc.coreInstances, e)
		c.addStep(stepCoreInstance, 0, len(sc.coreInstances)-1)
	}
}

// checkModuleArgs checks that every import of m is supplied by an argument instance export of
// the right kind (and signature, where both are known), as Wasmtime's validator does.
func checkModuleArgs(s *reader, off int, m *Module, args []coreArg, sc *scope) {
	for _, imp := range m.Imports {
		var arg *coreArg
		for i := range args {
			if args[i].name == imp.Module {
				arg = &args[i]
				break
			}
		}
		if arg == nil {
			s.failAt(off, "module instantiation argument `%s` is missing (core module %d imports `%s::%s`)", imp.Module, m.Index, imp.Module, imp.Name)
			return
		}
		inst := sc.coreInstances[arg.inst]
		var got *CoreExport
		for i := range inst.exports {
			if inst.exports[i].Name == imp.Name {
				got = &inst.exports[i]
				break
			}
		}
		if got == nil {
			s.failAt(off, "module instantiation argument `%s` does not export an item named `%s`", imp.Module, imp.Name)
			return
		}
		if got.Type.Sort != imp.Type.Sort {
			s.failAt(off, "type mismatch for export `%s` of module instantiation argument `%s`: expected %s, found %s", imp.Name, imp.Module, imp.Type.Sort, got.Type.Sort)
			return
		}
		if imp.Type.Sort == CoreFunc && imp.Type.Func != nil && got.Type.Func != nil && !imp.Type.Func.Equal(got.Type.Func) {
			s.failAt(off, "type mismatch for export `%s` of module instantiation argument `%s`: expected %s, found %s", imp.Name, imp.Module, imp.Type.Func, got.Type.Func)
			return
		}
	}
}

func coreItemType(sc *scope, k CoreSort, idx uint32) (CoreExternType, bool) {
	if k == CoreFunc {
		if uint64(idx) >= uint64(len(sc.coreFuncs)) {
			return CoreExternType{}, false
		}
		return CoreExternType{Sort: CoreFunc, Func: sc.coreFuncs[idx].ty}, true
	}
	if k > CoreTag || uint64(idx) >= uint64(len(sc.coreItems[k])) {
		return CoreExternType{}, false
	}
	return sc.coreItems[k][idx].ty, true
}

// ---- section 5: component instances ----

func (p *parser) instanceSection(c *Component, s *reader) {
	sc := c.sc
	n := s.count("instance", maxInstances, 2)
	if !p.addItems(s, n) {
		return
	}
	for i := 0; i < n && s.ok(); i++ {
		off := s.off()
		if len(sc.instances) >= maxInstances {
			s.fail("more than %d instances", maxInstances)
			return
		}
		e := instanceEntry{same: -1}
		switch b := s.u8(); b {
		case 0x00:
			e.kind = 'n'
			e.comp = s.u32()
			na := s.count("instantiation argument", 100_000, 3)
			for j := 0; j < na && s.ok(); j++ {
				a := compArg{name: s.name("instantiation argument name")}
				a.sort, a.idx = readSortIdx(s)
				e.args = append(e.args, a)
			}
			if !s.ok() {
				return
			}
			if uint64(e.comp) >= uint64(len(sc.components)) {
				s.failAt(off, "unknown component %d: component index out of bounds", e.comp)
				return
			}
			p.typeInstantiation(s, off, sc, &e)
		case 0x01:
			e.kind = 'e'
			e.ty = &InstanceType{}
			ne := s.count("instance export", 100_000, 3)
			for j := 0; j < ne && s.ok(); j++ {
				nameOff := s.off()
				a := compArg{name: readExternName(s, "export name")}
				a.sort, a.idx = readSortIdx(s)
				if !s.ok() {
					return
				}
				t, ok := itemType(sc, a.sort, a.idx)
				if !ok {
					s.failAt(nameOff, "unknown %s %d: index out of bounds", a.sort, a.idx)
					return
				}
				if e.ty.Export(a.name) != nil {
					s.failAt(nameOff, "export name `%s` already defined", a.name)
					return
				}
				e.args = append(e.args, a)
				e.ty.Exports = append(e.ty.Exports, ExternDesc{Name: a.name, Sort: a.sort, Type: t})
			}
		default:
			s.failAt(off, "invalid leading byte (0x%02x) for instance", b)
			return
		}
		if !s.ok() {
			return
		}
		sc.instances = append(sc.instances, e)
		c.addStep(stepInstance, 0, len(sc.instances)-1)
	}
}

// typeInstantiation works out the type of instantiating component e.comp with e.args: it checks
// every import is supplied with an item of the same sort, maps the nested component's imported
// and defined resources to this instantiation's, and gives the exports with those substituted.
func (p *parser) typeInstantiation(s *reader, off int, sc *scope, e *instanceEntry) {
	nc := sc.components[e.comp]
	e.subst = map[*ResourceType]*ResourceType{}
	for _, imp := range nc.Imports {
		var arg *compArg
		for i := range e.args {
			if e.args[i].name == imp.Name {
				arg = &e.args[i]
				break
			}
		}
		if arg == nil {
			s.failAt(off, "missing import named `%s`", imp.Name)
			return
		}
		if arg.sort != imp.Sort {
			s.failAt(off, "expected %s for argument `%s`, found %s", imp.Sort, imp.Name, arg.sort)
			return
		}
		t, ok := itemType(sc, arg.sort, arg.idx)
		if !ok {
			s.failAt(off, "unknown %s %d for argument `%s`: index out of bounds", arg.sort, arg.idx, imp.Name)
			return
		}
		bindResources(imp.Type, t, e.subst)
	}
	for _, r := range nc.definedResources {
		cp := *r
		e.subst[r] = &cp
	}
	e.ty = &InstanceType{}
	memo := map[any]any{}
	for _, ex := range nc.Exports {
		e.ty.Exports = append(e.ty.Exports, ExternDesc{Name: ex.Name, Sort: ex.Sort, Type: p.subst(s, ex.Type, e.subst, memo)})
	}
}

// bindResources records, for an import of declared type want supplied with an item of type got,
// which abstract resources of want stand for which resources of got.
func bindResources(want, got any, m map[*ResourceType]*ResourceType) {
	switch w := want.(type) {
	case *ResourceType:
		if g, ok := got.(*ResourceType); ok && w.abstract {
			m[w] = g
		}
	case *InstanceType:
		g, ok := got.(*InstanceType)
		if !ok {
			return
		}
		for _, we := range w.Exports {
			if ge := g.Export(we.Name); ge != nil && (we.Sort == SortType || we.Sort == SortInstance) {
				bindResources(we.Type, ge.Type, m)
			}
		}
	}
}

func readSortIdx(s *reader) (Sort, uint32) {
	off := s.off()
	b := s.u8()
	var srt Sort
	switch b {
	case 0x00:
		if k := s.u8(); k != 0x11 && s.ok() {
			s.failAt(off+1, "invalid leading byte (0x%02x) for component external kind", k)
		}
		srt = SortCoreModule
	case 0x01, 0x02, 0x03, 0x04, 0x05:
		srt = Sort(b)
	default:
		if s.ok() {
			s.failAt(off, "invalid leading byte (0x%02x) for component external kind", b)
		}
	}
	return srt, s.u32()
}

// checkExternName refuses an interface name whose version is not semver, as Wasmtime's
// validator does ("import name `a:b/c@0.2` is not a valid extern name"). Other name rules
// (kebab case) are not checked here.
func checkExternName(s *reader, off int, what, name string) {
	if !strings.Contains(name, ":") {
		return
	}
	at := strings.LastIndexByte(name, '@')
	if at < 0 {
		return
	}
	if _, ok := parseSemver(name[at+1:]); !ok {
		s.failAt(off, "%s name `%s` is not a valid extern name: `%s` is not a valid semver", what, name, name[at+1:])
	}
}

// readExternName reads an import or export name (a 0x00 or legacy 0x01 byte, then a string).
func readExternName(s *reader, what string) string {
	off := s.off()
	if b := s.u8(); b != 0x00 && b != 0x01 && s.ok() {
		s.failAt(off, "invalid leading byte (0x%02x) for %s", b, what)
		return ""
	}
	return s.name(what)
}

// itemType is the type of entry idx of the index space of sort in a component scope.
func itemType(sc *scope, srt Sort, idx uint32) (any, bool) {
	i := uint64(idx)
	switch srt {
	case SortFunc:
		if i < uint64(len(sc.funcs)) {
			return sc.funcs[i].ty, true
		}
	case SortInstance:
		if i < uint64(len(sc.instances)) {
			return sc.instances[i].ty, true
		}
	case SortType:
		if i < uint64(len(sc.types)) {
			return sc.types[i], true
		}
	case SortComponent:
		if i < uint64(len(sc.components)) {
			return sc.components[i].Type(), true
		}
	case SortCoreModule:
		if i < uint64(len(sc.modules)) {
			m := sc.modules[i]
			return &CoreModuleType{Imports: m.Imports, Exports: m.Exports}, true
		}
	}
	return nil, false
}

// Type gives the component's imports and exports as a component type.
func (c *Component) Type() *ComponentType {
	t := &ComponentType{}
	for _, i := range c.Imports {
		t.Imports = append(t.Imports, ExternDesc{Name: i.Name, Sort: i.Sort, Type: i.Type})
	}
	for _, e := range c.Exports {
		t.Exports = append(t.Exports, ExternDesc{Name: e.Name, Sort: e.Sort, Type: e.Type})
	}
	return t
}
