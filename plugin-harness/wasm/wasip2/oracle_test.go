package wasip2

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

// The differential test: one generated component imports every function this package links,
// lowers each into a core module that calls it with raw core arguments, and reports what the
// call left in guest memory. Wasmtime 44 (wasmtime-py, with Linker.add_wasip2 and a default
// WasiConfig, as the gateway's WasiCtxBuilder::new()) runs the component; this package runs the
// same core modules on wazero; every step of every case must give the same bytes or the same
// trap. It needs wasmtime-py 44: $MCPG_WASM_ORACLE_PYTHON, or .tools/wasm-oracle-venv/bin/python.

const oraclePy = `
import json, sys, wasmtime
from wasmtime import component as c
req = json.load(sys.stdin)
engine = wasmtime.Engine()
out = {"cores": {k: bytes(wasmtime.wat2wasm(v)).hex() for k, v in req["cores"].items()}, "results": []}
comp = c.Component(engine, req["component"])
linker = c.Linker(engine)
linker.add_wasip2()
def cause(ex):
    s = str(ex)
    if "Caused by:" in s:
        s = s.rsplit("Caused by:", 1)[1]
    return s.strip().splitlines()[0].strip() if s.strip() else repr(ex)
for case in req["cases"]:
    store = wasmtime.Store(engine)
    store.set_wasi(wasmtime.WasiConfig())
    inst = linker.instantiate(store, comp)
    call = inst.get_func(store, "call")
    steps = []
    for fn, args in case:
        try:
            r = call(store, fn, args)
            call.post_return(store)
            steps.append({"out": bytes(r).hex()})
        except Exception as ex:
            steps.append({"trap": cause(ex)})
            break
    out["results"].append(steps)
json.dump(out, sys.stdout)
`

// step is one call of a case: the function ("interface name") and its core arguments.
type step struct {
	f    string
	args []uint64
	// cmp says how much of the output must match: "" all of it, "trap" only whether it trapped
	// and how (the output holds clock readings or random bytes).
	cmp string
}

func s(f string, args ...uint64) step         { return step{f: f, args: args} }
func sTrapOnly(f string, args ...uint64) step { return step{f: f, args: args, cmp: "trap"} }

const rp = retptr // 1024, inside the reported window

