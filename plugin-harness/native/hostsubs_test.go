//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"strings"
	"testing"
)

// The placements of the calls the host makes into the plugin (docs/native-kinds.md §2): the two
// subscription callbacks and the sink a coordinator stream feeds.
func TestHostCallbackPlacements(t *testing.T) {
	for _, tc := range []struct {
		name          string
		sig           signature
		sysV, aapcs64 string
	}{
		// On System V the u64 after the memory-class RString takes the next free register.
		{"secret rotation callback", sigRotationCallback, "rdi S0–S3 rsi", "x0 &copy(32)→x1 x2"},
		{"credential revoked callback", sigRevokedCallback, "rdi S0–S3 S4–S7", "x0 &copy(32)→x1 &copy(32)→x2"},
		{"event sink callback", sigStringToVoid, "rdi S0–S3", "x0 &copy(32)→x1"},
	} {
		if got := sysV.place(tc.sig).describe(sysVRegs); got != tc.sysV {
			t.Errorf("%s, System V:\n got %s\nwant %s", tc.name, got, tc.sysV)
		}
		if got := aapcs64.place(tc.sig).describe(aapcs64Regs); got != tc.aapcs64 {
			t.Errorf("%s, AAPCS64:\n got %s\nwant %s", tc.name, got, tc.aapcs64)
		}
	}
}

// Subscriptions are per bridge (each make): ids from 1, 0 for a null callback, unsubscribing 0 or
// an unknown id a no-op, and what is left live is what drop_instance's warning names.
func TestSubscriptionRegistry(t *testing.T) {
	h := &host{}
	h.resetSubscriptions()
	if id := h.subscribeRotation(hostContext, 0, 7); id != 0 {
		t.Fatalf("a null callback got id %d, want 0", id)
	}
	a := h.subscribeRotation(hostContext, 0x1000, 7)
	b := h.subscribeRevoked(hostContext, 0x2000, 8)
	if a != 1 || b != 2 {
		t.Fatalf("ids %d, %d; want 1, 2", a, b)
	}
	h.unsubscribe(hostContext, 0)
	h.unsubscribe(hostContext, 99)
	h.unsubscribe(hostContext, a)
	h.unsubscribe(hostContext, a) // idempotent
	if live := h.live(-1); len(live) != 1 || live[0].id != b {
		t.Fatalf("live after unsubscribing %d: %v", a, live)
	}
	if notes := h.leftSubscribed(); len(notes) != 1 {
		t.Fatalf("drop_instance notes: %q", notes)
	}
	h.resetSubscriptions()
	if id := h.subscribeRevoked(hostContext, 0x2000, 8); id != 1 {
		t.Fatalf("a new bridge's first id is %d, want 1", id)
	}
	if len(h.take()) != 8 {
		t.Fatal("every subscription call is recorded")
	}
}

// A subscription call from inside a fire of its own kind deadlocks the gateway: a violation,
// and the harness does not deadlock itself; a call of the other kind is fine.
func TestSubscriptionReentrancy(t *testing.T) {
	h := &host{}
	h.resetSubscriptions()
	id := h.subscribeRotation(hostContext, 0x1000, 7)
	h.firing[subRotation].Store(int64(threadID()))
	if threadID() == 0 {
		h.firing[subRotation].Store(-1)
	}
	h.subscribeRevoked(hostContext, 0x2000, 8)
	if len(h.violations) != 0 {
		t.Fatalf("subscribing to the other kind inside a fire: %q", h.violations)
	}
	h.unsubscribe(hostContext, id)
	if len(h.violations) != 1 {
		t.Fatalf("violations: %q", h.violations)
	}
	h.firing[subRotation].Store(0)
}

// The fake coordinator's checks that need no plugin allocator: a handle that is not the
// coordinator's, slots a consumer must never call, unknown and twice-dropped leases, unknown and
// twice-cancelled streams, and what drop_instance finds left open.
func TestCoordinatorChecks(t *testing.T) {
	h := &host{}
	h.resetCoordinator()
	h.coordShutdown(clusterHandle)
	h.coordDrop(clusterHandle)
	h.coordLeaseDrop(7, 99)
	h.coordCancelStream(clusterHandle, 5)
	coord.streams[6] = &coordStream{slot: "subscribe", token: 6, cancelled: true}
	h.coordCancelStream(clusterHandle, 6)
	coord.leases[8] = &coordLease{slot: "acquire_lock"}
	coord.leaseList = append(coord.leaseList, 8)
	h.coordLeaseDrop(clusterHandle, 8)
	h.coordLeaseDrop(clusterHandle, 8)
	want := []string{
		"a consumer called the coordinator's shutdown",
		"a consumer called the coordinator's drop_instance",
		"the consumer called the coordinator's lease_drop with handle 7",
		"the consumer dropped lease 99, which the coordinator never handed out",
		"the consumer cancelled stream 5, which the coordinator never opened",
		"the consumer cancelled the coordinator's subscribe stream 6 twice",
		"the consumer dropped the coordinator's lease 8 twice",
	}
	if len(h.violations) != len(want) {
		t.Fatalf("violations:\n%s", strings.Join(h.violations, "\n"))
	}
	for k, w := range want {
		if !strings.HasPrefix(h.violations[k], w) {
			t.Errorf("violation %d: got %q, want %q…", k, h.violations[k], w)
		}
	}
	coord.leases[9] = &coordLease{slot: "try_acquire_lock"}
	coord.leaseList = append(coord.leaseList, 9)
	coord.streams[10] = &coordStream{slot: "watch_peers", token: 10}
	coord.streamList = append(coord.streamList, 10)
	left := h.clusterLeftovers()
	if len(left) != 2 || !strings.Contains(left[0], "lease 9 (try_acquire_lock) was never dropped") ||
		!strings.Contains(left[1], "watch_peers stream 10 was never cancelled") {
		t.Fatalf("leftovers: %q", left)
	}
	h.resetCoordinator()
	if left := h.clusterLeftovers(); len(left) != 0 {
		t.Fatalf("a new bridge starts clean: %q", left)
	}
}
