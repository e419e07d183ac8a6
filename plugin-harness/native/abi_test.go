//go:build (linux || darwin) && (amd64 || arm64)

package native

import "testing"

// The placements of docs/native-abi.md §2.4 and §6.1, per convention. Notation: a register name, a
// pair of registers a/b, stack words S<i> or S<i>–S<j> in argument order, &copy(bytes)→reg for an
// aggregate passed by reference, sret(bytes)→reg for the hidden result pointer.
func TestPlacements(t *testing.T) {
	for _, tc := range []struct {
		slot          string
		sig           signature
		sysV, aapcs64 string
	}{
		{"mcpg_plugin_register", sigRegister, "sret(240)→rdi", "sret(240)→x8"},
		{"make", sigMake, "S0–S18 S19–S22 S23–S26", "&copy(152)→x0 &copy(32)→x1 &copy(32)→x2"},
		{"manifest_json", sigManifest, "sret(32)→rdi rsi", "sret(32)→x8 x0"},
		{"evaluate_pre_dispatch", sigEvaluatePre,
			"sret(168)→rdi rsi S0–S59 rdx/rcx S60–S62 r8/r9",
			"sret(168)→x8 x0 &copy(480)→x1 x2/x3 &copy(24)→x4 x5/x6"},
		// AAPCS64: config needs two registers and only x7 is left, so it goes whole onto the stack
		// and x7 stays unused (C.13); System V has no register left for duration or config.
		{"evaluate_post_dispatch", sigEvaluatePost,
			"sret(168)→rdi rsi S0–S59 rdx/rcx r8/r9 S60 S61–S62",
			"sret(168)→x8 x0 &copy(480)→x1 x2/x3 x4/x5 x6 S0–S1"},
		{"transform_arguments / transform_result", sigTransform,
			"sret(40)→rdi rsi S0–S59 rdx/rcx r8/r9",
			"sret(40)→x8 x0 &copy(480)→x1 x2/x3 x4/x5"},
		{"resolve_identity", sigResolveIdentity,
			"sret(320)→rdi rsi rdx/rcx r8/r9 S0–S1",
			"sret(320)→x8 x0 x1/x2 x3/x4 x5/x6"},
	} {
		if got := sysV.place(tc.sig).describe(sysVRegs); got != tc.sysV {
			t.Errorf("%s, System V:\n got %s\nwant %s", tc.slot, got, tc.sysV)
		}
		if got := aapcs64.place(tc.sig).describe(aapcs64Regs); got != tc.aapcs64 {
			t.Errorf("%s, AAPCS64:\n got %s\nwant %s", tc.slot, got, tc.aapcs64)
		}
	}
}

// Where the two conventions part after a 16-byte composite finds one register left: System V lets
// a later scalar take it, AAPCS64 closes the registers (NGRN = 8).
func TestPairSpill(t *testing.T) {
	sig := signature{params: []param{scalar, scalar, scalar, scalar, scalar, pair, scalar}}
	if got, want := sysV.place(sig).describe(sysVRegs), "rdi rsi rdx rcx r8 S0–S1 r9"; got != want {
		t.Errorf("System V: got %s, want %s", got, want)
	}
	sig = signature{params: []param{scalar, scalar, scalar, scalar, scalar, scalar, scalar, pair, scalar}}
	if got, want := aapcs64.place(sig).describe(aapcs64Regs), "x0 x1 x2 x3 x4 x5 x6 S0–S1 S2"; got != want {
		t.Errorf("AAPCS64: got %s, want %s", got, want)
	}
	// Out of registers, a by-reference pointer is a stack word like any scalar.
	sig = signature{params: []param{scalar, scalar, scalar, scalar, scalar, scalar, scalar, scalar, aggregate(4)}}
	if got, want := aapcs64.place(sig).describe(aapcs64Regs), "x0 x1 x2 x3 x4 x5 x6 x7 &copy(32)→S0"; got != want {
		t.Errorf("AAPCS64: got %s, want %s", got, want)
	}
}
