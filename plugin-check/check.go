package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/gwcache"
	"github.com/mcpg-dev/mcpg-plugins/shared/mcpgconfig"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
	"github.com/mcpg-dev/mcpg-plugins/shared/revocation"
)

const checkHelp = `Usage: plugin-check check [config.yaml...] [--no-env] [--offline] [--json]
                          [--gateway-features LIST] [--workdir DIR] [--test]

Will the gateway boot with these plugins? Read the config as mcpg v0.1.0-beta.16 boots it, then
resolve and verify every plugins[] entry the way its plugin registry does, without starting it.

Config: the files given, in order (- is stdin), else $MCPG_CONFIG (a path-list of layers, as 'mcpg
plugin check' passes it). Later layers win, mappings deep-merge, lists and scalars replace; then
the MCPG_* environment overlay (--no-env skips it, as 'mcpg config check' does). The plugins part
is checked rule for rule with the gateway's messages (validate_plugins, its strict field sets,
signature policies and their inheritance, require_integrity_anchor, the observability toggles, the
plugins[] row a cluster.kind other than single_node needs); each problem names the layer file and
line:column. YAML is read as the gateway's serde_yaml reads it: its syntax errors, tags, anchors,
limits and the order it finds problems in. Remote and inline layers are not read; the rest of the
config and the license: block are not checked; cred:// and ${env.…} references in a plugin's
config: are not resolved.

Resolution, per entry, in the gateway's order:
  source.path        opened as the gateway opens it: as written, relative to its working
                     directory (--workdir), not to the config file. A path ending in .zip is a
                     package: strict unpack, the descriptor id against the entry's ref (or id),
                     the runtime (static refused, wasi-v1 needs a gateway with Wasm); anything
                     else is a loose artifact of the entry's kind, signed by <artifact>.sig, a
                     wasm one described by <artifact>.plugin.yaml
  source.oci         the gateway's platform candidates on its default registry; a copy in its
                     OCI cache (plugin_registry.cache_dir) whose .layer-sha256 sidecar matches
                     is used as the gateway uses it, without the registry; else the package is
                     pulled with plugin-oci pull --resolve-like-gateway (mirrors first; found
                     beside this binary or on $PATH; credentials from the docker config), then
                     checked as a package. --offline: the cache only
  trusted keys       the entry's signature.trusted_keys, else plugin_registry.trusted_keys plus
                     the gateway's built-in official key; PEM public keys only, as the gateway
                     reads them (another form gets the PEM to paste)
  signature.sha256   compared as an exact string with the bare lowercase hex of the artifact
                     (plugin.so/plugin.wasm, not the zip: a pin of the zip is pointed out)
  signature          Ed25519 under the effective policy: enforce refuses a missing or foreign
                     signature, warn too (the gateway always has a trusted key), disabled skips
                     it with a warning
  revocation         gateway.plugin_registry.revocation_list_path, by artifact digest
  capabilities       every required_capabilities item covered by granted_capabilities
  observability      each observability.<signal>.sinks id the descriptor id of an entry of that
                     signal's sink class (log_sink, metrics_sink, telemetry_sink), as the boot
                     checks once every plugin is registered
Without --test nothing is loaded: dlopen, the registration policy chain and the library's own
class and capabilities are what --test adds.

Report: the config's diagnostics (errors and warnings at file:line:col, with a hint where there is
one; disabled: true and enforce: false are warned about there), then a line per entry (✓ loads, ⚠
loads with a warning: shadow mode, disabled, signatures off, kind or class not as written; ✗
refused, with the gateway's reason and the fix), what was not checked, and the boot verdict last.
Secrets are never printed, and text from the config, packages and registries cannot act on a
terminal (control characters are escaped). On a terminal, stderr shows what a pull or a --test run
is waiting for, and for how long.

Flags:
  --no-env                skip the MCPG_* environment overlay
  --offline               use only the gateway's OCI cache, never a registry
  --json                  print one JSON document on stdout: layers, diagnostics (the config's:
                          file, line, col, severity, index, alias, field, message, hint),
                          plugin_registry (boot-wide findings), entries (index, alias,
                          manifest_id, kind, class, source_path or source_oci, resolved, form,
                          runtime, descriptor_id, artifact_sha256, package_sha256,
                          signature_policy, signature, status loads|warning|refused|not_resolved,
                          registry_unreachable, findings [{severity, message, fix, pos}], test),
                          not_checked, boot {ok, verdict, exit_code}
  --gateway-features LIST what the target gateway was built with, comma-separated (wasm); without
                          it a Wasm entry gets a warning that this is unknown
  --workdir DIR           the gateway's working directory, where a relative source.path or
                          revocation_list_path is opened (default: the current directory)
  --registry-timeout DUR  how long a registry may stay silent (no response headers, or no bytes of
                          a download) before a pull attempt fails; plugin-oci retries 3 times
                          (default 30s; 90s, 2m or plain seconds). The gateway itself sets no
                          timeout: a registry that stops answering holds its boot
  --test                  also load each package and exercise it with plugin-harness test, with
                          the entry's config:, limits and ffi_limits (plugin-harness is looked up
                          beside this binary, then on $PATH)
  -h, --help              show this help

Examples:
  plugin-check check gateway.yaml
  plugin-check check base.yaml prod.yaml --gateway-features wasm --json
  MCPG_CONFIG=base.yaml:prod.yaml mcpg-plugins check --no-env
  mcpg-plugins check gateway.yaml --test

Exit status: 0 the gateway would boot with every entry loaded; 1 it would not (a config error or
a refused entry, or --test found a plugin that fails with its config); 2 usage; 3 a config file or
a revocation list could not be read; 4 a registry could not be reached (or refused the
credentials) and nothing else refuses the boot; 6 every entry that was resolved loads, but an OCI
entry could not be resolved (--offline and not cached, or plugin-oci missing).
`

