package wasip2

import (
	"errors"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero/api"
)

func parseTypes(s string) []api.ValueType {
	var out []api.ValueType
	for _, p := range strings.Split(s, ",") {
		switch p {
		case "i32":
			out = append(out, api.ValueTypeI32)
		case "i64":
			out = append(out, api.ValueTypeI64)
		}
	}
	return out
}

func TestObservedGuestImportsAreLinked(t *testing.T) {
	for _, o := range observedImports {
		f, err := Lookup(o[0], o[1])
		if err != nil {
			t.Errorf("%s %s: %v", o[0], o[1], err)
			continue
		}
		if err := f.CheckSignature(parseTypes(o[2]), parseTypes(o[3])); err != nil {
			t.Error(err)
		}
	}
}

// TestLinkedSet pins the interface set wasmtime-wasi 44's add_to_linker_sync defines, and the
// function count of each (resource drops included), against its WIT at 0.2.6.
func TestLinkedSet(t *testing.T) {
	want := map[string]int{
		"wasi:cli/environment": 3, "wasi:cli/exit": 1, "wasi:cli/stdin": 1, "wasi:cli/stdout": 1,
		"wasi:cli/stderr": 1, "wasi:cli/terminal-input": 1, "wasi:cli/terminal-output": 1,
		"wasi:cli/terminal-stdin": 1, "wasi:cli/terminal-stdout": 1, "wasi:cli/terminal-stderr": 1,
		"wasi:clocks/wall-clock": 2, "wasi:clocks/monotonic-clock": 4,
		"wasi:filesystem/types": 31, "wasi:filesystem/preopens": 1,
		"wasi:io/error": 2, "wasi:io/poll": 4, "wasi:io/streams": 17,
		"wasi:random/random": 2, "wasi:random/insecure": 2, "wasi:random/insecure-seed": 1,
		"wasi:sockets/network": 1, "wasi:sockets/instance-network": 1,
		"wasi:sockets/tcp": 29, "wasi:sockets/tcp-create-socket": 1,
		"wasi:sockets/udp": 21, "wasi:sockets/udp-create-socket": 1,
		"wasi:sockets/ip-name-lookup": 4,
	}
	if len(registry) != len(want) {
		t.Errorf("%d interfaces linked, want %d", len(registry), len(want))
	}
	for name, n := range want {
		i, err := LookupInterface(name + "@" + LinkedVersion)
		if err != nil {
			t.Error(err)
			continue
		}
		if got := len(i.Funcs()); got != n {
			t.Errorf("%s: %d functions, want %d: %v", name, got, n, i.Funcs())
		}
		for _, fname := range i.Funcs() {
			f, err := i.Func(fname)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Params) > maxFlatParams+1 || len(f.Results) > maxFlatResults {
				t.Errorf("%s %s: core signature %s breaks the flat limits", name, fname, f.Signature())
			}
		}
	}
}

