package cabi

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// storeResult builds a guest memory holding v (of type ty) the way a guest returns it: the value
// in a return area, its strings and lists allocated before it.
func storeResult(t *testing.T, enc StringEncoding, ty *witType, v any) (*testMem, uint32) {
	t.Helper()
	mem, area, err := buildResult(enc, ty, v)
	wantNoErr(t, err)
	return mem, area
}

func buildResult(enc StringEncoding, ty *witType, v any) (*testMem, uint32, error) {
	mem := newMem(256, 0xEE)
	b := newBump(mem, 8)
	w := &lowerer{o: &Options{Memory: mem, Realloc: b.realloc, Encoding: enc}}
	area, err := w.realloc("return area", 0, 0, ty.Align(), uint64(ty.Size()))
	if err != nil {
		return nil, 0, err
	}
	return mem, area, w.store(ty, v, area, ty.Name)
}

var sampleIdentity = Identity{
	Kind: "user", TrustLevel: "verified", SubjectID: ptrTo("sub-1"), AuthProvider: ptrTo(""), Issuer: nil,
	Roles: []string{"a", "", "ü"}, Groups: []string{"g"}, Scopes: nil,
	Attributes: []Pair{{"k", "v"}, {"k", "w"}, {"", ""}},
}

// Valid results of every case lift to what was stored, in every string encoding.
func TestLiftValid(t *testing.T) {
	results := []struct {
		ty   *witType
		v    any
		lift func(Options, []uint64) (any, error)
	}{
		{tManifest, Manifest{"dev.mcpg.gate", "0.1.0", "Gate", "tool-gate", "1.0"}, liftAny(LiftManifest)},
		{tGateDecision, GateDecision{Case: GateAllowCase}, liftAny(LiftGateDecision)},
		{tGateDecision, GateDecision{Case: GateAllowCase, Allow: GateAllow{ptrTo(`{"a":1}`), ptrTo(""), ptrTo("[1]")}}, liftAny(LiftGateDecision)},
		{tGateDecision, GateDecision{Case: GateDenyCase, Deny: GateDenial{65535, -2147483648, "no €", nil}}, liftAny(LiftGateDecision)},
		{tGateDecision, GateDecision{Case: GateDenyCase, Deny: GateDenial{403, -32001, "", ptrTo(`{"why":"x"}`)}}, liftAny(LiftGateDecision)},
		{tGateDecision, GateDecision{Case: GateChallengeCase, Challenge: GateChallenge{402, 7, "pay", `{"amount":1}`}}, liftAny(LiftGateDecision)},
		{tTransformResult, TransformResult{Case: TransformUnchanged}, liftAny(LiftTransformResult)},
		{tTransformResult, TransformResult{Case: TransformModified, Text: `{"x":"😀"}`}, liftAny(LiftTransformResult)},
		{tTransformResult, TransformResult{Case: TransformError, Text: "bad"}, liftAny(LiftTransformResult)},
		{tIdentityResolution, IdentityResolution{Case: ResolutionResolved, Identity: sampleIdentity}, liftAny(LiftIdentityResolution)},
		{tIdentityResolution, IdentityResolution{Case: ResolutionResolved}, liftAny(LiftIdentityResolution)},
		{tIdentityResolution, IdentityResolution{Case: ResolutionNone}, liftAny(LiftIdentityResolution)},
		{tIdentityResolution, IdentityResolution{Case: ResolutionInvalid, Reason: "expired"}, liftAny(LiftIdentityResolution)},
	}
	for _, enc := range []StringEncoding{UTF8, UTF16, Latin1UTF16} {
		for _, r := range results {
			mem, area := storeResult(t, enc, r.ty, r.v)
			got, err := r.lift(Options{Memory: mem, Encoding: enc}, []uint64{uint64(area)})
			wantNoErr(t, err)
			if !reflect.DeepEqual(got, r.v) {
				t.Errorf("%s %s:\n got %#v\nwant %#v", enc, r.ty.Name, got, r.v)
			}
		}
	}
}

func liftAny[T any](f func(Options, []uint64) (T, error)) func(Options, []uint64) (any, error) {
	return func(o Options, r []uint64) (any, error) { v, err := f(o, r); return v, err }
}

