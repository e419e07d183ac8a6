// Package serdejson reads and re-encodes JSON text exactly as the gateway's serde_json does, so the
// harness shows a plugin's JSON in the form the gateway would log and compare, and refuses what the
// gateway would refuse with serde_json's own message and position. It uses only the standard
// library: both the worker that loads a plugin and the parent process that judges it import it.
package serdejson

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Reencode re-encodes JSON text the way the gateway's serde_json::to_string(&Value) prints it:
// compact, object keys sorted (serde_json's default BTreeMap; a repeated key keeps its last value),
// only '"', '\\' and control characters escaped, integers kept, other numbers in Rust's shortest float
// form (1e2 → 100.0, -0 → -0.0). It refuses what serde_json::from_str refuses — text that is not
// JSON, trailing data, a lone surrogate escape, a number out of f64 range, nesting past 127
// levels — with serde_json's message and position. It runs once per decision field on every call,
// so it is a single pass with no tree.
func Reencode(text string) (json.RawMessage, error) {
	w := serdeWriter{in: text, out: make([]byte, 0, len(text)+8)}
	if !utf8.ValidString(text) {
		w.i = strings.IndexFunc(text, func(r rune) bool { return r == utf8.RuneError })
		w.fail(peekError, "invalid unicode code point")
		return nil, w.error()
	}
	if w.space(); !w.value(serdeDepthLimit) {
		return nil, w.error()
	}
	if w.space(); w.i != len(w.in) {
		w.fail(peekError, "trailing characters")
		return nil, w.error()
	}
	return w.out, nil
}

// ReencodeOrNull is Reencode for text known to be JSON (null otherwise).
func ReencodeOrNull(text string) json.RawMessage {
	if out, err := Reencode(text); err == nil {
		return out
	}
	return json.RawMessage("null")
}

// Error is serde_json's refusal: its message, and the line and column (in bytes) it names.
type Error struct {
	Msg          string
	Line, Column int
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s at line %d column %d", e.Msg, e.Line, e.Column)
}

// serdeDepthLimit is serde_json's recursion limit: 128, spent before the check, so 127 levels.
const serdeDepthLimit = 127

type serdeWriter struct {
	in      string
	i       int
	out     []byte
	members []serdeMember // a stack: the open objects' members, innermost last

	msg   string // the first failure, and the offset serde_json reports it at
	msgAt int
}

// serdeMember is one rendered `"key":value` of an object, out[start:end].
type serdeMember struct {
	key        string
	start, end int
}

// serde_json places an error either after the last byte it consumed or on the byte it peeked at.
const (
	consumedError = 0
	peekError     = 1
)

func (w *serdeWriter) fail(where int, msg string) bool {
	if w.msg == "" {
		w.msg, w.msgAt = msg, min(w.i+where, len(w.in))
	}
	return false
}

func (w *serdeWriter) error() error {
	lineStart := strings.LastIndexByte(w.in[:w.msgAt], '\n') + 1
	return &Error{Msg: w.msg, Line: 1 + strings.Count(w.in[:lineStart], "\n"), Column: w.msgAt - lineStart}
}

// eof fails with serde_json's "EOF while parsing …" when the text has run out.
func (w *serdeWriter) eof(what string) bool {
	if w.i < len(w.in) {
		return false
	}
	return !w.fail(consumedError, "EOF while parsing "+what)
}

