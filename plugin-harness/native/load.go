//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/ebitengine/purego"
)

// PluginRegistration sizes and offsets of ABI v2 (docs/native-abi.md §1.2, §1.4, §2.3).
const (
	sizeRegistration  = 240
	sizeEntity        = 224
	sizeCapability    = 64
	entityVTable      = 40
	layoutNonZeroOff  = 16
	layoutAlignOffset = 17
	layoutSizeOffset  = 24
	layoutMonoOffset  = 8
	monoPackageOffset = 32
	regPluginID       = 8
	regPluginVersion  = 40
	regModulePath     = 72
	regEntities       = 104
	regCapabilities   = 136
	regBackendProfile = 168
	regDescriptor     = 208
)

// Library is a loaded plugin: its registration stays in this buffer because the vtables the
// entities point at are read from it; the library is never closed (the worker exits instead).
type Library struct {
	handle uintptr   // dlopen's; only the benchmarks dlclose it
	reg    []uintptr // the 240-byte PluginRegistration
	alloc  *alloc
	Reg    *Registration
}

// RuntimeHeadroom is address space kept for the Go runtime on top of a memory limit: it reserves a
// 64 MiB heap arena or an 8 MiB thread stack whenever it needs one, at moments the plugin does not
// choose, and a limit without this slack fails dlopen itself on a busy machine.
const RuntimeHeadroom = 256 << 20

// LimitMemory caps the address space the plugin may add to this process.
func LimitMemory(extra uint64) error {
	// The Go runtime has already reserved address space it may never touch; the limit is on what
	// the plugin adds on top of it (and the runtime's own headroom).
	limit := mappedBytes() + RuntimeHeadroom + extra
	lim := syscall.Rlimit{Cur: limit, Max: limit}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &lim); err != nil {
		return fmt.Errorf("cannot limit the worker's address space: %v", err)
	}
	return nil
}

// Open runs the gateway's load sequence from dlopen to the decoded registration (docs/native-abi.md §1.3 steps 3–6).
// A layout that fails the guards returns the registration with only Layout filled in: the real
// host refuses before calling register, and so does the caller.
func Open(path string, phase func(string)) (*Library, error) {
	phase("dlopen")
	handle, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("dlopen %s: %v", path, err)
	}
	phase("mcpg_plugin_abi_layout")
	layoutFn, err := purego.Dlsym(handle, "mcpg_plugin_abi_layout")
	if err != nil {
		return nil, errors.New("missing mcpg_plugin_abi_layout symbol — plugin predates the ABI type-identity check " +
			"or was built against an incompatible MCPG protocol; rebuild it against this host")
	}
	lib := &Library{handle: handle, Reg: &Registration{}}
	reg := lib.Reg
	layout := callWords(layoutFn)
	if layout == 0 {
		return nil, errors.New("plugin returned a null ABI layout descriptor (mcpg_plugin_abi_layout)")
	}
	reg.Layout = readLayout(layout)
	if reg.Layout.Problem != "" || reg.Layout.Size != sizeRegistration || reg.Layout.AlignmentPowerOf2 != 3 {
		return lib, nil
	}

	phase("mcpg_plugin_register")
	registerFn, err := purego.Dlsym(handle, "mcpg_plugin_register")
	if err != nil {
		return nil, errors.New("missing mcpg_plugin_register symbol — not an MCPG plugin cdylib")
	}
	c := registerCall.prepare()
	c.call(registerFn) // 240 bytes come back through sret
	lib.reg = c.sret
	phase("decode")
	lib.decode()
	return lib, nil
}

