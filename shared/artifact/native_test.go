package artifact

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
)

const fixtureYAML = `schema: mcpg.dev/plugin/v1
id: dev.mcpg.circuit-breaker
name: Circuit Breaker
class: tool_gate
runtime: native-cdylib-v1
protocol_version: "1.0"
`

// buildC compiles testdata/plugin.c with cc in a directory holding yaml as plugin.yaml.
func buildC(t testing.TB, yaml string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("cc"); err != nil || runtime.GOOS != "linux" {
		t.Skip("needs cc on linux")
	}
	dir := t.TempDir()
	src, _ := filepath.Abs("testdata/plugin.c")
	os.WriteFile(filepath.Join(dir, "plugin.yaml"), []byte(yaml), 0o644)
	cmd := exec.Command("cc", append(append([]string{"-fPIC"}, args...), "-o", "out", src)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cc %v: %v\n%s", args, err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hostELFArch(t testing.TB) string {
	switch runtime.GOARCH {
	case "amd64", "arm64":
		return runtime.GOARCH
	}
	t.Skip("host is neither amd64 nor arm64")
	return ""
}

func check(b []byte, goos, arch string) error {
	return CheckNative(bytes.NewReader(b), int64(len(b)), goos, arch)
}

func wantErr(t *testing.T, name string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: unexpected error %v", name, err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("%s:\n got  %v\n want error containing %q", name, err, want)
	}
}

func TestCheckNativeELF(t *testing.T) {
	arch := hostELFArch(t)
	good := buildC(t, fixtureYAML, "-shared")
	other := map[string]string{"amd64": "arm64", "arm64": "amd64"}[arch]
	wantErr(t, "good", check(good, "linux", arch), "")
	wantErr(t, "wrong arch", check(good, "linux", other), "it is labelled --arch "+other)
	wantErr(t, "musl label on glibc", check(good, "linux", "musl-"+arch), "links glibc")
	wantErr(t, "darwin label", check(good, "darwin", arch), "is a Linux (ELF) library, but it is labelled --os darwin (expected --os linux)")
	wantErr(t, "bad os", check(good, "plan9", arch), `for --os "plan9"`)
	wantErr(t, "bad arch", check(good, "linux", "386"), `for --arch "386"`)
	wantErr(t, "missing export", check(buildC(t, fixtureYAML, "-shared", "-DNO_LAYOUT"), "linux", arch), "does not export mcpg_plugin_abi_layout")
	wantErr(t, "hidden export", check(buildC(t, fixtureYAML, "-shared", "-fvisibility=hidden"), "linux", arch), "does not export mcpg_plugin_register and mcpg_plugin_abi_layout")
	wantErr(t, "executable", check(buildC(t, fixtureYAML, "-no-pie", "-DWITH_MAIN"), "linux", arch), "is an ELF executable, not a shared library")
	wantErr(t, "pie", check(buildC(t, fixtureYAML, "-pie", "-DWITH_MAIN"), "linux", arch), "position-independent executable")
	wantErr(t, "object", check(buildC(t, fixtureYAML, "-c"), "linux", arch), "is an ELF object file")
	wantErr(t, "truncated", check(good[:200], "linux", arch), "malformed ELF")

	// Relabel the machine: the headers still parse, the arch check must follow e_machine.
	patched := bytes.Clone(good)
	binary.LittleEndian.PutUint16(patched[18:], uint16(map[string]elf.Machine{"amd64": elf.EM_AARCH64, "arm64": elf.EM_X86_64}[arch]))
	wantErr(t, "patched machine", check(patched, "linux", other), "")
	binary.LittleEndian.PutUint16(patched[18:], uint16(elf.EM_RISCV))
	wantErr(t, "riscv", check(patched, "linux", arch), "is built for RISCV")

	n, err := InspectNative(bytes.NewReader(good), int64(len(good)))
	if err != nil || n.Format != FormatELF || n.OS != "linux" || n.Libc != "glibc" || len(n.Missing) != 0 {
		t.Errorf("InspectNative = %+v, %v", n, err)
	}
}

func TestCheckNativeNotNative(t *testing.T) {
	wantErr(t, "wasm", check([]byte("\x00asm\x0d\x00\x01\x00"), "linux", "amd64"), "is WebAssembly, not a native library")
	wantErr(t, "text", check([]byte("#!/bin/sh\necho hi\n"), "linux", "amd64"), "expected an ELF, Mach-O or PE header")
	wantErr(t, "tiny", check([]byte("ab"), "linux", "amd64"), "only 2 bytes")
	wantErr(t, "java class", check([]byte("\xca\xfe\xba\xbe\x00\x00\x00\x34rest"), "darwin", "amd64"), "malformed universal Mach-O")
}