type checkOptions struct {
	noEnv, offline, asJSON, test bool
	features, workdir            string
	registryTimeout              cli.Seconds
}

func runCheck(env *cli.Env, args []string) error {
	fs := cli.NewFlagSet("plugin-check check", checkHelp, env.Stdout)
	var o checkOptions
	fs.BoolVar(&o.noEnv, "no-env", false, "skip the MCPG_* overlay")
	fs.BoolVar(&o.offline, "offline", false, "OCI cache only")
	fs.BoolVar(&o.asJSON, "json", false, "print JSON")
	fs.BoolVar(&o.test, "test", false, "run plugin-harness test on each package")
	fs.StringVar(&o.features, "gateway-features", "", "the target gateway's features")
	fs.StringVar(&o.workdir, "workdir", "", "the gateway's working directory")
	o.registryTimeout = cli.Seconds(ociclient.DefaultResponseTimeout)
	fs.Var(&o.registryTimeout, "registry-timeout", "how long a registry may stay silent")
	files, err := fs.Parse(args)
	if err != nil {
		return err
	}
	g := &gateway{workdir: o.workdir, status: newStatusLine(env)}
	if fs.Visited("gateway-features") {
		has := false
		for _, f := range strings.Split(o.features, ",") {
			switch f = strings.TrimSpace(f); f {
			case "wasm", "wasm-plugins":
				has = true
			case "":
			default:
				return cli.UsageHelpf("plugin-check check", "plugin-check check: --gateway-features: unknown feature %q (known: wasm)", f)
			}
		}
		g.wasm = &has
	}
	if o.registryTimeout <= 0 {
		return cli.UsageHelpf("plugin-check check", "plugin-check check: --registry-timeout must be more than 0, not %s", time.Duration(o.registryTimeout))
	}
	if o.workdir != "" {
		if st, err := os.Stat(o.workdir); err != nil || !st.IsDir() {
			return cli.UsageHelpf("plugin-check check", "plugin-check check: --workdir %s: not a directory", o.workdir)
		}
	}
	environ := withoutDispatcherVar(os.Environ())
	if len(files) == 0 && env.Getenv("MCPG_CONFIG") == "" {
		return cli.WithHint(cli.Usagef("plugin-check check: no config: give the config files, or set $MCPG_CONFIG"),
			"e.g. 'plugin-check check gateway.yaml'")
	}
	opts := mcpgconfig.Options{NoEnv: o.noEnv, Stdin: env.Stdin}
	cfg, err := mcpgconfig.Load(files, environ, opts)
	if err != nil {
		return configReadError(err)
	}
	tmp, err := os.MkdirTemp("", "plugin-check-")
	if err != nil {
		return fileio.IOError("create", "a temporary directory", err)
	}
	unregister := fileio.OnInterrupt(func() { os.RemoveAll(tmp) })
	defer func() { unregister(); os.RemoveAll(tmp) }()
	g.oci = &ociSource{getenv: env.Getenv, offline: o.offline, tmpDir: tmp, timeout: time.Duration(o.registryTimeout)}
	rep := check(env, g, cfg, o)
	if o.asJSON {
		if err := cli.WriteJSON(env.Stdout, rep); err != nil {
			return err
		}
	} else {
		printReport(env, rep)
	}
	if rep.Boot.ExitCode != cli.ExitOK {
		return &cli.SilentError{Code: rep.Boot.ExitCode}
	}
	return nil
}

