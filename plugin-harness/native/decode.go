//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"encoding/json"
	"fmt"
	"unsafe"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// decoder reads a value the plugin returned, collects what breaks the contract, and frees every
// RString and RVec in it through the vtable each carries (the host owns returned values, docs/native-abi.md §3).
type decoder struct {
	what       string // "evaluate_pre_dispatch's Deny", for messages
	violations []string
	owned      []uintptr // addresses to drop once decoded
	// The first string over ffi_limits.max_payload_bytes, and how many more there were.
	oversize     string
	oversizeMore int
}

// sized notes a returned string longer than max_payload_bytes (payloadNote).
func (d *decoder) sized(field string, n int) {
	if uint64(n) <= payloadCap {
		return
	}
	if d.oversize != "" {
		d.oversizeMore++
		return
	}
	d.oversize = payloadNote(d.what+" "+field, n)
}

// payloadWarnings returns the note of sized, if any, to go with the result's warnings.
func (d *decoder) payloadWarnings(warnings []string) []string {
	if d.oversize == "" {
		return warnings
	}
	if d.oversizeMore > 0 {
		d.oversize += fmt.Sprintf(" (and %d more strings of this result are over it)", d.oversizeMore)
	}
	return append(warnings, d.oversize)
}

func (d *decoder) fail(format string, args ...any) {
	d.violations = append(d.violations, d.what+" "+fmt.Sprintf(format, args...))
}

func (d *decoder) str(addr uintptr, field string) string {
	d.owned = append(d.owned, addr)
	s, err := readString(addr)
	if err != nil {
		d.fail("%s: %v", field, err)
	}
	d.sized(field, len(s))
	return s
}

// option reads an ROption<RString>; nil for RNone.
func (d *decoder) option(addr uintptr, field string) *string {
	switch byteAt(addr) {
	case optionSome:
		s := d.str(addr+8, field)
		return &s
	case optionNone:
		return nil
	}
	d.fail("%s: ROption tag %d (expected 0 RSome or 1 RNone)", field, byteAt(addr))
	return nil
}

// jsonField maps a *_json field like the gateway's From impls: compact serde form, or absent when
// RNone or not JSON. Text that is not JSON is accepted by the gateway, so it is a warning (invalid),
// not a contract violation.
func (d *decoder) jsonField(text *string, field string, invalid *[]string) json.RawMessage {
	if text == nil {
		return nil
	}
	out, err := serdejson.Reencode(*text)
	if err != nil {
		*invalid = append(*invalid, fmt.Sprintf("%s %s is not JSON (%q: %v); the gateway drops it", d.what, field, clip(*text), err))
		return nil
	}
	return out
}

// requiredJSON reads a JSON RString field that is always present; what is not JSON is shown as
// fallback, the value the gateway puts in its place.
func (d *decoder) requiredJSON(addr uintptr, field, fallback string, invalid *[]string) json.RawMessage {
	text := d.str(addr, field)
	if out := d.jsonField(&text, field, invalid); out != nil {
		return out
	}
	return json.RawMessage(fallback)
}

func (d *decoder) strings(addr uintptr, field string) []string {
	ptr, n, err := vecElems(addr)
	d.owned = append(d.owned, addr) // the vector's destructor drops its elements too
	if err != nil {
		d.fail("%s: %v", field, err)
		return nil
	}
	var out []string
	for i := range n {
		s, err := readString(ptr + uintptr(i*sizeRString))
		if err != nil {
			d.fail("%s[%d]: %v", field, i, err)
		}
		if uint64(len(s)) > payloadCap {
			d.sized(fmt.Sprintf("%s[%d]", field, i), len(s))
		}
		out = append(out, s)
	}
	return out
}

// free drops what was decoded and wipes the words that pointed at it.
func (d *decoder) free() {
	dropAll(d.owned)
	for _, a := range d.owned {
		clear(unsafe.Slice((*uintptr)(ptrAt(a)), 4))
	}
}

