package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/artifact"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
	"github.com/mcpg-dev/mcpg-plugins/shared/mcpgconfig"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
	"github.com/mcpg-dev/mcpg-plugins/shared/revocation"
)

// The statuses of an entry, from best to worst.
const (
	statusLoads      = "loads"        // ✓ the boot would load it as configured
	statusWarning    = "warning"      // ⚠ loads, but in shadow mode, disabled, unverified or with a warning
	statusRefused    = "refused"      // ✗ the boot stops here
	statusUnresolved = "not_resolved" // ? this tool could not decide (an OCI source it does not resolve yet)
)

// Severities of a finding.
const (
	sevError   = "error"
	sevWarning = "warning"
	sevNote    = "note"
)

// finding is one thing the boot would say about an entry: the gateway's own message where it has
// one, what to do about it, and where in the config the value that decides it was set.
type finding struct {
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Fix      string `json:"fix,omitempty"`
	Pos      string `json:"pos,omitempty"`
}

// entryResult is the verdict on one plugins[] entry.
type entryResult struct {
	Index      int    `json:"index"`
	Alias      string `json:"alias"`
	ManifestID string `json:"manifest_id"`
	Kind       string `json:"kind"`
	Class      string `json:"class"`
	SourcePath string `json:"source_path,omitempty"` // as written
	SourceOCI  string `json:"source_oci,omitempty"`  // as written, userinfo redacted
	// Resolved is the file the gateway would open (source.path against its working directory).
	Resolved        string `json:"resolved,omitempty"`
	Form            string `json:"form,omitempty"` // package | artifact
	Runtime         string `json:"runtime,omitempty"`
	DescriptorID    string `json:"descriptor_id,omitempty"`
	DescriptorClass string `json:"descriptor_class,omitempty"`
	ArtifactSHA256  string `json:"artifact_sha256,omitempty"`
	PackageSHA256   string `json:"package_sha256,omitempty"`
	Policy          string `json:"signature_policy"`
	// Signature: verified, skipped (policy disabled), unverified (a warning) or failed; "" when the
	// entry was refused before the signature step.
	Signature string      `json:"signature,omitempty"`
	Disabled  bool        `json:"disabled,omitempty"`
	Shadow    bool        `json:"shadow,omitempty"` // enforce: false
	Status    string      `json:"status"`
	Findings  []finding   `json:"findings"`
	Test      *harnessRun `json:"test,omitempty"`
	// Unreachable: a registry could not be reached (or refused the credentials) for this entry.
	Unreachable bool          `json:"registry_unreachable,omitempty"`
	artifact    artifactBytes // where --test finds the package
}

// artifactBytes says where the entry's bytes are for --test: a package zip, or a loose artifact.
type artifactBytes struct {
	pkg        string // the package zip
	loose      string // a loose artifact (source.path not ending in .zip)
	descriptor string // the loose artifact's sidecar <artifact>.plugin.yaml, when present
}

func (r *entryResult) add(sev, pos, fix, format string, a ...any) {
	r.Findings = append(r.Findings, finding{Severity: sev, Message: fmt.Sprintf(format, a...), Fix: fix, Pos: pos})
}

// refused reports whether the entry has an error finding.
func (r *entryResult) refused() bool {
	for _, f := range r.Findings {
		if f.Severity == sevError {
			return true
		}
	}
	return false
}

// settle sets Status from the findings.
func (r *entryResult) settle() {
	switch {
	case r.Unreachable:
		r.Status = statusUnresolved
	case r.refused():
		r.Status = statusRefused
	case r.Status == statusUnresolved:
	case r.hasWarning():
		r.Status = statusWarning
	default:
		r.Status = statusLoads
	}
}

func (r *entryResult) hasWarning() bool {
	for _, f := range r.Findings {
		if f.Severity == sevWarning {
			return true
		}
	}
	return r.Disabled || r.Shadow
}

// gateway is what the boot knows besides the entry: the registry settings, the revocation list it
// loaded, whether it was built with Wasm, and the directory it runs in.
type gateway struct {
	registry mcpgconfig.Registry
	status   *statusLine // what a pull or a --test run is waiting for, on a terminal
	// wasm: the target gateway's build has the wasm-plugins feature; nil when unknown.
	wasm *bool
	// workdir is the gateway's working directory: a relative source.path is opened from there
	// (plugin_registry/mod.rs build_plugin_registry and packaged.rs load_packaged_plugin open
	// Path::new(path) as written).
	workdir    string
	revocation *revocation.List
	// oci resolves source.oci entries; nil leaves them not resolved.
	oci *ociSource
}

