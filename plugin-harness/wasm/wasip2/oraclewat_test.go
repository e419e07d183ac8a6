package wasip2

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero/api"
)

// The component TestAgainstWasmtime runs under Wasmtime, generated from this package's own
// registry: every linked function imported with its WIT type and lowered into a core module.

// ifaceOrder lists the linked interfaces so that each one's resources are imported before an
// interface that uses them.
var ifaceOrder = []string{
	"wasi:io/error", "wasi:io/poll", "wasi:io/streams",
	"wasi:cli/environment", "wasi:cli/exit", "wasi:cli/stdin", "wasi:cli/stdout", "wasi:cli/stderr",
	"wasi:cli/terminal-input", "wasi:cli/terminal-output", "wasi:cli/terminal-stdin",
	"wasi:cli/terminal-stdout", "wasi:cli/terminal-stderr",
	"wasi:clocks/wall-clock", "wasi:clocks/monotonic-clock",
	"wasi:filesystem/types", "wasi:filesystem/preopens",
	"wasi:random/random", "wasi:random/insecure", "wasi:random/insecure-seed",
	"wasi:sockets/network", "wasi:sockets/instance-network", "wasi:sockets/tcp",
	"wasi:sockets/tcp-create-socket", "wasi:sockets/udp", "wasi:sockets/udp-create-socket",
	"wasi:sockets/ip-name-lookup",
}

func watID(s string) string {
	r := strings.NewReplacer(":", "_", "/", "_", "-", "_", "@", "_", ".", "_", "[", "", "]", "_", " ", "_", "#", "_")
	return "$" + r.Replace(s)
}

// instEmitter writes one instance type's declarations.
type instEmitter struct {
	b     *strings.Builder
	named map[*Type]string
	res   map[*ResourceType]string
	n     int
}

func (e *instEmitter) fresh() string { e.n++; return fmt.Sprintf("$t%d", e.n) }

func (e *instEmitter) ref(t *Type) string {
	switch t.Kind {
	case KindBool, KindU8, KindU16, KindU32, KindU64, KindString:
		return t.String()
	case KindList:
		return "(list " + e.ref(t.Elem) + ")"
	case KindOption:
		return "(option " + e.ref(t.Elem) + ")"
	case KindResult:
		s := "(result"
		if t.Ok != nil {
			s += " " + e.ref(t.Ok)
		}
		if t.Err != nil {
			s += " (error " + e.ref(t.Err) + ")"
		}
		return s + ")"
	case KindTuple:
		parts := []string{}
		for _, f := range t.Fields {
			parts = append(parts, e.ref(f.Type))
		}
		return "(tuple " + strings.Join(parts, " ") + ")"
	case KindOwn:
		return "(own " + e.res[t.Resource] + ")"
	case KindBorrow:
		return "(borrow " + e.res[t.Resource] + ")"
	}
	if id, ok := e.named[t]; ok {
		return id
	}
	var def string
	switch t.Kind {
	case KindRecord:
		parts := []string{}
		for _, f := range t.Fields {
			parts = append(parts, fmt.Sprintf("(field %q %s)", f.Name, e.ref(f.Type)))
		}
		def = "(record " + strings.Join(parts, " ") + ")"
	case KindVariant:
		parts := []string{}
		for _, c := range t.Cases {
			if c.Type == nil {
				parts = append(parts, fmt.Sprintf("(case %q)", c.Name))
			} else {
				parts = append(parts, fmt.Sprintf("(case %q %s)", c.Name, e.ref(c.Type)))
			}
		}
		def = "(variant " + strings.Join(parts, " ") + ")"
	case KindEnum:
		parts := []string{}
		for _, c := range t.Cases {
			parts = append(parts, fmt.Sprintf("%q", c.Name))
		}
		def = "(enum " + strings.Join(parts, " ") + ")"
	case KindFlags:
		parts := []string{}
		for _, f := range t.Flags {
			parts = append(parts, fmt.Sprintf("%q", f))
		}
		def = "(flags " + strings.Join(parts, " ") + ")"
	}
	local, exported := e.fresh(), e.fresh()
	fmt.Fprintf(e.b, "    (type %s %s)\n    (export %q (type %s (eq %s)))\n", local, def, t.Name, exported, local)
	e.named[t] = exported
	return exported
}

// oracleFuncs is every linked function, in the order the generated module numbers them.
func oracleFuncs(t *testing.T) []*Func {
	var all []*Func
	if len(ifaceOrder) != len(registry) {
		t.Fatalf("ifaceOrder has %d interfaces, the registry %d", len(ifaceOrder), len(registry))
	}
	for _, name := range ifaceOrder {
		i, err := LookupInterface(name + "@" + LinkedVersion)
		if err != nil {
			t.Fatal(err)
		}
		for _, fn := range i.Funcs() {
			f, _ := i.Func(fn)
			all = append(all, f)
		}
	}
	return all
}

