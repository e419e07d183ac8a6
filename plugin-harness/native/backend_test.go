//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"math"
	"testing"
)

// backend's signatures placed as docs/native-kinds.md §2 lays them out.
func TestBackendPlacements(t *testing.T) {
	for _, tc := range []struct {
		slot          string
		sig           signature
		sysV, aapcs64 string
	}{
		{"register_profile / execute / execute_transaction", sigTwoStringsToString,
			"sret(32)→rdi rsi S0–S3 S4–S7", "sret(32)→x8 x0 &copy(32)→x1 &copy(32)→x2"},
		{"input_schema_json / output_schema_json", sigStringToOptString,
			"sret(40)→rdi rsi S0–S3", "sret(40)→x8 x0 &copy(32)→x1"},
		{"list_resources", sigStringOptToString,
			"sret(32)→rdi rsi S0–S3 S4–S8", "sret(32)→x8 x0 &copy(32)→x1 &copy(40)→x2"},
		{"execute_streaming", sigStream,
			"sret(72)→rdi rsi S0–S3 S4–S7 rdx/rcx", "sret(72)→x8 x0 &copy(32)→x1 &copy(32)→x2 x3/x4"},
	} {
		if got := sysV.place(tc.sig).describe(sysVRegs); got != tc.sysV {
			t.Errorf("%s, System V:\n got %s\nwant %s", tc.slot, got, tc.sysV)
		}
		if got := aapcs64.place(tc.sig).describe(aapcs64Regs); got != tc.aapcs64 {
			t.Errorf("%s, AAPCS64:\n got %s\nwant %s", tc.slot, got, tc.aapcs64)
		}
	}
}

func TestStreamEvents(t *testing.T) {
	for text, want := range map[string]bool{
		`{"ok":{"type":"done","payload":"e30=","truncated":false}}`: true,
		`{"err":{"error":"timeout","timeout_ms":5}}`:                true,
		`{"ok":{"type":"text_delta","delta":"x"}}`:                  false,
		`not json`: false,
	} {
		if terminal(text) != want {
			t.Errorf("terminal(%s) = %v", text, !want)
		}
	}
	if p := checkJSON(`{"ok":{"type":"text_delta","delta":"x"}}`, streamEvent); p != "" {
		t.Errorf("text_delta refused: %s", p)
	}
	if p := checkJSON(`{"ok":{"type":"done","payload":"e30="}}`, streamEvent); p == "" {
		t.Error("done without truncated accepted")
	}
	if handleText(math.MaxUint64) != "usize::MAX (nothing to cancel)" || handleText(0) != 0 {
		t.Error("handleText")
	}
}

// The sink's ctx is a fresh integer per stream, and a callback for a ctx never handed out is
// counted, not a crash.
func TestSinkContexts(t *testing.T) {
	a, fa, _ := newSink("x")
	b, fb, _ := newSink("y")
	if a == b || fa != fb || fa == 0 {
		t.Errorf("ctx %d, %d; callback %#x, %#x", a, b, fa, fb)
	}
}
