package headtail

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// Whatever the write sizes, the buffer is the stream's head and tail with the middle counted.
func TestKeepsHeadAndTail(t *testing.T) {
	const limit = 16
	r := rand.New(rand.NewPCG(1, 2))
	for _, total := range []int{0, 1, 15, 16, 17, 31, 32, 33, 100, 1000} {
		var all strings.Builder
		for i := 0; i < total; i++ {
			all.WriteByte(byte('a' + i%26))
		}
		s := all.String()
		for trial := 0; trial < 20; trial++ {
			c := New(limit)
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

// WriteZeroes counts a huge run without materialising it.
func TestWriteZeroes(t *testing.T) {
	c := New(4)
	c.Write([]byte("abcdefghij"))
	c.Write([]byte("kl"))
	o := c.Output()
	if string(o.Head) != "abcd" || string(o.Tail) != "ijkl" || o.Omitted != 4 || o.Total != 12 {
		t.Errorf("%+v", o)
	}
	if s := o.String(); !strings.Contains(s, "… 4 bytes omitted …") {
		t.Errorf("%q", s)
	}
	c.WriteZeroes(1 << 62)
	o = c.Output()
	if o.Total != 12+1<<62 || !bytes.Equal(o.Tail, make([]byte, 4)) {
		t.Errorf("after zeroes %+v", o)
	}
	small := New(8)
	small.Write([]byte("ab"))
	small.WriteZeroes(2)
	small.Write([]byte("c"))
	if o := small.Output(); string(o.Head) != "ab\x00\x00c" || o.Omitted != 0 {
		t.Errorf("%q", o.Head)
	}
	if New(0).limit != DefaultLimit {
		t.Error("New(0) should keep DefaultLimit")
	}
}
