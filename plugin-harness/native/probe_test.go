//go:build linux && (amd64 || arm64)

package native

import (
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
)

// cCompiler finds a C compiler that builds shared objects for this test binary's architecture:
// $CC, then cc, then the Debian cross compiler's name (an arm64 test binary run under qemu-user
// can exec the x86-64 cross compiler).
func cCompiler(t testing.TB) string {
	want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[runtime.GOARCH]
	cross := map[string]string{"amd64": "x86_64-linux-gnu-gcc", "arm64": "aarch64-linux-gnu-gcc"}[runtime.GOARCH]
	var tried []string
	for _, cc := range []string{os.Getenv("CC"), "cc", cross} {
		if cc == "" || slices.Contains(tried, cc) {
			continue
		}
		tried = append(tried, cc)
		if _, err := exec.LookPath(cc); err != nil {
			continue
		}
		obj := filepath.Join(t.TempDir(), "probe.o")
		if exec.Command(cc, "-c", "-x", "c", "-o", obj, "/dev/null").Run() != nil {
			continue
		}
		if f, err := elf.Open(obj); err == nil {
			m := f.Machine
			f.Close()
			if m == want {
				return cc
			}
		}
	}
	t.Skipf("no C compiler for %s (tried %s; set CC)", runtime.GOARCH, strings.Join(tried, ", "))
	return ""
}

var (
	probeOnce   sync.Once
	probeHandle uintptr
	probeErr    string
)

// probe builds and loads testdata/abiprobe.c once per test binary.
func probe(t *testing.T) uintptr {
	cc := cCompiler(t)
	probeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "abiprobe")
		if err != nil {
			probeErr = err.Error()
			return
		}
		so := filepath.Join(dir, "abiprobe.so")
		if out, err := exec.Command(cc, "-shared", "-fPIC", "-O2", "-o", so, "testdata/abiprobe.c").CombinedOutput(); err != nil {
			probeErr = cc + ": " + err.Error() + "\n" + string(out)
			os.RemoveAll(dir)
			return
		}
		probeHandle, err = purego.Dlopen(so, purego.RTLD_NOW|purego.RTLD_LOCAL)
		// The loaded library stays mapped after its file is gone, so nothing is left in the temp dir.
		os.RemoveAll(dir)
		if err != nil {
			probeErr = err.Error()
		}
	})
	if probeErr != "" {
		t.Fatal(probeErr)
	}
	return probeHandle
}

func sym(t *testing.T, name string) uintptr {
	fn, err := purego.Dlsym(probe(t), name)
	if err != nil {
		t.Fatal(err)
	}
	return fn
}

// seen returns the words the probe recorded since the last reset, and resets.
func seen(t *testing.T) []uintptr {
	n := int(callWords(sym(t, "probe_nseen")))
	w := slices.Clone(unsafe.Slice((*uintptr)(ptrAt(callWords(sym(t, "probe_seen")))), n))
	callWords(sym(t, "probe_reset"))
	return w
}

func fill(w []uintptr, base uintptr) {
	for i := range w {
		w[i] = base + uintptr(i)
	}
}

func checkWords(t *testing.T, what string, got, want []uintptr) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %#x\nwant %#x", what, got, want)
	}
}

func checkSret(t *testing.T, c *cCall) {
	t.Helper()
	want := make([]uintptr, len(c.sret))
	fill(want, 0x5000)
	checkWords(t, "the struct returned through sret", c.sret, want)
}

// checkCopied: the callee scribbles over its by-value aggregates; where they are passed by
// reference that is the harness's copy, where they are copied onto the stack the Go words stay.
func checkCopied(t *testing.T, c *cCall, i int, before []uintptr) {
	t.Helper()
	after := c.aggregate(i)
	scribbled := !slices.Equal(after, before)
	if byRef := c.l.params[i].byRef; scribbled != byRef {
		t.Errorf("parameter %d: passed by reference %v, but the callee's writes reached the harness's words: %v", i, byRef, scribbled)
	}
}

