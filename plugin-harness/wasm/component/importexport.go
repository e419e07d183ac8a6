package component

// ---- section 10: imports ----

func (p *parser) importSection(c *Component, stack []*scope, s *reader) {
	n := s.count("import", 1_000_000, 3)
	if !p.addItems(s, n) {
		return
	}
	root := len(stack) == 1
	for i := 0; i < n && s.ok(); i++ {
		off := s.off()
		name := readExternName(s, "import name")
		if s.ok() {
			checkExternName(s, off, "import", name)
		}
		srt, t, _ := p.readExternDesc(stack, s, name)
		if !s.ok() {
			return
		}
		for _, prev := range c.Imports {
			if prev.Name == name {
				s.failAt(off, "import name `%s` conflicts with previous name `%s`", name, prev.Name)
				return
			}
		}
		// Importing an instance gives it fresh resources: concrete ones named after the import at
		// the root, abstract ones (bound when instantiated) in a nested component.
		if it, ok := t.(*InstanceType); ok {
			m := map[*ResourceType]*ResourceType{}
			freshResources(it, name, root, m)
			if len(m) > 0 {
				t = p.subst(s, it, m, map[any]any{})
			}
		}
		if rt, ok := t.(*ResourceType); ok && rt.abstract && root {
			cp := *rt
			cp.abstract = false
			cp.Import = name
			cp.Name = name
			t = &cp
		}
		imp := Import{Name: name, Sort: srt, Type: t, Offset: off}
		c.Imports = append(c.Imports, imp)
		p.addToSpace(c, s, off, srt, t, len(c.Imports)-1)
	}
}

// freshResources maps each resource an instance type declares ("sub resource" exports, also in
// nested instance exports) to a new one: concrete and named after the import at the root,
// abstract (bound when the component is instantiated) in a nested component.
func freshResources(it *InstanceType, importName string, concrete bool, m map[*ResourceType]*ResourceType) {
	for _, r := range it.declared {
		if _, done := m[r]; done {
			continue
		}
		cp := &ResourceType{Name: r.Name, abstract: !concrete}
		if concrete {
			cp.Import = importName
		}
		m[r] = cp
	}
	for _, e := range it.Exports {
		if t, ok := e.Type.(*InstanceType); ok && e.Sort == SortInstance {
			freshResources(t, importName, concrete, m)
		}
	}
}

// addToSpace appends an imported item to the index space of its sort.
func (p *parser) addToSpace(c *Component, s *reader, off int, srt Sort, t any, imp int) {
	sc := c.sc
	switch srt {
	case SortFunc:
		sc.funcs = append(sc.funcs, funcEntry{kind: 'i', ty: t.(*FuncType), imp: imp, same: -1})
		c.addStep(stepFunc, 0, len(sc.funcs)-1)
	case SortInstance:
		sc.instances = append(sc.instances, instanceEntry{kind: 'i', ty: t.(*InstanceType), imp: imp, same: -1})
		c.addStep(stepInstance, 0, len(sc.instances)-1)
	case SortType:
		sc.types = append(sc.types, t.(Type))
	case SortValue:
		s.failAt(off, "importing values is not supported (component-model values)")
	case SortCoreModule:
		s.failAt(off, "importing core modules is not supported (Wasmtime refuses module imports of a root component)")
	case SortComponent:
		s.failAt(off, "importing components is not supported (Wasmtime refuses component imports of a root component)")
	}
}

// ---- section 11: exports ----

func (p *parser) exportSection(c *Component, stack []*scope, s *reader) {
	sc := c.sc
	n := s.count("export", 1_000_000, 3)
	if !p.addItems(s, n) {
		return
	}
	for i := 0; i < n && s.ok(); i++ {
		off := s.off()
		name := readExternName(s, "export name")
		if s.ok() {
			checkExternName(s, off, "export", name)
		}
		srt, idx := readSortIdx(s)
		hasTy := s.u8()
		var ascribed any
		switch hasTy {
		case 0x00:
		case 0x01:
			var asrt Sort
			asrt, ascribed, _ = p.readExternDesc(stack, s, name)
			if s.ok() && asrt != srt {
				s.failAt(off, "export `%s` is a %s but its type ascription is a %s", name, srt, asrt)
				return
			}
		default:
			if s.ok() {
				s.failAt(off, "invalid leading byte (0x%02x) for optional component export type", hasTy)
			}
		}
		if !s.ok() {
			return
		}
		t, ok := itemType(sc, srt, idx)
		if !ok {
			s.failAt(off, "unknown %s %d for export `%s`: index out of bounds", srt, idx, name)
			return
		}
		for _, prev := range c.Exports {
			if prev.Name == name {
				s.failAt(off, "export name `%s` conflicts with previous name `%s`", name, prev.Name)
				return
			}
		}
		if ascribed != nil {
			// A "sub resource" ascription on a type export names the exported resource as a new
			// abstract type to the outside; the item keeps its identity here.
			if _, isRes := ascribed.(*ResourceType); !isRes {
				t = ascribed
			}
		}
		if rt, ok := t.(*ResourceType); ok && rt.Name == "" {
			rt.Name = name
		}
		c.Exports = append(c.Exports, Export{Name: name, Sort: srt, Index: idx, Type: t, Offset: off})
		if !p.addItems(s, 1) {
			return
		}
		// An export adds a new entry (the same item) to its index space.
		switch srt {
		case SortFunc:
			e := sc.funcs[idx]
			sc.funcs = append(sc.funcs, funcEntry{kind: 's', ty: e.ty, same: int(idx)})
			if ft, ok := t.(*FuncType); ok {
				sc.funcs[len(sc.funcs)-1].ty = ft
			}
			c.addStep(stepFunc, 0, len(sc.funcs)-1)
		case SortInstance:
			e := sc.instances[idx]
			ne := instanceEntry{kind: 's', ty: e.ty, same: int(idx)}
			if it, ok := t.(*InstanceType); ok {
				ne.ty = it
			}
			sc.instances = append(sc.instances, ne)
			c.addStep(stepInstance, 0, len(sc.instances)-1)
		case SortType:
			sc.types = append(sc.types, t.(Type))
		case SortComponent:
			sc.components = append(sc.components, sc.components[idx])
		case SortCoreModule:
			sc.modules = append(sc.modules, sc.modules[idx])
		case SortValue:
			s.failAt(off, "exporting values is not supported (component-model values)")
		}
	}
}
