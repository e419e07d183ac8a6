package component

import (
	"bytes"
	"fmt"
)

// ParseOptions bound what Parse accepts. The zero value means the defaults.
type ParseOptions struct {
	// MaxDepth bounds the nesting of components inside components and of type declarations
	// inside type declarations (default 64).
	MaxDepth int
	// MaxItems bounds the entries of all index spaces of all components together (default
	// 1,000,000), and so the memory the model takes beyond the input's own bytes.
	MaxItems int
	// MaxWork bounds the type-substitution and flattening work (default 10,000,000 steps), which a
	// component that instantiates nested components many times could otherwise blow up.
	MaxWork int
}

func (o ParseOptions) withDefaults() ParseOptions {
	if o.MaxDepth <= 0 {
		o.MaxDepth = 64
	}
	if o.MaxItems <= 0 {
		o.MaxItems = 1_000_000
	}
	if o.MaxWork <= 0 {
		o.MaxWork = 10_000_000
	}
	return o
}

const (
	maxModules    = 1000 // per component, as Wasmtime's parser
	maxComponents = 1000
	maxInstances  = 1000
	maxTypeDepth  = 100 // nesting of value types (list<list<…>>)
)

// Component is one parsed component definition (the outermost one, or a nested one). Its index
// spaces are kept in declaration order; Plan flattens the outermost component into an instance
// graph.
type Component struct {
	Offset  int // offset of the component's header in the input
	Imports []Import
	Exports []Export
	// Modules are the core modules this component defines itself (section 1), in order.
	Modules []*Module
	// Nested are the components this component defines itself (section 4), in order.
	Nested []*Component

	label string
	sc    *scope
	steps []step
	// definedResources are the resource types this component defines (type section 0x3f).
	definedResources []*ResourceType
	// allModules, on the outermost component, are all core modules of the binary by Index.
	allModules []*Module
	root       bool
}

// Import is one import of a component.
type Import struct {
	Name string
	Sort Sort
	// Type is *FuncType, *InstanceType, *ComponentType, *CoreModuleType, or for a type import the
	// bound type (a *ResourceType for "sub resource"). On the outermost component, resources an
	// imported instance declares are concrete: their ResourceType.Import is the import's name.
	Type   any
	Offset int
}

// Export is one export of a component.
type Export struct {
	Name  string
	Sort  Sort
	Index uint32 // into the component's index space of Sort
	// Type is the item's type (the ascribed one when the export gives one).
	Type   any
	Offset int
}

// scope is one level of index spaces: a component body, or an instance/component type
// declaration (outer aliases count through both, as in the binary format).
type scope struct {
	kind      byte // 'c' component, 'i' instance type, 't' component type
	types     []Type
	coreTypes []CoreType
	// component body only:
	modules       []*Module
	components    []*Component
	funcs         []funcEntry
	coreFuncs     []coreFuncEntry
	coreItems     [5][]coreItemEntry // indexed by CoreSort: tables, memories, globals, tags (funcs unused)
	coreInstances []coreInstanceEntry
	instances     []instanceEntry
	values        int
	// type declarations only:
	declInstances []*InstanceType
	declFuncs     int
	declared      []*ResourceType
	imports       []ExternDesc
	exports       []ExternDesc
}

type stepKind byte

const (
	stepFunc stepKind = iota
	stepCoreFunc
	stepCoreItem
	stepCoreInstance
	stepInstance
)

// step records that an index-space entry needs evaluating when the component is instantiated,
// in declaration order.
type step struct {
	kind stepKind
	sort CoreSort // stepCoreItem
	idx  int
}

// CanonOptions are the canonical ABI options of a canon lift or lower, as indices into the
// defining component's core index spaces (-1 when absent).
type CanonOptions struct {
	StringEncoding StringEncoding
	Memory         int64 // core memory index
	Realloc        int64 // core func index
	PostReturn     int64 // core func index
}

// StringEncoding is the canonical ABI string encoding option.
type StringEncoding uint8