// configReadError maps Load's error (a layer that could not be read) to exit 3, or 2 when there is
// no layer at all.
func configReadError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fileio.IOError(pe.Op, pe.Path, pe.Err)
	}
	var fe *fileio.Error
	if errors.As(err, &fe) {
		return err
	}
	return &cli.Error{Code: cli.ExitIO, Msg: err.Error(), Err: err}
}

// report is the whole check; --json prints it as is.
type report struct {
	Layers      []string                `json:"layers"`
	Diagnostics []mcpgconfig.Diagnostic `json:"diagnostics"`
	Entries     []*entryResult          `json:"entries"`
	Registry    []finding               `json:"plugin_registry"` // boot-wide findings (the revocation list)
	NotChecked  []string                `json:"not_checked"`
	Boot        bootVerdict             `json:"boot"`
}

type bootVerdict struct {
	OK       bool   `json:"ok"`
	Verdict  string `json:"verdict"`
	ExitCode int    `json:"exit_code"`
}

// check resolves every entry of cfg and decides the boot.
func check(env *cli.Env, g *gateway, cfg *mcpgconfig.Config, o checkOptions) *report {
	rep := &report{Layers: cfg.Layers, Diagnostics: cfg.Diagnostics, Entries: []*entryResult{}, Registry: []finding{}}
	if rep.Layers == nil {
		rep.Layers = []string{}
	}
	if rep.Diagnostics == nil {
		rep.Diagnostics = []mcpgconfig.Diagnostic{}
	}
	g.registry = cfg.Registry
	ioFailure := false
	// policy.rs load_revocation_list: read once before the entries; a configured list that does not
	// load stops the boot.
	if p := strings.TrimSpace(cfg.Registry.RevocationListPath); p != "" {
		path := g.gatewayPath(p)
		data, err := fileio.ReadSmall(path, 64<<20, "revocation list")
		if err == nil {
			g.revocation, err = revocation.Parse(path, data)
		} else {
			ioFailure = true
		}
		if err != nil {
			rep.Registry = append(rep.Registry, finding{Severity: sevError, Pos: cfg.Registry.RevocationListPos.String(),
				Message: fmt.Sprintf("loading plugin revocation list at '%s' (gateway.plugin_registry.revocation_list_path): %s", p, cli.Message(err)),
				Fix:     "fix or remove gateway.plugin_registry.revocation_list_path (a relative path is opened from the gateway's working directory)"})
		}
	}
	for i := range cfg.Plugins {
		p := &cfg.Plugins[i]
		r := &entryResult{Index: p.Index, Alias: p.Alias, ManifestID: p.ManifestID, Kind: p.Kind, Class: p.Class,
			SourcePath: p.SourcePath, SourceOCI: oci.RedactUserinfo(p.OCI), Policy: string(p.Policy),
			Disabled: p.Disabled, Shadow: !p.Enforce, Findings: []finding{}}
		rep.Entries = append(rep.Entries, r)
		// disabled: true (beta.16 loads the entry anyway) and enforce: false (shadow mode) are the
		// config's warnings, with their positions, among rep.Diagnostics; here they only make the
		// entry's status a warning (entryResult.hasWarning).
		switch {
		case !p.Valid:
			r.Status = statusUnresolved
			r.add(sevNote, p.Pos.String(), "", "not resolved: the entry has config errors (above)")
		case p.SourcePath != "":
			g.resolveLocal(r, p)
		case p.OCI != "" && g.oci == nil:
			r.Status = statusUnresolved
			r.add(sevNote, p.FieldPos("source.oci").String(), "", "not resolved: OCI sources are not resolved here")
		case p.OCI != "":
			r.Unreachable = g.resolveOCI(r, p, g.oci)
		}
		if o.test && !r.refused() && r.Status != statusUnresolved && !r.Unreachable {
			runHarness(env, g.status, r, p)
		}
		redactEntry(r, p.OCI)
		r.settle()
	}
	checkSinkIDs(rep, cfg)
	rep.NotChecked = append([]string{}, cfg.NotChecked...)
	rep.NotChecked = append(rep.NotChecked, notChecked(cfg)...)
	rep.Boot = verdict(rep, ioFailure)
	return rep
}

