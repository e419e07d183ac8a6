package wasm

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/component"
)

// wasmModule assembles a core module from its sections, each given as id and contents.
func wasmModule(secs ...[]byte) []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	for _, s := range secs {
		m = append(m, s[0])
		m = appendULEB(m, uint64(len(s)-1))
		m = append(m, s[1:]...)
	}
	return m
}

// sec is a section: its id, then its contents.
func sec(id byte, contents ...byte) []byte { return append([]byte{id}, contents...) }

// body is one code-section entry: its size, then locals and instructions.
func body(b ...byte) []byte { return append(appendULEB(nil, uint64(len(b))), b...) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// growModule has one funcref table with the given limits bytes and exports grow (delta) ->
// old size and size () -> size.
func growModule(limits ...byte) []byte {
	return wasmModule(
		sec(1, 2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 0, 1, 0x7f),
		sec(3, 2, 0, 1),
		cat([]byte{4, 1, 0x70}, limits),
		sec(7, cat([]byte{2}, appendName(nil, "grow"), []byte{0, 0}, appendName(nil, "size"), []byte{0, 1})...),
		sec(10, cat([]byte{2},
			body(0, 0xd0, 0x70, 0x20, 0, 0xfc, 0x0f, 0, 0x0b), // ref.null func, local.get 0, table.grow 0
			body(0, 0xfc, 0x10, 0, 0x0b))...),                 // table.size 0
	)
}

// withHost makes allocLimit answer limit for the test.
func withHost(t *testing.T, limit uint64) {
	t.Helper()
	old := allocLimit
	allocLimit = func() (uint64, string) { return limit, "the test's host" }
	t.Cleanup(func() { allocLimit = old })
}

func preflightOf(t *testing.T, p *program, modules ...[]byte) error {
	t.Helper()
	var instances []*component.CoreInstance
	for i, m := range modules {
		instances = append(instances, &component.CoreInstance{Index: i, Module: &component.Module{Index: i, Bytes: m}})
	}
	return p.preflight(instances, make([][]arg, len(modules)), nil)
}

// TestTableGrowth: table.grow rewritten as tables.go says, run on wazero: -1 past the maximum,
// the growth itself within the bound, a trap with the size asked for past it, and the decision
// that trap becomes.
func TestTableGrowth(t *testing.T) {
	withHost(t, 8*1000)
	for _, e := range []Engine{EngineCompiler, EngineInterpreter} {
		t.Run(e.String(), func(t *testing.T) {
			ctx := context.Background()
			cfg := wazero.NewRuntimeConfigInterpreter()
			if e == EngineCompiler {
				cfg = wazero.NewRuntimeConfigCompiler()
			}
			rt := wazero.NewRuntimeWithConfig(ctx, cfg)
			defer rt.Close(ctx)
			for _, tc := range []struct {
				name   string
				limits []byte
			}{{"unbounded", []byte{0, 1}}, {"max 50", []byte{1, 1, 50}}} {
				m := growModule(tc.limits...)
				p := &program{memoryLimit: 16}
				if err := preflightOf(t, p, m); err != nil {
					t.Fatal(err)
				}
				p.tables.limit[tableRef{0, 0}] = 100 // the bound, for the test
				out, err := p.tables.boundGrowth(0, m)
				if err != nil {
					t.Fatal(err)
				}
				cm, err := rt.CompileModule(ctx, out)
				if err != nil {
					t.Fatalf("%s: the rewritten module does not compile: %v", tc.name, err)
				}
				mod, err := rt.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName(""))
				if err != nil {
					t.Fatal(err)
				}
				p.cur = &callState{mods: []api.Module{mod}}
				grow := func(delta uint32) (int32, error) {
					res, err := mod.ExportedFunction("grow").Call(ctx, uint64(delta))
					if err != nil {
						return 0, err
					}
					return int32(res[0]), nil
				}
				size := func() uint64 {
					res, _ := mod.ExportedFunction("size").Call(ctx)
					return res[0]
				}
				want := func(delta uint32, old int32, newSize uint64) {
					t.Helper()
					if got, err := grow(delta); err != nil || got != old || size() != newSize {
						t.Errorf("%s: grow(%d) = %d, %v, size %d; want %d, size %d", tc.name, delta, got, err, size(), old, newSize)
					}
				}
				want(0, 1, 1)
				want(9, 1, 10)
				want(0xffffffff, -1, 10) // past 2^32-1 elements
				if tc.name == "max 50" {
					want(41, -1, 10) // past the declared maximum: -1 before any bound
					want(40, 10, 50)
				} else {
					want(90, 10, 100)
					_, err := grow(1)
					f := p.boundsFailure(err)
					if f == nil || f.kind != kindTimeout || f.text != "timed out" || !strings.Contains(f.root, "to 101 elements") {
						t.Errorf("grow past the bound: %v, failure %+v", err, f)
					}
					_, err = grow(900) // 1000 elements: 8000 bytes, which the test's host grants
					if f := p.boundsFailure(err); f == nil || f.kind != kindTimeout {
						t.Errorf("grow to 1000: failure %+v", f)
					}
					_, err = grow(901) // 8008 bytes, which it refuses
					if f := p.boundsFailure(err); f == nil || f.kind != kindError || f.text != "out of memory (failed to allocate 8008 bytes)" {
						t.Errorf("grow to 1001: failure %+v", f)
					}
					if size() != 100 {
						t.Errorf("a refused growth changed the size: %d", size())
					}
				}
				if f := p.boundsFailure(errors.New("wasm error: unreachable\nwasm stack trace:\n\t.$0(i32) i32")); f != nil {
					t.Errorf("a trap outside the helper: %+v", f)
				}
				mod.Close(ctx)
			}
		})
	}
}

