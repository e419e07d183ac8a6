package wasm

// Run: load a plugin.wasm as the gateway does, read its manifest and check it, then make the
// class's calls, each on a fresh instance, and report every decision in the gateway's shapes.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/mcpg-dev/mcpg-plugins/shared/rustfmt"
	"slices"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/cabi"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/component"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/wasip2"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

// descriptorSchemaV1 is the only descriptor schema the gateway's registrar accepts
// (mcpg-plugin-protocol DESCRIPTOR_SCHEMA_V1).
const descriptorSchemaV1 = "mcpg.dev/plugin/v1"

// Outcome is what a run found beyond its calls.
type Outcome struct {
	// Engine is the wazero engine that ran the guest: compiler or interpreter.
	Engine string `json:"engine"`
	// Limits are the plugins[].limits the run applied.
	Limits Limits `json:"limits"`
	// Manifest is the guest's manifest as the gateway reads it (nil when none was read).
	Manifest *Manifest `json:"manifest,omitempty"`
	// Warnings are facts the gateway would not report but a plugin author should know.
	Warnings []string `json:"warnings,omitempty"`
	// Notes say what this run did not judge as the gateway would (fuel, the deadline).
	Notes []string `json:"notes,omitempty"`
	// Output is what the guest wrote to stdout and stderr, per call (the gateway discards it).
	Output []GuestOutput `json:"guest_output,omitempty"`
	// Pending, when not nil, compiles the plugin's code into the cache for the next run: this
	// run was interpreted because nothing was compiled yet. The caller runs it after reporting.
	Pending *PendingCompile `json:"-"`
}

// Manifest is the guest's plugin-manifest record, in the gateway's field names.
type Manifest struct {
	ID              string `json:"id"`
	Version         string `json:"version"`
	Name            string `json:"name"`
	PluginClass     string `json:"plugin_class"`
	ProtocolVersion string `json:"protocol_version"`
}

// GuestOutput is what the guest wrote during one call.
type GuestOutput struct {
	Slot   string `json:"slot"`
	Stdout string `json:"stdout,omitempty"`
	Stderr string `json:"stderr,omitempty"`
}

// slotSpec is one class call: the harness's slot name (the native harness's, as the gateway's
// trait methods are named), the WIT export, and the name the gateway's errors give it.
type slotSpec struct {
	slot, export, label string
}

var classSlots = map[string][]slotSpec{
	"tool_gate": {
		{"evaluate_pre_dispatch", "evaluate-pre-dispatch", "evaluate_pre_dispatch"},
		{"evaluate_post_dispatch", "evaluate-post-dispatch", "evaluate_post_dispatch"},
	},
	"transform": {
		{"transform_arguments", "transform-arguments", "transform_arguments"},
		{"transform_result", "transform-output", "transform_output"},
	},
	"identity_provider": {
		{"resolve_identity", "resolve-identity", "resolve_identity"},
	},
}

