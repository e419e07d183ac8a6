package native

// The gateway's per-plugin FFI budgets (plugins[].ffi_limits, docs/native-abi.md §6.5): how the
// block is read, which slot answers to which budget, and what the gateway decides when a call
// overruns it. Portable: the parent reads the block, the worker applies it.

import (
	"fmt"
	"math"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
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
	l := DefaultFFILimits()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return l, fmt.Errorf("not JSON or YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return l, nil // nothing but blanks or comments
	}
	m := unalias(doc.Content[0])
	if m.Kind == yaml.ScalarNode && m.ShortTag() == "!!null" {
		return l, nil
	}
	if m.Kind != yaml.MappingNode {
		return l, fmt.Errorf("line %d: expected a mapping of ffi_limits fields (%s), found %s",
			m.Line, fieldList(), describeNode(m))
	}
	seen, defaults := map[string]bool{}, DefaultFFILimits()
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := unalias(m.Content[i]), unalias(m.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return l, fmt.Errorf("line %d: expected a field name, found %s", k.Line, describeNode(k))
		}
		target := l.field(k.Value)
		if target == nil || k.ShortTag() != "!!str" {
			return l, fmt.Errorf("line %d: unknown field %q: ffi_limits takes only %s", k.Line, clip(k.Value), fieldList())
		}
		if seen[k.Value] {
			return l, fmt.Errorf("line %d: duplicate field %q", k.Line, k.Value)
		}
		seen[k.Value] = true
		if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
			continue // None: the default stays
		}
		var n uint64
		if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || v.Decode(&n) != nil {
			return l, fmt.Errorf("line %d: %s: expected a non-negative integer (or null for the default %d), found %s",
				v.Line, k.Value, *defaults.field(k.Value), describeNode(v))
		}
		*target = n
	}
	return l, nil
}

func fieldList() string {
	return strings.Join(ffiLimitFields[:3], ", ") + " and " + ffiLimitFields[3]
}

// unalias follows YAML aliases (bounded: the parser refuses alias cycles and expansion bombs).
func unalias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a sequence"
	case yaml.ScalarNode:
		kind := strings.TrimPrefix(n.ShortTag(), "!!")
		switch kind {
		case "str":
			kind = "string"
		case "int":
			kind = "integer"
		case "bool":
			kind = "boolean"
		}
		return fmt.Sprintf("%s %q", kind, clip(n.Value))
	}
	return "an unsupported YAML node"
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
