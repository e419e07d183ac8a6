package native

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// SerdeJSON re-encodes JSON text the way the gateway's serde_json::to_string(&Value) prints it:
// compact, object keys sorted (serde_json's default BTreeMap), only '"', '\\' and control
// characters escaped, integers kept, other numbers in Rust's shortest float form (1e2 → 100.0).
// ok is false when text is not JSON; the gateway then drops the field or uses null.
func SerdeJSON(text string) (out json.RawMessage, ok bool) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err == nil {
		return nil, false // trailing data: serde_json::from_str refuses it
	}
	var b bytes.Buffer
	writeSerde(&b, v)
	return b.Bytes(), true
}

// MustSerdeJSON is SerdeJSON for text known to be JSON (null otherwise).
func MustSerdeJSON(text string) json.RawMessage {
	if out, ok := SerdeJSON(text); ok {
		return out
	}
	return json.RawMessage("null")
}

func writeSerde(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case json.Number:
		b.WriteString(serdeNumber(string(v)))
	case string:
		writeSerdeString(b, v)
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeSerde(b, x)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := slices.Sorted(maps.Keys(v))
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeSerdeString(b, k)
			b.WriteByte(':')
			writeSerde(b, v[k])
		}
		b.WriteByte('}')
	}
}

func writeSerdeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\f':
			b.WriteString(`\f`)
		case c < 0x20:
			fmt.Fprintf(b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// serdeNumber prints a JSON number as serde_json does without arbitrary_precision: integers that
// fit u64 or i64 as they are, everything else as an f64 in ryu's format.
func serdeNumber(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		if _, err := strconv.ParseInt(lit, 10, 64); err == nil {
			return lit
		}
		if _, err := strconv.ParseUint(lit, 10, 64); err == nil {
			return lit
		}
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(f, 0) {
		return "null" // serde_json cannot hold it either
	}
	return ryuFormat(f)
}

// ryuFormat lays out the shortest round-trip digits of f the way the ryu crate's format64 does.
func ryuFormat(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±x
	mant, expText, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expText)
	n := len(digits)
	k := exp - (n - 1) // value = digits × 10^k
	point := n + k     // position of the decimal point within digits
	var out string
	switch {
	case k >= 0 && point <= 16:
		out = digits + strings.Repeat("0", k) + ".0"
	case point > 0 && point <= 16:
		out = digits[:point] + "." + digits[point:]
	case point > -5 && point <= 0:
		out = "0." + strings.Repeat("0", -point) + digits
	case n == 1:
		out = digits + "e" + strconv.Itoa(point-1)
	default:
		out = digits[:1] + "." + digits[1:] + "e" + strconv.Itoa(point-1)
	}
	return sign + out
}
