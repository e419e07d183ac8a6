package wasm

import (
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm/component"
)

// The component-level types the gateway's generated bindings expect of each exported function
// (plugin.wit of mcpg:plugin@0.1.0, testdata/wasm/wit/plugin.wit here). Wasmtime's typed-function
// check compares record field names, order and types, variant case names, order and payloads,
// and the parameters as a tuple (their names are not compared); a mismatch is "failed to
// convert function to given type". The texts are component.TypeString's rendering.
const (
	witIdentity = "record{kind: string, trust-level: string, subject-id: option<string>, auth-provider: option<string>, " +
		"issuer: option<string>, roles: list<string>, groups: list<string>, scopes: list<string>, " +
		"attributes: list<tuple<string, string>>}"
	witContext = "record{request-id: string, session-id: option<string>, tool-name: string, surface: string, " +
		"identity: " + witIdentity + ", transport: string}"
	witManifest = "record{id: string, version: string, name: string, plugin-class: string, protocol-version: string}"
	witDecision = "variant{allow(record{metadata: option<string>, modified-arguments: option<string>, " +
		"modified-result: option<string>}), deny(record{http-status: u16, code: s32, message: string, " +
		"error-data: option<string>}), challenge(record{http-status: u16, code: s32, message: string, challenge-data: string})}"
	witTransform  = "variant{unchanged, modified(string), error(string)}"
	witResolution = "variant{resolved(" + witIdentity + "), none, invalid(string)}"
)

var witSignatures = map[string]string{
	"manifest":               "() -> " + witManifest,
	"evaluate-pre-dispatch":  "(" + witContext + ", string, option<string>, string) -> " + witDecision,
	"evaluate-post-dispatch": "(" + witContext + ", string, string, u64, string) -> " + witDecision,
	"transform-arguments":    "(" + witContext + ", string, string) -> " + witTransform,
	"transform-output":       "(" + witContext + ", string, string) -> " + witTransform,
	"resolve-identity":       "(list<tuple<string, string>>, string) -> " + witResolution,
}

// witTypeMatches reports whether an exported function has the type the gateway's bindings
// expect for the world function name.
func witTypeMatches(name string, ft *component.FuncType) bool {
	if ft == nil || ft.Async {
		return false
	}
	return signatureText(ft) == witSignatures[name]
}

func signatureText(ft *component.FuncType) string {
	parts := make([]string, len(ft.Params))
	for i, p := range ft.Params {
		parts[i] = component.TypeString(p.Type)
	}
	result := "()"
	if ft.Result != nil {
		result = component.TypeString(ft.Result)
	}
	return "(" + strings.Join(parts, ", ") + ") -> " + result
}
