package native

import (
	"encoding/json"
	"testing"
)

// TestClusterShapes checks the cluster DTOs against what the real SDK builds sent through the
// host's own adapter (.tools/real-plugins/oracle-results) and what serde refuses.
func TestClusterShapes(t *testing.T) {
	for _, c := range []struct {
		name string
		text string
		s    shape
		ok   bool
	}{
		{"node info", `{"node_id":"live-1","address":"127.0.0.1:7946","version":"0.1.0","started_at":"2026-01-01T00:00:00Z","roles":[]}`, nodeInfoShape, true},
		{"node info without roles", `{"node_id":"live-1","address":"","version":"","started_at":""}`, nodeInfoShape, false},
		{"peer", `[{"node_id":"p","address":"a","last_seen":"t","health":"degraded","roles":["r"]}]`, tArr(peerShape), true},
		{"peer health unknown", `[{"node_id":"p","address":"a","last_seen":"t","health":"sick","roles":[]}]`, tArr(peerShape), false},
		{"left", `{"kind":"left","node_id":"live-2"}`, peerEventShape, true},
		{"joined without peer", `{"kind":"joined"}`, peerEventShape, false},
		{"message", `{"topic":"mcpg.test","routing_key":null,"payload":[49],"from_node":"live-2"}`, publishedShape, true},
		{"message without routing_key", `{"topic":"t","payload":[49],"from_node":"n"}`, publishedShape, true},
		{"SDK default", `{"kind":"internal","reason":"subscribe not implemented"}`, clusterErrShape, true},
		{"unit variant", `{"kind":"lease_expired"}`, clusterErrShape, true},
		{"unknown variant", `{"kind":"gone"}`, clusterErrShape, false},
		{"kv entry", `{"ok":{"bytes":[49],"expires_at_unix_ms":1764954000000}}`, envelope(tOpt(kvEntryShape), clusterErrShape), true},
		{"kv miss", `{"ok":null}`, envelope(tOpt(kvEntryShape), clusterErrShape), true},
		{"kv list", `{"ok":[{"key":"k","entry":{"bytes":[]}}]}`, envelope(tArr(kvListShape), clusterErrShape), true},
		{"renew", `{"ok":"2026-01-01T00:01:00Z"}`, untagged(tStr, clusterErrShape), true},
		{"renew with a number", `{"ok":1764954060}`, untagged(tStr, clusterErrShape), false},
	} {
		if got := checkJSON(c.text, c.s) == ""; got != c.ok {
			t.Errorf("%s: accepted %v, want %v (%s)", c.name, got, c.ok, checkJSON(c.text, c.s))
		}
	}
}

func TestLastKey(t *testing.T) {
	for text, want := range map[string]string{
		`{"ok":null}`:                    "ok",
		`{"ok":null,"err":{"kind":"x"}}`: "err",
		`{"err":{"kind":"x"},"ok":[1]}`:  "ok",
		`{"x":{"ok":1}}`:                 "",
		`[1]`:                            "",
	} {
		if got := lastKey(json.RawMessage(text)); got != want {
			t.Errorf("lastKey(%s) = %q, want %q", text, got, want)
		}
	}
}

// TestClusterPlan checks the default plan carries the gateway's probe names and that every lease
// it takes is dropped: one lease_drop per acquire in the default plan.
func TestClusterPlan(t *testing.T) {
	calls, err := ResolveCalls("cluster", nil)
	if err != nil {
		t.Fatal(err)
	}
	acquires, drops, opens, cancels := 0, 0, 0, 0
	probe := false
	for _, c := range calls {
		switch c.Slot {
		case "acquire_lock", "acquire_leadership", "try_acquire_leadership", "try_acquire_lock":
			acquires++
		case "lease_drop":
			drops++
		case "subscribe", "watch_peers":
			opens++
		case "cancel_stream":
			cancels++
		case "kv_get":
			probe = probe || string(c.Input) == `{"key":"`+kvProbeKey+`"}`
		}
	}
	if acquires != drops || opens != cancels || !probe {
		t.Errorf("default plan: %d acquires, %d drops, %d streams, %d cancels, KV probe %v", acquires, drops, opens, cancels, probe)
	}
	if _, err := ResolveCalls("cluster", []PlannedCall{{Slot: "lease_drop", Input: json.RawMessage(`7`)}}); err == nil {
		t.Error("lease_drop takes no input: the harness passes the lease it holds")
	}
}
