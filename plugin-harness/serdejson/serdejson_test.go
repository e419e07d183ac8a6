package serdejson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// serdeVectors are serde_json 1.0.154's answers (serde-json-echo), kept here so the test runs
// without cargo too; TestSerdeJSONAgainstSerde checks them against the real thing. "" is a refusal.
var serdeVectors = []struct{ in, out string }{
	{`{"b":1,"a":2}`, `{"a":2,"b":1}`},
	{` { "a" : [ 1 , true , null ] } `, `{"a":[1,true,null]}`},
	{`{"a":1,"a":2}`, `{"a":2}`},
	{`{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`},
	{`{"z":{"y":1,"x":2},"a":[{"d":1,"c":2}]}`, `{"a":[{"c":2,"d":1}],"z":{"x":2,"y":1}}`},
	{`{"\u0062":1,"a":2}`, `{"a":2,"b":1}`},
	{`{"é":1,"z":2}`, `{"z":2,"é":1}`},
	{`"\u00e9\/\u0001\n\u007f\""`, `"é/\u0001\n` + "\x7f" + `\""`},
	{`"\ud83d\ude00"`, `"😀"`},
	{`"\ud83d"`, ``},
	{`"\ude00"`, ``},
	{`"\ud83dx"`, ``},
	{`"\ud83d\u0041"`, ``},
	{"\"\t\"", ``},
	{`-0`, `-0.0`},
	{`-0.0`, `-0.0`},
	{`0`, `0`},
	{`1e2`, `100.0`},
	{`1E+2`, `100.0`},
	{`18446744073709551615`, `18446744073709551615`},
	{`18446744073709551616`, `1.8446744073709552e+19`},
	{`-9223372036854775808`, `-9223372036854775808`},
	{`-9223372036854775809`, `-9.223372036854776e+18`},
	{`0.1`, `0.1`},
	{`1e15`, `1000000000000000.0`},
	{`1e16`, `1e+16`},
	{`1e-5`, `0.00001`},
	{`1e-6`, `1e-6`},
	{`1.5e300`, `1.5e+300`},
	{`5e-324`, `5e-324`},
	{`1e-400`, `0.0`},
	{`1e400`, ``},
	{`-1e400`, ``},
	{`123456789012345678901234567890`, `1.2345678901234568e+29`},
	{``, ``},
	{`{`, ``},
	{`{"a"}`, ``},
	{`{"a":1,}`, ``},
	{`[1,]`, ``},
	{`[1 2]`, ``},
	{`01`, ``},
	{`1.`, ``},
	{`.5`, ``},
	{`+1`, ``},
	{`-`, ``},
	{`1e`, ``},
	{`"a`, ``},
	{`nul`, ``},
	{`truex`, ``},
	{`{} x`, ``},
	{`1 2`, ``},
	{`"\x"`, ``},
	{`"\u12"`, ``},
	{`{1:2}`, ``},
	{strings.Repeat("[", 127) + strings.Repeat("]", 127), strings.Repeat("[", 127) + strings.Repeat("]", 127)},
	{strings.Repeat("[", 128) + strings.Repeat("]", 128), ``},
	{strings.Repeat(`{"a":`, 128) + "1" + strings.Repeat("}", 128), ``},
}

func TestSerdeJSONVectors(t *testing.T) {
	for i, v := range serdeVectors {
		t.Run(caseName(i, v.in), func(t *testing.T) {
			out, err := Reencode(v.in)
			if (err == nil) != (v.out != "") || string(out) != v.out {
				t.Errorf("Reencode(%.60q) = %q, %v; want %q", v.in, out, err, v.out)
			}
		})
	}
}

// serdeRefusals are serde_json's own words for some refusals (serde-json-echo), position included.
var serdeRefusals = []struct{ in, err string }{
	{``, "EOF while parsing a value at line 1 column 0"},
	{`{"a":`, "EOF while parsing a value at line 1 column 5"},
	{"{\n  \"n\": 1e400}", "number out of range at line 2 column 12"},
	{`[1,]`, "trailing comma at line 1 column 4"},
	{`{} x`, "trailing characters at line 1 column 4"},
	{`"\ud800"`, "unexpected end of hex escape at line 1 column 8"},
	{"\"\xff\"", "invalid unicode code point at line 1 column 2"},
	{strings.Repeat("[", 128), "recursion limit exceeded at line 1 column 128"},
}

func TestSerdeJSONRefusals(t *testing.T) {
	for i, r := range serdeRefusals {
		t.Run(caseName(i, r.in), func(t *testing.T) {
			if _, err := Reencode(r.in); err == nil || err.Error() != r.err {
				t.Errorf("Reencode(%.60q): %v; want %s", r.in, err, r.err)
			}
		})
	}
}

// caseName names a subtest by its index (for -run) and the start of its input (for the reader).
func caseName(i int, in string) string {
	return fmt.Sprintf("%d %.24q", i, in)
}