// A hand-built image, to be sure the layout is the spec's and not just self-consistent.
func TestLiftHandBuilt(t *testing.T) {
	// gate-decision deny at 0x10: disc 1, payload at +4: http-status u16, code s32 @+4, message @+8,
	// error-data option @+16 (disc) / +20 (string).
	im := newImage(256).
		u8(0x10, 1).u16(0x14, 451).u32(0x18, 0xFFFF8000).str(0x1C, 0x80, "blocked").
		u8(0x24, 1).str(0x28, 0x90, `{"a":[1]}`)
	d, err := LiftGateDecision(im.opts(UTF8), []uint64{0x10})
	wantNoErr(t, err)
	want := GateDecision{Case: GateDenyCase, Deny: GateDenial{451, -32768, "blocked", ptrTo(`{"a":[1]}`)}}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("got %#v", d)
	}
	// The upper 32 bits of the core result are not part of the i32.
	if _, err := LiftGateDecision(im.opts(UTF8), []uint64{0xFFFFFFFF_00000010}); err != nil {
		t.Errorf("upper bits: %v", err)
	}
	// identity-resolution resolved at 0x20: identity at +4; roles (list @+52+4) of two strings.
	im = newImage(512).u8(0x20, 0).
		str(0x24, 0x100, "k").str(0x2C, 0x101, "t").
		u8(0x34, 0).u8(0x40, 1).str(0x44, 0x102, "iss").u8(0x4C, 0).
		pair(0x58, 0x180, 2).str(0x180, 0x110, "r1").str(0x188, 0x112, "r2").
		pair(0x60, 0, 0).pair(0x68, 0x1F0, 0).
		pair(0x70, 0x190, 1).str(0x190, 0x120, "dept").str(0x198, 0x124, "eng")
	r, err := LiftIdentityResolution(im.opts(UTF8), []uint64{0x20})
	wantNoErr(t, err)
	wantID := IdentityResolution{Case: ResolutionResolved, Identity: Identity{
		Kind: "k", TrustLevel: "t", AuthProvider: ptrTo("iss"), Roles: []string{"r1", "r2"},
		Attributes: []Pair{{"dept", "eng"}},
	}}
	if !reflect.DeepEqual(r, wantID) {
		t.Errorf("got %#v\nwant %#v", r, wantID)
	}
	// transform-result modified at the very end of memory; a zero-length string at the end is fine.
	im = newImage(64).u8(52, 1).pair(56, 64, 0)
	tr, err := LiftTransformResult(im.opts(UTF8), []uint64{52})
	wantNoErr(t, err)
	if tr != (TransformResult{Case: TransformModified, Text: ""}) {
		t.Errorf("got %#v", tr)
	}
}