// Run loads artifact (plugin.wasm) as the gateway loads a `runtime: wasi-v1` package whose
// descriptor is desc, reads and checks the guest's manifest, then makes the class's calls with
// plan's inputs, each plan.Repeat times on a fresh instance, reporting each call through events
// as it completes (slot names as the native harness's: evaluate_pre_dispatch, …, plus
// "manifest"). A *Refusal is the gateway refusing to load the plugin; another error is the
// harness's own failure. Failed calls are decisions, never errors. Run is not safe for concurrent
// use with itself.
func Run(ctx context.Context, artifact []byte, desc *descriptor.Descriptor, plan *native.Plan, limits Limits, opts Options, events native.Events) (out *Outcome, err error) {
	out = &Outcome{Limits: limits}
	defer func() {
		// The guest runs inside wazero, which turns its faults into errors; a panic here is the
		// harness's own bug, reported rather than crashing the tool.
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in the Wasm runtime of the harness: %v", r)
		}
	}()
	isCore := component.IsCoreModule(artifact)
	cache, cacheWarning := openRunCache(artifact, limits, opts, isCore)
	if cacheWarning != "" {
		out.Warnings = append(out.Warnings, cacheWarning)
	}
	engine := opts.Engine.resolve()
	if cache != nil && opts.Engine == EngineAuto && engine == EngineCompiler && !cache.compiledHit() {
		// Nothing compiled yet: wazero's interpreter starts in a fraction of the compiler's time,
		// so this run is interpreted and the code is compiled for the next one afterwards
		// (Outcome.Pending), once the report is out.
		engine = EngineInterpreter
		cache.compileLater = true
	}
	rt, err := newRuntime(ctx, limits, engine, cache.wazeroDir(engine))
	if err != nil {
		return out, err
	}
	defer rt.Close(context.Background())
	out.Engine = engine.String()
	events.Phase("compile")
	if le := component.CompileError(artifact); le != nil {
		if !(component.IsCoreModule(artifact) && opts.AllowCoreModule) {
			return out, &Refusal{Stage: "compile", Chain: []string{"failed to compile wasm component: plugin.wasm: " + le.Message}, Detail: le.Full()}
		}
	}
	if desc.Schema != descriptorSchemaV1 {
		return out, &Refusal{Stage: "descriptor", Chain: []string{fmt.Sprintf("plugin descriptor for %s declares schema %s; host supports %s",
			rustfmt.DebugString(desc.ID), rustfmt.DebugString(desc.Schema), rustfmt.DebugString(descriptorSchemaV1))}}
	}
	registering := "registering first-party plugin " + rustfmt.DebugString(desc.ID)
	world, ok := cabi.WorldForClass(desc.Class)
	if !ok {
		return out, &Refusal{Stage: "register", Chain: []string{registering, "packaged wasm plugin declared unsupported class: " + desc.Class}}
	}
	var p *program
	if isCore {
		out.Warnings = append(out.Warnings, "plugin.wasm is a core module, not a component: the gateway refuses it at compile "+
			"(\"failed to parse WebAssembly module\"); it runs here only because core modules were allowed")
		p, err = loadCoreModule(ctx, rt, engine, artifact, world, limits)
	} else {
		p, err = loadComponent(ctx, rt, engine, artifact, world, limits, cache.preparedProgram())
	}
	var ir *instantiateRefusal
	switch {
	case errors.As(err, &ir):
		return out, &Refusal{Stage: "manifest", Chain: []string{registering, "failed to instantiate " + world.Name + " for manifest read: " + ir.msg},
			Detail: ir.detail}
	case err != nil:
		return out, err
	}
	out.Warnings = append(out.Warnings, p.warnings...)
	out.Pending = cache.loaded(p, engine)
	r := &runner{p: p, out: out, limits: limits, opts: opts, world: world, events: events, plan: plan, compileLater: out.Pending != nil}
	r.notes()
	m, err := r.manifest(ctx, registering)
	if ctx.Err() != nil {
		return out, ctx.Err() // the run was called off; the guest is not to blame
	}
	if err != nil {
		return out, err
	}
	out.Manifest = m
	if refusal := checkManifest(m, desc, registering); refusal != nil {
		return out, refusal
	}
	r.id = m.ID
	for _, s := range classSlots[desc.Class] {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		r.class(ctx, s)
	}
	return out, nil
}

