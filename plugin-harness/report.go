package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
)

// printReport prints the reference test's human report — the loaded plugin, "→ <slot>" and the
// decision as pretty JSON per call, "✓ vtable contract respected." — plus what the reference does
// not show: host calls, violations, timings and a failure's reason.
func printReport(w io.Writer, r *report) {
	if r.Plugin == nil {
		return // refused before it loaded: the error line says why
	}
	if p := r.Plugin; p != nil {
		fmt.Fprintln(w, "Plugin loaded:")
		fmt.Fprintf(w, "  id:            %s\n", p.ID)
		fmt.Fprintf(w, "  version:       %s\n", p.Version)
		fmt.Fprintf(w, "  name:          %s\n", p.Name)
		fmt.Fprintf(w, "  protocol:      %s\n", p.ProtocolVersion)
		fmt.Fprintf(w, "  class:         %s\n", p.Class)
		fmt.Fprintf(w, "  runtime:       %s\n", p.Runtime)
		fmt.Fprintf(w, "  trust:         %s\n", r.Trust)
		fmt.Fprintf(w, "  sha256:        %s\n", r.SHA256)
		if r.Registration != nil {
			fmt.Fprintf(w, "  abi:           %d (layout %d bytes, %s)\n", r.Registration.ABIVersion, r.Registration.Layout.Size,
				orNone(r.Registration.Layout.PackageAndVersion))
		}
		if r.Wasm != nil {
			fmt.Fprintf(w, "  engine:        wazero %s\n", r.Wasm.Engine)
			l := r.Wasm.Limits
			fmt.Fprintf(w, "  limits:        memory %d MiB, fuel %d, timeout %d ms a call (plugins[].limits)\n", l.MemoryMB, l.Fuel, l.TimeoutMS)
		}
		fmt.Fprintf(w, "  entities:      %s\n", strings.Join(p.Entities, ", "))
		fmt.Fprintf(w, "  capabilities:  %s\n", orNone(strings.Join(p.Capabilities, ", ")))
		if ns, ok := r.LoadNanos["dlopen_register"]; ok {
			fmt.Fprintf(w, "  load:          %s (dlopen + register)\n", duration(ns))
		}
	}
	for _, c := range r.Calls {
		if c.Purpose != "" || !shownSlot(c.Slot) {
			printHostCalls(w, c)
			printViolations(w, c)
			continue
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "→ %s%s\n", c.Slot, callNote(c))
		if len(c.Output) > 0 && string(c.Output) != "null" {
			fmt.Fprintln(w, pretty(c.Output))
		}
		printHostCalls(w, c)
		printViolations(w, c)
		if t := c.Timing; t != nil {
			fmt.Fprintf(w, "  timing: %d runs, median %s (min %s, mean %s, max %s)\n", t.Runs,
				duration(t.MedianNS), duration(t.MinNS), duration(t.MeanNS), duration(t.MaxNS))
		}
	}
	fmt.Fprintln(w)
	switch r.Status {
	case statusPassed:
		fmt.Fprintln(w, "✓ vtable contract respected.")
	case statusUnsupported:
		if r.Note != "" {
			fmt.Fprintf(w, "! %s.\n", r.Note)
		}
	default:
		fmt.Fprintf(w, "✗ vtable contract not respected: %s\n", strings.TrimPrefix(r.Failure, r.Package+": "))
	}
	if r.Wasm != nil {
		for _, n := range r.Wasm.Notes {
			fmt.Fprintf(w, "! %s\n", n)
		}
	}
	if r.PluginStdout != "" {
		fmt.Fprintf(w, "\nplugin stdout:\n%s\n", indent(r.PluginStdout))
	}
	if r.PluginStderr != "" {
		fmt.Fprintf(w, "\nplugin stderr:\n%s\n", indent(r.PluginStderr))
	}
}

// shownSlot: make, manifest_json, shutdown and drop_instance are reported only when something
// happened in them; the class calls always are.
func shownSlot(slot string) bool {
	switch slot {
	case "make", "manifest_json", "manifest", "shutdown", "drop_instance":
		return false
	}
	return true
}

// callNote is what the call line adds to the slot: the inputs worth seeing, and the fuel a Wasm
// call used.
func callNote(c *native.Call) string {
	if c.FuelUsed != nil {
		return inputNote(c) + fmt.Sprintf("  [fuel %d]", *c.FuelUsed)
	}
	return inputNote(c)
}

func inputNote(c *native.Call) string {
	var in map[string]json.RawMessage = c.Inputs
	switch c.Slot {
	case "evaluate_post_dispatch":
		return fmt.Sprintf(" (result=%s, duration=%sms)", clipJSON(in["result"]), in["execution_duration_ms"])
	case "transform_result":
		return fmt.Sprintf(" (result=%s)", clipJSON(in["result"]))
	case "resolve_identity":
		var headers [][2]string
		_ = json.Unmarshal(in["headers"], &headers)
		return fmt.Sprintf("  (headers: %d)", len(headers))
	}
	if len(in) == 1 { // a planned call's one argument, when it is short: a reference, an id, timeout_ms
		for k, v := range in {
			if len(v) > 0 && (v[0] == '"' || v[0] >= '0' && v[0] <= '9') {
				return fmt.Sprintf(" (%s=%s)", k, clipJSON(v))
			}
		}
	}
	return ""
}

func printHostCalls(w io.Writer, c *native.Call) {
	for _, h := range c.HostCalls {
		var args []string
		for _, k := range slices.Sorted(maps.Keys(h.Args)) {
			args = append(args, fmt.Sprintf("%s=%s", k, quoteClip(h.Args[k])))
		}
		line := fmt.Sprintf("  ↳ host %s(%s)", h.Slot, strings.Join(args, ", "))
		if h.Answer != "" {
			line += " → " + clip(h.Answer, 160)
		}
		if h.Canned {
			line += "  [canned]"
		}
		if h.Thread != "" {
			line += "  [from a plugin thread]"
		}
		if c.Purpose == "" && !shownSlot(c.Slot) {
			line += "  [in " + c.Slot + "]"
		}
		fmt.Fprintln(w, line)
	}
}

func printViolations(w io.Writer, c *native.Call) {
	for _, v := range c.Violations {
		fmt.Fprintf(w, "  ✗ %s\n", v)
	}
	if c.Panicked {
		fmt.Fprintf(w, "  ✗ the plugin panicked during %s (the SDK's panic sentinel)\n", c.Slot)
	}
	if c.TimedOut {
		if len(c.Output) == 0 || string(c.Output) == "null" {
			fmt.Fprintf(w, "  ✗ %s overran ffi_limits.%s: the gateway drops the call's record\n", c.Slot, budgetOf(c))
		} else {
			fmt.Fprintf(w, "  ✗ %s overran ffi_limits.%s: the decision above is the gateway's, not the plugin's\n", c.Slot, budgetOf(c))
		}
	}
	for _, v := range c.Warnings {
		fmt.Fprintf(w, "  ! %s\n", v)
	}
}

// pretty prints JSON like serde_json::to_string_pretty: two-space indent, "key": value.
func pretty(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return string(raw)
	}
	return b.String()
}

func clipJSON(raw json.RawMessage) string { return clip(string(raw), 60) }

func quoteClip(s string) string {
	b, _ := json.Marshal(clip(s, 80))
	return string(b)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

func duration(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%d ns", ns)
	case d < time.Millisecond:
		return fmt.Sprintf("%.2f µs", float64(ns)/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.2f ms", float64(ns)/1e6)
	}
	return d.Round(time.Millisecond).String()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
