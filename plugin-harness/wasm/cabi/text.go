package cabi

// Decoding guest strings with the errors Rust reports for them: Wasmtime lifts a utf8 string with
// core::str::from_utf8 and a UTF-16 one with core::char::decode_utf16, and the gateway prints
// their Display text.

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// rustUTF8Error is the Display of core::str::Utf8Error for b, or "" when b is valid UTF-8. Go and
// Rust accept exactly the same sequences; only the error's position and length need Rust's
// reading (core/src/str/validations.rs run_utf8_validation): the index where the bad sequence
// starts, and how many bytes of it are invalid — or none when the input ends inside it.
func rustUTF8Error(b []byte) string {
	if utf8.Valid(b) {
		return ""
	}
	cont := func(c byte) bool { return c&0xC0 == 0x80 }
	for i := 0; i < len(b); {
		start, first := i, b[i]
		if first < 0x80 {
			i++
			continue
		}
		invalid := func(n int) string {
			return fmt.Sprintf("invalid utf-8 sequence of %d bytes from index %d", n, start)
		}
		incomplete := fmt.Sprintf("incomplete utf-8 byte sequence from index %d", start)
		next := func() (byte, bool) {
			i++
			if i >= len(b) {
				return 0, false
			}
			return b[i], true
		}
		switch {
		case first >= 0xC2 && first <= 0xDF:
			c, ok := next()
			if !ok {
				return incomplete
			}
			if !cont(c) {
				return invalid(1)
			}
		case first >= 0xE0 && first <= 0xEF:
			c, ok := next()
			if !ok {
				return incomplete
			}
			switch {
			case first == 0xE0 && c >= 0xA0 && c <= 0xBF,
				first >= 0xE1 && first <= 0xEC && cont(c),
				first == 0xED && c >= 0x80 && c <= 0x9F,
				first >= 0xEE && cont(c):
			default:
				return invalid(1)
			}
			if c, ok = next(); !ok {
				return incomplete
			} else if !cont(c) {
				return invalid(2)
			}
		case first >= 0xF0 && first <= 0xF4:
			c, ok := next()
			if !ok {
				return incomplete
			}
			switch {
			case first == 0xF0 && c >= 0x90 && c <= 0xBF,
				first >= 0xF1 && first <= 0xF3 && cont(c),
				first == 0xF4 && c >= 0x80 && c <= 0x8F:
			default:
				return invalid(1)
			}
			for n := 2; n <= 3; n++ {
				if c, ok = next(); !ok {
					return incomplete
				} else if !cont(c) {
					return invalid(n)
				}
			}
		default: // 0x80–0xC1, 0xF5–0xFF start nothing
			return invalid(1)
		}
		i++
	}
	return "" // unreachable: utf8.Valid said there was an error
}

// decodeUTF16 decodes little-endian UTF-16, failing at the first unpaired surrogate with the
// Display of core::char::DecodeUtf16Error.
func decodeUTF16(b []byte) (string, string) {
	var sb strings.Builder
	sb.Grow(len(b)) // at most 3 UTF-8 bytes per 2-byte unit; a guess that is right for ASCII
	n := len(b) / 2
	unit := func(i int) uint16 { return binary.LittleEndian.Uint16(b[2*i:]) }
	for i := 0; i < n; i++ {
		u := unit(i)
		switch {
		case u < 0xD800 || u > 0xDFFF:
			sb.WriteRune(rune(u))
		case u >= 0xDC00: // a trailing surrogate first
			return "", fmt.Sprintf("unpaired surrogate found: %x", u)
		default:
			if i+1 >= n {
				return "", fmt.Sprintf("unpaired surrogate found: %x", u)
			}
			u2 := unit(i + 1)
			if u2 < 0xDC00 || u2 > 0xDFFF {
				return "", fmt.Sprintf("unpaired surrogate found: %x", u)
			}
			sb.WriteRune(rune(uint32(u&0x3FF)<<10|uint32(u2&0x3FF)) + 0x10000)
			i++
		}
	}
	return sb.String(), ""
}

// decodeLatin1 maps each byte to the code point of the same value (ISO-8859-1, as encoding_rs's
// decode_latin1 does).
func decodeLatin1(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(2 * len(b))
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}
