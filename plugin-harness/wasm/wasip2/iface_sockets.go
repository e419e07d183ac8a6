package wasip2

import (
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
)

// wasi:sockets as a default WasiCtx allows them: TCP and UDP sockets can be created, but the
// address check refuses every address, so binding and connecting fail with access-denied and a
// socket stays in its initial state for good; name lookup is refused with
// permanent-resolver-failure. No socket stream, datagram stream or resolve stream can ever be
// handed out, so their methods trap on the handle like the filesystem's.
//
// Wasmtime answers the option getters and setters of a fresh socket from the OS socket it
// created, so the values are the gateway host's. Here they come from a model of Linux fed with
// this host's sysctls (netDefaults): what the gateway reports on a machine configured alike.

var (
	rNetwork              = &ResourceType{Interface: "wasi:sockets/network", Name: "network"}
	rTCPSocket            = &ResourceType{Interface: "wasi:sockets/tcp", Name: "tcp-socket"}
	rUDPSocket            = &ResourceType{Interface: "wasi:sockets/udp", Name: "udp-socket"}
	rIncomingDatagrams    = &ResourceType{Interface: "wasi:sockets/udp", Name: "incoming-datagram-stream"}
	rOutgoingDatagrams    = &ResourceType{Interface: "wasi:sockets/udp", Name: "outgoing-datagram-stream"}
	rResolveAddressStream = &ResourceType{Interface: "wasi:sockets/ip-name-lookup", Name: "resolve-address-stream"}
)

// The cases of wasi:sockets/network's error-code this host returns.
const (
	codeAccessDenied             = 1
	codeInvalidArgument          = 3
	codeNotInProgress            = 7
	codeInvalidState             = 9
	codePermanentResolverFailure = 20
)

var (
	netErrorCode = enum("error-code", "unknown", "access-denied", "not-supported",
		"invalid-argument", "out-of-memory", "timeout", "concurrency-conflict", "not-in-progress",
		"would-block", "invalid-state", "new-socket-limit", "address-not-bindable",
		"address-in-use", "remote-unreachable", "connection-refused", "connection-reset",
		"connection-aborted", "datagram-too-large", "name-unresolvable",
		"temporary-resolver-failure", "permanent-resolver-failure")
	ipAddressFamily = enum("ip-address-family", "ipv4", "ipv6")
	ipv4Address     = tupleOf(tU8, tU8, tU8, tU8)
	ipv6Address     = tupleOf(tU16, tU16, tU16, tU16, tU16, tU16, tU16, tU16)
	ipAddress       = variant("ip-address", "ipv4", ipv4Address, "ipv6", ipv6Address)
	ipv4SockAddr    = record("ipv4-socket-address", "port", tU16, "address", ipv4Address)
	ipv6SockAddr    = record("ipv6-socket-address", "port", tU16, "flow-info", tU32,
		"address", ipv6Address, "scope-id", tU32)
	ipSocketAddress = variant("ip-socket-address", "ipv4", ipv4SockAddr, "ipv6", ipv6SockAddr)
	shutdownType    = enum("shutdown-type", "receive", "send", "both")
	incomingDgram   = record("incoming-datagram", "data", tBytes, "remote-address", ipSocketAddress)
	outgoingDgram   = record("outgoing-datagram", "data", tBytes, "remote-address", optionOf(ipSocketAddress))
)

func netErr(code uint32) Variant { return errv(enumv(code)) }

type network struct{}

// socketOptions are a fresh socket's options as the host's OS would report them.
type socketOptions struct {
	family                    uint32 // ip-address-family case
	hopLimit                  uint64
	receiveBuffer, sendBuffer uint64
}

type tcpSocket struct {
	socketOptions
	backlog                uint64
	keepAlive              bool
	keepIdle, keepInterval uint64 // nanoseconds, whole seconds as Linux keeps them
	keepCount              uint64
}

