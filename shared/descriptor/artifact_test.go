package descriptor

import (
	"reflect"
	"testing"
)

func TestArtifactRuntime(t *testing.T) {
	for name, want := range map[string]string{
		"libfoo.so": RuntimeNative, "dir/libfoo.dylib": RuntimeNative, `C:\out\foo.dll`: RuntimeNative,
		"plugin.so": RuntimeNative, "plugin.wasm": RuntimeWasm, "a.b.wasm": RuntimeWasm,
		"libfoo.SO": "", "foo.wasm.sig": "", "foo": "", ".so": "", "libfoo.so.1": "", "foo.zip": "",
	} {
		t.Run(name, func(t *testing.T) {
			got, ok := ArtifactRuntime(name)
			if got != want || ok != (want != "") {
				t.Errorf("ArtifactRuntime(%q) = %q, %v; want %q", name, got, ok, want)
			}
		})
	}
}

func TestCheckArtifactRuntime(t *testing.T) {
	native := mustParse(t, minimalYAML)
	wasm := mustParse(t, withField(minimalYAML, "runtime: wasi-v1"))
	wasmCache := mustParse(t, withField(minimalYAML, "class: cache\nruntime: wasi-v1"))
	static := mustParse(t, hostFixtureYAML)
	for _, tc := range []struct {
		name     string
		d        *Descriptor
		artifact string
		want     []string // Problem strings
	}{
		{"native ok", native, "target/release/libhello.so", nil},
		{"native dylib", native, "libhello.dylib", nil},
		{"wasm ok", wasm, "hello.wasm", nil},
		{"native as wasm", native, "hello.wasm", []string{`runtime: "native-cdylib-v1" does not match artifact "hello.wasm": a .wasm artifact needs runtime wasi-v1`}},
		{"wasm as native", wasm, "plugin.so", []string{`runtime: "wasi-v1" does not match artifact "plugin.so": a native (.so/.dylib/.dll) artifact needs runtime native-cdylib-v1`}},
		{"static", static, "plugin.so", []string{`runtime: packaged plugins cannot declare runtime static-firstparty-v1 (artifact "plugin.so" needs native-cdylib-v1)`}},
		{"wasm class", wasmCache, "x.wasm", []string{`class: a wasi-v1 plugin must be tool_gate, transform, identity_provider; found "cache"`}},
		{"unknown kind", native, "hello.bin", []string{`cannot infer artifact kind from "hello.bin": expected .so/.dylib/.dll or .wasm`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckArtifactRuntime(tc.d, tc.artifact)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			probs, ok := err.(Problems)
			if !ok {
				t.Fatalf("err = %#v, want Problems", err)
			}
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
	if l := wasmCache.fieldLine("class"); l != 5 {
		t.Errorf("class line = %d", l)
	}
}

func TestRuntimeHelpers(t *testing.T) {
	if !mustParse(t, minimalYAML).IsNative() || mustParse(t, minimalYAML).IsWasm() {
		t.Error("IsNative/IsWasm on a native descriptor")
	}
	for _, c := range Classes {
		t.Run(c, func(t *testing.T) {
			want := c == "tool_gate" || c == "transform" || c == "identity_provider"
			if WasmClassAllowed(c) != want {
				t.Errorf("WasmClassAllowed(%q) = %v", c, !want)
			}
		})
	}
}
