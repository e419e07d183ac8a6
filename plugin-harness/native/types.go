package native

// The portable values that cross the native ABI, in the serde forms the gateway prints.

import (
	"encoding/json"
)

// Identity is mcpg-plugin-protocol's PluginIdentity in its serde form: the three options always
// present (null when absent), the lists and the attribute map omitted when empty, attributes in
// key order (a BTreeMap; Go's encoder sorts map keys too).
type Identity struct {
	Kind         string            `json:"kind"`
	TrustLevel   string            `json:"trust_level"`
	SubjectID    *string           `json:"subject_id"`
	AuthProvider *string           `json:"auth_provider"`
	Issuer       *string           `json:"issuer"`
	Roles        []string          `json:"roles,omitempty"`
	Groups       []string          `json:"groups,omitempty"`
	Scopes       []string          `json:"scopes,omitempty"`
	Attributes   map[string]string `json:"attributes,omitempty"`
}

// Context is PluginContext: it crosses the FFI as the typed RPluginContext, not as JSON.
type Context struct {
	RequestID string   `json:"request_id"`
	SessionID *string  `json:"session_id"`
	ToolName  string   `json:"tool_name"`
	Surface   string   `json:"surface"`
	Identity  Identity `json:"identity"`
	Transport string   `json:"transport"`
}

// GateDecision is the serde form of GateDecision (tag "decision"). Raw JSON fields hold the
// plugin's text re-encoded like serde_json (compact, sorted keys); nil means the key is absent.
type GateDecision struct {
	Decision          string          `json:"decision"` // allow, deny, challenge, pending_approval
	ModifiedArguments json.RawMessage `json:"modified_arguments,omitempty"`
	ModifiedResult    json.RawMessage `json:"modified_result,omitempty"`
	HTTPStatus        *uint16         `json:"http_status,omitempty"`
	Code              *int32          `json:"code,omitempty"`
	Message           *string         `json:"message,omitempty"`
	ErrorData         json.RawMessage `json:"error_data,omitempty"`
	ChallengeData     json.RawMessage `json:"challenge_data,omitempty"`
	ApprovalID        *string         `json:"approval_id,omitempty"`
	DeadlineAt        *string         `json:"deadline_at,omitempty"`
	Summary           *string         `json:"summary,omitempty"`
	TargetNotifiers   json.RawMessage `json:"target_notifiers,omitempty"`
	Metadata          json.RawMessage `json:"metadata,omitempty"`
}

// TransformResult is the serde form of TransformResult (tag "outcome").
type TransformResult struct {
	Outcome string          `json:"outcome"` // unchanged, modified, error
	Value   json.RawMessage `json:"value,omitempty"`
	Message *string         `json:"message,omitempty"`
}

// IdentityResolution is the serde form of IdentityResolution (tag "outcome").
type IdentityResolution struct {
	Outcome         string      `json:"outcome"` // resolved, none, invalid
	Identity        *Identity   `json:"identity,omitempty"`
	Reason          *string     `json:"reason,omitempty"`
	ResponseHeaders [][2]string `json:"response_headers,omitempty"`
}

// Sentinels the SDK returns when a slot body panicked (docs/native-abi.md §5), so a report can tell a
// crash from a real decision.
const (
	PanicDenyStatus     = 500
	PanicDenyCode       = -32099
	panicMessagePrefix  = "plugin panicked during "
	PanicTransformError = "plugin panicked during transform"
	PanicIdentityReason = "plugin panicked during resolve_identity"
)

// Panicked reports whether d is the SDK's panic sentinel for a gate slot.
func (d *GateDecision) Panicked() bool {
	return d.Decision == "deny" && d.HTTPStatus != nil && *d.HTTPStatus == PanicDenyStatus &&
		d.Code != nil && *d.Code == PanicDenyCode && d.Message != nil &&
		len(*d.Message) > len(panicMessagePrefix) && (*d.Message)[:len(panicMessagePrefix)] == panicMessagePrefix
}

// Panicked reports whether r is the SDK's panic sentinel for a transform slot.
func (r *TransformResult) Panicked() bool {
	return r.Outcome == "error" && r.Message != nil && *r.Message == PanicTransformError
}

// Panicked reports whether r is the SDK's panic sentinel for resolve_identity.
func (r *IdentityResolution) Panicked() bool {
	return r.Outcome == "invalid" && r.Reason != nil && *r.Reason == PanicIdentityReason
}

// EntityKinds are the EntityRegistration tags in declaration order (docs/native-abi.md §2.3). This is
// not the order of PluginClass::ALL.
var EntityKinds = []string{
	"tool_gate", "transform", "identity_provider", "backend", "watch_strategy", "http_route",
	"audit_sink", "log_sink", "telemetry_sink", "metrics_sink", "store", "cache", "secret_provider",
	"config_provider", "policy_engine", "cluster", "transport", "catalog_provider",
	"credential_issuer", "approval_notifier", "content_store",
}
