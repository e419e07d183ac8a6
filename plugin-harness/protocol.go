package main

import (
	"encoding/json"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm"
)

// The parent and its worker talk JSON. On the worker's stdin: one workerRequest, then, once the
// parent has judged the registration, one driveDecision. On fd 3 (the plugin owns stdout and
// stderr): a stream of workerMessage values — a phase marker before each step, the registration,
// each call as it completes, and a final done or error. The last phase seen tells the parent where
// a worker that died or hung was.

type workerRequest struct {
	Path      string      `json:"path"`       // the extracted plugin.so
	SHA256    string      `json:"sha256"`     // hex digest measured when the package was verified
	MaxMemory uint64      `json:"max_memory"` // address-space limit in bytes, 0 for none
	Plan      native.Plan `json:"plan"`
	// Wasm is set for a plugin.wasm: the worker runs it on wazero instead of dlopening it.
	Wasm *wasmRequest `json:"wasm,omitempty"`
}

type driveDecision struct {
	Drive bool `json:"drive"`
}

type workerMessage struct {
	Phase        string               `json:"phase,omitempty"`
	Registration *native.Registration `json:"registration,omitempty"`
	// DerivedManifest is manifest_json's text when the registration embeds no descriptor.
	DerivedManifest string           `json:"derived_manifest,omitempty"`
	LoadNanos       map[string]int64 `json:"load_ns,omitempty"`
	Call            *native.Call     `json:"call,omitempty"`
	Done            bool             `json:"done,omitempty"`
	// Caching, with Done: the report is complete, and the worker goes on compiling the plugin's
	// code into the cache for the next run (a cold plugin.wasm run); it exits when that is done.
	Caching bool `json:"caching,omitempty"`
	// Abandoned ends a run with a call still inside the plugin (past its ffi_limits budget): the
	// worker cannot finish by itself and is to be ended at once.
	Abandoned string `json:"abandoned,omitempty"`
	Error     string `json:"error,omitempty"`
	// Wasm is a Wasm run's outcome; Refusal, the gateway's load refusal when it would refuse it.
	Wasm    *wasm.Outcome `json:"wasm,omitempty"`
	Refusal *wasm.Refusal `json:"refusal,omitempty"`
	// Unsupported is set when the worker cannot drive this platform or input (exit 6, not 1).
	Unsupported bool `json:"unsupported,omitempty"`
}

func encodeMessage(enc *json.Encoder, m workerMessage) { _ = enc.Encode(m) }
