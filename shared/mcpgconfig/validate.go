package mcpgconfig

// The rules of mcpg src/config/plugins.rs validate_plugins, with its message texts, plus our own
// warnings about entries that load differently from what their author may expect (disabled,
// shadow mode, signatures off, fields the gateway ignores for the entry's kind or class).

import (
	"fmt"
	"github.com/mcpg-dev/mcpg-plugins/shared/rustfmt"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

// isReverseDNS is plugins.rs is_reverse_dns: at least one dot, no empty segment, each segment of
// ASCII lowercase letters, digits, '_' and '-'.
func isReverseDNS(s string) bool {
	if !strings.Contains(s, ".") {
		return false
	}
	for _, seg := range strings.Split(s, ".") {
		if seg == "" {
			return false
		}
		for _, c := range seg {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
				return false
			}
		}
	}
	return true
}

// rustTrimEmpty is `s.trim().is_empty()` (Rust trims Unicode White_Space).
func rustTrimEmpty(s string) bool { return strings.TrimSpace(s) == "" }

// debugOpt renders an Option<String> as Rust's {:?}: None or Some("…").
func debugOpt(set bool, s string) string {
	if !set {
		return "None"
	}
	return "Some(" + rustfmt.DebugString(s) + ")"
}

// validatePlugins applies validate_plugins to the decoded entries. decoded[i] is false when entry i
// failed to decode (the gateway would have stopped earlier); its fields that did decode are still
// checked.
func (d *decoder) validatePlugins(ps []Plugin, decoded []bool) {
	seen := map[string]bool{}
	for i := range ps {
		p := &ps[i]
		path := fmt.Sprintf("plugins[%d]", i)
		d.index, d.alias = i, p.Alias
		errsBefore := d.countErrors()
		if p.idSet {
			if rustTrimEmpty(p.Alias) {
				d.add(SeverityError, p.FieldPos("id"), path+".id", path+".id (alias) must not be empty")
			} else if seen[p.Alias] {
				d.add(SeverityError, p.FieldPos("id"), path+".id",
					fmt.Sprintf("%s.id alias '%s' is duplicated; plugin aliases must be unique within `plugins[]`", path, p.Alias))
			}
			seen[p.Alias] = true
		}
		if p.refSet {
			if rustTrimEmpty(p.Ref) {
				d.add(SeverityError, p.FieldPos("ref"), path+".ref",
					path+".ref must not be empty when set; omit the field for the simple case")
			} else if !isReverseDNS(p.Ref) {
				d.add(SeverityError, p.FieldPos("ref"), path+".ref",
					fmt.Sprintf("%s.ref '%s' must be a reverse-DNS manifest id (lowercase, dot-separated, at least one dot, e.g. dev.mcpg.policy.cedar)", path, p.Ref))
			}
		}
		if p.Kind != "native" && p.Kind != "wasm" {
			d.add(SeverityError, p.FieldPos("kind"), path+".kind",
				fmt.Sprintf("%s.kind must be 'native' or 'wasm', got '%s'", path, p.Kind))
			d.diags[len(d.diags)-1].Hint = "did you mean " + kindHint(p.Kind) + "?"
		}
		if !descriptor.KnownClass(p.Class) {
			d.add(SeverityError, p.FieldPos("class"), path+".class",
				fmt.Sprintf("%s.class: '%s' is not a recognised PluginClass. Valid values (snake_case PluginClass variants): %s",
					path, p.Class, strings.Join(descriptor.ClassesABIOrder, ", ")))
			if s := descriptor.ClassSuggestion(p.Class); s != "" {
				d.diags[len(d.diags)-1].Hint = "did you mean " + s + "?"
			}
		}
		if p.pathSet == p.ociSet && !p.sourceBad {
			pos := p.FieldPos("source")
			d.add(SeverityError, pos, path+".source",
				fmt.Sprintf("%s.source must specify exactly one of `path` or `oci` (got path=%s, oci=%s)",
					path, debugOpt(p.pathSet, p.SourcePath), debugOpt(p.ociSet, p.OCI)))
		}
		// A boot check that needs nothing but the config: src/app/oci_wiring.rs
		// enforce_oci_integrity_anchor (runs before the pull, for every oci entry).
		if d.requireAnchor && p.ociSet && !p.pathSet && !strings.Contains(p.OCI, "@sha256:") &&
			!p.shaSet && !p.ownKeys {
			d.add(SeverityError, p.FieldPos("source.oci"), path+".source.oci",
				fmt.Sprintf("plugin '%s': plugin_registry.require_integrity_anchor is set but the oci source '%s' has no integrity anchor — pin a digest (…@sha256:<hex>), set signature.sha256, or configure signature.trusted_keys", p.Alias, p.OCI))
		}
		p.Valid = decoded[i] && d.countErrors() == errsBefore
		d.warnings(p, path)
	}
	d.index, d.alias = -1, ""
}

