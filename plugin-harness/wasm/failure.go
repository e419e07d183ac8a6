package wasm

// Why a call did not return a value, in the words the gateway puts into its decision.
//
// The gateway prints a Wasmtime error with `{e}`, which shows only its outermost message. For
// anything that went wrong while guest code ran (a trap, a host function's error, fuel, the epoch
// deadline) that message is the WasmBacktrace Wasmtime attached: "error while executing at wasm
// backtrace:" and up to 20 frames, innermost first, each "  N: 0xOFFSET - module!function"
// (mcpg-plugin-host src/wasm.rs wm_context; wasmtime runtime/trap.rs). Errors of the canonical
// ABI itself (lowering, lifting) have no frames and print as themselves.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tetratelabs/wazero/sys"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/cabi"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/wasip2"
)

// Failure kinds.
const (
	kindTrap    = "trap"    // the guest trapped (or a host function failed inside it)
	kindFuel    = "fuel"    // the guest ran out of fuel (fuel.go)
	kindGuard   = "guard"   // the harness's guard stopped a guest that outlived it: the gateway's deadline would have
	kindTimeout = "timeout" // the gateway's backstop (timeout_ms + 100 ms) fired: a guest blocked in the host
	kindError   = "error"   // the canonical ABI refused a value, or instantiation failed
	kindAbort   = "abort"   // Wasmtime itself would fail: no decision to compare
)

// failure is one call's failure.
type failure struct {
	kind string
	// text is what `{e}` of the error prints at the gateway.
	text string
	// root is the root cause, for people (Wasmtime's trap message where there is one).
	root string
	// note explains where the harness's text is not the gateway's.
	note string
}

// maxBacktraceFrames is Wasmtime's default cap on the frames of a backtrace (Config::
// wasm_backtrace_max_frames, 20).
const maxBacktraceFrames = 20

// wazeroTraps maps wazero's runtime errors to Wasmtime's trap messages.
var wazeroTraps = map[string]string{
	"unreachable":                   "wasm `unreachable` instruction executed",
	"stack overflow":                "call stack exhausted",
	"out of bounds memory access":   "out of bounds memory access",
	"invalid table access":          "undefined element: out of bounds table access",
	"integer divide by zero":        "integer divide by zero",
	"integer overflow":              "integer overflow",
	"invalid conversion to integer": "invalid conversion to integer",
	"indirect call type mismatch":   "indirect call type mismatch",
	"uninitialized element":         "uninitialized element",
	"unaligned atomic":              "unaligned atomic",
	"null reference":                "null reference",
}

// classify turns an error of a call (instantiation, lowering, the guest, lifting, post-return)
// into a failure. stoppedBy is why the call's context ended, if it did.
func (p *program) classify(err error, stoppedBy error) *failure {
	var blocked *wasip2.BlockedError
	var exit *sys.ExitError
	var abort *wasip2.AbortError
	var ctrap *cabi.Trap
	if p.cur != nil {
		if at, outOfFuel, ok := p.cur.fuel.trapped(); ok {
			if !outOfFuel {
				return p.guardFailure(stoppedBy)
			}
			return p.fuelFailure(err, at)
		}
	}
	if f := p.boundsFailure(err); f != nil { // a table.grow the harness bounds, a data segment (tables.go)
		return f
	}
	switch {
	case errors.As(err, &abort):
		return &failure{kind: kindAbort, text: abort.Msg, root: abort.Msg,
			note: "Wasmtime itself fails here; the gateway process would not survive the call"}
	case errors.As(err, &blocked) && blocked.Cause == nil:
		return &failure{kind: kindTimeout, text: "timed out", root: blocked.Error()}
	case errors.As(err, &exit) && (exit.ExitCode() == sys.ExitCodeDeadlineExceeded || exit.ExitCode() == sys.ExitCodeContextCanceled),
		errors.As(err, &blocked), stoppedBy != nil:
		return p.guardFailure(stoppedBy)
	case errors.As(err, &ctrap) && !strings.Contains(err.Error(), wazeroStackTrace):
		return &failure{kind: kindError, text: ctrap.Message, root: ctrap.Explain()}
	}
	msg := err.Error()
	i := strings.Index(msg, wazeroStackTrace)
	if i < 0 {
		return &failure{kind: kindError, text: msg, root: msg}
	}
	root := rootCause(msg[:i])
	frames := p.parseFrames(msg[i+len(wazeroStackTrace):], root, nil)
	if len(frames) == 0 {
		return &failure{kind: kindTrap, text: root, root: root}
	}
	f := &failure{kind: kindTrap, text: renderBacktrace(frames), root: root}
	for _, fr := range frames {
		if fr.offset < 0 {
			f.note = "a frame's code offset could not be worked out from the module (Wasmtime prints one)"
			break
		}
	}
	return f
}

