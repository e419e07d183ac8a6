package mcpgconfig

// Decoding plugins[] and gateway.plugin_registry into the shapes of mcpg src/config/plugins.rs
// (PluginEntryConfig, PluginSourceConfig, SignatureConfig, TrustedKeyConfig,
// PluginResourceLimitsConfig, PluginFfiLimitsConfig, PluginHttpRouteConfig,
// PluginObservabilityToggle, SignalToggle, PluginRegistryConfig and its auth/tls/mirror structs).
// Field lists are in declaration order because serde's "expected one of" lists them that way.

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
)

var (
	entryFields     = []string{"id", "ref", "kind", "class", "source", "config", "signature", "granted_capabilities", "limits", "ffi_limits", "enforce", "disabled", "inline_dispatch", "http_route", "observability"}
	sourceFields    = []string{"path", "oci"}
	signatureFields = []string{"policy", "sha256", "trusted_keys"}
	keyFields       = []string{"id", "pem"}
	limitsFields    = []string{"memory_mb", "fuel", "timeout_ms"}
	ffiFields       = []string{"lifecycle_timeout_ms", "control_timeout_ms", "data_timeout_ms", "max_payload_bytes"}
	httpRouteFields = []string{"disabled", "allow_path_override", "max_body_bytes", "requires_identity"}
	obsFields       = []string{"logs", "metrics", "traces"}
	toggleFields    = []string{"enabled", "level", "mode", "sinks"}
	registryFields  = []string{"default_registry", "cache_dir", "auth", "tls", "mirrors", "default_signature_policy", "trusted_keys", "revocation_list_path", "insecure_registries", "require_integrity_anchor"}
	authFields      = []string{"username", "password", "docker_config_path"}
	tlsFields       = []string{"ca_cert", "insecure"}
	mirrorFields    = []string{"url", "auth"}
)

// rawSignature is the entry's signature block before inheritance.
type rawSignature struct {
	policy    *Policy
	policyPos Pos
	keys      []TrustedKey
	present   bool
}

