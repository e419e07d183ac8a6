package wasip2

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero/api"
)

// InstanceMemory is a Memory backed by exports of one core module instance, the usual shape
// of `(memory (core memory $i "memory")) (realloc (core func $i "cabi_realloc"))`. Module may
// be filled in after the functions are bound, once the instance exists.
type InstanceMemory struct {
	Module api.Module
	// MemoryExport names the memory; "" takes the instance's only memory.
	MemoryExport string
	// ReallocExport names the realloc function; "" means the options name none.
	ReallocExport string
}

func (m *InstanceMemory) Memory() api.Memory {
	if m.Module == nil {
		return nil
	}
	if m.MemoryExport == "" {
		return m.Module.Memory()
	}
	return m.Module.ExportedMemory(m.MemoryExport)
}

func (m *InstanceMemory) Realloc(ctx context.Context, oldPtr, oldSize, align, newSize uint32) (uint32, error) {
	if m.Module == nil || m.ReallocExport == "" {
		return 0, fmt.Errorf("the lowering names no realloc, but its result needs guest memory")
	}
	f := m.Module.ExportedFunction(m.ReallocExport)
	if f == nil {
		return 0, fmt.Errorf("the realloc %q is not exported by %s", m.ReallocExport, m.Module.Name())
	}
	res, err := f.Call(ctx, uint64(oldPtr), uint64(oldSize), uint64(align), uint64(newSize))
	if err != nil {
		return 0, err
	}
	if len(res) != 1 {
		return 0, fmt.Errorf("the realloc %q returned %d values, want 1", m.ReallocExport, len(res))
	}
	return uint32(res[0]), nil
}
