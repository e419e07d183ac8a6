package mcpgconfig

import (
	"testing"
)

// How a plain scalar reaches a String field (signature.sha256) — each case checked against
// figment 0.10.19 + serde_yaml 0.9.34 (serde_yaml src/de.rs visit_untagged_scalar).
func TestScalarTyping(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"0123", "0123", ""}, // leading zero: a string (digits_but_not_number)
		{"3f0a6c2d", "3f0a6c2d", ""},
		{`"123"`, "123", ""},
		{"123", "", "invalid type: found unsigned int `123`, expected a string"},
		{"-5", "", "invalid type: found signed int `-5`, expected a string"},
		{"0x10", "", "invalid type: found unsigned int `16`, expected a string"},
		{"1234567890123456789012345", "", "invalid type: found integer `1234567890123456789012345` as u128, expected a string"},
		{"1e5", "", "invalid type: found float `100000`, expected a string"},
		{"1e400", "1e400", ""}, // not finite: a string
		{"true", "", "invalid type: found bool true, expected a string"},
		{"yes", "yes", ""}, // YAML 1.1 booleans are strings to serde_yaml 0.9
		{"~", "", ""},      // None
		{"!!str 12", "12", ""},
	} {
		c := loadOne(t, "plugins:\n  - id: a\n    source: {path: /a}\n    signature: {sha256: "+tc.in+"}\n")
		errs := c.Errors()
		switch {
		case tc.err != "":
			want := tc.err + ` for key "default.plugins.0.signature.sha256"`
			if len(errs) != 1 || errs[0].Message != want {
				t.Errorf("%s: got %v, want %q", tc.in, errs, want)
			}
		case len(errs) != 0:
			t.Errorf("%s: unexpected %v", tc.in, errs)
		case c.Plugins[0].SHA256 != tc.want:
			t.Errorf("%s: sha256 %q, want %q", tc.in, c.Plugins[0].SHA256, tc.want)
		}
	}
}
