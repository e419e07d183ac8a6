// Package artifact holds the static checks a packager can run on plugin artifacts before the
// gateway ever sees them (docs/contract.md §8): a native library is a shared object for the labelled
// platform that exports the two entry points, a .wasm is a component, and the artifact embeds the
// plugin.yaml it is packed with. Nothing here executes the artifact.
package artifact

import (
	"bufio"
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
)

// Exports are the symbols the gateway resolves in every native plugin (docs/contract.md §0).
var Exports = []string{"mcpg_plugin_register", "mcpg_plugin_abi_layout"}

// Formats of native libraries.
const (
	FormatELF   = "elf"
	FormatMachO = "mach-o"
	FormatPE    = "pe"
)

// recoverPanics is switched off by the fuzz test, so that a panic is found rather than hidden.
var recoverPanics = true

// maxTable bounds any symbol or string table read into memory, so a hostile header cannot make
// a check allocate without limit (real plugins have tables of a few hundred KiB).
const maxTable = 64 << 20

// Native describes a native library as far as the gateway cares.
type Native struct {
	Format  string   // FormatELF, FormatMachO or FormatPE
	OS      string   // linux, darwin or windows: what the format implies
	Arches  []string // amd64 / arm64 for each slice the file holds (several for a universal Mach-O); "" for another machine
	Machine []string // machine names for messages ("x86-64", "aarch64", "EM_RISCV", …), parallel to Arches
	Libc    string   // ELF only: "glibc", "musl" or "" (no libc dependency seen)
	Missing []string // entries of Exports that are not exported (per slice, merged)
}

// CheckNative checks that the size bytes of r are a shared library for goos/arch (docs/contract.md §8.3:
// linux ↔ ELF, darwin ↔ Mach-O, windows ↔ PE; amd64 ↔ x86-64, arm64 ↔ aarch64; "musl-amd64" and
// "musl-arm64" also require a musl libc dependency, plain arches refuse one) that exports
// mcpg_plugin_register and mcpg_plugin_abi_layout. Errors read as a finding about the file,
// without its name: the caller prefixes it.
func CheckNative(r io.ReaderAt, size int64, goos, arch string) error {
	n, err := InspectNative(r, size)
	if err != nil {
		return err
	}
	return n.Check(goos, arch)
}

// Check compares the library with the platform it is labelled with and reports missing exports.
func (n *Native) Check(goos, arch string) error {
	wantOS := map[string]string{FormatELF: "linux", FormatMachO: "darwin", FormatPE: "windows"}[n.Format]
	switch goos {
	case "linux", "darwin", "windows":
	default:
		return fmt.Errorf("cannot check a native library for --os %q: expected linux, darwin or windows", goos)
	}
	if goos != wantOS {
		return fmt.Errorf("is a %s library, but it is labelled --os %s (expected --os %s)", describeFormat(n.Format), goos, wantOS)
	}
	libc, machineArch, _ := strings.Cut(arch, "-")
	if machineArch == "" {
		libc, machineArch = "", arch
	}
	switch {
	case machineArch != "amd64" && machineArch != "arm64":
		return fmt.Errorf("cannot check a native library for --arch %q: expected amd64, arm64, musl-amd64 or musl-arm64", arch)
	case libc != "" && (libc != "musl" || goos != "linux"):
		return fmt.Errorf("cannot check a native library for --arch %q: a libc prefix is only meaningful as musl-amd64 or musl-arm64 on linux", arch)
	}
	if !slices.Contains(n.Arches, machineArch) {
		return fmt.Errorf("is built for %s, but it is labelled --arch %s (expected %s)", strings.Join(n.Machine, ", "), arch, machineName(n.Format, machineArch))
	}
	if n.Format == FormatELF {
		switch {
		case libc == "musl" && n.Libc == "glibc":
			return fmt.Errorf("links glibc (needs libc.so.6), but it is labelled --arch %s", arch)
		case libc == "" && n.Libc == "musl":
			return hint.Wrap(fmt.Errorf("links musl libc, but it is labelled --arch %s (glibc)", arch), "label it --arch musl-"+machineArch)
		}
	}
	if len(n.Missing) > 0 {
		return hint.Wrap(fmt.Errorf("does not export %s (every native plugin exports %s)",
			strings.Join(n.Missing, " and "), strings.Join(Exports, " and ")), "build it with declare_plugin! as a cdylib")
	}
	return nil
}