// gatewayPath is where the gateway opens source.path: as written, relative to its working
// directory.
func (g *gateway) gatewayPath(p string) string {
	if filepath.IsAbs(p) || g.workdir == "" {
		return p
	}
	return filepath.Join(g.workdir, p)
}

// resolveLocal follows plugin_registry/mod.rs build_plugin_registry for an entry with
// source.path: a path ending in ".zip" goes to packaged.rs load_packaged_plugin, anything else to
// the loose-artifact arm of its kind.
func (g *gateway) resolveLocal(r *entryResult, p *mcpgconfig.Plugin) {
	path := g.gatewayPath(p.SourcePath)
	r.Resolved = path
	pos := p.FieldPos("source.path").String()
	if _, err := os.Stat(path); err != nil {
		msg := fmt.Sprintf("plugin '%s': artifact not found at '%s'", p.Alias, p.SourcePath) // mod.rs, native arm
		switch {
		case strings.HasSuffix(p.SourcePath, ".zip"):
			msg = fmt.Sprintf("plugin '%s': package not found at %s", p.Alias, p.SourcePath) // packaged.rs load_packaged_plugin
		case p.Kind == "wasm":
			msg = fmt.Sprintf("plugin '%s': wasm artifact not found at '%s'", p.Alias, p.SourcePath) // mod.rs, wasm arm
		}
		r.add(sevError, pos, g.notFoundFix(p, path, err), "%s", msg)
		return
	}
	if err := fileio.RequireRegular(path, "a plugin file"); err != nil {
		r.add(sevError, pos, "point source.path at the plugin's file itself",
			"plugin '%s': source.path %s: %s", p.Alias, p.SourcePath, kindReason(err))
		return
	}
	if strings.HasSuffix(p.SourcePath, ".zip") {
		g.resolvePackage(r, p, path)
		return
	}
	g.resolveLoose(r, p, path)
}

// notFoundFix explains a source.path the gateway would not find, pointing at the file when it
// exists relative to the config file (where an operator often expects relative paths to start).
func (g *gateway) notFoundFix(p *mcpgconfig.Plugin, path string, err error) string {
	if !errors.Is(err, fs.ErrNotExist) {
		return fileio.Reason(err)
	}
	if p.SourcePathResolved != "" && p.SourcePathResolved != path && !filepath.IsAbs(p.SourcePath) {
		if _, err := os.Stat(p.SourcePathResolved); err == nil {
			return fmt.Sprintf("the gateway opens a relative source.path from its working directory (%s), not from the config file's; the file is at %s: write that absolute path, or check with --workdir set to the gateway's directory", g.workdirName(), p.SourcePathResolved)
		}
	}
	return fmt.Sprintf("no file at %s (a relative source.path is opened from the gateway's working directory, %s; --workdir names the directory the gateway runs in)", path, g.workdirName())
}

func (g *gateway) workdirName() string {
	if g.workdir == "" {
		return "taken to be the current directory"
	}
	return g.workdir
}

