package keys

import (
	"io"
	"runtime"
	"sync"
	"sync/atomic"
)

// bufferSize is the read size; 1 MiB measured fastest for hashing (see digest.BufferSize).
const bufferSize = 1 << 20

// buffersInFlight bounds memory: the reader stays at most this many buffers ahead of the
// slowest writer.
const buffersInFlight = 4

// buffers keeps bufferSize buffers between calls (a sign makes two passes).
var buffers = sync.Pool{New: func() any { b := make([]byte, bufferSize); return &b }}

type chunk struct {
	buf     *[]byte
	n       int
	pending atomic.Int32
}

// fanOut copies r to every writer. An input that fits in one buffer is written to each writer in
// turn: goroutines would cost more than they save. A larger one goes to each writer in its own
// goroutine reading the same buffers, so hashes of one stream run on separate cores. The writers
// are hashes: a write error stops nothing but is returned. It returns the bytes read.
func fanOut(r io.Reader, ws ...io.Writer) (int64, error) {
	first := buffers.Get().(*[]byte)
	n, err := io.ReadFull(r, *first)
	writeErr := writeAll(ws, (*first)[:n])
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		buffers.Put(first)
		return int64(n), writeErr
	case err != nil:
		buffers.Put(first)
		return int64(n), err
	}
	var rest int64
	if len(ws) == 1 || runtime.GOMAXPROCS(0) == 1 {
		rest, err = io.CopyBuffer(io.MultiWriter(ws...), onlyReader{r}, *first)
		buffers.Put(first)
	} else {
		rest, err = fanOutParallel(r, ws, first)
	}
	if err == nil {
		err = writeErr
	}
	return int64(n) + rest, err
}

// writeAll writes b to every writer, returning the first error.
func writeAll(ws []io.Writer, b []byte) error {
	var first error
	for _, w := range ws {
		if _, err := w.Write(b); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// fanOutParallel is fanOut's many-core path for what follows the first buffer (spare, free now).
func fanOutParallel(r io.Reader, ws []io.Writer, spare *[]byte) (int64, error) {
	free := make(chan *chunk, buffersInFlight)
	free <- &chunk{buf: spare}
	for range buffersInFlight - 1 {
		free <- &chunk{buf: buffers.Get().(*[]byte)}
	}
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		writeErr error
	)
	queues := make([]chan *chunk, len(ws))
	for i, w := range ws {
		q := make(chan *chunk, buffersInFlight)
		queues[i] = q
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range q {
				if _, err := w.Write((*c.buf)[:c.n]); err != nil {
					errOnce.Do(func() { writeErr = err })
				}
				if c.pending.Add(-1) == 0 {
					free <- c
				}
			}
		}()
	}
	var (
		total   int64
		readErr error
	)
	for {
		c := <-free
		n, err := io.ReadFull(r, *c.buf)
		if n > 0 {
			c.n = n
			total += int64(n)
			c.pending.Store(int32(len(ws)))
			for _, q := range queues {
				q <- c
			}
		} else {
			free <- c
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			readErr = err
			break
		}
	}
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	for range buffersInFlight { // every writer is done: all buffers are back
		buffers.Put((<-free).buf)
	}
	if readErr != nil {
		return total, readErr
	}
	return total, writeErr
}

// onlyReader hides WriterTo so io.CopyBuffer uses the 1 MiB buffer.
type onlyReader struct{ io.Reader }