type udpSocket struct {
	socketOptions
}

// Linux floors a socket's buffers at SOCK_MIN_RCVBUF / SOCK_MIN_SNDBUF (2304 and 4608 bytes),
// which wasmtime-wasi reports halved.
const (
	minReceiveBuffer = 1152
	minSendBuffer    = 2304
)

// netDefaults are the socket defaults of this host as Linux sets them on a new socket, read
// from /proc/sys once, with Linux's stock values where that fails (not Linux, a sandbox).
type netDefaults struct {
	ttl, hopLimit6                    uint64
	tcpReceive, tcpSend               uint64 // SO_RCVBUF / SO_SNDBUF of a new TCP socket
	udpReceive, udpSend               uint64
	receiveMax, sendMax               uint64 // net.core.rmem_max / wmem_max
	keepIdle, keepInterval, keepCount uint64 // seconds, seconds, probes
}

var hostNet = sync.OnceValue(func() netDefaults {
	read := func(path string, field int, fallback uint64) uint64 {
		b, err := os.ReadFile("/proc/sys/" + path)
		if err != nil {
			return fallback
		}
		fs := strings.Fields(string(b))
		if field >= len(fs) {
			return fallback
		}
		v, err := strconv.ParseUint(fs[field], 10, 64)
		if err != nil {
			return fallback
		}
		return v
	}
	return netDefaults{
		ttl:          read("net/ipv4/ip_default_ttl", 0, 64),
		hopLimit6:    read("net/ipv6/conf/default/hop_limit", 0, 64),
		tcpReceive:   read("net/ipv4/tcp_rmem", 1, 131072),
		tcpSend:      read("net/ipv4/tcp_wmem", 1, 16384),
		udpReceive:   read("net/core/rmem_default", 0, 212992),
		udpSend:      read("net/core/wmem_default", 0, 212992),
		receiveMax:   read("net/core/rmem_max", 0, 212992),
		sendMax:      read("net/core/wmem_max", 0, 212992),
		keepIdle:     read("net/ipv4/tcp_keepalive_time", 0, 7200),
		keepInterval: read("net/ipv4/tcp_keepalive_intvl", 0, 75),
		keepCount:    read("net/ipv4/tcp_keepalive_probes", 0, 9),
	}
})

// setReceive and setSend are what Linux keeps for SO_RCVBUF / SO_SNDBUF set to v (capped at
// the maximum, doubled, floored), as wasmtime-wasi then reports it (halved).
func setReceive(v uint64) uint64 { return max(min(v, hostNet().receiveMax), minReceiveBuffer) }
func setSend(v uint64) uint64    { return max(min(v, hostNet().sendMax), minSendBuffer) }

func (d netDefaults) hop(family uint32) uint64 {
	if family == 1 {
		return d.hopLimit6
	}
	return d.ttl
}

func tcp(r any) *tcpSocket { return r.(*Resource).Value.(*tcpSocket) }
func udp(r any) *udpSocket { return r.(*Resource).Value.(*udpSocket) }

// noStream is the body of the methods of resources the host never creates.
var noStream = noDescriptor

