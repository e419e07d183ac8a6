package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm"
	"github.com/mcpg-dev/mcpg-plugins/shared/artifact"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

const testHelp = `Usage: plugin-harness test <package.zip> [--key <pubkey>] [--context FILE] [--arguments FILE]
                           [--config FILE] [--json] [flags]

Load a plugin package the way the MCPG gateway does, in a child worker process, then drive its
class's vtable (native) or exports (Wasm) like an in-process mock gateway and print each decision.

Loading: strict unpack into a private temporary directory, the signature check (with --key), a
re-hash right before dlopen, mcpg_plugin_abi_layout (size 240, alignment 8), mcpg_plugin_register,
ABI version 2, at least one entity, the embedded descriptor compared with the package's plugin.yaml
(or, without one, the manifest from make + manifest_json), and the cdylib's capabilities compared
with required_capabilities.

Driving (the first entity of the descriptor's class, like the gateway): make with the config and
the host services, manifest_json, then
  tool_gate          → evaluate_pre_dispatch + evaluate_post_dispatch
  transform          → transform_arguments + transform_result
  identity_provider  → resolve_identity (headers from --headers, or synthesised from the context)
  audit_sink         → emit (an AuditEvent) + flush
  log_sink           → emit (a LogRecord, borrowed) + flush
  metrics_sink       → emit (a MetricPoint) + flush + render_text_exposition
  telemetry_sink     → span_started + metric_recorded + log_recorded + span_ended + flush
  policy_engine      → name + evaluate ({decision_point, input, context}) + policy_version
  secret_provider    → supported_schemes_json + get (a secret reference) + watch + cancel_watch
  config_provider    → supported_schemes_json + snapshot (a config reference) + watch + cancel_watch
  approval_notifier  → notify (a NotificationRequest)
  credential_issuer  → issue ({identity, target, config}) + revoke (a lease id)
  catalog_provider   → filter_and_enrich ({ctx, in_progress}) + describe + list_catalog
  store              → supported_roles_json + put + get + list + delete + watch + cancel_watch
  cache              → supported_namespaces_json + serves_any_namespace + put + get + incr + delete + clear
  content_store      → kind + register_profile + put + get + stats + delete
  backend            → kind + register_profile ("default", {}) + expand_capabilities +
                       input_schema_json + output_schema_json + list_resources (cursor RNone, then
                       the page's next_cursor) + complete_template_variable + execute + audit_metadata
                       + execute_streaming (events to a host sink until done, waited for up to
                       data_timeout_ms, at most 2 s) + cancel_stream (a callback after it: exit 1)
  transport          → name + start (the --config's "listener" member or {}, and the host's
                       dispatcher, answering every dispatch with --host-services "dispatch") +
                       transport_handle_listen_address + 200 ms of dispatches + transport_handle_close
                       + transport_handle_drop (a dispatch after close or drop returned: exit 1)
  watch_strategy     → kind + watch (a resource URI, the spec) + 200 ms of events + cancel
  http_route         → routes_json + handle_streaming (the first route's request under
                       /plugins/<id>/<entity>, :name segments as "test"; an event and a bytes sink;
                       handle 0 is the whole response, else a body read to its end marker, up to
                       data_timeout_ms, at most 2 s) + cancel_stream; handle only with --calls
                       (input null, "METHOD /path", or an object of request fields)
  cluster            → node_info + list_peers + the kv boot probe (kv_get, kv_put, kv_get,
                       kv_delete; when the manifest provides kv) + kv_put_if_absent + kv_list_prefix
                       + kv_expire + publish (when it provides bus) + subscribe + publish to it +
                       watch_peers + cancel_stream each + try_acquire_leadership + lease_renew +
                       lease_release + lease_drop + acquire_lock + lease_release + lease_drop
then shutdown and drop_instance. The kinds after the first three follow a call plan: the gateway's
calls in its order with realistic inputs, or --calls; each answer is checked against what the
gateway's decoder for that slot accepts (its result envelope and wire DTO; one it would refuse is
a violation naming the slot and the field), an empty answer from a fallible slot is the SDK's
panic sentinel, and each call is held to the ffi_limits budget the gateway gives it (data or
control; the slots it calls while constructing its adapter, such as name or supported_*_json,
to none). The default inputs speak of the --context caller and carry --arguments. Streams,
watches and subscriptions deliver to host sinks, from any plugin thread; each is cancelled as the
gateway's drop guard cancels it, and a callback still running when cancel returns, or arriving
after, is a failure (the gateway has freed the sink). Handles and leases are closed and dropped
exactly once; what a --calls plan leaves open is closed at its end. Every string crossing the
boundary follows the ownership rules and is dropped through its own vtable.
Host services answer like the gateway's null services ("not wired" errors); every call the plugin
makes into the host is shown. A crash, a hang past --timeout, memory beyond --max-memory or a
panic sentinel inside the plugin is a failure in the report, never a crash of the tool.

A plugin.wasm package (runtime wasi-v1) runs on wazero in the worker, decided as the gateway's
Wasmtime 44 decides: a WASI preview-2 component only (a core module is refused, as the gateway
refuses it), linked with the WASI p2 interfaces the gateway links and nothing else (no files, no
network), the world of the descriptor's class (tool-gate-plugin, transform-plugin, identity-plugin),
its manifest export checked against plugin.yaml, then each class export on a fresh instance per
call within --limits. A trap, memory past memory_mb, a runaway loop or deep recursion is the
gateway's decision for it (deny 500 for a gate, error for a transform, none for an identity
provider) with its error text and Wasm backtrace, and the run exits 1. Fuel is metered as Wasmtime 44
meters it (each call's line shows the fuel it used), so a runaway loop ends as on the gateway; a
guest blocked in the host, or given fuel enough to outlast the gateway's deadline, is stopped by a
guard inside --timeout. What a run prepares and compiles is cached under the user cache dir
(mcpg-plugins/wasm/<version>), keyed by the plugin.wasm's digest, memory_mb and the harness build.
With nothing cached (--engine auto), the run is interpreted, so its report comes in about a second
even for a 12 MB componentize-js guest; then, before the tool exits, the worker compiles the code
for the next run (a progress line on a terminal; Ctrl-C skips it and exits 130 after the report).

Nothing is left behind: the worker runs in a process group of its own and dies with the tool; any
process the plugin starts (forked, daemonised, executed) is killed once the worker ends, with a
warning (on Linux; elsewhere only the worker's process group is reached). The package is unpacked
into $TMPDIR/plugin-harness-pid<PID>-*, removed on every exit (Ctrl-C, SIGTERM and SIGHUP: exit 130);
one left by a SIGKILLed run is removed by the next. The report keeps the first and last 64 KiB of
the plugin's stdout and stderr ("… N bytes omitted …" between them). The worker reports to the tool
on fd 3; a message over 16 MiB there, or 64 MiB in all (a plugin writing to it), fails the run.

Flags:
  --key FILE            Ed25519 public key (raw, hex, PEM or ssh-ed25519); plugin.sig must verify
                        under it (enforce policy). Without --key verification is skipped.
  --descriptor FILE     use this plugin.yaml instead of the packaged one (what-if testing)
  --context FILE        PluginContext as JSON (or YAML for .yaml/.yml); default: a verified caller
                        tester@example.com calling test.tool (also the caller in other kinds' plans)
  --tool NAME           set the context's tool_name
  --arguments FILE      tool/transform arguments (JSON); default {}
  --config FILE         operator config (JSON) for make and every call; default {}
  --meta FILE           the MCP _meta object for evaluate_pre_dispatch; default absent (RNone)
  --result FILE         the tool result for evaluate_post_dispatch and transform_result; default null
  --execution-duration-ms N
                        how long the tool call took, as evaluate_post_dispatch is told; default 1
  --headers FILE        resolve_identity headers: [["name","value"],…] or {"name":"value"}
  --metadata FILE       resolve_identity RequestMetadata (JSON); default {"transport":""}
  --host-services FILE  canned host-service answers, e.g. {"resolve_secret": {"vault://x":
                        {"ok": {"bytes": [104,105], "version": "3"}}}, "alias": "rate-limit"}. Keys:
                        resolve_secret, issue_credential, config_snapshot, cache_get, fetch_content,
                        invoke_tool (an object keyed by uri/key/tool_name, "*" for any, of envelopes);
                        audit_event, resolve_credentials, store_content (one envelope); alias (a
                        string); span_start (the span id); dispatch (the envelope every transport
                        dispatch gets back; default {"ok":{"bytes":[]}}); secret_rotation: [{secret_ref,
                        version, thread}] and credential_revoked: [{plugin_id, target, thread}], events
                        fired, after the kind's calls and before shutdown, at every subscription the
                        plugin still holds (thread "driver", the default, or "new": a fresh OS thread);
                        cluster: a fake coordinator the cluster slot hands identity_provider and
                        policy_engine (the only kinds the gateway gives one; others get RNone): node_info,
                        peers, publish, messages, peer_events, subscribe_error, watch_peers_error, leases
                        {acquire_leadership|acquire_lock|try_acquire_*: {fencing_token, expires_at} or
                        {declined: true} or {error}}, lease_renew, lease_release, kv {kv_get…: envelope}
  --calls FILE          the call plan of a kind driven by one (not tool_gate, transform,
                        identity_provider): a JSON or YAML list of {slot, input} replacing the
                        default plan, made in order, e.g. [{slot: emit, input: {…}}, {slot: flush,
                        input: 250}]. input is the slot's argument: the JSON document for a *_json
                        argument, a string for raw text (a secret reference, a lease id), an integer
                        for timeout_ms, absent for a slot without one; backend's two-argument slots
                        take an object naming both: {backend_name: default, request_json: {…}}
                        (register_profile: spec_json, execute_transaction: tx_group_json) and
                        list_resources {backend_name: default, cursor: null or "text"};
                        watch_strategy.watch {uri: "…", spec_json: {…}}; http_route's handle and
                        handle_streaming null, "METHOD /path" or an object of request fields. A slot
                        that takes a handle (cancel_*, lease_*, transport_handle_*) takes no input:
                        it acts on the one the plan opened (cluster: streams oldest first, leases
                        newest first); what the plan leaves open is closed at its end. An unknown
                        slot is refused with the kind's slot list
  --repeat N            run each class call N times and report the timings (default 1)
  --ffi-limits FILE     the gateway entry's plugins[].ffi_limits (JSON or YAML: lifecycle_timeout_ms,
                        control_timeout_ms, data_timeout_ms, max_payload_bytes; unset fields take the
                        gateway's defaults 1000, 5000, 30000 ms and 262144 bytes). A class call past
                        data_timeout_ms gets the gateway's timeout decision (deny 504, transform error,
                        identity invalid; exit 1); one still running then ends the run, its thread
                        left inside the plugin as the gateway leaves it. The gateway holds make,
                        manifest_json, shutdown and drop_instance to no budget and caps no string
                        these slots return: over lifecycle_timeout_ms or max_payload_bytes, a warning
  --timeout DUR         time each step may take before the worker is killed (default 5s): the
                        harness's own guard, whatever --ffi-limits says; compiling a plugin.wasm
                        gets 5s more per MiB
  --max-memory MIB      address space the plugin may add to the worker, in MiB (default 1024; 0: none;
                        the worker keeps another 256 MiB for the Go runtime, and 128 MiB per MiB of
                        a plugin.wasm for compiling it)
  --json                print the whole run as one JSON document on stdout
  --limits BLOCK        a plugin.wasm entry's plugins[].limits (JSON or YAML, inline or a file):
                        memory_mb (default 64), fuel (10000000), timeout_ms (100). timeout_ms is
                        judged only on compiled code, as a warning: wazero is not Wasmtime's speed
  --engine ENGINE       how wazero runs a plugin.wasm: auto (the compiler where wazero has one:
                        amd64, arm64; on a cold cache the interpreter, the compile done after the
                        report), compiler (compile first, however long) or interpreter
  --no-cache            neither read nor write the Wasm code cache (every run prepares anew)
  --allow-core-module   run a core Wasm module's exports anyway (the gateway refuses core modules)
JSON flags take a file, - for stdin, or the JSON itself ('{"name":"bob"}'; --ffi-limits and
--limits also YAML, '{data_timeout_ms: 100}').

Exit codes: 0 the contract was respected (whatever the decisions); 1 the package, the load or a
call broke it (or the plugin crashed, hung, panicked, ran out of memory, overran data_timeout_ms;
a Wasm guest trapped or the gateway would refuse it); 2 usage; 3 I/O; 6 the class is not driven by
this harness (loaded and checked only), or a runtime it does not run.

Examples:
  plugin-harness test hello-gate.zip --key release.pub
  plugin-harness test gate.zip --tool debug_dump --arguments '{"path":"/etc"}' --json
  plugin-harness test gate.zip --repeat 10000
  plugin-harness test wasm-gate.zip --limits '{memory_mb: 32}' --tool pay.me
`