// TestPreflight: the allocations Wasmtime refuses at instantiation, in its order, and what the
// harness cannot run.
func TestPreflight(t *testing.T) {
	withHost(t, 25<<30)
	table := func(limits ...byte) []byte { return wasmModule(cat([]byte{4, 1, 0x70}, limits)) }
	table64 := func(min uint64) []byte { return wasmModule(cat([]byte{4, 1, 0x70, 4}, appendULEB(nil, min))) }
	memory := func(pages byte) []byte { return wasmModule(sec(5, 1, 0, pages)) }
	externref := wasmModule(sec(4, 1, 0x6f, 0, 1))
	oom := "out of memory (failed to allocate 34359738360 bytes)"
	for _, tc := range []struct {
		name    string
		modules [][]byte
		want    string // the error's text
		kind    string // refusal (compile), instantiate, harness
	}{
		{"small table", [][]byte{table(0, 10)}, "", ""},
		{"32 GiB table", [][]byte{table(0, 0xff, 0xff, 0xff, 0xff, 0x0f)}, oom, "instantiate"},
		{"memory first", [][]byte{wasmModule(sec(4, 1, 0x70, 0, 0xff, 0xff, 0xff, 0xff, 0x0f), sec(5, 1, 0, 20))},
			"memory minimum size of 20 pages exceeds memory limits", "instantiate"},
		{"instances in order", [][]byte{table(0, 0xff, 0xff, 0xff, 0xff, 0x0f), memory(20)}, oom, "instantiate"},
		{"compile before instantiate", [][]byte{table(0, 0xff, 0xff, 0xff, 0xff, 0x0f), externref}, "failed to parse WebAssembly module", "refusal"},
		{"table64 of 2^53", [][]byte{table64(1 << 53)}, "out of memory (failed to allocate 72057594037927936 bytes)", "instantiate"},
		{"table64 of 2^60", [][]byte{table64(1 << 60)}, "invalid parameters to Layout::from_size_align", "instantiate"},
		{"table64 of 2^61", [][]byte{table64(1 << 61)}, "Wasmtime 44 panics", "harness"},
		{"table64", [][]byte{table64(1)}, "a 64-bit table", "harness"},
		{"memory64 after an OOM", [][]byte{wasmModule(sec(5, 1, 4, 1)), table(0, 0xff, 0xff, 0xff, 0xff, 0x0f)}, oom, "instantiate"},
		{"too large to run", [][]byte{table(0, 0x80, 0x80, 0x80, 0x08), table(0, 1)}, "the harness runs at most 16777216", "harness"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &program{memoryLimit: 16}
			err := preflightOf(t, p, tc.modules...)
			var refusal *Refusal
			var ir *instantiateRefusal
			switch {
			case tc.want == "":
				if err != nil {
					t.Fatal(err)
				}
				return
			case err == nil:
				t.Fatalf("want %s %q, got none", tc.kind, tc.want)
			case tc.kind == "refusal" && errors.As(err, &refusal):
				if refusal.Stage != "compile" || !strings.HasSuffix(refusal.Chain[0], tc.want) {
					t.Errorf("refusal %+v", refusal)
				}
			case tc.kind == "instantiate" && errors.As(err, &ir):
				if ir.msg != tc.want {
					t.Errorf("got %q, want %q", ir.msg, tc.want)
				}
			case tc.kind == "harness" && !errors.As(err, &refusal) && !errors.As(err, &ir):
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("got %q, want it to say %q", err, tc.want)
				}
			default:
				t.Errorf("got %T %v, want a %s error %q", err, err, tc.kind, tc.want)
			}
		})
	}
	// The headroom is shared between the defined tables, a table with a maximum taking no more
	// than it can use.
	p := &program{memoryLimit: 16}
	if err := preflightOf(t, p, table(0, 100), table(0, 0), table(1, 5, 15)); err != nil {
		t.Fatal(err)
	}
	left := uint64(maxTableElements - 105 - 10)
	for r, want := range map[tableRef]uint64{{0, 0}: 100 + left/2, {1, 0}: left - left/2, {2, 0}: 15} {
		if got := p.tables.limit[r]; got != want {
			t.Errorf("limit of table %v: %d, want %d", r, got, want)
		}
	}
}

