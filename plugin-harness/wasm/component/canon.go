package component

// ---- section 8: canon ----

func (p *parser) canonSection(c *Component, s *reader) {
	sc := c.sc
	n := s.count("canonical function", 1_000_000, 2)
	if !p.addItems(s, n) {
		return
	}
	for i := 0; i < n && s.ok(); i++ {
		off := s.off()
		switch b := s.u8(); b {
		case 0x00: // lift
			if k := s.u8(); k != 0x00 && s.ok() {
				s.failAt(off, "invalid leading byte (0x%02x) for canonical function lift", k)
				return
			}
			core := s.u32()
			opts := readCanonOpts(s, sc)
			ti := s.u32()
			if !s.ok() {
				return
			}
			if uint64(core) >= uint64(len(sc.coreFuncs)) {
				s.failAt(off, "unknown core func %d: func index out of bounds", core)
				return
			}
			if uint64(ti) >= uint64(len(sc.types)) {
				s.failAt(off, "unknown type %d: type index out of bounds", ti)
				return
			}
			ft, ok := sc.types[ti].(*FuncType)
			if !ok {
				s.failAt(off, "type index %d is not a function type", ti)
				return
			}
			if ft.Async {
				s.failAt(off, "async function types are not supported")
				return
			}
			sc.funcs = append(sc.funcs, funcEntry{kind: 'l', ty: ft, core: core, opts: opts, same: -1})
			c.addStep(stepFunc, 0, len(sc.funcs)-1)
		case 0x01: // lower
			if k := s.u8(); k != 0x00 && s.ok() {
				s.failAt(off, "invalid leading byte (0x%02x) for canonical function lower", k)
				return
			}
			fn := s.u32()
			opts := readCanonOpts(s, sc)
			if !s.ok() {
				return
			}
			if uint64(fn) >= uint64(len(sc.funcs)) {
				s.failAt(off, "unknown function %d: function index out of bounds", fn)
				return
			}
			sc.coreFuncs = append(sc.coreFuncs, coreFuncEntry{kind: 'l', fn: fn, opts: opts})
			c.addStep(stepCoreFunc, 0, len(sc.coreFuncs)-1)
		case 0x02, 0x03, 0x04: // resource.new, resource.drop, resource.rep
			ti := s.u32()
			if !s.ok() {
				return
			}
			if uint64(ti) >= uint64(len(sc.types)) {
				s.failAt(off, "unknown type %d: type index out of bounds", ti)
				return
			}
			rt, ok := sc.types[ti].(*ResourceType)
			if !ok {
				s.failAt(off, "type index %d is not a resource type", ti)
				return
			}
			kind := map[byte]byte{0x02: 'n', 0x03: 'd', 0x04: 'r'}[b]
			if kind != 'd' && !rt.Defined {
				s.failAt(off, "resource.%s needs a resource defined by this component", map[byte]string{'n': "new", 'r': "rep"}[kind])
				return
			}
			sc.coreFuncs = append(sc.coreFuncs, coreFuncEntry{kind: kind, resource: rt})
			c.addStep(stepCoreFunc, 0, len(sc.coreFuncs)-1)
		default:
			s.failAt(off, "canonical built-in 0x%02x is not supported (component-model async, threads or GC)", b)
			return
		}
	}
}

func readCanonOpts(s *reader, sc *scope) CanonOptions {
	o := CanonOptions{Memory: -1, Realloc: -1, PostReturn: -1}
	n := s.count("canonical option", 10, 1)
	seenEnc := false
	for i := 0; i < n && s.ok(); i++ {
		off := s.off()
		switch b := s.u8(); b {
		case 0x00, 0x01, 0x02:
			if seenEnc {
				s.failAt(off, "canonical encoding option conflicts with an earlier one")
				return o
			}
			seenEnc = true
			o.StringEncoding = StringEncoding(b)
		case 0x03:
			idx := s.u32()
			if o.Memory >= 0 {
				s.failAt(off, "`memory` is specified more than once")
				return o
			}
			if s.ok() && uint64(idx) >= uint64(len(sc.coreItems[CoreMemory])) {
				s.failAt(off, "unknown memory %d: memory index out of bounds", idx)
				return o
			}
			o.Memory = int64(idx)
		case 0x04, 0x05:
			idx := s.u32()
			what := map[byte]string{4: "realloc", 5: "post-return"}[b]
			if (b == 4 && o.Realloc >= 0) || (b == 5 && o.PostReturn >= 0) {
				s.failAt(off, "canonical option `%s` is specified more than once", what)
				return o
			}
			if s.ok() && uint64(idx) >= uint64(len(sc.coreFuncs)) {
				s.failAt(off, "unknown core func %d for canonical option `%s`: func index out of bounds", idx, what)
				return o
			}
			if b == 4 {
				o.Realloc = int64(idx)
			} else {
				o.PostReturn = int64(idx)
			}
		default:
			if s.ok() {
				s.failAt(off, "canonical option 0x%02x is not supported (async, callback, core-type or gc)", b)
			}
			return o
		}
	}
	return o
}
