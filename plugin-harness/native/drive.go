//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"time"
	"unsafe"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// Vtable slot offsets, relative to the vtable at entity+40 (docs/native-abi.md §2.4).
const (
	slotMake         = 0
	slotManifest     = 8
	slotFirstCall    = 16 // evaluate_pre_dispatch, transform_arguments, resolve_identity
	slotSecondCall   = 24 // evaluate_post_dispatch, transform_result
	slotShutdown     = 32 // tool_gate, transform; identity_provider: 24
	slotDrop         = 40 // tool_gate, transform; identity_provider: 32
	identityShutdown = 24
	identityDrop     = 32
)

// instance is one made plugin instance.
type instance struct {
	lib    *Library
	vt     uintptr
	handle uintptr
	kind   string
	id     string     // the in-code manifest's id, which the gateway's timeout decisions name
	limits *FFILimits // nil: calls are not judged by ffi_limits (deriving the manifest)
	wd     *watchdog  // for the data-slot calls; nil when data_timeout_ms never fires
	// For a kind driven by a call plan (plans.go): its spec, the control budget's watchdog, and
	// the budget of the call in flight.
	spec      *KindSpec
	wdControl *watchdog
	cur       *callBudget
	tier1     *callBudget // a Tier-1 call's data_timeout_ms (budgetNow)
	stream    *openStream // backend: a stream execute_streaming opened, not cancelled yet
	// kindState is a kind driver's own state across its calls (its file type-asserts it).
	kindState any
	atPlanEnd []func(p *Plan, ev Events) // onPlanEnd
}

// Drive makes an instance of the first entity of p.Class, the way the gateway's adapter does, and
// exercises it: make, manifest_json, the class's calls (each p.Repeat times), shutdown and
// drop_instance. Every call is reported through ev as it completes.
func (l *Library) Drive(p *Plan, ev Events) error {
	runtime.LockOSThread() // host calls from any other thread are the plugin's own
	h := theHost
	ev = h.wrap(p, ev) // what the host services notice joins the call in flight (hostsubs.go)
	h.alloc, h.alias, h.answers, h.driver = l.alloc, p.Alias, p.Answers, threadID()
	if p.Answers != nil && p.Answers.Alias != nil {
		h.alias = *p.Answers.Alias
	}
	idx := slices.IndexFunc(l.Reg.Entities, func(e Entity) bool { return e.Kind == p.Class })
	if idx < 0 {
		return fmt.Errorf("plugin does not export a %s entity", p.Class)
	}
	limits := DefaultFFILimits()
	if p.FFILimits != nil {
		limits = *p.FFILimits
	}
	payloadCap = limits.MaxPayloadBytes
	inst := l.entity(idx, p.Class)
	inst.limits = &limits
	if inst.wd = newWatchdog(&limits); inst.wd != nil {
		defer inst.wd.stop()
	}
	if inst.spec != nil {
		if inst.wdControl = newWatchdogMS(limits.ControlTimeoutMS); inst.wdControl != nil {
			defer inst.wdControl.stop()
		}
	}
	if !inst.make(p.Config, ev) {
		return nil
	}
	if !inst.manifest(ev) {
		inst.drop(ev)
		return nil
	}
	switch p.Class {
	case "tool_gate":
		inst.repeat(p, ev, "evaluate_pre_dispatch", inst.evaluatePre)
		inst.repeat(p, ev, "evaluate_post_dispatch", inst.evaluatePost)
	case "transform":
		inst.repeat(p, ev, "transform_arguments", inst.transform(slotFirstCall, p.Arguments))
		inst.repeat(p, ev, "transform_result", inst.transform(slotSecondCall, p.Result))
	case "identity_provider":
		inst.repeat(p, ev, "resolve_identity", inst.resolveIdentity)
	default:
		if !inst.runPlan(p, ev) {
			inst.drop(ev) // the gateway refused the load: drop_instance, no shutdown
			return nil
		}
	}
	inst.fireSubscriptions(p, ev) // every kind: the events --host-services lists (hostsubs.go)
	inst.shutdown(ev)
	inst.drop(ev)
	return nil
}

func (i *instance) slot(off uintptr) uintptr { return word(i.vt + off) }

func (i *instance) lifecycleSlot(gateOff, identityOff uintptr) uintptr {
	if i.spec != nil {
		if gateOff == slotShutdown {
			return i.slot(i.spec.Shutdown)
		}
		return i.slot(i.spec.Drop)
	}
	if i.kind == "identity_provider" {
		return i.slot(identityOff)
	}
	return i.slot(gateOff)
}

