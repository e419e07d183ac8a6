package native

// The fake cluster coordinator's canned answers (--host-services "cluster"; docs/native-kinds.md
// §10, §11.3): what the 13 ClusterClient slots a consumer uses answer, in the wire forms of
// mcpg-cluster-api (ClusterNodeInfo, ClusterPeer, PublishedMessage, PeerEvent, ClusterError).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/serdejson"
)

// ClusterAnswers is the "cluster" block. Every field is optional; absent ones take the defaults
// of clusterDefaults.
type ClusterAnswers struct {
	// NodeInfo and Peers are node_info's and list_peers' bare JSON (no envelope).
	NodeInfo json.RawMessage `json:"node_info,omitempty"`
	Peers    json.RawMessage `json:"peers,omitempty"`
	// Publish is publish's envelope: {"ok":null} or {"err":ClusterError}.
	Publish json.RawMessage `json:"publish,omitempty"`
	// Messages are the PublishedMessage events each subscribe's sink gets; PeerEvents the PeerEvent
	// events each watch_peers' sink gets. SubscribeError / WatchPeersError, when set, make the slot
	// answer handle 0 with that ClusterError instead.
	Messages        []json.RawMessage `json:"messages,omitempty"`
	PeerEvents      []json.RawMessage `json:"peer_events,omitempty"`
	SubscribeError  json.RawMessage   `json:"subscribe_error,omitempty"`
	WatchPeersError json.RawMessage   `json:"watch_peers_error,omitempty"`
	// Leases maps acquire_leadership, acquire_lock, try_acquire_leadership and try_acquire_lock to
	// the LeaseHandle they return.
	Leases map[string]LeaseAnswer `json:"leases,omitempty"`
	// LeaseRenew and LeaseRelease are envelopes: {"ok":"<expires_at>"} / {"ok":null}, or {"err":…}.
	LeaseRenew   json.RawMessage `json:"lease_renew,omitempty"`
	LeaseRelease json.RawMessage `json:"lease_release,omitempty"`
	// KV maps kv_get, kv_put, kv_put_if_absent, kv_delete, kv_list_prefix and kv_expire to their
	// envelope (the SDK's ClusterClient never calls them, but the gateway hands a consumer the
	// coordinator's whole vtable).
	KV map[string]json.RawMessage `json:"kv,omitempty"`
}

// LeaseAnswer is one acquire slot's LeaseHandle: acquired (a fencing token and expiry), declined
// (handle 0 with an empty error: try_acquire_* only), or handle 0 with a ClusterError.
type LeaseAnswer struct {
	FencingToken uint64          `json:"fencing_token,omitempty"`
	ExpiresAt    string          `json:"expires_at,omitempty"`
	Declined     bool            `json:"declined,omitempty"`
	Error        json.RawMessage `json:"error,omitempty"`
}

var (
	leaseSlots = []string{"acquire_leadership", "acquire_lock", "try_acquire_leadership", "try_acquire_lock"}
	kvSlots    = []string{"kv_get", "kv_put", "kv_put_if_absent", "kv_delete", "kv_list_prefix", "kv_expire"}
)

// clusterDefaults fills what the block leaves out: a one-node cluster that grants every lease.
func (c *ClusterAnswers) withDefaults() *ClusterAnswers {
	d := *c
	if d.NodeInfo == nil {
		d.NodeInfo = json.RawMessage(`{"address":"127.0.0.1:7946","node_id":"mcpg-test-node","roles":[],"started_at":"2026-01-01T00:00:00Z","version":"0.1.0"}`)
	}
	if d.Peers == nil {
		d.Peers = json.RawMessage(`[]`)
	}
	if d.Publish == nil {
		d.Publish = json.RawMessage(`{"ok":null}`)
	}
	if d.LeaseRenew == nil {
		d.LeaseRenew = json.RawMessage(`{"ok":"2026-01-01T00:01:00Z"}`)
	}
	if d.LeaseRelease == nil {
		d.LeaseRelease = json.RawMessage(`{"ok":null}`)
	}
	return &d
}

// lease returns the answer of acquire slot slot.
func (c *ClusterAnswers) lease(slot string) LeaseAnswer {
	if a, ok := c.Leases[slot]; ok {
		return a
	}
	return LeaseAnswer{FencingToken: 1, ExpiresAt: "2026-01-01T00:01:00Z"}
}

