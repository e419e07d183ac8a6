package native

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// pluginClasses are PluginClass's serde names (mcpg-plugin-protocol manifest.rs), which a
// manifest's plugin_class must be one of.
var pluginClasses = []string{
	"tool_gate", "transform", "identity_provider", "backend", "watch_strategy", "http_route",
	"audit_sink", "log_sink", "telemetry_sink", "metrics_sink", "store", "cache", "secret_provider",
	"config_provider", "policy_engine", "cluster", "transport", "catalog_provider",
	"credential_issuer", "approval_notifier", "content_store",
}

// manifestProblem says why text would not deserialise as a PluginManifest ("" when it would):
// the required fields, their types, a known plugin_class.
func manifestProblem(text string) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return fmt.Sprintf("not a JSON object: %v", err)
	}
	for _, f := range []string{"id", "version", "name", "plugin_class", "protocol_version"} {
		raw, ok := m[f]
		if !ok {
			return "missing field `" + f + "`"
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return fmt.Sprintf("%s: expected a string, found %s", f, clip(string(raw)))
		}
		if f == "plugin_class" && !slices.Contains(pluginClasses, s) {
			return fmt.Sprintf("plugin_class: unknown variant `%s`, expected one of %s", s, strings.Join(pluginClasses, ", "))
		}
	}
	if raw, ok := m["required_capabilities"]; ok {
		var caps []map[string]json.RawMessage
		if json.Unmarshal(raw, &caps) != nil {
			return "required_capabilities: expected a list of {\"type\": …} objects"
		}
	}
	return ""
}

// label is how the gateway's adapters name a class in their errors ("native tool-gate plugin").
func label(kind string) string {
	switch kind {
	case "tool_gate":
		return "tool-gate"
	case "identity_provider":
		return "identity"
	}
	return strings.ReplaceAll(kind, "_", "-")
}

// headersJSON is the adapter's headers_json: [[name, value], …], compact.
func headersJSON(headers [][2]string) string {
	if len(headers) == 0 {
		return "[]"
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, h := range headers {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("[" + quote(h[0]) + "," + quote(h[1]) + "]")
	}
	b.WriteByte(']')
	return b.String()
}
