// Package wasip2 is the WASI preview-2 host of the Wasm harness: the functions a component's
// `canon lower` of a WASI import becomes, as core functions on wazero.
//
// The set is the one the gateway links (wasmtime-wasi 44's p2::add_to_linker_sync: the
// wasi:cli/imports world at 0.2.6, unstable features off): cli environment / exit / stdin /
// stdout / stderr / terminal-*, clocks, filesystem types and preopens, io error / poll /
// streams, random, and sockets. An import at any 0.2.x version links to it, as in Wasmtime.
// The behaviour is that of the context the gateway builds (WasiCtxBuilder::new().build()): no
// arguments, no environment, no preopens, stdin closed, stdout and stderr swallowed (kept here
// in bounded head+tail buffers for the report), host clocks, real randomness, TCP and UDP
// sockets that can be created but never bound or connected (every address is refused), and
// name lookup refused. TestAgainstWasmtime checks every function against Wasmtime 44 itself.
//
// Using it: Lookup (or LookupInterface / ResourceDrop) resolves a component's import, instance
// name and function name, to a Func carrying its WIT type and the flattened core signature
// (MAX_FLAT_PARAMS 16, MAX_FLAT_RESULTS 1, a return pointer beyond); an import the gateway
// does not link is an *UnknownImportError. A Host is made per call (New, with its bounds in
// Config); Host.Bind turns a Func into a wazero host function once the runtime supplies the
// lowering's memory and realloc (Memory, e.g. InstanceMemory, resolved at call time), and
// Host.Instantiate builds a host module of such functions under a name the runtime picks.
// Handles live in a per-component-instance Table with the component model's own/borrow rules.
//
// A failing call panics, as wazero expects of a host function, with a *Trap (Wasmtime's own
// wording), an *ExitError (wasi:cli/exit, an error to the gateway whatever the status), a
// *BlockedError (a wait cut short by Config.MaxBlock or the context), an *AbortError (a call
// the gateway's process itself would not survive) or the guest realloc's own error; wazero
// returns it, wrapped, from the guest's call.
//
// Where this host knowingly differs from Wasmtime:
//   - socket options are modelled on Linux with this machine's sysctls, not read from an OS
//     socket on the gateway's machine;
//   - resource types are identified per interface, whatever version a component imports them
//     at (a component imports each interface once, so this only matters for hostile binaries);
//   - waiting is bounded (Config.MaxBlock) where Wasmtime would wait for its backstop timeout;
//   - write-zeroes beyond 1 GiB is reported as an abort (Wasmtime allocates the zeroes and
//     aborts when it cannot; where that happens depends on the gateway's machine);
//   - hostcall fuel (128 MiB of data lifted per call) charges approximate Rust sizes for list
//     elements; name-lookup names are parsed without IDNA.
package wasip2