// decodeRegistry reads gateway.plugin_registry. environ feeds MCPG_DEFAULT_PLUGIN_REGISTRY.
func (d *decoder) decodeRegistry(root *node, environ []string) Registry {
	r := Registry{DefaultSignaturePolicy: PolicyEnforce}
	envReg, _ := lookupEnv(environ, "MCPG_DEFAULT_PLUGIN_REGISTRY")
	r.DefaultRegistry, r.DefaultRegistryFrom = resolveDefaultRegistry(envReg)
	if r.DefaultRegistryFrom == "env" {
		r.DefaultRegistryPos = Pos{File: "$MCPG_DEFAULT_PLUGIN_REGISTRY"}
	}
	gw := root.get("gateway")
	if gw == nil {
		return r
	}
	if gw.kind != kMap {
		// plugin_registry lives in it: a gateway: that is not a mapping is refused as figment
		// extracts GatewayConfig (a sequence is read positionally, which this does not follow).
		if gw.kind != kSeq {
			d.invalidType(gw, "gateway", "struct GatewayConfig")
		}
		return r
	}
	const base = "gateway.plugin_registry"
	n := gw.get("plugin_registry")
	if n == nil {
		return r
	}
	if !d.structMap(&n, base, "PluginRegistryConfig", registryFields, true) {
		return r
	}
	if v := n.get("default_registry"); v != nil {
		if s, ok := d.str(v, base+".default_registry"); ok {
			r.DefaultRegistry, r.DefaultRegistryFrom, r.DefaultRegistryPos = s, "yaml", v.pos
		}
	}
	if v := n.get("cache_dir"); v != nil {
		if s, ok := d.optStr(v, base+".cache_dir"); ok && s != nil {
			r.CacheDir, r.CacheDirPos = *s, v.pos
		}
	}
	if v := n.get("auth"); v != nil {
		r.HasAuth, r.DockerConfigPath = d.decodeAuth(v, base+".auth")
	}
	if v := n.get("tls"); v != nil && d.structMap(&v, base+".tls", "PluginRegistryTlsConfig", tlsFields, true) {
		if c := v.get("ca_cert"); c != nil {
			if s, ok := d.optStr(c, base+".tls.ca_cert"); ok && s != nil {
				r.TLSCACert = *s
			}
		}
		if c := v.get("insecure"); c != nil {
			r.TLSInsecure, _ = d.boolean(c, base+".tls.insecure")
		}
	}
	if v := n.get("mirrors"); v != nil {
		if v.kind != kSeq {
			d.invalidType(v, base+".mirrors", "a sequence")
		} else {
			for i, m := range v.seq {
				f := base + ".mirrors[" + strconv.Itoa(i) + "]"
				if !d.structMap(&m, f, "PluginRegistryMirrorConfig", mirrorFields, true) {
					continue
				}
				mir := Mirror{Pos: m.pos}
				if u := m.get("url"); u == nil {
					d.missing(m, f, "url")
					continue
				} else if s, ok := d.str(u, f+".url"); ok {
					mir.URL, mir.Pos = s, u.pos
				} else {
					continue
				}
				if a := m.get("auth"); a != nil && a.kind != kNull {
					mir.HasAuth, _ = d.decodeAuth(a, f+".auth")
				}
				r.Mirrors = append(r.Mirrors, mir)
			}
		}
	}
	if v := n.get("default_signature_policy"); v != nil {
		if p, ok := d.policy(v, base+".default_signature_policy"); ok {
			r.DefaultSignaturePolicy, r.DefaultPolicyPos = p, v.pos
		}
	}
	if v := n.get("trusted_keys"); v != nil {
		r.TrustedKeys = d.decodeKeys(v, base+".trusted_keys")
	}
	if v := n.get("revocation_list_path"); v != nil {
		if s, ok := d.optStr(v, base+".revocation_list_path"); ok && s != nil {
			r.RevocationListPath, r.RevocationListPos = *s, v.pos
		}
	}
	if v := n.get("insecure_registries"); v != nil {
		r.InsecureRegistries = d.strList(v, base+".insecure_registries")
	}
	if v := n.get("require_integrity_anchor"); v != nil {
		r.RequireIntegrityAnchor, _ = d.boolean(v, base+".require_integrity_anchor")
		d.requireAnchor = r.RequireIntegrityAnchor
	}
	return r
}

// resolveDefaultRegistry is resolve_default_plugin_registry: the env value trimmed of whitespace
// and trailing '/', the compiled default when that leaves nothing.
func resolveDefaultRegistry(env string) (string, string) {
	t := trimRight(trimSpace(env), '/')
	if t == "" {
		return DefaultPluginRegistry, "default"
	}
	return t, "env"
}

func (d *decoder) decodeAuth(n *node, field string) (hasCreds bool, dockerConfig string) {
	if !d.structMap(&n, field, "PluginRegistryAuthConfig", authFields, true) {
		return false, ""
	}
	for _, k := range []string{"username", "password"} {
		if v := n.get(k); v != nil {
			// never copied out, never quoted in a message: only whether it is set
			switch v.kind {
			case kString:
				hasCreds = true
			case kNull:
			default:
				d.serdeErr(v, v.pos, field+"."+k, "invalid type: found "+redactedActual(v)+", expected a string")
			}
		}
	}
	if v := n.get("docker_config_path"); v != nil {
		if s, ok := d.optStr(v, field+".docker_config_path"); ok && s != nil {
			dockerConfig = *s
		}
	}
	return hasCreds, dockerConfig
}

