package yamlevents

// Helpers shared by the golden and differential tests: they render this package's events and
// error in the JSON shape of the reference dump (one object per event, then either the
// stream-end event or an {"error": …} object) and compare with the reference output.
//
// The reference output comes from a small dumper around unsafe-libyaml 0.2.11 (= libyaml 0.2.5),
// the parser under serde_yaml 0.9; see testdata/refresh.sh.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"unicode/utf8"
)

var eventCodes = [...]string{"+STR", "-STR", "+DOC", "-DOC", "=ALI", "=VAL", "+SEQ", "-SEQ", "+MAP", "-MAP"}

func markJSON(m Mark) []any { return []any{m.Index, m.Line, m.Column} }

func optString(s string) any {
	if s == "" {
		return nil
	}
	return lossy(s)
}

// lossy converts invalid UTF-8 the way Rust's String::from_utf8_lossy does (one U+FFFD per
// maximal invalid subpart).
func lossy(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b []byte
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError || w > 1 {
			b = append(b, s[i:i+w]...)
			i += w
			continue
		}
		// maximal subpart: a lead byte followed by as many valid continuation bytes as fit
		n := 1
		c := s[i]
		need, lo, hi := 0, byte(0x80), byte(0xBF)
		switch {
		case c >= 0xC2 && c <= 0xDF:
			need = 1
		case c == 0xE0:
			need, lo = 2, 0xA0
		case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
			need = 2
		case c == 0xED:
			need, hi = 2, 0x9F
		case c == 0xF0:
			need, lo = 3, 0x90
		case c >= 0xF1 && c <= 0xF3:
			need = 3
		case c == 0xF4:
			need, hi = 3, 0x8F
		}
		for k := 0; k < need && i+n < len(s); k++ {
			t := s[i+n]
			if t < lo || t > hi {
				break
			}
			lo, hi = 0x80, 0xBF
			n++
		}
		b = append(b, "\uFFFD"...)
		i += n
	}
	return string(b)
}

func eventObject(ev Event) map[string]any {
	o := map[string]any{"e": eventCodes[ev.Kind], "sm": markJSON(ev.Start), "em": markJSON(ev.End)}
	switch ev.Kind {
	case DocumentStart, DocumentEnd:
		o["implicit"] = ev.Implicit
	case Alias:
		o["anchor"] = optString(ev.Anchor)
	case Scalar:
		o["anchor"] = optString(ev.Anchor)
		o["tag"] = optString(ev.Tag)
		if ev.tagged && ev.Tag == "" {
			o["tag"] = ""
		}
		o["value"] = lossy(ev.Value)
		o["style"] = ev.Style
		o["pi"] = ev.PlainImplicit
		o["qi"] = ev.QuotedImplicit
	case SequenceStart, MappingStart:
		o["anchor"] = optString(ev.Anchor)
		o["tag"] = optString(ev.Tag)
		if ev.tagged && ev.Tag == "" {
			o["tag"] = ""
		}
		o["implicit"] = ev.Implicit
		o["style"] = ev.Style
	}
	return o
}

func errorObject(e *Error) map[string]any {
	var ctx any
	if e.Context != "" {
		ctx = e.Context
	}
	return map[string]any{"error": map[string]any{
		"kind": e.Kind, "problem": e.Problem, "offset": e.Offset, "value": e.Value,
		"pm": markJSON(e.ProblemMark), "context": ctx, "cm": markJSON(e.ContextMark)}}
}

// ourLines parses input and renders the result as decoded JSON values.
func ourLines(input []byte) []any {
	evs, err := Parse(input)
	var out []any
	for _, ev := range evs {
		out = append(out, normalize(eventObject(ev)))
	}
	if err != nil {
		out = append(out, normalize(errorObject(err)))
	}
	return out
}

func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// parseDump splits reference output into per-file line lists. Files are keyed by the "file"
// value of their header line; with noHeader the whole text is one file keyed "".
func parseDump(out []byte, noHeader bool) (map[string][]any, []string, error) {
	res := map[string][]any{}
	var order []string
	cur := ""
	if noHeader {
		order = append(order, "")
		res[""] = nil
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<28)
	for sc.Scan() {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var v any
		if err := json.Unmarshal(line, &v); err != nil {
			return nil, nil, fmt.Errorf("bad reference line %q: %v", line, err)
		}
		if m, ok := v.(map[string]any); ok && !noHeader {
			if f, ok := m["file"].(string); ok && len(m) == 1 {
				cur = f
				order = append(order, f)
				res[f] = nil
				continue
			}
		}
		res[cur] = append(res[cur], v)
	}
	return res, order, sc.Err()
}

// firstDifference compares our rendering with the reference; "" when they agree.
func firstDifference(input []byte, want []any) string {
	got := ourLines(input)
	n := len(got)
	if len(want) > n {
		n = len(want)
	}
	for i := 0; i < n; i++ {
		var g, w any
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if !reflect.DeepEqual(g, w) {
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			return fmt.Sprintf("line %d:\n  got  %s\n  want %s", i, gj, wj)
		}
	}
	return ""
}
