//go:build (linux || darwin) && (amd64 || arm64)

package native

// Driving a kind by its call plan (plans.go): each planned call is made through the slot's
// signature (slots.go), judged by the ffi_limits budget the gateway holds it to, and its answer
// checked against what the gateway's decoder accepts. Every RString the plugin returns is dropped
// through the vtable it carries (docs/native-abi.md §3).

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// runPlan makes each call of p.Calls in order. It stops, false, after a slot the gateway reads
// while building its adapter answered what makes it refuse the load.
func (i *instance) runPlan(p *Plan, ev Events) bool {
	for _, pc := range p.Calls {
		s := i.spec.Slot(pc.Slot)
		if s == nil {
			continue // the parent resolved the plan against the same spec
		}
		i.cur = i.budgetFor(s)
		c := i.repeat(p, ev, s.Name, i.planned(s, pc.Input))
		i.cur = nil
		if s.Refuses && len(c.Violations) > 0 {
			return false
		}
		// list_resources: the next page, once, as resources/list would fetch it (backend.go).
		if next := nextCursorCall(s, pc.Input, c.Output); next != nil {
			i.cur = i.budgetFor(s)
			i.repeat(p, ev, s.Name, i.planned(s, next.Input))
			i.cur = nil
		}
	}
	// A stream left open by a --calls plan: the gateway's drop guard cancels it.
	if i.stream != nil {
		if s := i.spec.Slot("cancel_stream"); s != nil {
			i.repeat(p, ev, s.Name, i.planned(s, nil))
		}
	}
	// What a kind's driver left open (a watch, a lease, a transport handle): closed as the
	// gateway's drop guards would, last opened first.
	for len(i.atPlanEnd) > 0 {
		last := i.atPlanEnd[len(i.atPlanEnd)-1]
		i.atPlanEnd = i.atPlanEnd[:len(i.atPlanEnd)-1]
		last(p, ev)
	}
	return true
}

// kindCall makes one call of a slot whose shape a kind's own driver file handles (streams,
// handles, leases, callbacks): registered from that file's init, keyed by its callShape.
type kindCall func(i *instance, s *SlotSpec, fn uintptr, input json.RawMessage) outcome

var kindCalls = map[callShape]kindCall{}

// onPlanEnd registers what runPlan does after the last planned call, e.g. cancelling a watch a
// --calls plan left open; fn reports through i.repeat like any planned call.
func (i *instance) onPlanEnd(fn func(p *Plan, ev Events)) {
	i.atPlanEnd = append(i.atPlanEnd, fn)
}

// budgetFor is the budget the gateway's adapter waits on for slot s.
func (i *instance) budgetFor(s *SlotSpec) *callBudget {
	b := &callBudget{ms: math.MaxUint64, dropped: s.TimedOut == ""}
	switch s.Class {
	case classData:
		b.field, b.ms, b.wd = "data_timeout_ms", i.limits.DataTimeoutMS, i.wd
	case classControl:
		b.field, b.ms, b.wd = "control_timeout_ms", i.limits.ControlTimeoutMS, i.wdControl
	}
	id, _ := json.Marshal(i.id)
	answer := json.RawMessage(strings.NewReplacer("{id}", string(id[1:len(id)-1]),
		"{data_timeout_ms}", fmt.Sprint(i.limits.DataTimeoutMS)).Replace(s.TimedOut))
	b.output = func() json.RawMessage { return answer }
	return b
}

