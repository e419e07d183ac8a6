package native

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// HostCall is one call the plugin made into the host (HostServicesVTable, docs/native-abi.md §2.4).
type HostCall struct {
	Slot   string            `json:"slot"`
	Args   map[string]string `json:"args,omitempty"`
	Answer string            `json:"answer,omitempty"` // what the plugin received; secrets redacted
	Canned bool              `json:"canned,omitempty"` // answered from --host-services
	Thread string            `json:"thread,omitempty"` // "plugin" when made from a thread the plugin created
}

// HostSlots are the host-service slots in vtable order.
var HostSlots = []string{
	"resolve_secret", "issue_credential", "config_snapshot", "audit_event", "metric_emit", "cluster",
	"span_start", "span_end", "span_event", "alias", "resolve_credentials", "cache_get",
	"fetch_content", "store_content", "invoke_tool", "subscribe_credential_revoked",
	"subscribe_secret_rotation", "host_unsubscribe",
}

// keyedSlots take canned answers per key (the argument named here); "*" matches any key.
var keyedSlots = map[string]string{
	"resolve_secret": "uri", "issue_credential": "uri", "config_snapshot": "uri",
	"cache_get": "key", "fetch_content": "uri", "invoke_tool": "tool_name",
}

// answerSlots take one canned answer whatever the arguments. "dispatch" is not a host-service
// slot but the host's DispatcherCallbackRef a transport calls (docs/native-kinds.md §9): the reply
// envelope every dispatch gets.
var answerSlots = map[string]bool{"audit_event": true, "resolve_credentials": true, "store_content": true, "dispatch": true}

// DefaultDispatchReply is the gateway's reply when its dispatcher has nothing to send back.
const DefaultDispatchReply = `{"ok":{"bytes":[]}}`

// HostAnswers are canned host-service answers (--host-services): for keyed slots a map from key
// to an envelope, for the others the envelope itself, plus the alias string and the span id; the
// events the harness fires at the plugin's subscriptions; the fake cluster coordinator's answers.
type HostAnswers struct {
	Alias  *string                               `json:"alias,omitempty"`
	Span   *uint64                               `json:"span_start,omitempty"`
	Keyed  map[string]map[string]json.RawMessage `json:"keyed,omitempty"`
	Direct map[string]json.RawMessage            `json:"direct,omitempty"`
	// Rotations and Revocations are fired, in order, at each live subscription of their kind once
	// the kind's calls are done (hostsubs.go).
	Rotations   []RotationEvent   `json:"secret_rotation,omitempty"`
	Revocations []RevocationEvent `json:"credential_revoked,omitempty"`
	// Cluster, when set, makes the cluster host slot answer RSome for the kinds the gateway hands
	// a coordinator (identity_provider, policy_engine).
	Cluster *ClusterAnswers `json:"cluster,omitempty"`
}

// DispatchReply is the reply envelope a transport's dispatch gets: --host-services "dispatch",
// or the gateway's empty reply.
func (a *HostAnswers) DispatchReply() string {
	if a != nil {
		if v, ok := a.Direct["dispatch"]; ok {
			return string(v)
		}
	}
	return DefaultDispatchReply
}

// RotationEvent is one secret rotation the gateway's secret watcher would broadcast: the
// callback gets (secret_ref, version) (SecretRotationCallbackFfi).
type RotationEvent struct {
	SecretRef string `json:"secret_ref"`
	Version   uint64 `json:"version"`
	Thread    string `json:"thread,omitempty"` // "driver" (default) or "new"
}

// RevocationEvent is one credential revocation the gateway's credential cache would broadcast:
// the callback gets (plugin_id, target) (CredRevokedCallbackFfi).
type RevocationEvent struct {
	PluginID string `json:"plugin_id"`
	Target   string `json:"target"`
	Thread   string `json:"thread,omitempty"`
}

