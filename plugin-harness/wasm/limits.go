package wasm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"time"
)

// Limits are an operator config entry's plugins[].limits block (mcpg's
// PluginResourceLimitsConfig), the bounds the gateway puts on every call of a Wasm plugin.
type Limits struct {
	// MemoryMB bounds each linear memory: growing past it makes memory.grow answer -1.
	MemoryMB uint32 `json:"memory_mb"`
	// Fuel is Wasmtime's instruction budget per call. Not metered yet: see Options.Guard.
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
// optional, unknown ones are refused (the config type denies unknown fields), and each must be a
// non-negative integer in its type's range (memory_mb u32, fuel and timeout_ms u64).
func ParseLimits(data []byte) (Limits, error) {
	l := DefaultLimits()
	raw, err := decodeMapping(data)
	if err != nil {
		return l, err
	}
	for key, v := range raw {
		var bound uint64
		var dst func(uint64)
		switch key {
		case "memory_mb":
			bound, dst = 1<<32-1, func(n uint64) { l.MemoryMB = uint32(n) }
		case "fuel":
			bound, dst = 1<<64-1, func(n uint64) { l.Fuel = n }
		case "timeout_ms":
			bound, dst = 1<<64-1, func(n uint64) { l.TimeoutMS = n }
		default:
			return l, fmt.Errorf("unknown field `%s`, expected one of `memory_mb`, `fuel`, `timeout_ms`", key)
		}
		if v == nil {
			continue
		}
		n, ok := v.(json.Number)
		var u uint64
		if ok {
			_, err := fmt.Sscan(string(n), &u)
			ok = err == nil && fmt.Sprint(u) == string(n) && u <= bound
		}
		if !ok {
			return l, fmt.Errorf("%s: expected an integer from 0 to %d, found %v", key, bound, v)
		}
		dst(u)
	}
	return l, nil
}

// decodeMapping reads a JSON object, or a YAML mapping of plain scalars (the limits block is
// flat), into numbers kept as text.
func decodeMapping(data []byte) (map[string]any, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("not a JSON object: %v", err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, fmt.Errorf("not a JSON object: text after the object")
		}
		return m, nil
	}
	m := map[string]any{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		text := string(bytes.TrimRight(line, " \t\r"))
		if j := indexComment(text); j >= 0 {
			text = text[:j]
		}
		if len(bytes.TrimSpace([]byte(text))) == 0 || text == "---" {
			continue
		}
		if text[0] == ' ' || text[0] == '\t' || text[0] == '-' {
			return nil, fmt.Errorf("line %d: expected `key: value` (the limits block has no nested values)", i+1)
		}
		key, value, ok := cutColon(text)
		if !ok {
			return nil, fmt.Errorf("line %d: expected `key: value`, found %q", i+1, text)
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("line %d: duplicate field `%s`", i+1, key)
		}
		switch value {
		case "", "~", "null":
			m[key] = nil
		default:
			m[key] = json.Number(value)
		}
	}
	return m, nil
}

func indexComment(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			return i
		}
	}
	return -1
}

func cutColon(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t') {
			return string(bytes.TrimSpace([]byte(s[:i]))), string(bytes.TrimSpace([]byte(s[i+1:]))), true
		}
	}
	return "", "", false
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
	// Guard stops a call that runs this long (DefaultGuard when 0). The gateway stops a
	// runaway guest by fuel (10 M instructions, a few ms) long before; until fuel is metered
	// here, the guard stands in for it and the call gets the decision a fuel trap gives.
	Guard time.Duration
	// StdioLimit is how much of each end of the guest's stdout and stderr is kept per call
	// (wasip2.DefaultCaptureLimit when 0). The gateway discards both.
	StdioLimit int
	// CacheDir, when set, keeps wazero's compiled code between runs (wazero's file cache).
	CacheDir string
}

func (o Options) guard() time.Duration {
	if o.Guard > 0 {
		return o.Guard
	}
	return DefaultGuard
}