// LoadableOn reports why a process on goos/goarch (runtime.GOOS, runtime.GOARCH) cannot load the
// library, or nil: dlopen's own error for another platform's file can be as unhelpful as "cannot
// open shared object file: No such file or directory". Only the format and machine are compared;
// exports and libc are Check's business.
func (n *Native) LoadableOn(goos, goarch string) error {
	wantFormat := map[string]string{"linux": FormatELF, "darwin": FormatMachO, "windows": FormatPE}[goos]
	if n.Format == wantFormat && slices.Contains(n.Arches, goarch) {
		return nil
	}
	here := machineName(wantFormat, goarch)
	if wantFormat == "" {
		here = goarch
	}
	return fmt.Errorf("is a %s library for %s, but this machine runs %s on %s: it can only be loaded there",
		describeFormat(n.Format), strings.Join(n.Machine, ", "), goos, here)
}

// The advice for a file that is not a loadable library, attached as hints (see shared/hint).
const (
	buildCdylib = `build the plugin crate as crate-type = ["cdylib"]`
	linkShared  = "link it with -shared"
)

// InspectNative identifies a shared library and reads its exports. It fails on anything that
// cannot be a loadable plugin whatever the label: an unknown format, an executable or object
// file, a missing dynamic symbol table. It never panics, even on hostile input.
func InspectNative(r io.ReaderAt, size int64) (n *Native, err error) {
	if recoverPanics {
		defer func() {
			if p := recover(); p != nil { // the debug/* parsers are robust, but stay safe on hostile files
				n, err = nil, fmt.Errorf("is a malformed executable file (%v)", p)
			}
		}()
	}
	var magic [4]byte
	if size < 4 {
		return nil, fmt.Errorf("is not a native library: only %d bytes", size)
	}
	if _, err := r.ReadAt(magic[:], 0); err != nil {
		return nil, readErr(err)
	}
	sr := io.NewSectionReader(r, 0, size)
	switch {
	case string(magic[:]) == elf.ELFMAG:
		return inspectELF(sr)
	case isMachO(magic):
		return inspectMachO(sr, magic)
	case magic[0] == 'M' && magic[1] == 'Z':
		return inspectPE(sr)
	case string(magic[:]) == "\x00asm":
		return nil, hint.Wrap(errors.New("is WebAssembly, not a native library"), "a .wasm artifact packs as plugin.wasm with runtime wasi-v1")
	}
	return nil, fmt.Errorf("is not a native library: expected an ELF, Mach-O or PE header, found bytes %x", magic)
}

func readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("is truncated")
	}
	return err
}

func describeFormat(f string) string {
	return map[string]string{FormatELF: "Linux (ELF)", FormatMachO: "macOS (Mach-O)", FormatPE: "Windows (PE)"}[f]
}

func machineName(format, arch string) string {
	switch {
	case format == FormatELF && arch == "amd64":
		return "x86-64"
	case format == FormatELF && arch == "arm64":
		return "aarch64"
	}
	return arch
}

// ---- ELF ----

func inspectELF(sr *io.SectionReader) (*Native, error) {
	f, err := elf.NewFile(sr)
	if err != nil {
		return nil, fmt.Errorf("is a malformed ELF file (%v)", err)
	}
	switch f.Type {
	case elf.ET_DYN:
	case elf.ET_EXEC:
		return nil, hint.Wrap(errors.New("is an ELF executable, not a shared library"), buildCdylib)
	case elf.ET_REL:
		return nil, hint.Wrap(errors.New("is an ELF object file, not a shared library"), linkShared)
	default:
		return nil, fmt.Errorf("is an ELF file of type %v, not a shared library", f.Type)
	}
	if flags, _ := f.DynValue(elf.DT_FLAGS_1); len(flags) > 0 && flags[0]&uint64(elf.DF_1_PIE) != 0 {
		return nil, hint.Wrap(errors.New("is a position-independent executable, not a shared library"), linkShared)
	}
	n := &Native{Format: FormatELF, OS: "linux"}
	switch f.Machine {
	case elf.EM_X86_64:
		n.Arches, n.Machine = []string{"amd64"}, []string{"x86-64"}
	case elf.EM_AARCH64:
		n.Arches, n.Machine = []string{"arm64"}, []string{"aarch64"}
	default:
		n.Arches, n.Machine = []string{""}, []string{strings.TrimPrefix(f.Machine.String(), "EM_")}
	}
	if libs, err := f.ImportedLibraries(); err == nil {
		for _, l := range libs {
			switch {
			case strings.HasPrefix(l, "libc.musl-"):
				n.Libc = "musl"
			case l == "libc.so.6":
				n.Libc = "glibc"
			}
		}
	}
	found, err := elfExports(f)
	if err != nil {
		return nil, err
	}
	n.Missing = missing(found)
	return n, nil
}

