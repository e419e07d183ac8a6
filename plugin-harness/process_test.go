package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWasmCompileBudget: compiling gets --timeout plus 5 s per started MiB, at most 2 minutes
// more, so a large component compiles and a hostile one still ends in bounded time.
func TestWasmCompileBudget(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		size int64
		want time.Duration
	}{
		{0, 5 * time.Second},
		{1, 10 * time.Second},
		{12 << 20, 65 * time.Second},
		{12<<20 + 1, 70 * time.Second},
		{1 << 30, 125 * time.Second},
	} {
		path := filepath.Join(dir, "plugin.wasm")
		if err := os.Truncate(path, 0); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(tc.size); err != nil { // sparse
			t.Fatal(err)
		}
		f.Close()
		if got := wasmCompileBudget(5*time.Second, path); got != tc.want {
			t.Errorf("%d bytes: %s, want %s", tc.size, got, tc.want)
		}
	}
	if got := wasmCompileBudget(5*time.Second, filepath.Join(dir, "missing")); got != 5*time.Second {
		t.Errorf("a missing artifact: %s, want the plain timeout", got)
	}
}

// TestWasmCompileMemory: the worker of a plugin.wasm gets room for wazero's compiler, by the
// artifact's size (the componentize-py guests need about 1.2 GB for 18 MB).
func TestWasmCompileMemory(t *testing.T) {
	dir := t.TempDir()
	for size, want := range map[int64]uint64{0: 0, 1: 128 << 20, 18 << 20: 18 * 128 << 20, 1 << 40: 8 << 30} {
		path := filepath.Join(dir, "plugin.wasm")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if got := wasmCompileMemory(path); got != want {
			t.Errorf("%d bytes: %d, want %d", size, got, want)
		}
	}
}
