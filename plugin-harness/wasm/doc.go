// Package wasm runs an MCPG Wasm plugin (a `runtime: wasi-v1` package's plugin.wasm, a WASI
// preview-2 component) on wazero and decides as the gateway's Wasmtime 44 does: the same load
// refusals, the same manifest checks, and for every class call the same decision — including
// the fail-closed, fail-open and error decisions traps, exhausted memory, runaway guests and
// deep recursion turn into, with the gateway's messages.
//
// # How a component runs here
//
// The component is read and flattened by wasm/component (its core modules, the instances in
// instantiation order, what satisfies each core import). Each core instance becomes a wazero
// module under a name of its own; since wazero links imports by module and field name, each
// core module's import section is rewritten (binary.go) to name the real exporter — another
// instance's export, whatever names wit-component's shim and fixup modules use, or the host
// module. The host module holds one function per canon lower of a WASI import (wasm/wasip2,
// wired by the component-level import name) and per resource built-in; its bodies are bound per
// call. The world's functions are called through wasm/cabi: arguments lowered with the guest's
// realloc, the core function called, the result lifted with Wasmtime's checks, post-return
// called only after a successful lift.
//
// Before wazero sees a core module, what the gateway's Wasmtime would refuse is refused in its
// words (features.go: reference types but funcref, shared memories, exception tags…; tables.go:
// memories past memory_mb, tables the host cannot allocate, segments that do not fit), and every
// table.grow is routed through a helper that bounds the table (tables.go). Then every core module
// is rewritten to meter fuel exactly as Wasmtime 44 charges and checks it (fuel.go): the same
// count at every check, the same trap at the same place, the same fuel used on every call, the
// JavaScript and Python guests' included (Wasmtime's own glue between core instances costs none).
//
// Every call (the manifest read and each class call, each --repeat) gets a fresh instance and
// the whole fuel budget, as the gateway makes a fresh Store per call: a new WASI context and
// handle table, every core instance instantiated again, start functions run again (on the call's
// fuel).
//
// Options.Guard is the harness's hang guard: fuel stops a runaway guest as on the gateway; the
// guard stops one blocked in a host call, or given fuel enough to outlast the gateway's epoch
// deadline (compiled code through its fuel checks, interpreted code by wazero's context checks).
//
// # Failures
//
// failure.go maps what went wrong to the gateway's WasmCallFailure: a gate denies 500 / -32603
// ("gate plugin '<id>' error: <slot> call failed: …"), 504 when the gateway's backstop
// (timeout_ms + 100 ms) would fire for a guest blocked in a host call; a transform becomes an
// error ("wasm transform '<id>' …"); an identity provider resolves to none. The message after
// "call failed: " is what the gateway prints for a Wasmtime error: for anything raised while
// guest code ran, the WasmBacktrace (up to 20 frames with the code offset of each call, counted
// from the start of the component, the name section's module and function names); for a value
// the canonical ABI refuses, Wasmtime's message. wazero's stack trace names the functions but
// not the instructions; codeindex.go finds each call's offset in the module, and where a
// function calls the same callee from several places, sites.go compiles the module with such
// calls routed through marker functions, which name the exact site.
//
// # What is not the gateway's yet
//
//   - A guest stopped by the guard gets the decision of the gateway's epoch deadline, but its
//     message has the backtrace's header without the frames (Wasmtime's "wasm trap: interrupt"
//     frames are not reproduced). The fuel reported for such a call is what was written back
//     last, as Wasmtime's count after its deadline fires.
//   - The timeout_ms epoch deadline is not enforced: wazero's code is slower than Wasmtime's,
//     and the issue forbids denying a call for the harness's own slowness. A compiled call that
//     runs past it gets a warning; an interpreted run says it was not judged.
//   - Composed components (canon lower of a function lifted in the same component: what
//     `wac plug` builds) are refused with an error. Wasmtime compiles each such call into a
//     fused adapter, core code of its own whose frames and offsets appear in its backtraces;
//     running them as the gateway does, to the byte, is not done here. Resource destructors of
//     component-defined resources are not run.
//   - Tables: wazero allocates every table whole, for every call, so the harness bounds them
//     (tables.go). The component's tables may have 2^24 elements in all when instantiated
//     (Wasmtime allocates lazily and loads larger ones: the harness says it cannot run them), and
//     a table.grow past a table's share of that bound is stopped with the decision of the
//     gateway's backstop (504), which is what the gateway gives such a growth on the oracle's
//     host (Wasmtime writes each new element, about 6 ns apiece). On a faster host, or with a
//     larger timeout_ms, the gateway may only hit the deadline (deny 500) or finish the growth;
//     in the manifest read, which has no deadline, it finishes.
//   - Whether Wasmtime can allocate a large table (at instantiation, or for table.grow) depends
//     on the host's memory: the harness answers as Wasmtime would on the host it runs on (with
//     Linux's default overcommit, an allocation larger than RAM + swap fails), not the gateway's.
//   - memory64, table64 and several memories in a module: Wasmtime 44 runs them, wazero cannot,
//     and the harness says so without a decision. A table64 minimum of 2^61 elements or more
//     makes Wasmtime 44 panic: no decision either.
//   - An active element or data segment that does not fit is Wasmtime's instantiation trap only
//     when its offset is a constant and its table or memory the module's own; otherwise wazero
//     decides: the same trap for a data segment, but an element segment it lets pass.
//   - A trap's innermost frame has no offset when its function has several instructions that
//     could have raised it (several memory accesses for an out-of-bounds trap, say).
//   - Deep recursion: wazero's stack limit is not Wasmtime's 512 KiB, so a recursing guest may
//     end differently (the compiler lets a Rust guest run its shadow stack out of memory first:
//     "out of bounds memory access" rather than "call stack exhausted"); the decision is the
//     same deny, and the frames shown are the same recursing function, but the fuel reported
//     (what was used until the trap) differs.
package wasm