// The sink class each signal's per-plugin sinks must name, and the gateway's built-in sinks, which
// register only when the global observability.<signal>.sinks lists them (not checked here).
var (
	sinkClass    = map[string]string{"logs": "log_sink", "metrics": "metrics_sink", "traces": "telemetry_sink"}
	builtinSinks = map[string]string{"logs": "dev.mcpg.builtin.log.stderr-json", "traces": "dev.mcpg.builtin.telemetry.debug"}
)

// checkSinkIDs is the boot's validate_per_plugin_sink_ids (src/app/observability_wiring.rs, run
// by src/app/boot.rs once every plugin is registered): each id in an entry's
// observability.<signal>.sinks must be the manifest id of a registered sink plugin of that signal.
// The registered sinks are the entries of that class (the descriptor's id and class where the
// package was read; else the entry's manifest id, of any class, since the gateway registers the
// package's class, not the entry's), whether or not they load here.
func checkSinkIDs(rep *report, cfg *mcpgconfig.Config) {
	registered := map[string]map[string]bool{}
	for i, r := range rep.Entries {
		id, class := r.DescriptorID, r.DescriptorClass
		if id == "" {
			id = cfg.Plugins[i].ManifestID
		}
		for signal, want := range sinkClass {
			if class == want || class == "" {
				if registered[signal] == nil {
					registered[signal] = map[string]bool{}
				}
				registered[signal][id] = true
			}
		}
	}
	for i, r := range rep.Entries {
		p := &cfg.Plugins[i]
		for _, signal := range []string{"logs", "metrics", "traces"} {
			for _, id := range p.Sinks[signal] {
				switch {
				case registered[signal][id]:
				case id == builtinSinks[signal]:
					r.add(sevNote, p.FieldPos("observability").String(), "",
						"observability.%s.sinks names the built-in sink '%s', registered only when the global observability.%s.sinks lists it (not checked here)", signal, id, signal)
				default:
					r.add(sevError, p.FieldPos("observability").String(),
						fmt.Sprintf("name the descriptor id of a plugins[] entry of class %s, or remove '%s'", sinkClass[signal], id),
						"per-plugin observability sink validation: plugin '%s' observability.%s.sinks references '%s' which is not a registered %s sink", p.Alias, signal, id, signal)
					r.settle()
				}
			}
		}
	}
}

// notChecked adds what this tool leaves to the gateway: secret references in plugin configs.
func notChecked(cfg *mcpgconfig.Config) []string {
	var out []string
	for _, p := range cfg.Plugins {
		s := string(p.ConfigJSON)
		var what []string
		if strings.Contains(s, "cred://") {
			what = append(what, "cred:// references")
		}
		if strings.Contains(s, "${env.") {
			what = append(what, "${env.…} references")
		}
		if len(what) > 0 {
			out = append(out, fmt.Sprintf("plugins[%d] (%s) config: %s are resolved by the gateway at boot, not here", p.Index, p.Alias, strings.Join(what, " and ")))
		}
	}
	return out
}

