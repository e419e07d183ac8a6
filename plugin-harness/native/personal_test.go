package native

import (
	"strings"
	"testing"
)

func TestPersonalizeDefaultPlans(t *testing.T) {
	subject, session := "alice@example.com", "sess-9"
	c := Context{RequestID: "req-7", SessionID: &session, ToolName: "db.query", Surface: "tool", Transport: "http",
		Identity: Identity{Kind: "verified", TrustLevel: "high", SubjectID: &subject, Roles: []string{"admin"}}}
	for _, kind := range []string{"policy_engine", "backend", "approval_notifier", "audit_sink", "catalog_provider"} {
		calls, err := ResolveCalls(kind, nil)
		if err != nil {
			t.Fatal(err)
		}
		text := ""
		for _, pc := range Personalize(calls, c, `{"q":1}`) {
			text += string(pc.Input) + "\n"
		}
		for _, gone := range []string{"tester@example.com", `"test.tool"`, `"mcpg-plugin-test"`} {
			if strings.Contains(text, gone) {
				t.Errorf("%s: the default %s is still in the plan:\n%s", kind, gone, text)
			}
		}
		if !strings.Contains(text, `"subject_id":"alice@example.com"`) || kind != "backend" && !strings.Contains(text, "db.query") {
			t.Errorf("%s: the context did not reach the plan:\n%s", kind, text)
		}
		switch kind {
		case "policy_engine":
			want(t, kind, text, `"input":{"q":1}`, `"roles":["admin"]`)
		case "backend":
			want(t, kind, text, `"payload":"eyJxIjoxfQ=="`, `"session_id":"sess-9"`, `"request_id":"req-7"`)
		case "approval_notifier":
			want(t, kind, text, `"arguments":{"q":1}`)
		}
	}
	// The default context leaves the default plan as it is.
	calls, _ := ResolveCalls("policy_engine", nil)
	subject, provider := "tester@example.com", "mcpg-plugin-test"
	def := Context{RequestID: "mcpg-plugin-test", ToolName: "test.tool", Surface: "tool", Transport: "http",
		Identity: Identity{Kind: "verified", TrustLevel: "verified", SubjectID: &subject, AuthProvider: &provider}}
	for i, pc := range Personalize(calls, def, "{}") {
		if string(pc.Input) != string(calls[i].Input) {
			t.Errorf("the default context changed %s's input:\n%s\n%s", pc.Slot, calls[i].Input, pc.Input)
		}
	}
}

func want(t *testing.T, kind, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("%s: want %s in the plan:\n%s", kind, p, text)
		}
	}
}
