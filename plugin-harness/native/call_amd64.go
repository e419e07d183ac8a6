//go:build linux || darwin

package native

// System V x86-64 (linux and darwin): the placement rules of abi.go's sysV and the trampoline
// bigcall_amd64.s, which loads rdi…r9 from frame.regs[0:6] (docs/native-abi.md §6.1).
var conv = sysV
