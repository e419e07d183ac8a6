package yamlscalar

import (
	"math"
	"testing"
)

// The spellings serde_yaml 0.9.34 types (de.rs visit_untagged_scalar); descriptor's
// testdata/serde_yaml_0.9.txtar and mcpgconfig's scalar tests check the same through the parsers.
func TestTyping(t *testing.T) {
	for _, s := range []string{"~", "null", "Null", "NULL"} {
		if !IsNull(s) {
			t.Errorf("%q: not null", s)
		}
	}
	for _, s := range []string{"", "nULL", "none", "Nil"} {
		if IsNull(s) {
			t.Errorf("%q: null", s)
		}
	}
	for s, want := range map[string]bool{"true": true, "True": true, "TRUE": true, "false": false, "False": false, "FALSE": false} {
		if v, ok := Bool(s); !ok || v != want {
			t.Errorf("%q: %v %v", s, v, ok)
		}
	}
	for _, s := range []string{"yes", "no", "on", "tRUE", "1"} {
		if _, ok := Bool(s); ok {
			t.Errorf("%q: a bool", s)
		}
	}
	ints := map[string]string{
		"0": "0", "-0": "0", "+7": "7", "123": "123", "-5": "-5", "0x1F": "31", "0o17": "15", "0b101": "5", "-0x10": "-16",
		"340282366920938463463374607431768211455":  "340282366920938463463374607431768211455",  // u128::MAX
		"-170141183460469231731687303715884105728": "-170141183460469231731687303715884105728", // i128::MIN
	}
	for s, want := range ints {
		if i, ok := Int(s); !ok || i.String() != want {
			t.Errorf("Int(%q) = %v, %v; want %s", s, i, ok, want)
		}
	}
	for _, s := range []string{"", "+", "-", "0123", "-00", "1_000", "0x", "0x-1", "0x+1", "0X1F", "0xg", "1.0", "1e3", "++1", "+-1",
		"340282366920938463463374607431768211456", "-170141183460469231731687303715884105729"} {
		if i, ok := Int(s); ok {
			t.Errorf("Int(%q) = %v: want not an integer", s, i)
		}
	}
	floats := map[string]float64{"1.5": 1.5, "+1.5": 1.5, "-1.5": -1.5, "1.": 1, ".5": 0.5, "1e5": 1e5, "1E-2": 0.01, "0123": 123,
		".inf": math.Inf(1), "+.Inf": math.Inf(1), "-.INF": math.Inf(-1)}
	for s, want := range floats {
		if f, ok := Float(s); !ok || f != want {
			t.Errorf("Float(%q) = %v, %v; want %v", s, f, ok, want)
		}
	}
	if f, ok := Float(".NaN"); !ok || !math.IsNaN(f) {
		t.Errorf(".NaN: %v %v", f, ok)
	}
	for _, s := range []string{"", ".", "e5", "1e400", "-.nan", "++1.5", "+-1.5", "inf", "1.5.2", "0x1p3", "1_000.0"} {
		if f, ok := Float(s); ok {
			t.Errorf("Float(%q) = %v: want not a float", s, f)
		}
	}
	for s, want := range map[string]bool{"0123": true, "-00": true, "+01": true, "0": false, "10": false, "0x1": false, "0.5": false} {
		if LeadingZeroDigits(s) != want {
			t.Errorf("LeadingZeroDigits(%q) != %v", s, want)
		}
	}
}

// FuzzInt: Int never panics, and what it reads it reads back from its own decimal spelling.
func FuzzInt(f *testing.F) {
	for _, s := range []string{"0", "-0x10", "0b1", "0123", "340282366920938463463374607431768211455", "+-1", "1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, ok := Int(s)
		if !ok {
			return
		}
		if j, ok := Int(i.String()); !ok || j.Cmp(i) != 0 {
			t.Fatalf("Int(%q) = %v, but its decimal spelling reads %v, %v", s, i, j, ok)
		}
		Float(s)
	})
}