// verdict decides the boot: refused by a config error or any refused entry (exit 1, or 3 when the
// revocation list could not be read), undecided when an entry was not resolved (exit 6).
func verdict(rep *report, ioFailure bool) bootVerdict {
	var refused, unresolved, warned, unreachable []string
	configErrors := 0
	for _, d := range rep.Diagnostics {
		if d.Severity == mcpgconfig.SeverityError {
			configErrors++
		}
	}
	for _, r := range rep.Entries {
		switch r.Status {
		case statusRefused:
			refused = append(refused, r.Alias)
		case statusUnresolved:
			if r.Unreachable {
				unreachable = append(unreachable, r.Alias)
			} else {
				unresolved = append(unresolved, r.Alias)
			}
		case statusWarning:
			warned = append(warned, r.Alias)
		}
	}
	n := len(rep.Entries)
	switch {
	case len(rep.Registry) > 0 || configErrors > 0 || len(refused) > 0:
		var why []string
		if configErrors > 0 {
			why = append(why, plural(configErrors, "config error"))
		}
		if len(rep.Registry) > 0 {
			why = append(why, "the revocation list does not load")
		}
		if len(refused) > 0 {
			why = append(why, fmt.Sprintf("%d of %d entries refused (%s)", len(refused), n, strings.Join(refused, ", ")))
		}
		code := cli.ExitFailed
		if ioFailure && configErrors == 0 && len(refused) == 0 {
			code = cli.ExitIO
		}
		return bootVerdict{Verdict: "the gateway would NOT boot: " + strings.Join(why, "; "), ExitCode: code}
	case len(unreachable) > 0:
		return bootVerdict{Verdict: fmt.Sprintf("undecided: a registry could not be reached for %d of %d entries (%s); the gateway would not boot without it", len(unreachable), n, strings.Join(unreachable, ", ")), ExitCode: cli.ExitNetwork}
	case len(unresolved) > 0:
		return bootVerdict{Verdict: fmt.Sprintf("undecided: %d of %d entries not resolved (%s); the others load", len(unresolved), n, strings.Join(unresolved, ", ")), ExitCode: cli.ExitUnsupported}
	case len(warned) > 0:
		return bootVerdict{OK: true, Verdict: fmt.Sprintf("the gateway would boot with %s loaded, %d with warnings (%s)", allEntries(n), len(warned), strings.Join(warned, ", "))}
	}
	return bootVerdict{OK: true, Verdict: fmt.Sprintf("the gateway would boot with %s loaded", allEntries(n))}
}

// allEntries is "all 3 entries", "its 1 entry" (not "all 1 entry") or "no plugin entries".
func allEntries(n int) string {
	switch n {
	case 0:
		return "no plugin entries"
	case 1:
		return "its 1 entry"
	}
	return "all " + plural(n, "entry")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if strings.HasSuffix(what, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(what, "y"))
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// base is a path as the report shows it.
func base(p string) string { return filepath.ToSlash(p) }

// redactEntry removes the userinfo of an OCI reference (user:password@) from everything the entry's
// report says, in the forms it can take there: as written, and as the cache file name spells it.
func redactEntry(r *entryResult, ref string) {
	var secrets []string
	for _, part := range strings.Split(ref, "/") {
		if at := strings.LastIndexByte(part, '@'); at > 0 && !strings.HasPrefix(part[at:], "@sha256:") {
			ui := part[:at]
			secrets = append(secrets, ui, gwcacheSanitize(ui))
		}
		break // userinfo can only be in the first segment
	}
	if len(secrets) == 0 {
		return
	}
	clean := func(s string) string {
		for _, x := range secrets {
			if x != "" {
				s = strings.ReplaceAll(s, x, "***")
			}
		}
		return s
	}
	r.Resolved = clean(r.Resolved)
	for i := range r.Findings {
		r.Findings[i].Message = clean(r.Findings[i].Message)
		r.Findings[i].Fix = clean(r.Findings[i].Fix)
	}
	if r.Test != nil {
		r.Test.Summary, r.Test.Failure = clean(r.Test.Summary), clean(r.Test.Failure)
	}
}

// gwcacheSanitize spells s as the gateway's cache file names do (every character outside
// [A-Za-z0-9._-] becomes "_").
func gwcacheSanitize(s string) string {
	return strings.TrimSuffix(gwcache.FileName(s), gwcache.ZipSuffix)
}

// withoutDispatcherVar drops $MCPG_PLUGINS when it is what the mcpg-plugins dispatcher sets there
// (the path of its own executable, for tools to call back): under the gateway's MCPG_* overlay it
// would read as a replacement of the top-level plugins: list. A value that is no executable file
// is the operator's and stays. Dropped silently: the gateway never sees the dispatcher's variable.
func withoutDispatcherVar(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "MCPG_PLUGINS="); ok && filepath.IsAbs(v) {
			if st, err := os.Stat(v); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
				continue
			}
		}
		out = append(out, kv)
	}
	return out
}
