// Package cabi is the canonical ABI of the three MCPG worlds (mcpg:plugin@0.1.0: tool-gate-plugin,
// transform-plugin, identity-plugin) at the level of core WebAssembly: the Go values of their WIT
// types, the core signature each export has once lifted, lowering a call's arguments into guest
// memory through the guest's realloc, and lifting its result back with every check Wasmtime 44
// makes, failing with Wasmtime's own messages — the gateway runs plugins on Wasmtime 44 and puts
// those messages into its decisions. It runs no WebAssembly itself: the runtime hands it the
// guest's memory and realloc, calls the core export with the values Lower* returns, and gives the
// results to Lift*.
//
// Sources: WebAssembly/component-model design/mvp/CanonicalABI.md (layouts, flattening, the order
// of allocations), Wasmtime 44.0.2 crates/wasmtime/src/runtime/component/func/typed.rs and
// options.rs (the checks and their messages), mcpg-plugin-host 0.1.0-beta.14 src/wasm.rs (how the
// gateway turns results into decisions).
package cabi