// decodeGate reads an RGateDecision (docs/native-abi.md §2.2) into its serde form (docs/native-abi.md §4 mapping rules).
func decodeGate(addr uintptr, slot string) (*GateDecision, []string, []string) {
	d := &decoder{what: slot}
	var warnings []string
	g := &GateDecision{}
	tag := byteAt(addr)
	switch tag {
	case 0:
		g.Decision = "allow"
		d.what = slot + "'s Allow"
		g.ModifiedArguments = d.jsonField(d.option(addr+8, "modified_arguments_json"), "modified_arguments_json", &warnings)
		g.ModifiedResult = d.jsonField(d.option(addr+48, "modified_result_json"), "modified_result_json", &warnings)
		g.Metadata = d.jsonField(d.option(addr+88, "metadata_json"), "metadata_json", &warnings)
	case 1, 2:
		status, code := u16At(addr+2), i32At(addr+4)
		g.HTTPStatus, g.Code = &status, &code
		if tag == 1 {
			g.Decision = "deny"
			d.what = slot + "'s Deny"
		} else {
			g.Decision = "challenge"
			d.what = slot + "'s Challenge"
		}
		msg := d.str(addr+8, "message")
		g.Message = &msg
		if tag == 1 {
			g.ErrorData = d.jsonField(d.option(addr+40, "error_data_json"), "error_data_json", &warnings)
		} else {
			g.ChallengeData = d.requiredJSON(addr+40, "challenge_data_json", "null", &warnings)
		}
	case 3:
		g.Decision = "pending_approval"
		d.what = slot + "'s PendingApproval"
		id, deadline, summary := d.str(addr+8, "approval_id"), d.str(addr+40, "deadline_at"), d.str(addr+72, "summary")
		g.ApprovalID, g.DeadlineAt, g.Summary = &id, &deadline, &summary
		g.TargetNotifiers = d.requiredJSON(addr+104, "target_notifiers_json", "[]", &warnings)
		g.Metadata = d.requiredJSON(addr+136, "metadata_json", "null", &warnings) // always present here
	default:
		// Undefined behaviour in Rust; the layout of the payload is unknown, so nothing is freed.
		return nil, []string{fmt.Sprintf("%s returned an RGateDecision with tag %d (ABI v2 knows 0 Allow, 1 Deny, 2 Challenge, 3 PendingApproval)", slot, tag)}, nil
	}
	d.free()
	return g, d.violations, d.payloadWarnings(warnings)
}

// decodeTransform reads an RTransformResult.
func decodeTransform(addr uintptr, slot string) (*TransformResult, []string, []string) {
	d := &decoder{what: slot}
	var warnings []string
	r := &TransformResult{}
	switch tag := byteAt(addr); tag {
	case 0:
		r.Outcome = "unchanged"
	case 1:
		r.Outcome = "modified"
		d.what = slot + "'s Modified"
		r.Value = d.requiredJSON(addr+8, "value_json", "null", &warnings)
	case 2:
		r.Outcome = "error"
		d.what = slot + "'s Error"
		msg := d.str(addr+8, "message")
		r.Message = &msg
	default:
		return nil, []string{fmt.Sprintf("%s returned an RTransformResult with tag %d (ABI v2 knows 0 Unchanged, 1 Modified, 2 Error)", slot, tag)}, nil
	}
	d.free()
	return r, d.violations, d.payloadWarnings(warnings)
}

// decodeResolution reads an RIdentityResolution.
func decodeResolution(addr uintptr) (*IdentityResolution, []string, []string) {
	const slot = "resolve_identity"
	d := &decoder{what: slot}
	r := &IdentityResolution{}
	switch tag := byteAt(addr); tag {
	case 0:
		r.Outcome = "resolved"
		d.what = slot + "'s Resolved identity"
		r.Identity = d.identity(addr + 8)
	case 1:
		r.Outcome = "none"
	case 2:
		r.Outcome = "invalid"
		d.what = slot + "'s Invalid"
		reason := d.str(addr+8, "reason")
		r.Reason = &reason
		r.ResponseHeaders = d.pairs(addr+40, "response_headers")
	default:
		return nil, []string{fmt.Sprintf("%s returned an RIdentityResolution with tag %d (ABI v2 knows 0 Resolved, 1 None, 2 Invalid)", slot, tag)}, nil
	}
	d.free()
	return r, d.violations, d.payloadWarnings(nil)
}

func (d *decoder) identity(addr uintptr) *Identity {
	at := func(i int) uintptr { return addr + uintptr(i)*8 }
	id := &Identity{
		Kind:         d.str(at(idKind), "kind"),
		TrustLevel:   d.str(at(idTrust), "trust_level"),
		SubjectID:    d.option(at(idSubject), "subject_id"),
		AuthProvider: d.option(at(idAuthProvider), "auth_provider"),
		Issuer:       d.option(at(idIssuer), "issuer"),
		Roles:        d.strings(at(idRoles), "roles"),
		Groups:       d.strings(at(idGroups), "groups"),
		Scopes:       d.strings(at(idScopes), "scopes"),
	}
	for _, kv := range d.pairs(at(idAttributes), "attributes") {
		if id.Attributes == nil {
			id.Attributes = map[string]string{}
		}
		id.Attributes[kv[0]] = kv[1] // a BTreeMap on the host: the last duplicate wins
	}
	return id
}

// pairs reads an RVec of two-RString elements (RKeyValue and Tuple2<RString,RString> share the
// 64-byte layout); the vector's destructor frees the elements.
func (d *decoder) pairs(addr uintptr, field string) [][2]string {
	ptr, n, err := vecElems(addr)
	d.owned = append(d.owned, addr)
	if err != nil {
		d.fail("%s: %v", field, err)
	}
	var out [][2]string
	for i := range n {
		e := ptr + uintptr(i*sizeKeyValue)
		k, err1 := readString(e)
		v, err2 := readString(e + sizeRString)
		if err := firstErr(err1, err2); err != nil {
			d.fail("%s[%d]: %v", field, i, err)
		}
		if uint64(max(len(k), len(v))) > payloadCap {
			d.sized(fmt.Sprintf("%s[%d] name", field, i), len(k))
			d.sized(fmt.Sprintf("%s[%d] value", field, i), len(v))
		}
		out = append(out, [2]string{k, v})
	}
	return out
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