const (
	UTF8 StringEncoding = iota
	UTF16
	Latin1UTF16
)

func (e StringEncoding) String() string {
	return [...]string{"utf8", "utf16", "latin1+utf16"}[e]
}

type funcEntry struct {
	kind byte // 'i' import, 'a' alias of instance export, 'l' canon lift, 's' same as funcs[same]
	ty   *FuncType
	imp  int
	inst uint32
	name string
	core uint32
	opts CanonOptions
	same int
}

type coreFuncEntry struct {
	kind     byte // 'a' alias core export, 'l' canon lower, 'n'/'d'/'r' resource.new/drop/rep
	ty       *CoreFuncType
	inst     uint32
	name     string
	fn       uint32 // lower: component func
	opts     CanonOptions
	resource *ResourceType
}

type coreItemEntry struct {
	inst uint32
	name string
	ty   CoreExternType
}

type coreInstanceEntry struct {
	module  int // index into scope.modules; -1 for an instance made of exports
	args    []coreArg
	items   []coreExportItem
	exports []CoreExport // what the instance exports, for aliases and arguments
}

type coreArg struct {
	name string
	inst uint32
}

type coreExportItem struct {
	name string
	sort CoreSort
	idx  uint32
}

type instanceEntry struct {
	kind byte // 'i' import, 'a' alias, 'n' instantiate, 'e' from exports, 's' same
	ty   *InstanceType
	imp  int
	inst uint32
	name string
	comp uint32
	args []compArg // instantiate args, or from-exports items
	// subst maps the nested component's imported and defined resources to the ones this
	// instantiation supplies or creates.
	subst map[*ResourceType]*ResourceType
	same  int
}

type compArg struct {
	name string
	sort Sort
	idx  uint32
}

// parser holds what is shared while reading one input.
type parser struct {
	opts    ParseOptions
	items   int
	work    int
	modules []*Module
	comps   int
}

func (p *parser) addItems(r *reader, n int) bool {
	p.items += n
	if p.items > p.opts.MaxItems {
		r.fail("the component has more than %d index-space entries", p.opts.MaxItems)
		return false
	}
	return true
}

func (p *parser) spend(r *reader, n int) bool {
	p.work += n
	if p.work > p.opts.MaxWork {
		r.fail("the component's types are too large or nested instantiations too many (over %d steps)", p.opts.MaxWork)
		return false
	}
	return true
}

// CoreModuleMessage is the exact text Wasmtime 44 gives when asked to compile a core module as a
// component (wasmtime's component translator; the gateway prefixes it with "failed to compile
// wasm component: <path>: ").
const CoreModuleMessage = "attempted to parse a wasm module with a component parser"

// ErrCoreModule is returned by Parse for a core module (version 01 00 00 00). Its text is
// CoreModuleMessage.
var ErrCoreModule = &Error{Section: "component header", Offset: 4, Msg: CoreModuleMessage}

// IsCoreModule reports whether b starts like a core wasm module (magic plus version 1, layer 0).
func IsCoreModule(b []byte) bool {
	return len(b) >= 8 && bytes.Equal(b[:8], []byte{0, 'a', 's', 'm', 1, 0, 0, 0})
}

// Parse reads a component binary (pre-standard version 0x0d, layer 1) into its definitions. It
// validates what the instance graph depends on (indices, kinds, names, argument coverage) but
// not core code, which the runtime's compiler validates. A core module gives ErrCoreModule.
func Parse(b []byte, opts ParseOptions) (*Component, error) {
	p := &parser{opts: opts.withDefaults()}
	c, err := p.component(b, 0, nil, "component")
	if err != nil {
		return nil, err
	}
	c.allModules = p.modules
	c.root = true
	return c, nil
}