func (d *decoder) strList(n *node, field string) []string {
	if n.kind != kSeq {
		d.invalidType(n, field, "a sequence")
		return nil
	}
	var out []string
	for i, v := range n.seq {
		if s, ok := d.str(v, field+"["+strconv.Itoa(i)+"]"); ok {
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) decodeKeys(n *node, field string) []TrustedKey {
	if n.kind != kSeq {
		d.invalidType(n, field, "a sequence")
		return nil
	}
	var out []TrustedKey
	for i, k := range n.seq {
		f := field + "[" + strconv.Itoa(i) + "]"
		if !d.structMap(&k, f, "TrustedKeyConfig", keyFields, true) {
			continue
		}
		tk := TrustedKey{Pos: k.pos}
		ok := true
		for _, name := range keyFields {
			v := k.get(name)
			if v == nil {
				d.missing(k, f, name)
				ok = false
				continue
			}
			s, good := d.str(v, f+"."+name)
			if !good {
				ok = false
				continue
			}
			if name == "id" {
				tk.ID = s
			} else {
				tk.PEM = s
			}
		}
		if ok {
			out = append(out, tk)
		}
	}
	return out
}

// decodePlugin reads one plugins[] item. ok is false when the item had a decoding error.
func (d *decoder) decodePlugin(i int, n *node, reg *Registry) (Plugin, rawSignature, bool) {
	f := "plugins[" + strconv.Itoa(i) + "]"
	p := Plugin{Index: i, Kind: "native", Class: "tool_gate", Enforce: true, Pos: n.pos,
		Fields: map[string]Pos{}, ConfigJSON: json.RawMessage("null")}
	var sig rawSignature
	before := len(d.diags)
	if !d.structMap(&n, f, "PluginEntryConfig", entryFields, true) {
		p.sourceBad = true // not an entry at all: no validate_plugins rule applies
		return p, sig, false
	}
	for _, e := range n.m {
		p.Fields[e.key] = e.val.pos
	}
	if v := n.get("id"); v == nil {
		d.missing(n, f, "id")
	} else if s, ok := d.str(v, f+".id"); ok {
		p.Alias, p.idSet = s, true
		d.alias = s
		// errors already recorded for this entry get the alias too
		for j := before; j < len(d.diags); j++ {
			d.diags[j].Alias = s
		}
	}
	if v := n.get("ref"); v != nil {
		if s, ok := d.optStr(v, f+".ref"); ok && s != nil {
			p.Ref, p.refSet = *s, true
		}
	}
	if v := n.get("kind"); v != nil {
		if s, ok := d.str(v, f+".kind"); ok {
			p.Kind = s
		}
	}
	if v := n.get("class"); v != nil {
		if s, ok := d.str(v, f+".class"); ok {
			p.Class = s
		}
	}
	srcBefore := len(d.diags)
	if v := n.get("source"); v != nil {
		if d.structMap(&v, f+".source", "PluginSourceConfig", sourceFields, true) {
			for _, e := range v.m {
				p.Fields["source."+e.key] = e.val.pos
			}
			if s := v.get("path"); s != nil {
				if ps, ok := d.optStr(s, f+".source.path"); ok && ps != nil {
					p.SourcePath = *ps
					p.pathSet = true
					p.SourcePathResolved = *ps
					if !filepath.IsAbs(*ps) && *ps != "" {
						p.SourcePathResolved = filepath.Join(d.workDir, *ps)
						if s.pos.Line > 0 && layerHasDir(s.pos.File) {
							p.SourcePathLayerRelative = filepath.Join(filepath.Dir(s.pos.File), *ps)
							if abs, err := filepath.Abs(p.SourcePathLayerRelative); err == nil {
								p.SourcePathLayerRelative = abs
							}
						}
					}
				}
			}
			if s := v.get("oci"); s != nil {
				if o, ok := d.optStr(s, f+".oci"); ok && o != nil {
					p.OCI = *o
					p.ociSet = true
				}
			}
		}
	}
	p.sourceBad = len(d.diags) > srcBefore
	if v := n.get("config"); v != nil && d.jsonNumbers(v, f+".config") {
		if b, err := json.Marshal(toJSON(v)); err == nil {
			p.ConfigJSON = b
		}
	}
	if v := n.get("signature"); v != nil && v.kind != kNull {
		if d.structMap(&v, f+".signature", "SignatureConfig", signatureFields, true) {
			sig.present = true
			for _, e := range v.m {
				p.Fields["signature."+e.key] = e.val.pos
			}
			if s := v.get("policy"); s != nil && s.kind != kNull {
				if pol, ok := d.policy(s, f+".signature.policy"); ok {
					sig.policy, sig.policyPos = &pol, s.pos
				}
			}
			if s := v.get("sha256"); s != nil {
				if h, ok := d.optStr(s, f+".signature.sha256"); ok && h != nil {
					p.SHA256, p.shaSet = *h, true
				}
			}
			if s := v.get("trusted_keys"); s != nil {
				sig.keys = d.decodeKeys(s, f+".signature.trusted_keys")
			}
		}
	}
	if v := n.get("granted_capabilities"); v != nil {
		p.GrantedCapabilities = d.decodeCapabilities(v, f+".granted_capabilities")
		for j, it := range v.seq {
			p.Fields["granted_capabilities["+strconv.Itoa(j)+"]"] = it.pos
		}
	}
	for _, blk := range []string{"limits", "ffi_limits", "http_route", "observability"} {
		if v := n.get(blk); v != nil && v.kind == kMap {
			for _, e := range v.m {
				p.Fields[blk+"."+e.key] = e.val.pos
			}
		}
	}
	if v := n.get("limits"); v != nil && v.kind != kNull {
		if d.structMap(&v, f+".limits", "PluginResourceLimitsConfig", limitsFields, true) {
			l := &Limits{}
			if s := v.get("memory_mb"); s != nil {
				if u, ok := d.optUint(s, f+".limits.memory_mb", "u32", 32); ok && u != nil {
					m := uint32(*u)
					l.MemoryMB = &m
				}
			}
			if s := v.get("fuel"); s != nil {
				l.Fuel, _ = d.optUint(s, f+".limits.fuel", "u64", 64)
			}
			if s := v.get("timeout_ms"); s != nil {
				l.TimeoutMS, _ = d.optUint(s, f+".limits.timeout_ms", "u64", 64)
			}
			p.Limits = l
		}
	}
	if v := n.get("ffi_limits"); v != nil && v.kind != kNull {
		if d.structMap(&v, f+".ffi_limits", "PluginFfiLimitsConfig", ffiFields, true) {
			l := &FFILimits{}
			if s := v.get("lifecycle_timeout_ms"); s != nil {
				l.LifecycleTimeoutMS, _ = d.optUint(s, f+".ffi_limits.lifecycle_timeout_ms", "u64", 64)
			}
			if s := v.get("control_timeout_ms"); s != nil {
				l.ControlTimeoutMS, _ = d.optUint(s, f+".ffi_limits.control_timeout_ms", "u64", 64)
			}
			if s := v.get("data_timeout_ms"); s != nil {
				l.DataTimeoutMS, _ = d.optUint(s, f+".ffi_limits.data_timeout_ms", "u64", 64)
			}
			if s := v.get("max_payload_bytes"); s != nil {
				l.MaxPayloadBytes, _ = d.optUint(s, f+".ffi_limits.max_payload_bytes", "usize", 64)
			}
			p.FFILimits = l
		}
	}
	if v := n.get("enforce"); v != nil {
		if b, ok := d.boolean(v, f+".enforce"); ok {
			p.Enforce = b
		}
	}
	if v := n.get("disabled"); v != nil {
		p.Disabled, _ = d.boolean(v, f+".disabled")
	}
	if v := n.get("inline_dispatch"); v != nil {
		p.InlineDispatch, _ = d.boolean(v, f+".inline_dispatch")
	}
	if v := n.get("http_route"); v != nil && v.kind != kNull {
		if d.structMap(&v, f+".http_route", "PluginHttpRouteConfig", httpRouteFields, true) {
			for _, k := range []string{"disabled", "allow_path_override"} {
				if s := v.get(k); s != nil {
					d.boolean(s, f+".http_route."+k)
				}
			}
			if s := v.get("max_body_bytes"); s != nil {
				d.optUint(s, f+".http_route.max_body_bytes", "u64", 64)
			}
			if s := v.get("requires_identity"); s != nil && s.kind != kNull {
				d.boolean(s, f+".http_route.requires_identity")
			}
		}
	}
	if v := n.get("observability"); v != nil && v.kind != kNull {
		if d.structMap(&v, f+".observability", "PluginObservabilityToggle", obsFields, true) {
			for _, k := range obsFields {
				if s := v.get(k); s != nil && s.kind != kNull {
					if sinks := d.decodeToggle(s, f+".observability."+k, k); len(sinks) > 0 {
						if p.Sinks == nil {
							p.Sinks = map[string][]string{}
						}
						p.Sinks[k] = sinks
					}
				}
			}
		}
	}
	// Effective signature policy and keys (plugins.rs SignatureConfig docs; the registry's
	// default_signature_policy when the entry has none; the registry's trusted_keys plus the built-in
	// official key when the entry lists none).
	p.Policy, p.PolicyInherited = reg.DefaultSignaturePolicy, true
	if sig.policy != nil {
		p.Policy, p.PolicyInherited = *sig.policy, false
	}
	if len(sig.keys) > 0 {
		p.TrustedKeys, p.ownKeys = sig.keys, true
	} else {
		p.TrustedKeys, p.KeysInherited = reg.TrustedKeys, true
	}
	p.ManifestID = p.Alias
	if p.refSet {
		p.ManifestID = p.Ref
	}
	return p, sig, len(d.diags) == before
}

// decodeToggle decodes one signal's toggle and returns its sink ids.
func (d *decoder) decodeToggle(n *node, field, signal string) []string {
	if !d.structMap(&n, field, "SignalToggle", toggleFields, true) {
		return nil
	}
	before := len(d.diags)
	enabled, hasLevel, mode, sinks := true, false, "inherit", 0
	var sinkIDs []string
	if v := n.get("enabled"); v != nil {
		enabled, _ = d.boolean(v, field+".enabled")
	}
	if v := n.get("level"); v != nil {
		s, _ := d.optStr(v, field+".level")
		hasLevel = s != nil
	}
	if v := n.get("mode"); v != nil {
		if m, ok := d.unitEnum(v, field+".mode", "SinkMode", []string{"inherit", "replace", "tee"}); ok {
			mode = m
		}
	}
	if v := n.get("sinks"); v != nil {
		sinkIDs = d.strList(v, field+".sinks")
		sinks = len(sinkIDs)
	}
	if len(d.diags) > before {
		return nil
	}
	// SignalToggle::validate, called at boot by src/app/observability_wiring.rs for every entry
	// (logs, then metrics, then traces): its Err refuses the boot as "per-plugin observability config:
	// plugin '<id>' observability.<signal>: <msg>" (src/app/boot.rs adds the prefix), its hint is a
	// warning.
	pos := n.pos
	fail := func(msg string) {
		d.add(SeverityError, pos, field, "per-plugin observability config: plugin '"+d.alias+"' observability."+signal+": "+msg)
	}
	switch {
	case signal == "metrics" && hasLevel:
		fail("observability `level` is not supported for the `metrics` signal (metrics-rs has no severity); remove the level field")
	case (mode == "replace" || mode == "tee") && sinks == 0:
		fail("observability mode = " + strings.ToUpper(mode[:1]) + mode[1:] + " requires a non-empty `sinks` list; either list the per-plugin sink ids or change mode to `inherit`")
	case mode == "inherit" && sinks > 0:
		fail("observability `sinks` list is set but `mode: inherit` ignores it; either set mode to `replace` / `tee` or remove the sinks list")
	case !enabled && hasLevel:
		d.add(SeverityWarning, pos, field, "per-plugin observability validation hint: enabled = false with a level field — the level is ignored while enabled is false; remove the level field once you confirm the disable behaviour")
	}
	return sinkIDs
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func trimRight(s string, c byte) string {
	for len(s) > 0 && s[len(s)-1] == c {
		s = s[:len(s)-1]
	}
	return s
}

// redactedActual names a value's type without its content (for credentials).
func redactedActual(n *node) string {
	switch n.kind {
	case kBool:
		return "bool (value redacted)"
	case kInt:
		if n.i.Sign() < 0 {
			return "signed int (value redacted)"
		}
		return "unsigned int (value redacted)"
	case kFloat:
		return "float (value redacted)"
	}
	return actual(n)
}

// layerHasDir reports whether a layer's name is a file in a directory an operator chose: not
// stdin, and not a pipe's /dev/fd/N (bash's <(…)).
func layerHasDir(name string) bool {
	dir := filepath.Dir(name)
	return name != StdinLayer && dir != "/dev/fd" && dir != "/proc/self/fd"
}
