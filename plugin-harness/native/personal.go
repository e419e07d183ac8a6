package native

// A kind's default plan speaks of the same caller as the Tier-1 classes: the test identity, tool
// name, request id and session of --context (or the default context), and --arguments where a
// default request carries tool arguments. Only default plans are rewritten; a --calls plan is the
// user's own, sent as written.

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// Personalize returns the default calls with the default context's values replaced by c's and
// the default (empty) tool arguments by arguments, a JSON text in serde's form.
func Personalize(calls []PlannedCall, c Context, arguments string) []PlannedCall {
	pairs := []string{string(serdejson.ReencodeOrNull(actorJSON)), identityJSON(c.Identity)}
	str := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	pairs = append(pairs,
		`"request_id":"mcpg-plugin-test"`, `"request_id":`+str(c.RequestID),
		`"test.tool"`, str(c.ToolName),
		`"payload":"e30="`, `"payload":`+str(base64.StdEncoding.EncodeToString([]byte(arguments))),
		`"input":{}`, `"input":`+arguments,
		`"arguments":{}`, `"arguments":`+arguments)
	if c.SessionID != nil {
		pairs = append(pairs, `"session_id":null`, `"session_id":`+str(*c.SessionID))
	}
	r := strings.NewReplacer(pairs...)
	out := make([]PlannedCall, len(calls))
	for i, pc := range calls {
		out[i] = pc
		if len(pc.Input) > 0 {
			if text, err := serdejson.Reencode(r.Replace(string(pc.Input))); err == nil {
				out[i].Input = text
			}
		}
	}
	return out
}

// identityJSON is a PluginIdentity as the gateway serialises it into a request.
func identityJSON(id Identity) string {
	b, _ := json.Marshal(id)
	return string(serdejson.ReencodeOrNull(string(b)))
}