func (p *parser) component(b []byte, base int, outer []*scope, label string) (*Component, error) {
	r := newReader(b, base, label+" header")
	if len(b) < 4 || string(b[:4]) != "\x00asm" {
		r.fail("magic header not detected: bad magic number")
		return nil, r.Err()
	}
	if len(b) < 8 {
		r.failAt(base+4, "unexpected end-of-file reading the version")
		return nil, r.Err()
	}
	if IsCoreModule(b) {
		if len(outer) == 0 {
			return nil, ErrCoreModule
		}
		r.failAt(base+4, "a nested component section holds a core module")
		return nil, r.Err()
	}
	if !bytes.Equal(b[4:8], []byte{0x0d, 0, 1, 0}) {
		v := uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24
		r.failAt(base+4, "unknown binary version: 0x%08x (a component is 0d 00 01 00)", v)
		return nil, r.Err()
	}
	if len(outer) >= p.opts.MaxDepth {
		r.fail("components nested more than %d deep", p.opts.MaxDepth)
		return nil, r.Err()
	}
	p.comps++
	c := &Component{Offset: base, label: label, sc: &scope{kind: 'c'}}
	stack := append(append([]*scope(nil), outer...), c.sc)
	r.pos = 8
	for !r.eof() && r.ok() {
		idOff := r.off()
		id := r.u8()
		size := r.u32()
		name := sectionName(id)
		s := r.sub(int(size), label+" "+name)
		if !r.ok() {
			break
		}
		switch id {
		case 0: // custom: names, producers, component-type; nothing the runtime needs
			s.name("custom section name")
			continue
		case 1:
			p.coreModuleSection(c, s)
		case 2:
			p.coreInstanceSection(c, s)
		case 3:
			p.coreTypeSection(stack, s)
		case 4:
			p.componentSection(c, stack, s)
		case 5:
			p.instanceSection(c, s)
		case 6:
			p.aliasSection(c, stack, s)
		case 7:
			p.typeSection(c, stack, s)
		case 8:
			p.canonSection(c, s)
		case 9:
			s.failAt(idOff, "component start functions are not supported (they need component-model values)")
		case 10:
			p.importSection(c, stack, s)
		case 11:
			p.exportSection(c, stack, s)
		default:
			s.failAt(idOff, "unknown section id %d", id)
		}
		if s.ok() {
			s.done()
		}
		if !s.ok() {
			return nil, s.Err()
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func sectionName(id byte) string {
	switch id {
	case 0:
		return "custom section"
	case 1:
		return "core module section"
	case 2:
		return "core instance section"
	case 3:
		return "core type section"
	case 4:
		return "component section"
	case 5:
		return "instance section"
	case 6:
		return "alias section"
	case 7:
		return "type section"
	case 8:
		return "canon section"
	case 9:
		return "start section"
	case 10:
		return "import section"
	case 11:
		return "export section"
	}
	return fmt.Sprintf("section %d", id)
}

func (c *Component) addStep(k stepKind, sort CoreSort, idx int) {
	c.steps = append(c.steps, step{kind: k, sort: sort, idx: idx})
}

// ---- section 1: core modules ----

func (p *parser) coreModuleSection(c *Component, s *reader) {
	if len(c.sc.modules) >= maxModules {
		s.fail("more than %d core modules", maxModules)
		return
	}
	if !p.addItems(s, 1) {
		return
	}
	label := fmt.Sprintf("%s core module %d", c.label, len(c.sc.modules))
	m, err := readCoreModule(s.b, s.base, label)
	if err != nil {
		s.err = err.(*Error)
		return
	}
	s.pos = len(s.b)
	m.Index = len(p.modules)
	p.modules = append(p.modules, m)
	c.sc.modules = append(c.sc.modules, m)
	c.Modules = append(c.Modules, m)
}

// ---- section 3: core types ----

func (p *parser) coreTypeSection(stack []*scope, s *reader) {
	sc := stack[len(stack)-1]
	n := s.count("core type", maxCoreTypes, 1)
	if !p.addItems(s, n) {
		return
	}
	for i := 0; i < n && s.ok(); i++ {
		for _, t := range p.readCoreType(stack, s) {
			sc.coreTypes = append(sc.coreTypes, t)
		}
	}
}

func (p *parser) readCoreType(stack []*scope, s *reader) []CoreType {
	switch s.peek() {
	case 0x50:
		s.u8()
		return []CoreType{p.readModuleType(stack, s)}
	case 0x00: // a non-final GC sub type, escaped from the module-type opcode
		s.u8()
		if s.peek() != 0x50 && s.ok() {
			s.fail("invalid leading byte (0x%02x) for non-final sub type", s.peek())
			return nil
		}
	}
	var out []CoreType
	for _, f := range readCoreTypeEntry(s) {
		if f == nil {
			out = append(out, &CoreFuncType{}) // a GC struct/array type: kept only to count
			continue
		}
		out = append(out, f)
	}
	return out
}

func (p *parser) readModuleType(stack []*scope, s *reader) *CoreModuleType {
	mt := &CoreModuleType{}
	var local []*CoreFuncType
	n := s.count("module type declaration", 100_000, 2)
	for i := 0; i < n && s.ok(); i++ {
		off := s.off()
		switch b := s.u8(); b {
		case 0x00:
			imp := CoreImport{Module: s.name("import module name"), Name: s.name("import name")}
			imp.Type = readCoreTypeRef(s, local)
			mt.Imports = append(mt.Imports, imp)
		case 0x01:
			local = append(local, readCoreTypeEntry(s)...)
		case 0x02:
			if k := s.u8(); k != 0x10 && s.ok() {
				s.failAt(off, "invalid leading byte (0x%02x) for outer alias kind", k)
				return mt
			}
			if t := s.u8(); t != 0x01 && s.ok() {
				s.failAt(off, "invalid leading byte (0x%02x) for outer alias target", t)
				return mt
			}
			count, idx := s.u32(), s.u32()
			if !s.ok() {
				return mt
			}
			if count == 0 {
				if uint64(idx) >= uint64(len(local)) {
					s.failAt(off, "type index %d out of bounds", idx)
					return mt
				}
				local = append(local, local[idx])
				continue
			}
			if uint64(count-1) >= uint64(len(stack)) {
				s.failAt(off, "invalid outer alias count of %d", count-1)
				return mt
			}
			sc := stack[len(stack)-int(count)]
			if uint64(idx) >= uint64(len(sc.coreTypes)) {
				s.failAt(off, "unknown core type %d: type index out of bounds", idx)
				return mt
			}
			f, ok := sc.coreTypes[idx].(*CoreFuncType)
			if !ok {
				s.failAt(off, "not implemented: aliasing core module types into a core module's types index space")
				return mt
			}
			local = append(local, f)
		case 0x03:
			e := CoreExport{Name: s.name("export name")}
			e.Type = readCoreTypeRef(s, local)
			mt.Exports = append(mt.Exports, e)
		default:
			s.failAt(off, "invalid leading byte (0x%02x) for type definition", b)
		}
	}
	return mt
}

// ---- section 4: nested components ----

func (p *parser) componentSection(c *Component, stack []*scope, s *reader) {
	if len(c.sc.components) >= maxComponents {
		s.fail("more than %d nested components", maxComponents)
		return
	}
	if !p.addItems(s, 1) {
		return
	}
	label := fmt.Sprintf("%s > nested component %d", c.label, len(c.sc.components))
	nc, err := p.component(s.b, s.base, stack, label)
	if err != nil {
		s.err = err.(*Error)
		return
	}
	s.pos = len(s.b)
	c.sc.components = append(c.sc.components, nc)
	c.Nested = append(c.Nested, nc)
}

// ---- section 7: types ----

func (p *parser) typeSection(c *Component, stack []*scope, s *reader) {
	sc := stack[len(stack)-1]
	n := s.count("type", 1_000_000, 1)
	if !p.addItems(s, n) {
		return
	}
	for i := 0; i < n && s.ok(); i++ {
		t := p.readType(c, stack, s)
		if !s.ok() {
			return
		}
		sc.types = append(sc.types, t)
	}
}