// resolvePackage is packaged.rs load_packaged_plugin: strict unpack (mcpg_plugin_host
// Package::unpack_cached_to), descriptor id vs the entry's ref, the runtime dispatch, then the
// integrity gate (native.rs derive_native_verify_options_for_entry, mcpg-plugin-host native.rs
// verify_native_artifact) and the registrar's capability check (mcpg-plugin-host firstparty.rs
// register_with_descriptor).
func (g *gateway) resolvePackage(r *entryResult, p *mcpgconfig.Plugin, path string) {
	r.Form = "package"
	r.artifact.pkg = path
	pos := p.FieldPos("source.path").String()
	if d, _, err := digest.File(path); err == nil {
		r.PackageSHA256 = d.Hex()
	}
	pkg, closePkg, err := pkgzip.OpenFile(path, nil, pkgzip.DefaultLimits)
	if err != nil {
		r.add(sevError, pos, "rebuild the package with 'mcpg-plugins pack' (the gateway unpacks it with the same rules)", "%s", cli1(err))
		return
	}
	defer closePkg()
	d := pkg.Descriptor
	r.Runtime, r.DescriptorID, r.DescriptorClass = d.Runtime, d.ID, d.Class

	if d.ID != p.ManifestID {
		r.add(sevError, refPos(p), refFix(p, d.ID),
			"plugin alias '%s': packaged descriptor declares manifest id %q but entry expects ref '%s'", p.Alias, d.ID, p.ManifestID)
		return
	}
	switch d.Runtime {
	case descriptor.RuntimeStatic:
		r.add(sevError, pos, "static plugins are compiled into the gateway; package a native-cdylib-v1 or wasi-v1 build",
			"plugin '%s': packaged plugins cannot declare runtime static-firstparty-v1 — static plugins are compiled into the gateway", p.Alias)
		return
	case descriptor.RuntimeWasm:
		if !g.wasmCheck(r, p, fmt.Sprintf("plugin '%s': WASI package but this gateway build has no wasm-plugins feature", p.Alias)) {
			return
		}
	}
	g.kindAndClass(r, p, d)

	art, err := pkg.Artifact()
	if err != nil {
		r.add(sevError, pos, "", "%s", cli1(err))
		return
	}
	defer art.Close()
	shown := path + ":" + pkg.ArtifactName
	wrap := ""
	if d.Runtime == descriptor.RuntimeWasm {
		wrap = fmt.Sprintf("verifying wasm artifact '%s': ", shown) // mcpg-plugin-host wasm.rs load_wasm_component
	}
	head := firstBytes{max: wasmPreamble}
	if !g.verify(r, p, shown, wrap, io.TeeReader(art, &head), pkg.Signature, pkg.Signature != nil, "re-sign the artifact with the right key and re-pack ('mcpg-plugins sign', 'mcpg-plugins pack --signature')") {
		return
	}
	if d.Runtime == descriptor.RuntimeWasm {
		if !g.wasmComponent(r, p, shown, head.b) {
			return
		}
		if !descriptor.WasmClassAllowed(d.Class) {
			r.add(sevError, pos, "Wasm plugins implement tool_gate, transform or identity_provider only",
				"packaged wasm plugin declared unsupported class: %s", d.Class)
			return
		}
	} else {
		r.add(sevNote, "", "", "not loaded: dlopen, the registration policy chain, and the library's class and capabilities against plugin.yaml are checked by --test")
	}
	g.capabilities(r, p, d)
}

// resolveLoose is the loose-artifact arm of build_plugin_registry (plugin_registry/mod.rs): by
// kind, native (verify_native_artifact, the optional <artifact>.plugin.yaml sidecar) or wasm
// (the wasm-plugins feature, load_wasm_component, the required sidecar, ref, registrar).
func (g *gateway) resolveLoose(r *entryResult, p *mcpgconfig.Plugin, path string) {
	r.Form = "artifact"
	r.artifact.loose = path
	pos := p.FieldPos("source.path").String()
	if looksLikeZip(path) {
		r.add(sevError, pos, fmt.Sprintf("rename it to end in .zip (source.path: %s.zip): the gateway unpacks a package only when source.path ends in \".zip\"", strings.TrimSuffix(p.SourcePath, filepath.Ext(p.SourcePath))),
			"plugin '%s': %s is a package zip, but source.path does not end in \".zip\", so the gateway would load the zip itself as a %s artifact", p.Alias, p.SourcePath, p.Kind)
		return
	}
	// The sidecar descriptor is read after the artifact is verified (and, native, loaded), so its
	// problems are reported at that point, as the gateway reaches them.
	sidecarDesc := path + ".plugin.yaml"
	var d *descriptor.Descriptor
	var sidecarErr error
	raw, found, ok := readSidecar(r, pos, sidecarDesc, "a plugin descriptor")
	if !ok {
		return
	}
	if found {
		r.artifact.descriptor = sidecarDesc
		if d, sidecarErr = descriptor.Parse(raw); sidecarErr == nil {
			r.Runtime, r.DescriptorID, r.DescriptorClass = d.Runtime, d.ID, d.Class
		}
	}
	badSidecar := func() bool {
		if sidecarErr == nil {
			return false
		}
		r.add(sevError, pos, "fix the sidecar plugin.yaml (mcpg-plugins inspect shows a package's)",
			"plugin '%s': sidecar descriptor at %s — %v", p.Alias, sidecarDesc, sidecarErr)
		return true
	}
	if p.Kind == "wasm" {
		if !g.wasmCheck(r, p, fmt.Sprintf("plugin '%s': wasm plugin support requires the 'wasm-plugins' feature flag; rebuild with --features wasm-plugins", p.Alias)) {
			return
		}
	}
	f, err := fileio.Open(path, "a plugin file")
	if err != nil {
		r.add(sevError, pos, "", "failed to read artifact: %s: %s", path, fileio.Reason(err))
		return
	}
	defer f.Close()
	sig, hasSig, ok := readSidecar(r, pos, keys.SidecarPath(path), "a signature file")
	if !ok {
		return
	}
	wrap := ""
	if p.Kind == "wasm" {
		wrap = fmt.Sprintf("verifying wasm artifact '%s': ", path)
	}
	head := firstBytes{max: wasmPreamble}
	if !g.verify(r, p, path, wrap, io.TeeReader(f, &head), sig, hasSig, fmt.Sprintf("sign it with a trusted key ('mcpg-plugins sign %s' writes %s)", p.SourcePath, filepath.Base(keys.SidecarPath(path)))) {
		return
	}
	if p.Kind != "wasm" {
		if badSidecar() {
			return
		}
		// The native arm checks no ref, class or grants against a descriptor: the library's own
		// registration is authoritative (only --test sees it).
		r.add(sevNote, "", "", "not loaded: dlopen, the registration policy chain and the library's capabilities (against %s when present) are checked by --test", filepath.Base(sidecarDesc))
		return
	}
	if !g.wasmComponent(r, p, path, head.b) || badSidecar() {
		return
	}
	if d == nil {
		r.add(sevError, pos, fmt.Sprintf("ship the plugin's plugin.yaml next to it as %s, or use the package zip", filepath.Base(sidecarDesc)),
			"plugin '%s': sidecar descriptor at %s — cannot read it: %s", p.Alias, sidecarDesc, "no such file")
		return
	}
	if d.ID != p.ManifestID {
		r.add(sevError, refPos(p), refFix(p, d.ID),
			"plugin alias '%s': sidecar descriptor reports manifest id %q but entry expects ref '%s'", p.Alias, d.ID, p.ManifestID)
		return
	}
	if !g.capabilities(r, p, d) {
		return
	}
	if !descriptor.WasmClassAllowed(d.Class) {
		r.add(sevError, pos, "Wasm plugins implement tool_gate, transform or identity_provider only",
			"plugin '%s': wasm artifacts cannot implement class %s", p.Alias, d.Class)
	}
}