// make calls make(host, config_json, inner_name): the host reference then two by-value RStrings
// the plugin consumes (27 stack words on amd64, three pointers to copies on arm64); inner_name is
// always empty, as from the gateway.
func (i *instance) make(config string, ev Events) bool {
	ev.Phase("make")
	c := &Call{Slot: "make", Inputs: map[string]json.RawMessage{"config": serdejson.ReencodeOrNull(config), "inner_name": json.RawMessage(`""`)}}
	mk := makeCall.prepare()
	copy(mk.aggregate(0), theHost.handleRef())
	i.lib.alloc.put(addrOf(mk.aggregate(1)), config)
	i.lib.alloc.put(addrOf(mk.aggregate(2)), "")
	start := time.Now()
	i.handle = mk.call(i.slot(slotMake))
	c.Nanos = time.Since(start).Nanoseconds()
	c.HostCalls = theHost.take()
	i.lifecycleNote(c)
	c.Output = json.RawMessage(fmt.Sprintf(`{"handle_null":%t}`, i.handle == 0))
	if i.handle == 0 {
		c.Violations = append(c.Violations, fmt.Sprintf("native %s plugin panicked during make (null handle returned): "+
			"the plugin refused its config (fail-closed) or its factory panicked", label(i.kind)))
	}
	ev.Call(c)
	return i.handle != 0
}

// manifest calls manifest_json and checks it parses as a PluginManifest, as the adapter does.
func (i *instance) manifest(ev Events) bool {
	ev.Phase("manifest_json")
	c := &Call{Slot: "manifest_json"}
	mc := manifestCall.prepare()
	mc.scalar(0, i.handle)
	start := time.Now()
	mc.call(i.slot(slotManifest))
	c.Nanos = time.Since(start).Nanoseconds()
	text, err := readString(addrOf(mc.sret))
	drop(addrOf(mc.sret))
	c.HostCalls = theHost.take()
	i.lifecycleNote(c)
	if uint64(len(text)) > payloadCap && i.limits != nil {
		c.Warnings = append(c.Warnings, payloadNote("manifest_json's manifest", len(text)))
	}
	switch {
	case err != nil:
		c.Violations = append(c.Violations, "manifest_json returned "+err.Error())
	case text == "":
		c.Violations = append(c.Violations, fmt.Sprintf("native %s plugin panicked during manifest() (empty RString returned)", label(i.kind)))
	default:
		if problem := manifestProblem(text); problem != "" {
			c.Violations = append(c.Violations, fmt.Sprintf("invalid manifest from native %s plugin: %s", label(i.kind), problem))
			c.Output, _ = json.Marshal(text)
		} else {
			c.Output = serdejson.ReencodeOrNull(text)
			var m struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(c.Output, &m)
			i.id = m.ID
		}
	}
	ev.Call(c)
	return len(c.Violations) == 0
}

func (i *instance) shutdown(ev Events) {
	i.lifecycle(ev, "shutdown", i.lifecycleSlot(slotShutdown, identityShutdown))
}

func (i *instance) drop(ev Events) {
	i.lifecycle(ev, "drop_instance", i.lifecycleSlot(slotDrop, identityDrop))
}

// lifecycle calls a void fn(handle) slot.
func (i *instance) lifecycle(ev Events, slot string, fn uintptr) {
	ev.Phase(slot)
	c := &Call{Slot: slot}
	start := time.Now()
	callWords(fn, i.handle)
	c.Nanos = time.Since(start).Nanoseconds()
	c.HostCalls = theHost.take()
	i.lifecycleNote(c)
	ev.Call(c)
}

// outcome is one class call's decoded result.
type outcome struct {
	value      any
	panicked   bool
	violations []string
	warnings   []string
}