const wazeroStackTrace = "\nwasm stack trace:\n"

// rootCause is Wasmtime's text for what wazero reports before its stack trace: a trap
// ("wasm error: unreachable"), or a host function's error ("… (recovered by wazero)").
func rootCause(head string) string {
	if rest, ok := strings.CutPrefix(head, "wasm error: "); ok {
		if m, ok := wazeroTraps[rest]; ok {
			return "wasm trap: " + m
		}
		return "wasm trap: " + rest
	}
	return strings.TrimSuffix(head, " (recovered by wazero)")
}

// fuelOutMessage is Wasmtime's trap when a fuel check fails.
const fuelOutMessage = "wasm trap: all fuel consumed by WebAssembly"

// fuelFailure is a call that ran out of fuel: a check failed at offset at of the innermost
// function's module (-1: not known) and executed its `unreachable`; the frames below are wazero's.
func (p *program) fuelFailure(err error, at int64) *failure {
	msg := err.Error()
	i := strings.Index(msg, wazeroStackTrace)
	if i < 0 {
		return &failure{kind: kindFuel, text: "error while executing at wasm backtrace:", root: fuelOutMessage,
			note: "the frames of the backtrace could not be read from wazero's error: " + msg}
	}
	frames := p.parseFrames(msg[i+len(wazeroStackTrace):], fuelOutMessage, &at)
	f := &failure{kind: kindFuel, text: renderBacktrace(frames), root: fuelOutMessage}
	for _, fr := range frames {
		if fr.offset < 0 {
			f.note = "a frame's code offset could not be worked out from the module (Wasmtime prints one)"
			break
		}
	}
	return f
}

// guardFailure is a call the harness stopped. The gateway stops a guest that runs this long by
// its epoch deadline (with fuel raised far enough that fuel does not stop it first), a trap whose
// backtrace shows where the guest was; wazero does not say where it stopped it.
func (p *program) guardFailure(cause error) *failure {
	why := "the call's context ended"
	if cause != nil {
		why = cause.Error()
	}
	return &failure{kind: kindGuard, text: "error while executing at wasm backtrace:", root: "stopped by the harness: " + why,
		note: "the harness stopped a guest that ran past its guard; the gateway stops such a guest by its epoch deadline " +
			"(timeout_ms) with this decision, and its message goes on with the frames where the guest was, which wazero does not report"}
}

// frame is one line of a Wasmtime backtrace.
type frame struct {
	module string // the name section's module name, or "<unknown>"
	name   string // the function's name, or "<wasm function N>"
	offset int64  // the instruction's offset in the core module; -1 when not known
}

func renderBacktrace(frames []frame) string {
	var b strings.Builder
	b.WriteString("error while executing at wasm backtrace:")
	for i, f := range frames {
		fmt.Fprintf(&b, "\n  %3d: ", i)
		if f.offset >= 0 {
			fmt.Fprintf(&b, "%8s - ", "0x"+strconv.FormatInt(f.offset, 16))
		}
		b.WriteString(f.module + "!" + f.name)
	}
	return b.String()
}

// frameSite is a guest function as wazero names it in a stack trace.
type frameSite struct {
	inst  int
	index uint32
}

// indexFrames records the debug names wazero gives the functions of core instance ci: its name
// section's module name, a dot, and the function's name or "$index".
func (p *program) indexFrames(ci *coreInst) {
	idx := len(p.insts) - 1
	for fi, name := range ci.names.funcs {
		key := ci.names.module + "." + name
		if _, dup := p.frames[key]; !dup {
			p.frames[key] = frameSite{inst: idx, index: fi}
		}
	}
}

// signatureSuffix matches the "(params) results" wazero appends to a frame's function name.
var signatureSuffix = regexp.MustCompile(`\((?:[a-z0-9]+(?:,[a-z0-9]+)*)?\)(?: [a-z0-9]+| \([a-z0-9]+(?:,[a-z0-9]+)*\))?$`)

