package native

// The gateway's per-plugin FFI budgets (plugins[].ffi_limits, docs/native-abi.md §6.5): how the
// block is read, which slot answers to which budget, and what the gateway decides when a call
// overruns it. Portable: the parent reads the block, the worker applies it.

import (
	"fmt"
	"math"
	"time"
)

// FFILimits is plugins[].ffi_limits with every field the gateway would use, defaults filled in.
type FFILimits struct {
	LifecycleTimeoutMS uint64 `json:"lifecycle_timeout_ms"`
	ControlTimeoutMS   uint64 `json:"control_timeout_ms"`
	DataTimeoutMS      uint64 `json:"data_timeout_ms"`
	MaxPayloadBytes    uint64 `json:"max_payload_bytes"`
}

// The defaults of mcpg-plugin-protocol's abi.rs (FFI_*_TIMEOUT_DEFAULT_MS, FFI_MAX_PAYLOAD_BYTES),
// which the gateway uses for a field that is absent or null.
const (
	DefaultLifecycleTimeoutMS = 1_000
	DefaultControlTimeoutMS   = 5_000
	DefaultDataTimeoutMS      = 30_000
	DefaultMaxPayloadBytes    = 256 << 10
)

// DefaultFFILimits is what the gateway uses for an entry without ffi_limits.
func DefaultFFILimits() FFILimits {
	return FFILimits{DefaultLifecycleTimeoutMS, DefaultControlTimeoutMS, DefaultDataTimeoutMS, DefaultMaxPayloadBytes}
}

// ffiLimitFields are the block's fields in the gateway's declaration order.
var ffiLimitFields = []string{"lifecycle_timeout_ms", "control_timeout_ms", "data_timeout_ms", "max_payload_bytes"}

func (l *FFILimits) field(name string) *uint64 {
	switch name {
	case "lifecycle_timeout_ms":
		return &l.LifecycleTimeoutMS
	case "control_timeout_ms":
		return &l.ControlTimeoutMS
	case "data_timeout_ms":
		return &l.DataTimeoutMS
	case "max_payload_bytes":
		return &l.MaxPayloadBytes
	}
	return nil
}

// ParseFFILimits reads an ffi_limits block, JSON or YAML, as the gateway's config loader does:
// a mapping of the four fields, each a non-negative integer or null (the default), and no other
// field (the gateway's struct denies unknown fields). An empty or null document is the defaults.
func ParseFFILimits(data []byte) (FFILimits, error) {
	var l FFILimits
	d := DefaultFFILimits()
	fields := make([]UintField, len(ffiLimitFields))
	for i, name := range ffiLimitFields {
		fields[i] = UintField{Name: name, Max: 1<<64 - 1, Default: *d.field(name), Value: l.field(name)}
	}
	if err := ParseUintBlock(data, "ffi_limits", fields); err != nil {
		return d, err
	}
	return l, nil
}

// slotClass is the budget a Tier-1 slot belongs to by the protocol's classification (abi.rs
// FfiSlotClass): the lifecycle slots and the data-plane calls; no Tier-1 slot is a control slot.
func slotClass(slot string) string {
	switch slot {
	case "make", "manifest_json", "shutdown", "drop_instance":
		return "lifecycle"
	case "evaluate_pre_dispatch", "evaluate_post_dispatch", "transform_arguments", "transform_result", "resolve_identity":
		return "data"
	}
	return ""
}

// timerSlack is how far past its budget a call may run and still be let through: the gateway's
// timer (tokio's) rounds every deadline up to the end of a millisecond, so a call that ends within
// that millisecond may go either way there; only one that runs past it surely times out.
const timerSlack = time.Millisecond

// budget turns a millisecond field into a duration; ok is false for a budget so large it never
// fires (beyond what a time.Duration holds, about 292 years).
func budget(ms uint64) (d time.Duration, ok bool) {
	if ms > uint64(math.MaxInt64/int64(time.Millisecond))-1 {
		return 0, false
	}
	return time.Duration(ms) * time.Millisecond, true
}

// timeoutDecision is what the gateway's Tier-1 adapter (mcpg-plugin-host native_loader.rs,
// dispatch_tier1 and each adapter's fallback) returns in place of a call that overran
// data_timeout_ms, named after the in-code manifest's id.
func timeoutDecision(kind, pluginID string) any {
	switch kind {
	case "tool_gate":
		status, code, msg := uint16(504), int32(-32603), fmt.Sprintf("native plugin '%s' timed out", pluginID)
		return &GateDecision{Decision: "deny", HTTPStatus: &status, Code: &code, Message: &msg}
	case "transform":
		msg := fmt.Sprintf("native transform '%s' timed out", pluginID)
		return &TransformResult{Outcome: "error", Message: &msg}
	default:
		reason := fmt.Sprintf("native identity '%s' timed out", pluginID)
		return &IdentityResolution{Outcome: "invalid", Reason: &reason}
	}
}

// GuardHintFor is GuardHint for a step of kind: a slot of a call plan (plans.go) is held to the
// budget the gateway gives it there, or to none when the gateway calls it constructing its adapter.
func GuardHintFor(kind, step string, l *FFILimits, guard time.Duration) string {
	k := Kind(kind)
	s := (*SlotSpec)(nil)
	if k != nil {
		s = k.Slot(step)
	}
	if s == nil {
		return GuardHint(step, l, guard)
	}
	limits := DefaultFFILimits()
	if l != nil {
		limits = *l
	}
	field, ms := "data_timeout_ms", limits.DataTimeoutMS
	switch s.Class {
	case classControl:
		field, ms = "control_timeout_ms", limits.ControlTimeoutMS
	case classDirect:
		return fmt.Sprintf("the gateway calls %s.%s without a timeout while it builds its adapter: a %s that never "+
			"returns stalls the gateway's start too", kind, step, step)
	}
	if d, ok := budget(ms); ok && d+timerSlack < guard {
		return "" // the harness's own judgement of the budget should have come first
	}
	return fmt.Sprintf("the gateway waits ffi_limits.%s (%d ms) for %s.%s, then answers in its place; a --timeout "+
		"above that, or a smaller %s in --ffi-limits, shows its answer", field, ms, kind, step, field)
}

// GuardHint says what the gateway would have done with a step the harness's own --timeout cut
// short; "" when there is nothing to add.
func GuardHint(step string, l *FFILimits, guard time.Duration) string {
	limits := DefaultFFILimits()
	if l != nil {
		limits = *l
	}
	switch slotClass(step) {
	case "data":
		if d, ok := budget(limits.DataTimeoutMS); ok && d+timerSlack < guard {
			return "" // the harness's own judgement of data_timeout_ms should have come first
		}
		return fmt.Sprintf("the gateway waits ffi_limits.data_timeout_ms (%d ms) for %s, then decides in its place; "+
			"a --timeout above that, or a smaller data_timeout_ms in --ffi-limits, shows its decision", limits.DataTimeoutMS, step)
	case "lifecycle":
		return fmt.Sprintf("the gateway calls %s without a timeout (lifecycle_timeout_ms is not applied to "+
			"tool_gate, transform or identity_provider plugins): a %s that never returns stalls the gateway too", step, step)
	}
	return ""
}
