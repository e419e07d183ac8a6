package headtail

import (
	"fmt"
	"sync"
)

// DefaultLimit is how much of each end of a plugin's output the harness keeps: a worker
// process's stdout and stderr, a Wasm guest's streams.
const DefaultLimit = 64 << 10

// Buffer keeps the first and the last limit bytes written to it and counts the rest: a plugin
// flooding its output costs the harness 2×limit of memory, not the flood, and the report still
// shows how the output began and how it ended (where a crash message would be).
type Buffer struct {
	mu    sync.Mutex
	limit int
	head  []byte
	tail  []byte // a ring of up to limit bytes once head is full
	next  int    // where the ring's next byte goes (its oldest byte once full)
	total uint64
}

// New makes a Buffer keeping limit bytes at each end (DefaultLimit when limit is not positive).
func New(limit int) *Buffer {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return &Buffer{limit: limit}
}

// Write never fails: a plugin's output is evidence, never a reason to stop reading it.
func (c *Buffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(p)
	c.total += uint64(len(p))
	if room := c.limit - len(c.head); room > 0 {
		take := min(room, len(p))
		c.head = append(c.head, p[:take]...)
		p = p[take:]
	}
	c.ring(p)
	return n, nil
}

func (c *Buffer) ring(p []byte) {
	if len(p) >= c.limit {
		c.tail = append(c.tail[:0], p[len(p)-c.limit:]...)
		c.next = 0
		return
	}
	for len(p) > 0 {
		if len(c.tail) < c.limit {
			take := min(c.limit-len(c.tail), len(p))
			c.tail = append(c.tail, p[:take]...)
			c.next = len(c.tail) % c.limit
			p = p[take:]
			continue
		}
		k := copy(c.tail[c.next:], p)
		c.next = (c.next + k) % c.limit
		p = p[k:]
	}
}

// WriteZeroes records n zero bytes without materialising them (WASI's write-zeroes takes a u64).
func (c *Buffer) WriteZeroes(n uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total += n
	if room := uint64(c.limit - len(c.head)); room > 0 {
		take := min(room, n)
		c.head = append(c.head, make([]byte, take)...)
		n -= take
	}
	var zero [4096]byte
	if n > uint64(c.limit) {
		n = uint64(c.limit) // only the last limit bytes can survive
	}
	for n > 0 {
		k := min(n, uint64(len(zero)))
		c.ring(zero[:k])
		n -= k
	}
}

// Output is what a Buffer kept.
type Output struct {
	// Head is the first bytes written, Tail the last ones after Head; Omitted the count
	// in between that was not kept.
	Head, Tail []byte
	Omitted    uint64
	// Total is every byte written.
	Total uint64
}

// Output is a copy of what the buffer holds now.
func (c *Buffer) Output() Output {
	c.mu.Lock()
	defer c.mu.Unlock()
	tail := c.tail
	if len(tail) == c.limit && c.next > 0 {
		tail = append(append([]byte{}, tail[c.next:]...), tail[:c.next]...)
	} else {
		tail = append([]byte{}, tail...)
	}
	head := append([]byte{}, c.head...)
	return Output{Head: head, Tail: tail, Total: c.total, Omitted: c.total - uint64(len(head)) - uint64(len(tail))}
}

// String is the head, a "… N bytes omitted …" line when the middle was dropped, and the tail.
func (o Output) String() string {
	if o.Omitted == 0 {
		return string(o.Head) + string(o.Tail)
	}
	return fmt.Sprintf("%s\n… %d bytes omitted …\n%s", o.Head, o.Omitted, o.Tail)
}

// String is Output().String().
func (c *Buffer) String() string { return c.Output().String() }