func oracleCases() [][]step {
	out, in, p := "wasi:cli/stdout get-stdout", "wasi:cli/stdin get-stdin", "wasi:io/poll "
	w := "wasi:io/streams [method]output-stream."
	r := "wasi:io/streams [method]input-stream."
	tcp := "wasi:sockets/tcp [method]tcp-socket."
	udp := "wasi:sockets/udp [method]udp-socket."
	addr4 := []uint64{0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0}
	addr6 := []uint64{1, 53, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}
	with := func(head []uint64, mid []uint64, tail ...uint64) []uint64 {
		return append(append(append([]uint64{}, head...), mid...), tail...)
	}
	return [][]step{
		// stdout and stderr: handles, writes, check-write, the 4096 limit.
		{s(out), s("wasi:cli/stderr get-stderr"), s(out), s(w+"write", 1, 0, 16, rp), s(w+"check-write", 2, rp),
			s(w+"blocking-write-and-flush", 1, 0, 4096, rp), s(w+"flush", 1, rp), s(w+"blocking-flush", 1, rp),
			s(w+"write-zeroes", 1, 100, rp), s(w+"blocking-write-zeroes-and-flush", 1, 4096, rp),
			s(w+"blocking-write-and-flush", 1, 0, 4097, rp)},
		{s(out), s(w+"blocking-write-zeroes-and-flush", 1, 4097, rp)},
		{s(out), s(w+"write", 1, 0, 1<<20, rp)},
		// stdin is closed; splices.
		{s(in), s(r+"read", 1, 5, rp), s(r+"read", 1, 0, rp), s(r+"blocking-read", 1, 0, rp), s(r+"blocking-read", 1, 1<<40, rp),
			s(r+"skip", 1, 3, rp), s(r+"blocking-skip", 1, 3, rp), s(r+"subscribe", 1), s(p+"[method]pollable.ready", 2),
			s(p+"[method]pollable.block", 2), s(out), s(w+"splice", 3, 1, 10, rp), s(w+"blocking-splice", 3, 1, 0, rp),
			s(w+"splice", 3, 3, 10, rp)},
		// Handle rules.
		{s(out), s(out), s(out), s("wasi:io/streams [resource-drop]output-stream", 2), s(out), s(out),
			s("wasi:io/streams [resource-drop]output-stream", 2), s("wasi:io/streams [resource-drop]output-stream", 2)},
		{s(out), s(w+"subscribe", 1), s("wasi:io/streams [resource-drop]output-stream", 1)},
		{s(out), s(w+"subscribe", 1), s(p+"[resource-drop]pollable", 2), s("wasi:io/streams [resource-drop]output-stream", 1), s(out)},
		{s(out), s(r+"read", 1, 1, rp)},
		{s(out), s(p+"[resource-drop]pollable", 1)},
		{s(w+"write", 0, 0, 0, rp)},
		{s(in), s("wasi:io/streams [resource-drop]input-stream", 1), s(r+"read", 1, 1, rp)},
		// Poll.
		{s(p+"poll", 4096, 0, rp)},
		{s("wasi:clocks/monotonic-clock subscribe-duration", 0), s(out), s(w+"subscribe", 2),
			s(p+"poll", 1016, 2, rp), s(p+"[method]pollable.ready", 1), s(p+"[method]pollable.block", 3)},
		{s(out), s(p+"poll", 4098, 1, rp)},
		{s(out), s(p+"poll", 262140, 2, rp)},
		// Clocks and random: only the shape is deterministic.
		{s("wasi:clocks/monotonic-clock resolution"), s("wasi:clocks/wall-clock resolution", rp),
			sTrapOnly("wasi:clocks/monotonic-clock now"), sTrapOnly("wasi:clocks/wall-clock now", rp),
			sTrapOnly("wasi:clocks/monotonic-clock subscribe-instant", 0), s(p+"[method]pollable.ready", 1),
			sTrapOnly("wasi:random/random get-random-bytes", 0, rp), sTrapOnly("wasi:random/random get-random-bytes", 33, rp),
			sTrapOnly("wasi:random/random get-random-u64"), sTrapOnly("wasi:random/insecure get-insecure-random-bytes", 7, rp),
			sTrapOnly("wasi:random/insecure get-insecure-random-u64"), sTrapOnly("wasi:random/insecure-seed insecure-seed", rp),
			s("wasi:random/random get-random-bytes", 64<<20+1, rp)},
		{s("wasi:random/insecure get-insecure-random-bytes", 1<<40, rp)},
		// cli.
		{s("wasi:cli/environment get-environment", rp), s("wasi:cli/environment get-arguments", rp),
			s("wasi:cli/environment initial-cwd", rp), s("wasi:cli/terminal-stdin get-terminal-stdin", rp),
			s("wasi:cli/terminal-stdout get-terminal-stdout", rp), s("wasi:cli/terminal-stderr get-terminal-stderr", rp),
			s("wasi:filesystem/preopens get-directories", rp), s("wasi:cli/terminal-output [resource-drop]terminal-output", 1)},
		{s("wasi:cli/exit exit", 0)},
		{s("wasi:cli/exit exit", 1)},
		{s("wasi:cli/exit exit", 2)},
		// Filesystem: nothing to hold.
		{s(out), s("wasi:filesystem/types [method]descriptor.stat", 1, rp)},
		{s("wasi:filesystem/types [method]descriptor.open-at", 3, 0, 0, 0, 0, 0, rp)},
		{s("wasi:filesystem/types filesystem-error-code", 1, rp)},
		{s(out), s("wasi:filesystem/types [resource-drop]descriptor", 1)},
		// TCP.
		{s("wasi:sockets/instance-network instance-network"), s("wasi:sockets/tcp-create-socket create-tcp-socket", 0, rp),
			s(tcp+"start-connect", with([]uint64{2, 1}, addr4, rp)...), s(tcp+"start-bind", with([]uint64{2, 1}, addr4, rp)...),
			s(tcp+"finish-connect", 2, rp), s(tcp+"finish-bind", 2, rp), s(tcp+"start-listen", 2, rp),
			s(tcp+"finish-listen", 2, rp), s(tcp+"accept", 2, rp), s(tcp+"local-address", 2, rp),
			s(tcp+"remote-address", 2, rp), s(tcp+"is-listening", 2), s(tcp+"address-family", 2),
			s(tcp+"shutdown", 2, 2, rp), s(tcp+"keep-alive-enabled", 2, rp), s(tcp+"keep-alive-idle-time", 2, rp),
			s(tcp+"keep-alive-interval", 2, rp), s(tcp+"keep-alive-count", 2, rp), s(tcp+"hop-limit", 2, rp),
			s(tcp+"receive-buffer-size", 2, rp), s(tcp+"send-buffer-size", 2, rp),
			s(tcp+"set-keep-alive-enabled", 2, 7, rp), s(tcp+"keep-alive-enabled", 2, rp),
			s(tcp+"set-keep-alive-idle-time", 2, 1500000000, rp), s(tcp+"keep-alive-idle-time", 2, rp),
			s(tcp+"set-keep-alive-idle-time", 2, 1, rp), s(tcp+"keep-alive-idle-time", 2, rp),
			s(tcp+"set-keep-alive-idle-time", 2, 0, rp),
			s(tcp+"set-keep-alive-interval", 2, 1<<62, rp), s(tcp+"keep-alive-interval", 2, rp),
			s(tcp+"set-keep-alive-count", 2, 1000, rp), s(tcp+"keep-alive-count", 2, rp), s(tcp+"set-keep-alive-count", 2, 0, rp),
			s(tcp+"set-hop-limit", 2, 256, rp), s(tcp+"set-hop-limit", 2, 9, rp), s(tcp+"hop-limit", 2, rp),
			s(tcp+"set-receive-buffer-size", 2, 10, rp), s(tcp+"receive-buffer-size", 2, rp),
			s(tcp+"set-receive-buffer-size", 2, 50000, rp), s(tcp+"receive-buffer-size", 2, rp),
			s(tcp+"set-receive-buffer-size", 2, 1<<40, rp), s(tcp+"receive-buffer-size", 2, rp),
			s(tcp+"set-send-buffer-size", 2, 10, rp), s(tcp+"send-buffer-size", 2, rp),
			s(tcp+"set-send-buffer-size", 2, 50000, rp), s(tcp+"send-buffer-size", 2, rp),
			s(tcp+"set-listen-backlog-size", 2, 0, rp), s(tcp+"set-listen-backlog-size", 2, 1<<40, rp),
			s(tcp+"subscribe", 2), s(p+"[method]pollable.ready", 3), s(p+"[resource-drop]pollable", 3),
			s("wasi:sockets/tcp [resource-drop]tcp-socket", 2), s("wasi:sockets/network [resource-drop]network", 1)},
		{s("wasi:sockets/instance-network instance-network"), s("wasi:sockets/tcp-create-socket create-tcp-socket", 1, rp),
			s(tcp+"address-family", 2), s(tcp+"hop-limit", 2, rp), s(tcp+"start-connect", with([]uint64{2, 1}, addr6, rp)...),
			s(tcp+"start-connect", with([]uint64{2, 1}, addr4, rp)...)},
		{s("wasi:sockets/tcp-create-socket create-tcp-socket", 2, rp)},
		{s("wasi:sockets/instance-network instance-network"), s("wasi:sockets/tcp-create-socket create-tcp-socket", 0, rp),
			s(tcp+"start-connect", with([]uint64{2, 1, 5}, addr4[1:], rp)...)},
		{s("wasi:sockets/instance-network instance-network"), s("wasi:sockets/tcp-create-socket create-tcp-socket", 0, rp),
			s(tcp+"start-connect", with([]uint64{2, 2}, addr4, rp)...)},
		{s("wasi:sockets/instance-network instance-network"), s("wasi:sockets/tcp-create-socket create-tcp-socket", 0, rp),
			s(tcp+"shutdown", 2, 3, rp)},
		// UDP.
		{s("wasi:sockets/instance-network instance-network"), s("wasi:sockets/udp-create-socket create-udp-socket", 1, rp),
			s(udp+"start-bind", with([]uint64{2, 1}, addr6, rp)...), s(udp+"finish-bind", 2, rp),
			s(udp+"stream", with([]uint64{2, 1}, addr6, rp)...), s(udp+"stream", with([]uint64{2, 0}, addr6, rp)...),
			s(udp+"local-address", 2, rp), s(udp+"remote-address", 2, rp), s(udp+"address-family", 2),
			s(udp+"unicast-hop-limit", 2, rp), s(udp+"set-unicast-hop-limit", 2, 0, rp), s(udp+"set-unicast-hop-limit", 2, 3, rp),
			s(udp+"unicast-hop-limit", 2, rp), s(udp+"receive-buffer-size", 2, rp), s(udp+"send-buffer-size", 2, rp),
			s(udp+"set-send-buffer-size", 2, 1<<30, rp), s(udp+"send-buffer-size", 2, rp),
			s(udp+"subscribe", 2), s(p+"[method]pollable.ready", 3)},
		{s("wasi:sockets/instance-network instance-network"), s("wasi:sockets/udp-create-socket create-udp-socket", 0, rp),
			s(udp+"stream", with([]uint64{2, 2}, addr6, rp)...)},
		{s("wasi:sockets/instance-network instance-network"), s("wasi:sockets/udp-create-socket create-udp-socket", 0, rp),
			s("wasi:sockets/udp [method]outgoing-datagram-stream.send", 2, 4096, 1, rp)},
		// Lifting and the return area.
		{s(out), s(w+"check-write", 1, rp+2)},
		{s(out), s(w+"check-write", 1, 262136)},
		{s(out), s(w+"check-write", 1, 1<<32-8)},
		{s(out), s(w+"write", 1, 0, 16, rp+1)},
		{s(out), s(w+"write", 1, 262140, 8, rp)},
		{s(out), s(w+"write", 1, 1<<32-1, 1<<32-1, rp)},
		{s(out), s(w+"write", 1, 0, 0, rp)},
		{s("wasi:sockets/instance-network instance-network"), s("wasi:sockets/ip-name-lookup resolve-addresses", 1, 262140, 8, rp)},
		{s(out), s(w+"subscribe", 1), s(w+"subscribe", 1), s(p+"poll", 1016, 2, rp)},
		// 200 ms: long enough that a loaded machine still polls before it passes (5 ms did not).
		{s(out), s("wasi:clocks/monotonic-clock subscribe-duration", 200_000_000), s(w+"subscribe", 1),
			s(p+"poll", 1016, 2, rp), s(p+"[method]pollable.block", 2), s(p+"[method]pollable.ready", 2)},
		{s("wasi:cli/exit exit", 1<<32)},
		{s("wasi:sockets/tcp-create-socket create-tcp-socket", 1<<32, rp)},
		{s("wasi:random/random get-random-bytes", 0, rp), s("wasi:random/random get-random-bytes", 0, rp)},
		// (write-zeroes of 1<<62 bytes aborts Wasmtime itself: see zeroesLimit.)
		{s(out), s(w+"write-zeroes", 1, 1<<20, rp), s(w+"check-write", 1, rp)},
	}
}

