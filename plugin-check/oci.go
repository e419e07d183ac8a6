package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/gwcache"
	"github.com/mcpg-dev/mcpg-plugins/shared/mcpgconfig"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
)

// ociSource holds what resolving OCI entries needs besides the gateway: the environment, for
// the cache directory and for finding plugin-oci, and --offline.
type ociSource struct {
	getenv  func(string) string
	offline bool
	tmpDir  string        // where registry pulls land; removed by the caller
	timeout time.Duration // plugin-oci's --response-timeout and --stall-timeout
}

// resolveOCI follows plugin_registry/mod.rs build_plugin_registry for an entry with source.oci:
// oci_wiring.rs enforce_oci_integrity_anchor, then resolve_oci_source (platform candidates on the
// default registry; the OCI cache used without network when its .layer-sha256 sidecar matches the
// zip; else every mirror then the primary for each candidate), then packaged.rs
// load_packaged_plugin on the pulled zip. It reports whether a registry could not be reached.
func (g *gateway) resolveOCI(r *entryResult, p *mcpgconfig.Plugin, src *ociSource) (unreachable bool) {
	pos := p.FieldPos("source.oci").String()
	shown := oci.RedactUserinfo(p.OCI)
	if g.registry.RequireIntegrityAnchor && !strings.Contains(p.OCI, "@sha256:") && p.SHA256 == "" && (p.KeysInherited || len(p.TrustedKeys) == 0) {
		r.add(sevError, pos, "pin the manifest digest (…@sha256:<hex>), set signature.sha256, or give the entry its own signature.trusted_keys",
			"plugin '%s': plugin_registry.require_integrity_anchor is set but the oci source '%s' has no integrity anchor — pin a digest (…@sha256:<hex>), set signature.sha256, or configure signature.trusted_keys", p.Alias, shown)
		return false
	}
	var mirrors []string
	for _, m := range g.registry.Mirrors {
		mirrors = append(mirrors, m.URL)
	}
	view := &ociclient.Gateway{Platform: oci.NativePlatform(), DefaultRegistry: g.registry.DefaultRegistry, Mirrors: mirrors}
	if view.DefaultRegistry == "" {
		view.DefaultRegistry = mcpgconfig.DefaultPluginRegistry
	}
	candidates := view.Candidates(p.OCI)
	if len(candidates) == 0 {
		r.add(sevError, pos, "", "plugin '%s': OCI resolution produced no candidates", p.Alias)
		return false
	}
	cacheDir := g.registry.CacheDir
	if cacheDir == "" {
		cacheDir = gwcache.DefaultDir(src.getenv)
	}
	cached := filepath.Join(g.gatewayPath(cacheDir), gwcache.FileName(candidates[0]))
	if want, ok := gwcache.ReadSidecar(gwcache.SidecarName(cached)); ok {
		var odd *fileio.KindError
		if errors.As(fileio.RequireRegular(cached, "a package"), &odd) && odd.Kind != "a directory" {
			r.add(sevError, pos, fmt.Sprintf("remove %s: the gateway then pulls the package again", cached),
				"plugin '%s': the gateway's OCI cache entry %s: %s", p.Alias, cached, kindReason(odd))
			return false
		}
		if got, _, err := digest.File(cached); err == nil && got == want {
			r.add(sevNote, pos, "", "from the gateway's OCI cache (%s): its .layer-sha256 sidecar matches, so the gateway loads it without asking the registry", cached)
			r.Resolved = cached
			g.resolvePackage(r, p, cached)
			return false
		}
	}
	if src.offline {
		r.Status = statusUnresolved
		r.add(sevNote, pos, fmt.Sprintf("fill the cache ('mcpg-plugins pull %s --resolve-like-gateway --into-gateway-cache %s'), or check without --offline", shown, cacheDir),
			"not resolved: --offline, and the gateway's OCI cache has no verified copy (%s); the gateway would pull %s at boot", cached, strings.Join(redactAll(candidates), " or "))
		return false
	}
	return g.pullOCI(r, p, src, view, cached)
}