// TestProbeSlots calls functions shaped like every Tier-1 slot through this build's layouts and
// checks each argument word arrived where the C compiler's convention expects it.
func TestProbeSlots(t *testing.T) {
	seen(t)
	a, m, r, cfg := "args", "meta", "result", "config"
	ptr := func(s string) uintptr { p, _ := rstr(s); return p }

	c := registerCall.prepare()
	c.call(sym(t, "probe_register"))
	checkSret(t, &c)

	c = makeCall.prepare()
	fill(c.aggregate(0), 0x1000)
	fill(c.aggregate(1), 0x2000)
	fill(c.aggregate(2), 0x3000)
	before := slices.Clone(c.aggregate(1))
	if h := c.call(sym(t, "probe_make")); h != 0x1234 {
		t.Errorf("make returned %#x", h)
	}
	checkWords(t, "make", seen(t), []uintptr{0x1000, 0x1001, 0x1012, 0x2000, 0x2001, 0x2002, 0x2003, 0x3000, 0x3001, 0x3002, 0x3003})
	checkCopied(t, &c, 1, before)

	c = manifestCall.prepare()
	c.scalar(0, 0xabc)
	c.call(sym(t, "probe_manifest"))
	checkWords(t, "manifest_json", seen(t), []uintptr{0xabc})
	checkWords(t, "manifest_json's RString", c.sret, []uintptr{0x5000, 0x5001, 0x5002, 0x5003})

	c = evaluatePreCall.prepare()
	c.scalar(0, 0xabc)
	fill(c.aggregate(1), 0x6000)
	c.borrow(2, a)
	copy(c.aggregate(3), []uintptr{optionSome, ptr(m), uintptr(len(m))})
	c.borrow(4, cfg)
	before = slices.Clone(c.aggregate(1))
	c.call(sym(t, "probe_pre"))
	checkWords(t, "evaluate_pre_dispatch", seen(t), []uintptr{0xabc, 0x6000, 0x603b, ptr(a), 4, optionSome, ptr(m), 4, ptr(cfg), 6})
	checkSret(t, &c)
	checkCopied(t, &c, 1, before)

	c = evaluatePostCall.prepare()
	c.scalar(0, 0xabc)
	fill(c.aggregate(1), 0x6000)
	c.borrow(2, a)
	c.borrow(3, r)
	c.scalar(4, 2500)
	c.borrow(5, cfg)
	c.call(sym(t, "probe_post"))
	checkWords(t, "evaluate_post_dispatch", seen(t), []uintptr{0xabc, 0x6000, 0x603b, ptr(a), 4, ptr(r), 6, 2500, ptr(cfg), 6})
	checkSret(t, &c)

	c = transformCall.prepare()
	c.scalar(0, 0xabc)
	fill(c.aggregate(1), 0x6000)
	c.borrow(2, a)
	c.borrow(3, cfg)
	c.call(sym(t, "probe_transform"))
	checkWords(t, "transform_*", seen(t), []uintptr{0xabc, 0x6000, 0x603b, ptr(a), 4, ptr(cfg), 6})
	checkSret(t, &c)

	c = resolveIdentityCall.prepare()
	c.scalar(0, 0xabc)
	c.borrow(1, a)
	c.borrow(2, m)
	c.borrow(3, cfg)
	c.call(sym(t, "probe_resolve"))
	checkWords(t, "resolve_identity", seen(t), []uintptr{0xabc, ptr(a), 4, ptr(m), 4, ptr(cfg), 6})
	checkSret(t, &c)
	runtime.KeepAlive(a + m + r + cfg)

	if got := callWords(sym(t, "probe_words"), 1, 2, 4); got != 7 {
		t.Errorf("probe_words returned %d", got)
	}
	frames := newFrames(2)
	frames[0] = wordsFrame(sym(t, "probe_words"), 10, 11, 12)
	frames[1] = wordsFrame(sym(t, "probe_words"), 20, 21, 22)
	callMany(frames)
	checkWords(t, "scalar calls", seen(t), []uintptr{1, 2, 4, 10, 11, 12, 20, 21, 22})
}

// TestProbeHostServices has C call every host-service slot through the HostHandleRef make hands
// over, with RStrings of its own, and checks what each callback received and answered.
func TestProbeHostServices(t *testing.T) {
	seen(t)
	theHost.alloc, theHost.alias, theHost.answers = newAlloc(callWords(sym(t, "probe_vtable"))), "fixture-alias", nil
	theHost.take()
	theHost.nextSub = 0
	c := conv.place(signature{params: []param{aggregate(wordsHostHandleRef)}}).prepare()
	copy(c.aggregate(0), theHost.handleRef())
	c.call(sym(t, "probe_host"))
	calls := theHost.take()

	var slots []string
	for _, hc := range calls {
		slots = append(slots, hc.Slot)
	}
	if !slices.Equal(slots, HostSlots) {
		t.Fatalf("host calls %v, want one per slot in vtable order %v", slots, HostSlots)
	}
	args := func(i int) string { b, _ := json.Marshal(calls[i].Args); return string(b) }
	for i, want := range []string{
		`{"uri":"vault://db"}`,
		`{"identity_json":"{\"kind\":\"anonymous\"}","uri":"cred://x"}`,
		`{"uri":"config://app"}`,
		`{"event_json":"{}"}`,
		`{"point_json":"{\"name\":\"m\"}"}`,
		`null`,
		`{"attrs_json":"{\"a\":1}","name":"span-a"}`,
		`{"span_id":"513105426295"}`,
		`{"attrs_json":"{}","name":"ev","span_id":"586406201480"}`,
		`null`,
		`{"identity_json":"{}","value_json":"{\"v\":1}"}`,
		`{"key":"key-1"}`,
		`{"uri":"content://c"}`,
		`{"args_json":"{\"s\":2}"}`,
		`{"args_json":"{\"q\":3}","ctx_json":"{}","tool_name":"tool.x"}`,
		`{"cb_ctx":"41"}`,
		`{"cb_ctx":"42"}`,
		`{"sub_id":"99171637015"}`,
	} {
		if got := args(i); got != want {
			t.Errorf("%s received %s, want %s", HostSlots[i], got, want)
		}
	}

	// What the plugin got back: for each RString answer its length and first 8 bytes.
	answer := func(text string) []uintptr {
		var head [8]byte
		copy(head[:], text)
		return []uintptr{uintptr(len(text)), *(*uintptr)(unsafe.Pointer(&head))}
	}
	var want []uintptr
	for _, i := range []int{0, 1, 2, 3} {
		want = append(want, answer(calls[i].Answer)...)
	}
	want = append(want, optionNone, 0) // cluster's tag, span_start's id
	want = append(want, answer("fixture-alias")...)
	for _, i := range []int{10, 11, 12, 13, 14} {
		want = append(want, answer(calls[i].Answer)...)
	}
	want = append(want, 1, 2) // subscription ids
	checkWords(t, "the answers the plugin received", seen(t), want)
	if !strings.HasPrefix(calls[0].Answer, `{"err":{"kind":"backend"`) {
		t.Errorf("resolve_secret answered %s", calls[0].Answer)
	}
}
