package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

// expectedPackagePrefix is what TypeLayout's package_and_version starts with for a plugin built
// against mcpg-plugin-protocol; abi_stable itself ignores the field, so a different value is a
// warning-level fact shown in the report, not a refusal.
const expectedPackagePrefix = "mcpg-plugin-protocol;"

// judge applies the gateway's checks to what the worker read, in the gateway's order
// (docs/native-abi.md §1.3 steps 4–8), and fills in the loaded plugin's fields.
func judge(r *report, descriptorPkg *descriptor.Descriptor, reg *native.Registration, derived string) error {
	if reg.Layout.Problem != "" {
		// Not a layout of another ABI version but no layout at all: the gateway's "incompatible"
		// wording below would quote numbers that were never there (docs/native-abi.md §1.4).
		return cli.WithHint(cli.Failf("%s: %s is not an ABI v2 plugin: mcpg_plugin_abi_layout returned no abi_stable TypeLayout: %s",
			r.Package, r.Artifact, reg.Layout.Problem),
			"an ABI v2 plugin returns the TypeLayout of PluginRegistration (mcpg-plugin-sdk's declare_plugin! does); "+
				"see examples/hello-gate and docs/native-abi.md §1.4")
	}
	if reg.Layout.Size != 240 || reg.Layout.AlignmentPowerOf2 != 3 {
		return cli.Failf("%s: plugin ABI layout is incompatible with the host (type-identity check): "+
			"mcpg_plugin_abi_layout describes a PluginRegistration of %d bytes with alignment 2^%d, expected 240 bytes "+
			"with alignment 2^3; rebuild it against this host", r.Package, reg.Layout.Size, reg.Layout.AlignmentPowerOf2)
	}
	if !strings.HasPrefix(reg.Layout.PackageAndVersion, expectedPackagePrefix) {
		r.Warnings = append(r.Warnings, fmt.Sprintf("mcpg_plugin_abi_layout names package %q, expected %s<version>: "+
			"the plugin may not be built against mcpg-plugin-protocol", reg.Layout.PackageAndVersion, expectedPackagePrefix))
	}
	switch {
	case len(reg.Problems) > 0:
		return cli.Failf("%s: %s", r.Package, reg.Problems[0])
	case reg.ABIVersion == 0xFFFFFFFF:
		return cli.Failf("%s: plugin panicked during mcpg_plugin_register — registration carries the panic sentinel "+
			"abi_version. The cdylib is broken; rebuild and re-sign.", r.Package)
	case reg.ABIVersion != 2:
		return cli.Failf("%s: plugin declares ABI version %d but host expects 2", r.Package, reg.ABIVersion)
	case len(reg.Entities) == 0:
		return cli.Failf("%s: plugin registration exports no entities", r.Package)
	}
	for i, e := range reg.Entities {
		if e.Kind == "" {
			return cli.Failf("%s: plugin registration: entity %d has tag %d; ABI v2 knows tags 0 to %d",
				r.Package, i, e.Tag, len(native.EntityKinds)-1)
		}
	}
	packaged := descriptorPkg
	p := &loadedPlugin{Version: reg.PluginVersion, Class: packaged.Class, Runtime: packaged.Runtime}
	if reg.DescriptorYAML == "" {
		// The gateway's fallback: the manifest comes from make + manifest_json (derived by the worker).
		var m struct{ ID, Name, ProtocolVersion string }
		if err := json.Unmarshal([]byte(derived), &struct {
			ID              *string `json:"id"`
			Name            *string `json:"name"`
			ProtocolVersion *string `json:"protocol_version"`
		}{&m.ID, &m.Name, &m.ProtocolVersion}); err != nil {
			return cli.Failf("%s: the manifest derived through make and manifest_json: %v", r.Package, err)
		}
		p.ID, p.Name, p.ProtocolVersion = m.ID, m.Name, m.ProtocolVersion
		p.ManifestSource = "manifest_json (no descriptor_yaml)"
	} else {
		embedded, err := descriptor.Parse([]byte(reg.DescriptorYAML))
		if err != nil {
			return cli.Failf("%s: the descriptor embedded in %s (descriptor_yaml): %v", r.Package, pkgzip.EntryNative, err)
		}
		mismatches := descriptor.Compare(packaged, embedded)
		for _, m := range mismatches {
			r.Mismatches = append(r.Mismatches, m.Error())
		}
		if len(mismatches) > 0 {
			return cli.Failf("%s: %s", r.Package, mismatches[0].Error())
		}
		p.ID, p.Name, p.ProtocolVersion = embedded.ID, embedded.Name, embedded.ProtocolVersion
		p.ManifestSource = "descriptor_yaml"
	}
	if reg.BackendProfile != nil {
		if _, err := serdejson.Reencode(*reg.BackendProfile); err != nil {
			return cli.Failf("%s: plugin '%s' declares an invalid backend_profile_json: not JSON (%v)", r.Package, reg.PluginID, err)
		}
	}
	declared, err := cdylibCapabilities(reg)
	if err != nil {
		return cli.Failf("%s: %v", r.Package, err)
	}
	required := make([]string, 0, len(packaged.RequiredCapabilities))
	for _, c := range packaged.RequiredCapabilities {
		required = append(required, capabilityKey(c.Type, c.Paths, c.Schemes, c.Kinds))
	}
	if onlyDesc, onlyLib := difference(required, declared), difference(declared, required); len(onlyDesc)+len(onlyLib) > 0 {
		return cli.Failf("%s: plugin %q: descriptor / cdylib capability lists disagree. only in descriptor: %s; "+
			"only in cdylib: %s. Rebuild the cdylib or update plugin.yaml to match.",
			r.Package, packaged.ID, rustList(onlyDesc), rustList(onlyLib))
	}
	p.Capabilities = declared
	for _, e := range reg.Entities {
		p.Entities = append(p.Entities, e.Kind)
	}
	if !slices.Contains(p.Entities, packaged.Class) {
		return cli.Failf("%s: plugin.yaml declares class %s but the registration exports no %s entity (it exports %s)",
			r.Package, packaged.Class, packaged.Class, strings.Join(p.Entities, ", "))
	}
	r.Plugin = p
	return nil
}

// cdylibCapabilities decodes the TypedCapabilityDecl list as the host does: known kinds only,
// args_json empty or an object of the variant's list.
func cdylibCapabilities(reg *native.Registration) ([]string, error) {
	var out []string
	for _, c := range reg.Capabilities {
		if !descriptor.KnownCapability(c.Kind) {
			return nil, fmt.Errorf("plugin '%s' declares invalid capability %q: unknown capability kind", reg.PluginID, c.Kind)
		}
		var args struct{ Paths, Schemes, Kinds []string }
		if c.ArgsJSON != "" {
			if err := json.Unmarshal([]byte(c.ArgsJSON), &args); err != nil {
				return nil, fmt.Errorf("plugin '%s' declares invalid capability %q: args_json: %v", reg.PluginID, c.Kind, err)
			}
		}
		out = append(out, capabilityKey(c.Kind, args.Paths, args.Schemes, args.Kinds))
	}
	return out, nil
}

// capabilityKey identifies a capability with its arguments, order included (the host compares
// typed values whose lists are ordered).
func capabilityKey(kind string, lists ...[]string) string {
	for _, l := range lists {
		if len(l) > 0 {
			return kind + "(" + strings.Join(l, ",") + ")"
		}
	}
	return kind
}

func difference(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// rustList prints like Rust's {:?} of a Vec<&str>: ["a", "b"].
func rustList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