// TestSerdeJSONAgainstSerde runs the vectors and some thousands of generated and mutated
// documents through serde_json itself (serde-json-echo, built by scripts/build-fixtures) and
// requires the same bytes, or a refusal on both sides.
func TestSerdeJSONAgainstSerde(t *testing.T) {
	echo := filepath.Join(os.Getenv("MCPG_RUST_FIXTURES"), "serde-json-echo")
	if _, err := os.Stat(echo); err != nil || os.Getenv("MCPG_RUST_FIXTURES") == "" {
		if os.Getenv("MCPG_TEST_TOOLS") != "" {
			t.Fatalf("%s is missing: scripts/build-fixtures did not run", echo)
		}
		t.Skip("needs serde-json-echo from scripts/build-fixtures (cargo)")
	}
	var inputs []string
	for _, v := range serdeVectors {
		inputs = append(inputs, v.in)
	}
	for _, r := range serdeRefusals {
		if utf8.ValidString(r.in) {
			inputs = append(inputs, r.in)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		doc := genJSON(rng, 0)
		inputs = append(inputs, doc)
		// The oracle reads Go strings through JSON, which mends invalid UTF-8; that case is in
		// the vectors.
		if bad := mutate(rng, doc); utf8.ValidString(bad) {
			inputs = append(inputs, bad)
		}
	}
	payload, _ := json.Marshal(inputs)
	cmd := exec.Command(echo)
	cmd.Stdin = bytes.NewReader(payload)
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("serde-json-echo: %v", err)
	}
	var answers []struct {
		OK  *string `json:"ok"`
		Err string  `json:"err"`
	}
	if err := json.Unmarshal(raw, &answers); err != nil || len(answers) != len(inputs) {
		t.Fatalf("serde-json-echo answered %d of %d (%v)", len(answers), len(inputs), err)
	}
	bad := 0
	for i, in := range inputs {
		// Named by index only: most inputs are generated, and the failure message quotes them.
		ok := t.Run(fmt.Sprintf("input %d", i), func(t *testing.T) {
			out, err := Reencode(in)
			a := answers[i]
			switch {
			case a.OK == nil && err == nil:
				t.Errorf("serde_json refuses %q (%s); Reencode gives %s", in, a.Err, out)
			case a.OK != nil && err != nil:
				t.Errorf("serde_json takes %q as %s; Reencode refuses it: %v", in, *a.OK, err)
			case a.OK == nil && err.Error() != a.Err:
				t.Errorf("%q:\n serde_json %s\n Reencode   %v", in, a.Err, err)
			case a.OK != nil && *a.OK != string(out):
				t.Errorf("%q:\n serde_json %s\n Reencode   %s", in, *a.OK, out)
			}
		})
		if !ok {
			if bad++; bad == 20 {
				t.Fatal("too many differences")
			}
		}
	}
}

// genJSON makes a random JSON document biased toward what Reencode must get right: unsorted and
// repeated keys, escapes, surrogates, numbers at the edges of u64/i64/f64, whitespace.
func genJSON(rng *rand.Rand, depth int) string {
	ws := func() string { return []string{"", "", " ", "\n\t", "\r "}[rng.IntN(5)] }
	switch n := rng.IntN(10); {
	case n < 2 && depth < 5:
		var b strings.Builder
		b.WriteString("{" + ws())
		for i := range rng.IntN(5) {
			if i > 0 {
				b.WriteString("," + ws())
			}
			b.WriteString(genString(rng, true) + ws() + ":" + ws() + genJSON(rng, depth+1))
		}
		return b.String() + ws() + "}"
	case n < 4 && depth < 5:
		var parts []string
		for range rng.IntN(5) {
			parts = append(parts, ws()+genJSON(rng, depth+1)+ws())
		}
		return "[" + strings.Join(parts, ",") + "]"
	case n < 6:
		return genString(rng, false)
	case n < 9:
		return genNumber(rng)
	}
	return []string{"true", "false", "null"}[rng.IntN(3)]
}

func genString(rng *rand.Rand, key bool) string {
	if key && rng.IntN(2) == 0 {
		return strconv.Quote(string(rune('a' + rng.IntN(4)))) // few keys: repeats and reorderings
	}
	pieces := []string{"a", "Z", "é", "😀", `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u0000`,
		`\u001f`, `\u007f`, `\u00e9`, `\uD83D\uDE00`, `\ud800`, `\udc00`, `\ud800\u0041`, "\x7f", " "}
	var b strings.Builder
	b.WriteByte('"')
	for range rng.IntN(6) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	b.WriteByte('"')
	return b.String()
}