// checkManifest makes the gateway's checks of a guest manifest, in its order: the protocol
// version (read_guest_manifest), the registry's validate_manifest, then the descriptor
// cross-check (validate_registered_descriptor, validate_descriptor).
func checkManifest(m *Manifest, desc *descriptor.Descriptor, registering string) *Refusal {
	guest := cabi.Manifest{ID: m.ID, ProtocolVersion: m.ProtocolVersion}
	if err := guest.CheckProtocolVersion(); err != nil {
		return &Refusal{Stage: "manifest", Chain: []string{registering, err.Error()}}
	}
	if m.ID == "" {
		return &Refusal{Stage: "register", Chain: []string{registering, "plugin manifest has empty id"}}
	}
	if m.Version == "" {
		return &Refusal{Stage: "register", Chain: []string{registering, fmt.Sprintf("plugin '%s' has empty version", m.ID)}}
	}
	cross := "descriptor / runtime-manifest cross-check for plugin " + rustfmt.DebugString(desc.ID)
	if m.ID != desc.ID {
		return &Refusal{Stage: "descriptor", Chain: []string{cross, "descriptor refers to unregistered plugin id: " + desc.ID}}
	}
	field, d, g := "", "", ""
	switch {
	case desc.Name != m.Name:
		field, d, g = "name", desc.Name, m.Name
	case major(desc.ProtocolVersion) != major(m.ProtocolVersion):
		field, d, g = "protocol_version", desc.ProtocolVersion, m.ProtocolVersion
	}
	if field != "" {
		return &Refusal{Stage: "descriptor", Chain: []string{cross, fmt.Sprintf("descriptor / manifest mismatch: plugin descriptor "+
			"disagrees with in-code manifest: field=%s, descriptor=%s, manifest=%s", field, d, g)}}
	}
	return nil
}

func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}

// runner holds one run's state.
type runner struct {
	// compileLater: the run is interpreted because nothing was compiled yet (Outcome.Pending).
	compileLater bool
	p            *program
	out          *Outcome
	limits       Limits
	opts         Options
	world        *cabi.World
	events       native.Events
	plan         *native.Plan
	id           string // the plugin id the gateway's messages use (the manifest's)
}

func (r *runner) notes() {
	switch {
	case r.p.engine == EngineInterpreter && r.compileLater:
		r.out.Notes = append(r.out.Notes, fmt.Sprintf("the %d ms deadline (timeout_ms) was not judged: nothing was compiled yet for "+
			"this plugin.wasm, so this run was interpreted (its code is compiled for the next run once this report is out)", r.limits.TimeoutMS))
	case r.p.engine == EngineInterpreter:
		r.out.Notes = append(r.out.Notes, fmt.Sprintf("the %d ms deadline (timeout_ms) was not judged: the guest ran interpreted, "+
			"much slower than the gateway's compiled code", r.limits.TimeoutMS))
	}
}

// hostConfig is the WASI context of one call: the gateway's backstop bounds a guest blocked in
// the host at timeout_ms + 100 ms.
func (r *runner) hostConfig() wasip2.Config {
	block := time.Duration(r.limits.TimeoutMS)*time.Millisecond + callGrace
	if r.limits.TimeoutMS > uint64(time.Duration(1<<62)/time.Millisecond) {
		block = 1 << 62
	}
	return wasip2.Config{StdoutLimit: r.opts.StdioLimit, StderrLimit: r.opts.StdioLimit, MaxBlock: block}
}

// attempt is one instantiate-and-call: what came back, the failure, and how long it took.
type attempt struct {
	value any
	fail  *failure
	// stage: "instantiate" when the instance could not be made, else "call".
	stage   string
	nanos   int64
	blocked time.Duration
	stdout  wasip2.Output
	stderr  wasip2.Output
	fuel    uint64 // the fuel used, as the gateway's Store reports it
}