// ParseHostAnswers reads a --host-services file: a JSON object keyed by slot name.
func ParseHostAnswers(data []byte) (*HostAnswers, error) {
	// Checked as serde_json reads it first, so that every answer has a serde form (none becomes
	// null) and an error names the place in the file.
	if _, err := serdejson.Reencode(string(data)); err != nil {
		return nil, fmt.Errorf("not JSON the gateway could read: %v", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("expected a JSON object keyed by host-service slot: %v", err)
	}
	a := &HostAnswers{Keyed: map[string]map[string]json.RawMessage{}, Direct: map[string]json.RawMessage{}}
	for _, slot := range slices.Sorted(maps.Keys(top)) {
		raw := top[slot]
		switch {
		case slot == "alias":
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, fmt.Errorf("alias: expected a string, found %s", clip(string(raw)))
			}
			a.Alias = &s
		case slot == "span_start":
			var n uint64
			if err := json.Unmarshal(raw, &n); err != nil {
				return nil, fmt.Errorf("span_start: expected the span id to return (an unsigned integer), found %s", clip(string(raw)))
			}
			a.Span = &n
		case keyedSlots[slot] != "":
			var m map[string]json.RawMessage
			if err := json.Unmarshal(raw, &m); err != nil || m == nil {
				return nil, fmt.Errorf("%s: expected an object mapping each %s (or \"*\") to its answer, found %s",
					slot, keyedSlots[slot], clip(string(raw)))
			}
			for k, v := range m {
				if err := checkEnvelope(v); err != nil {
					return nil, fmt.Errorf("%s[%q]: %v", slot, k, err)
				}
				m[k] = serdejson.ReencodeOrNull(string(v))
			}
			a.Keyed[slot] = m
		case slot == "secret_rotation":
			if err := strictList(raw, &a.Rotations); err != nil {
				return nil, fmt.Errorf(`secret_rotation: expected a list of {"secret_ref": "…", "version": n, "thread": "driver"|"new"}: %v`, err)
			}
			for k, e := range a.Rotations {
				if err := checkThread(e.Thread); err != nil {
					return nil, fmt.Errorf("secret_rotation[%d]: %v", k, err)
				}
			}
		case slot == "credential_revoked":
			if err := strictList(raw, &a.Revocations); err != nil {
				return nil, fmt.Errorf(`credential_revoked: expected a list of {"plugin_id": "…", "target": "…", "thread": "driver"|"new"}: %v`, err)
			}
			for k, e := range a.Revocations {
				if err := checkThread(e.Thread); err != nil {
					return nil, fmt.Errorf("credential_revoked[%d]: %v", k, err)
				}
			}
		case slot == "cluster":
			c, err := parseClusterAnswers(raw)
			if err != nil {
				return nil, fmt.Errorf("cluster: %v", err)
			}
			a.Cluster = c
		case answerSlots[slot]:
			if err := checkEnvelope(raw); err != nil {
				return nil, fmt.Errorf("%s: %v", slot, err)
			}
			a.Direct[slot] = serdejson.ReencodeOrNull(string(raw))
		default:
			known := slices.Concat([]string{"alias", "span_start", "secret_rotation", "credential_revoked", "cluster"},
				slices.Collect(maps.Keys(keyedSlots)),
				slices.Collect(maps.Keys(answerSlots)))
			slices.Sort(known)
			return nil, fmt.Errorf("%q: not a host-service slot that takes a canned answer (expected one of %s)",
				slot, strings.Join(known, ", "))
		}
	}
	return a, nil
}

// strictList decodes a JSON list of objects into out, refusing unknown fields and missing ones
// (every field but thread is required: the callback gets each of them).
func strictList[T any](raw json.RawMessage, out *[]T) error {
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		return fmt.Errorf("found %s", clip(string(raw)))
	}
	var zero T
	fields := jsonFields(zero)
	for k, item := range items {
		for _, f := range fields {
			if _, ok := item[f]; !ok && f != "thread" {
				return fmt.Errorf("item %d has no %q", k, f)
			}
		}
		for f := range item {
			if !slices.Contains(fields, f) {
				return fmt.Errorf("item %d: unknown field %q", k, f)
			}
		}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%v", err)
	}
	return nil
}