// machO builds a minimal 64-bit Mach-O with an LC_SYMTAB holding the given external symbols.
func machO(cpu macho.Cpu, typ macho.Type, syms ...string) []byte {
	var strtab bytes.Buffer
	strtab.WriteByte(0)
	var symtab bytes.Buffer
	le := binary.LittleEndian
	for _, s := range syms {
		binary.Write(&symtab, le, macho.Nlist64{Name: uint32(strtab.Len()), Type: 0x0f, Sect: 1, Value: 0x1000})
		strtab.WriteString(s + "\x00")
	}
	const hdr, cmd = 32, 24
	var b bytes.Buffer
	binary.Write(&b, le, macho.FileHeader{Magic: macho.Magic64, Cpu: cpu, SubCpu: 3, Type: typ, Ncmd: 1, Cmdsz: cmd})
	binary.Write(&b, le, uint32(0)) // reserved
	binary.Write(&b, le, macho.SymtabCmd{Cmd: macho.LoadCmdSymtab, Len: cmd, Symoff: hdr + cmd, Nsyms: uint32(len(syms)),
		Stroff: uint32(hdr + cmd + symtab.Len()), Strsize: uint32(strtab.Len())})
	b.Write(symtab.Bytes())
	b.Write(strtab.Bytes())
	return b.Bytes()
}

func TestCheckNativeMachO(t *testing.T) {
	good := machO(macho.CpuArm64, macho.TypeDylib, "_mcpg_plugin_register", "_mcpg_plugin_abi_layout", "_other")
	wantErr(t, "good", check(good, "darwin", "arm64"), "")
	wantErr(t, "wrong arch", check(good, "darwin", "amd64"), "is built for arm64, but it is labelled --arch amd64")
	wantErr(t, "linux label", check(good, "linux", "arm64"), "is a macOS (Mach-O) library")
	wantErr(t, "missing", check(machO(macho.CpuAmd64, macho.TypeDylib, "_mcpg_plugin_register"), "darwin", "amd64"), "does not export mcpg_plugin_abi_layout")
	wantErr(t, "no underscore", check(machO(macho.CpuAmd64, macho.TypeDylib, "mcpg_plugin_register", "mcpg_plugin_abi_layout"), "darwin", "amd64"), "does not export")
	wantErr(t, "executable", check(machO(macho.CpuAmd64, macho.TypeExec), "darwin", "amd64"), "not a dynamic library")
	wantErr(t, "musl on darwin", check(good, "darwin", "musl-arm64"), "only meaningful as musl-amd64 or musl-arm64 on linux")
}

// peDLL builds a minimal PE32+ image with one section holding an export directory.
func peDLL(machine uint16, characteristics uint16, exports ...string) []byte {
	const secRVA, secOff = 0x1000, 0x200
	le := binary.LittleEndian
	// Section content: export directory, name pointers, names.
	var sec bytes.Buffer
	dir := make([]byte, 40)
	le.PutUint32(dir[24:], uint32(len(exports)))
	le.PutUint32(dir[32:], secRVA+40)
	sec.Write(dir)
	namesAt := 40 + 4*len(exports)
	ptrs := make([]byte, 4*len(exports))
	var names bytes.Buffer
	for i, e := range exports {
		le.PutUint32(ptrs[4*i:], uint32(secRVA+namesAt+names.Len()))
		names.WriteString(e + "\x00")
	}
	sec.Write(ptrs)
	sec.Write(names.Bytes())

	var b bytes.Buffer
	dos := make([]byte, 0x40)
	copy(dos, "MZ")
	le.PutUint32(dos[0x3c:], 0x40)
	b.Write(dos)
	b.WriteString("PE\x00\x00")
	binary.Write(&b, le, pe.FileHeader{Machine: machine, NumberOfSections: 1, SizeOfOptionalHeader: 240, Characteristics: characteristics})
	oh := pe.OptionalHeader64{Magic: 0x20b, SectionAlignment: 0x1000, FileAlignment: 0x200, SizeOfImage: 0x2000, SizeOfHeaders: secOff, NumberOfRvaAndSizes: 16}
	oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_EXPORT] = pe.DataDirectory{VirtualAddress: secRVA, Size: uint32(sec.Len())}
	binary.Write(&b, le, oh)
	sh := pe.SectionHeader32{VirtualSize: uint32(sec.Len()), VirtualAddress: secRVA, SizeOfRawData: 0x200, PointerToRawData: secOff}
	copy(sh.Name[:], ".edata")
	binary.Write(&b, le, sh)
	b.Write(make([]byte, secOff-b.Len()))
	b.Write(sec.Bytes())
	b.Write(make([]byte, 0x200-sec.Len()))
	return b.Bytes()
}