// repeat runs one class call p.Repeat times; the first run is reported in full, all are timed
// (input encoding, the call, decoding, freeing and the JSON marshalling of the result). Each run
// is judged by its ffi_limits budget as the gateway would (budget.go: data_timeout_ms, or the
// planned slot's): a run past it ends the repeats with the gateway's timeout answer as the output.
func (i *instance) repeat(p *Plan, ev Events, slot string, run func(p *Plan) (map[string]json.RawMessage, func() outcome)) *Call {
	ev.Phase(slot)
	inputs, do := run(p)
	c := &Call{Slot: slot, Inputs: inputs}
	n := max(p.Repeat, 1)
	times := make([]int64, 0, n)
	current, noted := 0, false
	var wd *watchdog
	if b := i.budgetNow(); b != nil {
		wd = b.wd
	}
	if wd != nil {
		i.watchCall(wd, ev, c, &times, &current, n)
	}
	for r := range n {
		if wd != nil {
			current = r
			wd.arm()
		}
		start := time.Now()
		o := do()
		took := time.Since(start)
		if wd != nil && !wd.disarm() {
			park() // the watchdog reported this run as timed out and is ending the worker
		}
		marshalled := time.Now()
		out, _ := json.Marshal(o.value)
		times = append(times, (took + time.Since(marshalled)).Nanoseconds())
		if r == 0 {
			c.Output, c.Panicked, c.Violations, c.Warnings = out, o.panicked, o.violations, o.warnings
			c.HostCalls = theHost.take()
		} else {
			theHost.take()
		}
		if i.judgeLate(c, r, n, took, out, &noted) {
			break // the gateway's decision replaces the plugin's; later runs would say nothing new
		}
		if r == 0 && (len(o.violations) > 0 || o.panicked) {
			break // a broken call is reported once, not timed
		}
	}
	c.Nanos = times[0]
	if len(times) > 1 {
		c.Timing = summarise(times)
	}
	ev.Call(c)
	return c
}

func summarise(ns []int64) *Timing {
	sorted := slices.Clone(ns)
	slices.Sort(sorted)
	var sum int64
	for _, x := range sorted {
		sum += x
	}
	return &Timing{Runs: len(ns), MinNS: sorted[0], MedianNS: sorted[len(sorted)/2],
		MeanNS: sum / int64(len(ns)), MaxNS: sorted[len(sorted)-1]}
}

// rstr returns the (ptr, len) words of a borrowed RStr over s; the pointer is never null.
func rstr(s string) (uintptr, uintptr) {
	if s == "" {
		return 1, 0
	}
	return uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(len(s))
}

func inputs(kv ...any) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	for j := 0; j < len(kv); j += 2 {
		switch v := kv[j+1].(type) {
		case json.RawMessage:
			m[kv[j].(string)] = v
		default:
			m[kv[j].(string)], _ = json.Marshal(v)
		}
	}
	return m
}

func (i *instance) evaluatePre(p *Plan) (map[string]json.RawMessage, func() outcome) {
	meta := json.RawMessage("null")
	if p.Meta != nil {
		meta = serdejson.ReencodeOrNull(*p.Meta)
	}
	in := inputs("context", p.Context, "arguments", serdejson.ReencodeOrNull(p.Arguments), "meta", meta, "config", serdejson.ReencodeOrNull(p.Config))
	fn := i.slot(slotFirstCall)
	return in, func() outcome {
		c := evaluatePreCall.prepare()
		c.scalar(0, i.handle)
		i.lib.alloc.encodeContext(&p.Context, c.aggregate(1))
		c.borrow(2, p.Arguments)
		meta := c.aggregate(3)
		meta[0] = optionNone
		if p.Meta != nil {
			meta[0] = optionSome
			meta[1], meta[2] = rstr(*p.Meta)
		}
		c.borrow(4, p.Config)
		c.call(fn)
		runtime.KeepAlive(p)
		c.forget() // the plugin owns the context now
		return gateOutcome(decodeGate(addrOf(c.sret), "evaluate_pre_dispatch"))
	}
}

func (i *instance) evaluatePost(p *Plan) (map[string]json.RawMessage, func() outcome) {
	in := inputs("context", p.Context, "arguments", serdejson.ReencodeOrNull(p.Arguments), "result", serdejson.ReencodeOrNull(p.Result),
		"execution_duration_ms", p.DurationMS, "config", serdejson.ReencodeOrNull(p.Config))
	fn := i.slot(slotSecondCall)
	return in, func() outcome {
		c := evaluatePostCall.prepare()
		c.scalar(0, i.handle)
		i.lib.alloc.encodeContext(&p.Context, c.aggregate(1))
		c.borrow(2, p.Arguments)
		c.borrow(3, p.Result)
		c.scalar(4, uintptr(p.DurationMS))
		c.borrow(5, p.Config) // arm64: no pair of registers left, so x7 stays unused
		c.call(fn)
		runtime.KeepAlive(p)
		c.forget()
		return gateOutcome(decodeGate(addrOf(c.sret), "evaluate_post_dispatch"))
	}
}