// kv returns kv slot slot's envelope: canned, or the coordinator's "unsupported" (a cluster
// backend without a KV store).
func (c *ClusterAnswers) kv(slot string) string {
	if v, ok := c.KV[slot]; ok {
		return string(v)
	}
	return `{"err":{"kind":"unsupported","reason":"the harness's fake coordinator has no KV store (--host-services cluster.kv)"}}`
}

// parseClusterAnswers reads the "cluster" block, refusing unknown fields and answers the
// consumer's decoder could never receive from a coordinator.
func parseClusterAnswers(raw json.RawMessage) (*ClusterAnswers, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var c ClusterAnswers
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("expected an object of node_info, peers, publish, messages, peer_events, subscribe_error, "+
			"watch_peers_error, leases, lease_renew, lease_release, kv: %v", err)
	}
	check := func(field string, v json.RawMessage, ok func(json.RawMessage) error) error {
		if v == nil {
			return nil
		}
		if err := ok(v); err != nil {
			return fmt.Errorf("%s: %v", field, err)
		}
		return nil
	}
	object := func(v json.RawMessage) error {
		if len(bytes.TrimSpace(v)) == 0 || bytes.TrimSpace(v)[0] != '{' {
			return fmt.Errorf("expected a JSON object, found %s", clip(string(v)))
		}
		return nil
	}
	list := func(v json.RawMessage) error {
		if len(bytes.TrimSpace(v)) == 0 || bytes.TrimSpace(v)[0] != '[' {
			return fmt.Errorf("expected a JSON list, found %s", clip(string(v)))
		}
		return nil
	}
	for _, e := range []error{
		check("node_info", c.NodeInfo, object), check("peers", c.Peers, list),
		check("publish", c.Publish, checkEnvelope), check("lease_renew", c.LeaseRenew, checkEnvelope),
		check("lease_release", c.LeaseRelease, checkEnvelope),
		check("subscribe_error", c.SubscribeError, object), check("watch_peers_error", c.WatchPeersError, object),
	} {
		if e != nil {
			return nil, e
		}
	}
	for k, m := range c.Messages {
		if err := object(m); err != nil {
			return nil, fmt.Errorf("messages[%d]: %v", k, err)
		}
	}
	for k, m := range c.PeerEvents {
		if err := object(m); err != nil {
			return nil, fmt.Errorf("peer_events[%d]: %v", k, err)
		}
	}
	for slot, l := range c.Leases {
		if !slices.Contains(leaseSlots, slot) {
			return nil, fmt.Errorf("leases: %q is not an acquire slot (expected one of %v)", slot, leaseSlots)
		}
		n := 0
		if l.FencingToken != 0 || l.ExpiresAt != "" {
			n++
		}
		if l.Declined {
			n++
		}
		if l.Error != nil {
			n++
			if err := object(l.Error); err != nil {
				return nil, fmt.Errorf("leases.%s.error: %v", slot, err)
			}
		}
		if n != 1 {
			return nil, fmt.Errorf(`leases.%s: expected one of {"fencing_token": n, "expires_at": "…"}, {"declined": true} or {"error": ClusterError}`, slot)
		}
		if l.Declined && (slot == "acquire_leadership" || slot == "acquire_lock") {
			return nil, fmt.Errorf("leases.%s: only try_acquire_* may decline (handle 0 with an empty error is a failure for %s)", slot, slot)
		}
	}
	for slot, v := range c.KV {
		if !slices.Contains(kvSlots, slot) {
			return nil, fmt.Errorf("kv: %q is not a kv slot (expected one of %v)", slot, kvSlots)
		}
		if err := checkEnvelope(v); err != nil {
			return nil, fmt.Errorf("kv.%s: %v", slot, err)
		}
	}
	// Everything is handed to the plugin as serde_json would print it.
	norm := func(v *json.RawMessage) {
		if *v != nil {
			*v = serdejson.ReencodeOrNull(string(*v))
		}
	}
	for _, v := range []*json.RawMessage{&c.NodeInfo, &c.Peers, &c.Publish, &c.SubscribeError, &c.WatchPeersError, &c.LeaseRenew, &c.LeaseRelease} {
		norm(v)
	}
	for k := range c.Messages {
		norm(&c.Messages[k])
	}
	for k := range c.PeerEvents {
		norm(&c.PeerEvents[k])
	}
	for slot, l := range c.Leases {
		norm(&l.Error)
		c.Leases[slot] = l
	}
	for slot, v := range c.KV {
		norm(&v)
		c.KV[slot] = v
	}
	return &c, nil
}