func kindHint(k string) string {
	l := strings.ToLower(strings.TrimSpace(k))
	switch {
	case strings.HasPrefix(l, "n") || strings.Contains(l, "cdylib") || l == "so":
		return "'native'"
	case strings.HasPrefix(l, "w"):
		return "'wasm'"
	}
	return "'native' or 'wasm'"
}

func (d *decoder) countErrors() int {
	n := 0
	for _, x := range d.diags {
		if x.Severity == SeverityError {
			n++
		}
	}
	return n
}

// warnings are ours (not gateway messages): the entry boots, but not as one may think.
func (d *decoder) warnings(p *Plugin, path string) {
	w := func(field, msg string) {
		d.add(SeverityWarning, p.FieldPos(field), path+"."+field, msg)
	}
	if p.Disabled {
		// The field's doc says "parsed + validated but not loaded", but mcpg v0.1.0-beta.16's boot loop
		// (src/app/plugin_registry/mod.rs) never reads entry.disabled: only the license gate
		// (src/license_gate.rs) and warn_unwired_plugins (src/config/wiring.rs) skip such entries.
		w("disabled", "disabled: true does not stop this gateway version from loading the entry: the boot loader resolves, verifies and loads it anyway (only the license gate and the unwired-plugin warning skip disabled entries), so its failures still refuse the boot")
		d.diags[len(d.diags)-1].Hint = "remove the entry (or comment it out) to keep the gateway from loading it"
	}
	if !p.Enforce {
		w("enforce", "enforce: false — shadow mode: the plugin is evaluated and logged, but its Deny/Challenge decisions are overridden to Allow")
		d.diags[len(d.diags)-1].Hint = "set enforce: true (or remove it) when the plugin's decisions should count"
	}
	switch p.Policy {
	case PolicyDisabled:
		d.add(SeverityWarning, d.policyPos(p), path+".signature.policy",
			"signature policy resolves to 'disabled': signature checks are skipped for this entry (the gateway emits a governance.plugin.signature_policy_disabled audit event)")
	case PolicyWarn:
		if p.KeysInherited {
			d.add(SeverityWarning, d.policyPos(p), path+".signature.policy",
				"signature policy resolves to 'warn' but the entry inherits the gateway's trusted keys (which include the built-in official key), so it behaves like 'enforce'")
		} else {
			d.add(SeverityWarning, d.policyPos(p), path+".signature.policy",
				"signature policy resolves to 'warn': a missing or invalid signature is logged, not refused")
		}
	}
	if p.SourcePath != "" && p.SourcePathLayerRelative != "" && p.SourcePathLayerRelative != p.SourcePathResolved {
		w("source.path", fmt.Sprintf("source.path %q is relative: the gateway opens it from its working directory (here %s), not next to the config file (%s)",
			p.SourcePath, p.SourcePathResolved, p.SourcePathLayerRelative))
	}
	if p.Limits != nil && p.Kind == "native" {
		w("limits", "limits applies to Wasm plugins only; the gateway ignores it for a native entry (use ffi_limits)")
	}
	if p.FFILimits != nil && p.Kind == "wasm" {
		w("ffi_limits", "ffi_limits applies to native plugins only; the gateway ignores it for a wasm entry (use limits.timeout_ms)")
	}
	if _, ok := p.Fields["http_route"]; ok && p.Class != "http_route" && descriptor.KnownClass(p.Class) {
		w("http_route", "http_route tuning is ignored for a plugin whose class is not http_route")
	}
	if p.Kind == "wasm" && descriptor.KnownClass(p.Class) && !descriptor.WasmClassAllowed(p.Class) {
		w("class", fmt.Sprintf("class '%s' cannot be a Wasm plugin (Wasm plugins may be %s): the gateway refuses the artifact at load (\"wasm artifacts cannot implement class %s\")",
			p.Class, strings.Join(descriptor.WasmClasses, ", "), p.Class))
	}
}

func (d *decoder) policyPos(p *Plugin) Pos {
	if q, ok := p.Fields["signature.policy"]; ok {
		return q
	}
	return p.Pos
}