func init() {
	define("wasi:sockets/network", []*ResourceType{rNetwork}, nil)
	define("wasi:sockets/instance-network", nil, []*ResourceType{rNetwork},
		fn("instance-network", nil, own(rNetwork), func(c *call, a []any) (any, error) {
			return c.h.push(rNetwork, &network{}, nil)
		}),
	)

	res := func(ok *Type) *Type { return resultOf(ok, netErrorCode) }
	fixed := func(v Variant) impl { return func(c *call, a []any) (any, error) { return v, nil } }
	// Binding and connecting ask the network's address check first, which refuses everything.
	denied := fixed(netErr(codeAccessDenied))
	invalidState := fixed(netErr(codeInvalidState))
	notInProgress := fixed(netErr(codeNotInProgress))
	positive := func(set func(*call, []any, uint64)) impl {
		return func(c *call, a []any) (any, error) {
			v := a[1].(uint64)
			if v == 0 {
				return netErr(codeInvalidArgument), nil
			}
			set(c, a, v)
			return ok(nil), nil
		}
	}
	getter := func(get func(any) any) impl {
		return func(c *call, a []any) (any, error) { return ok(get(a[0])), nil }
	}
	const second = uint64(1e9)
	// rustix hands Linux whole seconds, rounding a fraction up.
	seconds := func(v, lo, hi uint64) uint64 { return (min(max(v, lo), hi) + second - 1) / second * second }

	t := func(name string, params []any, result *Type, body impl) *funcDef {
		return method(rTCPSocket, name, params, result, body)
	}
	define("wasi:sockets/tcp", []*ResourceType{rTCPSocket},
		[]*ResourceType{rInputStream, rOutputStream, rPollable, rNetwork},
		t("start-bind", args("network", borrow(rNetwork), "local-address", ipSocketAddress), res(nil), denied),
		t("finish-bind", nil, res(nil), notInProgress),
		t("start-connect", args("network", borrow(rNetwork), "remote-address", ipSocketAddress), res(nil), denied),
		t("finish-connect", nil, res(tupleOf(own(rInputStream), own(rOutputStream))), notInProgress),
		t("start-listen", nil, res(nil), invalidState),
		t("finish-listen", nil, res(nil), notInProgress),
		t("accept", nil, res(tupleOf(own(rTCPSocket), own(rInputStream), own(rOutputStream))), invalidState),
		t("local-address", nil, res(ipSocketAddress), invalidState),
		t("remote-address", nil, res(ipSocketAddress), invalidState),
		t("is-listening", nil, tBool, func(c *call, a []any) (any, error) { return false, nil }),
		t("address-family", nil, ipAddressFamily, func(c *call, a []any) (any, error) {
			return enumv(tcp(a[0]).family), nil
		}),
		t("set-listen-backlog-size", args("value", tU64), res(nil), positive(func(c *call, a []any, v uint64) {
			tcp(a[0]).backlog = min(v, 1<<31-1)
		})),
		t("keep-alive-enabled", nil, res(tBool), getter(func(r any) any { return tcp(r).keepAlive })),
		t("set-keep-alive-enabled", args("value", tBool), res(nil), func(c *call, a []any) (any, error) {
			tcp(a[0]).keepAlive = a[1].(bool)
			return ok(nil), nil
		}),
		t("keep-alive-idle-time", nil, res(tU64), getter(func(r any) any { return tcp(r).keepIdle })),
		t("set-keep-alive-idle-time", args("value", tU64), res(nil), positive(func(c *call, a []any, v uint64) {
			tcp(a[0]).keepIdle = seconds(v, second, 32767*second)
		})),
		t("keep-alive-interval", nil, res(tU64), getter(func(r any) any { return tcp(r).keepInterval })),
		t("set-keep-alive-interval", args("value", tU64), res(nil), positive(func(c *call, a []any, v uint64) {
			tcp(a[0]).keepInterval = seconds(v, second, 32767*second)
		})),
		t("keep-alive-count", nil, res(tU32), getter(func(r any) any { return tcp(r).keepCount })),
		t("set-keep-alive-count", args("value", tU32), res(nil), positive(func(c *call, a []any, v uint64) {
			tcp(a[0]).keepCount = min(max(v, 1), 127)
		})),
		t("hop-limit", nil, res(tU8), getter(func(r any) any { return tcp(r).hopLimit })),
		t("set-hop-limit", args("value", tU8), res(nil), positive(func(c *call, a []any, v uint64) {
			tcp(a[0]).hopLimit = v
		})),
		t("receive-buffer-size", nil, res(tU64), getter(func(r any) any { return tcp(r).receiveBuffer })),
		t("set-receive-buffer-size", args("value", tU64), res(nil), positive(func(c *call, a []any, v uint64) {
			tcp(a[0]).receiveBuffer = setReceive(v)
		})),
		t("send-buffer-size", nil, res(tU64), getter(func(r any) any { return tcp(r).sendBuffer })),
		t("set-send-buffer-size", args("value", tU64), res(nil), positive(func(c *call, a []any, v uint64) {
			tcp(a[0]).sendBuffer = setSend(v)
		})),
		t("subscribe", nil, own(rPollable), func(c *call, a []any) (any, error) {
			return subscribe(c, a[0])
		}),
		// shutdown needs a connected socket's streams.
		t("shutdown", args("shutdown-type", shutdownType), res(nil), invalidState),
	)
	define("wasi:sockets/tcp-create-socket", nil, []*ResourceType{rTCPSocket, rNetwork},
		fn("create-tcp-socket", args("address-family", ipAddressFamily), res(own(rTCPSocket)), func(c *call, a []any) (any, error) {
			d, family := hostNet(), a[0].(Variant).Case
			s := &tcpSocket{
				socketOptions: socketOptions{family: family, hopLimit: d.hop(family),
					receiveBuffer: d.tcpReceive / 2, sendBuffer: d.tcpSend / 2},
				backlog:  128,
				keepIdle: d.keepIdle * second, keepInterval: d.keepInterval * second, keepCount: d.keepCount,
			}
			r, err := c.h.push(rTCPSocket, s, nil)
			return ok(r), err
		}),
	)

	u := func(name string, params []any, result *Type, body impl) *funcDef {
		return method(rUDPSocket, name, params, result, body)
	}
	define("wasi:sockets/udp", []*ResourceType{rUDPSocket, rIncomingDatagrams, rOutgoingDatagrams},
		[]*ResourceType{rPollable, rNetwork},
		u("start-bind", args("network", borrow(rNetwork), "local-address", ipSocketAddress), res(nil), denied),
		u("finish-bind", nil, res(nil), notInProgress),
		// stream needs a bound socket.
		u("stream", args("remote-address", optionOf(ipSocketAddress)),
			res(tupleOf(own(rIncomingDatagrams), own(rOutgoingDatagrams))), invalidState),
		u("local-address", nil, res(ipSocketAddress), invalidState),
		u("remote-address", nil, res(ipSocketAddress), invalidState),
		u("address-family", nil, ipAddressFamily, func(c *call, a []any) (any, error) {
			return enumv(udp(a[0]).family), nil
		}),
		u("unicast-hop-limit", nil, res(tU8), getter(func(r any) any { return udp(r).hopLimit })),
		u("set-unicast-hop-limit", args("value", tU8), res(nil), positive(func(c *call, a []any, v uint64) {
			udp(a[0]).hopLimit = v
		})),
		u("receive-buffer-size", nil, res(tU64), getter(func(r any) any { return udp(r).receiveBuffer })),
		u("set-receive-buffer-size", args("value", tU64), res(nil), positive(func(c *call, a []any, v uint64) {
			udp(a[0]).receiveBuffer = setReceive(v)
		})),
		u("send-buffer-size", nil, res(tU64), getter(func(r any) any { return udp(r).sendBuffer })),
		u("set-send-buffer-size", args("value", tU64), res(nil), positive(func(c *call, a []any, v uint64) {
			udp(a[0]).sendBuffer = setSend(v)
		})),
		u("subscribe", nil, own(rPollable), func(c *call, a []any) (any, error) {
			return subscribe(c, a[0])
		}),
		method(rIncomingDatagrams, "receive", args("max-results", tU64), res(listOf(incomingDgram)), noStream),
		method(rIncomingDatagrams, "subscribe", nil, own(rPollable), noStream),
		method(rOutgoingDatagrams, "check-send", nil, res(tU64), noStream),
		method(rOutgoingDatagrams, "send", args("datagrams", listOf(outgoingDgram)), res(tU64), noStream),
		method(rOutgoingDatagrams, "subscribe", nil, own(rPollable), noStream),
	)
	define("wasi:sockets/udp-create-socket", nil, []*ResourceType{rUDPSocket, rNetwork},
		fn("create-udp-socket", args("address-family", ipAddressFamily), res(own(rUDPSocket)), func(c *call, a []any) (any, error) {
			d, family := hostNet(), a[0].(Variant).Case
			s := &udpSocket{socketOptions{family: family, hopLimit: d.hop(family),
				receiveBuffer: d.udpReceive / 2, sendBuffer: d.udpSend / 2}}
			r, err := c.h.push(rUDPSocket, s, nil)
			return ok(r), err
		}),
	)

	define("wasi:sockets/ip-name-lookup", []*ResourceType{rResolveAddressStream}, []*ResourceType{rPollable, rNetwork},
		fn("resolve-addresses", args("network", borrow(rNetwork), "name", tString), res(own(rResolveAddressStream)), func(c *call, a []any) (any, error) {
			if !validHost(a[1].(string)) {
				return netErr(codeInvalidArgument), nil
			}
			return netErr(codePermanentResolverFailure), nil
		}),
		method(rResolveAddressStream, "resolve-next-address", nil, res(optionOf(ipAddress)), noStream),
		method(rResolveAddressStream, "subscribe", nil, own(rPollable), noStream),
	)
}

