package wasip2

import (
	"testing"
	"time"
)

const (
	tcpI = "wasi:sockets/tcp@0.2.0"
	udpI = "wasi:sockets/udp@0.2.0"
	netI = "wasi:sockets/instance-network@0.2.0"
	dnsI = "wasi:sockets/ip-name-lookup@0.2.0"
	fsI  = "wasi:filesystem/types@0.2.0"
	ipv4 = 0
	ipv6 = 1
)

// netResult reads a result<T, error-code> at retptr: ok, or err with its code.
func netResult(g *guest, payloadAt uint32) (isErr bool, code uint8) {
	return g.u8(retptr) == 1, g.u8(retptr + payloadAt)
}

// Every way to reach the network fails as with a default WasiCtx: bind and connect are
// refused by the address check (access-denied), and the socket never leaves its first state.
func TestTCPCannotConnect(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	network := uint64(handleOf(t, h, g, netI, "instance-network"))
	mustInvoke(t, h, g, "wasi:sockets/tcp-create-socket@0.2.0", "create-tcp-socket", ipv4, retptr)
	if isErr, _ := netResult(g, 4); isErr {
		t.Fatal("create-tcp-socket failed; TCP is allowed by default")
	}
	sock := uint64(g.u32(retptr + 4))
	// 127.0.0.1:80 as an ip-socket-address: ipv4 case, port, four octets, six unused slots.
	addr := []uint64{0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0}
	// Error codes follow the result's discriminant at the payload's alignment: 1 after a unit
	// ok, 4 after an ok holding handles or addresses.
	for _, c := range []struct {
		name string
		args []uint64
		at   uint32
		code uint8
	}{
		{"start-connect", append(append([]uint64{sock, network}, addr...), retptr), 1, codeAccessDenied},
		{"start-bind", append(append([]uint64{sock, network}, addr...), retptr), 1, codeAccessDenied},
		{"finish-connect", []uint64{sock, retptr}, 4, codeNotInProgress},
		{"finish-bind", []uint64{sock, retptr}, 1, codeNotInProgress},
		{"start-listen", []uint64{sock, retptr}, 1, codeInvalidState},
		{"finish-listen", []uint64{sock, retptr}, 1, codeNotInProgress},
		{"accept", []uint64{sock, retptr}, 4, codeInvalidState},
		{"local-address", []uint64{sock, retptr}, 4, codeInvalidState},
		{"remote-address", []uint64{sock, retptr}, 4, codeInvalidState},
		{"shutdown", []uint64{sock, 2, retptr}, 1, codeInvalidState},
		{"set-hop-limit", []uint64{sock, 256, retptr}, 1, codeInvalidArgument}, // u8: 256 is 0
		{"set-keep-alive-count", []uint64{sock, 0, retptr}, 1, codeInvalidArgument},
		{"set-receive-buffer-size", []uint64{sock, 0, retptr}, 1, codeInvalidArgument},
		{"set-listen-backlog-size", []uint64{sock, 0, retptr}, 1, codeInvalidArgument},
	} {
		g.write(retptr, make([]byte, 16))
		mustInvoke(t, h, g, tcpI, "[method]tcp-socket."+c.name, c.args...)
		if isErr, code := netResult(g, c.at); !isErr || code != c.code {
			t.Errorf("%s: err %v code %d, want code %d", c.name, isErr, code, c.code)
		}
	}
	if mustInvoke(t, h, g, tcpI, "[method]tcp-socket.is-listening", sock)[0] != 0 {
		t.Error("is-listening")
	}
	if mustInvoke(t, h, g, tcpI, "[method]tcp-socket.address-family", sock)[0] != ipv4 {
		t.Error("address-family")
	}
	// Options read back as a Linux socket reports them.
	mustInvoke(t, h, g, tcpI, "[method]tcp-socket.set-keep-alive-idle-time", sock, uint64(1500*time.Millisecond), retptr)
	mustInvoke(t, h, g, tcpI, "[method]tcp-socket.keep-alive-idle-time", sock, retptr)
	if g.u8(retptr) != 0 || g.u64(retptr+8) != uint64(2*time.Second) {
		t.Errorf("keep-alive-idle-time %d, want 1.5 s rounded up to whole seconds", g.u64(retptr+8))
	}
	mustInvoke(t, h, g, tcpI, "[method]tcp-socket.hop-limit", sock, retptr)
	if g.u8(retptr) != 0 || g.u8(retptr+1) != 64 {
		t.Errorf("hop-limit %d", g.u8(retptr+1))
	}
	mustInvoke(t, h, g, tcpI, "[method]tcp-socket.set-keep-alive-enabled", sock, 5, retptr)
	mustInvoke(t, h, g, tcpI, "[method]tcp-socket.keep-alive-enabled", sock, retptr)
	if g.u8(retptr) != 0 || g.u8(retptr+1) != 1 {
		t.Error("keep-alive-enabled after set(true)")
	}
	// Hostile arguments trap as Wasmtime's lifting does.
	_, err := invoke(t, h, g, "wasi:sockets/tcp-create-socket@0.2.0", "create-tcp-socket", 2, retptr)
	wantTrap(t, err, "unexpected discriminant: 2")
	bad := append([]uint64{sock, network, 5}, addr[1:]...)
	_, err = invoke(t, h, g, tcpI, "[method]tcp-socket.start-connect", append(bad, retptr)...)
	wantTrap(t, err, "unexpected discriminant: 5")
	_, err = invoke(t, h, g, tcpI, "[method]tcp-socket.start-connect", append(append([]uint64{sock, sock}, addr...), retptr)...)
	wantTrap(t, err, "handle index 2 used with the wrong type, expected guest-defined resource but found a different guest-defined resource")
	// A pollable of the socket is ready, and keeps the socket alive.
	p := mustInvoke(t, h, g, tcpI, "[method]tcp-socket.subscribe", sock)[0]
	if mustInvoke(t, h, g, pollI, "[method]pollable.ready", p)[0] != 1 {
		t.Error("socket pollable ready")
	}
	_, err = invoke(t, h, g, tcpI, "[resource-drop]tcp-socket", sock)
	wantTrap(t, err, "resource has children")
}

