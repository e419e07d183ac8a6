package native

// What the gateway's decoders accept of a JSON answer (docs/native-kinds.md): each kind's result
// envelope and wire DTO (mcpg-plugin-protocol src/*.rs) written as a shape, checked the way serde
// would read it — unknown fields ignored, a missing Option field taken as None, integers where
// the DTO has u64/i64. A shape that does not match is a violation naming the slot and the field.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// shape is one serde type's acceptance test: v is a value decoded with UseNumber; the result is
// "" when serde would accept it, else what it found wrong, with the path to it.
type shape interface {
	check(v any, path string) string
	describe() string
}

type (
	strShape  struct{}
	boolShape struct{}
	nullShape struct{} // (): serde reads unit from null only
	anyShape  struct{} // serde_json::Value
	numShape  struct {
		kind string // u64, i64, f64, u32
	}
	optShape   struct{ of shape }
	arrShape   struct{ of shape }
	mapShape   struct{ of shape }
	enumShape  struct{ values []string } // a unit enum, serde's snake_case strings
	fieldShape struct {
		name     string
		of       shape
		optional bool // serde(default) or an Option field: absent is fine
	}
	objShape struct{ fields []fieldShape }
	// taggedShape is serde(tag = "…"): an object whose tag field names the variant; each
	// variant's other fields sit beside it.
	taggedShape struct {
		tag      string
		variants map[string]*objShape
	}
	// envelopeShape is mcpg-plugin-protocol's ResultEnvelope as decode_result_envelope reads it:
	// an object; the last of "ok" or "err" wins; other keys ignored; neither is an error.
	envelopeShape struct{ ok, err shape }
	// untaggedShape is the adapters' own `#[serde(untagged)] enum Wire { Ok {ok: T}, Err {err: E} }`:
	// the first variant that reads wins, so an Option ok accepts an object with neither key.
	untaggedShape struct{ ok, err shape }
	// resultShape is Rust's own Result as serde_json reads it (externally tagged): an object of
	// exactly one key, "Ok" or "Err" — what credential_issuer.issue and approval_notifier.notify
	// answer, whatever abi.rs's comments say.
	resultShape struct{ ok, err shape }
	// tupleShape is a Rust tuple: an array of exactly these elements.
	tupleShape struct{ of []shape }
	// externalShape is a serde enum without attributes (externally tagged): a unit variant is
	// its name as a string, a struct variant an object of one key, the name.
	externalShape struct {
		units   []string
		structs map[string]*objShape
	}
	// bytesShape is bytes::Bytes: serde_json hands it an array of u8, or a string's bytes.
	bytesShape struct{}
)

func obj(fields ...fieldShape) *objShape { return &objShape{fields} }
func req(name string, s shape) fieldShape {
	if _, isOpt := s.(optShape); isOpt {
		return fieldShape{name, s, true} // a derived Option field may be absent
	}
	return fieldShape{name, s, false}
}
func opt(name string, s shape) fieldShape { return fieldShape{name, s, true} }

var (
	tStr  shape = strShape{}
	tBool shape = boolShape{}
	tNull shape = nullShape{}
	tAny  shape = anyShape{}
	tU64  shape = numShape{"u64"}
	tU32  shape = numShape{"u32"}
	tI64  shape = numShape{"i64"}
	tF64  shape = numShape{"f64"}
	tU8   shape = numShape{"u8"}
)

func tOpt(s shape) shape            { return optShape{s} }
func tArr(s shape) shape            { return arrShape{s} }
func tMap(s shape) shape            { return mapShape{s} }
func tEnum(values ...string) shape  { return enumShape{values} }
func envelope(ok, err shape) shape  { return envelopeShape{ok, err} }
func untagged(ok, err shape) shape  { return untaggedShape{ok, err} }
func stdResult(ok, err shape) shape { return resultShape{ok, err} }
func tTuple(of ...shape) shape      { return tupleShape{of} }
func external(units []string, structs map[string]*objShape) shape {
	return externalShape{units, structs}
}

var tBytes shape = bytesShape{}

func tagged(tag string, variants map[string]*objShape) shape {
	return taggedShape{tag, variants}
}

// unitErrors is the error enum every sink shares: serde(tag = "kind") with a reason on the first.
func unitErrors(first string) shape {
	return tagged("kind", map[string]*objShape{first: obj(req("reason", tStr)), "throttled": obj(), "closed": obj(), "timeout": obj()})
}