// callOnce makes a fresh instance and calls export: lower, call, lift, post-return (only after a
// successful lift), as Wasmtime's typed function call does.
func (r *runner) callOnce(ctx context.Context, export string, lower func(cabi.Options) ([]uint64, error), lift func(cabi.Options, []uint64) (any, error)) attempt {
	ctx, cancel := context.WithTimeoutCause(ctx, r.opts.guard(), fmt.Errorf("the harness's guard of %s", r.opts.guard()))
	defer cancel()
	start := time.Now()
	a := attempt{stage: "instantiate"}
	st, err := r.p.instantiate(ctx, r.hostConfig())
	finish := func() attempt {
		a.nanos = time.Since(start).Nanoseconds()
		if st != nil {
			a.blocked, a.stdout, a.stderr = st.host.Blocked(), st.host.Stdout(), st.host.Stderr()
			a.fuel = st.fuel.used()
			st.close()
		}
		return a
	}
	if err != nil {
		a.fail = r.p.classify(err, contextCause(ctx))
		return finish()
	}
	if r.p.typeErr != "" {
		a.fail = &failure{kind: kindError, text: r.p.typeErr, root: "an exported function's type is not the world's"}
		return finish()
	}
	a.stage = "call"
	g, err := r.p.function(ctx, st, export)
	if err != nil {
		a.fail = &failure{kind: kindError, text: err.Error(), root: err.Error(), note: "the harness could not find the function"}
		return finish()
	}
	var args []uint64
	if lower != nil {
		if args, err = lower(g.opts); err != nil {
			a.fail = r.p.classify(err, contextCause(ctx))
			return finish()
		}
	}
	results, err := g.fn.Call(ctx, args...)
	if err != nil {
		a.fail = r.p.classify(err, contextCause(ctx))
		return finish()
	}
	v, err := lift(g.opts, results)
	if err != nil {
		a.fail = r.p.classify(err, contextCause(ctx))
		return finish()
	}
	if g.post != nil {
		if _, err := g.post.Call(ctx, results...); err != nil {
			a.fail = r.p.classify(err, contextCause(ctx))
			return finish()
		}
	}
	a.value = v
	return finish()
}

// manifest reads the guest's manifest as read_guest_manifest does (no deadline, the fuel budget).
func (r *runner) manifest(ctx context.Context, registering string) (*Manifest, error) {
	r.events.Phase("manifest")
	a := r.callOnce(ctx, "manifest", nil, func(o cabi.Options, res []uint64) (any, error) { return cabi.LiftManifest(o, res) })
	c := &native.Call{Slot: "manifest", Nanos: a.nanos, FuelUsed: &a.fuel}
	r.keepOutput("manifest", a)
	defer r.events.Call(c)
	if a.fail != nil {
		r.describeFailure(c, a.fail)
		if a.fail.kind == kindAbort {
			return nil, fmt.Errorf("manifest(): %s", a.fail.text)
		}
		what := "failed to call manifest(): "
		if a.stage == "instantiate" {
			what = "failed to instantiate " + r.world.Name + " for manifest read: "
		}
		if a.fail.kind == kindTimeout {
			// No backstop bounds the manifest read; a guest blocked that long is stopped by the guard.
			a.fail = r.p.guardFailure(errors.New("the guest blocked in the host"))
		}
		c.Violations = append(c.Violations, "the gateway refuses to load the plugin: "+what+a.fail.text)
		return nil, &Refusal{Stage: "manifest", Chain: []string{registering, what + a.fail.text}, Detail: a.fail.root}
	}
	wm := a.value.(cabi.Manifest)
	m := &Manifest{ID: wm.ID, Version: wm.Version, Name: wm.Name, PluginClass: wm.PluginClass, ProtocolVersion: wm.ProtocolVersion}
	c.Output, _ = json.Marshal(m)
	return m, nil
}

