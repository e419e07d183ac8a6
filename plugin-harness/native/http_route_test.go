//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"testing"
)

// handle_streaming placed as docs/native-kinds.md §2 lays it out: the two sinks by value in
// register pairs after the request.
func TestHTTPRoutePlacements(t *testing.T) {
	if got, want := sysV.place(sigHTTPStream).describe(sysVRegs), "sret(40)→rdi rsi S0–S3 rdx/rcx r8/r9"; got != want {
		t.Errorf("System V:\n got %s\nwant %s", got, want)
	}
	if got, want := aapcs64.place(sigHTTPStream).describe(aapcs64Regs), "sret(40)→x8 x0 &copy(32)→x1 x2/x3 x4/x5"; got != want {
		t.Errorf("AAPCS64:\n got %s\nwant %s", got, want)
	}
}

// The gateway's match_path: :name captures, trailing slashes do not count, {name} is a literal.
func TestHTTPMatchPath(t *testing.T) {
	for _, tc := range []struct {
		spec, path string
		ok         bool
		param      string
	}{
		{"/events/:topic", "/events/news", true, "news"},
		{"/events/:topic/", "events/news", true, "news"},
		{"/health", "/health/", true, ""},
		{"/", "/", true, ""},
		{"/a/b", "/a", false, ""},
		{"/a/b", "/a/c", false, ""},
		{"/items/{id}", "/items/7", false, ""},
		{"/items/{id}", "/items/{id}", true, ""},
	} {
		params, ok := matchPath(tc.spec, tc.path)
		if ok != tc.ok || (tc.param != "" && params["topic"] != tc.param) {
			t.Errorf("matchPath(%q, %q) = %v, %v", tc.spec, tc.path, params, ok)
		}
	}
}

// The DTOs as serde reads them: a u16 status, Vec<u8> bodies only as arrays, HttpChunkWire by kind.
func TestHTTPShapes(t *testing.T) {
	for text, ok := range map[string]bool{
		`{"status":200,"headers":[["a","b"]],"body":[104,105]}`: true,
		`{"status":70000,"headers":[],"body":[]}`:               false,
		`{"status":200,"headers":[],"body":"hi"}`:               false,
		`{"status":200,"headers":[["a"]],"body":[]}`:            false,
		`{"status":200,"headers":[]}`:                           false,
	} {
		if got := checkJSON(text, httpResponseWire) == ""; got != ok {
			t.Errorf("HttpRouteResponseWire %s: accepted %v", text, got)
		}
	}
	for text, ok := range map[string]bool{
		`{"kind":"data","data":[1]}`:               true,
		`{"kind":"event","name":"tick","data":[]}`: true,
		`{"kind":"end"}`:                           true,
		`{"kind":"event","data":[]}`:               false,
		`{"kind":"blob"}`:                          false,
		`{"data":[1]}`:                             false,
	} {
		if got := checkJSON(text, httpChunkWire) == ""; got != ok {
			t.Errorf("HttpChunkWire %s: accepted %v", text, got)
		}
	}
	if !isEndChunk(`{"kind":"end"}`) || isEndChunk(`{"kind":"data","data":[]}`) || isEndChunk(`end`) {
		t.Error("isEndChunk")
	}
	if checkJSON(`[{"method":"GET","path":"/x"}]`, tArr(routeSpec)) != "" || checkJSON(`[{"path":"/x"}]`, tArr(routeSpec)) == "" {
		t.Error("RouteSpec")
	}
}

// Bytes are shown as text when they are UTF-8, otherwise as serde's array of numbers.
func TestHTTPBytesView(t *testing.T) {
	if v := bytesView([]byte("hé")); v != "hé" {
		t.Errorf("bytesView(utf8) = %v", v)
	}
	if v, ok := bytesView([]byte{0xff, 1}).([]int); !ok || len(v) != 2 || v[0] != 255 {
		t.Errorf("bytesView(binary) = %v", bytesView([]byte{0xff, 1}))
	}
}

// The bytes sink's ctx is a fresh integer per response, its callback one per process; a chunk
// whose words are implausible is refused, never read.
func TestBytesSinkContexts(t *testing.T) {
	a, fa, sa := newBytesSink("x")
	b, fb, _ := newBytesSink("y")
	if a == b || fa != fb || fa == 0 || sa.endAt != -1 {
		t.Errorf("ctx %d, %d; callback %#x, %#x", a, b, fa, fb)
	}
	if _, err := takeChunk(rstring{ptr: 0, len: 3, cap: 3}); err == nil {
		t.Error("a null buffer with length 3 was read")
	}
	if _, err := takeChunk(rstring{ptr: 1, len: 5, cap: 2}); err == nil {
		t.Error("a length over the capacity was read")
	}
	if _, err := takeChunk(rstring{ptr: 1, cap: 8}); err == nil {
		t.Error("a chunk with a null vtable was dropped")
	}
	if data, err := takeChunk(rstring{ptr: 1}); err != nil || len(data) != 0 {
		t.Errorf("the empty chunk: %v, %v", data, err)
	}
}