func TestUDPAndNameLookup(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	network := uint64(handleOf(t, h, g, netI, "instance-network"))
	mustInvoke(t, h, g, "wasi:sockets/udp-create-socket@0.2.0", "create-udp-socket", ipv6, retptr)
	sock := uint64(g.u32(retptr + 4))
	// ::1 port 53 as an ipv6 ip-socket-address.
	addr := []uint64{1, 53, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}
	mustInvoke(t, h, g, udpI, "[method]udp-socket.start-bind", append(append([]uint64{sock, network}, addr...), retptr)...)
	if isErr, code := netResult(g, 1); !isErr || code != codeAccessDenied {
		t.Errorf("udp start-bind: %v %d", isErr, code)
	}
	// stream(some(addr)) on an unbound socket: invalid-state.
	mustInvoke(t, h, g, udpI, "[method]udp-socket.stream", append(append([]uint64{sock, 1}, addr...), retptr)...)
	if isErr, code := netResult(g, 4); !isErr || code != codeInvalidState {
		t.Errorf("udp stream: %v %d", isErr, code)
	}
	_, err := invoke(t, h, g, udpI, "[method]udp-socket.stream", append(append([]uint64{sock, 2}, addr...), retptr)...)
	wantTrap(t, err, "invalid option discriminant")
	mustInvoke(t, h, g, udpI, "[method]udp-socket.receive-buffer-size", sock, retptr)
	if g.u64(retptr+8) != hostNet().udpReceive/2 {
		t.Errorf("udp receive buffer %d", g.u64(retptr+8))
	}
	if mustInvoke(t, h, g, udpI, "[method]udp-socket.address-family", sock)[0] != ipv6 {
		t.Error("address-family")
	}

	for name, code := range map[string]uint8{
		"example.com": codePermanentResolverFailure, "127.0.0.1": codePermanentResolverFailure,
		"[::1]": codePermanentResolverFailure, "::1": codePermanentResolverFailure,
		"": codeInvalidArgument, "a b": codeInvalidArgument, "x/y": codeInvalidArgument,
		"[::1": codeInvalidArgument, "1.2.3.256": codeInvalidArgument,
	} {
		g.write(8192, []byte(name))
		mustInvoke(t, h, g, dnsI, "resolve-addresses", network, 8192, uint64(len(name)), retptr)
		if isErr, got := netResult(g, 4); !isErr || got != code {
			t.Errorf("resolve-addresses(%q): err %v code %d, want %d", name, isErr, got, code)
		}
	}
}

func TestFilesystemHasNothing(t *testing.T) {
	h, g := New(Config{}), newGuest(t)
	out := uint64(handleOf(t, h, g, stdout, "get-stdout"))
	_, err := invoke(t, h, g, fsI, "[method]descriptor.stat", 9, retptr)
	wantTrap(t, err, "unknown handle index 9")
	_, err = invoke(t, h, g, fsI, "[method]descriptor.open-at", out, 0, 0, 0, 0, 0, retptr)
	wantTrap(t, err, "handle index 1 used with the wrong type, expected guest-defined resource but found a different guest-defined resource")
	_, err = invoke(t, h, g, fsI, "filesystem-error-code", 3, retptr)
	wantTrap(t, err, "unknown handle index 3")
	_, err = invoke(t, h, g, fsI, "[resource-drop]descriptor", out)
	wantTrap(t, err, "handle index 1 used with the wrong type, expected guest-defined resource but found a different guest-defined resource")
}