// pollCase is a case whose poll list the runner writes at 2048 first.
type pollCase struct {
	mem   []byte
	steps []step
}

func handles(hs ...uint32) []byte {
	b := make([]byte, 4*len(hs))
	for i, h := range hs {
		binary.LittleEndian.PutUint32(b[4*i:], h)
	}
	return b
}

// pollCases check poll's result order (by the watched resource's host key) and its treatment
// of duplicates and of resources dropped and recreated (freed keys are reused).
func pollCases() []pollCase {
	out, err := "wasi:cli/stdout get-stdout", "wasi:cli/stderr get-stderr"
	sub := "wasi:io/streams [method]output-stream.subscribe"
	dur := "wasi:clocks/monotonic-clock subscribe-duration"
	poll := "wasi:io/poll poll"
	dropOut := "wasi:io/streams [resource-drop]output-stream"
	dropP := "wasi:io/poll [resource-drop]pollable"
	return []pollCase{
		// streams 1, 2; pollables 3 (of 2), 4 (of 1): ready in key order, so [1, 0].
		{handles(3, 4), []step{s(out), s(err), s(sub, 2), s(sub, 1), s(poll, 2048, 2, rp)}},
		{handles(4, 3, 4, 3), []step{s(out), s(err), s(sub, 2), s(sub, 1), s(poll, 2048, 4, rp)}},
		// sleeps: a deadline entry then the pollable; a past sleep and a stream.
		{handles(2, 3), []step{s(out), s(dur, 0), s(sub, 1), s(poll, 2048, 2, rp)}},
		{handles(3, 2), []step{s(out), s(dur, 0), s(sub, 1), s(poll, 2048, 2, rp)}},
		{handles(2, 3), []step{s(out), s(dur, 3000000), s(sub, 1), s(poll, 2048, 2, rp)}},
		{handles(2, 3), []step{s(dur, 2000000), s(dur, 1000000), s(poll, 2048, 2, rp)}},
		// Freed host keys come back most recent first; poll order follows the keys.
		{handles(3, 4), []step{s(out), s(err), s(dropOut, 1), s(dur, 0), s(sub, 2), s(poll, 2048, 2, rp)}},
		{handles(1, 4), []step{s(out), s(dur, 0), s(dropP, 2), s(err), s(out), s(sub, 3), s(sub, 2),
			s(poll, 2048, 1, rp), s("wasi:io/poll [method]pollable.ready", 4)}},
		{handles(2, 9), []step{s(out), s(dur, 0), s(poll, 2048, 2, rp)}},
		{handles(2, 1), []step{s(out), s(dur, 0), s(poll, 2048, 2, rp)}},
	}
}