// elfExports scans the dynamic symbol table for defined, visible global or weak symbols named in
// Exports, streaming the table instead of materialising every symbol.
func elfExports(f *elf.File) (map[string]bool, error) {
	dynsym := f.SectionByType(elf.SHT_DYNSYM)
	if dynsym == nil || dynsym.Size == 0 {
		return nil, errors.New("has no dynamic symbol table, so it exports nothing the gateway can load")
	}
	if int(dynsym.Link) >= len(f.Sections) || dynsym.Link == 0 {
		return nil, errors.New("is a malformed ELF file (the dynamic symbol table has no string table)")
	}
	strSec := f.Sections[dynsym.Link]
	if strSec.Size > maxTable || dynsym.Size > maxTable {
		return nil, fmt.Errorf("is a malformed ELF file (dynamic symbol tables of %d and %d bytes)", dynsym.Size, strSec.Size)
	}
	strtab, err := strSec.Data()
	if err != nil {
		return nil, fmt.Errorf("is a malformed ELF file (dynamic string table: %v)", err)
	}
	entSize := 24
	if f.Class == elf.ELFCLASS32 {
		entSize = 16
	}
	br := bufio.NewReaderSize(dynsym.Open(), 64<<10)
	ent := make([]byte, entSize)
	found := map[string]bool{}
	for {
		if _, err := io.ReadFull(br, ent); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				break
			}
			return nil, fmt.Errorf("is a malformed ELF file (dynamic symbol table: %v)", err)
		}
		var name uint32
		var info, other byte
		var shndx uint16
		name = f.ByteOrder.Uint32(ent[0:4])
		if entSize == 24 {
			info, other, shndx = ent[4], ent[5], f.ByteOrder.Uint16(ent[6:8])
		} else {
			info, other, shndx = ent[12], ent[13], f.ByteOrder.Uint16(ent[14:16])
		}
		bind, vis := elf.SymBind(info>>4), elf.SymVis(other&3)
		if shndx == uint16(elf.SHN_UNDEF) || (bind != elf.STB_GLOBAL && bind != elf.STB_WEAK) ||
			(vis != elf.STV_DEFAULT && vis != elf.STV_PROTECTED) {
			continue
		}
		if s := cString(strtab, int(name)); s != "" && slices.Contains(Exports, s) {
			found[s] = true
		}
	}
	return found, nil
}

func cString(tab []byte, off int) string {
	if off < 0 || off >= len(tab) {
		return ""
	}
	end := bytes.IndexByte(tab[off:], 0)
	if end < 0 {
		return ""
	}
	return string(tab[off : off+end])
}

func missing(found map[string]bool) []string {
	var m []string
	for _, e := range Exports {
		if !found[e] {
			m = append(m, e)
		}
	}
	return m
}

// ---- Mach-O ----

func isMachO(m [4]byte) bool {
	be, le := binary.BigEndian.Uint32(m[:]), binary.LittleEndian.Uint32(m[:])
	return le == macho.Magic32 || le == macho.Magic64 || be == macho.Magic32 || be == macho.Magic64 || be == macho.MagicFat
}

func inspectMachO(sr *io.SectionReader, magic [4]byte) (*Native, error) {
	var files []*macho.File
	if binary.BigEndian.Uint32(magic[:]) == macho.MagicFat {
		ff, err := macho.NewFatFile(sr)
		if err != nil {
			return nil, fmt.Errorf("is a malformed universal Mach-O file (%v)", err)
		}
		for _, a := range ff.Arches {
			files = append(files, a.File)
		}
	} else {
		f, err := macho.NewFile(sr)
		if err != nil {
			return nil, fmt.Errorf("is a malformed Mach-O file (%v)", err)
		}
		files = append(files, f)
	}
	n := &Native{Format: FormatMachO, OS: "darwin"}
	seenMissing := map[string]bool{}
	for _, f := range files {
		if f.Type != macho.TypeDylib && f.Type != macho.TypeBundle {
			return nil, hint.Wrap(fmt.Errorf("is a Mach-O %v, not a dynamic library", f.Type), buildCdylib)
		}
		switch f.Cpu {
		case macho.CpuAmd64:
			n.Arches, n.Machine = append(n.Arches, "amd64"), append(n.Machine, "x86-64")
		case macho.CpuArm64:
			n.Arches, n.Machine = append(n.Arches, "arm64"), append(n.Machine, "arm64")
		default:
			n.Arches, n.Machine = append(n.Arches, ""), append(n.Machine, strings.TrimPrefix(f.Cpu.String(), "Cpu"))
		}
		found := map[string]bool{}
		if f.Symtab != nil {
			for _, s := range f.Symtab.Syms {
				// Exported: external, defined in a section, not a debugging entry.
				if s.Type&0xe0 == 0 && s.Type&0x01 != 0 && s.Type&0x0e == 0x0e {
					if name, ok := strings.CutPrefix(s.Name, "_"); ok && slices.Contains(Exports, name) {
						found[name] = true
					}
				}
			}
		}
		for _, m := range missing(found) {
			if !seenMissing[m] {
				seenMissing[m] = true
				n.Missing = append(n.Missing, m)
			}
		}
	}
	return n, nil
}