// pullOCI fetches the entry's package the way the gateway would with 'plugin-oci pull
// --resolve-like-gateway' (the same candidates, mirrors and checks; credentials from the docker
// config as for pull), into a temporary file, then resolves it as a package.
func (g *gateway) pullOCI(r *entryResult, p *mcpgconfig.Plugin, src *ociSource, view *ociclient.Gateway, cached string) (unreachable bool) {
	pos := p.FieldPos("source.oci").String()
	shown := oci.RedactUserinfo(p.OCI)
	tool, err := findTool("plugin-oci", src.getenv)
	if err != nil {
		r.Status = statusUnresolved
		r.add(sevNote, pos, "install plugin-oci ('make install' installs it beside plugin-check), or use --offline with a filled cache",
			"not resolved: the gateway's OCI cache has no verified copy (%s), and %v", cached, err)
		return false
	}
	out := filepath.Join(src.tmpDir, fmt.Sprintf("entry-%d.zip", p.Index))
	args := []string{"pull", p.OCI, "--resolve-like-gateway", "--json", "-o", out, "--platform", view.Platform, "--default-registry", view.DefaultRegistry}
	if src.timeout > 0 {
		t := strconv.FormatFloat(src.timeout.Seconds(), 'f', -1, 64)
		args = append(args, "--response-timeout", t, "--stall-timeout", t)
	}
	for _, m := range view.Mirrors {
		args = append(args, "--mirror", m)
	}
	for _, h := range g.registry.InsecureRegistries {
		args = append(args, "--insecure-registry", h)
	}
	if g.registry.TLSInsecure {
		args = append(args, "--insecure-skip-tls-verify")
	}
	if g.registry.TLSCACert != "" {
		args = append(args, "--ca-file", g.gatewayPath(g.registry.TLSCACert))
	}
	if g.registry.DockerConfigPath != "" {
		args = append(args, "--docker-config", g.gatewayPath(g.registry.DockerConfigPath))
	}
	stdout, stderr, err := runTool(exec.Command(tool, args...), g.status, fmt.Sprintf("plugins[%d]: pulling %s", p.Index, shown))
	code := 0
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		r.Status = statusUnresolved
		r.add(sevNote, pos, "", "not resolved: %s: %v", tool, err)
		return false
	}
	why := oci.RedactUserinfo(errorLine(string(stderr)))
	switch code {
	case cli.ExitOK:
	case cli.ExitNetwork:
		r.Status = statusUnresolved
		fix := "check the reference, the registry's address and that it is up (the gateway would fail the same way at boot)"
		if silentRegistry(stderr) {
			fix = "check that the registry is up and answering: the gateway's OCI client (oci-client 0.16, as mcpg-plugin-host sets it up) has no connect or read timeout, so at boot it would wait on this registry without end (--registry-timeout gives a slow one longer here)"
		}
		r.add(sevError, pos, fix, "plugin '%s': %s could not be pulled: %s", p.Alias, shown, why)
		return true
	case cli.ExitAuth:
		r.Status = statusUnresolved
		r.add(sevError, pos, "the gateway authenticates with gateway.plugin_registry.auth; check here with the same credentials in the docker config",
			"plugin '%s': the registry refused the credentials for %s: %s", p.Alias, shown, why)
		return true
	case cli.ExitFailed:
		r.add(sevError, pos, "re-push the package ('mcpg-plugins push')", "plugin '%s': %s: %s", p.Alias, shown, why)
		return false
	default:
		r.Status = statusUnresolved
		r.add(sevNote, pos, "", "not resolved: plugin-oci pull exited %d: %s", code, why)
		return false
	}
	var rep struct {
		Resolved string `json:"resolved"`
	}
	_ = json.Unmarshal(stdout, &rep)
	if rep.Resolved != "" {
		r.add(sevNote, pos, "", "pulled %s (not in the gateway's OCI cache; the gateway pulls it at boot)", oci.RedactUserinfo(rep.Resolved))
	}
	g.resolvePackage(r, p, out)
	return false
}

// silentRegistry reports whether plugin-oci gave up on a registry that stopped answering (its
// timeout errors point at the flag that would give the registry longer), rather than on one that
// refused or failed.
func silentRegistry(stderr []byte) bool {
	return bytes.Contains(stderr, []byte("--response-timeout (now ")) || bytes.Contains(stderr, []byte("--stall-timeout (now "))
}

func redactAll(refs []string) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = oci.RedactUserinfo(r)
	}
	return out
}

// findTool looks a project tool up as the mcpg-plugins dispatcher does: beside this binary first,
// then on $PATH (absolute directories only).
func findTool(name string, getenv func(string) string) (string, error) {
	exe := map[bool]string{true: ".exe", false: ""}[runtime.GOOS == "windows"]
	var dirs []string
	if self, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
		dirs = append(dirs, filepath.Dir(self))
	}
	for _, d := range filepath.SplitList(getenv("PATH")) {
		if d != "" && filepath.IsAbs(d) {
			dirs = append(dirs, d)
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, name+exe)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is not installed beside plugin-check or on $PATH ('make install' installs both)", name)
}

// errorLine is the "error:" line of a tool's stderr (its retry notices come before it), else the
// first line.
func errorLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if rest, ok := strings.CutPrefix(l, "error: "); ok {
			return strings.TrimSpace(rest)
		}
	}
	return firstLine(s)
}
