package descriptor

import (
	"fmt"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// CapabilityKinds are the known capability kinds, alphabetical (Capability::known_names).
var CapabilityKinds = []string{
	"audit_write", "cluster_leadership_acquire", "cluster_lock_acquire", "cluster_peer_read",
	"config_read", "credential_issue", "filesystem_read", "filesystem_write", "http_route_serve",
	"metric_emit", "network_outbound", "secrets_read", "transport_listen", "unbounded_subscriptions",
}

// CapabilityArgField is the list field an args kind requires (paths, schemes, kinds), "" for a
// no-args or unknown kind (Capability::arg_field_for_kind).
func CapabilityArgField(kind string) string {
	switch kind {
	case "filesystem_read", "filesystem_write":
		return "paths"
	case "secrets_read", "config_read":
		return "schemes"
	case "credential_issue":
		return "kinds"
	}
	return ""
}

// KnownCapability reports whether kind is a capability kind the gateway knows.
func KnownCapability(kind string) bool { return slices.Contains(CapabilityKinds, kind) }

// legacyCapabilities maps the protocol-v24 cap.host.* names (capability.rs docs) to their typed
// replacements.
var legacyCapabilities = map[string]string{
	"outbound_http":        "network_outbound",
	"outbound_network":     "network_outbound",
	"tls_accept":           "transport_listen",
	"client_cert_acceptor": "transport_listen",
}

// unknownKind explains an unknown capability kind, with a suggestion.
func unknownKind(kind string) string {
	msg := "unknown capability kind " + quote(kind)
	if rest, ok := strings.CutPrefix(strings.ToLower(kind), "cap.host."); ok {
		msg += "; legacy cap.host.* names are no longer accepted"
		if s := legacyCapabilities[rest]; s != "" {
			return msg + didYouMean(s)
		}
		kind = rest
	}
	if s := suggest(kind, CapabilityKinds, nil); s != "" {
		return msg + didYouMean(s)
	}
	return msg + "; expected one of " + strings.Join(CapabilityKinds, ", ")
}

// parseCapability reads one required_capabilities item the way the gateway does: the item becomes a
// JSON value, then Capability::parse_value applies (bare string for no-args kinds, object with a
// string "type" and, for args kinds, a list of strings; extra object keys are ignored).
func parseCapability(path string, n *yaml.Node) (Capability, Problems) {
	n = deref(n)
	v, jerr := yamlJSON(n)
	if jerr != nil {
		return Capability{}, Problems{{Path: path + clip(jerr.path), Line: jerr.node.Line, Msg: jerr.msg}}
	}
	switch v := v.(type) {
	case string:
		if !KnownCapability(v) {
			return Capability{}, Problems{{Path: path, Line: n.Line, Msg: unknownKind(v)}}
		}
		if f := CapabilityArgField(v); f != "" {
			return Capability{}, Problems{{Path: path, Line: n.Line, Msg: fmt.Sprintf(
				"capability %q requires args: %s (write {type: %s, %s: [...]})", v, f, v, f)}}
		}
		return Capability{Type: v, Bare: true}, nil
	case map[string]any:
		kind, ok := v["type"].(string)
		if !ok {
			found := "none"
			if t := mapValue(n, "type"); t != nil {
				found = describe(t)
			}
			return Capability{}, Problems{{Path: path, Line: n.Line, Msg: fmt.Sprintf(
				"capability object needs a string \"type\" field naming the kind; found %s", found)}}
		}
		if !KnownCapability(kind) {
			return Capability{}, Problems{{Path: path + ".type", Line: mapValue(n, "type").Line, Msg: unknownKind(kind)}}
		}
		c := Capability{Type: kind}
		f := CapabilityArgField(kind)
		if f == "" {
			return c, nil
		}
		raw, present := v[f]
		if !present {
			return Capability{}, Problems{{Path: path, Line: n.Line, Msg: fmt.Sprintf(
				"capability %q requires args: %s (missing field %q)", kind, f, f)}}
		}
		fn := mapValue(n, f)
		list, ok := raw.([]any)
		if !ok {
			return Capability{}, Problems{{Path: path + "." + f, Line: fn.Line, Msg: fmt.Sprintf(
				"expected a list of strings, found %s", describe(fn))}}
		}
		args := make([]string, 0, len(list))
		var probs Problems
		items := deref(fn).Content
		for i, item := range list {
			s, ok := item.(string)
			if !ok {
				probs = append(probs, Problem{Path: fmt.Sprintf("%s.%s[%d]", path, f, i), Line: items[i].Line,
					Msg: "expected a string, found " + describe(items[i]) + quoteHint(items[i])})
				continue
			}
			args = append(args, s)
		}
		if probs != nil {
			return Capability{}, probs
		}
		return c.WithArgs(args), nil
	}
	return Capability{}, Problems{{Path: path, Line: n.Line, Msg: fmt.Sprintf(
		"capability entry must be a string or object, found %s", describe(n))}}
}

// quoteHint suggests quoting a plain scalar that YAML types as something other than a string.
func quoteHint(n *yaml.Node) string {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && isPlain(n) && explicitTag(n) == "" {
		return "; quote it: " + quote(n.Value)
	}
	return ""
}

// mapValue returns the value node of the last key named k in mapping n (serde_json keeps the last
// of duplicate keys), or nil.
func mapValue(n *yaml.Node, k string) *yaml.Node {
	n = deref(n)
	var out *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if key := deref(n.Content[i]); key.Kind == yaml.ScalarNode && key.Value == k {
			out = n.Content[i+1]
		}
	}
	return out
}