// readLayout reads the TypeLayout prefix the guards need (docs/native-abi.md §1.4) in offset order,
// and stops at the first value no abi_stable TypeLayout holds: past that point the memory need not
// be a TypeLayout at all — a hand-written stand-in's struct may end early, and reading on would
// report whatever bytes follow it (different on every run). Layout.Problem then says what was found.
func readLayout(layout uintptr) Layout {
	var l Layout
	mono := word(layout + layoutMonoOffset)
	if mono == 0 {
		l.Problem = "its TypeLayout has a null mono pointer (offset 8)"
		return l
	}
	if b := byteAt(layout + layoutNonZeroOff); b > 1 {
		l.Problem = fmt.Sprintf("its TypeLayout's is_nonzero (offset 16) is %d, not a bool", b)
		return l
	}
	l.AlignmentPowerOf2 = byteAt(layout + layoutAlignOffset)
	if l.AlignmentPowerOf2 > 63 {
		l.Problem = fmt.Sprintf("its TypeLayout's alignment_power_of_two (offset 17) is %d, beyond any alignment", l.AlignmentPowerOf2)
		return l
	}
	l.Size = uint64(word(layout + layoutSizeOffset))
	if l.Size%(uint64(1)<<l.AlignmentPowerOf2) != 0 {
		l.Problem = fmt.Sprintf("its TypeLayout's size (offset 24) is %d bytes, not a multiple of its alignment 2^%d",
			l.Size, l.AlignmentPowerOf2)
		return l
	}
	pkg, err := readString(mono + monoPackageOffset)
	if err != nil {
		l.Problem = fmt.Sprintf("its TypeLayout's package_and_version (mono+32) is unreadable: %v", err)
		return l
	}
	l.PackageAndVersion = pkg
	if !plausiblePackage(pkg) {
		l.Problem = fmt.Sprintf("its TypeLayout's package_and_version is %q, not <crate>;<version>", clip(pkg))
	}
	return l
}

// plausiblePackage holds for what abi_stable records: a crate name, ';', a version.
func plausiblePackage(s string) bool {
	name, version, ok := strings.Cut(s, ";")
	if !ok || name == "" || version == "" {
		return false
	}
	for _, r := range name {
		if r != '-' && r != '_' && !('a' <= r && r <= 'z') && !('A' <= r && r <= 'Z') && !('0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

func (l *Library) base() uintptr { return addrOf(l.reg) }

func (l *Library) decode() {
	b, reg := l.base(), l.Reg
	str := func(off uintptr, field string) string {
		s, err := readString(b + off)
		if err != nil {
			reg.Problems = append(reg.Problems, fmt.Sprintf("registration %s: %v", field, err))
		}
		return s
	}
	reg.ABIVersion = uint32(word(b))
	reg.PluginID = str(regPluginID, "plugin_id")
	reg.PluginVersion = str(regPluginVersion, "plugin_version")
	reg.ModulePathPrefix = str(regModulePath, "module_path_prefix")
	ptr, n, err := vecElems(b + regEntities)
	if err != nil {
		reg.Problems = append(reg.Problems, "registration entities: "+err.Error())
	}
	for i := range n {
		e := ptr + uintptr(i*sizeEntity)
		info := Entity{Tag: byteAt(e)}
		info.InnerName, err = readString(e + 8)
		if err != nil {
			reg.Problems = append(reg.Problems, fmt.Sprintf("registration entities[%d].inner_name: %v", i, err))
		}
		if int(info.Tag) < len(EntityKinds) {
			info.Kind = EntityKinds[info.Tag]
		}
		reg.Entities = append(reg.Entities, info)
	}
	ptr, n, err = vecElems(b + regCapabilities)
	if err != nil {
		reg.Problems = append(reg.Problems, "registration capabilities: "+err.Error())
	}
	for i := range n {
		c := ptr + uintptr(i*sizeCapability)
		kind, err1 := readString(c)
		args, err2 := readString(c + sizeRString)
		if err := firstErr(err1, err2); err != nil {
			reg.Problems = append(reg.Problems, fmt.Sprintf("registration capabilities[%d]: %v", i, err))
		}
		reg.Capabilities = append(reg.Capabilities, Capability{Kind: kind, ArgsJSON: args})
	}
	if byteAt(b+regBackendProfile) == optionSome {
		s := str(regBackendProfile+8, "backend_profile_json")
		reg.BackendProfile = &s
	}
	reg.DescriptorYAML = str(regDescriptor, "descriptor_yaml")
	if reg.ABIVersion == ABIVersion {
		// The plugin_id RString carries the plugin's own RVec<u8> vtable: every string the
		// harness hands over is built with it (recipe B2).
		l.alloc = newAlloc(word(b + regPluginID + 24))
	}
}

// Close drops the registration's strings and vectors, as the gateway does before unloading
// (it never unloads here). Entities' vtables are unusable afterwards.
func (l *Library) Close() {
	if l.reg == nil || l.Reg.ABIVersion != ABIVersion {
		return
	}
	b := l.base()
	for _, off := range []uintptr{regPluginID, regPluginVersion, regModulePath, regEntities, regCapabilities, regDescriptor} {
		drop(b + off)
	}
	if byteAt(b+regBackendProfile) == optionSome {
		drop(b + regBackendProfile + 8)
	}
	l.reg = nil
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

// ErrUnsupported is never returned on this platform.
var ErrUnsupported error