// report is the whole run; --json prints it as is.
type report struct {
	Package      string               `json:"package"`
	Artifact     string               `json:"artifact"`
	SHA256       string               `json:"artifact_sha256"` // bare hex, as in every --json
	Signature    string               `json:"signature"`       // verified, skipped
	Trust        string               `json:"trust"`
	Phase        string               `json:"phase"` // the last step the worker reached
	Status       string               `json:"status"`
	Failure      string               `json:"failure,omitempty"`
	Plugin       *loadedPlugin        `json:"plugin,omitempty"`
	Registration *native.Registration `json:"registration,omitempty"`
	// Wasm is a plugin.wasm run's outcome (engine, manifest, notes); Refusal, the gateway's load
	// refusal.
	Wasm         *wasm.Outcome    `json:"wasm,omitempty"`
	Refusal      *wasm.Refusal    `json:"refusal,omitempty"`
	LoadNanos    map[string]int64 `json:"load_ns,omitempty"`
	Mismatches   []string         `json:"mismatches,omitempty"`
	Warnings     []string         `json:"warnings,omitempty"`
	Exercised    bool             `json:"exercised"`
	Calls        []*native.Call   `json:"calls"`
	Note         string           `json:"note,omitempty"`
	PluginStdout string           `json:"plugin_stdout,omitempty"`
	PluginStderr string           `json:"plugin_stderr,omitempty"`

	caching *cachingWorker // a worker still compiling for the cache once the report is out
}

