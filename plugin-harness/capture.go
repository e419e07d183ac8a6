package main

import (
	"fmt"
	"sync"
)

// captureLimit is how much of each end of the plugin's stdout and stderr the report keeps.
const captureLimit = 64 << 10

// outputCapture keeps the first and the last limit bytes written to it and counts the rest, so a
// plugin flooding its stdout costs the tool 2×limit of memory, not the flood, and the report still
// shows how the output began and how it ended (where a crash message would be).
type outputCapture struct {
	mu    sync.Mutex
	limit int
	head  []byte
	tail  []byte // a ring of up to limit bytes once head is full
	next  int    // where the ring's next byte goes (its oldest byte, once full)
	total int64
}

func newOutputCapture(limit int) *outputCapture { return &outputCapture{limit: limit} }

// Write never fails: the plugin's output is evidence, never a reason to stop reading it.
func (c *outputCapture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(p)
	c.total += int64(n)
	if room := c.limit - len(c.head); room > 0 {
		take := min(room, len(p))
		c.head = append(c.head, p[:take]...)
		p = p[take:]
	}
	if len(p) >= c.limit {
		c.tail = append(c.tail[:0], p[len(p)-c.limit:]...)
		c.next = 0
		return n, nil
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
	return n, nil
}

// String is the head, a "… N bytes omitted …" line when the middle was dropped, and the tail.
func (c *outputCapture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	tail := c.tail
	if len(tail) == c.limit && c.next > 0 {
		tail = append(append([]byte{}, tail[c.next:]...), tail[:c.next]...)
	}
	omitted := c.total - int64(len(c.head)) - int64(len(tail))
	if omitted == 0 {
		return string(c.head) + string(tail)
	}
	return fmt.Sprintf("%s\n… %d bytes omitted …\n%s", c.head, omitted, tail)
}