// maxSidecar bounds what is read of a .sig or .plugin.yaml beside an artifact: both are small.
const maxSidecar = 16 << 20

// readSidecar reads a file the gateway reads beside an artifact (its .sig, its .plugin.yaml). One
// that is missing or cannot be read is not there (found false), as for the gateway; a pipe or a
// device is refused with a finding (ok false), since the gateway would wait on it or never reach
// its end.
func readSidecar(r *entryResult, pos, path, what string) (data []byte, found, ok bool) {
	switch err := fileio.RequireRegular(path, what); {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, true
	case err != nil:
		var ke *fileio.KindError
		if errors.As(err, &ke) && ke.Kind != "a directory" {
			r.add(sevError, pos, fmt.Sprintf("replace %s with a regular file, or remove it", path),
				"%s: %s", path, kindReason(err))
			return nil, false, false
		}
		return nil, false, true
	}
	data, err := fileio.ReadSmall(path, maxSidecar, what)
	var tooLarge *fileio.TooLargeError
	if errors.As(err, &tooLarge) {
		r.add(sevError, pos, fmt.Sprintf("replace %s with the real one", path), "%s", err)
		return nil, false, false
	}
	return data, err == nil, true
}

// kindReason words a RequireRegular refusal without the path, and what the gateway would do with
// such a file at boot: "it is a named pipe, not a plugin file; the gateway …".
func kindReason(err error) string {
	var ke *fileio.KindError
	if !errors.As(err, &ke) {
		return fileio.Reason(err)
	}
	what := "it is " + ke.Kind
	if ke.What != "" {
		what += ", not " + ke.What
	}
	switch ke.Kind {
	case "a named pipe":
		return what + "; the gateway would read it at boot and wait there for a writer"
	case "a character device", "a block device":
		return what + "; the gateway would read it at boot, and a device need never end"
	}
	return what + "; the gateway cannot read it as a file"
}

// looksLikeZip reports whether the file starts with a zip local header.
func looksLikeZip(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [4]byte
	_, err = io.ReadFull(f, b[:])
	return err == nil && bytes.Equal(b[:], []byte("PK\x03\x04"))
}

// wasmCheck applies the wasm-plugins feature of the target gateway: refused without it, a warning
// when --gateway-features did not say.
func (g *gateway) wasmCheck(r *entryResult, p *mcpgconfig.Plugin, refusal string) bool {
	switch {
	case g.wasm == nil:
		r.add(sevWarning, p.FieldPos("kind").String(), "pass --gateway-features wasm (or without wasm) to say what the target gateway was built with",
			"a Wasm plugin needs a gateway built with the wasm-plugins feature; whether the target gateway has it is unknown")
	case !*g.wasm:
		r.add(sevError, p.FieldPos("kind").String(), "run a gateway built with --features wasm-plugins, or use the plugin's native build", "%s", refusal)
		return false
	}
	return true
}