// loadedPlugin holds the fields the reference prints under "Plugin loaded:".
type loadedPlugin struct {
	ID              string   `json:"id"`
	Version         string   `json:"version"`
	Name            string   `json:"name"`
	ProtocolVersion string   `json:"protocol_version"`
	Class           string   `json:"class"`
	Runtime         string   `json:"runtime"`
	Entities        []string `json:"entities"`
	Capabilities    []string `json:"capabilities"`
	ManifestSource  string   `json:"manifest_source"`
}

const (
	statusPassed      = "passed"
	statusFailed      = "failed"
	statusUnsupported = "unsupported"
)

type testFlags struct {
	wasm                                                                     wasmFlags
	key, timeout, descriptor, context, tool, arguments, config, meta, result string
	headers, metadata, hostServices, ffiLimits, calls                        string
	maxMemory, durationMS                                                    uint64
	repeat                                                                   int
	json                                                                     bool
}

func runTest(env *cli.Env, args []string) error {
	var f testFlags
	fs := cli.NewFlagSet("plugin-harness test", testHelp, env.Stdout)
	fs.StringVar(&f.key, "key", "", "Ed25519 public key")
	fs.StringVar(&f.descriptor, "descriptor", "", "plugin.yaml override")
	fs.StringVar(&f.context, "context", "", "PluginContext file")
	fs.StringVar(&f.tool, "tool", "", "tool name")
	fs.StringVar(&f.arguments, "arguments", "", "arguments JSON")
	fs.StringVar(&f.config, "config", "", "config JSON")
	fs.StringVar(&f.meta, "meta", "", "_meta JSON")
	fs.StringVar(&f.result, "result", "", "result JSON")
	fs.StringVar(&f.headers, "headers", "", "headers JSON")
	fs.StringVar(&f.metadata, "metadata", "", "RequestMetadata JSON")
	fs.StringVar(&f.hostServices, "host-services", "", "canned host answers")
	fs.StringVar(&f.ffiLimits, "ffi-limits", "", "plugins[].ffi_limits JSON or YAML")
	fs.StringVar(&f.calls, "calls", "", "call plan JSON or YAML")
	fs.Uint64Var(&f.durationMS, "execution-duration-ms", 1, "tool call duration for post-dispatch")
	fs.IntVar(&f.repeat, "repeat", 1, "repetitions")
	fs.StringVar(&f.wasm.limits, "limits", "", "Wasm limits block")
	fs.StringVar(&f.wasm.engine, "engine", "auto", "wazero engine")
	fs.BoolVar(&f.wasm.allowCoreModule, "allow-core-module", false, "run a core module")
	fs.BoolVar(&f.wasm.noCache, "no-cache", false, "neither read nor write the Wasm code cache")
	fs.StringVar(&f.timeout, "timeout", "5s", "time limit per step")
	fs.Uint64Var(&f.maxMemory, "max-memory", 1024, "worker address-space limit in MiB")
	fs.BoolVar(&f.json, "json", false, "JSON report")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if err := cli.CheckArgs("plugin-harness test", pos, 1, 1, "<package.zip>"); err != nil {
		return err
	}
	timeout, err := time.ParseDuration(f.timeout)
	if err != nil || timeout <= 0 {
		return cli.Usagef("plugin-harness test: --timeout %q: expected a positive duration such as 5s", f.timeout)
	}
	if f.maxMemory > 1<<24 {
		return cli.Usagef("plugin-harness test: --max-memory %d: expected at most %d MiB", f.maxMemory, 1<<24)
	}
	if f.repeat < 1 || f.repeat > 10_000_000 {
		return cli.Usagef("plugin-harness test: --repeat %d: expected 1 to 10000000", f.repeat)
	}
	stdinUsers := 0
	for _, v := range []string{pos[0], f.context, f.arguments, f.config, f.meta, f.result, f.headers, f.metadata, f.hostServices, f.ffiLimits, f.calls} {
		if v == "-" {
			stdinUsers++
		}
	}
	if stdinUsers > 1 {
		return cli.Usagef("plugin-harness test: only one input can be read from stdin (-)")
	}
	var pub ed25519.PublicKey
	if f.key != "" {
		if pub, _, err = keys.LoadPublicKey(f.key); err != nil {
			return cli.KeyArgError(err)
		}
	}
	plan, err := buildPlan(&f, env.Stdin)
	if err != nil {
		return err
	}

	pkg, closePkg, err := pkgzip.OpenFile(pos[0], env.Stdin, pkgzip.DefaultLimits)
	if err != nil {
		return err
	}
	defer closePkg()
	desc := pkg.Descriptor
	if f.descriptor != "" {
		if desc, err = readDescriptor(f.descriptor); err != nil {
			return err
		}
	}
	r := &report{Package: pkg.Name, Artifact: pkg.ArtifactName, Calls: []*native.Call{}}
	isWasm := pkg.ArtifactName == pkgzip.EntryWasm
	var wasmReq *wasmRequest
	if isWasm {
		if wasmReq, err = wasmRequestFor(f.wasm, desc, timeout, env.Stdin); err != nil {
			return err
		}
	}
	plan.Class = desc.Class
	if plan.Calls, err = resolveCalls(desc.Class, f.calls, env.Stdin); err != nil {
		return err
	}
	if f.calls == "" && plan.Calls != nil {
		plan.Calls = native.Personalize(plan.Calls, plan.Context, plan.Arguments)
		plan.Calls = native.ListenerDefaults(desc.Class, plan.Calls, plan.Config)
	}
	plan.Alias = desc.ID // the reference test uses the descriptor id as the operator alias
	sb, err := openSandbox()
	if err != nil {
		return err
	}
	defer sb.Close()
	if wasmReq != nil {
		sb.codeCache = wasmReq.CacheDir
	}
	if err := pkg.Extract(sb.dir); err != nil {
		return err
	}
	artifact := filepath.Join(sb.dir, pkg.ArtifactName)

	if err := verifyArtifact(r, pkg, artifact, pub, f.key); err != nil {
		return err
	}
	if pub == nil && !f.json {
		fmt.Fprintln(env.Stderr, r.Trust)
	}
	req := workerRequest{Path: artifact, SHA256: r.SHA256, MaxMemory: f.maxMemory << 20, Plan: *plan}
	req.Wasm = wasmReq
	if isWasm && req.MaxMemory > 0 {
		// wazero's optimizing compiler is the harness's work, not the plugin's: it needs about
		// 60 times the component's size (1.2 GB for an 18 MB componentize-py guest).
		req.MaxMemory += wasmCompileMemory(artifact)
	}
	var failure error
	if !isWasm {
		failure = loadableHere(pkg.Name, artifact)
	}
	if failure == nil {
		var progress io.Writer
		if cli.IsTerminal(env.Stderr) {
			progress = env.Stderr
		}
		failure = runWorkerProcess(r, sb, desc, req, timeout, progress)
	}
	if sb.Interrupted() {
		return failure // shared/cli is exiting 130; no report
	}
	for _, w := range r.Warnings {
		if !f.json {
			env.Warnf("%s", w)
		}
	}
	switch {
	case failure != nil:
		r.Status, r.Failure = statusFailed, failure.Error()
		if cli.CodeOf(failure) == cli.ExitUnsupported {
			r.Status = statusUnsupported
		}
	default:
		r.Status = statusPassed
	}
	if f.json {
		if err := cli.WriteJSON(env.Stdout, r); err != nil {
			return err
		}
	} else {
		printReport(env.Stdout, r)
	}
	if r.caching != nil {
		var progress io.Writer
		if cli.IsTerminal(env.Stderr) {
			progress = env.Stderr
		}
		r.caching.wait(progress, env.Warnf)
	}
	return failure
}

