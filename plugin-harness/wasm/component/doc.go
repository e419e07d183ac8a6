// Package component reads a WebAssembly component binary (the component model's pre-standard
// encoding, version 0x0d layer 1, as Wasmtime 44 reads it) and flattens it into what a core
// runtime such as wazero executes, and makes the load-time checks the MCPG gateway's Wasmtime
// makes.
//
// # Reading
//
// Parse reads every section: core modules (kept as bytes, with their imports and exports
// read), core instances (instantiate with arguments, or made of exports), core types (function
// and module types), nested components, component instances, aliases (core instance exports,
// component instance exports, outer aliases of modules, core types, types and components),
// types (records, variants, lists, tuples, flags, enums, options, results, own/borrow,
// functions, component and instance types, resources), canon (lift, lower, resource.new,
// resource.drop, resource.rep, with the memory, realloc, post-return and string-encoding
// options), imports and exports; custom sections are skipped. Index spaces are modelled as the
// binary format defines them, including the entries aliases and exports add. It refuses what
// Wasmtime 44's default configuration also refuses or what a core runtime cannot run:
// component-model values and start functions, async and thread built-ins, async functions.
//
// Resources are identified by pointer. An instance imported by the outermost component gets
// concrete resources named after the import (ResourceType.Import), so a resource.drop and the
// own/borrow in a lowered function's type name the same host resource; resources a nested
// component imports or defines are bound per instantiation site.
//
// # Flattening
//
// Component.Plan inlines nested component instantiations and returns a Plan: the core module
// list, the core instances in the order they must be instantiated with what satisfies each core
// import (an export of an earlier instance, a Lowering of an imported function with its canonical
// options, a resource intrinsic, or an Adapter for a component-internal call), and the exports,
// resolved to Lifted core functions with their options. Instances made of exports never appear in
// Plan.Instances: their items are resolved through them.
//
// # Loading like the gateway
//
// The gateway compiles with Wasmtime 44's Component::from_binary, then instantiates the class's
// world with a linker holding wasmtime-wasi 44's p2 add_to_linker_sync set, and prints Wasmtime's
// errors with `{e}` (the outermost message only):
//
//   - a core module: CompileError gives "failed to parse WebAssembly module" caused by
//     CoreModuleMessage ("attempted to parse a wasm module with a component parser");
//   - imports: CheckImports, in import order, with Wasmtime's "component imports instance `…`,
//     but a matching implementation was not found in the linker". The linked interfaces are the
//     wasi:cli, clocks, filesystem, io, random and sockets interfaces of wasip2_table.go
//     (generated from wasmtime-wasi 44.0.2's WIT by testdata/wasip2_table.py), defined at 0.2.6
//     and matched semver-compatibly: any 0.2.x release version links. Imports the linker does not
//     define still link when they need no definition (types only, like mcpg:plugin/types).
//     Functions and resources are checked by name, not by signature;
//   - exports: Plan.CheckWorld looks the class's interface up as the generated bindings do
//     ("no exported instance named `…`", "instance export `…` does not have export `…`").
//
// testdata/oracle.json holds what Wasmtime 44 itself said about every fixture (written by
// testdata/gen.py with wasmtime-py 44.0.0); the tests hold this package to it.
//
// # Hostile input
//
// Every count is checked against the bytes left before anything is allocated, names are
// bounded, nesting of components, type declarations and value types is bounded, and so are the
// total index-space entries (ParseOptions.MaxItems) and the flattening work (MaxWork). Errors
// are *Error values naming the section and the byte offset in the input. Nothing panics on any
// input (FuzzParse).
package component