func found(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "the number " + x.String()
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func at(path string) string {
	if path == "" {
		return "the answer"
	}
	return path
}

func (strShape) check(v any, path string) string {
	if _, ok := v.(string); ok {
		return ""
	}
	return fmt.Sprintf("%s: expected a string, found %s", at(path), found(v))
}
func (strShape) describe() string { return "a string" }

func (boolShape) check(v any, path string) string {
	if _, ok := v.(bool); ok {
		return ""
	}
	return fmt.Sprintf("%s: expected a boolean, found %s", at(path), found(v))
}
func (boolShape) describe() string { return "a boolean" }

func (nullShape) check(v any, path string) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf("%s: expected null, found %s", at(path), found(v))
}
func (nullShape) describe() string { return "null" }

func (anyShape) check(any, string) string { return "" }
func (anyShape) describe() string         { return "any JSON" }

func (n numShape) check(v any, path string) string {
	num, ok := v.(json.Number)
	if !ok {
		return fmt.Sprintf("%s: expected %s, found %s", at(path), n.describe(), found(v))
	}
	if n.kind == "f64" {
		return ""
	}
	if !n.fits(num.String()) { // serde_json reads a u64/i64 only from an integer literal
		return fmt.Sprintf("%s: expected %s, found %s", at(path), n.describe(), found(v))
	}
	return ""
}

// fits reports whether the JSON number text is an integer literal in n's range (ParseInt and
// ParseUint take only such literals: no fraction, no exponent).
func (n numShape) fits(text string) bool {
	if n.kind == "i64" {
		// serde_json reads -0 as the float -0.0, which no integer type accepts.
		_, err := strconv.ParseInt(text, 10, 64)
		return err == nil && text != "-0"
	}
	bits := 64
	switch n.kind {
	case "u32":
		bits = 32
	case "u8":
		bits = 8
	}
	_, err := strconv.ParseUint(text, 10, bits)
	return err == nil
}
func (n numShape) describe() string {
	switch n.kind {
	case "f64":
		return "a number"
	case "i64":
		return "an integer (i64)"
	}
	return "a non-negative integer (" + n.kind + ")"
}

func (o optShape) check(v any, path string) string {
	if v == nil {
		return ""
	}
	p := o.of.check(v, path)
	if strings.HasPrefix(p, at(path)+": expected ") {
		// The value itself is of the wrong type (not something inside it): null was fine too.
		return fmt.Sprintf("%s: expected %s, found %s", at(path), o.describe(), found(v))
	}
	return p
}
func (o optShape) describe() string { return o.of.describe() + " or null" }

func (a arrShape) check(v any, path string) string {
	xs, ok := v.([]any)
	if !ok {
		return fmt.Sprintf("%s: expected %s, found %s", at(path), a.describe(), found(v))
	}
	num, numbers := a.of.(numShape) // byte arrays: no path made for an element that fits
	for i, x := range xs {
		if n, ok := x.(json.Number); numbers && ok && (num.kind == "f64" || num.fits(string(n))) {
			continue
		}
		if p := a.of.check(x, path+"["+strconv.Itoa(i)+"]"); p != "" {
			return p
		}
	}
	return ""
}
func (a arrShape) describe() string { return "an array of " + a.of.describe() }

func (m mapShape) check(v any, path string) string {
	o, ok := v.(map[string]any)
	if !ok {
		return fmt.Sprintf("%s: expected an object, found %s", at(path), found(v))
	}
	for _, k := range sortedKeys(o) {
		if p := m.of.check(o[k], join(path, k)); p != "" {
			return p
		}
	}
	return ""
}
func (m mapShape) describe() string { return "an object" }

func (e enumShape) check(v any, path string) string {
	s, ok := v.(string)
	if ok && slices.Contains(e.values, s) {
		return ""
	}
	return fmt.Sprintf("%s: expected one of %s, found %s", at(path), quoteAll(e.values), foundValue(v))
}
func (e enumShape) describe() string { return "one of " + quoteAll(e.values) }

func (o *objShape) check(v any, path string) string {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Sprintf("%s: expected an object, found %s", at(path), found(v))
	}
	return o.fieldsOf(m, path)
}

func (o *objShape) fieldsOf(m map[string]any, path string) string {
	for _, f := range o.fields {
		x, present := m[f.name]
		if !present {
			if f.optional {
				continue
			}
			return fmt.Sprintf("%s: missing field %q", at(path), f.name)
		}
		if p := f.of.check(x, join(path, f.name)); p != "" {
			return p
		}
	}
	return ""
}
func (o *objShape) describe() string { return "an object" }