// wasmComponent refuses a core module as Wasmtime's Component::from_binary does.
func (g *gateway) wasmComponent(r *entryResult, p *mcpgconfig.Plugin, shown string, head []byte) bool {
	isComponent, err := artifact.CheckWasm(bytes.NewReader(head))
	switch {
	case err != nil:
		r.add(sevError, p.FieldPos("source.path").String(), "", "failed to compile wasm component: %s: %v", shown, err)
		return false
	case !isComponent:
		r.add(sevError, p.FieldPos("source.path").String(), "build it as a WASI preview-2 component (cargo component build, or wasm-tools component new)",
			"failed to compile wasm component: %s: %s", shown, artifact.CoreModuleWarning)
		return false
	}
	return true
}

// wasmPreamble is how many bytes tell a Wasm component from a core module (artifact.CheckWasm).
const wasmPreamble = 8

// kindAndClass compares a package's descriptor with the entry's kind and class. The packaged
// path dispatches on the descriptor's runtime and registers the descriptor's class
// (packaged.rs load_packaged_plugin): the entry's kind and class are not consulted, so a
// difference loads, but not as the entry says.
func (g *gateway) kindAndClass(r *entryResult, p *mcpgconfig.Plugin, d *descriptor.Descriptor) {
	wantKind := "native"
	if d.Runtime == descriptor.RuntimeWasm {
		wantKind = "wasm"
	}
	if p.Kind != wantKind {
		r.add(sevWarning, p.FieldPos("kind").String(), fmt.Sprintf("write kind: %s", wantKind),
			"kind: %s, but the package is %s: the gateway loads a package by its descriptor's runtime and ignores kind", p.Kind, d.Runtime)
	}
	if p.Class != d.Class {
		r.add(sevWarning, p.FieldPos("class").String(), fmt.Sprintf("write class: %s", d.Class),
			"class: %s, but the package declares class %s: the gateway registers the package's class and ignores the entry's", p.Class, d.Class)
	}
}

// capabilities is register_with_descriptor's typed check (mcpg-plugin-protocol capability.rs
// validate_typed_capabilities, Capability::covers): every required capability must be covered by
// a granted one of the same kind whose list is a superset.
func (g *gateway) capabilities(r *entryResult, p *mcpgconfig.Plugin, d *descriptor.Descriptor) bool {
	var missing []string
	var fixes []string
	for _, req := range d.RequiredCapabilities {
		if !granted(p.GrantedCapabilities, req) {
			missing = append(missing, fmt.Sprintf("%q", req.Type))
			fixes = append(fixes, capabilityYAML(req))
		}
	}
	if len(missing) == 0 {
		return true
	}
	r.add(sevError, p.FieldPos("granted_capabilities").String(),
		fmt.Sprintf("grant them on plugins[%d] if you accept them: granted_capabilities: [%s]", p.Index, strings.Join(fixes, ", ")),
		"plugin %q requires capabilities [%s] that have not been granted in the operator config (`plugins[].granted_capabilities` on the entry whose id matches)",
		d.ID, strings.Join(missing, ", "))
	return false
}

func granted(grants []mcpgconfig.Capability, req descriptor.Capability) bool {
	for _, g := range grants {
		if g.Covers(req) {
			return true
		}
	}
	return false
}

// capabilityYAML writes a required capability as the shortest granted_capabilities item for it: a
// no-args kind bare, an args kind as {type: …, <list>: […]}.
func capabilityYAML(c descriptor.Capability) string {
	c.Bare = true
	return c.String()
}

func refPos(p *mcpgconfig.Plugin) string {
	if p.Ref != "" {
		return p.FieldPos("ref").String()
	}
	return p.FieldPos("id").String()
}

func refFix(p *mcpgconfig.Plugin, declared string) string {
	if p.Ref != "" {
		return fmt.Sprintf("set ref: %s (the id the plugin declares), or point source.path at the plugin %s", declared, p.Ref)
	}
	return fmt.Sprintf("add ref: %s to the entry (id is then only its alias), or rename id to %s", declared, declared)
}

// cli1 is an error's one-line message.
func cli1(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fileio.IOError(pe.Op, pe.Path, pe.Err).Error()
	}
	return err.Error()
}