// TestSegmentTrap: active segments that do not fit in the module's own table or memory trap at
// instantiation, as in Wasmtime; the ones whose bounds are only known at run time are left to wazero.
func TestSegmentTrap(t *testing.T) {
	funcs := [][]byte{sec(1, 1, 0x60, 0, 0), sec(3, 1, 0)}
	code := sec(10, cat([]byte{1}, body(0, 0x0b))...)
	elem := func(table []byte, segment ...byte) []byte {
		return wasmModule(funcs[0], funcs[1], table, sec(9, append([]byte{1}, segment...)...), code)
	}
	data := func(memory []byte, segment ...byte) []byte {
		return wasmModule(memory, sec(11, append([]byte{1}, segment...)...))
	}
	const table, memory = "wasm trap: undefined element: out of bounds table access", "wasm trap: out of bounds memory access"
	for _, tc := range []struct {
		name   string
		module []byte
		want   string
	}{
		{"element fits", elem(sec(4, 1, 0x70, 0, 2), 0, 0x41, 1, 0x0b, 1, 0), ""},
		{"element past the end", elem(sec(4, 1, 0x70, 0, 2), 0, 0x41, 1, 0x0b, 2, 0, 0), table},
		{"empty element past the end", elem(sec(4, 1, 0x70, 0, 2), 0, 0x41, 3, 0x0b, 0), table},
		{"element with a table index", elem(sec(4, 2, 0x70, 0, 9, 0x70, 0, 2), 2, 1, 0x41, 1, 0x0b, 0, 2, 0, 0), table},
		{"element of expressions", elem(sec(4, 1, 0x70, 0, 2), 4, 0x41, 2, 0x0b, 1, 0xd2, 0, 0x0b), table},
		{"negative offset", elem(sec(4, 1, 0x70, 0, 2), 0, 0x41, 0x7f, 0x0b, 0), table},
		{"passive element", elem(sec(4, 1, 0x70, 0, 2), 1, 0, 3, 0, 0, 0), ""},
		{"element into an imported table", wasmModule(funcs[0], sec(2, 1, 1, 'm', 1, 't', 1, 0x70, 0, 1), funcs[1],
			sec(9, 1, 0, 0x41, 5, 0x0b, 1, 0), code), ""},
		{"element at a global's offset", wasmModule(funcs[0], sec(2, 1, 1, 'm', 1, 'g', 3, 0x7f, 0), funcs[1], sec(4, 1, 0x70, 0, 1),
			sec(9, 1, 0, 0x23, 0, 0x0b, 1, 0), code), ""},
		{"data fits", data(sec(5, 1, 0, 1), 0, 0x41, 0, 0x0b, 2, 'h', 'i'), ""},
		{"data past the end", data(sec(5, 1, 0, 1), 0, 0x41, 0xfe, 0xff, 0x03, 0x0b, 3, 'a', 'b', 'c'), memory},
		{"data at an extended offset", data(sec(5, 1, 0, 1), 0, 0x41, 0xfe, 0xff, 0x03, 0x41, 0, 0x6a, 0x0b, 3, 'a', 'b', 'c'), ""},
		{"passive data", data(sec(5, 1, 0, 0), 1, 3, 'a', 'b', 'c'), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			decls, _ := readTables(tc.module)
			if got := segmentTrap(tc.module, decls); got != tc.want {
				t.Errorf("segmentTrap = %q, want %q", got, tc.want)
			}
		})
	}
	// A data segment wazero refuses itself gets Wasmtime's words.
	p := &program{}
	if f := p.boundsFailure(errors.New("data[3]: out of bounds memory access")); f == nil || f.text != memory {
		t.Errorf("wazero's data segment error: %+v", f)
	}
}

