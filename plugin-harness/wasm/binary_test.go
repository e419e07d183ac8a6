package wasm

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/component"
)

// coreModulesOf returns the core modules of a testdata component.
func coreModulesOf(t testing.TB, name string) [][]byte {
	t.Helper()
	c, err := component.Parse(readTestdata(t, name), component.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Plan(component.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range p.Modules {
		out = append(out, m.Bytes)
	}
	return out
}

func TestRenameImports(t *testing.T) {
	var m []byte
	for _, b := range coreModulesOf(t, "resources.wasm") {
		if imps := importsOf(t, b); len(imps) == 2 {
			m = b
		}
	}
	if m == nil {
		t.Fatal("no module with two imports in resources.wasm")
	}
	out, err := renameImports(m, [][2]string{{"a-much-longer-module-name", "x"}, {"m", "a field name of some length"}})
	if err != nil {
		t.Fatal(err)
	}
	imps := importsOf(t, out)
	if imps[0].module != "a-much-longer-module-name" || imps[0].name != "x" || imps[1].module != "m" || imps[1].name != "a field name of some length" {
		t.Errorf("renamed: %+v", imps)
	}
	old := importsOf(t, m)
	for i := range imps {
		if !bytes.Equal(imps[i].desc, old[i].desc) {
			t.Errorf("import %d: description changed", i)
		}
	}
	// Every other section is kept: the renamed module still compiles, with the new names.
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if mod, name, _ := cm.ImportedFunctions()[1].Import(); mod != "m" || name != "a field name of some length" {
		t.Errorf("wazero sees %q %q", mod, name)
	}
	if _, err := renameImports(m, [][2]string{{"a", "b"}}); err == nil || !strings.Contains(err.Error(), "2 imports, but 1") {
		t.Errorf("a wrong count: %v", err)
	}
	if _, err := renameImports([]byte("\x00asm\x01\x00\x00\x00"), nil); err != nil {
		t.Errorf("an empty module: %v", err)
	}
	if _, err := renameImports([]byte("\x00asm\x01\x00\x00\x00\x02\x05\x01"), [][2]string{{"a", "b"}}); err == nil {
		t.Error("a truncated import section was accepted")
	}
}

func importsOf(t *testing.T, m []byte) []importEntry {
	t.Helper()
	secs, err := sections(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secs {
		if s.id == 2 {
			imps, err := readImports(s.contents)
			if err != nil {
				t.Fatal(err)
			}
			return imps
		}
	}
	return nil
}

func TestReadNames(t *testing.T) {
	for _, m := range coreModulesOf(t, "sites.wasm") {
		n := readNames(m)
		if !n.hasModule || n.module != "m" {
			t.Errorf("module name %q %v", n.module, n.hasModule)
		}
		found := false
		for _, name := range n.funcs {
			found = found || name == "boom"
		}
		if !found {
			t.Errorf("no function named boom: %v", n.funcs)
		}
	}
	if n := readNames([]byte("not wasm")); n.hasModule || n.funcs != nil {
		t.Errorf("names of garbage: %+v", n)
	}
}

// TestMarkersKeepModulesValid: with markers added, every testdata module still compiles.
func TestMarkersKeepModulesValid(t *testing.T) {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	added := 0
	for _, name := range []string{"sites.wasm", "resources.wasm", "spin.wasm"} {
		for _, m := range coreModulesOf(t, name) {
			// wazero refuses an empty import module name, which wit-component's fixup modules use.
			names := make([][2]string, len(importsOf(t, m)))
			for i, imp := range importsOf(t, m) {
				names[i] = [2]string{"x" + imp.module, imp.name}
			}
			m, err := renameImports(m, names)
			if err != nil {
				t.Fatal(err)
			}
			ix := indexCode(m)
			out, marks, err := addMarkers(m, ix)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if marks != nil {
				added += len(marks.marks)
			}
			if _, err := r.CompileModule(ctx, out); err != nil {
				t.Errorf("%s: the marked module does not compile: %v", name, err)
			}
		}
	}
	if added == 0 {
		t.Error("sites.wasm got no markers")
	}
}

// TestHostileCounts: a module whose counts its bytes cannot hold is refused before wazero
// allocates by them (this one made wazero allocate 15 GB).
func TestHostileCounts(t *testing.T) {
	m := []byte("\x00asm\x01\x00\x00\x00\x02\x10\xff\xff\xf9\x40\x02\x00\x00\x09\x00\x00\x00\x50\x02\x00\x00\x03")
	if err := checkBounds(m); err == nil {
		t.Error("a hostile import count passed")
	}
	for name, m := range map[string]string{
		"functions": "\x00asm\x01\x00\x00\x00\x03\x05\xff\xff\xff\xff\x0f",
		"locals":    "\x00asm\x01\x00\x00\x00\x0a\x0a\x01\x08\x01\xff\xff\xff\xff\x0f\x7f\x0b",
		"data":      "\x00asm\x01\x00\x00\x00\x0b\x08\x01\x01\xff\xff\xff\xff\x0f\x00",
		"names":     "\x00asm\x01\x00\x00\x00\x00\x0c\x04name\x01\x06\xff\xff\xff\xff\x0f\x00",
		"elements":  "\x00asm\x01\x00\x00\x00\x09\x08\x01\x01\x00\xff\xff\xff\xff\x0f",
	} {
		if err := checkBounds([]byte(m)); err == nil {
			t.Errorf("%s: a hostile count passed", name)
		}
	}
	for _, name := range []string{"sites.wasm", "resources.wasm", "spin.wasm"} {
		for _, m := range coreModulesOf(t, name) {
			if err := checkBounds(m); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	if err := checkBounds(readTestdata(t, "core-gate.wasm")); err != nil {
		t.Error(err)
	}
}

func FuzzRenameImports(f *testing.F) {
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x02\x07\x01\x01a\x01b\x00\x00"), "x", "y")
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x02\x09\x01\x01a\x01b\x02\x01\x01\x02"), "", "")
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x02\x08\x01\x01a\x01b\x03\x7f\x01"), "m", "n")
	f.Fuzz(func(t *testing.T, m []byte, mod, name string) {
		secs, err := sections(m)
		if err != nil {
			return
		}
		n := 0
		for _, s := range secs {
			if s.id == 2 {
				if imps, err := readImports(s.contents); err == nil {
					n = len(imps)
				}
			}
		}
		names := make([][2]string, n)
		for i := range names {
			names[i] = [2]string{mod, name}
		}
		out, err := renameImports(m, names)
		if err != nil {
			return
		}
		if _, err := sections(out); err != nil {
			t.Fatalf("renamed module does not split into sections: %v", err)
		}
	})
}

// FuzzMarkers: scanning and marking any module never panics, and a module wazero accepts stays
// acceptable once marked.
func FuzzMarkers(f *testing.F) {
	for _, name := range []string{"sites.wasm", "resources.wasm", "spin.wasm"} {
		c, err := component.Parse(readTestdata(f, name), component.ParseOptions{})
		if err != nil {
			f.Fatal(err)
		}
		for _, m := range c.Modules {
			f.Add(m.Bytes)
		}
	}
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	f.Fuzz(func(t *testing.T, m []byte) {
		ix := indexCode(m)
		out, _, err := addMarkers(m, ix)
		readNames(m)
		if err != nil || checkBounds(m) != nil {
			return // wazero would allocate by the module's hostile counts
		}
		if cm, err := r.CompileModule(ctx, m); err == nil {
			cm.Close(ctx)
			cm2, err := r.CompileModule(ctx, out)
			if err != nil {
				t.Fatalf("valid module made invalid by markers: %v", err)
			}
			cm2.Close(ctx)
		}
	})
}

// FuzzRun: any bytes as plugin.wasm end in a refusal, an error or decisions — never a panic or
// a hang.
func FuzzRun(f *testing.F) {
	for _, name := range []string{"sites.wasm", "resources.wasm", "spin.wasm", "core-gate.wasm"} {
		f.Add(readTestdata(f, name))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		plan, limits := planFromArgs(t, nil)
		desc := testDesc(t)
		_, err := Run(context.Background(), b, desc, plan, limits, Options{Engine: EngineInterpreter, Guard: 50 * time.Millisecond, AllowCoreModule: true}, &recorder{})
		if err != nil && strings.HasPrefix(err.Error(), "internal error") {
			t.Fatal(err)
		}
	})
}

// TestIndirectCallSiteByType: a frame called through call_indirect, in a function with several
// indirect calls of different types, is placed at the one whose type is the callee's, compared
// structurally (type 2 is a second index for type 0's signature).
func TestIndirectCallSiteByType(t *testing.T) {
	m := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
		// types: 0 (i32) -> (), 1 () -> (), 2 (i32) -> ()
		0x01, 0x0c, 0x03, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x00,
		// functions: 0 of type 1, 1 of type 2
		0x03, 0x03, 0x02, 0x01, 0x02,
		// a funcref table
		0x04, 0x04, 0x01, 0x70, 0x00, 0x00,
		// code: function 0 calls indirectly through type 0, then type 1; function 1 is empty
		0x0a, 0x13, 0x02,
		0x0e, 0x00, 0x41, 0x00, 0x41, 0x00, 0x11, 0x00, 0x00, 0x41, 0x00, 0x11, 0x01, 0x00, 0x0b,
		0x02, 0x00, 0x0b,
	}
	ix := indexCode(m)
	first := int64(bytes.Index(m, []byte{0x11, 0x00, 0x00}))
	second := int64(bytes.Index(m, []byte{0x11, 0x01, 0x00}))
	if got := ix.callSite(0, func(f uint32) bool { return f == 1 }); got != first {
		t.Errorf("a callee of type 2 (= type 0): offset %d, want %d", got, first)
	}
	if got := ix.callSite(0, func(f uint32) bool { return f == 0 }); got != second {
		t.Errorf("a callee of type 1: offset %d, want %d", got, second)
	}
	if got := ix.callSite(0, func(f uint32) bool { return f == 7 }); got != -1 {
		t.Errorf("an unknown callee: offset %d, want -1", got)
	}
}
