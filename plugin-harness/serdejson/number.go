package serdejson

import (
	"math"
	"strconv"
	"strings"
)

// Numbers are where serde_json differs most from encoding/json: integers are kept as written,
// everything else is read by serde_json's own (not correctly rounded) parser and printed in Rust's
// shortest float form.

func (w *serdeWriter) number() bool {
	start := w.i
	digits := func() bool {
		if w.eof("a value") {
			return false
		}
		if !isDigit(w.in[w.i]) {
			w.i++
			return w.fail(consumedError, "invalid number")
		}
		for w.i < len(w.in) && isDigit(w.in[w.i]) {
			w.i++
		}
		return true
	}
	if w.in[w.i] == '-' {
		w.i++
	}
	if w.i < len(w.in) && w.in[w.i] == '0' {
		if w.i++; w.i < len(w.in) && isDigit(w.in[w.i]) {
			return w.fail(peekError, "invalid number")
		}
	} else if !digits() {
		return false
	}
	if w.i < len(w.in) && w.in[w.i] == '.' {
		w.i++
		if !digits() {
			return false
		}
	}
	if w.i < len(w.in) && (w.in[w.i] == 'e' || w.in[w.i] == 'E') {
		zero := strings.Trim(w.in[start:w.i], "-0.") == ""
		w.i++
		negative := w.i < len(w.in) && w.in[w.i] == '-'
		if w.i < len(w.in) && (w.in[w.i] == '+' || negative) {
			w.i++
		}
		from := w.i
		if !digits() {
			return false
		}
		// serde_json stops at the digit that takes the exponent past i32 when that means infinity.
		if !zero && !negative {
			exp := int64(0)
			for j := from; j < w.i; j++ {
				if exp = exp*10 + int64(w.in[j]-'0'); exp > math.MaxInt32 {
					w.i = j + 1
					return w.fail(consumedError, "number out of range")
				}
			}
		}
	}
	text, ok := serdeNumber(w.in[start:w.i])
	if !ok {
		return w.fail(consumedError, "number out of range")
	}
	w.out = append(w.out, text...)
	return true
}

// serdeNumber prints a JSON number literal (already checked against the grammar) as serde_json
// does without arbitrary_precision: an integer that fits u64, or a negative one down to i64's
// minimum, as it is; anything else becomes an f64, read by serde_json's own best-effort parser (not
// correctly rounded: 929696.1415414353 reads as 929696.1415414352) and printed by serdeFloat.
// ok is false for a number beyond f64, which serde_json refuses ("number out of range").
func serdeNumber(lit string) (string, bool) {
	neg := lit[0] == '-'
	digits := lit[len("-")*boolInt(neg):]
	var significand uint64
	exponent := 0 // value = significand × 10^exponent
	overflowed := false
	i := 0
	for ; i < len(digits) && isDigit(digits[i]); i++ {
		if overflowed = overflowed || u64Overflows(significand, digits[i]); overflowed {
			exponent++ // serde_json drops the digits past u64 and keeps their weight
		} else {
			significand = significand*10 + uint64(digits[i]-'0')
		}
	}
	if i == len(digits) && !overflowed {
		if !neg || significand >= 1 && significand <= 1<<63 {
			return lit, true
		}
		return serdeFloat(-float64(significand)), true // -0 and below i64's minimum
	}
	if i < len(digits) && digits[i] == '.' {
		// serde_json tries each fraction digit again even after the integer part overflowed,
		// and drops the rest once one does not fit.
		dropping := false
		for i++; i < len(digits) && isDigit(digits[i]); i++ {
			if dropping = dropping || u64Overflows(significand, digits[i]); !dropping {
				significand = significand*10 + uint64(digits[i]-'0')
				exponent--
			}
		}
	}
	if i < len(digits) { // e or E
		i++
		negExp := digits[i] == '-'
		if digits[i] == '-' || digits[i] == '+' {
			i++
		}
		exp := int64(0)
		for ; i < len(digits); i++ {
			if exp = exp*10 + int64(digits[i]-'0'); exp > math.MaxInt32 {
				if significand != 0 && !negExp {
					return "", false
				}
				return serdeFloat(math.Copysign(0, float64(-boolInt(neg)))), true
			}
		}
		if negExp {
			exp = -exp
		}
		exponent = int(max(math.MinInt32, min(math.MaxInt32, int64(exponent)+exp)))
	}
	f, ok := serdeFromParts(significand, exponent)
	if neg {
		f = -f
	}
	return serdeFloat(f), ok
}

// serdeFromParts is serde_json's f64_from_parts: the significand as an f64, multiplied or divided
// once by a power of ten from its table (1e0…1e308), or divided by 1e308 until one fits.
func serdeFromParts(significand uint64, exponent int) (float64, bool) {
	f := float64(significand)
	for {
		if e := abs(exponent); e < len(pow10) {
			if exponent < 0 {
				return f / pow10[e], true
			}
			f *= pow10[e]
			return f, !math.IsInf(f, 0)
		}
		if f == 0 {
			return f, true
		}
		if exponent >= 0 {
			return 0, false
		}
		f /= 1e308
		exponent += 308
	}
}

// pow10 holds 1e0…1e308 correctly rounded, as Rust's float literals in serde_json's table are
// (math.Pow10 multiplies two table entries and is not always correctly rounded).
var pow10 = func() (t [309]float64) {
	for i := range t {
		t[i], _ = strconv.ParseFloat("1e"+strconv.Itoa(i), 64)
	}
	return t
}()

// u64Overflows is serde_json's overflow!(n * 10 + digit, u64::MAX).
func u64Overflows(n uint64, digit byte) bool {
	const limit = math.MaxUint64
	return n >= limit/10 && (n > limit/10 || uint64(digit-'0') > limit%10)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// serdeFloat lays out the shortest round-trip digits of f as serde_json's float writer does: 100.0,
// 0.00001, 1e-6, 1e+16, 1.5e+300. That is the zmij crate of current serde_json (1.0.154 is the
// oracle in the tests); older releases used ryu, which wrote no "+" in a positive exponent.
func serdeFloat(f float64) string {
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
	default:
		mantissa := digits[:1]
		if n > 1 {
			mantissa += "." + digits[1:]
		}
		exp := strconv.Itoa(point - 1)
		if point > 1 {
			exp = "+" + exp
		}
		out = mantissa + "e" + exp
	}
	return sign + out
}