// TestCheckFeatures: what the gateway's Wasmtime refuses, what the harness cannot run, what both run.
func TestCheckFeatures(t *testing.T) {
	code := func(b ...byte) []byte {
		return wasmModule(sec(1, 1, 0x60, 0, 0), sec(3, 1, 0), sec(10, cat([]byte{1}, body(b...))...))
	}
	for _, tc := range []struct {
		name              string
		module            []byte
		refusal, limitedy string
	}{
		{"funcref table", wasmModule(sec(4, 1, 0x70, 0, 1)), "", ""},
		{"(ref null func) table", wasmModule(sec(4, 1, 0x63, 0x70, 0, 1)), "", ""},
		{"v128 global", wasmModule(sec(6, cat([]byte{1, 0x7b, 0, 0xfd, 12}, make([]byte, 16), []byte{0x0b})...)), "", ""},
		{"externref table", wasmModule(sec(4, 1, 0x6f, 0, 1)), "externref", ""},
		{"externref table import", wasmModule(sec(2, 1, 1, 'm', 1, 't', 1, 0x6f, 0, 1)), "externref", ""},
		{"externref parameter", wasmModule(sec(1, 1, 0x60, 1, 0x6f, 0)), "externref", ""},
		{"externref global", wasmModule(sec(6, 1, 0x6f, 0, 0xd0, 0x6f, 0x0b)), "externref", ""},
		{"funcref global of ref.null extern", wasmModule(sec(6, 1, 0x70, 0, 0xd0, 0x6f, 0x0b)), "externref", ""},
		{"externref local", code(1, 1, 0x6f, 0x0b), "externref", ""},
		{"externref block", code(0, 0x02, 0x6f, 0xd0, 0x6f, 0x0b, 0x1a, 0x0b), "externref", ""},
		{"ref.null extern", code(0, 0xd0, 0x6f, 0x1a, 0x0b), "externref", ""},
		{"typed select", code(0, 0xd0, 0x70, 0xd0, 0x70, 0x41, 0, 0x1c, 1, 0x6e, 0x1a, 0x0b), "anyref", ""},
		{"anyref element segment", wasmModule(sec(9, 1, 5, 0x6e, 0)), "anyref", ""},
		{"typed reference", wasmModule(sec(1, 1, 0x60, 0, 0), sec(4, 1, 0x63, 0, 0, 1)), "typed function reference", ""},
		{"non-nullable reference", wasmModule(sec(1, 1, 0x60, 1, 0x64, 0x70, 0)), "non-nullable", ""},
		{"GC type", wasmModule(sec(1, 1, 0x5f, 0)), "GC type", ""},
		{"shared memory", wasmModule(sec(5, 1, 3, 1, 1)), "shared memory", ""},
		{"shared memory import", wasmModule(sec(2, 1, 1, 'm', 1, 'm', 2, 3, 1, 1)), "shared memory", ""},
		{"custom page size", wasmModule(sec(5, 1, 8, 1, 0)), "custom page size", ""},
		{"tag section", wasmModule(sec(1, 1, 0x60, 0, 0), sec(13, 1, 0, 0)), "exception tag", ""},
		{"tag import", wasmModule(sec(1, 1, 0x60, 0, 0), sec(2, 1, 1, 'm', 1, 't', 4, 0, 0)), "exception tag", ""},
		{"memory64", wasmModule(sec(5, 1, 4, 1)), "", "memory64"},
		{"table64", wasmModule(sec(4, 1, 0x70, 4, 1)), "", "64-bit table"},
		{"two memories", wasmModule(sec(5, 2, 0, 1, 0, 1)), "", "2 memories"},
		{"an imported and a defined memory", wasmModule(sec(2, 1, 1, 'm', 1, 'm', 2, 0, 1), sec(5, 1, 0, 1)), "", "2 memories"},
		{"memory64 and externref", wasmModule(sec(4, 1, 0x6f, 0, 1), sec(5, 1, 4, 1)), "externref", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refusal, limitation := checkFeatures(tc.module, indexCode(tc.module))
			if tc.refusal == "" && refusal != "" || !strings.Contains(refusal, tc.refusal) {
				t.Errorf("refusal %q, want one saying %q", refusal, tc.refusal)
			}
			if tc.limitedy == "" && limitation != "" || !strings.Contains(limitation, tc.limitedy) {
				t.Errorf("limitation %q, want one saying %q", limitation, tc.limitedy)
			}
		})
	}
}