// class runs one class call plan.Repeat times, each on a fresh instance; the first run is
// reported in full, all are timed.
func (r *runner) class(ctx context.Context, s slotSpec) {
	r.events.Phase(s.slot)
	inputs, lower := r.inputs(s)
	lift := liftFor(s.slot)
	c := &native.Call{Slot: s.slot, Inputs: inputs}
	n := max(r.plan.Repeat, 1)
	times := make([]int64, 0, n)
	for i := 0; i < n; i++ {
		a := r.callOnce(ctx, s.export, lower, lift)
		times = append(times, a.nanos)
		if i > 0 {
			continue
		}
		r.keepOutput(s.slot, a)
		c.FuelUsed = &a.fuel
		out, warnings := r.decide(s, a)
		c.Output = out
		c.Warnings = append(c.Warnings, warnings...)
		if a.fail != nil {
			r.describeFailure(c, a.fail)
			c.TimedOut = a.fail.kind == kindTimeout
			break // a broken call is reported once, not timed
		}
		if r.p.engine == EngineCompiler && r.limits.TimeoutMS > 0 {
			ran := time.Duration(a.nanos) - a.blocked
			if ran > time.Duration(r.limits.TimeoutMS)*time.Millisecond {
				c.Warnings = append(c.Warnings, fmt.Sprintf("the call ran %s of compiled code (outside host waits), past the %d ms "+
					"deadline: the gateway interrupts a call there (deny 500 for a gate) when fuel has not stopped it first; "+
					"not counted against the plugin here, as wazero's code is slower than Wasmtime's", ran.Round(time.Microsecond), r.limits.TimeoutMS))
			}
		}
		if ctx.Err() != nil {
			break
		}
	}
	c.Nanos = times[0]
	if len(times) > 1 {
		c.Timing = summarise(times)
	}
	r.events.Call(c)
}

// decide is the gateway's decision for one attempt: the guest's value converted as the gateway
// converts it, or the failure mapped as WasmCallFailure maps it for the slot.
func (r *runner) decide(s slotSpec, a attempt) (json.RawMessage, []string) {
	var v any
	var warnings []string
	if a.fail == nil {
		switch x := a.value.(type) {
		case cabi.GateDecision:
			g, w := x.Gateway(s.slot)
			v, warnings = g, w
		case cabi.TransformResult:
			v = x.Gateway()
		case cabi.IdentityResolution:
			v = x.Gateway()
		}
	} else {
		if a.fail.kind == kindAbort {
			return nil, nil
		}
		describe, status := "timed out", uint16(504)
		if a.fail.kind != kindTimeout {
			what := s.label + " call failed: "
			if a.stage == "instantiate" {
				what = "failed to instantiate " + r.world.Name + ": "
			}
			describe, status = "error: "+what+a.fail.text, 500
		}
		switch r.p.world.Class {
		case "tool_gate":
			code, msg := int32(-32603), fmt.Sprintf("gate plugin '%s' %s", r.id, describe)
			v = native.GateDecision{Decision: "deny", HTTPStatus: &status, Code: &code, Message: &msg}
		case "transform":
			msg := fmt.Sprintf("wasm transform '%s' %s", r.id, describe)
			v = native.TransformResult{Outcome: "error", Message: &msg}
		default:
			v = native.IdentityResolution{Outcome: "none"}
		}
	}
	out, _ := json.Marshal(v)
	return out, warnings
}

// describeFailure tells a report what went wrong, beyond the decision.
func (r *runner) describeFailure(c *native.Call, f *failure) {
	var what string
	switch f.kind {
	case kindTrap:
		what = "the guest trapped: " + f.root
	case kindFuel:
		what = fmt.Sprintf("the guest ran out of fuel (limits.fuel %d): %s", r.limits.Fuel, f.root)
	case kindGuard:
		what = "the guest was stopped: " + f.root
	case kindTimeout:
		what = "the guest blocked in the host past the gateway's backstop (timeout_ms + 100 ms): " + f.root
	case kindAbort:
		what = "the call would abort the gateway's Wasmtime: " + f.root
	default:
		what = "the call failed: " + f.root
	}
	switch r.world.Class {
	case "identity_provider":
		what += " (an identity provider fails open: the gateway resolves to none)"
	case "transform":
		what += " (the gateway makes the transform an error)"
	default:
		what += " (the gateway fails closed: deny)"
	}
	c.Violations = append(c.Violations, what)
	if f.note != "" {
		c.Warnings = append(c.Warnings, f.note)
	}
}

