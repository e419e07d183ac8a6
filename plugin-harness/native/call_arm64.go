//go:build linux || darwin

package native

// AAPCS64 (linux/arm64; darwin/arm64 places these signatures the same way, docs/native-abi.md
// §6.1): the placement rules of abi.go's aapcs64 and the trampoline bigcall_arm64.s, which loads
// x0–x7 from frame.regs and x8 from frame.x8.
var conv = aapcs64
