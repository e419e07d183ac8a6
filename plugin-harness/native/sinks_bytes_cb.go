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

	"github.com/ebitengine/purego"
)

// bytesSinkState is one response body's bytes sink: a sink whose events are the chunks, and
// whose first empty chunk ends the body.
type bytesSinkState struct{ *sinkState }

var (
	bytesSinkFn uintptr
	makeBytesFn sync.Once
)

// newBytesSink registers a bytes sink for slot and returns its ctx and the callback's address.
func newBytesSink(slot string) (uintptr, uintptr, bytesSinkState) {
	makeBytesFn.Do(func() { bytesSinkFn = purego.NewCallback(bytesSinkCallback) })
	st := &sinkState{slot: slot, bytes: true, isEnd: func(chunk string) bool { return chunk == "" }}
	return register(st), bytesSinkFn, bytesSinkState{st}
}

// bytesSinkCallback is callback(ctx, chunk): it copies the chunk and drops it through its own
// vtable, like the event sink (sinks_cb.go) for the rest.
func bytesSinkCallback(ctx uintptr, chunk rstring) {
	st := lookup(ctx, true)
	if st == nil {
		_, _ = takeChunk(chunk)
		return
	}
	st.receive(func() (string, error) {
		data, err := takeChunk(chunk)
		return string(data), err
	})
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

// snapshot returns the chunks kept so far, how many came, where the body ended (-1: not yet)
// and the chunks that could not be read.
func (b bytesSinkState) snapshot() (chunks [][]byte, total, endAt int, bad []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.events {
		chunks = append(chunks, []byte(c))
	}
	return chunks, b.total, b.endAt, append([]string(nil), b.bad...)
}
