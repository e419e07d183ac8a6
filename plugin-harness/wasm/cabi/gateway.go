package cabi

// What the gateway makes of these values (mcpg-plugin-host src/wasm.rs, the to_wit_* and
// from_wit_* conversions around its bindgen! calls), in the serde shapes the native harness
// reports (native.GateDecision and friends), so a Wasm plugin's decision prints exactly as the
// gateway would hold it.

import (
	"fmt"
	"slices"
	"sort"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// ProtocolVersion is the only protocol-version a Wasm guest's manifest may report
// (mcpg-plugin-protocol PROTOCOL_VERSION, compared for equality by the gateway).
const ProtocolVersion = "1.0"

// CheckProtocolVersion refuses a manifest whose protocol-version is not exactly ProtocolVersion,
// with the gateway's message (check_guest_protocol_version).
func (m Manifest) CheckProtocolVersion() error {
	if m.ProtocolVersion != ProtocolVersion {
		return fmt.Errorf("wasm plugin '%s' reports protocol_version '%s' but the host requires '%s'; "+
			"rebuild the guest against the current protocol", m.ID, m.ProtocolVersion, ProtocolVersion)
	}
	return nil
}

// IdentityFromNative is the gateway's to_wit_identity: the attribute map becomes a list in key
// order (a BTreeMap's iteration order, which sorting by bytes reproduces).
func IdentityFromNative(id native.Identity) Identity {
	out := Identity{
		Kind: id.Kind, TrustLevel: id.TrustLevel,
		SubjectID: id.SubjectID, AuthProvider: id.AuthProvider, Issuer: id.Issuer,
		Roles: slices.Clone(id.Roles), Groups: slices.Clone(id.Groups), Scopes: slices.Clone(id.Scopes),
	}
	keys := make([]string, 0, len(id.Attributes))
	for k := range id.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out.Attributes = append(out.Attributes, Pair{k, id.Attributes[k]})
	}
	return out
}

// ContextFromNative is the gateway's to_wit_context_for!.
func ContextFromNative(c native.Context) Context {
	return Context{
		RequestID: c.RequestID, SessionID: c.SessionID, ToolName: c.ToolName, Surface: c.Surface,
		Identity: IdentityFromNative(c.Identity), Transport: c.Transport,
	}
}

// HeadersFromNative passes headers in their order, as the gateway does.
func HeadersFromNative(headers [][2]string) []Pair {
	out := make([]Pair, len(headers))
	for i, h := range headers {
		out[i] = Pair{h[0], h[1]}
	}
	return out
}

// notJSON is the warning for a JSON field the gateway could not parse.
func notJSON(what, field, text string, err error, becomes string) string {
	return fmt.Sprintf("%s %s is not JSON (%q: %v); the gateway %s", what, field, clip(text), err, becomes)
}

// Gateway converts a gate decision as from_wit_gate_decision does. Allow's fields that are empty
// or not JSON are left out; a deny's error-data that is not JSON is left out; a challenge's
// challenge-data that is not JSON becomes null. Warnings say when text was dropped that way;
// slot names the call in them ("evaluate_pre_dispatch").
func (d GateDecision) Gateway(slot string) (native.GateDecision, []string) {
	var warnings []string
	parse := func(what, field string, text *string, becomes string) []byte {
		if text == nil {
			return nil
		}
		out, err := serdejson.Reencode(*text)
		if err != nil {
			warnings = append(warnings, notJSON(slot+"'s "+what, field, *text, err, becomes))
			return nil
		}
		return out
	}
	var g native.GateDecision
	switch d.Case {
	case GateAllowCase:
		g.Decision = "allow"
		opt := func(field string, text *string) []byte {
			if text == nil || *text == "" { // the gateway treats "" as unset, silently
				return nil
			}
			return parse("allow", field, text, "drops it")
		}
		g.Metadata = opt("metadata", d.Allow.Metadata)
		g.ModifiedArguments = opt("modified-arguments", d.Allow.ModifiedArguments)
		g.ModifiedResult = opt("modified-result", d.Allow.ModifiedResult)
	case GateDenyCase:
		g.Decision = "deny"
		status, code, msg := d.Deny.HTTPStatus, d.Deny.Code, d.Deny.Message
		g.HTTPStatus, g.Code, g.Message = &status, &code, &msg
		g.ErrorData = parse("deny", "error-data", d.Deny.ErrorData, "drops it")
	case GateChallengeCase:
		g.Decision = "challenge"
		status, code, msg := d.Challenge.HTTPStatus, d.Challenge.Code, d.Challenge.Message
		g.HTTPStatus, g.Code, g.Message = &status, &code, &msg
		g.ChallengeData = parse("challenge", "challenge-data", &d.Challenge.ChallengeData, "puts null in its place")
		if g.ChallengeData == nil {
			g.ChallengeData = []byte("null")
		}
	default:
		// Not a value a lift produces.
		g.Decision = fmt.Sprintf("gate-decision case %d", d.Case)
	}
	return g, warnings
}

// InvalidJSONPrefix starts the error a transform's modified text that is not JSON turns into.
const InvalidJSONPrefix = "wasm transform returned invalid JSON: "

// Gateway converts a transform result as from_wit_transform_result does: modified text that is not
// JSON becomes an error carrying serde_json's message.
func (r TransformResult) Gateway() native.TransformResult {
	switch r.Case {
	case TransformUnchanged:
		return native.TransformResult{Outcome: "unchanged"}
	case TransformModified:
		value, err := serdejson.Reencode(r.Text)
		if err != nil {
			msg := InvalidJSONPrefix + err.Error()
			return native.TransformResult{Outcome: "error", Message: &msg}
		}
		return native.TransformResult{Outcome: "modified", Value: value}
	case TransformError:
		msg := r.Text
		return native.TransformResult{Outcome: "error", Message: &msg}
	}
	return native.TransformResult{Outcome: fmt.Sprintf("transform-result case %d", r.Case)}
}

// Gateway converts an identity resolution as from_wit_identity_resolution does: attributes become
// a map (a later duplicate key wins), and invalid never carries response headers.
func (r IdentityResolution) Gateway() native.IdentityResolution {
	switch r.Case {
	case ResolutionResolved:
		id := r.Identity.native()
		return native.IdentityResolution{Outcome: "resolved", Identity: &id}
	case ResolutionNone:
		return native.IdentityResolution{Outcome: "none"}
	case ResolutionInvalid:
		reason := r.Reason
		return native.IdentityResolution{Outcome: "invalid", Reason: &reason}
	}
	return native.IdentityResolution{Outcome: fmt.Sprintf("identity-resolution case %d", r.Case)}
}

func (id Identity) native() native.Identity {
	out := native.Identity{
		Kind: id.Kind, TrustLevel: id.TrustLevel,
		SubjectID: id.SubjectID, AuthProvider: id.AuthProvider, Issuer: id.Issuer,
		Roles: id.Roles, Groups: id.Groups, Scopes: id.Scopes,
	}
	for _, a := range id.Attributes {
		if out.Attributes == nil {
			out.Attributes = make(map[string]string, len(id.Attributes))
		}
		out.Attributes[a.Name] = a.Value
	}
	return out
}
