package mcpgconfig

// granted_capabilities (mcpg src/config/plugins.rs deserialize_granted_capabilities, then
// mcpg-plugin-protocol src/capability.rs Capability::parse_value): the field must be a sequence;
// each item becomes a JSON value and is parsed — a bare string for no-args kinds, an object with a
// string "type" for every kind (args kinds need their list field; other keys are ignored by the
// tagged enum). The error is "granted_capabilities[<i>]: <CapabilityParseError>" — checked against
// mcpg-plugin-protocol v0.1.0-beta.14 itself (InvalidEntry's text really repeats "expected string
// or object, got").

import (
	"github.com/mcpg-dev/mcpg-plugins/shared/rustfmt"
	"strconv"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

func (d *decoder) decodeCapabilities(n *node, field string) []Capability {
	if n.kind != kSeq {
		d.invalidType(n, field, "a sequence")
		return nil
	}
	// Vec<serde_json::Value> first: an integer JSON cannot hold refuses the whole list
	if !d.jsonNumbers(n, field) {
		return nil
	}
	var out []Capability
	for i, it := range n.seq {
		c, msg := parseCapability(it)
		if msg != "" {
			// A custom serde error from the field's deserializer: figment keys it at the field
			// itself, not the item (checked against figment 0.10.19).
			d.serdeErrKey(it, it.pos, field+"["+strconv.Itoa(i)+"]", field,
				"granted_capabilities["+strconv.Itoa(i)+"]: "+msg)
			continue
		}
		out = append(out, Capability{Capability: c, Pos: it.pos})
	}
	return out
}

// parseCapability returns the capability or the CapabilityParseError text.
func parseCapability(n *node) (descriptor.Capability, string) {
	switch n.kind {
	case kString:
		k := n.str
		if !descriptor.KnownCapability(k) {
			return descriptor.Capability{}, "unknown capability kind " + rustfmt.DebugString(k)
		}
		if f := descriptor.CapabilityArgField(k); f != "" {
			return descriptor.Capability{}, "capability " + rustfmt.DebugString(k) + " requires args: " + f
		}
		return descriptor.Capability{Type: k, Bare: true}, ""
	case kMap:
		t := n.get("type")
		if t == nil || t.kind != kString {
			return descriptor.Capability{}, `capability entry must be a string or object, got object capability entry is missing string "type" field`
		}
		k := t.str
		if !descriptor.KnownCapability(k) {
			return descriptor.Capability{}, "unknown capability kind " + rustfmt.DebugString(k)
		}
		c := descriptor.Capability{Type: k}
		f := descriptor.CapabilityArgField(k)
		if f == "" {
			return c, ""
		}
		// serde_json::from_value into the tagged variant: the list field is required and must be
		// a sequence of strings (serde_json's own messages).
		v := n.get(f)
		if v == nil {
			return descriptor.Capability{}, "invalid args for capability " + rustfmt.DebugString(k) + ": missing field `" + f + "`"
		}
		if v.kind != kSeq {
			return descriptor.Capability{}, "invalid args for capability " + rustfmt.DebugString(k) + ": invalid type: " + jsonUnexpected(v) + ", expected a sequence"
		}
		var list []string
		for _, s := range v.seq {
			if s.kind != kString {
				return descriptor.Capability{}, "invalid args for capability " + rustfmt.DebugString(k) + ": invalid type: " + jsonUnexpected(s) + ", expected a string"
			}
			list = append(list, s.str)
		}
		return c.WithArgs(list), ""
	case kNull:
		return descriptor.Capability{}, "capability entry must be a string or object, got expected string or object, got null"
	case kBool:
		return descriptor.Capability{}, "capability entry must be a string or object, got expected string or object, got bool"
	case kInt, kFloat:
		return descriptor.Capability{}, "capability entry must be a string or object, got expected string or object, got number"
	case kSeq:
		return descriptor.Capability{}, "capability entry must be a string or object, got expected string or object, got array"
	}
	return descriptor.Capability{}, "capability entry must be a string or object, got expected string or object, got unknown"
}

// jsonUnexpected renders a value as serde_json's Unexpected does ("string \"x\"", "integer `5`",
// "floating point `1.5`", "boolean `true`", "null", "map", "sequence").
func jsonUnexpected(n *node) string {
	switch n.kind {
	case kNull:
		return "null"
	case kBool:
		return "boolean `" + strconv.FormatBool(n.b) + "`"
	case kInt:
		return "integer `" + n.i.String() + "`"
	case kFloat:
		if n.f != n.f || n.f > 1.7e308 || n.f < -1.7e308 {
			return "null"
		}
		return "floating point `" + rustFloatString(n.f) + "`"
	case kString:
		return "string " + rustfmt.DebugString(n.str)
	case kSeq:
		return "sequence"
	}
	return "map"
}
