package wasip2

import (
	"fmt"
	"sync"
)

// DefaultCaptureLimit is how much of each end of the guest's stdout and stderr a Host keeps, as
// the native harness keeps of a plugin process's output.
const DefaultCaptureLimit = 64 << 10

// Capture keeps the first and the last limit bytes written to one of the guest's output streams
// and counts the rest: the gateway throws the guest's output away, and the report only needs
// how it began and how it ended, so a guest printing in a loop costs 2×limit, not the flood.
type Capture struct {
	mu    sync.Mutex
	limit int
	head  []byte
	tail  []byte // a ring of up to limit bytes once head is full
	next  int    // where the ring's next byte goes (its oldest byte once full)
	total uint64
}

func newCapture(limit int) *Capture {
	if limit <= 0 {
		limit = DefaultCaptureLimit
	}
	return &Capture{limit: limit}
}

// write never fails: the stream it backs never does on the gateway (a sink).
func (c *Capture) write(p []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total += uint64(len(p))
	if room := c.limit - len(c.head); room > 0 {
		take := min(room, len(p))
		c.head = append(c.head, p[:take]...)
		p = p[take:]
	}
	c.ring(p)
}

func (c *Capture) ring(p []byte) {
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

// writeZeroes records n zero bytes without materialising them: write-zeroes takes a u64.
func (c *Capture) writeZeroes(n uint64) {
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

// Output is what a Capture kept.
type Output struct {
	// Head is the first bytes written, Tail the last ones after Head; Omitted the count
	// in between that was not kept.
	Head, Tail []byte
	Omitted    uint64
	// Total is every byte the guest wrote.
	Total uint64
}

// Output is a copy of what the capture holds now.
func (c *Capture) Output() Output {
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