// Hostile results: each fails with Wasmtime's message about the field at fault, never a panic.
func TestLiftHostile(t *testing.T) {
	type lift func(Options) error
	gate := func(ptr uint64) func(Options) error {
		return func(o Options) error { _, err := LiftGateDecision(o, []uint64{ptr}); return err }
	}
	resolution := func(ptr uint64) func(Options) error {
		return func(o Options) error { _, err := LiftIdentityResolution(o, []uint64{ptr}); return err }
	}
	transform := func(ptr uint64) func(Options) error {
		return func(o Options) error { _, err := LiftTransformResult(o, []uint64{ptr}); return err }
	}
	manifest := func(ptr uint64) func(Options) error {
		return func(o Options) error { _, err := LiftManifest(o, []uint64{ptr}); return err }
	}
	for _, c := range []struct {
		name  string
		im    image
		enc   StringEncoding
		lift  lift
		msg   string
		field string
	}{
		{"return pointer misaligned", newImage(64), UTF8, gate(2), "return pointer not aligned", "gate-decision"},
		{"return area past the end", newImage(64), UTF8, gate(28), "pointer out of bounds of memory", "gate-decision"},
		{"return pointer near 4 GiB", newImage(64), UTF8, manifest(0xFFFFFFFC), "pointer out of bounds of memory", "plugin-manifest"},
		{"misaligned beats out of bounds", newImage(64), UTF8, gate(0xFFFFFFFE), "return pointer not aligned", ""},
		{"gate discriminant 3", newImage(64).u8(0, 3), UTF8, gate(0), "unexpected discriminant: 3", "gate-decision"},
		{"gate discriminant 255", newImage(64).u8(0, 255), UTF8, gate(0), "unexpected discriminant: 255", "gate-decision"},
		{"transform discriminant", newImage(64).u8(0, 3), UTF8, transform(0), "unexpected discriminant: 3", "transform-result"},
		{"resolution discriminant", newImage(128).u8(0, 9), UTF8, resolution(0), "unexpected discriminant: 9", "identity-resolution"},
		{"option discriminant 2", newImage(64).u8(0, 0).u8(4, 2), UTF8, gate(0), "invalid option discriminant", "gate-decision.allow.metadata"},
		{"option discriminant of the last allow field", newImage(64).u8(28, 7), UTF8, gate(0), "invalid option discriminant", "gate-decision.allow.modified-result"},
		{"deny error-data discriminant", newImage(64).u8(0, 1).u8(20, 1).u8(20, 0xFF), UTF8, gate(0), "invalid option discriminant", "gate-decision.deny.error-data"},
		{"string past the end", newImage(64).u8(0, 1).pair(4, 60, 5), UTF8, transform(0), "string pointer/length out of bounds of memory", "transform-result.modified"},
		{"string length 2^32-1", newImage(64).u8(0, 2).pair(4, 1, 0xFFFFFFFF), UTF8, transform(0), "string pointer/length out of bounds of memory", "transform-result.error"},
		{"string pointer 2^32-1", newImage(64).u8(0, 2).pair(4, 0xFFFFFFFF, 1), UTF8, transform(0), "string pointer/length out of bounds of memory", ""},
		{"string pointer past the end, empty", newImage(64).u8(0, 2).pair(4, 65, 0), UTF8, transform(0), "string pointer/length out of bounds of memory", ""},
		{"invalid UTF-8", newImage(64).u8(0, 2).pair(4, 32, 3).bytes(32, []byte{'a', 0xC3, 'b'}), UTF8, transform(0), "invalid utf-8 sequence of 1 bytes from index 1", "transform-result.error"},
		{"truncated UTF-8", newImage(64).u8(0, 1).pair(4, 32, 2).bytes(32, []byte{'a', 0xE2}), UTF8, transform(0), "incomplete utf-8 byte sequence from index 1", ""},
		{"UTF-16 string misaligned", newImage(64).u8(0, 1).pair(4, 33, 1), UTF16, transform(0), "string pointer not aligned to 2", "transform-result.modified"},
		{"latin1 string misaligned", newImage(64).u8(0, 1).pair(4, 33, 1), Latin1UTF16, transform(0), "string pointer not aligned to 2", ""},
		{"misaligned beats out of bounds", newImage(64).u8(0, 1).pair(4, 33, 1000), UTF16, transform(0), "string pointer not aligned to 2", ""},
		{"UTF-16 string past the end", newImage(64).u8(0, 1).pair(4, 32, 17), UTF16, transform(0), "string pointer/length out of bounds of memory", ""},
		{"tagged latin1+utf16 past the end", newImage(64).u8(0, 1).pair(4, 32, 17|utf16Tag), Latin1UTF16, transform(0), "string pointer/length out of bounds of memory", ""},
		{"tagged latin1+utf16 length 2^31-1", newImage(64).u8(0, 1).pair(4, 32, 0xFFFFFFFF), Latin1UTF16, transform(0), "string pointer/length out of bounds of memory", ""},
		{"unpaired surrogate", newImage(64).u8(0, 1).pair(4, 32, 2).bytes(32, []byte{0x3D, 0xD8, 'a', 0}), UTF16, transform(0), "unpaired surrogate found: d83d", ""},
		{"lone trailing surrogate", newImage(64).u8(0, 1).pair(4, 32, 1|utf16Tag).bytes(32, []byte{0x00, 0xDC}), Latin1UTF16, transform(0), "unpaired surrogate found: dc00", ""},
		{"manifest's last string", newImage(64).pair(32, 0, 100), UTF8, manifest(0), "string pointer/length out of bounds of memory", "plugin-manifest.protocol-version"},
		{"list past the end", newImage(128).pair(56, 64, 9), UTF8, resolution(0), "list pointer/length out of bounds of memory", "identity-resolution.resolved.roles"},
		{"list count 2^31", newImage(128).pair(56, 0, 1<<31), UTF8, resolution(0), "list pointer/length out of bounds of memory", ""},
		{"list misaligned", newImage(128).pair(56, 2, 1), UTF8, resolution(0), "list pointer is not aligned", "identity-resolution.resolved.roles"},
		{"list out of bounds beats misaligned", newImage(128).pair(56, 2, 100), UTF8, resolution(0), "list pointer/length out of bounds of memory", ""},
		{"list element string", newImage(128).pair(64, 96, 2).pair(104, 0, 999), UTF8, resolution(0), "string pointer/length out of bounds of memory", "identity-resolution.resolved.groups[1]"},
		{"attribute value", newImage(128).pair(80, 96, 1).pair(104, 0, 999), UTF8, resolution(0), "string pointer/length out of bounds of memory", "identity-resolution.resolved.attributes[0].1"},
		{"attribute list misaligned", newImage(128).pair(80, 98, 1), UTF8, resolution(0), "list pointer is not aligned", "identity-resolution.resolved.attributes"},
		{"subject-id discriminant", newImage(128).u8(20, 3), UTF8, resolution(0), "invalid option discriminant", "identity-resolution.resolved.subject-id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantTrap(t, c.lift(c.im.opts(c.enc)), c.msg, c.field)
		})
	}
}

