package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// maxInputFile bounds every --context/--arguments/… file: they are small JSON documents.
const maxInputFile = 4 << 20

// readInput returns the text a JSON flag names: inline JSON (a value starting with { or [), "-"
// for stdin, or a file path.
func readInput(flag, value string, stdin io.Reader) ([]byte, string, error) {
	trimmed := strings.TrimSpace(value)
	if strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
		return []byte(trimmed), "--" + flag, nil
	}
	name := fileio.DisplayName(value)
	var data []byte
	var err error
	if value == "-" {
		data, err = fileio.ReadSmallFrom(stdin, name, maxInputFile, "a JSON input")
	} else {
		data, err = fileio.ReadSmall(value, maxInputFile, "a JSON input")
	}
	if fe := (*fileio.Error)(nil); errors.As(err, &fe) {
		return nil, "", fileio.IOError("read --"+flag, name, fe.Err)
	}
	if err != nil {
		return nil, "", err
	}
	return data, "--" + flag + " " + name, nil
}

// readJSON reads a JSON flag's document and returns it in the gateway's serde form (the text the
// plugin receives), or def when the flag was not given.
func readJSON(flag, value, def string, stdin io.Reader) (string, error) {
	if value == "" {
		return def, nil
	}
	data, name, err := readInput(flag, value, stdin)
	if err != nil {
		return "", err
	}
	out, err := serdejson.Reencode(string(data))
	if err != nil {
		return "", cli.Failf("%s: not valid JSON: %v", name, err)
	}
	return string(out), nil
}

// defaultContext is the reference test's context: one verified caller of test.tool.
func defaultContext() native.Context {
	subject, provider := "tester@example.com", "mcpg-plugin-test"
	return native.Context{
		RequestID: "mcpg-plugin-test", ToolName: "test.tool", Surface: "tool", Transport: "http",
		Identity: native.Identity{Kind: "verified", TrustLevel: "verified", SubjectID: &subject, AuthProvider: &provider},
	}
}

// readContext reads --context as JSON, or YAML when the file is named .yaml/.yml, and checks the
// fields PluginContext requires, like serde does (surface defaults to "tool").
func readContext(value string, stdin io.Reader) (native.Context, error) {
	if value == "" {
		return defaultContext(), nil
	}
	data, name, err := readInput("context", value, stdin)
	if err != nil {
		return native.Context{}, err
	}
	if ext := strings.ToLower(filepath.Ext(value)); ext == ".yaml" || ext == ".yml" {
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return native.Context{}, cli.Failf("%s: not valid YAML: %v", name, err)
		}
		if data, err = json.Marshal(v); err != nil {
			return native.Context{}, cli.Failf("%s: YAML that has no JSON form: %v", name, err)
		}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return native.Context{}, cli.Failf("%s: expected a PluginContext JSON object: %v", name, err)
	}
	for _, f := range []string{"request_id", "tool_name", "identity", "transport"} {
		if _, ok := fields[f]; !ok {
			return native.Context{}, cli.Failf("%s: missing field %q (a PluginContext needs request_id, tool_name, identity and transport)", name, f)
		}
	}
	var idFields map[string]json.RawMessage
	if err := json.Unmarshal(fields["identity"], &idFields); err != nil {
		return native.Context{}, cli.Failf("%s: identity: expected a PluginIdentity object: %v", name, err)
	}
	for _, f := range []string{"kind", "trust_level"} {
		if _, ok := idFields[f]; !ok {
			return native.Context{}, cli.Failf("%s: identity: missing field %q", name, f)
		}
	}
	c := native.Context{Surface: "tool"}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&c); err != nil {
		return native.Context{}, cli.Failf("%s: %v", name, strings.TrimPrefix(err.Error(), "json: "))
	}
	return c, nil
}

// synthesiseHeaders gives identity providers something deterministic to key on, as the reference
// test does: the context's subject and auth provider, and one header per identity attribute.
func synthesiseHeaders(c native.Context) [][2]string {
	var h [][2]string
	if c.Identity.SubjectID != nil {
		h = append(h, [2]string{"X-Mcpg-Test-Subject", *c.Identity.SubjectID})
	}
	if c.Identity.AuthProvider != nil {
		h = append(h, [2]string{"X-Mcpg-Test-AuthProvider", *c.Identity.AuthProvider})
	}
	for _, k := range slices.Sorted(maps.Keys(c.Identity.Attributes)) {
		h = append(h, [2]string{"X-Mcpg-Attr-" + k, c.Identity.Attributes[k]})
	}
	return h
}

// readHeaders reads --headers: a JSON array of [name, value] pairs (the wire form), or an object
// of name → value (sent in key order).
func readHeaders(value string, stdin io.Reader) ([][2]string, error) {
	data, name, err := readInput("headers", value, stdin)
	if err != nil {
		return nil, err
	}
	var pairs [][2]string
	if err := json.Unmarshal(data, &pairs); err == nil {
		return pairs, nil
	}
	var obj map[string]string
	if err := json.Unmarshal(data, &obj); err == nil {
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			pairs = append(pairs, [2]string{k, obj[k]})
		}
		return pairs, nil
	}
	return nil, cli.Failf(`%s: expected [["name","value"], …] or {"name": "value", …}`, name)
}

// readHostAnswers reads --host-services.
func readHostAnswers(value string, stdin io.Reader) (*native.HostAnswers, error) {
	if value == "" {
		return nil, nil
	}
	data, name, err := readInput("host-services", value, stdin)
	if err != nil {
		return nil, err
	}
	a, err := native.ParseHostAnswers(data)
	if err != nil {
		return nil, cli.Failf("%s: %v", name, err)
	}
	return a, nil
}

// resolveCalls reads --calls (a JSON or YAML list of {slot, input}) and resolves it, or the kind's
// default plan, against the kind's slots; nil for a kind not driven by a call plan.
func resolveCalls(kind, value string, stdin io.Reader) ([]native.PlannedCall, error) {
	if native.Kind(kind) == nil {
		if value != "" {
			return nil, cli.Usagef("plugin-harness test: --calls: %s is driven by its own flags (--arguments, --result, --headers, …), not a call plan", kind)
		}
		return nil, nil
	}
	var calls []native.PlannedCall
	if value != "" {
		data, name, err := readInput("calls", value, stdin)
		if err != nil {
			return nil, err
		}
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, cli.Failf("%s: not valid JSON or YAML: %v", name, err)
		}
		if data, err = json.Marshal(v); err != nil {
			return nil, cli.Failf("%s: YAML that has no JSON form: %v", name, err)
		}
		var raw []map[string]json.RawMessage
		if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
			return nil, cli.Failf("%s: expected a list of {slot, input}", name)
		}
		for i, c := range raw {
			var pc native.PlannedCall
			for k, val := range c {
				switch k {
				case "slot":
					if json.Unmarshal(val, &pc.Slot) != nil {
						return nil, cli.Failf("%s: call %d: slot: expected a string", name, i+1)
					}
				case "input":
					pc.Input = val
				default:
					return nil, cli.Failf("%s: call %d: unknown field %q (a call has slot and input)", name, i+1, k)
				}
			}
			if pc.Slot == "" {
				return nil, cli.Failf("%s: call %d: missing slot", name, i+1)
			}
			calls = append(calls, pc)
		}
		if len(calls) == 0 {
			return nil, cli.Failf("%s: the list is empty: no call to make", name)
		}
		resolved, err := native.ResolveCalls(kind, calls)
		if err != nil {
			return nil, cli.Failf("%s: %v", name, err)
		}
		return resolved, nil
	}
	return native.ResolveCalls(kind, nil)
}
