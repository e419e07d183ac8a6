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

type chunk struct {
	buf     []byte
	n       int
	pending atomic.Int32
}

// fanOut copies r to every writer, each writer in its own goroutine reading the same buffers,
// so hashes of one stream run on separate cores. The writers are hashes: a write error stops
// nothing but is returned. It returns the bytes read.
func fanOut(r io.Reader, ws ...io.Writer) (int64, error) {
	if len(ws) == 1 || runtime.GOMAXPROCS(0) == 1 {
		return io.CopyBuffer(io.MultiWriter(ws...), onlyReader{r}, make([]byte, bufferSize))
	}
	free := make(chan *chunk, buffersInFlight)
	for range buffersInFlight {
		free <- &chunk{buf: make([]byte, bufferSize)}
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
				if _, err := w.Write(c.buf[:c.n]); err != nil {
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
		n, err := io.ReadFull(r, c.buf)
		if n > 0 {
			c.n = n
			total += int64(n)
			c.pending.Store(int32(len(ws)))
			for _, q := range queues {
				q <- c
			}
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
	if readErr != nil {
		return total, readErr
	}
	return total, writeErr
}

// onlyReader hides WriterTo so io.CopyBuffer uses the 1 MiB buffer.
type onlyReader struct{ io.Reader }