func TestLookupVersions(t *testing.T) {
	for _, name := range []string{
		"wasi:io/streams@0.2.0", "wasi:io/streams@0.2.6", "wasi:io/streams@0.2.9",
		"wasi:io/streams@0.2.12", "wasi:io/streams@0.2.3+build.7",
	} {
		if _, err := Lookup(name, "[method]output-stream.write"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	refused := map[string]string{
		"wasi:io/streams@0.3.0":                  "not semver-compatible",
		"wasi:io/streams@1.2.0":                  "not semver-compatible",
		"wasi:io/streams@0.2.0-rc-2023-11-10":    "pre-release",
		"wasi:io/streams":                        "has no version",
		"wasi:io/streams@0.2":                    "not semver",
		"wasi:io/streams@0.2.06":                 "not semver",
		"wasi:http/types@0.2.0":                  "not a WASI interface the gateway links",
		"wasi:http/outgoing-handler@0.2.6":       "not a WASI interface the gateway links",
		"wasi:clocks/timezone@0.2.6":             "not a WASI interface the gateway links",
		"mcpg:plugin/host@0.1.0":                 "not an interface the gateway links",
		"wasi:cli/run@0.2.6":                     "not a WASI interface the gateway links",
		"wasi:logging/logging@0.1.0-draft":       "not a WASI interface",
		"wasi:sockets/network-extras@0.2.6#else": "not a WASI interface",
	}
	for name, want := range refused {
		_, err := Lookup(name, "x")
		var u *UnknownImportError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an UnknownImportError saying %q", name, err, want)
		}
	}
	// Unstable functions of linked interfaces are not linked either.
	for _, c := range [][2]string{
		{"wasi:cli/exit@0.2.6", "exit-with-code"},
		{"wasi:sockets/network@0.2.10", "network-error-code"},
		{"wasi:io/streams@0.2.0", "[method]output-stream.nope"},
		{"wasi:io/streams@0.2.0", "[resource-drop]pollable"},
	} {
		_, err := Lookup(c[0], c[1])
		var u *UnknownImportError
		if !errors.As(err, &u) || u.Name != c[1] {
			t.Errorf("%s %s: got %v, want an UnknownImportError naming the function", c[0], c[1], err)
		}
	}
}

func TestResourceDropLookup(t *testing.T) {
	f, err := ResourceDrop("wasi:cli/stdout@0.2.0", "output-stream")
	if err != nil {
		t.Fatal(err)
	}
	if f.def.drop != rOutputStream || f.Signature() != "(i32) -> ()" || f.NeedsMemory() {
		t.Errorf("drop of stdout's output-stream: %s %v", f.Signature(), f.def.drop)
	}
	if _, err := ResourceDrop("wasi:cli/stdout@0.2.0", "pollable"); err == nil {
		t.Error("wasi:cli/stdout has no pollable type")
	}
	i, _ := LookupInterface("wasi:sockets/tcp@0.2.0")
	if r, err := i.Resource("network"); err != nil || r != rNetwork {
		t.Errorf("tcp uses network: %v %v", r, err)
	}
}

func TestNeedsMemoryAndRealloc(t *testing.T) {
	cases := []struct {
		instance, name  string
		memory, realloc bool
	}{
		{"wasi:cli/stdout@0.2.0", "get-stdout", false, false},
		{"wasi:io/streams@0.2.0", "[method]output-stream.write", true, false},
		{"wasi:io/streams@0.2.0", "[method]output-stream.check-write", true, false},
		{"wasi:io/streams@0.2.0", "[method]input-stream.read", true, true},
		{"wasi:random/random@0.2.0", "get-random-u64", false, false},
		{"wasi:random/random@0.2.0", "get-random-bytes", true, true},
		{"wasi:clocks/monotonic-clock@0.2.0", "subscribe-duration", false, false},
		{"wasi:io/poll@0.2.0", "poll", true, true},
	}
	for _, c := range cases {
		f, err := Lookup(c.instance, c.name)
		if err != nil {
			t.Fatal(err)
		}
		if f.NeedsMemory() != c.memory || f.NeedsRealloc() != c.realloc {
			t.Errorf("%s: memory %v realloc %v, want %v %v", c.name, f.NeedsMemory(), f.NeedsRealloc(), c.memory, c.realloc)
		}
	}
}

// TestLayouts pins canonical ABI sizes and flattenings the host relies on.
func TestLayouts(t *testing.T) {
	cases := []struct {
		t           *Type
		size, align uint32
		flat        string
	}{
		{resultOf(tBytes, streamError), 12, 4, "i32,i32,i32"},
		{resultOf(tU64, streamError), 16, 8, "i32,i64,i32"},
		{resultOf(nil, streamError), 12, 4, "i32,i32,i32"},
		{descriptorStat, 96, 8, "i32,i64,i64,i32,i64,i32,i32,i64,i32,i32,i64,i32"},
		{ipSocketAddress, 32, 4, "i32,i32,i32,i32,i32,i32,i32,i32,i32,i32,i32,i32"},
		{newTimestamp, 24, 8, "i32,i64,i32"},
		{datetime, 16, 8, "i64,i32"},
		{listOf(tupleOf(tString, tString)), 8, 4, "i32,i32"},
		{optionOf(own(rTerminalOutput)), 8, 4, "i32,i32"},
		{resultOf(tupleOf(own(rTCPSocket), own(rInputStream), own(rOutputStream)), netErrorCode), 16, 4, "i32,i32,i32,i32"},
		{descriptorFlags, 1, 1, "i32"},
		{fsErrorCode, 1, 1, "i32"},
	}
	for _, c := range cases {
		var flat []string
		for _, v := range c.t.flat() {
			flat = append(flat, api.ValueTypeName(v))
		}
		if c.t.size() != c.size || c.t.align() != c.align || strings.Join(flat, ",") != c.flat {
			t.Errorf("%s: size %d align %d flat %v, want %d %d %s", c.t, c.t.size(), c.t.align(), flat, c.size, c.align, c.flat)
		}
	}
}

// TestStarlingMonkeyImports: everything StarlingMonkey declares is linked except
// wasi:sockets/network's network-error-code, which is unstable in wasmtime-wasi 44 (not
// linked by default) and which StarlingMonkey's code never calls, so no component imports it.
func TestStarlingMonkeyImports(t *testing.T) {
	for iface, names := range starlingMonkeyImports {
		for _, name := range names {
			_, err := Lookup(iface+"@0.2.10", name)
			if unlinked := iface == "wasi:sockets/network" && name == "network-error-code"; unlinked != (err != nil) {
				t.Errorf("%s %s: %v", iface, name, err)
			}
		}
	}
}
