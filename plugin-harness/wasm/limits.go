package wasm

import (
	"runtime"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
)

// Limits are an operator config entry's plugins[].limits block (mcpg's
// PluginResourceLimitsConfig), the bounds the gateway puts on every call of a Wasm plugin.
type Limits struct {
	// MemoryMB bounds each linear memory: growing past it makes memory.grow answer -1.
	MemoryMB uint32 `json:"memory_mb"`
	// Fuel is Wasmtime's instruction budget per call (the manifest read's too, start functions
	// included), metered as Wasmtime 44 meters it (fuel.go).
	Fuel uint64 `json:"fuel"`
	// TimeoutMS is the epoch deadline of a call; the gateway's backstop answers "timed out"
	// TimeoutMS + 100 ms after the call began.
	TimeoutMS uint64 `json:"timeout_ms"`
}

// DefaultLimits are the gateway's (mcpg-plugin-host WasmResourceLimits::default).
func DefaultLimits() Limits { return Limits{MemoryMB: 64, Fuel: 10_000_000, TimeoutMS: 100} }

// callGrace is how long after TimeoutMS the gateway's backstop gives up on a call
// (mcpg-plugin-host src/wasm.rs WASM_CALL_GRACE_MS).
const callGrace = 100 * time.Millisecond

// ParseLimits reads a plugins[].limits block, JSON or YAML, over DefaultLimits: the fields are
// optional (null keeps the default), unknown ones are refused (the config type denies unknown
// fields), and each must be a non-negative integer in its type's range (memory_mb u32, fuel and
// timeout_ms u64).
func ParseLimits(data []byte) (Limits, error) {
	d := DefaultLimits()
	var memoryMB, fuel, timeoutMS uint64
	err := native.ParseUintBlock(data, "limits", []native.UintField{
		{Name: "memory_mb", Max: 1<<32 - 1, Default: uint64(d.MemoryMB), Value: &memoryMB},
		{Name: "fuel", Max: 1<<64 - 1, Default: d.Fuel, Value: &fuel},
		{Name: "timeout_ms", Max: 1<<64 - 1, Default: d.TimeoutMS, Value: &timeoutMS},
	})
	if err != nil {
		return d, err
	}
	return Limits{MemoryMB: uint32(memoryMB), Fuel: fuel, TimeoutMS: timeoutMS}, nil
}

// Engine is how wazero executes the guest.
type Engine uint8

const (
	// EngineAuto is the compiler where wazero has one (amd64, arm64), else the interpreter.
	EngineAuto Engine = iota
	// EngineCompiler is wazero's optimising compiler.
	EngineCompiler
	// EngineInterpreter is wazero's interpreter: slower, on every platform.
	EngineInterpreter
)

func (e Engine) String() string {
	switch e {
	case EngineCompiler:
		return "compiler"
	case EngineInterpreter:
		return "interpreter"
	}
	return "auto"
}

func (e Engine) resolve() Engine {
	if e != EngineAuto {
		return e
	}
	if runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64" {
		return EngineCompiler
	}
	return EngineInterpreter
}

// DefaultGuard is how long one call (instantiation included) may run before the harness stops
// it, when Options.Guard is 0.
const DefaultGuard = 5 * time.Second

// Options are how the harness runs a plugin, beyond what the gateway's config says.
type Options struct {
	Engine Engine
	// AllowCoreModule runs a core module's canonical-ABI exports directly, with a warning; the
	// gateway refuses core modules at compile.
	AllowCoreModule bool
	// Guard stops a call that runs this long (DefaultGuard when 0): the harness's hang guard. Fuel
	// stops a runaway guest as on the gateway; the guard stops one that fuel does not — blocked
	// in a host call past the gateway's backstop, or given fuel enough to run until the gateway's
	// epoch deadline — and the call gets the decision that deadline gives.
	Guard time.Duration
	// StdioLimit is how much of each end of the guest's stdout and stderr is kept per call
	// (wasip2.DefaultCaptureLimit when 0). The gateway discards both.
	StdioLimit int
	// CacheDir, when set, is the code cache's root (cache.go): what a run prepares and wazero's
	// compiled code are kept there between runs.
	CacheDir string
	// ArtifactSHA256, when set, is the artifact's digest, already computed by the caller.
	ArtifactSHA256 *[32]byte
}

func (o Options) guard() time.Duration {
	if o.Guard > 0 {
		return o.Guard
	}
	return DefaultGuard
}