// parseFrames reads wazero's stack trace (innermost first) into Wasmtime's frames: guest
// functions only (host functions and the harness's markers do not appear in Wasmtime's), at most
// maxBacktraceFrames. fuelAt, for a fuel trap, is where the innermost frame was.
func (p *program) parseFrames(trace, root string, fuelAt *int64) []frame {
	var out []frame
	var prev *frameSite // the guest function called from the frame being read
	hostCallee := ""    // or the host function it called
	var pending *mark   // or the marker it went through, which names the site exactly
	pendingInst := -1
	for _, line := range strings.Split(trace, "\n") {
		if !strings.HasPrefix(line, "\t") {
			break
		}
		if strings.HasPrefix(line, "\t\t") || strings.HasPrefix(line, "\t...") {
			continue // source lines, or wazero's "maybe followed by omitted frames"
		}
		text := strings.TrimPrefix(line, "\t")
		loc := signatureSuffix.FindStringIndex(text)
		if loc == nil {
			continue
		}
		debugName := text[:loc[0]]
		if what, ok := strings.CutPrefix(debugName, hostModuleName+"."); ok {
			hostCallee, prev, pending = what, nil, nil
			continue
		}
		site, ok := p.site(debugName)
		if !ok {
			prev, hostCallee, pending = nil, "", nil
			continue
		}
		in := p.insts[site.inst]
		if m, ok := in.marks.marker(site.index); ok {
			pending, pendingInst = &m, site.inst
			continue
		}
		if len(out) == maxBacktraceFrames {
			break
		}
		f := frame{module: "<unknown>", name: fmt.Sprintf("<wasm function %d>", site.index), offset: -1}
		if in.names.hasModule {
			f.module = in.names.module
		}
		if n, ok := in.names.funcs[site.index]; ok {
			f.name = n
		}
		switch {
		case pending != nil && pendingInst == site.inst:
			f.offset = in.index().siteOf(site.index, *pending)
		case len(out) == 0 && hostCallee == "" && prev == nil && fuelAt != nil:
			f.offset = *fuelAt
		case len(out) == 0 && hostCallee == "" && prev == nil:
			f.offset = in.index().trapSite(site.index, root)
		case prev != nil && prev.inst == site.inst:
			callee := prev.index
			f.offset = in.index().callSite(site.index, func(c uint32) bool { return c == callee })
		default:
			f.offset = in.index().callSite(site.index, p.importTest(site.inst, prev, hostCallee))
		}
		if f.offset >= 0 {
			f.offset += in.offset
		}
		out = append(out, f)
		s := site
		prev, hostCallee, pending = &s, "", nil
	}
	return out
}

// site finds the guest function a debug name ("module.function" or "module.$N") refers to.
func (p *program) site(debugName string) (frameSite, bool) {
	if s, ok := p.frames[debugName]; ok {
		return s, true
	}
	dot := strings.LastIndex(debugName, ".$")
	if dot < 0 {
		return frameSite{}, false
	}
	n, err := strconv.ParseUint(debugName[dot+2:], 10, 32)
	if err != nil {
		return frameSite{}, false
	}
	module := debugName[:dot]
	for i, in := range p.insts {
		if in.names.module == module {
			if _, named := in.names.funcs[uint32(n)]; !named {
				return frameSite{inst: i, index: uint32(n)}, true
			}
		}
	}
	return frameSite{}, false
}

// importTest says whether a function index of core instance inst is the import through which
// the call went to callee (a function of another instance) or to the host function hostCallee.
func (p *program) importTest(inst int, callee *frameSite, hostCallee string) func(uint32) bool {
	in := p.insts[inst]
	return func(fn uint32) bool {
		if int(fn) >= len(in.index().imports) || in.index().imports[fn].ordinal >= len(in.args) {
			return false
		}
		target := in.args[in.index().imports[fn].ordinal]
		if hostCallee != "" {
			for _, h := range p.hostFns {
				if h.what == hostCallee && target.kind == argHost && target.name == h.field {
					return true
				}
			}
			return false
		}
		if callee == nil || target.kind != argExport || target.inst != callee.inst {
			return false
		}
		exported, ok := p.insts[callee.inst].index().exports[target.name]
		return ok && exported == callee.index
	}
}

// contextCause is why ctx ended, for a failure's explanation.
func contextCause(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	return context.Cause(ctx)
}