// planned returns the runner of one planned call of slot s.
func (i *instance) planned(s *SlotSpec, input json.RawMessage) func(p *Plan) (map[string]json.RawMessage, func() outcome) {
	return func(*Plan) (map[string]json.RawMessage, func() outcome) {
		var in map[string]json.RawMessage
		if s.Input != inputNone {
			in = map[string]json.RawMessage{s.Param: input}
		}
		text := s.argText(input)
		fn := i.slot(s.Offset)
		if s.Param2 != "" {
			_ = json.Unmarshal(input, &in)
		}
		return in, func() outcome {
			switch s.Call {
			case callTwoStringsToString, callStringToOptString, callStringOptToString:
				return i.backendCall(s, fn, input, text)
			case callStream:
				return i.executeStreaming(s, fn, input)
			case callCancel:
				return i.cancelStream(s, fn)
			case callStringToString:
				c := stringToStringCall.prepare()
				c.scalar(0, i.handle)
				i.lib.alloc.put(addrOf(c.aggregate(1)), text)
				c.call(fn)
				c.forget() // the plugin owns the argument now
				return i.answer(s, addrOf(c.sret))
			case callStringToVoid:
				c := stringToVoidCall.prepare()
				c.scalar(0, i.handle)
				i.lib.alloc.put(addrOf(c.aggregate(1)), text)
				c.call(fn)
				c.forget()
				return outcome{}
			case callBorrowToVoid:
				c := borrowToVoidCall.prepare()
				c.scalar(0, i.handle)
				c.borrow(1, text)
				c.call(fn)
				runtime.KeepAlive(text)
				return outcome{}
			case callU64ToString:
				c := u64ToStringCall.prepare()
				c.scalar(0, i.handle)
				c.scalar(1, uintptr(argU64(input)))
				c.call(fn)
				return i.answer(s, addrOf(c.sret))
			case callToString:
				c := manifestCall.prepare()
				c.scalar(0, i.handle)
				c.call(fn)
				return i.answer(s, addrOf(c.sret))
			case callToU8:
				// A u8 travels in the low byte of the result register; the rest is unspecified.
				return outcome{value: callWords(fn, i.handle) & 0xff}
			}
			if kc := kindCalls[s.Call]; kc != nil {
				return kc(i, s, fn, input)
			}
			panic(fmt.Sprintf("slot %s: unknown call shape %d", s.Name, s.Call))
		}
	}
}

// answer reads the RString slot s returned at addr, drops it through its own vtable, and judges
// it as the gateway's decoder would.
func (i *instance) answer(s *SlotSpec, addr uintptr) outcome {
	text, err := readString(addr)
	drop(addr)
	clear(wordsAt(addr))
	var o outcome
	refused := ""
	if s.Refuses {
		refused = "; the gateway refuses the load: it calls drop_instance and nothing else"
	}
	switch {
	case err != nil:
		o.violations = append(o.violations, fmt.Sprintf("%s returned %v%s", s.Name, err, refused))
		return o
	case text == "" && s.Refuses:
		o.violations = append(o.violations, fmt.Sprintf("%s.%s returned an empty string (the SDK's panic sentinel)%s", i.kind, s.Name, refused))
		o.value = ""
		return o
	case text == "" && !s.EmptyOK:
		// catch_panic_to_empty_rstring: the SDK's answer when the slot body panicked.
		o.panicked, o.value = true, ""
		return o
	}
	if uint64(len(text)) > payloadCap {
		switch {
		case s.Capped:
			instead := "a Storage error"
			if i.kind == "backend" {
				instead = "a Transport error"
			}
			o.violations = append(o.violations, fmt.Sprintf("%s.%s answered %d bytes, over ffi_limits.max_payload_bytes (%d): "+
				"the gateway refuses the answer (%s in its place)", i.kind, s.Name, len(text), payloadCap, instead))
		case s.Lenient != "" && i.kind == "backend" && s.Name != "audit_metadata":
			// backend caps its schemas, pages, candidates and capability sets too, with a fallback (not audit_metadata).
			o.warnings = append(o.warnings, fmt.Sprintf("%s.%s answered %d bytes, over ffi_limits.max_payload_bytes (%d): "+
				"the gateway reads %s instead", i.kind, s.Name, len(text), payloadCap, s.Lenient))
		default:
			o.warnings = append(o.warnings, payloadNote(s.Name+"'s answer", len(text)))
		}
	}
	if text == "" { // EmptyOK: nothing to decode (render: nothing to expose; describe: null)
		o.value = text
		return o
	}
	if s.Answer != nil {
		if problem := checkJSON(text, s.Answer); problem != "" && s.Lenient != "" {
			o.warnings = append(o.warnings, fmt.Sprintf("%s.%s answered %s, which the gateway's decoder refuses (it reads %s instead): %s",
				i.kind, s.Name, clip(text), s.Lenient, problem))
		} else if problem != "" {
			o.violations = append(o.violations, fmt.Sprintf("%s.%s answered %s, which the gateway's decoder refuses: %s%s",
				i.kind, s.Name, clip(text), problem, refused))
		}
	}
	if out, err := serdejson.Reencode(text); err == nil {
		o.value = json.RawMessage(out)
	} else {
		o.value = text
	}
	return o
}