func (r *runner) keepOutput(slot string, a attempt) {
	if a.stdout.Total == 0 && a.stderr.Total == 0 {
		return
	}
	r.out.Output = append(r.out.Output, GuestOutput{Slot: slot, Stdout: a.stdout.String(), Stderr: a.stderr.String()})
}

// inputs are a slot's inputs as the report shows them, and the lowering of its arguments.
func (r *runner) inputs(s slotSpec) (map[string]json.RawMessage, func(cabi.Options) ([]uint64, error)) {
	p := r.plan
	raw := func(text string) json.RawMessage { return serdejson.ReencodeOrNull(text) }
	ctxJSON, _ := json.Marshal(p.Context)
	wctx := cabi.ContextFromNative(p.Context)
	switch s.slot {
	case "evaluate_pre_dispatch":
		meta := json.RawMessage("null")
		if p.Meta != nil {
			meta = raw(*p.Meta)
		}
		return map[string]json.RawMessage{"context": ctxJSON, "arguments": raw(p.Arguments), "meta": meta, "config": raw(p.Config)},
			func(o cabi.Options) ([]uint64, error) {
				return cabi.LowerPreDispatch(o, cabi.PreDispatchArgs{Ctx: wctx, Arguments: p.Arguments, Meta: p.Meta, Config: p.Config})
			}
	case "evaluate_post_dispatch":
		d, _ := json.Marshal(p.DurationMS)
		return map[string]json.RawMessage{"context": ctxJSON, "arguments": raw(p.Arguments), "result": raw(p.Result),
				"execution_duration_ms": d, "config": raw(p.Config)},
			func(o cabi.Options) ([]uint64, error) {
				return cabi.LowerPostDispatch(o, cabi.PostDispatchArgs{Ctx: wctx, Arguments: p.Arguments, Result: p.Result,
					ExecutionDurationMS: p.DurationMS, Config: p.Config})
			}
	case "transform_arguments":
		return map[string]json.RawMessage{"context": ctxJSON, "arguments": raw(p.Arguments), "config": raw(p.Config)},
			func(o cabi.Options) ([]uint64, error) {
				return cabi.LowerTransformArguments(o, cabi.TransformArgs{Ctx: wctx, Value: p.Arguments, Config: p.Config})
			}
	case "transform_result":
		return map[string]json.RawMessage{"context": ctxJSON, "result": raw(p.Result), "config": raw(p.Config)},
			func(o cabi.Options) ([]uint64, error) {
				return cabi.LowerTransformOutput(o, cabi.TransformArgs{Ctx: wctx, Value: p.Result, Config: p.Config})
			}
	}
	headers, _ := json.Marshal(p.Headers)
	if len(p.Headers) == 0 {
		headers = json.RawMessage("[]")
	}
	return map[string]json.RawMessage{"headers": headers, "config": raw(p.Config)},
		func(o cabi.Options) ([]uint64, error) {
			return cabi.LowerResolveIdentity(o, cabi.ResolveIdentityArgs{Headers: cabi.HeadersFromNative(p.Headers), Config: p.Config})
		}
}

func liftFor(slot string) func(cabi.Options, []uint64) (any, error) {
	switch slot {
	case "evaluate_pre_dispatch", "evaluate_post_dispatch":
		return func(o cabi.Options, res []uint64) (any, error) { return cabi.LiftGateDecision(o, res) }
	case "transform_arguments", "transform_result":
		return func(o cabi.Options, res []uint64) (any, error) { return cabi.LiftTransformResult(o, res) }
	}
	return func(o cabi.Options, res []uint64) (any, error) { return cabi.LiftIdentityResolution(o, res) }
}

func summarise(ns []int64) *native.Timing {
	sorted := slices.Clone(ns)
	slices.Sort(sorted)
	var sum int64
	for _, x := range sorted {
		sum += x
	}
	return &native.Timing{Runs: len(ns), MinNS: sorted[0], MedianNS: sorted[len(sorted)/2],
		MeanNS: sum / int64(len(ns)), MaxNS: sorted[len(sorted)-1]}
}