// FuzzTables: hostile modules never panic the table checks or the table.grow rewrite, and a
// rewritten module still splits into sections.
func FuzzTables(f *testing.F) {
	f.Add(growModule(0, 1))
	f.Add(growModule(1, 1, 50))
	f.Add(wasmModule(sec(4, 1, 0x6f, 0, 1)))
	f.Add(wasmModule(sec(4, 1, 0x70, 4, 1)))
	f.Add(wasmModule(sec(2, 1, 1, 'm', 1, 't', 0x70, 0, 1)))
	f.Fuzz(func(t *testing.T, m []byte) {
		old := allocLimit
		allocLimit = func() (uint64, string) { return 1 << 34, "the fuzzer's host" }
		defer func() { allocLimit = old }()
		p := &program{memoryLimit: 1024}
		if err := preflightOf(t, p, m); err != nil {
			return
		}
		out, err := p.tables.boundGrowth(0, m)
		if err != nil || bytes.Equal(out, m) {
			return
		}
		if _, err := sections(out); err != nil {
			t.Fatalf("the rewritten module does not split into sections: %v", err)
		}
	})
}

// TestHostAllocLimit: the host's answer is a positive size and says where it comes from.
func TestHostAllocLimit(t *testing.T) {
	limit, how := hostAllocLimit()
	if limit == 0 && !strings.Contains(how, "overcommit_memory=2") || how == "" {
		t.Errorf("hostAllocLimit() = %d, %q", limit, how)
	}
}
