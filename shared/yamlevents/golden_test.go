package yamlevents

// The golden corpus: testdata/golden/NAME.yaml with NAME.events.jsonl next to it, the output of
// the reference dumper around unsafe-libyaml 0.2.11 (= libyaml 0.2.5, the parser under
// serde_yaml 0.9 in the MCPG gateway). Every event and the error, field by field, must match.
// testdata/refresh.sh regenerates the stored outputs where the dumper is available.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "golden", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) < 300 {
		t.Fatalf("golden corpus has %d inputs, expected at least 300", len(inputs))
	}
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := os.ReadFile(strings.TrimSuffix(in, ".yaml") + ".events.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := parseDump(ref, true)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if len(res[""]) == 0 {
			t.Fatalf("%s: empty reference output", in)
		}
		if d := firstDifference(data, res[""]); d != "" {
			t.Errorf("%s:\n%s", filepath.Base(in), d)
		}
	}
}

func TestNextAfterEnd(t *testing.T) {
	p := NewParser([]byte("a: b\n"))
	for {
		ev, err := p.Next()
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		if ev.Kind == StreamEnd {
			break
		}
	}
	for i := 0; i < 2; i++ {
		if _, err := p.Next(); err == nil || err.Error() != "EOF" {
			t.Fatalf("after StreamEnd: got %v, want io.EOF", err)
		}
	}
	p = NewParser([]byte("a: b: c\n"))
	var first error
	for i := 0; i < 10; i++ {
		if _, err := p.Next(); err != nil {
			if first == nil {
				first = err
			} else if err != first {
				t.Fatalf("second error %v differs from first %v", err, first)
			}
		}
	}
	if first == nil {
		t.Fatal("no error")
	}
}

func TestErrorString(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"a: b: c\n", "mapping values are not allowed in this context at line 1 column 5"},
		{"a: [b\n", "did not find expected ',' or ']' at line 2 column 1, while parsing a flow sequence at line 1 column 4"},
		{"\"abc", "found unexpected end of stream at line 1 column 5, while scanning a quoted scalar"},
		{"a: \xff\n", "invalid leading UTF-8 octet at position 3"},
		{"\x01", "control characters are not allowed"},
		{"key:\n\tx: y\n", "found character that cannot start any token at line 2 column 1, while scanning for the next token"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.in))
		if err == nil {
			t.Errorf("%q: no error", c.in)
			continue
		}
		if got := err.Error(); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}