// oracleWAT generates the component and its two core modules (as module bodies).
func oracleWAT(funcs []*Func) (component, memBody, mainBody string) {
	memBody = `
    (memory (export "mem") 4)
    (global $next (mut i32) (i32.const 32768))
    (func (export "realloc") (param $old i32) (param $oldsize i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $next (i32.add (local.get $p) (local.get $size)))
      (local.get $p))`
	var c strings.Builder
	c.WriteString("(component $C\n  (core module $Mem" + memBody + ")\n")
	c.WriteString("  (core instance $mem (instantiate $Mem))\n")
	c.WriteString("  (alias core export $mem \"mem\" (core memory $memory))\n")
	c.WriteString("  (alias core export $mem \"realloc\" (core func $realloc))\n")
	global := map[*ResourceType]string{}
	byIface := map[string][]*Func{}
	for _, f := range funcs {
		iface, _, _ := strings.Cut(f.Instance, "@")
		byIface[iface] = append(byIface[iface], f)
	}
	for _, name := range ifaceOrder {
		d := registry[name]
		inst := watID(name)
		fmt.Fprintf(&c, "  (import %q (instance %s\n", name+"@"+LinkedVersion, inst)
		e := &instEmitter{b: &c, named: map[*Type]string{}, res: map[*ResourceType]string{}}
		var rnames []string
		for rn := range d.resources {
			rnames = append(rnames, rn)
		}
		sort.Strings(rnames)
		for _, rn := range rnames {
			r := d.resources[rn]
			id := e.fresh()
			if r.Interface == name {
				fmt.Fprintf(&c, "    (export %q (type %s (sub resource)))\n", rn, id)
			} else {
				outer := e.fresh()
				fmt.Fprintf(&c, "    (alias outer $C %s (type %s))\n    (export %q (type %s (eq %s)))\n", global[r], outer, rn, id, outer)
			}
			e.res[r] = id
		}
		for _, f := range byIface[name] {
			if f.def.drop != nil {
				continue
			}
			var parts []string
			for _, p := range f.Type.Params {
				parts = append(parts, fmt.Sprintf("(param %q %s)", p.Name, e.ref(p.Type)))
			}
			if f.Type.Result != nil {
				parts = append(parts, "(result "+e.ref(f.Type.Result)+")")
			}
			fmt.Fprintf(&c, "    (export %q (func %s))\n", f.Name, strings.Join(parts, " "))
		}
		c.WriteString("  ))\n")
		for _, rn := range rnames {
			r := d.resources[rn]
			if r.Interface == name {
				global[r] = watID("R " + r.String())
				fmt.Fprintf(&c, "  (alias export %s %q (type %s))\n", inst, rn, global[r])
			}
		}
	}
	var imports, cases, exports strings.Builder
	for k, f := range funcs {
		if f.def.drop != nil {
			fmt.Fprintf(&c, "  (core func $f%d (canon resource.drop %s))\n", k, global[f.def.drop])
		} else {
			iface, _, _ := strings.Cut(f.Instance, "@")
			opts := ""
			if f.NeedsMemory() {
				opts += " (memory $memory)"
			}
			if f.NeedsRealloc() {
				opts += " (realloc $realloc)"
			}
			fmt.Fprintf(&c, "  (core func $f%d (canon lower (func %s %q)%s))\n", k, watID(iface), f.Name, opts)
		}
		fmt.Fprintf(&imports, "    (import \"f\" \"%d\" (func $f%d%s%s))\n", k, k, coreTypes("param", f.Params), coreTypes("result", f.Results))
		call := fmt.Sprintf("(call $f%d", k)
		for j, p := range f.Params {
			arg := fmt.Sprintf("(i64.load offset=%d (local.get $args))", 8*j)
			if p == api.ValueTypeI32 {
				arg = "(i32.wrap_i64 " + arg + ")"
			}
			call += " " + arg
		}
		call += ")"
		switch {
		case len(f.Results) == 0:
		case f.Results[0] == api.ValueTypeI32:
			call = "(i64.store (i32.const 512) (i64.extend_i32_u " + call + "))"
		default:
			call = "(i64.store (i32.const 512) " + call + ")"
		}
		fmt.Fprintf(&cases, "      (if (i32.eq (local.get $fn) (i32.const %d)) (then %s (br $done)))\n", k, call)
		fmt.Fprintf(&exports, " (export \"%d\" (func $f%d))", k, k)
	}
	// Function number 0xffffffff is the runner's own: it stores its arguments as bytes at
	// 2048 (how a name reaches memory for resolve-addresses).
	mainBody = "\n    (import \"m\" \"mem\" (memory 1))\n" + imports.String() + `    (func (export "call") (param $fn i32) (param $args i32) (param $n i32) (result i32)
      (local $i i32)
      (i64.store (i32.const 512) (i64.const 0))
      (block $done
        (if (i32.eq (local.get $fn) (i32.const -1)) (then
          (block $b (loop $l
            (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
            (i32.store8 offset=2048 (local.get $i)
              (i32.wrap_i64 (i64.load (i32.add (local.get $args) (i32.shl (local.get $i) (i32.const 3))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $l)))
          (br $done)))
` + cases.String() + `      )
      (memory.copy (i32.const 520) (i32.const 1024) (i32.const 128))
      (memory.copy (i32.const 648) (i32.const 32768) (i32.const 512))
      (i32.store (i32.const 256) (i32.const 512))
      (i32.store (i32.const 260) (i32.const 648))
      (i32.const 256))`
	c.WriteString("  (core instance $fs" + exports.String() + ")\n")
	c.WriteString("  (core module $Main" + mainBody + ")\n")
	c.WriteString("  (core instance $mi (export \"mem\" (memory $memory)))\n")
	c.WriteString("  (core instance $main (instantiate $Main (with \"m\" (instance $mi)) (with \"f\" (instance $fs))))\n")
	c.WriteString("  (func (export \"call\") (param \"fn\" u32) (param \"args\" (list u64)) (result (list u8))\n")
	c.WriteString("    (canon lift (core func $main \"call\") (memory $memory) (realloc $realloc)))\n)\n")
	return c.String(), memBody, mainBody
}

func coreTypes(kw string, ts []api.ValueType) string {
	if len(ts) == 0 {
		return ""
	}
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = api.ValueTypeName(t)
	}
	return " (" + kw + " " + strings.Join(parts, " ") + ")"
}