func (w *serdeWriter) space() {
	for w.i < len(w.in) {
		switch w.in[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

func (w *serdeWriter) literal(word string) bool {
	for j := 0; j < len(word); j, w.i = j+1, w.i+1 {
		if w.i == len(w.in) {
			return w.fail(consumedError, "EOF while parsing a value")
		}
		if w.in[w.i] != word[j] {
			w.i++
			return w.fail(consumedError, "expected ident")
		}
	}
	w.out = append(w.out, word...)
	return true
}

func (w *serdeWriter) value(depth int) bool {
	if w.eof("a value") {
		return false
	}
	switch c := w.in[w.i]; {
	case c == '{' || c == '[':
		if depth == 0 {
			w.i++
			return w.fail(consumedError, "recursion limit exceeded")
		}
		if c == '{' {
			return w.object(depth - 1)
		}
		return w.array(depth - 1)
	case c == '"':
		_, ok := w.string()
		return ok
	case c == 't':
		return w.literal("true")
	case c == 'f':
		return w.literal("false")
	case c == 'n':
		return w.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return w.number()
	}
	return w.fail(peekError, "expected value")
}

func (w *serdeWriter) array(depth int) bool {
	w.i++
	w.out = append(w.out, '[')
	if w.space(); w.eof("a list") {
		return false
	}
	if w.in[w.i] == ']' {
		w.i++
		w.out = append(w.out, ']')
		return true
	}
	for {
		if !w.value(depth) {
			return false
		}
		if w.space(); w.eof("a list") {
			return false
		}
		switch w.in[w.i] {
		case ',':
			w.i++
			w.out = append(w.out, ',')
			if w.space(); w.i < len(w.in) && w.in[w.i] == ']' {
				return w.fail(peekError, "trailing comma")
			}
		case ']':
			w.i++
			w.out = append(w.out, ']')
			return true
		default:
			return w.fail(peekError, "expected `,` or `]`")
		}
	}
}

func (w *serdeWriter) object(depth int) bool {
	w.i++
	open := len(w.out)
	w.out = append(w.out, '{')
	if w.space(); w.eof("an object") {
		return false
	}
	if w.in[w.i] == '}' {
		w.i++
		w.out = append(w.out, '}')
		return true
	}
	base := len(w.members)
	defer func() { w.members = w.members[:base] }()
	for {
		if w.eof("an object") {
			return false
		}
		if w.in[w.i] != '"' {
			return w.fail(peekError, "key must be a string")
		}
		start := len(w.out)
		key, ok := w.string()
		if !ok {
			return false
		}
		if w.space(); w.eof("an object") {
			return false
		}
		if w.in[w.i] != ':' {
			return w.fail(peekError, "expected `:`")
		}
		w.i++
		w.out = append(w.out, ':')
		if w.space(); !w.value(depth) {
			return false
		}
		w.members = append(w.members, serdeMember{key: key, start: start, end: len(w.out)})
		if w.space(); w.eof("an object") {
			return false
		}
		switch w.in[w.i] {
		case ',':
			w.i++
			w.out = append(w.out, ',')
			if w.space(); w.i < len(w.in) && w.in[w.i] == '}' {
				return w.fail(peekError, "trailing comma")
			}
		case '}':
			w.i++
			w.sortMembers(open, w.members[base:])
			w.out = append(w.out, '}')
			return true
		default:
			return w.fail(peekError, "expected `,` or `}`")
		}
	}
}

// sortMembers rewrites the object rendered from out[open] in key order, keeping the last of
// repeated keys. Objects already in order (serde's own output, most of what plugins send) are left.
func (w *serdeWriter) sortMembers(open int, members []serdeMember) {
	sorted := true
	for i := 1; i < len(members) && sorted; i++ {
		sorted = members[i-1].key < members[i].key
	}
	if sorted {
		return
	}
	rendered := slices.Clone(w.out[open+1:])
	slices.SortStableFunc(members, func(a, b serdeMember) int { return strings.Compare(a.key, b.key) })
	w.out = append(w.out[:open], '{')
	for i, m := range members {
		if i+1 < len(members) && members[i+1].key == m.key {
			continue // a later value for the same key replaces this one
		}
		if w.out[len(w.out)-1] != '{' {
			w.out = append(w.out, ',')
		}
		w.out = append(w.out, rendered[m.start-open-1:m.end-open-1]...)
	}
}

const controlInString = "control character (\\u0000-\\u001F) found while parsing a string"

// string copies a JSON string at w.i (the opening quote) in serde's escaping and returns its
// decoded text.
func (w *serdeWriter) string() (string, bool) {
	w.i++
	start := w.i
	for ; w.i < len(w.in); w.i++ {
		switch c := w.in[w.i]; {
		case c == '"':
			text := w.in[start:w.i]
			w.i++
			w.out = append(w.out, '"')
			w.out = append(w.out, text...)
			w.out = append(w.out, '"')
			return text, true
		case c == '\\':
			w.i = start
			return w.escapedString()
		case c < 0x20:
			w.i++
			return "", w.fail(consumedError, controlInString)
		}
	}
	return "", w.fail(consumedError, "EOF while parsing a string")
}

// escapedString is string for text with escapes, which are decoded and written again.
func (w *serdeWriter) escapedString() (string, bool) {
	var text []byte
	for w.i < len(w.in) {
		c := w.in[w.i]
		w.i++
		switch {
		case c == '"':
			w.out = appendSerdeString(w.out, string(text))
			return string(text), true
		case c < 0x20:
			return "", w.fail(consumedError, controlInString)
		case c != '\\':
			text = append(text, c)
			continue
		}
		if w.eof("a string") {
			return "", false
		}
		esc := w.in[w.i]
		w.i++
		switch esc {
		case '"', '\\', '/':
			text = append(text, esc)
		case 'b':
			text = append(text, '\b')
		case 'f':
			text = append(text, '\f')
		case 'n':
			text = append(text, '\n')
		case 'r':
			text = append(text, '\r')
		case 't':
			text = append(text, '\t')
		case 'u':
			r, ok := w.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				// serde_json takes only a leading surrogate followed by an escaped trailing one.
				if r >= 0xdc00 {
					return "", w.fail(consumedError, "lone leading surrogate in hex escape")
				}
				for _, want := range []byte{'\\', 'u'} {
					if w.eof("a string") {
						return "", false
					}
					if w.i++; w.in[w.i-1] != want {
						return "", w.fail(consumedError, "unexpected end of hex escape")
					}
				}
				low, ok := w.hex4()
				if !ok {
					return "", false
				}
				if low < 0xdc00 || low > 0xdfff {
					return "", w.fail(consumedError, "lone leading surrogate in hex escape")
				}
				r = utf16.DecodeRune(r, low)
			}
			text = utf8.AppendRune(text, r)
		default:
			return "", w.fail(consumedError, "invalid escape")
		}
	}
	return "", w.fail(consumedError, "EOF while parsing a string")
}

// hex4 reads the four digits of a \\u escape; like serde_json it takes all four bytes first.
func (w *serdeWriter) hex4() (rune, bool) {
	if len(w.in)-w.i < 4 {
		w.i = len(w.in)
		return 0, w.fail(consumedError, "EOF while parsing a string")
	}
	var n rune
	for _, c := range []byte(w.in[w.i : w.i+4]) {
		switch {
		case c >= '0' && c <= '9':
			n = n<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			n = n<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			n = n<<4 | rune(c-'A'+10)
		default:
			w.i += 4
			return 0, w.fail(consumedError, "invalid escape")
		}
	}
	w.i += 4
	return n, true
}

// appendSerdeString appends s as serde_json writes a string: only '"', '\\' and control characters
// escaped, the short forms where JSON has them.
func appendSerdeString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			b = append(b, `\"`...)
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c == '\b':
			b = append(b, `\b`...)
		case c == '\f':
			b = append(b, `\f`...)
		case c < 0x20:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
