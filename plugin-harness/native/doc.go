// Package native loads an MCPG native plugin (ABI v2, a cdylib built with mcpg-plugin-sdk's
// declare_plugin!) into this process and drives its vtables the way the gateway does, without cgo
// (purego plus a small assembly trampoline per architecture; the System V x86-64 and AAPCS64
// placements are abi.go's). The byte-level contract is docs/native-abi.md.
//
// Loading a plugin runs hostile code: callers run this package in a disposable worker process.
package native
