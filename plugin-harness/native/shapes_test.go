package native

import "testing"

// Integers as serde_json reads them into u8/u32/u64/i64: integer literals in range only; -0 is
// the float -0.0 to serde_json (de.rs parse_integer), a fraction or exponent a float.
func TestIntegerShapes(t *testing.T) {
	for _, c := range []struct {
		s    shape
		text string
		ok   bool
	}{
		{tU8, "255", true}, {tU8, "256", false}, {tU8, "-1", false}, {tU8, "1.0", false}, {tU8, "1e2", false},
		{tU32, "4294967295", true}, {tU32, "4294967296", false},
		{tU64, "18446744073709551615", true}, {tU64, "18446744073709551616", false}, {tU64, "-0", false}, {tU64, "0", true},
		{tI64, "-9223372036854775808", true}, {tI64, "9223372036854775807", true}, {tI64, "9223372036854775808", false},
		{tI64, "-0", false}, {tI64, "-1", true},
	} {
		problem := checkJSON(c.text, c.s)
		if (problem == "") != c.ok {
			t.Errorf("%s as %s: accepted=%v, want %v (%s)", c.text, c.s.describe(), problem == "", c.ok, problem)
		}
	}
}