// jsonFields lists the json names of a struct's fields.
func jsonFields(v any) []string {
	var names []string
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

func checkThread(t string) error {
	if t != "" && t != "driver" && t != "new" {
		return fmt.Errorf(`thread: expected "driver" (the thread that made the plugin's calls) or "new" (a fresh OS thread), found %q`, t)
	}
	return nil
}

// checkEnvelope requires {"ok": …} or {"err": …}, the result envelope every fallible host slot returns.
func checkEnvelope(raw json.RawMessage) error {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(raw, &env); err != nil || len(env) != 1 || (env["ok"] == nil && env["err"] == nil) {
		return fmt.Errorf(`expected a result envelope {"ok": …} or {"err": …}, found %s`, clip(string(raw)))
	}
	return nil
}

// nullAnswer is what the gateway's HostBridge answers over NullHostServices (the services the
// reference `test` wires): the "not wired" errors, cache and content misses, no-op subscriptions.
// Texts are mcpg-plugin-host's host_bridge.rs and host_services.rs.
func nullAnswer(slot string, args map[string]string, alias string) string {
	const notWired = "host services not wired (NullHostServices)"
	transport := func(msg string) string {
		return `{"err":{"cause":{"error":"transport","message":` + quote(msg) + `},"error":"backend","tool_name":""}}`
	}
	switch slot {
	case "resolve_secret", "config_snapshot":
		return `{"err":{"kind":"backend","reason":"` + notWired + `"}}`
	case "issue_credential":
		if _, err := serdejson.Reencode(args["identity_json"]); err != nil {
			return `{"err":{"kind":"backend","reason":` + quote("malformed identity_json: "+err.Error()) + `}}`
		}
		// A Tier-1 identity never carries the host's integrity tag, so the gateway refuses to mint.
		return `{"err":{"kind":"not_authorized","reason":` + quote(fmt.Sprintf("plugin '%s' presented an identity "+
			"without a valid host tag for a live dispatch; issue_credential may mint only under the principal of the "+
			"request it is currently serving", alias)) + `}}`
	case "audit_event":
		if why := auditEventProblem(args["event_json"]); why != "" {
			return `{"err":{"kind":"write_failed","reason":` + quote("malformed event_json: "+why) + `}}`
		}
		return `{"err":{"kind":"write_failed","reason":"` + notWired + `"}}`
	case "resolve_credentials":
		value, err := serdejson.Reencode(args["value_json"])
		if err != nil {
			return transport("resolve_credentials: invalid value JSON: " + err.Error())
		}
		return `{"ok":{"count":0,"value":` + string(value) + `}}`
	case "cache_get", "fetch_content":
		return `{"ok":null}`
	case "store_content":
		if _, err := serdejson.Reencode(args["args_json"]); err != nil {
			return transport("store_content: invalid args JSON: " + err.Error())
		}
		return `{"err":{"error":"not_implemented"}}`
	case "invoke_tool":
		if _, err := serdejson.Reencode(args["ctx_json"]); err != nil {
			return transport("invoke_tool: invalid context JSON: " + err.Error())
		}
		return `{"err":{"error":"not_implemented"}}`
	}
	return ""
}

// auditEventProblem checks the fields serde requires of an AuditEvent (mcpg-plugin-protocol
// audit.rs); "" when the event would deserialise.
func auditEventProblem(text string) string {
	var ev map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &ev); err != nil {
		return jsonError(text)
	}
	for _, f := range []string{"event_id", "occurred_at", "actor", "action", "outcome"} {
		if _, ok := ev[f]; !ok {
			return "missing field `" + f + "`"
		}
	}
	return ""
}

// jsonError describes why text is not acceptable JSON in serde_json's words, with its line and
// column; text that is JSON but of the wrong shape gets a plain sentence (serde's type errors are
// not reproduced).
func jsonError(text string) string {
	if _, err := serdejson.Reencode(text); err != nil {
		return err.Error()
	}
	return "the value does not have the expected shape"
}

func quote(s string) string {
	b, _ := serdejson.Reencode(mustMarshal(s))
	return string(b)
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// answerShown is the answer as reports show it: canned answers may hold real secrets (secret
// bytes, issued credentials, resolved credential values), which are replaced by their size.
func answerShown(slot, answer string, canned bool) string {
	if !canned {
		return answer
	}
	var env map[string]json.RawMessage
	if json.Unmarshal([]byte(answer), &env) != nil || env["ok"] == nil || string(env["ok"]) == "null" {
		return answer
	}
	switch slot {
	case "resolve_secret", "issue_credential", "resolve_credentials":
		return fmt.Sprintf(`{"ok":"[redacted: %d bytes]"}`, len(env["ok"]))
	}
	return answer
}

// clip shortens what a plugin sent to what an error message should quote. It lives here, outside
// the files that call C, because the JSON checks that use it build on every platform.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
