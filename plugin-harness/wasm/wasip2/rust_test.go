package wasip2

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

// helloComponent builds testdata/hello, a Rust wasm32-wasip2 std command, or takes
// $MCPG_WASIP2_HELLO. It skips when cargo or the wasm32-wasip2 target is missing.
func helloComponent(t *testing.T) []byte {
	path := os.Getenv("MCPG_WASIP2_HELLO")
	if path == "" {
		if _, err := exec.LookPath("cargo"); err != nil {
			t.Skip("needs cargo to build testdata/hello (or $MCPG_WASIP2_HELLO)")
		}
		target := os.Getenv("CARGO_TARGET_DIR")
		if target == "" {
			target, _ = filepath.Abs("../../../.tools/cargo-target-wasm")
		}
		cmd := exec.Command("cargo", "build", "--release", "--offline", "--target", "wasm32-wasip2")
		cmd.Dir = "testdata/hello"
		cmd.Env = append(os.Environ(), "CARGO_TARGET_DIR="+target)
		if msg, err := cmd.CombinedOutput(); err != nil {
			if strings.Contains(string(msg), "wasm32-wasip2") && strings.Contains(string(msg), "target may not be installed") {
				t.Skip("needs the wasm32-wasip2 target (rustup target add wasm32-wasip2)")
			}
			t.Fatalf("cargo build: %v\n%s", err, msg)
		}
		path = filepath.Join(target, "wasm32-wasip2", "release", "wasip2-hello.wasm")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// coreModules lists the core modules nested at any depth in a component binary, in order.
// Just enough of Binary.md to reach section 1 (core module) and 4 (nested component).
func coreModules(t *testing.T, b []byte) [][]byte {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		t.Fatal("not wasm")
	}
	var out [][]byte
	b = b[8:]
	for len(b) > 0 {
		id := b[0]
		size, n := binary.Uvarint(b[1:])
		if n <= 0 || uint64(len(b)-1-n) < size {
			t.Fatal("truncated section")
		}
		body := b[1+n : 1+n+int(size)]
		b = b[1+n+int(size):]
		switch id {
		case 1:
			out = append(out, body)
		case 4:
			out = append(out, coreModules(t, body)...)
		}
	}
	return out
}

// TestRustStdGuest runs the main core module of a real Rust wasip2 component against this
// host, with each WASI import bound straight to the module's own memory and cabi_realloc (what
// the component's shim and fixup modules arrange). Its output must be what Wasmtime 44 with a
// default WasiCtx gives the same binary (checked with wasmtime-py 44.0.0: the lines below).
func TestRustStdGuest(t *testing.T) {
	modules := coreModules(t, helloComponent(t))
	if len(modules) == 0 {
		t.Fatal("no core module in the component")
	}
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	main, err := r.CompileModule(ctx, modules[0])
	if err != nil {
		t.Fatal(err)
	}
	h := New(Config{})
	mem := &InstanceMemory{ReallocExport: "cabi_realloc"}
	byModule := map[string][]Export{}
	for _, imp := range main.ImportedFunctions() {
		module, name, _ := imp.Import()
		f, err := Lookup(module, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.CheckSignature(imp.ParamTypes(), imp.ResultTypes()); err != nil {
			t.Fatal(err)
		}
		byModule[module] = append(byModule[module], Export{Name: name, Func: f, Options: Options{Memory: mem}})
	}
	for module, exports := range byModule {
		if _, err := h.Instantiate(ctx, r, module, exports); err != nil {
			t.Fatal(err)
		}
	}
	mod, err := r.InstantiateModule(ctx, main, wazero.NewModuleConfig().WithName("main"))
	if err != nil {
		t.Fatal(err)
	}
	mem.Module = mod
	res, err := mod.ExportedFunction("wasi:cli/run@0.2.0#run").Call(ctx)
	if err != nil {
		t.Fatalf("run: %v\nstdout:\n%s\nstderr:\n%s", err, h.Stdout(), h.Stderr())
	}
	if res[0] != 0 {
		t.Errorf("run returned err (discriminant %d)", res[0])
	}
	want := strings.Join([]string{
		"hello from wasip2",
		"hashmap 1",
		"wall after 2020 true",
		"slept enough true",
		"args 0 vars 0",
		"cwd true",
		"fs read NotFound",
		"tcp connect PermissionDenied",
		"udp bind PermissionDenied",
		"stdin Ok(0)",
		strings.Repeat("x", 10000),
		"done",
		"",
	}, "\n")
	if got := h.Stdout().String(); got != want {
		t.Errorf("stdout:\n%.400s\nwant:\n%.400s", got, want)
	}
	if got := h.Stderr().String(); got != "to stderr\n" {
		t.Errorf("stderr %q", got)
	}
	if h.Blocked() < 20e6 {
		t.Errorf("the 20 ms sleep blocked %s", h.Blocked())
	}
	if h.Exited() != nil {
		t.Errorf("exited: %v", h.Exited())
	}
}

// callerModule is a core module importing one (i32) -> () function as module/name and
// exporting "call", which passes its argument on.
func callerModule(module, name string) []byte {
	str := func(s string) []byte { return append([]byte{byte(len(s))}, s...) }
	imp := append(append([]byte{1}, str(module)...), str(name)...)
	imp = append(imp, 0x00, 0x00) // a function of type 0
	sec := func(id byte, body []byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
	b := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
	b = append(b, sec(1, []byte{1, 0x60, 1, 0x7f, 0})...)
	b = append(b, sec(2, imp)...)
	b = append(b, sec(3, []byte{1, 0})...)
	b = append(b, sec(7, append(append([]byte{1}, str("call")...), 0x00, 1))...)
	b = append(b, sec(10, []byte{1, 6, 0, 0x20, 0, 0x10, 0, 0x0b})...)
	return b
}

// TestTrapThroughWazero: a host function's trap comes out of the guest's call through wazero
// as an error that still is the *Trap.
func TestTrapThroughWazero(t *testing.T) {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	h := New(Config{})
	f, _ := Lookup(streams, "[resource-drop]output-stream")
	if _, err := h.Instantiate(ctx, r, "wasi:io/streams@0.2.0", []Export{{Name: "[resource-drop]output-stream", Func: f}}); err != nil {
		t.Fatal(err)
	}
	mod, err := r.Instantiate(ctx, callerModule("wasi:io/streams@0.2.0", "[resource-drop]output-stream"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = mod.ExportedFunction("call").Call(ctx, 5)
	var tr *Trap
	if !errors.As(err, &tr) || tr.Msg != "unknown handle index 5" {
		t.Errorf("got %v", err)
	}
	if _, err := h.Instantiate(ctx, r, "dup", []Export{{Name: "a", Func: f}, {Name: "a", Func: f}}); err == nil {
		t.Error("duplicate export accepted")
	}
}