// validHost follows the url crate's Host::parse (the WHATWG URL standard's host parser), which
// wasmtime-wasi runs on a name before refusing the lookup: a name it cannot parse is
// invalid-argument rather than a resolver failure. IDNA mapping is not modelled: a name whose
// only fault is an IDNA one (bad punycode) passes here.
func validHost(name string) bool {
	if strings.HasPrefix(name, "[") {
		if !strings.HasSuffix(name, "]") {
			return false
		}
		a, err := netip.ParseAddr(name[1 : len(name)-1])
		return err == nil && a.Is6() && a.Zone() == ""
	}
	if name == "" {
		return false
	}
	domain := percentDecode(name)
	for _, r := range domain {
		if r <= 0x20 || r == 0x7f || strings.ContainsRune("#%/:<>?@[\\]^|", r) {
			// The url crate falls back to reading the whole name as an IPv6 address.
			a, err := netip.ParseAddr(name)
			return err == nil && a.Is6() && a.Zone() == ""
		}
	}
	if endsInNumber(domain) {
		return parseIPv4(domain)
	}
	return true
}

func percentDecode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func ipv4Parts(s string) []string {
	parts := strings.Split(s, ".")
	if len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// endsInNumber is the standard's "ends in a number" check.
func endsInNumber(s string) bool {
	parts := ipv4Parts(s)
	last := parts[len(parts)-1]
	if isDecimal(last) {
		return true
	}
	_, ok := ipv4Number(last)
	return ok
}

// ipv4Number parses one part: 0x… hex, 0… octal, else decimal.
func ipv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := 10
	switch {
	case len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
	case len(s) >= 2 && s[0] == '0':
		s, base = s[1:], 8
	}
	if s == "" {
		return 0, true
	}
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		// Digits beyond 64 bits still make a number, just one too large for an address.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 1 << 63, true
		}
		return 0, false
	}
	return v, true
}

// parseIPv4 is the standard's IPv4 parser: up to four parts, all but the last under 256, the
// last filling the remaining bytes.
func parseIPv4(s string) bool {
	parts := ipv4Parts(s)
	if len(parts) > 4 {
		return false
	}
	for i, p := range parts {
		v, ok := ipv4Number(p)
		if !ok {
			return false
		}
		if i < len(parts)-1 {
			if v > 255 {
				return false
			}
		} else if v >= 1<<(8*(5-len(parts))) {
			return false
		}
	}
	return true
}

func isDecimal(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