func genNumber(rng *rand.Rand) string {
	edges := []string{"0", "-0", "-0.0", "1", "-1", "18446744073709551615", "18446744073709551616",
		"9223372036854775807", "-9223372036854775808", "-9223372036854775809", "1e15", "1e16",
		"1e-5", "1e-6", "1.7976931348623157e308", "1.8e308", "5e-324", "2e-324", "1e-400", "0.1",
		"100000000000000000000000", "0.30000000000000004", "1E+2", "1e-0", "123.456e-7",
		"184467440737095516190.3", "18446744073709551615.9", "0e99999999999", "1e99999999999",
		"1e-99999999999", "-0e-2147483648", "1e2147483647", "1e-2147483648", "0.0000000000e400"}
	if rng.IntN(2) == 0 {
		return edges[rng.IntN(len(edges))]
	}
	switch rng.IntN(5) {
	case 4: // long digit strings: serde_json's overflow and truncation paths
		digits := func(n int) string {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte('0' + rng.IntN(10))
			}
			if b[0] == '0' && n > 1 {
				b[0] = '1'
			}
			return string(b)
		}
		lit := digits(1 + rng.IntN(30))
		if rng.IntN(2) == 0 {
			lit += "." + digits(1+rng.IntN(30))
		}
		if rng.IntN(2) == 0 {
			lit += "e" + []string{"", "+", "-"}[rng.IntN(3)] + strconv.Itoa(rng.IntN(700))
		}
		return []string{"", "-"}[rng.IntN(2)] + lit
	case 0:
		return strconv.FormatInt(rng.Int64()>>rng.IntN(64), 10)
	case 1:
		return strconv.FormatFloat(rng.NormFloat64()*1e6, 'g', -1, 64)
	case 2:
		return strconv.FormatFloat(rng.ExpFloat64()*1e-8, 'e', rng.IntN(17), 64)
	}
	return strconv.Itoa(rng.IntN(1000)) + "." + strconv.Itoa(rng.IntN(1000)) + "e" + strconv.Itoa(rng.IntN(40)-20)
}

// mutate deletes, duplicates or inserts a byte: mostly invalid documents, to check refusals.
func mutate(rng *rand.Rand, doc string) string {
	if doc == "" {
		return doc
	}
	i := rng.IntN(len(doc))
	switch rng.IntN(3) {
	case 0:
		return doc[:i] + doc[i+1:]
	case 1:
		return doc[:i] + doc[i:i+1] + doc[i:]
	}
	const alphabet = "{}[]:,\"\\-+.eE0 \t\x01tfnu"
	return doc[:i] + string(alphabet[rng.IntN(len(alphabet))]) + doc[i:]
}

// FuzzSerdeJSON checks Reencode against an encoding/json reading of the same text: both accept
// or both refuse (bar serde_json's extra refusals), accepted text prints the same, and the output
// is accepted in turn.
func FuzzSerdeJSON(f *testing.F) {
	for _, v := range serdeVectors {
		f.Add(v.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Reencode(in)
		ok := err == nil
		ref, refOK := referenceSerde(in)
		if !ok {
			if refOK && !serdeRefusesMore(in) {
				t.Fatalf("Reencode refuses %q; encoding/json reads it as %s", in, ref)
			}
			return
		}
		if !refOK {
			t.Fatalf("Reencode takes %q as %s; encoding/json refuses it", in, out)
		}
		if !bytes.Equal(out, ref) {
			t.Fatalf("%q:\n Reencode  %s\n reference %s", in, out, ref)
		}
		// Not a fixed point: serde_json's float reading is not correctly rounded, so printing
		// and reading again can move a float by an ulp (4.0012624100781667e+21 → …66e+21).
		if _, err := Reencode(string(out)); err != nil {
			t.Fatalf("Reencode refuses its own output %s: %v", out, err)
		}
	})
}

// serdeRefusesMore says whether serde_json has a reason encoding/json lacks to refuse in:
// invalid UTF-8 or an escaped surrogate (Go replaces both with U+FFFD), or nesting past
// serde_json's limit.
func serdeRefusesMore(in string) bool {
	return !utf8.ValidString(in) || strings.Contains(strings.ToLower(in), `\ud`) ||
		strings.Count(in, "[")+strings.Count(in, "{") > serdeDepthLimit
}

// referenceSerde is the obvious Reencode: decode into a tree with encoding/json, print it sorted.
func referenceSerde(in string) ([]byte, bool) {
	dec := json.NewDecoder(strings.NewReader(in))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if strings.TrimLeft(in[dec.InputOffset():], " \t\r\n") != "" {
		return nil, false // trailing data
	}
	var out []byte
	ok := true
	var write func(any)
	write = func(v any) {
		switch v := v.(type) {
		case nil:
			out = append(out, "null"...)
		case bool:
			out = strconv.AppendBool(out, v)
		case json.Number:
			text, numOK := serdeNumber(string(v))
			ok = ok && numOK
			out = append(out, text...)
		case string:
			out = appendSerdeString(out, v)
		case []any:
			out = append(out, '[')
			for i, x := range v {
				if i > 0 {
					out = append(out, ',')
				}
				write(x)
			}
			out = append(out, ']')
		case map[string]any:
			out = append(out, '{')
			for i, k := range slices.Sorted(maps.Keys(v)) {
				if i > 0 {
					out = append(out, ',')
				}
				out = appendSerdeString(out, k)
				out = append(out, ':')
				write(v[k])
			}
			out = append(out, '}')
		}
	}
	write(v)
	return out, ok
}
