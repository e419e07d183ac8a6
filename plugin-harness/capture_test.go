package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// Whatever the write sizes, the capture is the stream's head and tail with the middle counted.
func TestOutputCaptureKeepsHeadAndTail(t *testing.T) {
	const limit = 16
	r := rand.New(rand.NewPCG(1, 2))
	for _, total := range []int{0, 1, 15, 16, 17, 31, 32, 33, 100, 1000} {
		var all strings.Builder
		for i := 0; i < total; i++ {
			all.WriteByte(byte('a' + i%26))
		}
		s := all.String()
		for trial := 0; trial < 20; trial++ {
			c := newOutputCapture(limit)
			for rest := s; len(rest) > 0; {
				n := min(len(rest), 1+r.IntN(40))
				if got, err := c.Write([]byte(rest[:n])); got != n || err != nil {
					t.Fatalf("Write = %d, %v", got, err)
				}
				rest = rest[n:]
			}
			want := s
			if len(s) > 2*limit {
				want = fmt.Sprintf("%s\n… %d bytes omitted …\n%s", s[:limit], len(s)-2*limit, s[len(s)-limit:])
			}
			if got := c.String(); got != want {
				t.Fatalf("total %d: got %q, want %q", total, got, want)
			}
		}
	}
}