func (t taggedShape) check(v any, path string) string {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Sprintf("%s: expected an object tagged by %q, found %s", at(path), t.tag, found(v))
	}
	tag, present := m[t.tag]
	if !present {
		return fmt.Sprintf("%s: missing field %q (one of %s)", at(path), t.tag, quoteAll(sortedKeys(t.variants)))
	}
	name, _ := tag.(string)
	variant, known := t.variants[name]
	if !known {
		return fmt.Sprintf("%s: unknown variant %s, expected one of %s", join(path, t.tag), foundValue(tag), quoteAll(sortedKeys(t.variants)))
	}
	return variant.fieldsOf(m, path)
}
func (t taggedShape) describe() string { return "an object tagged by " + t.tag }

func (e envelopeShape) check(v any, path string) string {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Sprintf(`%s: expected a result envelope {"ok": …} or {"err": …}, found %s`, at(path), found(v))
	}
	_, hasOK := m["ok"]
	_, hasErr := m["err"]
	switch {
	case hasOK && hasErr:
		// decode_result_envelope keeps the later key; both are checked, as serde reads both.
		if p := e.ok.check(m["ok"], join(path, "ok")); p != "" {
			return p
		}
		return e.err.check(m["err"], join(path, "err"))
	case hasOK:
		return e.ok.check(m["ok"], join(path, "ok"))
	case hasErr:
		return e.err.check(m["err"], join(path, "err"))
	}
	return fmt.Sprintf("%s: result envelope missing both `ok` and `err`", at(path))
}
func (e envelopeShape) describe() string { return "a result envelope" }

func (u untaggedShape) check(v any, path string) string {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Sprintf(`%s: expected {"ok": …} or {"err": …}, found %s (data did not match any variant of the untagged Wire enum)`, at(path), found(v))
	}
	okFirst := obj(req("ok", u.ok)).check(m, path)
	if okFirst == "" {
		return ""
	}
	if obj(req("err", u.err)).check(m, path) == "" {
		return ""
	}
	if _, has := m["err"]; has {
		return obj(req("err", u.err)).check(m, path)
	}
	return okFirst
}
func (u untaggedShape) describe() string { return "a result envelope" }

// checkJSON parses text as serde_json would and checks it against s; "" when the gateway's
// decoder accepts it.
func checkJSON(text string, s shape) string {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Sprintf("not JSON (%v)", err)
	}
	if dec.More() {
		return "not JSON (trailing characters after the value)"
	}
	return s.check(v, "")
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func quoteAll(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

func foundValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return found(v)
}

func (r resultShape) check(v any, path string) string {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		what := found(v)
		if ok {
			what = fmt.Sprintf("an object of %d keys (%s)", len(m), quoteAll(sortedKeys(m)))
		}
		return fmt.Sprintf(`%s: expected Rust's Result, {"Ok": …} or {"Err": …} (one key), found %s`, at(path), what)
	}
	if x, has := m["Ok"]; has {
		return r.ok.check(x, join(path, "Ok"))
	}
	if x, has := m["Err"]; has {
		return r.err.check(x, join(path, "Err"))
	}
	return fmt.Sprintf("%s: unknown variant %s, expected `Ok` or `Err`", at(path), quoteAll(sortedKeys(m)))
}
func (r resultShape) describe() string { return "a Result" }

func (t tupleShape) check(v any, path string) string {
	xs, ok := v.([]any)
	if !ok || len(xs) != len(t.of) {
		return fmt.Sprintf("%s: expected a tuple of %d (an array), found %s", at(path), len(t.of), found(v))
	}
	for i, x := range xs {
		if p := t.of[i].check(x, fmt.Sprintf("%s[%d]", path, i)); p != "" {
			return p
		}
	}
	return ""
}
func (t tupleShape) describe() string { return "a tuple" }

func (e externalShape) check(v any, path string) string {
	names := append(slices.Clone(e.units), sortedKeys(e.structs)...)
	if s, ok := v.(string); ok {
		if slices.Contains(e.units, s) {
			return ""
		}
		return fmt.Sprintf("%s: unknown variant %q, expected one of %s", at(path), s, quoteAll(names))
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return fmt.Sprintf("%s: expected a variant name or an object of one key (one of %s), found %s", at(path), quoteAll(names), found(v))
	}
	name := sortedKeys(m)[0]
	variant, known := e.structs[name]
	if !known {
		return fmt.Sprintf("%s: unknown variant %q, expected one of %s", at(path), name, quoteAll(names))
	}
	return variant.check(m[name], join(path, name))
}
func (e externalShape) describe() string { return "an enum variant" }

func (bytesShape) check(v any, path string) string {
	if _, ok := v.(string); ok {
		return ""
	}
	return tArr(tU8).check(v, path)
}
func (bytesShape) describe() string { return "bytes (an array of u8)" }