// lookupNames are the names resolve-addresses is asked for, one case each.
var lookupNames = []string{"example.com", "127.0.0.1", "[::1]", "::1", "", "a b", "x/y", "[::1", "1.2.3.256",
	"localhost.", "0x7f.1", "ab\xffcd", "xn--nxasmq6b.com", "münchen.de", "a%20b", "a%41b", "1..2", "0x",
	"1.2.3.4.5", "999999999999", "4294967295", "4294967296", "example.com:80", "EXAMPLE.com", "[fe80::1%eth0]",
	"fe80::1%eth0", "1.2.3.08", "1.2.3.0x", "a..b", ".", "..", "a.", "-a-", "_srv._tcp.x", "a\tb", "\u00e9"}

type oracleResult struct {
	Out  string `json:"out,omitempty"`
	Trap string `json:"trap,omitempty"`
}

func TestAgainstWasmtime(t *testing.T) {
	python := os.Getenv("MCPG_WASM_ORACLE_PYTHON")
	if python == "" {
		python, _ = filepath.Abs("../../../.tools/wasm-oracle-venv/bin/python")
	}
	if _, err := os.Stat(python); err != nil {
		t.Skip("needs wasmtime-py 44 ($MCPG_WASM_ORACLE_PYTHON or .tools/wasm-oracle-venv)")
	}
	funcs := oracleFuncs(t)
	index := map[string]int{}
	for k, f := range funcs {
		iface, _, _ := strings.Cut(f.Instance, "@")
		index[iface+" "+f.Name] = k
	}
	component, memBody, mainBody := oracleWAT(funcs)
	cases := oracleCases()
	mems := make([]string, len(cases)) // bytes the runner writes at 2048 before a case
	for _, n := range lookupNames {
		cases = append(cases, []step{s("wasi:sockets/instance-network instance-network"),
			s("wasi:sockets/ip-name-lookup resolve-addresses", 1, 2048, uint64(len(n)), rp)})
		mems = append(mems, n)
	}
	for _, pc := range pollCases() {
		cases = append(cases, pc.steps)
		mems = append(mems, string(pc.mem))
	}
	memOf := func(ci int) string { return mems[ci] }
	type req struct {
		Component string            `json:"component"`
		Cores     map[string]string `json:"cores"`
		Cases     [][][2]any        `json:"cases"`
	}
	rq := req{Component: component, Cores: map[string]string{"mem": "(module" + memBody + ")", "main": "(module" + mainBody + ")"}}
	for ci, c := range cases {
		var steps [][2]any
		if m := memOf(ci); m != "" {
			steps = append(steps, [2]any{uint32(0xffffffff), byteArgs(m)})
		}
		for _, st := range c {
			k, found := index[st.f]
			if !found {
				t.Fatalf("case %d: no function %q", ci, st.f)
			}
			args := st.args
			if args == nil {
				args = []uint64{}
			}
			steps = append(steps, [2]any{k, args})
		}
		rq.Cases = append(rq.Cases, steps)
	}
	in, _ := json.Marshal(rq)
	dir := t.TempDir()
	script := filepath.Join(dir, "oracle.py")
	if err := os.WriteFile(script, []byte(oraclePy), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outJSON, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	var resp struct {
		Cores   map[string]string `json:"cores"`
		Results [][]oracleResult  `json:"results"`
	}
	if err := json.Unmarshal(outJSON, &resp); err != nil {
		t.Fatal(err)
	}
	coreMem, _ := hex.DecodeString(resp.Cores["mem"])
	coreMain, _ := hex.DecodeString(resp.Cores["main"])

	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	memC, err := rt.CompileModule(ctx, coreMem)
	if err != nil {
		t.Fatal(err)
	}
	mainC, err := rt.CompileModule(ctx, coreMain)
	if err != nil {
		t.Fatal(err)
	}
	traps := map[string]bool{}
	for _, r := range resp.Results {
		for _, st := range r {
			if st.Trap != "" {
				traps[st.Trap] = true
			}
		}
	}
	t.Logf("%d cases; Wasmtime trapped with %d distinct messages", len(cases), len(traps))
	for m := range traps {
		t.Logf("  %s", m)
	}
	for ci, c := range cases {
		got := runOracleCase(t, ctx, rt, memC, mainC, funcs, c, memOf(ci))
		want := resp.Results[ci]
		if memOf(ci) != "" && len(want) > 0 {
			want = want[1:] // the runner's own step that wrote the name
		}
		for si := range c {
			label := fmt.Sprintf("case %d step %d (%s %v)", ci, si, c[si].f, c[si].args)
			if name := memOf(ci); name != "" {
				label += fmt.Sprintf(" memory at 2048: %q", name)
			}
			if si >= len(want) || si >= len(got) {
				if len(want) != len(got) {
					t.Errorf("%s: oracle ran %d steps, the host %d (oracle %v, host %v)", label, len(want), len(got), want, got)
				}
				break
			}
			w, g := want[si], got[si]
			switch {
			case w.Trap != "" || g.Trap != "":
				if w.Trap != g.Trap {
					t.Errorf("%s:\n  wasmtime: %s\n  host:     %s", label, describe(w), describe(g))
				}
			case c[si].cmp == "trap":
			case w.Out != g.Out:
				t.Errorf("%s: output differs\n  wasmtime: %s\n  host:     %s", label, diffHint(w.Out, g.Out), diffHint(g.Out, w.Out))
			}
		}
	}
}

func describe(r oracleResult) string {
	if r.Trap != "" {
		return "trap: " + r.Trap
	}
	return "ok"
}

// diffHint shows where a differs from b: the flat result and the first differing region.
func diffHint(a, b string) string {
	ab, _ := hex.DecodeString(a)
	bb, _ := hex.DecodeString(b)
	for i := range ab {
		if i >= len(bb) || ab[i] != bb[i] {
			lo := i &^ 7
			hi := min(lo+24, len(ab))
			region := "flat result"
			off := lo
			switch {
			case lo >= 136:
				region, off = "heap+", lo-136
			case lo >= 8:
				region, off = "retptr+", lo-8
			}
			return fmt.Sprintf("%s%d: %x", region, off, ab[lo:hi])
		}
	}
	return "(same prefix)"
}

// runOracleCase runs one case on wazero: fresh instances, the host bound to the memory
// module's memory and realloc, and the runner's args list allocated as Wasmtime lowers it.
func runOracleCase(t *testing.T, ctx context.Context, rt wazero.Runtime, memC, mainC wazero.CompiledModule, funcs []*Func, c []step, name string) []oracleResult {
	h := New(Config{})
	memMod, err := rt.InstantiateModule(ctx, memC, wazero.NewModuleConfig().WithName("m"))
	if err != nil {
		t.Fatal(err)
	}
	defer memMod.Close(ctx)
	gm := &InstanceMemory{Module: memMod, ReallocExport: "realloc"}
	var exports []Export
	for k, f := range funcs {
		var opts Options
		if f.NeedsMemory() {
			opts.Memory = gm
		}
		exports = append(exports, Export{Name: fmt.Sprint(k), Func: f, Options: opts})
	}
	host, err := h.Instantiate(ctx, rt, "f", exports)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close(ctx)
	mainMod, err := rt.InstantiateModule(ctx, mainC, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		t.Fatal(err)
	}
	defer mainMod.Close(ctx)
	realloc := memMod.ExportedFunction("realloc")
	mem := memMod.Memory()
	callOnce := func(fn uint32, args []uint64) (oracleResult, error) {
		res, err := realloc.Call(ctx, 0, 0, 8, uint64(8*len(args)))
		if err != nil {
			t.Fatal(err)
		}
		p := uint32(res[0])
		for i, a := range args {
			mem.WriteUint64Le(p+uint32(8*i), a)
		}
		out, err := mainMod.ExportedFunction("call").Call(ctx, uint64(fn), uint64(p), uint64(len(args)))
		if err != nil {
			return oracleResult{Trap: trapText(err)}, err
		}
		lp, _ := mem.ReadUint32Le(uint32(out[0]))
		ln, _ := mem.ReadUint32Le(uint32(out[0]) + 4)
		b, _ := mem.Read(lp, ln)
		return oracleResult{Out: hex.EncodeToString(b)}, nil
	}
	if name != "" {
		if _, err := callOnce(0xffffffff, byteArgs(name)); err != nil {
			t.Fatal(err)
		}
	}
	var results []oracleResult
	for _, st := range c {
		k := -1
		for i, f := range funcs {
			iface, _, _ := strings.Cut(f.Instance, "@")
			if iface+" "+f.Name == st.f {
				k = i
			}
		}
		r, err := callOnce(uint32(k), st.args)
		results = append(results, r)
		if err != nil {
			break
		}
	}
	return results
}

// byteArgs is bytes as the runner's byte-per-argument list.
func byteArgs(name string) []uint64 {
	args := make([]uint64, len(name))
	for i := range name {
		args[i] = uint64(name[i])
	}
	return args
}

// trapText is what a trap raised by the host says, as Wasmtime's innermost cause would.
func trapText(err error) string {
	var tr *Trap
	var ee *ExitError
	switch {
	case errors.As(err, &tr):
		return tr.Msg
	case errors.As(err, &ee):
		return ee.Error()
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	return first
}
