package keys

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"runtime"
	"testing"
)

// TestFanOutSmallAllocations: a small input is hashed without a megabyte of buffers per call (it
// took four, and a sign makes two passes).
func TestFanOutSmallAllocations(t *testing.T) {
	msg := bytes.Repeat([]byte("plugin"), 20<<10/6)
	pass := func() {
		if n, err := fanOut(bytes.NewReader(msg), sha256.New(), sha512.New()); err != nil || n != int64(len(msg)) {
			t.Fatalf("fanOut: %d, %v", n, err)
		}
	}
	pass() // fills the pool
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 20 {
		pass()
	}
	runtime.ReadMemStats(&after)
	// The race detector makes sync.Pool drop some buffers; the bound still catches one per call.
	if perCall := (after.TotalAlloc - before.TotalAlloc) / 20; perCall > 512<<10 {
		t.Errorf("fanOut allocates %d bytes per 20 KiB input, want a few KiB", perCall)
	}
}
