package cabi

// Go values of the WIT types of mcpg:plugin@0.1.0 (interface types). option<string> is *string,
// list<T> a slice, tuple<string, string> a Pair; variants carry their case and the payload of
// that case only.

// Pair is tuple<string, string>: a header, or an identity attribute.
type Pair struct {
	Name, Value string
}

// Identity is the record plugin-identity.
type Identity struct {
	Kind         string
	TrustLevel   string
	SubjectID    *string
	AuthProvider *string
	Issuer       *string
	Roles        []string
	Groups       []string
	Scopes       []string
	Attributes   []Pair
}

// Context is the record plugin-context.
type Context struct {
	RequestID string
	SessionID *string
	ToolName  string
	Surface   string
	Identity  Identity
	Transport string
}

// Manifest is the record plugin-manifest.
type Manifest struct {
	ID              string
	Version         string
	Name            string
	PluginClass     string
	ProtocolVersion string
}

// GateAllow is the record gate-allow; each field is JSON text when present.
type GateAllow struct {
	Metadata          *string
	ModifiedArguments *string
	ModifiedResult    *string
}

// GateDenial is the record gate-denial.
type GateDenial struct {
	HTTPStatus uint16
	Code       int32
	Message    string
	ErrorData  *string // JSON
}

// GateChallenge is the record gate-challenge.
type GateChallenge struct {
	HTTPStatus    uint16
	Code          int32
	Message       string
	ChallengeData string // JSON
}

// GateCase is the case index of variant gate-decision.
type GateCase uint8

const (
	GateAllowCase GateCase = iota
	GateDenyCase
	GateChallengeCase
)

// GateDecision is the variant gate-decision; only the field of its Case is meaningful.
type GateDecision struct {
	Case      GateCase
	Allow     GateAllow
	Deny      GateDenial
	Challenge GateChallenge
}

// TransformCase is the case index of variant transform-result.
type TransformCase uint8

const (
	TransformUnchanged TransformCase = iota
	TransformModified
	TransformError
)

// TransformResult is the variant transform-result. Text is the modified value's JSON, or the
// error's message; empty for unchanged.
type TransformResult struct {
	Case TransformCase
	Text string
}

// ResolutionCase is the case index of variant identity-resolution.
type ResolutionCase uint8

const (
	ResolutionResolved ResolutionCase = iota
	ResolutionNone
	ResolutionInvalid
)

// IdentityResolution is the variant identity-resolution: Identity when resolved, Reason when invalid.
type IdentityResolution struct {
	Case     ResolutionCase
	Identity Identity
	Reason   string
}

// The arguments of each function, in WIT parameter order.

// PreDispatchArgs are evaluate-pre-dispatch's parameters; the strings are JSON text.
type PreDispatchArgs struct {
	Ctx       Context
	Arguments string
	Meta      *string
	Config    string
}

// PostDispatchArgs are evaluate-post-dispatch's parameters.
type PostDispatchArgs struct {
	Ctx                 Context
	Arguments           string
	Result              string
	ExecutionDurationMS uint64
	Config              string
}

// TransformArgs are transform-arguments' (Value: the arguments) and transform-output's (Value:
// the result) parameters.
type TransformArgs struct {
	Ctx    Context
	Value  string
	Config string
}

// ResolveIdentityArgs are resolve-identity's parameters.
type ResolveIdentityArgs struct {
	Headers []Pair
	Config  string
}

// fields gives a record's values in declaration order, as the generic store expects them
// (string, *string, uint16, int32, uint64, []string, []Pair, or a nested record).
type recordValue interface{ fields() []any }

// caseValue gives a variant's case index and its payload (nil for none).
type variantValue interface{ caseValue() (int, any) }

func (p Pair) fields() []any { return []any{p.Name, p.Value} }

func (id Identity) fields() []any {
	return []any{id.Kind, id.TrustLevel, id.SubjectID, id.AuthProvider, id.Issuer, id.Roles, id.Groups, id.Scopes, id.Attributes}
}

func (c Context) fields() []any {
	return []any{c.RequestID, c.SessionID, c.ToolName, c.Surface, c.Identity, c.Transport}
}

func (m Manifest) fields() []any {
	return []any{m.ID, m.Version, m.Name, m.PluginClass, m.ProtocolVersion}
}

func (a GateAllow) fields() []any { return []any{a.Metadata, a.ModifiedArguments, a.ModifiedResult} }

func (d GateDenial) fields() []any { return []any{d.HTTPStatus, d.Code, d.Message, d.ErrorData} }

func (c GateChallenge) fields() []any {
	return []any{c.HTTPStatus, c.Code, c.Message, c.ChallengeData}
}

func (d GateDecision) caseValue() (int, any) {
	switch d.Case {
	case GateAllowCase:
		return 0, d.Allow
	case GateDenyCase:
		return 1, d.Deny
	case GateChallengeCase:
		return 2, d.Challenge
	}
	return int(d.Case), nil
}

func (r TransformResult) caseValue() (int, any) {
	if r.Case == TransformUnchanged {
		return 0, nil
	}
	return int(r.Case), r.Text
}

func (r IdentityResolution) caseValue() (int, any) {
	switch r.Case {
	case ResolutionResolved:
		return 0, r.Identity
	case ResolutionNone:
		return 1, nil
	}
	return int(r.Case), r.Reason
}

func (a PreDispatchArgs) fields() []any { return []any{a.Ctx, a.Arguments, a.Meta, a.Config} }

func (a PostDispatchArgs) fields() []any {
	return []any{a.Ctx, a.Arguments, a.Result, a.ExecutionDurationMS, a.Config}
}

func (a TransformArgs) fields() []any { return []any{a.Ctx, a.Value, a.Config} }

func (a ResolveIdentityArgs) fields() []any { return []any{a.Headers, a.Config} }