// The first failure wins, in field order, as Rust's `?` does.
func TestLiftFirstFailureWins(t *testing.T) {
	// kind is out of bounds, trust-level is not UTF-8, the roles list is misaligned.
	im := newImage(128).u8(0, 0).pair(4, 0, 1000).pair(12, 100, 1).u8(100, 0xFF).pair(56, 2, 1)
	_, err := LiftIdentityResolution(im.opts(UTF8), []uint64{0})
	wantTrap(t, err, "string pointer/length out of bounds of memory", "identity-resolution.resolved.kind")
	im.pair(4, 0, 0)
	_, err = LiftIdentityResolution(im.opts(UTF8), []uint64{0})
	wantTrap(t, err, "invalid utf-8 sequence of 1 bytes from index 0", "identity-resolution.resolved.trust-level")
}

// Hostcall fuel caps what one lift copies out, counted as Wasmtime 44 counts it: string bytes, and
// 24 or 48 bytes per list<string> or list<tuple<string, string>> element.
func TestLiftHostcallFuel(t *testing.T) {
	// roles: three empty strings cost 3×24; with 72 bytes of fuel that fits exactly, 71 does not.
	im := newImage(256).pair(56, 128, 3)
	for fuel, ok := range map[uint64]bool{72: true, 71: false} {
		_, err := LiftIdentityResolution(Options{Memory: im.m, HostcallFuel: fuel}, []uint64{0})
		if ok {
			wantNoErr(t, err)
		} else {
			tr := wantTrap(t, err, msgHostcallFuel, "identity-resolution.resolved.roles")
			if !strings.Contains(tr.Detail, "the list of 3 elements would copy 72 bytes, 71 of the lift's 71-byte hostcall budget are left") {
				t.Errorf("detail %q", tr.Detail)
			}
		}
	}
	// Strings add up: kind (5 bytes) + attributes (one pair, 48) + its name (4) = 57.
	im = newImage(256).str(4, 200, "hello").pair(80, 128, 1).str(128, 210, "name")
	for fuel, ok := range map[uint64]bool{57: true, 56: false} {
		_, err := LiftIdentityResolution(Options{Memory: im.m, HostcallFuel: fuel}, []uint64{0})
		if ok {
			wantNoErr(t, err)
		} else {
			wantTrap(t, err, msgHostcallFuel, "identity-resolution.resolved.attributes[0].0")
		}
	}
	// The default budget, 128 MiB, against lengths a big memory allows: nothing is read or
	// allocated for them (sparseMem panics on reads over 1 MiB).
	big := &sparseMem{size: 0xFFFF0000}
	big.Write(0, []byte{1, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0x0C}) // modified: 192 MiB at 0x10
	_, err := LiftTransformResult(Options{Memory: big}, []uint64{0})
	wantTrap(t, err, msgHostcallFuel, "transform-result.modified")
	big = &sparseMem{size: 0xFFFF0000}
	big.Write(56, []byte{0, 0, 0, 0, 0, 0, 0x56, 0}) // roles: 5.6 M elements, 134 MB of Strings > 128 MiB
	start := time.Now()
	_, err = LiftIdentityResolution(Options{Memory: big}, []uint64{0})
	wantTrap(t, err, msgHostcallFuel, "identity-resolution.resolved.roles")
	if time.Since(start) > time.Second {
		t.Errorf("refusing a long list took %v", time.Since(start))
	}
}

// A memory whose Read fails inside its own Size is an error, not a panic.
type shortReadMem struct{ *testMem }

func (shortReadMem) Read(uint32, uint32) ([]byte, bool) { return nil, false }

func TestLiftBrokenMemory(t *testing.T) {
	_, err := LiftManifest(Options{Memory: shortReadMem{newMem(64, 0)}}, []uint64{0})
	if err == nil || !strings.Contains(err.Error(), "failed although the memory reports 64 bytes") {
		t.Errorf("err %v", err)
	}
	if _, ok := AsTrap(err); ok {
		t.Error("a broken Memory is not the guest's trap")
	}
	if _, err := LiftManifest(Options{Memory: newMem(64, 0)}, []uint64{0, 1}); err == nil || !strings.Contains(err.Error(), "returning plugin-manifest has 1 core result, got 2") {
		t.Errorf("two results: %v", err)
	}
	if _, err := LiftManifest(Options{Memory: newMem(64, 0)}, nil); err == nil {
		t.Error("no results: no error")
	}
}

func TestTrapExplain(t *testing.T) {
	tr := &Trap{Message: "m", Field: "f", Detail: "d"}
	if tr.Explain() != "f: d (Wasmtime: m)" || tr.Error() != "m" {
		t.Errorf("%q / %q", tr.Explain(), tr.Error())
	}
	if (&Trap{Message: "m"}).Explain() != "m" {
		t.Error((&Trap{Message: "m"}).Explain())
	}
	for e, s := range map[StringEncoding]string{UTF8: "utf8", UTF16: "utf16", Latin1UTF16: "latin1+utf16", 9: "string-encoding(9)"} {
		if e.String() != s {
			t.Errorf("%d: %s", e, e.String())
		}
	}
}
