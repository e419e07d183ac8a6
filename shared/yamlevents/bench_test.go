package yamlevents

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// configLike builds a gateway-config-like document of about size bytes.
func configLike(size int) []byte {
	var b strings.Builder
	b.WriteString("# generated\nmcpServers:\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "  server-%d:\n", i)
		fmt.Fprintf(&b, "    container: \"ghcr.io/example/server-%d:v1.2.%d\"\n", i, i%10)
		b.WriteString("    env:\n")
		fmt.Fprintf(&b, "      TOKEN_%d: \"${TOKEN_%d}\"\n", i, i)
		b.WriteString("      MODE: read-only # comment\n")
		fmt.Fprintf(&b, "    args: [\"--port\", %d, --verbose, {k: v}]\n", 8000+i)
		b.WriteString("    mounts:\n      - /data:/data:ro\n      - 'single quoted'\n")
		b.WriteString("    note: >\n      folded text\n      over lines\n")
		b.WriteString("    script: |\n      echo one\n      echo two\n")
	}
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	doc := configLike(1 << 20)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	doc := configLike(5 << 20)
	start := time.Now()
	evs, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	// About 0.4 s on a 2-core CI machine; the bound leaves room for -race and noisy neighbours.
	d := time.Since(start)
	t.Logf("%d bytes in %v", len(doc), d)
	if d > 5*time.Second {
		t.Fatalf("5 MB parse took %v", d)
	}
	if len(evs) < 1000 {
		t.Fatalf("only %d events", len(evs))
	}
	// deep flow nesting and long single lines stay bounded too
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	start = time.Now()
	_, _ = Parse([]byte(deep))
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("deep nesting took %v", d)
	}
}
