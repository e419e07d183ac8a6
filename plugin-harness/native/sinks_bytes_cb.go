//go:build (linux || darwin) && (amd64 || arm64)

package native

// The host's bytes sink (BytesSinkRef: ctx, callback(usize, RVec<u8>)), docs/native-kinds.md §1,
// §6, §11.3: http_route.handle_streaming's binary body path, where an empty RVec ends the body.
// Like the event sink (sinks_cb.go) it is one purego callback per process, never freed, told apart
// by an integer ctx whose state is never deleted while the worker lives, so a late chunk still
// finds its state and is reported. An RVec<u8> has an RString's four words; the host owns each
// chunk and drops it through the vtable it carries, but unlike an RString it need not be UTF-8.

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/ebitengine/purego"
)

// bytesSinkState is one response body's bytes sink, as the host sees it.
type bytesSinkState struct {
	slot     string
	inflight atomic.Int32
	// cancelReturned: the slot ending the sink's life returned (cancel_stream, or handle_streaming
	// with handle 0); a chunk after it is a use-after-free in the gateway.
	cancelReturned atomic.Bool
	late           atomic.Int32
	fromPlugin     atomic.Int32 // callbacks on a thread other than the driver's

	mu     sync.Mutex
	chunks [][]byte // the first maxKeptEvents chunks
	total  int      // chunks received, kept or not
	bytes  int      // their bytes
	endAt  int      // index of the first empty chunk (the end of the body), -1 when none came
	bad    []string // chunks that were not a readable RVec<u8>
	signal chan struct{}
}

var (
	bytesSinkMu      sync.Mutex
	bytesSinks       = map[uintptr]*bytesSinkState{}
	nextBytesSinkCtx uintptr
	bytesSinkFn      uintptr
	makeBytesFn      sync.Once
	unknownBytes     atomic.Int32 // callbacks naming a ctx the harness never handed out
)

// newBytesSink registers a bytes sink for slot and returns its ctx and the callback's address.
func newBytesSink(slot string) (uintptr, uintptr, *bytesSinkState) {
	makeBytesFn.Do(func() { bytesSinkFn = purego.NewCallback(bytesSinkCallback) })
	st := &bytesSinkState{slot: slot, endAt: -1, signal: make(chan struct{}, 1)}
	bytesSinkMu.Lock()
	nextBytesSinkCtx++
	ctx := nextBytesSinkCtx
	bytesSinks[ctx] = st
	bytesSinkMu.Unlock()
	return ctx, bytesSinkFn, st
}

// bytesSinkCallback is callback(ctx, chunk): it copies the chunk, drops it through its own vtable
// and wakes the driver without ever blocking the plugin's thread.
func bytesSinkCallback(ctx uintptr, chunk rstring) {
	data, err := takeChunk(chunk)
	bytesSinkMu.Lock()
	st := bytesSinks[ctx]
	bytesSinkMu.Unlock()
	if st == nil {
		unknownBytes.Add(1)
		return
	}
	st.inflight.Add(1)
	defer st.inflight.Add(-1)
	if st.cancelReturned.Load() {
		st.late.Add(1)
	}
	if tid := threadID(); tid != 0 && tid != theHost.driver {
		st.fromPlugin.Add(1)
	}
	st.mu.Lock()
	if err != nil { // reported, not counted as a chunk of the body
		if len(st.bad) < maxKeptEvents {
			st.bad = append(st.bad, err.Error())
		}
		st.mu.Unlock()
		return
	}
	if len(data) == 0 && st.endAt < 0 {
		st.endAt = st.total
	}
	st.total++
	st.bytes += len(data)
	if len(st.chunks) < maxKeptEvents {
		st.chunks = append(st.chunks, data)
	}
	st.mu.Unlock()
	select {
	case st.signal <- struct{}{}:
	default:
	}
}

// takeChunk copies an RVec<u8> the host was handed by value and drops it through its vtable; a
// chunk whose words cannot be trusted is leaked rather than freed blind.
func takeChunk(chunk rstring) ([]byte, error) {
	switch {
	case chunk.len > maxPluginString:
		return nil, fmt.Errorf("a chunk of implausible length %d", chunk.len)
	case chunk.len > 0 && chunk.ptr == 0:
		return nil, fmt.Errorf("a chunk with a null buffer and length %d", chunk.len)
	case chunk.len > chunk.cap:
		return nil, fmt.Errorf("a chunk whose length %d exceeds its capacity %d", chunk.len, chunk.cap)
	case chunk.cap > 0 && chunk.vt == 0:
		return nil, fmt.Errorf("a chunk of capacity %d with a null vtable", chunk.cap)
	}
	var data []byte
	if chunk.len > 0 {
		data = append([]byte(nil), mem(chunk.ptr, int(chunk.len))...)
	}
	tmp := words(4)
	tmp[0], tmp[1], tmp[2], tmp[3] = chunk.ptr, chunk.len, chunk.cap, chunk.vt
	drop(addrOf(tmp))
	return data, nil
}

// snapshot returns the chunks kept so far, how many came and where the body ended (-1: not yet).
func (st *bytesSinkState) snapshot() (chunks [][]byte, total, endAt int, bad []string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([][]byte(nil), st.chunks...), st.total, st.endAt, append([]string(nil), st.bad...)
}