// ---- PE ----

// inspectPE checks the COFF header (DLL flag, machine) and reads the names in the export
// directory; it does not follow forwarders or ordinals-only exports.
func inspectPE(sr *io.SectionReader) (*Native, error) {
	f, err := pe.NewFile(sr)
	if err != nil {
		return nil, fmt.Errorf("is a malformed PE file (%v)", err)
	}
	if f.Characteristics&pe.IMAGE_FILE_DLL == 0 {
		return nil, hint.Wrap(errors.New("is a PE executable, not a DLL"), buildCdylib)
	}
	n := &Native{Format: FormatPE, OS: "windows"}
	switch f.Machine {
	case pe.IMAGE_FILE_MACHINE_AMD64:
		n.Arches, n.Machine = []string{"amd64"}, []string{"x86-64"}
	case pe.IMAGE_FILE_MACHINE_ARM64:
		n.Arches, n.Machine = []string{"arm64"}, []string{"arm64"}
	default:
		n.Arches, n.Machine = []string{""}, []string{fmt.Sprintf("machine 0x%04x", f.Machine)}
	}
	var dir pe.DataDirectory
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		if oh.NumberOfRvaAndSizes > pe.IMAGE_DIRECTORY_ENTRY_EXPORT {
			dir = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_EXPORT]
		}
	case *pe.OptionalHeader32:
		if oh.NumberOfRvaAndSizes > pe.IMAGE_DIRECTORY_ENTRY_EXPORT {
			dir = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_EXPORT]
		}
	}
	found := map[string]bool{}
	if dir.VirtualAddress != 0 {
		names, err := peExportNames(f, dir.VirtualAddress)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			if slices.Contains(Exports, name) {
				found[name] = true
			}
		}
	}
	n.Missing = missing(found)
	return n, nil
}

// peExportNames reads the export directory's name table (IMAGE_EXPORT_DIRECTORY.AddressOfNames).
func peExportNames(f *pe.File, rva uint32) ([]string, error) {
	// readAt reads up to len(p) bytes at rva, stopping at the end of the section holding it.
	readAt := func(rva uint32, p []byte) (int, error) {
		for _, s := range f.Sections {
			end := uint64(s.VirtualAddress) + uint64(max(s.VirtualSize, s.Size))
			if rva >= s.VirtualAddress && uint64(rva) < end {
				n := min(uint64(len(p)), end-uint64(rva))
				k, err := s.ReadAt(p[:n], int64(rva-s.VirtualAddress))
				if k > 0 {
					err = nil
				}
				return k, err
			}
		}
		return 0, fmt.Errorf("RVA 0x%x is outside every section", rva)
	}
	readFull := func(rva uint32, p []byte) error {
		n, err := readAt(rva, p)
		if err == nil && n < len(p) {
			err = fmt.Errorf("table at RVA 0x%x runs past its section", rva)
		}
		return err
	}
	bad := func(err error) error { return fmt.Errorf("is a malformed PE file (export directory: %v)", err) }
	var hdr [40]byte
	if err := readFull(rva, hdr[:]); err != nil {
		return nil, bad(err)
	}
	count := binary.LittleEndian.Uint32(hdr[24:28])
	namesRVA := binary.LittleEndian.Uint32(hdr[32:36])
	if count > maxTable/4 {
		return nil, bad(fmt.Errorf("%d names", count))
	}
	ptrs := make([]byte, 4*count)
	if err := readFull(namesRVA, ptrs); err != nil {
		return nil, bad(err)
	}
	names := make([]string, 0, count)
	buf := make([]byte, 64) // the names we look for are short: a longer name cannot match
	for i := range count {
		clear(buf)
		n, _ := readAt(binary.LittleEndian.Uint32(ptrs[4*i:]), buf)
		names = append(names, cString(append(buf[:n:n], 0), 0))
	}
	return names, nil
}