func gateOutcome(g *GateDecision, violations, warnings []string) outcome {
	o := outcome{violations: violations, warnings: warnings}
	if g != nil {
		o.value, o.panicked = g, g.Panicked()
	}
	return o
}

// transform returns the runner for transform_arguments (slotFirstCall) or transform_result.
func (i *instance) transform(off uintptr, text string) func(p *Plan) (map[string]json.RawMessage, func() outcome) {
	slot, field := "transform_arguments", "arguments"
	if off == slotSecondCall {
		slot, field = "transform_result", "result"
	}
	return func(p *Plan) (map[string]json.RawMessage, func() outcome) {
		in := inputs("context", p.Context, field, serdejson.ReencodeOrNull(text), "config", serdejson.ReencodeOrNull(p.Config))
		fn := i.slot(off)
		return in, func() outcome {
			c := transformCall.prepare()
			c.scalar(0, i.handle)
			i.lib.alloc.encodeContext(&p.Context, c.aggregate(1))
			c.borrow(2, text)
			c.borrow(3, p.Config)
			c.call(fn)
			runtime.KeepAlive(p)
			c.forget()
			runtime.KeepAlive(text)
			r, violations, warnings := decodeTransform(addrOf(c.sret), slot)
			o := outcome{violations: violations, warnings: warnings}
			if r != nil {
				o.value, o.panicked = r, r.Panicked()
			}
			return o
		}
	}
}

func (i *instance) resolveIdentity(p *Plan) (map[string]json.RawMessage, func() outcome) {
	headers := headersJSON(p.Headers)
	in := inputs("headers", json.RawMessage(headers), "metadata", serdejson.ReencodeOrNull(p.Metadata), "config", serdejson.ReencodeOrNull(p.Config))
	fn := i.slot(slotFirstCall)
	return in, func() outcome {
		c := resolveIdentityCall.prepare()
		c.scalar(0, i.handle)
		c.borrow(1, headers)
		c.borrow(2, p.Metadata)
		c.borrow(3, p.Config)
		c.call(fn)
		runtime.KeepAlive(p)
		runtime.KeepAlive(headers)
		r, violations, warnings := decodeResolution(addrOf(c.sret))
		o := outcome{violations: violations, warnings: warnings}
		if r != nil {
			o.value, o.panicked = r, r.Panicked()
		}
		return o
	}
}

// entity is an instance-to-be of the registration's entity idx, a kind, through its vtable.
func (l *Library) entity(idx int, kind string) *instance {
	return &instance{lib: l, vt: word(l.base()+regEntities) + uintptr(idx*sizeEntity) + entityVTable, kind: kind, spec: Kind(kind)}
}

// DeriveManifest is the gateway's fallback when the registration embeds no descriptor_yaml
// (docs/native-abi.md §1.3 step 7): make the first entity with config "{}" and the null host, read manifest_json,
// drop the instance. It returns the manifest text.
func (l *Library) DeriveManifest(ev Events) (string, error) {
	theHost.alloc, theHost.alias = l.alloc, ""
	if len(l.Reg.Entities) == 0 {
		return "", fmt.Errorf("plugin registration exports no entities")
	}
	first := l.Reg.Entities[0]
	inst := l.entity(0, first.Kind)
	if !Driven(first.Kind) {
		// Every kind shares make/manifest_json at +0/+8, but drop_instance moves with the vtable.
		return "", fmt.Errorf("the registration embeds no descriptor_yaml and its first entity is a %s, whose "+
			"vtable this harness does not drive; the gateway would derive the manifest through it", first.Kind)
	}
	var manifest string
	rec := &recorder{Events: ev, keep: func(c *Call) {
		c.Purpose = "derive the manifest (no descriptor_yaml)"
		if c.Slot == "manifest_json" && len(c.Violations) == 0 {
			_ = json.Unmarshal(c.Output, new(any))
			manifest = string(c.Output)
		}
	}}
	if !inst.make("{}", rec) {
		return "", fmt.Errorf("deriving the manifest: make returned a null handle")
	}
	ok := inst.manifest(rec)
	inst.drop(rec)
	if !ok {
		return "", fmt.Errorf("deriving the manifest: manifest_json broke the contract")
	}
	return manifest, nil
}

// recorder passes events on, letting keep see (and annotate) each call first.
type recorder struct {
	Events
	keep func(*Call)
}

func (r *recorder) Call(c *Call) {
	r.keep(c)
	r.Events.Call(c)
}
