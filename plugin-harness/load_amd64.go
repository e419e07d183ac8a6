//go:build amd64 && (linux || darwin)

package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Offsets and sizes of ABI v2 on 64-bit targets (native-abi.md §1.4, §2).
const (
	abiVersion        = 2
	abiPanicSentinel  = 0xFFFFFFFF
	sizeRegistration  = 240
	sizeEntity        = 224
	sizeCapability    = 64
	layoutAlignOffset = 17
	layoutSizeOffset  = 24
	layoutMonoOffset  = 8
	monoPackageOffset = 32
	maxPluginString   = 16 << 20 // longer "strings" are treated as garbage, not read
	maxPluginVec      = 1 << 16
)

// loadNative runs the gateway's load sequence up to the decoded registration (native-abi.md
// §1.3 steps 2–6). Nothing the plugin allocated is freed and the library is never closed: the
// worker exits right after.
func loadNative(req workerRequest, phase func(string)) (*registration, error) {
	if req.MaxMemory > 0 {
		phase("rlimit")
		// The Go runtime has already reserved address space it may never touch; the limit is on
		// what the plugin adds on top of it.
		limit := mappedBytes() + req.MaxMemory
		lim := syscall.Rlimit{Cur: limit, Max: limit}
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &lim); err != nil {
			return nil, fmt.Errorf("cannot limit the worker's address space: %v", err)
		}
	}
	phase("rehash")
	if err := recheck(req.Path, req.SHA256); err != nil {
		return nil, err
	}
	phase("dlopen")
	lib, err := purego.Dlopen(req.Path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("dlopen %s: %v", req.Path, err)
	}
	phase("mcpg_plugin_abi_layout")
	layoutFn, err := purego.Dlsym(lib, "mcpg_plugin_abi_layout")
	if err != nil {
		return nil, errors.New("missing mcpg_plugin_abi_layout symbol — plugin predates the ABI type-identity check " +
			"or was built against an incompatible MCPG protocol; rebuild it against this host")
	}
	var reg registration
	layout, _, _ := purego.SyscallN(layoutFn)
	if layout == 0 {
		return nil, errors.New("plugin returned a null ABI layout descriptor (mcpg_plugin_abi_layout)")
	}
	head := mem(layout, 32)
	reg.Layout.AlignmentPowerOf2 = head[layoutAlignOffset]
	reg.Layout.Size = binary.LittleEndian.Uint64(head[layoutSizeOffset:])
	if mono := binary.LittleEndian.Uint64(head[layoutMonoOffset:]); mono != 0 {
		reg.Layout.PackageAndVersion = readRStr(mem(uintptr(mono)+monoPackageOffset, 16))
	}
	if reg.Layout.Size != sizeRegistration || reg.Layout.AlignmentPowerOf2 != 3 {
		// The real host's abi_stable check refuses here, before calling register.
		return &reg, nil
	}

	phase("mcpg_plugin_register")
	registerFn, err := purego.Dlsym(lib, "mcpg_plugin_register")
	if err != nil {
		return nil, errors.New("missing mcpg_plugin_register symbol — not an MCPG plugin cdylib")
	}
	// The 240-byte PluginRegistration comes back through the hidden sret pointer in rdi.
	out := new([sizeRegistration / 8]uint64)
	purego.SyscallN(registerFn, uintptr(unsafe.Pointer(out)))
	runtime.KeepAlive(out)
	phase("decode")
	raw := unsafe.Slice((*byte)(unsafe.Pointer(out)), sizeRegistration)
	decodeRegistration(raw, &reg)
	return &reg, nil
}

func decodeRegistration(b []byte, reg *registration) {
	reg.ABIVersion = binary.LittleEndian.Uint32(b)
	reg.PluginID = readRString(b[8:])
	reg.PluginVersion = readRString(b[40:])
	reg.ModulePathPrefix = readRString(b[72:])
	ptr, n := vec(b[104:])
	for i := range n {
		e := mem(ptr+uintptr(i)*sizeEntity, 40)
		info := entityInfo{Tag: e[0], InnerName: readRString(e[8:])}
		if int(info.Tag) < len(entityKinds) {
			info.Kind = entityKinds[info.Tag]
		}
		reg.Entities = append(reg.Entities, info)
	}
	ptr, n = vec(b[136:])
	for i := range n {
		c := mem(ptr+uintptr(i)*sizeCapability, sizeCapability)
		reg.Capabilities = append(reg.Capabilities, capability{Kind: readRString(c), ArgsJSON: readRString(c[32:])})
	}
	if b[168] == 0 { // ROption tag 0 is RSome
		s := readRString(b[176:])
		reg.BackendProfile = &s
	}
	reg.DescriptorYAML = readRString(b[208:])
}

// vec returns an RVec's buffer and length, capped so a corrupt length cannot run away.
func vec(b []byte) (uintptr, int) {
	ptr := uintptr(binary.LittleEndian.Uint64(b))
	n := binary.LittleEndian.Uint64(b[8:])
	return ptr, int(min(n, maxPluginVec))
}

// readRString copies the bytes of the RString at b; an RStr has the same first two words.
func readRString(b []byte) string { return readRStr(b) }

// readRStr copies the bytes of the RStr at b; an implausible length reads as "".
func readRStr(b []byte) string {
	ptr := uintptr(binary.LittleEndian.Uint64(b))
	n := binary.LittleEndian.Uint64(b[8:])
	if n == 0 || ptr == 0 || n > maxPluginString {
		return ""
	}
	return string(mem(ptr, int(n)))
}

// mem views n bytes of plugin memory at addr. A wild pointer faults the worker, which the parent
// reports as a crash.
func mem(addr uintptr, n int) []byte {
	return unsafe.Slice(*(**byte)(unsafe.Pointer(&addr)), n)
}

// mappedBytes is the worker's current virtual size (Linux /proc/self/statm), 0 where unknown.
func mappedBytes() uint64 {
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	pages, err := strconv.ParseUint(string(bytes.Fields(statm)[0]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}