// buildPlan turns the flags into what the worker drives, every JSON input already in the form the
// gateway would serialise it to.
func buildPlan(f *testFlags, stdin io.Reader) (*native.Plan, error) {
	ctx, err := readContext(f.context, stdin)
	if err != nil {
		return nil, err
	}
	if f.tool != "" {
		ctx.ToolName = f.tool
	}
	p := &native.Plan{Context: ctx, DurationMS: f.durationMS, Repeat: f.repeat}
	if p.Arguments, err = readJSON("arguments", f.arguments, "{}", stdin); err != nil {
		return nil, err
	}
	if p.Config, err = readJSON("config", f.config, "{}", stdin); err != nil {
		return nil, err
	}
	if p.Result, err = readJSON("result", f.result, "null", stdin); err != nil {
		return nil, err
	}
	if p.Metadata, err = readJSON("metadata", f.metadata, `{"transport":""}`, stdin); err != nil {
		return nil, err
	}
	if f.meta != "" {
		meta, err := readJSON("meta", f.meta, "", stdin)
		if err != nil {
			return nil, err
		}
		p.Meta = &meta
	}
	if f.headers != "" {
		if p.Headers, err = readHeaders(f.headers, stdin); err != nil {
			return nil, err
		}
	} else {
		p.Headers = synthesiseHeaders(ctx)
	}
	if p.Answers, err = readHostAnswers(f.hostServices, stdin); err != nil {
		return nil, err
	}
	if p.FFILimits, err = readFFILimits(f.ffiLimits, stdin); err != nil {
		return nil, err
	}
	return p, nil
}