func TestCheckNativePE(t *testing.T) {
	const dll = pe.IMAGE_FILE_DLL | pe.IMAGE_FILE_EXECUTABLE_IMAGE
	good := peDLL(pe.IMAGE_FILE_MACHINE_AMD64, dll, "helper", "mcpg_plugin_abi_layout", "mcpg_plugin_register")
	wantErr(t, "good", check(good, "windows", "amd64"), "")
	wantErr(t, "wrong arch", check(good, "windows", "arm64"), "labelled --arch arm64")
	wantErr(t, "linux label", check(good, "linux", "amd64"), "is a Windows (PE) library")
	wantErr(t, "missing", check(peDLL(pe.IMAGE_FILE_MACHINE_ARM64, dll, "mcpg_plugin_register"), "windows", "arm64"), "does not export mcpg_plugin_abi_layout")
	wantErr(t, "exe", check(peDLL(pe.IMAGE_FILE_MACHINE_AMD64, pe.IMAGE_FILE_EXECUTABLE_IMAGE), "windows", "amd64"), "not a DLL")
	wantErr(t, "truncated", check(good[:0x150], "windows", "amd64"), "malformed PE")
}

// Advice on how to build a loadable library is a hint beside the finding, not part of it.
func TestNativeAdviceIsAHint(t *testing.T) {
	dll := uint16(pe.IMAGE_FILE_DLL | pe.IMAGE_FILE_EXECUTABLE_IMAGE)
	for _, c := range []struct {
		name, msg, advice string
		err               error
	}{
		{"mach-o executable", "is a Mach-O Exec, not a dynamic library", `build the plugin crate as crate-type = ["cdylib"]`,
			check(machO(macho.CpuAmd64, macho.TypeExec), "darwin", "amd64")},
		{"pe executable", "is a PE executable, not a DLL", `build the plugin crate as crate-type = ["cdylib"]`,
			check(peDLL(pe.IMAGE_FILE_MACHINE_AMD64, pe.IMAGE_FILE_EXECUTABLE_IMAGE), "windows", "amd64")},
		{"missing export", "does not export mcpg_plugin_abi_layout (every native plugin exports mcpg_plugin_register and mcpg_plugin_abi_layout)",
			"build it with declare_plugin! as a cdylib", check(peDLL(pe.IMAGE_FILE_MACHINE_ARM64, dll, "mcpg_plugin_register"), "windows", "arm64")},
		{"wasm", "is WebAssembly, not a native library", "a .wasm artifact packs as plugin.wasm with runtime wasi-v1",
			check([]byte("\x00asm\x0d\x00\x01\x00"), "linux", "amd64")},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil || c.err.Error() != c.msg || hint.Of(c.err) != c.advice {
				t.Errorf("got %v (hint %q)\nwant %s (hint %q)", c.err, hint.Of(c.err), c.msg, c.advice)
			}
		})
	}
}

func TestLoadableOn(t *testing.T) {
	arm := &Native{Format: FormatELF, OS: "linux", Arches: []string{"arm64"}, Machine: []string{"aarch64"}}
	if err := arm.LoadableOn("linux", "arm64"); err != nil {
		t.Errorf("arm64 library on linux/arm64: %v", err)
	}
	want := "is a Linux (ELF) library for aarch64, but this machine runs linux on x86-64: it can only be loaded there"
	if err := arm.LoadableOn("linux", "amd64"); err == nil || err.Error() != want {
		t.Errorf("arm64 library on linux/amd64: %v, want %q", err, want)
	}
	if err := arm.LoadableOn("darwin", "arm64"); err == nil || !strings.Contains(err.Error(), "this machine runs darwin on arm64") {
		t.Errorf("ELF on darwin: %v", err)
	}
}