func readDescriptor(path string) (*descriptor.Descriptor, error) {
	data, name, err := readInput("descriptor", path, nil)
	if err != nil {
		return nil, err
	}
	d, err := descriptor.Parse(data)
	if err != nil {
		return nil, cli.Failf("%s: %v", name, err)
	}
	return d, nil
}

// loadableHere refuses, before dlopen, a library this machine cannot load (another architecture or
// format), saying what it is and what this machine runs. A file InspectNative cannot read is left
// to the load, which reports it as the gateway would.
func loadableHere(pkgName, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fileio.IOError("read", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fileio.IOError("read", path, err)
	}
	n, err := artifact.InspectNative(f, st.Size())
	if err != nil {
		return nil
	}
	if err := n.LoadableOn(runtime.GOOS, runtime.GOARCH); err != nil {
		return cli.Failf("%s: %s %v", pkgName, pkgzip.EntryNative, err)
	}
	return nil
}

// verifyArtifact hashes the extracted artifact and, with a key, checks plugin.sig over it under
// the enforce policy: a missing or bad signature refuses the package.
func verifyArtifact(r *report, pkg *pkgzip.Package, artifact string, pub ed25519.PublicKey, keyPath string) error {
	f, err := os.Open(artifact)
	if err != nil {
		return fileio.IOError("read", artifact, err)
	}
	defer f.Close()
	if pub != nil {
		// The verdict verify --key and inspect --key give too: unsigned, or not 64 bytes.
		if err := pkg.CheckSignature(true); err != nil {
			return err
		}
		if _, err := keys.NewVerifier(pub, pkg.Signature); err != nil {
			return cli.Failf("%s: %s: %v", pkg.Name, pkgzip.EntrySignature, err)
		}
	}
	ok, sum, _, err := keys.VerifyAndHash(pub, f, pkg.Signature)
	if err != nil {
		return fileio.IOError("read", artifact, err)
	}
	r.SHA256 = sum.Hex()
	if pub == nil {
		r.Signature, r.Trust = "skipped", "signature verification skipped (no --key)"
		return nil
	}
	if !ok {
		return cli.Failf("%s: %s does not verify %s (sha256 %s) against the key %s",
			pkg.Name, pkgzip.EntrySignature, pkgzip.EntryNative, r.SHA256, keyPath)
	}
	r.Signature, r.Trust = "verified", "signature verified against "+keyPath
	return nil
}

// crashReason names how the worker died: the signal, or the Go runtime's own fault line when the
// runtime caught the signal (SIGSEGV in plugin code surfaces as "fatal error" plus a signal line).
func crashReason(runErr error, stderr string) string {
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return fmt.Sprintf("killed by %s", signalName(ws.Signal()))
		}
	}
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "SIG"):
			return line
		case strings.HasPrefix(line, "[signal "):
			return strings.Trim(line, "[]")
		case strings.HasPrefix(line, "fatal error: runtime: out of memory"):
			return "out of memory"
		}
	}
	for _, line := range strings.Split(stderr, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return runErr.Error()
}

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGSEGV:
		return "SIGSEGV (segmentation fault)"
	case syscall.SIGABRT:
		return "SIGABRT (abort)"
	case syscall.SIGKILL:
		return "SIGKILL"
	case syscall.SIGBUS:
		return "SIGBUS (bus error)"
	}
	return s.String()
}
